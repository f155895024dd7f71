"""One ``QObject`` worker in its own ``QThread``: start, cooperative stop, bounded shutdown.

The run controller and the compare window both run workers this way; the plumbing (move to
the thread, start ``run``, quit when the worker says ``finished``, wait a bounded time, let
go) lives here once. A worker provides ``run()`` (a slot), ``finished`` (a signal, any
arguments), ``stop()`` (thread-safe, e.g. a ``threading.Event``) and ``is_stopping``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal

__all__ = ["DeferredAction", "StoppableWorker", "WorkerBase", "WorkerThread", "running_threads"]

#: Every started ``QThread`` until it has finished. Destroying a running ``QThread`` aborts the
#: process ("Destroyed while thread is still running"); holding the Python reference here keeps
#: the thread alive even if the object that started it goes first.
_RUNNING: set[QThread] = set()


def running_threads() -> int:
    """How many threads started through :class:`WorkerThread` have not finished yet."""
    return sum(1 for thread in _RUNNING if thread.isRunning())


class StoppableWorker(Protocol):
    """What :class:`WorkerThread` needs of a worker (a ``QObject``)."""

    finished: Signal

    def run(self) -> None: ...  # noqa: D102 - the thread's body

    def stop(self) -> None: ...  # noqa: D102 - thread-safe: ask to stop soon

    @property
    def is_stopping(self) -> bool: ...  # noqa: D102


class WorkerBase(QObject):
    """A worker whose stop is a ``threading.Event`` handed to the engine it drives.

    Subclasses define ``finished`` and ``run()``; they pass :attr:`stop_event` to the engine
    (which checks it between steps) and nobody else touches it: others call :meth:`stop`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._stop_event = threading.Event()

    @property
    def stop_event(self) -> threading.Event:
        """The event the engine polls (for the subclass's ``run``)."""
        return self._stop_event

    def stop(self) -> None:
        """Ask the run to stop after its current step (thread-safe)."""
        self._stop_event.set()

    @property
    def is_stopping(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stop_event.is_set()


class WorkerThread(QObject):
    """Runs ``worker.run`` in a new ``QThread`` owned by ``parent``.

    Parameters
    ----------
    worker : QObject
        A :class:`StoppableWorker`; it is moved to the thread (it must have no parent).
    name : str
        The thread's objectName (shown by the leaked-thread check of the tests).
    parent : QObject
        Owns this object. The ``QThread`` itself has no Qt parent and stays referenced until it
        has finished, so deleting ``parent`` early never destroys a running thread.

    Signals
    -------
    finished()
        The thread ended (delivered in the GUI thread).
    """

    finished = Signal()

    def __init__(self, worker: QObject, *, name: str, parent: QObject) -> None:
        super().__init__(parent)
        self.worker: QObject | None = worker
        # No Qt parent: a parent deleting its children would destroy a thread still running.
        # The Python reference (ours, and _RUNNING's while it runs) decides its lifetime.
        self._thread = QThread()
        self._thread.setObjectName(name)
        worker.moveToThread(self._thread)
        self._thread.started.connect(worker.run)
        # Direct: quit() is thread-safe and must not wait for the GUI thread, which may be
        # blocked in wait() (closing) and so never deliver a queued call.
        worker.finished.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.finished.connect(self._on_thread_finished)

    def start(self) -> None:
        """Start the thread (``worker.run`` begins in it)."""
        _RUNNING.add(self._thread)
        self._thread.start()

    def _on_thread_finished(self) -> None:
        _RUNNING.discard(self._thread)
        self.finished.emit()

    def is_running(self) -> bool:
        """Whether the thread is still running."""
        return self._thread.isRunning()

    def stop(self) -> None:
        """Ask the worker to stop (cooperatively: it finishes its current step)."""
        if self.worker is not None:
            self.worker.stop()

    def wait(self, timeout_ms: int) -> bool:
        """Wait at most ``timeout_ms`` for the thread to end; True when it has."""
        return self._thread.wait(timeout_ms)

    def shutdown(self, timeout_ms: int) -> bool:
        """Ask to stop and wait at most ``timeout_ms``; True when the thread has ended."""
        if not self.is_running():
            return True
        self.stop()
        return self.wait(timeout_ms)

    def dispose(self) -> None:
        """Let go of the worker and delete the ended thread and this object.

        Call it after :meth:`wait` returned True or :attr:`finished` arrived, from a slot of
        the owner (not a lambda), so it never runs after the owner and its thread are gone.
        """
        if self._thread.isRunning():
            raise RuntimeError("dispose() of a running thread")
        _RUNNING.discard(self._thread)
        # Not worker.deleteLater(): the worker lives in the ended thread, whose event loop will
        # never run again, and PySide hands a deleteLater()'d object to C++, so the worker and
        # everything it holds (model, optimiser state, data) leaked with every run. Dropping
        # the last Python reference deletes it now; its thread is over, so no event races it.
        self.worker = None
        self._thread.deleteLater()
        self.deleteLater()


class DeferredAction(QObject):
    """One action (close, open a file…) that waits, without blocking the GUI, for a condition.

    Used when a stopped run is still finishing a long batch: the GUI keeps painting and says
    so, and the action runs as soon as ``ready()`` holds. A newer :meth:`defer` replaces the
    pending action (the user's last wish wins).
    """

    POLL_MS = 50  # two sources can end a wait (the run, the compare window): polling is simplest

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._pending: tuple[Callable[[], bool], Callable[[], object]] | None = None
        self._timer = QTimer(self, interval=self.POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def defer(self, ready: Callable[[], bool], action: Callable[[], object]) -> None:
        """Run ``action`` (once) from the event loop as soon as ``ready()`` is true."""
        self._pending = (ready, action)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        if self._pending is None or not self._pending[0]():
            return
        action = self._pending[1]
        self._pending = None
        self._timer.stop()
        action()
