"""Launching, feeding and ending a run's worker thread: the lifecycle half of the run controller.

:class:`RunLifecycle` is the base class of :class:`~studio.gui.run.run_controller.RunController`
that deals with the worker thread: it launches each run's
:class:`~studio.gui.run.worker.TrainingWorker` in a :class:`~studio.gui.threads.WorkerThread`,
takes in what the worker sends (in the GUI thread, through a
:class:`~studio.gui.run.run_link.RunLink`) and ends the thread. The controller keeps the state,
the commands, what other views ask of the run and the session files. This part lives apart
because it is where the two threads meet, and where the garbage collector is kept out of the
training thread's way.
"""

from __future__ import annotations

import gc

from studio.core import EpochReport, RunSpec
from studio.gui.run.probes import ProbeError
from studio.gui.run.run_link import RunLink
from studio.gui.run.run_state import (
    GRID_INTERVAL_S,
    REPORT_INTERVAL_S,
    STOP_WAIT_MS,
    RunState,
)
from studio.gui.run.worker import TrainingWorker
from studio.gui.threads import WorkerThread

__all__ = ["RunLifecycle"]


class RunLifecycle:
    """Launch, feed from and end the worker thread of a ``RunController`` (its base class).

    It reads and sets the controller's run state (``_worker``, ``_thread``, ``_link``,
    ``_snapshot``, ``_end_reason``, ``reports``, ``spec``, ``until``, ``last_grid``,
    ``weights``, ``log``...) and emits its signals; see
    :class:`~studio.gui.run.run_controller.RunController` for what they mean.
    """

    # -- the worker thread ----------------------------------------------------------------
    def shutdown(self, timeout_ms: int = STOP_WAIT_MS) -> bool:
        """Stop the worker and wait at most ``timeout_ms`` for its thread to end.

        Returns
        -------
        bool
            True when no thread is left running. When False the thread is still referenced
            and ``run_ended`` follows once it has stopped.
        """
        if self._thread is None:
            return True
        self.stop()
        if not self._thread.wait(timeout_ms):
            return False
        self._end_run()  # now, not when the queued QThread.finished arrives
        return True

    def _fork_if_edited(self) -> None:
        optimizer = self._model.spec.optimizer
        if self.spec is not None and optimizer != self.spec.optimizer:
            self._worker.fork(optimizer)

    def _launch(self, *, paused: bool, until: int | None = None) -> None:
        # The window's long-lived objects (widgets, plot items, open views) move out of the
        # collector's reach: a full collection walking them all ran in the training thread
        # for 120-160 ms holding the GIL, the longest stalls of a run. freeze() only moves a
        # list; it collects nothing.
        gc.freeze()
        snapshot = None
        if until is None:  # a fresh run
            self.spec = self._model.spec
            self.until = self.spec.epochs
            self.reports = []
            self.last_grid = None
            self.weights = None
            self._snapshot = None
            self.log.start(self.spec)
            self.history_changed.emit()
        else:  # go on with the kept session (Continue, Step after the end)
            snapshot, self._snapshot, self.until = self._snapshot, None, until
        self._dirty = True
        self._end_reason = "done"
        worker = TrainingWorker(self.spec, grid_size=self._grid_size, start_paused=paused,
                                grid_interval_s=GRID_INTERVAL_S,
                                batch_interval_s=REPORT_INTERVAL_S, snapshot=snapshot,
                                until=self.until, pace=self.pace,
                                probes=tuple(self._probes.values()))
        thread = WorkerThread(worker, name="training_thread", parent=self)
        link = RunLink(self)
        link.connect(worker, thread)
        self._worker, self._thread, self._link = worker, thread, link
        self._model.set_locked(True)
        self._set_state(RunState.PAUSED if paused else RunState.RUNNING)
        self.run_started.emit("start" if snapshot is None else "continue")
        thread.start()

    def _end_run(self) -> None:
        worker, thread = self._worker, self._thread
        if worker is None or thread is None:
            return
        self._link.current = False
        self._link.deleteLater()
        self._worker = self._thread = self._link = None
        self._snapshot = worker.snapshot  # None when it failed
        thread.dispose()  # the worker too
        del worker
        # The run's garbage cycles are freed now, while what _launch froze is still out of
        # the collector's reach: this walks only what the run created (a few ms). The frozen
        # objects then go back to the collector's care, without a walk of them all now
        # (120-150 ms holding the GIL: a stall at the end of every run): garbage among them
        # waits for the collector's next full pass, as it would without the freeze.
        gc.collect()
        gc.unfreeze()
        self._set_state(RunState.ENDED)  # unlocks the model too
        self.run_ended.emit(self._end_reason)
        if self._reset_pending:
            self._clear()

    def _accept_reports(self, reports: tuple[EpochReport, ...]) -> None:
        # One batch of the worker's reports: the log records them together (its history grows
        # once per batch, not per report), then each is announced in order.
        self.reports.extend(reports)
        self.log.accept_many(reports)
        self._dirty = True
        for report in reports:
            if report.grid is not None:
                self.last_grid = report.grid
            self.epoch_finished.emit(report)
            if report.diverged:
                self._end_reason = "diverged"
                self.diverged.emit(report)

    def _accept_grid(self, grid) -> None:
        # The grid of the paused/stopped model, which the last report came without.
        self.last_grid = grid
        self._dirty = True

    def _accept_probes(self, results) -> None:
        for name, epoch, payload in results:
            if isinstance(payload, ProbeError):
                self.remove_probe(name)  # reported once, then not asked again
            self.probe_ready.emit(name, epoch, payload)

    def _accept_fork(self, epoch: int, spec: RunSpec) -> None:
        self.spec = spec
        marker = self.log.fork(epoch, spec)
        if marker is not None:
            self.forked.emit(marker)
            self.history_changed.emit()

    def _accept_failure(self, message: str) -> None:
        self._end_reason = "failed"
        self.run_failed.emit(message)
