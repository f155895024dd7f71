"""The "Compare with torch.nn" window: a twin run, the paired experiment, and the experiment
tools of :mod:`studio.core.experiments` (N seeds, the lr range test, sweeps).

Every tab reads the spec being edited from one :class:`~studio.gui.setup.spec_model.SpecModel`
(the main window's, so "use this lr" and "load this sweep cell" are undoable edits there).
Workers run in ``QThread``s through :class:`~studio.gui.threads.WorkerThread` (one
:class:`~studio.gui.compare.worker_host.WorkerHost` for all tabs); only frozen
reports/results cross threads; stops go through ``stop()``. One job runs at a time: the
cores are shared with the worker processes.
"""

from __future__ import annotations

import dataclasses

from PySide6 import QtWidgets as qw
from PySide6.QtCore import Slot

from studio.core.compare import experiment as ex
from studio.core.experiments.chaos import fit_drift_growth
from studio.core.spec import RunSpec
from studio.gui.compare.compare_plots import TwinPanel
from studio.gui.compare.compare_workers import ButterflyWorker, ExperimentWorker, TwinWorker
from studio.gui.compare.experiment_tab import ExperimentTab
from studio.gui.compare.lr_finder import LRFinderPanel
from studio.gui.compare.seed_bands import SeedBandsPanel
from studio.gui.compare.sweep_panel import SweepPanel
from studio.gui.compare.worker_host import WorkerHost
from studio.gui.setup.spec_model import SpecModel
from studio.gui.style import configure_pyqtgraph

__all__ = ["CompareWindow", "ExperimentWorker", "TwinWorker"]


