"""The training worker: pulls frozen reports from :func:`studio.core.train` in its own thread.

A :class:`TrainingWorker` is moved to a ``QThread`` and its :meth:`~TrainingWorker.run` slot
is connected to ``QThread.started``. It is driven from the GUI thread through thread-safe
methods (:meth:`resume`, :meth:`pause`, :meth:`step`, :meth:`stop`) that only flip state under
a ``threading.Condition``: pausing is simply not pulling the next report, so a paused worker
sleeps on the condition instead of spinning.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot

from studio.core import RunSpec, train

__all__ = ["TrainingWorker"]


class TrainingWorker(QObject):
    """Trains one :class:`RunSpec`, emitting one frozen ``EpochReport`` per epoch.

    Parameters
    ----------
    spec : RunSpec
        The run; the same spec (same seeds) always gives the same reports.
    grid_size : int
        Side of the decision-region grid each report carries.
    start_paused : bool
        Wait for :meth:`resume` or :meth:`step` before pulling the first report.

    Signals
    -------
    epoch_finished(EpochReport)
        A frozen report; safe to hand to the GUI thread as is.
    failed(str)
        The engine raised; the message is shown to the user. ``finished`` follows.
    finished()
        :meth:`run` returned (all epochs done, stopped, diverged or failed). Always emitted
        last, exactly once.
    """

    epoch_finished = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, spec: RunSpec, *, grid_size: int = 64, start_paused: bool = False) -> None:
        super().__init__()
        self._spec = spec
        self._grid_size = grid_size
        self._stop = threading.Event()  # also handed to the engine: checked before every batch
        self._cond = threading.Condition()
        self._running = not start_paused
        self._pending_steps = 0

    # -- called from the GUI thread -----------------------------------------------------
    def resume(self) -> None:
        """Pull reports continuously."""
        with self._cond:
            self._running = True
            self._cond.notify_all()

    def pause(self) -> None:
        """Stop pulling after the epoch in progress (the engine's clock stops with us)."""
        with self._cond:
            self._running = False
            self._pending_steps = 0

    def step(self) -> None:
        """While paused, pull exactly one more report."""
        with self._cond:
            self._pending_steps += 1
            self._cond.notify_all()

    def stop(self) -> None:
        """Ask the run to end; the engine returns before its next batch."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()

    @property
    def is_stopping(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stop.is_set()

    # -- runs in the worker thread --------------------------------------------------------
    def _may_pull(self) -> bool:
        """Block until the next pull is allowed; False when stopped."""
        with self._cond:
            while not (self._stop.is_set() or self._running or self._pending_steps):
                self._cond.wait()
            if self._stop.is_set():
                return False
            if not self._running:
                self._pending_steps -= 1
            return True

    @Slot()
    def run(self) -> None:
        """Train until done, stopped or diverged. Connect to ``QThread.started``."""
        try:
            # The engine enters torch.no_grad() itself on every resume, in this thread.
            reports = train(self._spec, stop=self._stop, grid_size=self._grid_size)
            while self._may_pull():
                report = next(reports, None)
                if report is None:
                    break
                self.epoch_finished.emit(report)
                if report.diverged:
                    break
        except Exception as exc:  # noqa: BLE001 - shown to the user, the thread must end
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        finally:
            self.finished.emit()
