"""The "Sweep" tab: a grid over spec fields × seeds on the spec being edited.

The editor is rows of ``path = v1, v2`` (``optimizer.lr = 0.1, 0.03``); the sweep runs on
local worker processes (:func:`~studio.core.experiments.sweep_run.run_sweep`) with progress
and cancel (finished runs are kept); with a results file it is rewritten after every run, so
running again resumes. Clicking a result row loads that cell's spec into the editor (an
undoable edit of the spec model).
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6 import QtWidgets as qw
from PySide6.QtCore import Signal

from studio.core.compare.configs import ExperimentError
from studio.core.experiments.sweep import (
    SWEEP_KIND,
    Sweep,
    load_sweep,
    sweep_from_dict,
    sweep_to_dict,
)
from studio.core.experiments.sweep_run import SweepResult
from studio.core.io import atomic_write_text, read_limited
from studio.core.jsontext import JSONProblem, loads_strict
from studio.core.spec import SpecError, to_dict
from studio.gui.compare.compare_plots import button, spin
from studio.gui.compare.experiment_workers import SweepWorker
from studio.gui.compare.sweep_views import SweepHeatmap, SweepTable
from studio.gui.compare.vary_rows import parse_values
from studio.gui.compare.worker_host import WorkerHost
from studio.gui.setup.spec_model import SpecModel

__all__ = ["DEFAULT_GRID", "SweepPanel", "choose_path"]

DEFAULT_GRID = (("optimizer.lr", "0.3, 0.1, 0.03"), ("layers[].width", "10, 25"))
_RESULTS_LIMIT = 64 * 1024 * 1024


def choose_path(parent: qw.QWidget, title: str, *, save: bool) -> str | None:
    """Ask for a JSON file (tests monkeypatch this); ``None`` when cancelled."""
    dialog = qw.QFileDialog.getSaveFileName if save else qw.QFileDialog.getOpenFileName
    path, _ = dialog(parent, title, "", "JSON (*.json)")
    return path or None


class SweepPanel(qw.QWidget):
    """Edit, run, save, load and resume a sweep; show its table and heatmap.

    Signals
    -------
    running_changed(bool)
        A sweep started or ended.
    """

    running_changed = Signal(bool)

    def __init__(self, host: WorkerHost, spec_model: SpecModel,
                 parent: qw.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweep_panel")
        self._host, self._model = host, spec_model
        self.result: SweepResult | None = None
        self._name = "GUI sweep"  # a loaded sweep keeps its name: its results file names it
        self.grid_table = qw.QTableWidget(0, 2, objectName="sweep_grid_table")
        self.grid_table.setHorizontalHeaderLabels(["spec path", "values (comma-separated)"])
        self.grid_table.horizontalHeader().setStretchLastSection(True)
        self.set_grid(dict(DEFAULT_GRID))
        self.seeds_spin = spin("sweep_seeds_spin", 1, 100, 2)
        self.workers_spin = spin("sweep_workers_spin", 1, 64, 2)
        self.results_edit = qw.QLineEdit(objectName="sweep_results_path_edit")
        self.results_edit.setPlaceholderText("results file (optional: rewritten after every "
                                             "run, so Run again resumes)")
        names = ("add_row", "remove_row", "run", "cancel", "save", "load", "resume")
        texts = ("Add row", "Remove row", "Run sweep", "Cancel", "Save…", "Load…", "Resume…")
        self.buttons = {n: button(t, f"sweep_{n}_button") for n, t in zip(names, texts,
                                                                          strict=True)}
        self.buttons["cancel"].setEnabled(False)
        self.progress = qw.QProgressBar(objectName="sweep_progress")
        self.status = qw.QLabel("", objectName="sweep_status_label", wordWrap=True)
        self.table, self.heatmap = SweepTable(), SweepHeatmap()
        self.x_combo = qw.QComboBox(objectName="sweep_x_combo")
        self.y_combo = qw.QComboBox(objectName="sweep_y_combo")
        self._lay_out()
        b = self.buttons
        b["add_row"].clicked.connect(lambda: self.grid_table.insertRow(self.grid_table.rowCount()))
        b["remove_row"].clicked.connect(self._on_remove_row_clicked)
        b["run"].clicked.connect(self._on_run_clicked)
        b["cancel"].clicked.connect(self._host.stop)
        b["save"].clicked.connect(self._on_save_clicked)
        b["load"].clicked.connect(self._on_load_clicked)
        b["resume"].clicked.connect(self._on_resume_clicked)
        self.table.cellClicked.connect(self._on_table_cell_clicked)
        self.x_combo.currentTextChanged.connect(self._on_axes_changed)
        self.y_combo.currentTextChanged.connect(self._on_axes_changed)

    def _lay_out(self) -> None:
        left = qw.QVBoxLayout()
        left.addWidget(self.grid_table)
        row = qw.QHBoxLayout()
        for w in (qw.QLabel("seeds"), self.seeds_spin, qw.QLabel("processes"), self.workers_spin):
            row.addWidget(w)
        left.addLayout(row)
        for names in (("add_row", "remove_row"), ("run", "cancel"), ("save", "load", "resume")):
            row = qw.QHBoxLayout()
            for n in names:
                row.addWidget(self.buttons[n])
            left.addLayout(row)
        left.addWidget(self.results_edit)
        axes = qw.QHBoxLayout()
        for w in (qw.QLabel("heatmap x"), self.x_combo, qw.QLabel("y"), self.y_combo):
            axes.addWidget(w)
        right = qw.QVBoxLayout()
        for item in (self.progress, self.status, self.table, axes, self.heatmap):
            (right.addLayout if isinstance(item, qw.QLayout) else right.addWidget)(item)
        right.setStretchFactor(self.table, 1)
        right.setStretchFactor(self.heatmap, 1)
        layout = qw.QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 3)

    # -- the grid ----------------------------------------------------------------------------
    def set_grid(self, grid: dict[str, str]) -> None:
        """Replace the editor's rows with ``{path: "v1, v2"}``."""
        self.grid_table.setRowCount(0)
        for path, values in grid.items():
            i = self.grid_table.rowCount()
            self.grid_table.insertRow(i)
            self.grid_table.setItem(i, 0, qw.QTableWidgetItem(path))
            self.grid_table.setItem(i, 1, qw.QTableWidgetItem(values))

    def sweep(self) -> Sweep:
        """The sweep of the editor on the current spec (:class:`ExperimentError` says why not)."""
        grid = {}
        for i in range(self.grid_table.rowCount()):
            path, values = (self.grid_table.item(i, j) for j in (0, 1))
            if path is not None and path.text().strip():
                grid[path.text().strip()] = parse_values(values.text() if values else "")
        data = {"kind": SWEEP_KIND, "version": 1, "name": self._name,
                "base": to_dict(self._model.spec), "grid": grid, "seeds": self.seeds_spin.value()}
        try:
            return sweep_from_dict(data)
        except SpecError as exc:
            raise ExperimentError(str(exc)) from None

    def _show_sweep(self, sweep: Sweep) -> None:
        self.set_grid({p: ", ".join(json.dumps(v) if not isinstance(v, str) else v
                                    for v in values) for p, values in sweep.grid})
        self.seeds_spin.setValue(sweep.seeds)
        self._name = sweep.name
        self._model.set_spec(sweep.base, "Load sweep base")

    def _on_remove_row_clicked(self) -> None:
        self.grid_table.removeRow(max(self.grid_table.currentRow(), 0))

    # -- running -----------------------------------------------------------------------------
    def set_running(self, running: bool) -> None:
        """Enable Run/Cancel for ``running`` (any job of the window counts)."""
        for name in ("run", "resume", "load"):
            self.buttons[name].setEnabled(not running)
        self.buttons["cancel"].setEnabled(running)

    def _on_run_clicked(self) -> None:
        try:
            sweep = self.sweep()
        except ExperimentError as exc:
            self.status.setText(f"Cannot run: {exc}")
            return
        total = len(sweep.cells()) * sweep.seeds
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.status.setText(f"Running {len(sweep.cells())} cells × {sweep.seeds} seeds…")
        path = self.results_edit.text().strip() or None
        worker = SweepWorker(sweep, path, self.workers_spin.value())
        worker.result.connect(self._on_sweep_result)
        worker.failed.connect(lambda text: self.status.setText(f"Cannot run: {text}"))
        self.running_changed.emit(True)
        self._host.start(worker, self._on_sweep_finished)

    def _on_sweep_result(self, _run, done: int, _total: int) -> None:
        self.progress.setValue(done)

    def _on_sweep_finished(self, result: SweepResult | None) -> None:
        self.running_changed.emit(False)
        if result is None:
            return
        self.result = result
        self.table.show_result(result)
        paths = list(result.sweep.paths)
        for combo, index in ((self.x_combo, 0), (self.y_combo, 1)):
            combo.blockSignals(True)  # one heatmap redraw for the pair, below
            combo.clear()
            combo.addItems(paths)
            combo.setCurrentIndex(min(index, len(paths) - 1))
            combo.blockSignals(False)
        self._on_axes_changed()
        state = "PARTIAL (cancelled): " if result.partial else ""
        self.status.setText(f"{state}{len(result.runs)} of {len(result.sweep.cells())} × "
                            f"{result.sweep.seeds} runs. Click a row to load its spec.")

    def _on_axes_changed(self, *_args) -> None:
        x, y = self.x_combo.currentText(), self.y_combo.currentText()
        two_axes = self.result is not None and bool(x and y) and x != y
        self.heatmap.setVisible(two_axes)  # one swept path has no heatmap
        if two_axes:
            self.heatmap.show_result(self.result, x, y)

    def _on_table_cell_clicked(self, row: int, _column: int) -> None:
        cell = self.table.cell_at(row)
        if cell is None or self.result is None:
            return
        spec = self.result.sweep.cell_spec(cell.values)
        words = ", ".join(f"{p} {v}" for p, v in cell.values.items())
        self._model.set_spec(spec, f"Load sweep cell ({words})")
        self.status.setText(f"Loaded the spec of {words} into the editor (Edit > Undo).")

    # -- files -------------------------------------------------------------------------------
    def _on_save_clicked(self) -> None:
        try:
            sweep = self.sweep()
        except ExperimentError as exc:
            self.status.setText(f"Cannot save: {exc}")
            return
        path = choose_path(self, "Save sweep", save=True)
        if path:
            atomic_write_text(path, json.dumps(sweep_to_dict(sweep), indent=1) + "\n")
            self.status.setText(f"Saved {path}")

    def _on_load_clicked(self) -> None:
        path = choose_path(self, "Load sweep", save=False)
        if path:
            try:
                self._show_sweep(load_sweep(path))
                self.status.setText(f"Loaded {path}")
            except (ExperimentError, OSError) as exc:
                self.status.setText(f"Cannot load: {exc}")

    def _on_resume_clicked(self) -> None:
        path = choose_path(self, "Resume from a sweep results file", save=False)
        if not path:
            return
        try:
            data = loads_strict(read_limited(path, "sweep results", _RESULTS_LIMIT).decode())
            self._show_sweep(sweep_from_dict(data.get("sweep") if isinstance(data, dict)
                                             else None, Path(path).parent))
        except (ExperimentError, JSONProblem, OSError, UnicodeDecodeError) as exc:
            self.status.setText(f"Cannot resume: {exc}")
            return
        self.results_edit.setText(path)
        self._on_run_clicked()  # only the missing (cell, seed) runs train
