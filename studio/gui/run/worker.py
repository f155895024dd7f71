"""The training worker: drives a :class:`studio.core.Session` in its own thread.

A :class:`TrainingWorker` is moved to a ``QThread`` and its :meth:`~TrainingWorker.run` slot
is connected to ``QThread.started``. It is driven from the GUI thread through thread-safe
methods (:meth:`resume`, :meth:`pause`, :meth:`step`, :meth:`stop`) that only flip state under
a ``threading.Condition``: pausing is simply not pulling the next report, so a paused worker
sleeps on the condition instead of spinning.

Two options make a live view cheap for the training it watches. With ``grid_interval_s`` most
reports come without a decision grid (the session skips it to keep training fast); the worker
then computes the grid of the paused or stopped model itself and emits it as ``grid_ready``,
so a paused view is never stale. With ``batch_interval_s`` reports travel in batches: one
queued signal per report woke the GUI thread hundreds of times a second, and every wake-up
takes the GIL from the training loop. A batch is always sent before the worker waits or ends.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from studio.core import RunSpec, Session

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
    grid_interval_s : float, optional
        Passed to :meth:`studio.core.Session.run`: compute the grid at most every this many
        seconds of training (``None``: on every report).
    batch_interval_s : float, optional
        Emit ``epochs_finished`` batches, sent once their oldest report is this many seconds
        old, instead of one ``epoch_finished`` per report (``None``).

    Signals
    -------
    epoch_finished(EpochReport)
        A frozen report; safe to hand to the GUI thread as is (without ``batch_interval_s``).
    epochs_finished(tuple)
        Consecutive frozen reports, oldest first (with ``batch_interval_s``).
    grid_ready(object)
        The ``(grid_size, grid_size)`` read-only grid of the model as it paused or stopped,
        when the last report came without one (only with ``grid_interval_s``): P(class 1)
        for two classes, else the ``(class_grid, confidence_grid)`` pair.
    failed(str)
        The session raised; the message is shown to the user. ``finished`` follows.
    finished()
        :meth:`run` returned (all epochs done, stopped, diverged or failed). Always emitted
        last, exactly once.
    """

    epoch_finished = Signal(object)
    epochs_finished = Signal(object)
    grid_ready = Signal(object)
    weights_ready = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, spec: RunSpec, *, grid_size: int = 64, start_paused: bool = False,
                 grid_interval_s: float | None = None,
                 batch_interval_s: float | None = None) -> None:
        super().__init__()
        self._spec = spec
        self._grid_size = grid_size
        self._grid_interval_s = grid_interval_s
        self._batch_interval_s = batch_interval_s
        self._batch: list = []  # reports not sent yet
        self._batch_started = 0.0  # when the oldest of them arrived
        self._session: Session | None = None  # built in the worker thread by run()
        self._grid_missing = False  # the last report came without a grid
        self._stop = threading.Event()  # also handed to the session: checked per batch/chunk
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
        """Stop pulling after the epoch in progress (the session's clock stops with us)."""
        with self._cond:
            self._running = False
            self._pending_steps = 0

    def step(self) -> None:
        """While paused, pull exactly one more report."""
        with self._cond:
            self._pending_steps += 1
            self._cond.notify_all()

    def stop(self) -> None:
        """Ask the run to end; the session returns before its next batch or evaluation chunk."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()

    @property
    def is_stopping(self) -> bool:
        """Whether :meth:`stop` was called."""
        return self._stop.is_set()

    # -- runs in the worker thread --------------------------------------------------------
    def _may_pull(self) -> bool:
        """Block until the next pull is allowed; False when stopped.

        Before blocking, send the batch and the grid the last report lacked: the paused
        view is complete and exact.
        """
        caught_up = False
        while True:
            with self._cond:
                if self._stop.is_set():
                    return False
                if self._running or self._pending_steps:
                    if not self._running:
                        self._pending_steps -= 1
                    return True
                if caught_up:
                    self._cond.wait()
                    continue
            # Outside the lock: pause()/resume() from the GUI thread must never wait on it.
            self._flush()
            self._catch_up_grid()
            self._send_weights()
            caught_up = True

    def _send(self, report) -> None:
        if self._batch_interval_s is None:
            self.epoch_finished.emit(report)
            return
        now = time.perf_counter()
        if not self._batch:
            self._batch_started = now
        self._batch.append(report)
        if now - self._batch_started >= self._batch_interval_s:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            batch, self._batch = tuple(self._batch), []
            self.epochs_finished.emit(batch)

    def _catch_up_grid(self) -> None:
        if not self._grid_missing:
            return
        self._grid_missing = False
        if self._spec.data.classes == 2:
            self.grid_ready.emit(self._session.predict_grid(self._grid_size))
        else:  # no P(class 1) map: the (class, confidence) grids, as the reports carry them
            self.grid_ready.emit(self._session.predict_classes(self._grid_size))

    def _send_weights(self) -> None:
        """Emit a frozen copy of the weights (name → read-only numpy array) for export."""
        self.weights_ready.emit(self._session.weights())

    @Slot()
    def run(self) -> None:
        """Train until done, stopped or diverged. Connect to ``QThread.started``."""
        try:
            # Grids of a paused model and the weights for export are questions to the very
            # session that trains.
            self._session = Session(self._spec)
            # The session enters its grad mode itself on every resume, in this thread.
            reports = self._session.run(stop=self._stop, grid_size=self._grid_size,
                                        grid_interval_s=self._grid_interval_s)
            while self._may_pull():
                report = next(reports, None)
                if report is None:
                    break
                self._send(report)
                if report.diverged:
                    break
                self._grid_missing = report.class_grid is None  # with every grid, any k
            self._flush()
            if self._stop.is_set():
                # At most one epoch past the last report: the session stops between batches.
                self._catch_up_grid()
            self._send_weights()
        except Exception as exc:  # noqa: BLE001 - shown to the user, the thread must end
            self._flush()  # the reports before the error stay valid
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        finally:
            # The model, its gradients and optimiser buffers and the data: nothing needs them
            # once the run is over (the last grid and weights were sent as frozen copies).
            self._session = None
            self.finished.emit()
