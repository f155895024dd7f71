"""The training worker: drives a :class:`studio.core.Session` in its own thread.

A :class:`TrainingWorker` is moved to a ``QThread`` and its :meth:`~TrainingWorker.run` slot
is connected to ``QThread.started``. It is driven from the GUI thread through thread-safe
methods (:meth:`resume`, :meth:`pause`, :meth:`step`, :meth:`stop`, :meth:`set_pace`,
:meth:`fork`) that only flip state under a ``threading.Condition``: pausing is simply not
pulling the next report, so a paused worker sleeps on the condition instead of spinning, and
a paced worker sleeps on it between epochs (so stop, pause and a new pace wake it at once).

Two options make a live view cheap for the training it watches. With ``grid_interval_s`` most
reports come without a decision grid (the session skips it to keep training fast) at Max
pace; the worker then computes the grid of the paused or stopped model itself and emits it as
``grid_ready``, so a paused view is never stale. At a set pace every report has its grid. With
``batch_interval_s`` reports travel in batches. What is sent when (the batches, and how often
each epoch's weights go to the timeline) is decided by the worker's
:class:`~studio.gui.run.worker_outbox.Outbox`, which is always flushed before the worker waits
or ends.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Signal, Slot

from studio.core import OptimizerSpec, RunSpec, Session, Snapshot
from studio.core.evaluation import GRID_SIZE
from studio.gui.run.probes import Probe, run_probes
from studio.gui.run.worker_outbox import WEIGHTS_EVERY_EPOCH_PARAMS, Outbox
from studio.gui.threads import WorkerBase

__all__ = ["TrainingWorker"]


class TrainingWorker(WorkerBase):
    """Trains one :class:`RunSpec`, emitting one frozen ``EpochReport`` per epoch.

    Parameters
    ----------
    spec : RunSpec
        The run; the same spec (same seeds) always gives the same reports.
    grid_size : int
        Side of the decision-region grid each report carries.
    start_paused : bool
        Wait for :meth:`resume` or :meth:`step` before pulling the first report.
    grid_interval_s : float, optional
        At Max pace, passed to :meth:`studio.core.Session.run`: compute the grid at most every
        this many seconds of training (``None``: on every report).
    batch_interval_s : float, optional
        Emit ``epochs_finished`` batches, sent once their oldest report is this many seconds
        old, instead of one ``epoch_finished`` per report (``None``).
    snapshot : Snapshot, optional
        Go on from this point (Continue, a reopened file) instead of a fresh run: the session
        is rebuilt in the worker thread and restored to it, bit for bit.
    until : int, optional
        The epoch to stop after (default ``spec.epochs``).
    pace : float, optional
        Epochs per second (``None``: Max, as fast as it trains); see :meth:`set_pace`.
    probes : tuple of Probe
        Questions asked of the live session (see :mod:`studio.gui.run.probes`).

    Signals
    -------
    epoch_finished(EpochReport)
        A frozen report; safe to hand to the GUI thread as is (without ``batch_interval_s``).
    epochs_finished(tuple)
        Consecutive frozen reports, oldest first (with ``batch_interval_s``).
    weights_recorded(tuple)
        ``(epoch, weights)`` pairs (read-only arrays), sent just before their reports.
    probes_ready(tuple)
        ``(name, epoch, payload)`` triples of the probes, sent just before their reports.
    grid_ready(object)
        The ``(grid_size, grid_size)`` read-only grid of the model as it paused or stopped,
        when the last report came without one (only with ``grid_interval_s``): P(class 1)
        for two classes, else the ``(class_grid, confidence_grid)`` pair.
    weights_ready(object)
        Frozen weights (name -> read-only array) of the model as it paused or ended.
    forked(int, RunSpec)
        A :meth:`fork` took effect after this epoch; the run goes on with this spec.
    failed(str)
        The session raised; the message is shown to the user. ``finished`` follows.
    finished()
        :meth:`run` returned (all epochs done, stopped, diverged or failed). Always emitted
        last, exactly once.
    """

    epoch_finished = Signal(object)
    epochs_finished = Signal(object)
    weights_recorded = Signal(object)
    probes_ready = Signal(object)
    grid_ready = Signal(object)
    weights_ready = Signal(object)
    forked = Signal(int, object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, spec: RunSpec, *, grid_size: int = GRID_SIZE, start_paused: bool = False,
                 grid_interval_s: float | None = None,
                 batch_interval_s: float | None = None, snapshot: Snapshot | None = None,
                 until: int | None = None, pace: float | None = None,
                 probes: tuple[Probe, ...] = ()) -> None:
        super().__init__()
        self._spec = spec
        self._grid_size = grid_size
        self._grid_interval_s = grid_interval_s
        self._until = until
        self._outbox = Outbox(self, batch_interval_s)  # what is not sent yet
        self._start = snapshot
        self.session: Session | None = None  # built in the worker thread by run()
        self.snapshot: Snapshot | None = None  # where the run ended, for Continue
        self._grid_missing = False  # the last report came without a grid
        self._last_report = None
        self._cond = threading.Condition()
        self._running = not start_paused
        self._pending_steps = 0
        self._pace = pace
        self._report_at = 0.0  # when the last report arrived (the pace counts from it)
        self._fork: OptimizerSpec | None = None
        self.probes = probes  # replaced whole from the GUI thread (an atomic rebinding)

    # -- called from the GUI thread -----------------------------------------------------
    def resume(self) -> None:
        """Pull reports continuously."""
        with self._cond:
            self._running = True
            self._cond.notify_all()

    def pause(self) -> None:
        """Stop pulling after the epoch in progress (the session's clock stops with us)."""
        with self._cond:
            self._running = False
            self._pending_steps = 0

    def step(self) -> None:
        """While paused, pull exactly one more report (the pace does not delay it)."""
        with self._cond:
            self._pending_steps += 1
            self._cond.notify_all()

    def stop(self) -> None:
        """Ask the run to end; the session returns before its next batch or evaluation chunk."""
        super().stop()  # the stop event, handed to the session
        with self._cond:  # and wake a paused or paced wait
            self._cond.notify_all()

    def set_pace(self, pace: float | None) -> None:
        """Train ``pace`` epochs per second (``None``: Max); takes effect at once."""
        with self._cond:
            self._pace = pace
            self._cond.notify_all()

    def fork(self, optimizer: OptimizerSpec) -> None:
        """Go on with other optimiser settings from the next epoch (:meth:`Session.fork`)."""
        with self._cond:
            self._fork = optimizer

    # -- runs in the worker thread --------------------------------------------------------
    def _may_pull(self) -> bool:
        """Block until the next pull is allowed (paused, or the pace's wait); False if stopped.

        Before blocking, send the batch; when paused also the grid the last report lacked
        and the weights: the paused view is complete and exact.
        """
        flushed = caught_up = False
        while True:
            with self._cond:
                if self.stop_event.is_set():
                    return False
                paused = not (self._running or self._pending_steps)
                if not paused:
                    wait = 0.0
                    if self._running and self._pace is not None:
                        wait = self._report_at + 1.0 / self._pace - time.perf_counter()
                    if wait <= 0.0:
                        if not self._running:
                            self._pending_steps -= 1
                        return True
                    if flushed:
                        self._cond.wait(wait)
                        continue
                elif caught_up:
                    self._cond.wait()
                    continue
            # Outside the lock: pause()/resume() from the GUI thread must never wait on it.
            self._outbox.flush()
            flushed = True
            if paused:
                self._catch_up_grid()
                self._send_weights()
                caught_up = True

    def _send(self, report, until: int) -> None:
        now = time.perf_counter()
        self._report_at = now
        outbox = self._outbox
        if outbox.wants_weights(report, until, paced=self._pace is not None):
            outbox.add_weights(report.epoch, self.session.weights(), now)
        probes = self.probes if report.grid is not None else tuple(
            p for p in self.probes if p.every_epoch)
        outbox.results.extend(run_probes(probes, self.session, report))
        outbox.add_report(report, now, paced=self._pace is not None)

    def _catch_up_grid(self) -> None:
        if not self._grid_missing:
            return
        self._grid_missing = False
        if self._spec.data.classes == 2:
            self.grid_ready.emit(self.session.predict_grid(self._grid_size))
        else:  # no P(class 1) map: the (class, confidence) grids, as the reports carry them
            self.grid_ready.emit(self.session.predict_classes(self._grid_size))
        if self._last_report is not None:  # a grid was computed: so are the redraw probes
            results = run_probes(self.probes, self.session, self._last_report)
            if results:
                self.probes_ready.emit(tuple(results))

    def _send_weights(self) -> None:
        """Emit a frozen copy of the weights (name → read-only numpy array) for export."""
        self.weights_ready.emit(self.session.weights())

    def _reports(self, until: int):
        # At a set pace every epoch is drawn, so every report carries its grid.
        interval = self._grid_interval_s if self._pace is None else None
        return self.session.run(until, stop=self.stop_event, grid_size=self._grid_size,
                                grid_interval_s=interval), self._pace is None

    def _apply_fork(self) -> bool:
        with self._cond:
            optimizer, self._fork = self._fork, None
        if optimizer is None:
            return False
        self.session = self.session.fork(optimizer=optimizer)
        self.forked.emit(self.session.epoch, self.session.spec)
        return True

    @Slot()
    def run(self) -> None:
        """Train until done, stopped or diverged. Connect to ``QThread.started``."""
        try:
            # Grids of a paused model and the weights are questions to the very session
            # that trains: build it in this thread.
            if self._start is None:
                self.session = Session(self._spec)
            else:
                self.session = Session(self._start.spec)
                self.session.restore(self._start)
            until = self.session.spec.epochs if self._until is None else self._until
            self._outbox.small = sum(t.numel() for t in self.session.model.state_dict().values()) \
                <= WEIGHTS_EVERY_EPOCH_PARAMS
            reports, at_max = self._reports(until)
            while self._may_pull():
                # A fork or a pace across Max changes how the run is pulled: between two
                # epochs a new generator goes on exactly where the old one stopped.
                if self._apply_fork() or at_max != (self._pace is None):
                    reports.close()
                    reports, at_max = self._reports(until)
                report = next(reports, None)
                if report is None:
                    break
                self._send(report, until)
                self._last_report = report
                if report.diverged:
                    break
                self._grid_missing = report.class_grid is None  # with every grid, any k
            self._outbox.flush()
            if self.stop_event.is_set():
                # At most one epoch past the last report: the session stops between batches.
                self._catch_up_grid()
            self._send_weights()
            # Continue trains on from here; a snapshot holds no gradients, data or model.
            self.snapshot = self.session.snapshot()
        except Exception as exc:  # noqa: BLE001 - shown to the user, the thread must end
            self._outbox.flush()  # the reports before the error stay valid
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        finally:
            # The model, its gradients and optimiser buffers and the data: nothing needs them
            # once the run is over (the last grid and weights were sent as frozen copies).
            self.session = self._start = None
            self.finished.emit()
