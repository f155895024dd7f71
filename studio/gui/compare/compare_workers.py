"""The compare window's workers: a twin run and the N-seed experiment, each in its QThread.

Only frozen reports/results leave them; they stop through ``stop()`` (a ``threading.Event``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot

from studio.core.compare import experiment as ex
from studio.core.compare.twin import twin_train
from studio.core.spec import RunSpec
from studio.gui.threads import WorkerBase

__all__ = ["ExperimentWorker", "TwinWorker"]


class TwinWorker(WorkerBase):
    """Runs :func:`twin_train` in its thread; emits each frozen ``TwinReport``."""

    report = Signal(object)
    finished = Signal(str)

    def __init__(self, spec: RunSpec) -> None:
        super().__init__()
        self._spec = spec

    @Slot()
    def run(self) -> None:
        message = "Finished."
        try:
            for rep in twin_train(self._spec, stop=self.stop_event):
                self.report.emit(rep)
                if rep.diverged:
                    message = f"Diverged at epoch {rep.epoch} (loss NaN/inf)."
            if self.is_stopping:
                message = "Stopped."
        except ValueError as exc:  # TwinError / SpecError: say which layer or field
            message = f"Cannot run: {exc}"
        except Exception as exc:  # noqa: BLE001 - any error must still end the run (Stop, close)
            message = f"Failed: {type(exc).__name__}: {exc}"
        finally:
            self.finished.emit(message)


class ExperimentWorker(WorkerBase):
    """Runs :func:`ex.run_experiment` in its thread; streams each ``RunResult``; ``stop()``
    cancels (the runs in flight finish, the result is marked partial)."""

    result = Signal(object, int, int)
    finished = Signal(object)  # ex.ExperimentResult, or None after an error
    failed = Signal(str)

    def __init__(self, configs, n_runs: int, workers: int) -> None:
        super().__init__()
        self._configs, self._n_runs, self._workers = configs, n_runs, workers

    @Slot()
    def run(self) -> None:
        try:
            exp = ex.run_experiment(self._configs, self._n_runs, workers=self._workers,
                                    cancel=self.stop_event, on_result=self.result.emit)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never lost in a thread
            self.failed.emit(str(exc))
            exp = None
        self.finished.emit(exp)
