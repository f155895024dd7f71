"""The "Compare with torch.nn" window: a twin run and the N-seed experiment.

Workers run in ``QThread``s through :class:`~studio.gui.threads.WorkerThread`, as the run
controller's do; only frozen reports/results cross threads; stops go through ``stop()``.
"""

from __future__ import annotations

import dataclasses
import time

from PySide6 import QtWidgets as qw
from PySide6.QtCore import QTimer, Slot

from studio.core.compare import experiment as ex
from studio.core.limits import LIMITS
from studio.core.spec import RunSpec
from studio.gui.compare import compare_export
from studio.gui.compare.compare_plots import BandPlots, ResultsTable, TwinPanel, button, spin
from studio.gui.compare.compare_workers import ExperimentWorker, TwinWorker
from studio.gui.style import configure_pyqtgraph
from studio.gui.threads import WorkerThread

__all__ = ["CompareWindow", "ExperimentWorker", "TwinWorker"]

#: The partial results' redraw: at most every REDRAW_MS, and slower when a redraw is costly.
#: Drawing runs in this process and competes with the worker processes for the cores: a
#: redraw of the table and bands costs ~100 ms, and every 250 ms it made an experiment ~2x
#: slower than the CLI on 2 cores. Paced at REDRAW_COST_SHARE of a core it costs ~5%.
REDRAW_MS, REDRAW_COST_SHARE = 250, 0.05


