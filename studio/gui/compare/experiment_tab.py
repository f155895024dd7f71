"""The "Experiment" tab: the spec being edited, minidl vs torch.nn over N paired seeds.

The base is the current spec (from the :class:`~studio.gui.setup.spec_model.SpecModel`);
only the ticked fields vary (:func:`~studio.core.compare.configs.base_configs`), and the header
says exactly what is trained. The margins of the equivalence test are declared here before
the run and frozen with it.
"""

from __future__ import annotations

import dataclasses
import time

from PySide6 import QtWidgets as qw
from PySide6.QtCore import Qt, QTimer, Signal

from studio.core.compare import experiment as ex
from studio.core.compare.configs import base_configs
from studio.core.compare.describe import setup_words
from studio.core.compare.paired import DEFAULT_MARGINS
from studio.core.limits import LIMITS
from studio.gui.compare import compare_export
from studio.gui.compare.compare_plots import BandPlots, ResultsTable, button, spin
from studio.gui.compare.compare_workers import ExperimentWorker
from studio.gui.compare.strip_plots import StripPlots
from studio.gui.compare.vary_rows import VaryRows
from studio.gui.compare.worker_host import WorkerHost
from studio.gui.setup.spec_model import SpecModel

__all__ = ["REDRAW_COST_SHARE", "REDRAW_MS", "ExperimentTab"]

#: The partial results' redraw: at most every REDRAW_MS, and slower when a redraw is costly.
#: Drawing runs in this process and competes with the worker processes for the cores: a
#: redraw of the table and bands costs ~100 ms, and every 250 ms it made an experiment ~2x
#: slower than the CLI on 2 cores. Paced at REDRAW_COST_SHARE of a core it costs ~5%.
REDRAW_MS, REDRAW_COST_SHARE = 250, 0.05


def _margin_spin(name: str, value: float) -> qw.QDoubleSpinBox:
    box = qw.QDoubleSpinBox(objectName=name, decimals=4, singleStep=0.001)
    box.setRange(0.0001, 1.0)
    box.setValue(value)
    return box


def _seed_a_named(config: ex.ExperimentConfig, base) -> ex.ExperimentConfig:
    """``config`` labelled like Seed A's grid ("ce-sgd") when it is exactly one of its
    configurations on ``base``, so the table reads like Seed A's ("minidl (mom)")."""
    for key in ex.CONFIG_KEYS:
        seed_a = ex.make_config(key, base.epochs, base).spec
        if dataclasses.replace(config.spec, name=key) == seed_a:
            return ex.ExperimentConfig(key, seed_a)
    return config