class CompareWindow(qw.QWidget):
    """Tabs "Twin run", "Experiment", "Was it luck?", "LR finder" and "Sweep".

    Parameters
    ----------
    spec : RunSpec, optional
        The spec to start from when no ``spec_model`` is given (default: the seed network).
    parent : QWidget, optional
        Qt parent.
    spec_model : SpecModel, optional
        The main window's model: every tab trains its current spec, and the lr finder and
        the sweep table edit it (undoable). Without one the window keeps its own.
    """

    def __init__(self, spec: RunSpec | None = None, parent: qw.QWidget | None = None, *,
                 spec_model: SpecModel | None = None) -> None:
        super().__init__(parent)
        configure_pyqtgraph()  # same look as the main window when opened on its own
        self.setWindowTitle("Compare with torch.nn")
        self.setObjectName("compare_window")
        self.spec_model = spec_model if spec_model is not None else SpecModel(spec, self)
        self._host = WorkerHost(self)
        self._jobs = 0  # running jobs: every Start button waits for zero
        self.tabs = qw.QTabWidget(objectName="compare_tabs")
        self.tabs.addTab(self._build_twin_tab(), "Twin run")
        self.experiment_tab = ExperimentTab(self._host, self.spec_model)
        self.seeds_panel = SeedBandsPanel(self._host, self.spec_model)
        self.lr_panel = LRFinderPanel(self._host, self.spec_model)
        self.sweep_panel = SweepPanel(self._host, self.spec_model)
        self._panels = (self.experiment_tab, self.seeds_panel, self.lr_panel, self.sweep_panel)
        for panel, title in zip(self._panels, ("Experiment", "Was it luck?", "LR finder",
                                               "Sweep"), strict=True):
            panel.running_changed.connect(self._on_job_running_changed)
            self.tabs.addTab(panel, title)
        # The experiment's widgets, under the names the window always had.
        tab = self.experiment_tab
        self.runs_spin, self.epochs_spin, self.workers_spin = (tab.runs_spin, tab.epochs_spin,
                                                               tab.workers_spin)
        self.vary_rows, self.run_button, self.cancel_button = (tab.vary_rows, tab.run_button,
                                                               tab.cancel_button)
        self.export_button, self.progress, self.status = (tab.export_button, tab.progress,
                                                          tab.status)
        self.table, self.config_combo, self.band_plots = (tab.table, tab.config_combo,
                                                          tab.band_plots)
        qw.QVBoxLayout(self).addWidget(self.tabs)

    @property
    def spec(self) -> RunSpec:
        """The spec every tab trains (the spec model's)."""
        return self.spec_model.spec

    @property
    def result(self) -> ex.ExperimentResult | None:
        """The last finished experiment."""
        return self.experiment_tab.result

    @Slot(object)
    def set_spec(self, spec: RunSpec) -> None:
        """Train ``spec`` next (a no-op when it is the model's spec already)."""
        if spec != self.spec_model.spec:
            self.spec_model.set_spec(spec, "Compare spec")

    def is_running(self) -> bool:
        """True while any job of any tab is in progress."""
        return self._host.is_running()

    def stop_all(self, wait_ms: int = 5000) -> bool:  # bounded: closing never hangs
        """Ask every worker to stop and wait up to ``wait_ms`` each; True if all stopped."""
        self._host.stop()
        return self._host.wait(wait_ms)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.stop_all()
        super().closeEvent(event)

    def _on_job_running_changed(self, running: bool) -> None:
        self._jobs = max(0, self._jobs + (1 if running else -1))
        busy = self._jobs > 0
        for w in (self.twin_start_button, self.butterfly_button):
            w.setEnabled(not busy)
        self.twin_stop_button.setEnabled(busy)
        for panel in self._panels:
            panel.set_running(busy)

    # -- twin --------------------------------------------------------------------------------
    def _build_twin_tab(self) -> qw.QWidget:
        panel = TwinPanel()
        self.dtype_combo, self.twin_plots, self.twin_status = (panel.dtype_combo, panel.plots,
                                                               panel.status)
        self.twin_start_button, self.twin_stop_button = panel.start_button, panel.stop_button
        self.butterfly_button = panel.butterfly_button
        self.twin_start_button.clicked.connect(self._on_twin_start_clicked)
        self.twin_stop_button.clicked.connect(self._host.stop)
        self.butterfly_button.clicked.connect(self._on_butterfly_clicked)
        return panel

    def _twin_spec(self) -> RunSpec:
        return dataclasses.replace(self.spec, dtype=self.dtype_combo.currentText())

    def _on_twin_start_clicked(self) -> None:
        spec = self._twin_spec()
        self.twin_plots.clear()
        self.twin_status.setText(f"Training {spec.epochs} epochs in {spec.dtype}…")
        worker = TwinWorker(spec)
        worker.report.connect(self._on_twin_report)
        self._on_job_running_changed(True)
        self._host.start(worker, self._on_twin_finished)

    def _on_twin_report(self, rep) -> None:
        self.twin_plots.add(rep)
        self.twin_status.setText(
            f"epoch {rep.epoch}: max|Δw| {rep.max_abs_weight_diff:.2e}, rel grad diff "
            f"{rep.rel_grad_diff:.2e}, {100 * rep.disagreement_fraction:.2f}% of the map "
            "disagrees")

    def _on_twin_finished(self, message: str) -> None:
        self.twin_plots.refresh()
        reports = self.twin_plots.reports
        fit = fit_drift_growth([r.epoch for r in reports],
                               [r.max_abs_weight_diff for r in reports])
        self.twin_status.setText(f"{self.twin_status.text()} — {message} {fit.sentence}")
        self._on_job_running_changed(False)

    def _on_butterfly_clicked(self) -> None:
        spec = self._twin_spec()
        self.twin_plots.add_butterfly(None)
        self.twin_status.setText(f"Butterfly: two minidl runs of {spec.epochs} epochs in "
                                 f"{spec.dtype}, one weight one ulp apart…")
        worker = ButterflyWorker(spec)
        worker.point.connect(self.twin_plots.add_butterfly)
        self._on_job_running_changed(True)
        self._host.start(worker, self._on_butterfly_finished)

    def _on_butterfly_finished(self, message: str) -> None:
        self.twin_plots.refresh()
        points = self.twin_plots.butterfly
        fit = fit_drift_growth([p.epoch for p in points],
                               [p.max_abs_weight_diff for p in points])
        last = points[-1].map_disagreement if points else 0.0
        self.twin_status.setText(f"{message} {100 * last:.2f}% of the map disagrees at the "
                                 f"end. {fit.sentence}")
        self._on_job_running_changed(False)
