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

__all__ = ["LRFinderWorker", "ResultWorker", "SeedsWorker", "SweepWorker"]


class ResultWorker(WorkerBase):
    """Calls one Qt-free function in its thread; ``finished(result)`` always comes last.

    Subclasses define :meth:`call` (passing :attr:`stop_event` as the function's cancel) and
    their progress signal. An exception becomes ``failed(message)``, shown to the user and
    never lost in a thread, and the result is then ``None``.
    """

    finished = Signal(object)  # the function's frozen result, or None after an error
    failed = Signal(str)

    def call(self) -> object:
        """The work (in the worker's thread); returns the frozen result."""
        raise NotImplementedError

    @Slot()
    def run(self) -> None:
        result = None
        try:
            result = self.call()
        except Exception as exc:  # noqa: BLE001 - shown to the user, never lost in a thread
            self.failed.emit(str(exc))
        self.finished.emit(result)


class SeedsWorker(ResultWorker):
    """:func:`run_seeds` on worker processes; ``result(run, done, total)`` per finished seed;
    ``finished`` carries the ``SeedBands``."""

    result = Signal(object, int, int)

    def __init__(self, spec: RunSpec, n: int, workers: int) -> None:
        super().__init__()
        self._spec, self._n, self._workers = spec, n, workers

    def call(self) -> object:
        return run_seeds(self._spec, self._n, workers=self._workers,
                         on_result=self.result.emit, cancel=self.stop_event)


class LRFinderWorker(ResultWorker):
    """:func:`lr_range_test` on a fresh session of a copy of the spec (frozen: nothing shared);
    ``finished`` carries the ``LRFinderResult``."""

    step = Signal(int, float, float)

    def __init__(self, spec: RunSpec, steps: int) -> None:
        super().__init__()
        self._spec, self._steps = spec, steps

    def call(self) -> object:
        return lr_range_test(self._spec, self._steps, stop=self.stop_event,
                             on_step=self.step.emit)


class SweepWorker(ResultWorker):
    """:func:`run_sweep` on local processes; finished runs are kept when cancelled;
    ``finished`` carries the ``SweepResult``."""

    result = Signal(object, int, int)

    def __init__(self, sweep: Sweep, results_path: str | None, workers: int) -> None:
        super().__init__()
        self._sweep, self._path, self._workers = sweep, results_path, workers

    def call(self) -> object:
        return run_sweep(self._sweep, results_path=self._path, workers=self._workers,
                         on_result=self.result.emit, cancel=self.stop_event)
