"""The compare window's workers: a twin run and the N-seed experiment, each in its QThread.

Only frozen reports/results leave them; they stop through ``stop()`` (a ``threading.Event``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot

from studio.core.compare import experiment as ex
from studio.core.compare.twin import twin_train
from studio.core.experiments.chaos import butterfly_run
from studio.core.spec import RunSpec
from studio.gui.compare.experiment_workers import ResultWorker
from studio.gui.threads import WorkerBase

__all__ = ["ButterflyWorker", "ExperimentWorker", "TwinWorker"]


class _StreamWorker(WorkerBase):
    """Streams the frozen items of one Qt-free generator over ``spec``; ``finished(message)``
    is always emitted last, whatever the generator raised (Stop and close must end it)."""

    finished = Signal(str)
    _name = ""  # what the messages call the run ("" for the twin run: "Finished.")

    def __init__(self, spec: RunSpec) -> None:
        super().__init__()
        self._spec = spec

    def _stream(self):  # the generator; its items are frozen
        raise NotImplementedError

    def _emit(self, item) -> str | None:
        """Send ``item``; return a closing message when it ends the run (divergence)."""
        raise NotImplementedError

    def _say(self, what: str) -> str:
        return f"{self._name} {what}" if self._name else what[0].upper() + what[1:]

    @Slot()
    def run(self) -> None:
        message = self._say("finished.")
        try:
            for item in self._stream():
                message = self._emit(item) or message
            if self.is_stopping:
                message = self._say("stopped.")
        except ValueError as exc:  # TwinError / SpecError: say which layer or field
            message = f"Cannot run: {exc}"
        except Exception as exc:  # noqa: BLE001 - any error must still end the run (Stop, close)
            message = self._say(f"failed: {type(exc).__name__}: {exc}")
        finally:
            self.finished.emit(message)


class TwinWorker(_StreamWorker):
    """Runs :func:`twin_train` in its thread; emits each frozen ``TwinReport``."""

    report = Signal(object)

    def _stream(self):
        return twin_train(self._spec, stop=self.stop_event)

    def _emit(self, rep) -> str | None:
        self.report.emit(rep)
        return f"Diverged at epoch {rep.epoch} (loss NaN/inf)." if rep.diverged else None


class ButterflyWorker(_StreamWorker):
    """:func:`butterfly_run`: minidl against itself with one weight nudged by one ulp."""

    point = Signal(object)
    _name = "Butterfly"

    def _stream(self):
        return butterfly_run(self._spec, stop=self.stop_event)

    def _emit(self, point) -> None:
        self.point.emit(point)


class ExperimentWorker(ResultWorker):
    """Runs :func:`ex.run_experiment` in its thread; streams each ``RunResult``; ``stop()``
    cancels (the runs in flight finish, the result is marked partial); ``finished`` carries
    the ``ExperimentResult``."""

    result = Signal(object, int, int)

    def __init__(self, configs, n_runs: int, workers: int) -> None:
        super().__init__()
        self._configs, self._n_runs, self._workers = configs, n_runs, workers

    def call(self) -> object:
        return ex.run_experiment(self._configs, self._n_runs, workers=self._workers,
                                 cancel=self.stop_event, on_result=self.result.emit)
