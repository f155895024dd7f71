"""The run in progress: owns the worker thread and the reports received so far.

:class:`RunController` is the model the run controls, the plots and the progress bar are
views of. It lives in the GUI thread; the :class:`~studio.gui.run.worker.TrainingWorker` lives in
its own ``QThread``, and only frozen data (reports, read-only weights, probe payloads) travels
between them. Besides the run it keeps the session's :class:`~studio.gui.run.run_log.RunLog`
(history and timeline), the pace, the probes of other views, and the trained session after a
run ended, which Continue and Step train on from exactly where it stopped. Launching a run's
worker thread, taking in what it sends and ending it is the controller's base class,
:class:`~studio.gui.run.run_lifecycle.RunLifecycle`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from studio.core import EpochReport, RunSpec, Session, Snapshot
from studio.core.evaluation import GRID_SIZE
from studio.core.history import SessionDocument
from studio.gui.run.probes import Probe
from studio.gui.run.run_lifecycle import RunLifecycle
from studio.gui.run.run_link import RunLink
from studio.gui.run.run_log import RunLog
from studio.gui.run.run_state import DEFAULT_PACE, STOP_WAIT_MS, RunState
from studio.gui.run.worker import TrainingWorker
from studio.gui.setup.spec_model import SpecModel
from studio.gui.threads import WorkerThread

# RunState and STOP_WAIT_MS are re-exported: the views and tests import them from here.
__all__ = ["RunController", "RunState", "STOP_WAIT_MS"]

class RunController(RunLifecycle, QObject):
    """Start, pause, step, stop, continue and reset training runs of ``model.spec``.

    Parameters
    ----------
    model : SpecModel
        The edited setup. A run trains a snapshot of ``model.spec`` taken at start and locks
        the model while it runs; while paused the model unlocks, and optimiser settings
        changed meanwhile fork the run on :meth:`resume` (or :meth:`step`).
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
    run_started(str)
        ``"start"`` (fresh curves), ``"continue"`` or ``"open"`` (a session file): views
        re-fit their axes.
    cleared()
        :meth:`reset` dropped the reports.
    probe_ready(str, int, object)
        ``(name, epoch, payload)`` of a probe (:meth:`add_probe`), in the GUI thread.
    epoch_selected(int, object)
        The timeline shows ``epoch``: its weights (read-only arrays by state-dict name, the
        nearest kept snapshot at or before it) or None when none is kept.
    forked(ForkMarker)
        New optimiser settings took effect mid-run (drawn as a labelled marker).
    pace_changed(object)
        :meth:`set_pace` was called: epochs per second, or None for Max.
    history_changed()
        A run was started, renamed, deleted or forked, or a session file was opened.
    """

    state_changed = Signal(object)
    epoch_finished = Signal(object)
    diverged = Signal(object)
    run_failed = Signal(str)
    run_ended = Signal(str)
    run_started = Signal(str)
    cleared = Signal()
    probe_ready = Signal(str, int, object)
    epoch_selected = Signal(int, object)
    forked = Signal(object)
    pace_changed = Signal(object)
    history_changed = Signal()

    def __init__(self, model: SpecModel, *, grid_size: int = GRID_SIZE,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._grid_size = grid_size
        self._state = RunState.IDLE
        self._worker: TrainingWorker | None = None
        self._thread: WorkerThread | None = None
        self._link: RunLink | None = None
        self._end_reason = "done"
        self._reset_pending = False  # reset() asked while the run was still stopping
        self._dirty = False
        self._snapshot: Snapshot | None = None  # where an ended run stands, for Continue
        self._probes: dict[str, Probe] = {}
        self.pace: float | None = DEFAULT_PACE
        self.log = RunLog()
        self.reports: list[EpochReport] = []
        self.spec: RunSpec | None = None  # the spec of the current/last run (after forks)
        self.until: int | None = None  # the epoch the current/last run trains to
        self.last_grid = None  # newest grid: of a report, or of the paused/stopped model
        self.weights = None  # frozen weights (name -> read-only array) at the last pause/end

    # -- state ----------------------------------------------------------------------------
    @property
    def state(self) -> RunState:
        """The current :class:`RunState`."""
        return self._state

    @property
    def spec_model(self) -> SpecModel:
        """The edited setup the runs start from."""
        return self._model

    @property
    def is_active(self) -> bool:
        """Whether a worker thread exists (running, paused or stopping)."""
        return self._thread is not None

    @property
    def planned_epochs(self) -> int:
        """The epoch the run trains to (the edited spec's epochs before any run)."""
        return self.until if self.until is not None else self._model.spec.epochs

    @property
    def can_continue(self) -> bool:
        """Whether Continue can train on: an ended run whose session is kept, not diverged."""
        return (self._snapshot is not None and not self.is_active and bool(self.reports)
                and not self.reports[-1].diverged)

    def take_dirty(self) -> bool:
        """Return whether reports arrived (or were cleared) since the last call, and reset."""
        dirty, self._dirty = self._dirty, False
        return dirty

    def _set_state(self, state: RunState) -> None:
        if state != self._state:
            self._state = state
            # Paused: optimiser settings may change (they fork the run on resume).
            self._model.set_locked(state in (RunState.RUNNING, RunState.STOPPING))
            self.state_changed.emit(state)

    # -- probes and the timeline ----------------------------------------------------------
    def add_probe(self, name: str, fn: Callable[[Session, EpochReport], object],
                  every_epoch: bool = False) -> None:
        """Ask ``fn(session, report)`` in the worker thread, on the live session.

        It runs whenever the worker computes a decision grid (the redraw pace; also when the
        run pauses or stops) or, with ``every_epoch``, after every epoch. It must return
        frozen data (read-only arrays, tuples, numbers); the result arrives in the GUI thread
        as ``probe_ready(name, epoch, payload)``. A probe that raises delivers a
        :class:`~studio.gui.run.probes.ProbeError` once and is removed. Adding a probe under
        an existing name replaces it; it takes effect in a running run at the next epoch.
        """
        self._probes[name] = Probe(name, fn, every_epoch)
        self._push_probes()

    def remove_probe(self, name: str) -> None:
        """Stop asking probe ``name`` (nothing when there is none)."""
        if self._probes.pop(name, None) is not None:
            self._push_probes()

    def _push_probes(self) -> None:
        if self._worker is not None:
            self._worker.probes = tuple(self._probes.values())

    def select_epoch(self, epoch: int) -> None:
        """Show ``epoch`` of the timeline: emits ``epoch_selected`` with its nearest weights."""
        entry = self.log.timeline.nearest(epoch)
        self.epoch_selected.emit(int(epoch), entry.weights if entry is not None else None)

    def follow_epoch(self, epoch: int) -> None:
        """Follow the run at ``epoch``: ``epoch_selected(epoch, None)``, so views show their
        live data (probes) rather than rebuild a stored snapshot on every frame."""
        self.epoch_selected.emit(int(epoch), None)

    def set_pace(self, pace: float | None) -> None:
        """Train ``pace`` epochs per second (``None``: Max); a running run follows at once."""
        self.pace = pace
        if self._worker is not None:
            self._worker.set_pace(pace)
        self.pace_changed.emit(pace)

    # -- commands -------------------------------------------------------------------------
    def start(self) -> None:
        """Start a fresh run of the current spec (its curves join the run history)."""
        if not self.is_active:
            self._launch(paused=False)

    def pause(self) -> None:
        """Stop pulling reports after the epoch in progress."""
        if self._worker is not None and self._state == RunState.RUNNING:
            self._worker.pause()
            self._set_state(RunState.PAUSED)

    def resume(self) -> None:
        """Continue a paused run (forking it if the optimiser settings were changed)."""
        if self._worker is not None and self._state == RunState.PAUSED:
            self._fork_if_edited()
            self._worker.resume()
            self._set_state(RunState.RUNNING)

    def toggle_pause(self) -> None:
        """Pause a running run, resume a paused one."""
        if self._state == RunState.RUNNING:
            self.pause()
        else:
            self.resume()

    def step(self) -> None:
        """Train exactly one more epoch: of the paused run, of an ended one, or a new one."""
        if not self.is_active:
            if self.can_continue:
                self._launch(paused=True, until=max(self.until or 0, self.reports[-1].epoch + 1))
            else:
                self._launch(paused=True)
        if self._worker is not None and self._state == RunState.PAUSED:
            self._fork_if_edited()
            self._worker.step()

    def continue_run(self, epochs: int) -> None:
        """Train ``epochs`` more epochs of the ended run, exactly where it stopped."""
        if self.can_continue and epochs > 0:
            self._launch(paused=False, until=self.reports[-1].epoch + int(epochs))

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
        self.spec = self.until = None
        self.last_grid = None
        self.weights = None
        self._snapshot = None
        self._dirty = True
        self._set_state(RunState.IDLE)
        self.cleared.emit()

    # -- session files --------------------------------------------------------------------
    def capture(self) -> SessionDocument:
        """The session as it stands (call when no run is active): for a session file."""
        return SessionDocument(self._model.spec, self.log.history, self.log.timeline,
                               self._snapshot)

    def load(self, doc: SessionDocument) -> None:
        """Show a session file (no run active): history, curves, timeline; Continue trains on."""
        self.log.load(doc)
        session = doc.resume() if doc.live is not None else None  # checks the tensors fit
        self._snapshot = doc.live
        self.reports = self.log.reports
        current = doc.history.current
        self.spec = (doc.live.spec if doc.live is not None
                     else current.current_spec if current is not None else None)
        self.until = self.reports[-1].epoch if self.reports else None
        self.last_grid = session.predict_grid(self._grid_size) if session is not None else None
        self.weights = session.weights() if session is not None else None
        self._dirty = True
        self._set_state(RunState.ENDED if self.reports else RunState.IDLE)
        self.history_changed.emit()
        self.run_started.emit("open")