class CompareWindow(qw.QWidget):
    """Tabs "Twin run" and "Experiment" for ``spec`` (default: the seed network)."""

    def __init__(self, spec: RunSpec | None = None, parent: qw.QWidget | None = None) -> None:
        super().__init__(parent)
        configure_pyqtgraph()  # same look as the main window when opened on its own
        self.setWindowTitle("Compare with torch.nn")
        self.setObjectName("compare_window")
        self._spec = spec if spec is not None else RunSpec()
        self._threads: list[WorkerThread] = []
        self._partial_results: list = []
        self._busy, self._band_source, self._pending = False, None, ((), 0)
        self.result: ex.ExperimentResult | None = None  # the last finished experiment
        self.tabs = qw.QTabWidget(objectName="compare_tabs")
        self.tabs.addTab(self._build_twin_tab(), "Twin run")
        self.tabs.addTab(self._build_experiment_tab(), "Experiment")
        qw.QVBoxLayout(self).addWidget(self.tabs)

    @property
    def spec(self) -> RunSpec:
        """The spec a twin run trains (connect ``SpecModel.spec_changed`` to :meth:`set_spec`)."""
        return self._spec

    @Slot(object)
    def set_spec(self, spec: RunSpec) -> None:
        """Use ``spec`` for the next twin run."""
        self._spec = spec

    def is_running(self) -> bool:
        """True while a twin run or an experiment is in progress."""
        return any(thread.is_running() for thread in self._threads)

    def stop_all(self, wait_ms: int = 5000) -> bool:  # bounded: closing never hangs
        """Ask every worker to stop and wait up to ``wait_ms`` each; True if all stopped."""
        self._on_stop_clicked()
        return all(thread.wait(wait_ms) for thread in list(self._threads))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.stop_all()
        super().closeEvent(event)

    # -- building ----------------------------------------------------------------------------
    def _build_twin_tab(self) -> qw.QWidget:
        panel = TwinPanel()
        self.dtype_combo, self.twin_plots, self.twin_status = (panel.dtype_combo, panel.plots,
                                                               panel.status)
        self.twin_start_button, self.twin_stop_button = panel.start_button, panel.stop_button
        self.twin_start_button.clicked.connect(self._on_twin_start_clicked)
        self.twin_stop_button.clicked.connect(self._on_stop_clicked)
        return panel

    def _build_experiment_tab(self) -> qw.QWidget:
        tab = qw.QWidget()
        self.runs_spin = spin("runs_spin", 1, ex.MAX_RUNS, 20)  # nonsense N cannot be entered
        epochs = LIMITS["epochs"]
        self.epochs_spin = spin("experiment_epochs_spin", int(epochs.lo), int(epochs.hi), 200)
        self.workers_spin = spin("workers_spin", 1, ex.MAX_WORKERS, 2)
        self.config_checks = {}
        row = qw.QHBoxLayout()
        for label, w in (("N runs", self.runs_spin), ("epochs", self.epochs_spin),
                         ("processes", self.workers_spin)):
            w.setAccessibleName(label)
            row.addWidget(qw.QLabel(label))
            row.addWidget(w)
        for key in ex.CONFIG_KEYS:
            check = qw.QCheckBox(key)
            check.setObjectName(f"config_{key}")
            check.setChecked(True)
            check.toggled.connect(self._on_config_toggled)
            self.config_checks[key] = check
            row.addWidget(check)
        self.run_button = button("Run", "run_button")
        self.cancel_button, self.export_button = (button("Cancel", "cancel_button"),
                                                  button("Export…", "export_button"))
        for w in (self.cancel_button, self.export_button):
            w.setEnabled(False)
        for w in (self.run_button, self.cancel_button, self.export_button):
            row.addWidget(w)
        row.addStretch(1)
        self.progress = qw.QProgressBar()
        self.progress.setObjectName("progress_bar")
        self.status = qw.QLabel("")
        self.status.setObjectName("experiment_status_label")
        self.table = ResultsTable()
        self.config_combo = qw.QComboBox()
        self.config_combo.setObjectName("band_config_combo")
        self.config_combo.currentTextChanged.connect(self._on_band_config_changed)
        self.band_plots = BandPlots()
        layout = qw.QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.config_combo)
        layout.addWidget(self.band_plots, 2)
        self._dirty = False
        self._redraw = QTimer(self, interval=REDRAW_MS, timeout=self._on_redraw_timeout)
        self._redraw.start()
        self.run_button.clicked.connect(self._on_run_clicked)
        self.cancel_button.clicked.connect(self._on_stop_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        return tab

    # -- threads -----------------------------------------------------------------------------
    def _start(self, worker: TwinWorker | ExperimentWorker, done) -> None:
        thread = WorkerThread(worker, name=f"compare_{type(worker).__name__}", parent=self)
        worker.finished.connect(done)
        # A slot of ours, not a lambda: Qt drops the connection if this window goes first.
        thread.finished.connect(self._on_thread_finished)
        self._threads.append(thread)
        thread.start()

    @Slot()
    def _on_thread_finished(self) -> None:  # drop our reference to the ended thread
        thread = self.sender()
        self._threads = [t for t in self._threads if t is not thread]
        if isinstance(thread, WorkerThread):
            thread.dispose()

    def _on_stop_clicked(self) -> None:
        for thread in self._threads:
            thread.stop()  # the workers' public stop(): never their private event

    def _set_running(self, running: bool) -> None:
        self._busy = running
        for w in (self.twin_start_button, self.run_button):
            w.setEnabled(not running)
        for w in (self.twin_stop_button, self.cancel_button):
            w.setEnabled(running)
        self._on_config_toggled()

    # -- twin --------------------------------------------------------------------------------
    def _on_twin_start_clicked(self) -> None:
        spec = dataclasses.replace(self._spec, dtype=self.dtype_combo.currentText())
        self.twin_plots.clear()
        self.twin_status.setText(f"Training {spec.epochs} epochs in {spec.dtype}…")
        worker = TwinWorker(spec)
        worker.report.connect(self._on_twin_report)
        self._set_running(True)
        self._start(worker, self._on_twin_finished)

    def _on_twin_report(self, rep) -> None:
        self.twin_plots.add(rep)
        self.twin_status.setText(
            f"epoch {rep.epoch}: max|Δw| {rep.max_abs_weight_diff:.2e}, rel grad diff "
            f"{rep.rel_grad_diff:.2e}, {100 * rep.disagreement_fraction:.2f}% of the map "
            "disagrees")

    def _on_twin_finished(self, message: str) -> None:
        self.twin_plots.refresh()
        self.twin_status.setText(f"{self.twin_status.text()} — {message}")
        self._set_running(False)

    # -- experiment --------------------------------------------------------------------------
    def selected_configs(self) -> list[str]:
        """The checked configuration keys."""
        return [k for k, c in self.config_checks.items() if c.isChecked()]

    def _on_config_toggled(self, *_args) -> None:
        idle = not self._busy
        self.run_button.setEnabled(idle and bool(self.selected_configs()))
        if not self.selected_configs():
            self.status.setText("Choose at least one configuration.")

    def _on_run_clicked(self) -> None:
        epochs = self.epochs_spin.value()
        configs = tuple(ex.make_config(k, epochs) for k in self.selected_configs())
        if not configs:
            return
        n = self.runs_spin.value()
        self.result, self._partial_results = None, []
        self._redraw.setInterval(REDRAW_MS)
        self._pending = (configs, n)
        self.progress.setRange(0, n * len(configs) * 2)
        self.progress.setValue(0)
        self.status.setText(f"Running {n} × {len(configs)} configs × 2 frameworks…")
        self.export_button.setEnabled(False)
        worker = ExperimentWorker(configs, n, self.workers_spin.value())
        worker.result.connect(self._on_experiment_result)
        worker.failed.connect(self.status.setText)
        self._set_running(True)
        self._start(worker, self._on_experiment_finished)

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
        self._set_running(False)
        if exp is None:
            return
        self.result = exp
        self._show(exp)
        done = len(exp.results)
        state = "PARTIAL (cancelled)" if exp.partial else "done"
        self.status.setText(f"{state}: {done} runs in {exp.wall_time_s:.1f} s")
        self.export_button.setEnabled(done > 0)

    def _show(self, exp: ex.ExperimentResult) -> None:
        self.table.show_result(exp)
        labels = [c.label for c in exp.configs]
        if [self.config_combo.itemText(i) for i in range(self.config_combo.count())] != labels:
            self.config_combo.clear()
            self.config_combo.addItems(labels)
        self._band_source = exp
        self._on_band_config_changed(self.config_combo.currentText())

    def _on_band_config_changed(self, label: str) -> None:
        if self._band_source is not None and label:
            self.band_plots.show_result(self._band_source, label)

    def _on_export_clicked(self) -> None:
        folder = compare_export.choose_directory(self) if self.result is not None else None
        if folder:
            try:
                paths = compare_export.export_experiment(folder, self.result)
                self.status.setText(f"Exported {len(paths)} files to {folder}")
            except OSError as exc:
                self.status.setText(f"Export failed: {exc}")
