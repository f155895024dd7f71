"""The decision region: the model's answer over the data's extent, the data, and the
misclassified test points.

Two classes show P(class 1) as a blue-white-orange map; more classes show each pixel's arg-max
class in its colour, paler where the model is less sure (:func:`studio.core.palette.classes_rgb`).
:class:`DecisionRegionView` is a view of the run controller (the newest grids) and of the spec
model (which data set to show before a run starts). The images, scatters and outline are
created once; :meth:`DecisionRegionView.refresh` only swaps in a new grid when one arrived.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGraphicsItem, QGroupBox, QLabel, QVBoxLayout, QWidget

from studio.core import DataSpec, RunSpec
from studio.core.boundary import true_boundary
from studio.core.palette import classes_rgb
from studio.gui import style
from studio.gui.run.draw import DrawTool
from studio.gui.run.region_maps import (
    class_names,
    legend_html,
    misclassified,
    misclassified_classes,
    to_unit,
)
from studio.gui.setup.data_edits import data_points

__all__ = ["MAX_POINTS", "DecisionRegionView", "misclassified"]
#: Points drawn per set: more would only slow the scatter without showing anything new.
MAX_POINTS = 2000


def _brushes(labels: np.ndarray, alpha: int) -> list:
    palette = [pg.mkBrush(style.with_alpha(c, alpha)) for c in style.CLASS_COLORS]
    return [palette[int(label)] for label in labels]


def _polylines(lines: tuple[np.ndarray, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Several polylines as one curve: NaN rows break it (drawn with ``connect="finite"``)."""
    if not lines:
        return np.empty(0), np.empty(0)
    gap = np.full((1, 2), np.nan)
    joined = np.concatenate([part for line in lines for part in (line, gap)][:-1])
    return joined[:, 0], joined[:, 1]


#: The rows of the run summary, with values as wide as a long run's (to size the label).
_SUMMARY_ROWS = (("epoch", "00000 / 00000"), ("loss", "train 0.0000 · test 0.0000"),
                 ("accuracy", "train 0.000 · test 0.000"),
                 ("misclassified test points", "0000 / 0000"),
                 ("throughput", "000,000 steps · 00,000 steps/s"))


def _summary_html(rows, muted: str) -> str:
    """The run summary: a two-column table of ``(name, value)`` rows."""
    cell = f"<tr><td style='color:{muted}'>{{}}</td><td>&nbsp;{{}}</td></tr>"
    return "<table cellspacing='3'>" + "".join(cell.format(k, v) for k, v in rows) + "</table>"


