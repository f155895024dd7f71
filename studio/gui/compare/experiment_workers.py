"""Workers of the experiment tabs: N seeds, the lr range test, a sweep.

Each drives one Qt-free function of :mod:`studio.core.experiments` with the worker's stop
event as its cancel; only frozen results leave the thread.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot

from studio.core.experiments.lr_finder import lr_range_test
from studio.core.experiments.seeds import run_seeds
from studio.core.experiments.sweep import Sweep
from studio.core.experiments.sweep_run import run_sweep
from studio.core.spec import RunSpec
from studio.gui.threads import WorkerBase

__all__ = ["LRFinderWorker", "SeedsWorker", "SweepWorker"]


class SeedsWorker(WorkerBase):
    """:func:`run_seeds` on worker processes; ``result(run, done, total)`` per finished seed."""

    result = Signal(object, int, int)
    finished = Signal(object)  # SeedBands, or None after an error
    failed = Signal(str)

    def __init__(self, spec: RunSpec, n: int, workers: int) -> None:
        super().__init__()
        self._spec, self._n, self._workers = spec, n, workers

    @Slot()
    def run(self) -> None:
        bands = None
        try:
            bands = run_seeds(self._spec, self._n, workers=self._workers,
                              on_result=self.result.emit, cancel=self.stop_event)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never lost in a thread
            self.failed.emit(str(exc))
        self.finished.emit(bands)


class LRFinderWorker(WorkerBase):
    """:func:`lr_range_test` on a fresh session of a copy of the spec (frozen: nothing shared)."""

    step = Signal(int, float, float)
    finished = Signal(object)  # LRFinderResult, or None after an error
    failed = Signal(str)

    def __init__(self, spec: RunSpec, steps: int) -> None:
        super().__init__()
        self._spec, self._steps = spec, steps

    @Slot()
    def run(self) -> None:
        result = None
        try:
            result = lr_range_test(self._spec, self._steps, stop=self.stop_event,
                                   on_step=self.step.emit)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never lost in a thread
            self.failed.emit(str(exc))
        self.finished.emit(result)


class SweepWorker(WorkerBase):
    """:func:`run_sweep` on local processes; finished runs are kept when cancelled."""

    result = Signal(object, int, int)
    finished = Signal(object)  # SweepResult, or None after an error
    failed = Signal(str)

    def __init__(self, sweep: Sweep, results_path: str | None, workers: int) -> None:
        super().__init__()
        self._sweep, self._path, self._workers = sweep, results_path, workers

    @Slot()
    def run(self) -> None:
        result = None
        try:
            result = run_sweep(self._sweep, results_path=self._path, workers=self._workers,
                               on_result=self.result.emit, cancel=self.stop_event)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never lost in a thread
            self.failed.emit(str(exc))
        self.finished.emit(result)
