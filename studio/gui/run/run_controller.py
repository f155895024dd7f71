"""The run in progress: owns the worker thread and the reports received so far.

:class:`RunController` is the model the run controls, the plots and the progress bar are
views of. It lives in the GUI thread; the :class:`~studio.gui.run.worker.TrainingWorker` lives in
its own ``QThread``, and only frozen ``EpochReport`` objects travel between them.
"""

from __future__ import annotations

import enum

from PySide6.QtCore import QObject, Signal

from studio.core import EpochReport, RunSpec
from studio.gui.run.worker import TrainingWorker
from studio.gui.setup.spec_model import SpecModel
from studio.gui.threads import WorkerThread

__all__ = ["GRID_INTERVAL_S", "REPORT_INTERVAL_S", "RunController", "RunState", "STOP_WAIT_MS"]

#: Seconds of training between decision grids during a run. Every epoch would cost the seed
#: network ~40% of its speed (the 64x64 grid is four times its 1,000-point epoch); a grid every
#: 0.15 s still animates the region smoothly at the rates the window draws it.
GRID_INTERVAL_S = 0.15
#: Seconds the worker gathers reports before sending them: below the frame interval, so the
#: views lose nothing, while the GUI thread wakes (and takes the GIL) ~50 times a second
#: instead of once per epoch (~1,000 a second for the seed network).
REPORT_INTERVAL_S = 0.02
#: How long the GUI thread may block waiting for a stopped run (Reset, opening a file,
#: closing). Small runs stop within milliseconds; a 12x1024 network on a 20,000-point batch
#: can take seconds, and the GUI must not freeze that long: the action then waits for
#: ``run_ended`` instead (the state stays ``STOPPING`` meanwhile).
STOP_WAIT_MS = 1000


class RunState(enum.Enum):
    """Where the run is; the buttons enable themselves from it."""

    IDLE = "idle"          # no reports (never started, or reset)
    RUNNING = "running"
    PAUSED = "paused"
    STOPPING = "stopping"  # stop asked, worker thread still finishing its batch
    ENDED = "ended"        # finished, stopped, diverged or failed: the curves stay


class _RunLink(QObject):
    """Receives one run's worker signals in the GUI thread and forwards them while current.

    Reports of a run that was already shut down may still sit in the event queue; cutting the
    link (``current = False``) drops them without asking Qt who sent them.
    """

    def __init__(self, controller: RunController) -> None:
        super().__init__(controller)
        self.current = True
        self._controller = controller

    def _on_worker_epochs_finished(self, reports: tuple[EpochReport, ...]) -> None:
        if self.current:
            for report in reports:
                self._controller._accept_report(report)

    def _on_worker_grid_ready(self, grid) -> None:
        if self.current:
            self._controller._accept_grid(grid)

    def _on_worker_weights_ready(self, weights) -> None:
        if self.current:
            self._controller.weights = weights

    def _on_worker_failed(self, message: str) -> None:
        if self.current:
            self._controller._accept_failure(message)

    def _on_thread_finished(self) -> None:
        if self.current:
            self._controller._end_run()