class ExperimentTab(qw.QWidget):
    """Run :func:`ex.run_experiment` on configurations built from ``spec_model``'s spec.

    Signals
    -------
    running_changed(bool)
        An experiment started or ended (the window then calls :meth:`set_running` on every
        tab: one job at a time, the cores are shared).
    """

    running_changed = Signal(bool)

    def __init__(self, host: WorkerHost, spec_model: SpecModel,
                 parent: qw.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experiment_tab")
        self._host, self._model = host, spec_model
        self._busy, self._band_source, self._pending = False, None, ((), 0)
        self._partial_results: list = []
        self._margins = dict(DEFAULT_MARGINS)  # frozen at each run's start
        self.result: ex.ExperimentResult | None = None  # the last finished experiment
        self.header = qw.QLabel(objectName="experiment_header_label", wordWrap=True)
        self.runs_spin = spin("runs_spin", 1, ex.MAX_RUNS, 20)  # nonsense N cannot be entered
        epochs = LIMITS["epochs"]
        self.epochs_spin = spin("experiment_epochs_spin", int(epochs.lo), int(epochs.hi),
                                spec_model.spec.epochs)
        self.workers_spin = spin("workers_spin", 1, ex.MAX_WORKERS, 2)
        self.run_button = button("Run", "run_button")
        self.cancel_button = button("Cancel", "cancel_button")
        self.export_button = button("Export…", "export_button")
        self.cancel_button.setEnabled(False)
        self.export_button.setEnabled(False)
        self.vary_rows = VaryRows()
        self.margin_loss_spin = _margin_spin("margin_loss_spin", DEFAULT_MARGINS["loss"])
        self.margin_acc_spin = _margin_spin("margin_acc_spin", DEFAULT_MARGINS["acc"])
        self.margin_acc_spin.setToolTip("Accuracy as a fraction: 0.005 is half a point")
        self.progress = qw.QProgressBar(objectName="progress_bar")
        self.status = qw.QLabel("", objectName="experiment_status_label")
        self.table = ResultsTable()
        self.config_combo = qw.QComboBox(objectName="band_config_combo")
        self.band_plots, self.strip_plots = BandPlots(), StripPlots()
        self._lay_out()
        self._dirty = False
        self._redraw = QTimer(self, interval=REDRAW_MS, timeout=self._on_redraw_timeout)
        self._redraw.start()
        self.config_combo.currentTextChanged.connect(self._on_band_config_changed)
        self.run_button.clicked.connect(self._on_run_clicked)
        self.cancel_button.clicked.connect(self._host.stop)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.vary_rows.changed.connect(self._on_setup_changed)
        self.epochs_spin.valueChanged.connect(self._on_setup_changed)
        spec_model.spec_changed.connect(self._on_spec_changed)
        self._on_setup_changed()

    def _lay_out(self) -> None:
        row = qw.QHBoxLayout()
        for label, w in (("N runs", self.runs_spin), ("epochs", self.epochs_spin),
                         ("processes", self.workers_spin), ("margin loss ±", self.margin_loss_spin),
                         ("margin acc ±", self.margin_acc_spin)):
            w.setAccessibleName(label)
            row.addWidget(qw.QLabel(label))
            row.addWidget(w)
        for w in (self.run_button, self.cancel_button, self.export_button):
            row.addWidget(w)
        row.addStretch(1)
        plots = qw.QSplitter(Qt.Orientation.Horizontal)
        plots.addWidget(self.band_plots)
        plots.addWidget(self.strip_plots)
        layout = qw.QVBoxLayout(self)
        for item in (self.header, row, self.vary_rows, self.progress, self.status, self.table,
                     self.config_combo, plots):
            (layout.addLayout if isinstance(item, qw.QLayout) else layout.addWidget)(item)
        layout.setStretchFactor(self.table, 1)
        layout.setStretchFactor(plots, 2)

    # -- what is trained ---------------------------------------------------------------------
    def configs(self) -> tuple[ex.ExperimentConfig, ...]:
        """The current spec (epochs from the spin box) with each combination of the ticks.

        Raises
        ------
        ExperimentError
            An empty value list or a value the spec refuses (the message names the path).
        """
        base = dataclasses.replace(self._model.spec, epochs=self.epochs_spin.value())
        return tuple(_seed_a_named(c, base) for c in base_configs(base, self.vary_rows.vary()))

    def margins(self) -> dict[str, float]:
        """The declared equivalence margins (loss units; accuracy as a fraction)."""
        return {"loss": self.margin_loss_spin.value(), "acc": self.margin_acc_spin.value()}

    def _on_spec_changed(self, spec) -> None:
        self.epochs_spin.setValue(spec.epochs)
        self._on_setup_changed()

    def _on_setup_changed(self, *_args) -> None:
        try:
            configs = self.configs()
        except ex.ExperimentError as exc:
            self.header.setText("Cannot build the configurations.")
            self.status.setText(str(exc))
            self.run_button.setEnabled(False)
            return
        self.header.setText(setup_words([c.spec for c in configs]) + f" {len(configs)} "
                            f"configuration(s) × minidl and torch.nn, paired by seed.")
        self.run_button.setEnabled(not self._busy)

    def set_running(self, running: bool) -> None:
        """Enable Run/Cancel for ``running`` (any job of the window counts)."""
        self._busy = running
        self.cancel_button.setEnabled(running)
        self._on_setup_changed()

    # -- running -----------------------------------------------------------------------------
    def _on_run_clicked(self) -> None:
        try:
            configs = self.configs()
        except ex.ExperimentError as exc:
            self.status.setText(str(exc))
            return
        n = self.runs_spin.value()
        self.result, self._partial_results = None, []
        self._margins = self.margins()
        self._redraw.setInterval(REDRAW_MS)
        self._pending = (configs, n)
        self.progress.setRange(0, n * len(configs) * 2)
        self.progress.setValue(0)
        self.status.setText(f"Running {n} × {len(configs)} configs × 2 frameworks…")
        self.export_button.setEnabled(False)
        worker = ExperimentWorker(configs, n, self.workers_spin.value())
        worker.result.connect(self._on_experiment_result)
        worker.failed.connect(self.status.setText)
        self.running_changed.emit(True)
        self._host.start(worker, self._on_experiment_finished)

    def _on_experiment_result(self, result, done: int, total: int) -> None:
        self._partial_results.append(result)
        self.progress.setValue(done)
        self._dirty = True  # drawn by the timer: 160 results must not mean 160 redraws

    def _on_redraw_timeout(self) -> None:
        if self._dirty and self.result is None and self._partial_results:
            configs, n = self._pending
            start = time.perf_counter()
            self._show(ex.ExperimentResult(configs, n, 0, tuple(self._partial_results),
                                        partial=True))
            cost_ms = 1000 * (time.perf_counter() - start)
            self._redraw.setInterval(max(REDRAW_MS, int(cost_ms / REDRAW_COST_SHARE)))
        self._dirty = False

    def _on_experiment_finished(self, exp: ex.ExperimentResult | None) -> None:
        self.running_changed.emit(False)
        if exp is None:
            return
        self.result = exp
        self._show(exp)
        done = len(exp.results)
        state = "PARTIAL (cancelled)" if exp.partial else "done"
        self.status.setText(f"{state}: {done} runs in {exp.wall_time_s:.1f} s; verdicts "
                            f"against loss ±{self._margins['loss']:g}, accuracy "
                            f"±{self._margins['acc']:g} (declared before the run)")
        self.export_button.setEnabled(done > 0)

    def _show(self, exp: ex.ExperimentResult) -> None:
        self.table.show_result(exp, self._margins)
        labels = [c.label for c in exp.configs]
        if [self.config_combo.itemText(i) for i in range(self.config_combo.count())] != labels:
            self.config_combo.clear()
            self.config_combo.addItems(labels)
        self._band_source = exp
        self._on_band_config_changed(self.config_combo.currentText())

    def _on_band_config_changed(self, label: str) -> None:
        if self._band_source is not None and label:
            self.band_plots.show_result(self._band_source, label)
            self.strip_plots.show_result(self._band_source, label, self._margins)

    def _on_export_clicked(self) -> None:
        folder = compare_export.choose_directory(self) if self.result is not None else None
        if folder:
            try:
                paths = compare_export.export_experiment(folder, self.result, self._margins)
                self.status.setText(f"Exported {len(paths)} files to {folder}")
            except OSError as exc:
                self.status.setText(f"Export failed: {exc}")