class DecisionRegionView(QWidget):
    """The model's decision region with train/test points and red rings on misclassified
    tests; the draw bar (:class:`~studio.gui.run.draw.DrawTool`) sits under it.

    Parameters
    ----------
    controller : RunController
        Supplies the newest grids (``last_grid``, the reports) and, during a run, its spec.
    model : SpecModel
        Before a run (or after a reset) the view shows ``model.spec``'s data.
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(self, controller, model, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._model = model
        self._data_spec: DataSpec | None = None
        self._grid = None  # the grid on screen (identity compared): P(class 1) or (class, conf)
        self._seen_last_grid = None  # controller.last_grid when last looked at
        self._reports, self._reports_seen = None, 0  # the run's report list, how far read
        self._classes = None  # newest (class, confidence) grids of the run (k > 2)
        self._extent = (0.0, 1.0, 0.0, 1.0)
        self._test_points = np.empty((0, 2))
        self._test_labels = np.empty(0, dtype=np.int64)

        self.region_plot = pg.PlotWidget()
        self.region_plot.setObjectName("region_plot")
        self.region_plot.setAccessibleName("Decision region")
        item = self.region_plot.getPlotItem()
        item.setTitle("Decision region · P(class 1)")
        item.setLabel("bottom", "x")
        item.setLabel("left", "y")
        self.colormap = pg.ColorMap(*zip(*style.REGION_COLORMAP, strict=True))
        self.image = pg.ImageItem(axisOrder="row-major")  # two classes: P(class 1)
        self.image.setColorMap(self.colormap)
        self.class_image = pg.ImageItem(axisOrder="row-major")  # k classes: RGB
        for image in (self.image, self.class_image):
            image.setRect(QRectF(0.0, 0.0, 1.0, 1.0))
            image.setZValue(-10)
            item.addItem(image)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=self.colormap,
                                        interactive=False, width=12)
        self.colorbar.setImageItem(self.image, insert_in=item)
        self.outline = item.plot([], [], pen=style.pen(style.OUTLINE_COLOR, 1.5, dashed=True),
                                 connect="finite")
        self.train_scatter = pg.ScatterPlotItem(size=4, pen=None, symbol="o")
        self.test_scatter = pg.ScatterPlotItem(size=6, symbol="d",
                                               pen=style.pen(style.POINT_EDGE_COLOR, 0.6))
        self.miss_scatter = pg.ScatterPlotItem(size=12, symbol="o", brush=None,
                                               pen=style.pen(style.MISCLASSIFIED_COLOR, 1.8))
        for scatter in (self.train_scatter, self.test_scatter, self.miss_scatter):
            item.addItem(scatter)
        # The data points never move during a run: paint them once into a cached pixmap
        # instead of re-drawing 2,000 antialiased symbols under every new grid.
        for scatter in (self.train_scatter, self.test_scatter):
            scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.setAspectLocked(True)
        item.setRange(xRange=(0.0, 1.0), yRange=(0.0, 1.0), padding=0.02)
        for axis in ("left", "bottom"):
            item.getAxis(axis).enableAutoSIPrefix(False)
            # The axes never move during a run: a new grid repaints the whole view, and
            # without a cached pixmap that drew both axes' ticks and numbers again (~3 ms).
            item.getAxis(axis).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.region_plot.setMinimumSize(300, 300)
        style.follow_palette(self.region_plot)
        self.draw = DrawTool(self.region_plot, model)
        self.legend = QLabel(objectName="region_legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.legend.setWordWrap(True)  # one line was 440 px: the window must fit 1366 px
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel("No run yet.", objectName="run_summary")
        self.summary.setAccessibleName("Latest epoch summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # As tall from the start as the table of a run: growing at the first report, it
        # resized the plot above it, which then redrew everything, its cached points too.
        self.summary.setText(_summary_html(_SUMMARY_ROWS, style.MUTED_TEXT))
        self.summary.setMinimumHeight(self.summary.sizeHint().height())
        box = QGroupBox("Latest epoch")
        QVBoxLayout(box).addWidget(self.summary)
        # The summary takes the spare height, so the plot pane stays roughly square and the
        # aspect-locked view does not pad the unit square with empty axes.
        layout.addWidget(self.region_plot, 3)
        layout.addWidget(self.draw)
        layout.addWidget(self.legend)
        layout.addWidget(box, 1)

        model.spec_changed.connect(self._on_model_spec_changed)
        controller.state_changed.connect(self._on_controller_state_changed)
        self.show_data(model.spec.data)

    # -- data points ----------------------------------------------------------------------
    def show_data(self, data: DataSpec) -> None:
        """Draw the train/test points of ``data``, its true boundary where known, the legend,
        and frame the view on the data's extent."""
        if data == self._data_spec:
            return
        self._data_spec = data
        points, self._extent = data_points(data)
        test = points.split if points.split is not None else np.zeros(len(points.x), bool)
        train_x, train_y = points.x[~test][:MAX_POINTS], points.labels[~test][:MAX_POINTS]
        self._test_points = points.x[test][:MAX_POINTS]
        self._test_labels = points.labels[test][:MAX_POINTS]
        self.train_scatter.setData(pos=train_x, brush=_brushes(train_y, 150))
        self.test_scatter.setData(pos=self._test_points, brush=_brushes(self._test_labels, 230))
        lines = true_boundary(data.name)
        self.outline.setData(*_polylines(lines), connect="finite")
        self._set_grid(None)
        two = data.classes == 2
        item = self.region_plot.getPlotItem()
        item.setTitle("Decision region · " + ("P(class 1)" if two else "predicted class"))
        self.colorbar.setVisible(two)
        self.legend.setText(legend_html(data, bool(lines)))
        if not self.draw.is_drawing:  # a drawing keeps its frame while points come and go
            x0, x1, y0, y1 = self._extent
            item.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)

    def export_legend(self) -> pg.LegendItem:
        """A legend of what the region shows, for an exported picture (the on-screen one is a
        label outside the plot, which a plot export does not include).

        Entries as :func:`legend_html`: the classes, the point symbols, the rings, and the
        true boundary (the very outline item drawn) where the data set has one.
        """
        legend = pg.LegendItem(colCount=4)
        data = self._data_spec
        if data is None:
            return legend
        for i, name in enumerate(class_names(data)):
            legend.addItem(pg.ScatterPlotItem(symbol="o", size=9, pen=None,
                                              brush=style.CLASS_COLORS[i]), name)
        edge = style.pen(style.OUTLINE_COLOR, 0.8)
        legend.addItem(pg.ScatterPlotItem(symbol="o", size=6, pen=edge, brush=None), "train")
        legend.addItem(pg.ScatterPlotItem(symbol="d", size=8, pen=edge, brush=None), "test")
        legend.addItem(self.miss_scatter, "misclassified test")
        if true_boundary(data.name):
            legend.addItem(self.outline, "true disk" if data.name == "disk" else "true boundary")
        return legend

    # -- drawing --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the controller's newest grid if it changed."""
        last = self._controller.last_grid
        current = self._newest_classes() if self._is_multiclass() else last
        if current is not self._grid:
            self._set_grid(current)
        self._update_summary()

    def _newest_classes(self):
        """The newest ``(class, confidence)`` grids: of a report, or of the paused model.

        The worker sends a paused model's grids only when the last report came without
        them, so they are newer than every report but one that carries its own.
        """
        reports, last = self._controller.reports, self._controller.last_grid
        if reports is not self._reports:  # a new run
            self._reports, self._reports_seen, self._classes = reports, 0, None
        new, self._reports_seen = reports[self._reports_seen:], len(reports)
        paused, self._seen_last_grid = last is not self._seen_last_grid, last
        if paused and isinstance(last, tuple) and reports and reports[-1].class_grid is None:
            self._classes = last
        else:
            report = next((r for r in reversed(new) if r.class_grid is not None), None)
            if report is not None:
                self._classes = (report.class_grid, report.confidence_grid)
        return self._classes

    def _is_multiclass(self) -> bool:
        return self._data_spec is not None and self._data_spec.classes > 2

    def _update_summary(self) -> None:
        reports, spec = self._controller.reports, self._controller.spec
        if not reports or spec is None:
            self.summary.setText("No run yet: press Start or Step.")
            return
        r = reports[-1]
        misses = (f"{self.misclassified_count} / {len(self._test_points)}"
                  if self._grid is not None else "–")
        rows = (("epoch", f"{r.epoch} / {spec.epochs}"),
                ("loss", f"train {r.train_loss:.4g} · test {r.test_loss:.4g}"),
                ("accuracy", f"train {r.train_acc:.3f} · test {r.test_acc:.3f}"),
                ("misclassified test points", misses),
                ("throughput", f"{r.steps:,} steps · {r.steps_per_s:,.0f} steps/s"))
        muted = style.plot_colors(self.palette()).muted  # readable on a dark palette too
        self.summary.setText(_summary_html(rows, muted))

    def _set_grid(self, grid) -> None:
        """Show ``grid``: P(class 1) (two classes), a (class, confidence) pair, or None."""
        self._grid = grid
        x0, x1, y0, y1 = self._extent
        rect = QRectF(x0, y0, x1 - x0, y1 - y0)
        if grid is None:
            self.image.clear()
            self.class_image.clear()
            self.miss_scatter.setData(pos=np.empty((0, 2)))
            return
        unit = to_unit(self._test_points, self._extent)
        if isinstance(grid, tuple):
            classes, confidence = grid
            self.class_image.setImage(classes_rgb(classes, confidence, self._data_spec.classes),
                                      autoLevels=False, levels=(0, 255))
            self.class_image.setRect(rect)
            wrong = misclassified_classes(classes, unit, self._test_labels)
        else:
            self.image.setImage(grid, levels=(0.0, 1.0), autoLevels=False)
            self.image.setRect(rect)
            wrong = misclassified(grid, unit, self._test_labels)
        self.miss_scatter.setData(pos=self._test_points[wrong])

    @property
    def misclassified_count(self) -> int:
        """How many rings are drawn."""
        return len(self.miss_scatter.data)

    # -- slots ----------------------------------------------------------------------------
    def _on_model_spec_changed(self, spec: RunSpec) -> None:
        if not self._controller.is_active and spec.data != self._data_spec:
            self.show_data(spec.data)  # what the next run will train on

    def _on_controller_state_changed(self, _state) -> None:
        run_spec = self._controller.spec
        self.show_data(run_spec.data if run_spec is not None else self._model.spec.data)
