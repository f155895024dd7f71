"""Views of a sweep's result: a sortable table (mean ± std per cell) and a heatmap.

Views only: they draw a frozen :class:`~studio.core.experiments.sweep_run.SweepResult`.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets as qw
from PySide6.QtCore import Qt

from studio.core.experiments.sweep_run import SweepResult
from studio.core.experiments.sweep_table import SweepRow, heatmap, sweep_rows
from studio.gui import style

__all__ = ["METRIC_COLUMNS", "SweepHeatmap", "SweepTable"]

#: (metric, header, scale): accuracy shown in percent, as in ``sweep_table.md``.
METRIC_COLUMNS = (("test_acc", "test acc %", 100.0), ("train_acc", "train acc %", 100.0),
                  ("test_loss", "test loss", 1.0), ("train_loss", "train loss", 1.0))


class _SortItem(qw.QTableWidgetItem):
    """A cell that sorts by a number (the mean), not by its text ("9.5" < "10")."""

    def __init__(self, text: str, key: float | str) -> None:
        super().__init__(text)
        self.key = key
        self.setToolTip(text)

    def __lt__(self, other: qw.QTableWidgetItem) -> bool:
        a, b = self.key, getattr(other, "key", other.text())
        if isinstance(a, str) or isinstance(b, str):
            return str(a) < str(b)
        return (math.isnan(a), a) < (math.isnan(b), b)  # empty cells sort last


def _summary(row: SweepRow, metric: str, scale: float) -> tuple[str, float]:
    s = row.metrics[metric]
    if s.n == 0:
        return "-", math.nan
    spread = "" if math.isnan(s.std) else f" ± {s.std * scale:.2g}"
    return f"{s.mean * scale:.4g}{spread}", s.mean * scale


class SweepTable(qw.QTableWidget):
    """One row per cell; click a header to sort. ``rows[i]`` is the data of table row ``i``
    before sorting: the cell index is kept in the first column's ``Qt.UserRole``."""

    def __init__(self, parent: qw.QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        self.setObjectName("sweep_results_table")
        self.setSelectionBehavior(qw.QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(qw.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows: list[SweepRow] = []

    def show_result(self, result: SweepResult) -> None:
        """Refill from ``result`` (partial results are fine)."""
        paths = result.sweep.paths
        self.setSortingEnabled(False)  # filling a sorted table scrambles the rows
        self.clear()
        self.setColumnCount(len(paths) + 1 + len(METRIC_COLUMNS))
        self.setHorizontalHeaderLabels([*paths, "runs", *(h for _, h, _ in METRIC_COLUMNS)])
        self.rows = sweep_rows(result)
        self.setRowCount(len(self.rows))
        for i, row in enumerate(self.rows):
            cells = [(str(row.values[p]), row.values[p]) for p in paths]
            runs = f"{row.n_ok}" + (f" (+{row.n_diverged} diverged)" if row.n_diverged else "")
            cells.append((runs, float(row.n_ok)))
            cells += [_summary(row, m, scale) for m, _, scale in METRIC_COLUMNS]
            for j, (text, key) in enumerate(cells):
                item = _SortItem(text, key if isinstance(key, (int, float, str)) else str(key))
                if j == 0:
                    item.setData(Qt.ItemDataRole.UserRole, row.cell)
                self.setItem(i, j, item)
        self.setSortingEnabled(True)
        self.resizeColumnsToContents()

    def cell_at(self, table_row: int) -> SweepRow | None:
        """The sweep row shown at ``table_row`` (after any sorting)."""
        item = self.item(table_row, 0)
        if item is None:
            return None
        cell = item.data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.rows if r.cell == cell), None)


class SweepHeatmap(pg.GraphicsLayoutWidget):
    """Mean final test accuracy over two swept axes (the others held at their first value)."""

    def __init__(self, parent: qw.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweep_heatmap")
        self.plot = self.addPlot(title="mean final test accuracy %")
        style.style_plot(self.plot, x_label=None, legend=False, grid=False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.plot.addItem(self.image)
        self._labels: list[pg.TextItem] = []
        self.z: np.ndarray | None = None
        style.follow_palette(self)

    def show_result(self, result: SweepResult, x: str, y: str) -> None:
        """Draw test accuracy over ``x`` (columns) and ``y`` (rows), a number in each cell."""
        for label in self._labels:
            self.plot.removeItem(label)
        self._labels = []
        xs, ys, z = heatmap(result, x, y, "test_acc")
        self.z = 100 * z
        finite = self.z[np.isfinite(self.z)]
        lo, hi = (finite.min(), finite.max()) if len(finite) else (0.0, 1.0)
        self.image.setImage(np.nan_to_num(self.z, nan=lo), levels=(lo, max(hi, lo + 1e-9)))
        self.image.setRect(0, 0, len(xs), len(ys))
        self.plot.setLabel("bottom", x)
        self.plot.setLabel("left", y)
        self.plot.getAxis("bottom").setTicks([[(i + 0.5, str(v)) for i, v in enumerate(xs)]])
        self.plot.getAxis("left").setTicks([[(j + 0.5, str(v)) for j, v in enumerate(ys)]])
        for j in range(len(ys)):
            for i in range(len(xs)):
                value = self.z[j, i]
                text = pg.TextItem("-" if math.isnan(value) else f"{value:.2f}",
                                   color=style.BACKGROUND, anchor=(0.5, 0.5))
                text.setPos(i + 0.5, j + 0.5)
                self.plot.addItem(text)
                self._labels.append(text)
        self.plot.setRange(xRange=(0, len(xs)), yRange=(0, len(ys)), padding=0.02)
