"""The compare window's threads: every tab starts its workers here, and closing stops them all.

One owner for the :class:`~studio.gui.threads.WorkerThread` list, so the window's
``is_running``/``stop_all`` see the twin run, the experiment, the seeds, the lr finder and the
sweep alike.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Slot

from studio.gui.threads import WorkerBase, WorkerThread

__all__ = ["WorkerHost"]


class WorkerHost(QObject):
    """Starts workers in their own threads (owned by ``parent``) and stops them on request."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._threads: list[WorkerThread] = []

    def start(self, worker: WorkerBase, done: Callable) -> None:
        """Run ``worker`` in a new thread; ``done`` gets its ``finished`` arguments."""
        thread = WorkerThread(worker, name=f"compare_{type(worker).__name__}", parent=self)
        worker.finished.connect(done)
        # A slot of ours, not a lambda: Qt drops the connection if this object goes first.
        thread.finished.connect(self._on_thread_finished)
        self._threads.append(thread)
        thread.start()

    @Slot()
    def _on_thread_finished(self) -> None:  # drop our reference to the ended thread
        thread = self.sender()
        self._threads = [t for t in self._threads if t is not thread]
        if isinstance(thread, WorkerThread):
            thread.dispose()

    def is_running(self) -> bool:
        """True while any worker started here is running."""
        return any(thread.is_running() for thread in self._threads)

    def stop(self) -> None:
        """Ask every worker to stop (through its public ``stop()``)."""
        for thread in self._threads:
            thread.stop()

    def wait(self, wait_ms: int) -> bool:
        """Wait up to ``wait_ms`` for each thread; True if all ended."""
        return all(thread.wait(wait_ms) for thread in list(self._threads))
