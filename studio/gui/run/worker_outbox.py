"""What the training worker sends to the GUI thread, and when: reports, weights, probe results.

An :class:`Outbox` gathers, in the worker thread, what a
:class:`~studio.gui.run.worker.TrainingWorker` has to send and has not sent yet, and sends it
through the worker's signals when flushed: the weights first, then the probe results, then the
reports they belong to.

With ``batch_interval_s`` reports travel in batches: one queued signal per report woke the GUI
thread hundreds of times a second, and every wake-up takes the GIL from the training loop. A
paced epoch is sent at once (it is shown as soon as it is trained); the worker flushes the
outbox before it waits or ends.

Each epoch's weights go to the GUI's timeline (``weights_recorded``) as read-only arrays. At
Max pace a net of more than :data:`WEIGHTS_EVERY_EPOCH_PARAMS` parameters sends them at most
every :data:`WEIGHTS_INTERVAL_S` (and always the last epoch's): copying a large state dict
every epoch would cost the run more than the timeline is worth.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject

from studio.core import EpochReport

__all__ = ["WEIGHTS_EVERY_EPOCH_PARAMS", "WEIGHTS_INTERVAL_S", "Outbox"]

#: Up to this many parameters every epoch's weights are recorded, even at Max pace (the seed
#: network has 1,427: copying them costs ~10 µs, against ~1 ms an epoch).
WEIGHTS_EVERY_EPOCH_PARAMS = 50_000
#: At Max pace, a larger net records its weights at most this often (seconds of wall time).
WEIGHTS_INTERVAL_S = 0.1


class Outbox:
    """Reports, weights and probe results of a worker, not sent yet (see the module doc).

    Parameters
    ----------
    worker : TrainingWorker
        Whose ``weights_recorded``, ``probes_ready``, ``epoch_finished`` and
        ``epochs_finished`` signals send them.
    batch_interval_s : float, optional
        Send ``epochs_finished`` batches once their oldest report is this many seconds old,
        instead of one ``epoch_finished`` per report (``None``).
    """

    def __init__(self, worker: QObject, batch_interval_s: float | None) -> None:
        self._worker = worker
        self._batch_interval_s = batch_interval_s
        self._batch: list = []  # reports not sent yet
        self._weights: list = []  # (epoch, weights) not sent yet
        self.results: list = []  # probe results not sent yet
        self._batch_started = 0.0  # when the oldest report of the batch arrived
        self._weights_at = -float("inf")  # when weights were last recorded
        self.small = True  # few enough parameters to record the weights of every epoch

    def wants_weights(self, report: EpochReport, until: int, *, paced: bool) -> bool:
        """Whether the weights after ``report`` are recorded (see the module doc)."""
        if paced or self.small or report.epoch >= until:
            return True
        return time.perf_counter() - self._weights_at >= WEIGHTS_INTERVAL_S

    def add_weights(self, epoch: int, weights, now: float) -> None:
        """Record the weights after ``epoch`` (read-only arrays), taken at time ``now``."""
        self._weights_at = now
        self._weights.append((epoch, weights))

    def add_report(self, report: EpochReport, now: float, *, paced: bool) -> None:
        """Queue ``report``, arrived at time ``now``; send all once the batch is due."""
        if not self._batch:
            self._batch_started = now
        self._batch.append(report)
        if (self._batch_interval_s is None or paced
                or now - self._batch_started >= self._batch_interval_s):
            self.flush()  # a paced epoch is shown as soon as it is trained

    def flush(self) -> None:
        """Send everything not sent yet: weights, then probe results, then the reports."""
        if self._weights:
            weights, self._weights = tuple(self._weights), []
            self._worker.weights_recorded.emit(weights)
        if self.results:
            results, self.results = tuple(self.results), []
            self._worker.probes_ready.emit(results)
        if self._batch:
            batch, self._batch = tuple(self._batch), []
            if self._batch_interval_s is None:
                for report in batch:
                    self._worker.epoch_finished.emit(report)
            else:
                self._worker.epochs_finished.emit(batch)