class RunController(QObject):
    """Start, pause, step, stop and reset training runs of ``model.spec``.

    Parameters
    ----------
    model : SpecModel
        The edited setup. A run trains a snapshot of ``model.spec`` taken at start, and locks
        the model while the run exists.
    grid_size : int
        Side of the decision-region grid.

    Signals
    -------
    state_changed(RunState)
    epoch_finished(EpochReport)
        A report of the current run arrived (already appended to :attr:`reports`).
    diverged(EpochReport)
        The loss became NaN/inf; the run ends, the curves so far stay.
    run_failed(str)
        The engine raised (e.g. an unavailable device).
    run_ended(str)
        ``"done"``, ``"stopped"``, ``"diverged"`` or ``"failed"``.
    cleared()
        :meth:`reset` dropped the reports.
    """

    state_changed = Signal(object)
    epoch_finished = Signal(object)
    diverged = Signal(object)
    run_failed = Signal(str)
    run_ended = Signal(str)
    cleared = Signal()

    def __init__(self, model: SpecModel, *, grid_size: int = 64,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._grid_size = grid_size
        self._state = RunState.IDLE
        self._worker: TrainingWorker | None = None
        self._thread: WorkerThread | None = None
        self._link: _RunLink | None = None
        self._end_reason = "done"
        self._reset_pending = False  # reset() asked while the run was still stopping
        self._dirty = False
        self.reports: list[EpochReport] = []
        self.spec: RunSpec | None = None  # the spec of the current/last run
        self.last_grid = None  # newest grid: of a report, or of the paused/stopped model
        self.weights = None  # frozen weights (name -> read-only array) at the last pause/end

    # -- state ----------------------------------------------------------------------------
    @property
    def state(self) -> RunState:
        """The current :class:`RunState`."""
        return self._state

    @property
    def is_active(self) -> bool:
        """Whether a worker thread exists (running, paused or stopping)."""
        return self._thread is not None

    def take_dirty(self) -> bool:
        """Return whether reports arrived (or were cleared) since the last call, and reset."""
        dirty, self._dirty = self._dirty, False
        return dirty

    def _set_state(self, state: RunState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    # -- commands -------------------------------------------------------------------------
    def start(self) -> None:
        """Start a fresh run of the current spec (the previous curves are dropped)."""
        if not self.is_active:
            self._launch(paused=False)

    def pause(self) -> None:
        """Stop pulling reports after the epoch in progress."""
        if self._worker is not None and self._state == RunState.RUNNING:
            self._worker.pause()
            self._set_state(RunState.PAUSED)

    def resume(self) -> None:
        """Continue a paused run."""
        if self._worker is not None and self._state == RunState.PAUSED:
            self._worker.resume()
            self._set_state(RunState.RUNNING)

    def toggle_pause(self) -> None:
        """Pause a running run, resume a paused one."""
        if self._state == RunState.RUNNING:
            self.pause()
        else:
            self.resume()

    def step(self) -> None:
        """Train exactly one more epoch (starting a paused run when none exists)."""
        if not self.is_active:
            self._launch(paused=True)
        if self._worker is not None and self._state == RunState.PAUSED:
            self._worker.step()

    def stop(self) -> None:
        """End the run after the current batch; the curves so far stay."""
        if self._worker is not None and not self._worker.is_stopping:
            self._end_reason = "stopped"
            self._worker.stop()
            self._set_state(RunState.STOPPING)

    def reset(self) -> None:
        """Stop any run and drop its reports: the next start replays the same seeded run.

        If the run does not stop within :data:`STOP_WAIT_MS` (a long batch), the reset
        happens when it has; until then the state is ``STOPPING`` and Start is disabled.
        """
        if not self.shutdown(STOP_WAIT_MS):
            self._reset_pending = True
            return
        self._clear()

    def _clear(self) -> None:
        self._reset_pending = False
        self.reports = []
        self.spec = None
        self.last_grid = None
        self.weights = None
        self._dirty = True
        self._set_state(RunState.IDLE)
        self.cleared.emit()

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

    # -- the worker thread ----------------------------------------------------------------
    def _launch(self, *, paused: bool) -> None:
        self.spec = self._model.spec
        self.reports = []
        self.last_grid = None
        self.weights = None
        self._dirty = True
        self._end_reason = "done"
        worker = TrainingWorker(self.spec, grid_size=self._grid_size, start_paused=paused,
                                grid_interval_s=GRID_INTERVAL_S,
                                batch_interval_s=REPORT_INTERVAL_S)
        thread = WorkerThread(worker, name="training_thread", parent=self)
        link = _RunLink(self)
        worker.epochs_finished.connect(link._on_worker_epochs_finished)
        worker.grid_ready.connect(link._on_worker_grid_ready)
        worker.weights_ready.connect(link._on_worker_weights_ready)
        worker.failed.connect(link._on_worker_failed)
        thread.finished.connect(link._on_thread_finished)
        self._worker, self._thread, self._link = worker, thread, link
        self._model.set_locked(True)
        self._set_state(RunState.PAUSED if paused else RunState.RUNNING)
        thread.start()

    def _end_run(self) -> None:
        worker, thread = self._worker, self._thread
        if worker is None or thread is None:
            return
        self._link.current = False
        self._link.deleteLater()
        self._worker = self._thread = self._link = None
        thread.dispose()  # the worker too
        self._model.set_locked(False)
        self._set_state(RunState.ENDED)
        self.run_ended.emit(self._end_reason)
        if self._reset_pending:
            self._clear()

    def _accept_report(self, report: EpochReport) -> None:
        self.reports.append(report)
        if report.grid is not None:
            self.last_grid = report.grid
        self._dirty = True
        self.epoch_finished.emit(report)
        if report.diverged:
            self._end_reason = "diverged"
            self.diverged.emit(report)

    def _accept_grid(self, grid) -> None:
        # The grid of the paused/stopped model, which the last report came without.
        self.last_grid = grid
        self._dirty = True

    def _accept_failure(self, message: str) -> None:
        self._end_reason = "failed"
        self.run_failed.emit(message)
