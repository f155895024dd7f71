"""Plots of the "Compare with torch.nn" window: twin-run curves and experiment bands.

Views only: they draw frozen reports/results handed to them and hold no training logic.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.core import METRIC_LABELS
from studio.core.compare.experiment import FRAMEWORKS, ExperimentResult
from studio.core.compare.report import (
    METRICS,
    bands,
    comparisons,
    row_cells,
    table_rows,
    verdict_cells,
)
from studio.core.compare.twin import TwinReport
from studio.gui import style

__all__ = ["BandPlots", "ResultsTable", "TwinPanel", "TwinPlots", "button", "draw_bands",
           "fill_band", "spin", "table_cells"]

# The record module's names; the train loss says what Seed A's tables summed instead.
_TITLES = {**METRIC_LABELS, "train_loss": f"{METRIC_LABELS['train_loss']} (per-sample mean)"}


def fill_band(plot: pg.PlotItem, x: np.ndarray, mean: np.ndarray, std: np.ndarray,
              color: str) -> tuple[pg.PlotDataItem, pg.PlotDataItem]:
    """Shade ``mean ± std`` in a pale ``color`` on ``plot``; returns the (undrawn) edges."""
    upper = pg.PlotDataItem(x, mean + std, pen=style.pen(style.with_alpha(color, 60)))
    lower = pg.PlotDataItem(x, mean - std, pen=style.pen(style.with_alpha(color, 60)))
    plot.addItem(pg.FillBetweenItem(upper, lower, brush=pg.mkBrush(style.with_alpha(color, 50))))
    return upper, lower


def draw_bands(plot: pg.PlotItem, exp: ExperimentResult, config: str, metric: str) -> None:
    """Draw mean ± std of ``metric`` per framework for ``config`` on ``plot`` (cleared first)."""
    plot.clear()
    plot.setTitle(_TITLES[metric])
    for fw in FRAMEWORKS:
        epochs, mean, std = bands(exp, config, fw, metric)
        if not len(epochs):
            continue
        color = style.FRAMEWORK_COLORS[fw]
        upper, lower = fill_band(plot, epochs, mean, std, color)
        plot.addItem(upper)
        plot.addItem(lower)
        # Dashed torch.nn mean: the curves usually coincide and both must stay visible.
        plot.plot(epochs, mean, pen=style.pen(color, 2, dashed=fw != "minidl"),
                  name=f"{fw} mean ± std")


class BandPlots(pg.GraphicsLayoutWidget):
    """2×2 band plots (train/test loss, train/test accuracy) of one configuration."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("band_plots")
        self.title = self.addLabel("", row=0, col=0, colspan=2)
        self.plots: dict[str, pg.PlotItem] = {}
        for i, metric in enumerate(METRICS):
            plot = self.addPlot(row=1 + i // 2, col=i % 2)
            style.style_plot(plot, legend=i == 0)
            self.plots[metric] = plot
        style.follow_palette(self)

    def show_result(self, exp: ExperimentResult, config: str) -> None:
        """Redraw all four plots for ``config``."""
        for metric, plot in self.plots.items():
            draw_bands(plot, exp, config, metric)


class TwinPlots(QWidget):
    """Both loss curves, the log-scale drift (max|Δw|, relative grad diff) and the map of
    points where the two models' predicted classes disagree.

    Reports are buffered by :meth:`add` and drawn by a fixed-rate timer (throttle drawing,
    not data).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = pg.GraphicsLayoutWidget()
        self._layout.setObjectName("twin_plots")
        QVBoxLayout(self).addWidget(self._layout)
        self.loss_plot = self._layout.addPlot(row=0, col=0, title="Loss (per-sample mean)")
        self.diff_plot = self._layout.addPlot(row=0, col=1, title="minidl vs torch.nn drift")
        self.diff_plot.setLogMode(y=True)
        self.diff_plot.getAxis("left").setStyle(maxTickLevel=0)  # label decades only
        self.map_plot = self._layout.addPlot(row=0, col=2,
                                             title="Where the predicted classes differ (red)")
        self.map_plot.setAspectLocked(True)
        self.map_plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.02)
        style.style_plot(self.loss_plot)
        # The drift curves fill the log plot's top right, where a legend would sit on them:
        # its legend goes in the layout row under the plot, outside the data.
        style.style_plot(self.diff_plot, legend=False)
        self.drift_legend = pg.LegendItem(colCount=2)
        self._layout.addItem(self.drift_legend, row=1, col=1)
        colors = style.FRAMEWORK_COLORS
        pens = {"minidl train": style.pen(colors["minidl"], 2),
                "minidl test": style.pen(colors["minidl"], 1),
                "torch.nn train": style.pen(colors["torch.nn"], 2, dashed=True),
                "torch.nn test": style.pen(colors["torch.nn"], 1, dashed=True)}
        self.curves = {name: self.loss_plot.plot(name=name, pen=pen) for name, pen in pens.items()}
        self.curves["max |Δw|"] = self.diff_plot.plot(name="max |Δw|",
                                                      pen=style.pen(style.DRIFT_COLORS[0], 2))
        self.curves["rel grad diff"] = self.diff_plot.plot(name="‖Δg‖/‖g‖",
                                                           pen=style.pen(style.DRIFT_COLORS[1]))
        # minidl against itself, one weight one ulp apart: the same growth without torch.nn.
        self.curves["butterfly"] = self.diff_plot.plot(
            name="butterfly: max |Δw| (1 ulp)", pen=style.pen(style.MARKER_COLOR, 2, dashed=True))
        for key in ("max |Δw|", "rel grad diff", "butterfly"):
            self.drift_legend.addItem(self.curves[key], self.curves[key].name())
        self.butterfly: list = []  # DriftPoints of the last butterfly run
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(style.DISAGREE_LUT)  # 0 = both models agree, 1 = they differ
        self.image.setRect(0, 0, 1, 1)
        self.map_plot.addItem(self.image)
        style.follow_palette(self._layout)
        self.reports: list[TwinReport] = []
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def add_butterfly(self, point) -> None:
        """Buffer one butterfly ``DriftPoint`` (``None``: forget them); drawn by the timer."""
        if point is None:
            self.butterfly.clear()
        else:
            self.butterfly.append(point)
        self._dirty = True

    def clear(self) -> None:
        """Forget every report and blank the plots."""
        self.reports.clear()
        self._dirty = True
        self.image.clear()
        self.refresh()

    def add(self, report: TwinReport) -> None:
        """Buffer one report; drawn on the next timer tick."""
        self.reports.append(report)
        self._dirty = True

    def _on_timer_timeout(self) -> None:
        if self._dirty:
            self.refresh()

    def refresh(self) -> None:
        """Redraw now from the buffered reports."""
        self._dirty = False
        rs = self.reports
        epochs = np.array([r.epoch for r in rs], dtype=float)
        series = {"minidl train": [r.minidl_train_loss for r in rs],
                  "minidl test": [r.minidl_test_loss for r in rs],
                  "torch.nn train": [r.torch_train_loss for r in rs],
                  "torch.nn test": [r.torch_test_loss for r in rs],
                  # Log axes cannot show 0 (exact agreement): floor at the float64 resolution.
                  "max |Δw|": [max(r.max_abs_weight_diff, 1e-17) for r in rs],
                  "rel grad diff": [max(r.rel_grad_diff, 1e-17)
                                    if not math.isnan(r.rel_grad_diff) else 1e-17 for r in rs]}
        for name, values in series.items():
            self.curves[name].setData(epochs, np.asarray(values, dtype=float))
        self.curves["butterfly"].setData(
            np.array([p.epoch for p in self.butterfly], dtype=float),
            np.array([max(p.max_abs_weight_diff, 1e-17) for p in self.butterfly], dtype=float))
        if rs:
            grid = rs[-1].disagreement.astype(np.float32)
            self.image.setImage(grid, levels=(0.0, 1.0))
            self.image.setRect(0, 0, 1, 1)


class ResultsTable(QTableWidget):
    """Seed A's table, one row per configuration × framework, with the verdict and time ratio."""

    HEADERS = ("Config", "Module", "loss train (std)", "loss test (std)", "acc train % (std)",
               "acc test % (std)", "median time s", "runs", "verdict (test loss)",
               "time minidl/torch")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self.setObjectName("results_table")
        self.setHorizontalHeaderLabels(list(self.HEADERS))
        # The verdict is a sentence: elided in its column, whole in the tooltip.
        self.setWordWrap(False)
        self.setColumnWidth(self.HEADERS.index("verdict (test loss)"), 340)
        # The last column takes the room left, so its header is never cut ("ime minidl/…").
        self.horizontalHeader().setStretchLastSection(True)

    def show_result(self, exp: ExperimentResult,
                    margins: dict[str, float] | None = None) -> None:
        """Refill from ``exp`` (partial results are fine), with the cells of ``table.md``."""
        rows = table_cells(exp, margins)
        self.setRowCount(len(rows))
        for i, cells in enumerate(rows):
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.setItem(i, j, item)


def table_cells(exp: ExperimentResult,
                margins: dict[str, float] | None = None) -> list[list[str]]:
    """The rows of :class:`ResultsTable`, each cell as ``table.md`` formats it.

    The numbers are formatted once, by the report (:func:`~studio.core.compare.report.row_cells`
    and :func:`~studio.core.compare.report.verdict_cells`): the window shows what the exported
    table says. Rows go loss by loss, minidl before torch.nn, as in ``table.md``.
    """
    verdicts = {comp.config: verdict_cells(comp)
                for comp in comparisons(exp, margins=margins)}
    rows = table_rows(exp)
    out = []
    for loss in dict.fromkeys(r.loss for r in rows):
        for row in (r for r in rows if r.loss == loss):
            name, *metrics, time_text, runs = row_cells(row)
            verdict = verdicts[row.config]
            test_loss_verdict, time_ratio = verdict[1 + METRICS.index("test_loss")], verdict[-1]
            out.append([row.config, name, *metrics, time_text, runs, test_loss_verdict,
                        time_ratio])
    return out


def button(text: str, name: str) -> QPushButton:
    """A push button with an objectName and an accessible name."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    widget.setAccessibleName(text)
    return widget


class TwinPanel(QWidget):
    """The "Twin run" tab: dtype choice, Start/Stop, a status line and :class:`TwinPlots`.

    A view: the window connects the buttons and feeds the plots.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dtype_combo = QComboBox()
        self.dtype_combo.setObjectName("twin_dtype_combo")
        self.dtype_combo.setAccessibleName("dtype")
        self.dtype_combo.addItems(["float64", "float32"])
        self.dtype_combo.setToolTip("float64: the twins agree to ~1e-15; float32: they drift")
        self.start_button = button("Start", "twin_start_button")
        self.stop_button = button("Stop", "twin_stop_button")
        self.stop_button.setEnabled(False)
        self.butterfly_button = button("Butterfly", "butterfly_button")
        self.butterfly_button.setToolTip("Train minidl twice, the second with one weight moved "
                                         "by one ulp, and plot how far they drift apart")
        self.status = QLabel("Trains the current network and its torch.nn twin "
                             "(same weights, same batches).")
        self.status.setObjectName("twin_status_label")
        self.status.setWordWrap(True)  # the drift-growth sentence is long
        self.plots = TwinPlots()
        row = QHBoxLayout()
        for w in (QLabel("dtype"), self.dtype_combo, self.start_button, self.stop_button,
                  self.butterfly_button):
            row.addWidget(w)
        row.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.plots, 1)


def spin(name: str, lo: int, hi: int, value: int) -> QSpinBox:
    """An integer spin box with an objectName."""
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(lo, hi)
    box.setValue(value)
    return box
