"""The GUI-thread end of one run's worker signals (cut when the run is no longer current)."""

from __future__ import annotations

from PySide6.QtCore import QObject

from studio.core import EpochReport

__all__ = ["RunLink"]


class RunLink(QObject):
    """Receives one run's worker signals in the GUI thread and forwards them while current.

    Reports of a run that was already shut down may still sit in the event queue; cutting the
    link (``current = False``) drops them without asking Qt who sent them.
    """

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.current = True
        self._controller = controller

    def _on_worker_epochs_finished(self, reports: tuple[EpochReport, ...]) -> None:
        if self.current:
            self._controller._accept_reports(reports)

    def _on_worker_grid_ready(self, grid) -> None:
        if self.current:
            self._controller._accept_grid(grid)

    def _on_worker_weights_ready(self, weights) -> None:
        if self.current:
            self._controller.weights = weights

    def _on_worker_weights_recorded(self, pairs) -> None:
        if self.current:
            self._controller.log.record_weights(pairs)

    def _on_worker_probes_ready(self, results) -> None:
        if self.current:
            self._controller._accept_probes(results)

    def _on_worker_forked(self, epoch: int, spec) -> None:
        if self.current:
            self._controller._accept_fork(epoch, spec)

    def _on_worker_failed(self, message: str) -> None:
        if self.current:
            self._controller._accept_failure(message)

    def _on_thread_finished(self) -> None:
        if self.current:
            self._controller._end_run()

    def connect(self, worker, thread) -> None:
        """Receive ``worker``'s signals and ``thread``'s end (queued: they come from afar)."""
        for signal, slot in ((worker.epochs_finished, self._on_worker_epochs_finished),
                             (worker.grid_ready, self._on_worker_grid_ready),
                             (worker.weights_ready, self._on_worker_weights_ready),
                             (worker.weights_recorded, self._on_worker_weights_recorded),
                             (worker.probes_ready, self._on_worker_probes_ready),
                             (worker.forked, self._on_worker_forked),
                             (worker.failed, self._on_worker_failed)):
            signal.connect(slot)
        thread.finished.connect(self._on_thread_finished)
