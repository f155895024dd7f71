"""Learning curves: loss (train/test, optional log scale) and accuracy (train/test).

:class:`CurvesView` is a view of a :class:`~studio.gui.run.run_controller.RunController`. Each
curve is created once; :meth:`CurvesView.refresh` (called by the window's frame timer when new
reports arrived) appends only the new epochs and calls ``setData``. While a run is live the
curves draw without antialiasing and the axes move in steps (:meth:`CurvesView.set_live`,
:mod:`studio.gui.run.live_axes`).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from studio.core import METRICS, EpochReport
from studio.gui import style
from studio.gui.run.live_axes import LiveAxes
from studio.gui.run.plot_overlays import CurveOverlays

__all__ = ["CurvesView"]

_FIELDS = ("epoch", *METRICS)


class _Columns:
    """Growable float64 columns of the report fields (amortised O(1) append)."""

    def __init__(self) -> None:
        self.n = 0
        self._data = np.empty((len(_FIELDS), 256))

    def clear(self) -> None:
        self.n = 0

    def extend(self, reports: list[EpochReport]) -> None:
        need = self.n + len(reports)
        if need > self._data.shape[1]:
            grown = np.empty((len(_FIELDS), max(need, 2 * self._data.shape[1])))
            grown[:, :self.n] = self._data[:, :self.n]
            self._data = grown
        for i, report in enumerate(reports, start=self.n):
            self._data[:, i] = [getattr(report, name) for name in _FIELDS]
        self.n = need

    def __getitem__(self, name: str) -> np.ndarray:
        return self._data[_FIELDS.index(name), :self.n]


def _plot(name: str, title: str, y_label: str,
          legend_offset: tuple[int, int] = style.LEGEND_OFFSET) -> pg.PlotWidget:
    widget = pg.PlotWidget()
    widget.setObjectName(name)  # a PlotWidget keyword would go to its PlotItem
    widget.setAccessibleName(title)
    item = widget.getPlotItem()
    item.setTitle(title)
    style.style_plot(item, y_label=y_label, legend_offset=legend_offset)
    # Long runs: draw at most about one point per pixel, and only what is in view.
    item.setDownsampling(auto=True, mode="peak")
    item.setClipToView(True)
    # With the grid on, an axis spans the whole plot, so each new curve segment repainted all
    # its tick labels and grid lines (~5 ms a frame): paint it from a pixmap until it changes.
    for axis in ("left", "bottom"):
        item.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    # The epoch axis never goes negative, however the user drags (and never shows -300...300).
    item.getViewBox().setLimits(xMin=0.0)
    widget.setMinimumSize(280, 160)
    style.follow_palette(widget)
    return widget


class CurvesView(QWidget):
    """Loss and accuracy plots of the reports in ``controller.reports``.

    Parameters
    ----------
    controller : RunController
        The run whose reports are drawn.
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(self, controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._columns = _Columns()
        self._source: list[EpochReport] | None = None  # the list the columns were built from
        self.loss_plot = _plot("loss_plot", "Loss", "loss")
        # Legend bottom right: accuracy curves climb towards the top right corner.
        self.accuracy_plot = _plot("accuracy_plot", "Accuracy", "accuracy", (-10, -10))
        self.accuracy_plot.setXLink(self.loss_plot)
        self._axes = LiveAxes(self.loss_plot, self.accuracy_plot)
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.getPlotItem().getViewBox().sigRangeChangedManually.connect(
                self._on_view_range_changed_manually)
        self.curves = {
            "train_loss": self._curve(self.loss_plot, "train", style.TRAIN_COLOR),
            "test_loss": self._curve(self.loss_plot, "test", style.TEST_COLOR),
            "train_acc": self._curve(self.accuracy_plot, "train", style.TRAIN_COLOR),
            "test_acc": self._curve(self.accuracy_plot, "test", style.TEST_COLOR),
        }
        self.overlays = CurveOverlays(self.loss_plot, self.accuracy_plot)
        self._stale = False
        self.log_scale_check = QCheckBox("Log-scale loss", objectName="log_scale_check")
        self.log_scale_check.setAccessibleName("Log-scale loss axis")
        self.log_scale_check.toggled.connect(self._on_log_scale_check_toggled)
        self.readout = QLabel("", objectName="curve_readout")
        self.readout.setAccessibleName("Value under the mouse")
        self._markers = {}
        for plot in (self.loss_plot, self.accuracy_plot):
            text = pg.TextItem(anchor=(0, 1), color=style.FOREGROUND,
                               fill=pg.mkBrush(style.LABEL_FILL),
                               border=style.pen(style.LABEL_BORDER_COLOR))
            line = pg.InfiniteLine(angle=90, pen=style.pen(style.MARKER_COLOR, dashed=True))
            for item in (text, line):
                item.setZValue(10)
                item.hide()
                plot.addItem(item, ignoreBounds=True)
            self._markers[plot] = (text, line)
            plot.scene().sigMouseMoved.connect(
                lambda pos, plot=plot: self._on_plot_mouse_moved(plot, pos))

        header = QHBoxLayout()
        header.addWidget(self.log_scale_check)
        header.addStretch(1)
        header.addWidget(self.readout)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.loss_plot, 1)
        layout.addWidget(self.accuracy_plot, 1)

    @staticmethod
    def _curve(plot: pg.PlotWidget, name: str, color: str) -> pg.PlotDataItem:
        return plot.plot([], [], name=name, pen=style.pen(color, 2))

    # -- drawing --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Append the reports that arrived since the last call and update the curves."""
        reports = self._controller.reports
        if reports is not self._source or len(reports) < self._columns.n:
            self._source = reports
            self._columns.clear()
        if len(reports) > self._columns.n:
            self._columns.extend(reports[self._columns.n:])
        epochs = self._columns["epoch"]
        for name, curve in self.curves.items():
            values = self._columns[name]
            # A diverged epoch is NaN/inf; log scale also cannot show 0. Keep the rest.
            keep = np.isfinite(values)
            if name.endswith("loss"):
                keep &= values > 0
            curve.setData(epochs[keep], values[keep])
            # One epoch is a point: without a symbol a one-point line draws nothing.
            symbol = "o" if keep.sum() < 2 else None
            if curve.opts["symbol"] != symbol:
                curve.setSymbol(symbol)
                curve.setSymbolBrush(curve.opts["pen"].color())
        self._axes.follow(self._columns.__getitem__, self._controller.spec)
        for plot in (self.loss_plot, self.accuracy_plot):
            # pyqtgraph refits auto ranges when the paint begins, which schedules a second
            # paint for the new axes: refit now, so the frame paints once.
            plot.scene().prepareForPaint()

    def set_live(self, live: bool) -> None:
        """Draw for speed while a run is live, in full otherwise.

        Live: no antialiasing (antialiased 2-px curves were most of a frame's paint time) and,
        unless the user zoomed, axes that move in steps instead of refitting, and so
        repainting their ticks, grid and labels, on every frame: the epoch axis grows in
        1-2-5 steps up to the run's length, the loss axis spans ``[0, 1-2-5 ceiling]`` and the
        accuracy axis ``[tenth below the lowest, 1]`` (a log loss axis still fits). Not live:
        antialiased, and the axes fit the data again.
        """
        if live == self._axes.live:
            return
        self._axes.set_live(live, self.log_scale_check.isChecked())
        for curve in self.curves.values():
            curve.opts["antialias"] = not live
            curve.updateItems(styleUpdate=True)

    # -- slots ----------------------------------------------------------------------------
    def _on_view_range_changed_manually(self, *_args) -> None:
        self._axes.release()

    def _on_log_scale_check_toggled(self, checked: bool) -> None:
        item = self.loss_plot.getPlotItem()
        self._axes.set_log_loss(checked)
        item.setLogMode(y=checked)
        # Log mode labels every minor tick (2..9 in each decade), which overlap: label the
        # decades only.
        item.getAxis("left").setStyle(maxTextLevel=0 if checked else 2)

    # -- the state of the view ------------------------------------------------------------
    def reset_view(self) -> None:
        """Fit both axes to the data again and clear the hover read-out.

        Called when a run starts, continues or a session opens, and on Reset: a zoom of the
        old curves or a hover box over them would describe data that is no longer shown.
        """
        for plot in (self.loss_plot, self.accuracy_plot):
            plot.getPlotItem().getViewBox().enableAutoRange()
            for item in self._markers[plot]:
                item.hide()
        self.readout.setText("")
        self._axes.reset(self.log_scale_check.isChecked())

    def set_stale(self, stale: bool) -> None:
        """Grey the curves out as the previous run's (the setup changed since)."""
        if stale == self._stale:
            return
        self._stale = stale
        for name, curve in self.curves.items():
            color = style.MARKER_COLOR if stale else (
                style.TRAIN_COLOR if name.startswith("train") else style.TEST_COLOR)
            curve.setPen(style.pen(color, 2))
        suffix = " · previous run" if stale else ""
        self.loss_plot.getPlotItem().setTitle(f"Loss{suffix}")
        self.accuracy_plot.getPlotItem().setTitle(f"Accuracy{suffix}")

    @property
    def is_stale(self) -> bool:
        """Whether the curves are shown as the previous run's."""
        return self._stale

    def _on_plot_mouse_moved(self, plot: pg.PlotWidget, scene_pos: QPointF) -> None:
        view = plot.getPlotItem().getViewBox()
        text, line = self._markers[plot]
        n = self._columns.n
        if n == 0 or not view.sceneBoundingRect().contains(scene_pos):
            text.hide()
            line.hide()
            return
        point = view.mapSceneToView(scene_pos)
        self.show_readout(plot, point.x(), point)

    def show_readout(self, plot: pg.PlotWidget, x: float, at: QPointF | None = None) -> str:
        """Mark the epoch nearest ``x`` on ``plot`` and return the read-out text."""
        epochs = self._columns["epoch"]
        if epochs.size == 0:
            return ""
        i = int(np.clip(np.searchsorted(epochs, x), 0, epochs.size - 1))
        if i > 0 and abs(epochs[i - 1] - x) < abs(epochs[i] - x):
            i -= 1
        kind = "loss" if plot is self.loss_plot else "acc"
        train, test = self._columns[f"train_{kind}"][i], self._columns[f"test_{kind}"][i]
        message = f"epoch {int(epochs[i])}   train {train:.4g}   test {test:.4g}"
        text, line = self._markers[plot]
        text.setText(message.replace("   ", "\n"))
        line.setValue(epochs[i])
        line.show()
        if at is not None:
            text.setPos(at)
            text.show()
        self.readout.setText(f"{'loss' if kind == 'loss' else 'accuracy'}: {message}")
        return message
