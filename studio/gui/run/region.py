"""The decision region: P(class 1) over [0, 1]², the data, and misclassified test points.

:class:`DecisionRegionView` is a view of the run controller (the newest grid) and of the spec
model (which data set to show before a run starts). The image, scatters and outline are created
once; :meth:`DecisionRegionView.refresh` only swaps in a new grid when one arrived.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGraphicsItem, QGroupBox, QLabel, QVBoxLayout, QWidget

from studio.core import DataSpec, RunSpec, make_data
from studio.gui import style

__all__ = ["MAX_POINTS", "DecisionRegionView", "misclassified"]
#: Points drawn per set: more would only slow the scatter without showing anything new.
MAX_POINTS = 2000
DISK_RADIUS = 1.0 / math.sqrt(2.0 * math.pi)


def misclassified(grid: np.ndarray, points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Which ``points`` the grid puts on the wrong side of 0.5.

    Parameters
    ----------
    grid : numpy.ndarray
        ``(n, n)`` P(class 1), row-major with row = y, pixel centres at ``(k + 0.5) / n``.
    points : numpy.ndarray
        ``(N, 2)`` raw points in [0, 1]².
    labels : numpy.ndarray
        ``(N,)`` classes 0/1.

    Returns
    -------
    numpy.ndarray
        ``(N,)`` bool. Bilinear interpolation of the grid, so points within about a pixel
        of the boundary may disagree with the model's exact prediction.
    """
    n = grid.shape[0]
    f = np.clip(points * n - 0.5, 0.0, n - 1.0)
    i0 = np.minimum(f.astype(np.intp), n - 2) if n > 1 else np.zeros_like(f, dtype=np.intp)
    t = f - i0
    if n == 1:
        p = np.full(points.shape[0], float(grid[0, 0]))
    else:
        x0, y0, tx, ty = i0[:, 0], i0[:, 1], t[:, 0], t[:, 1]
        p = ((1 - ty) * ((1 - tx) * grid[y0, x0] + tx * grid[y0, x0 + 1])
             + ty * ((1 - tx) * grid[y0 + 1, x0] + tx * grid[y0 + 1, x0 + 1]))
    return (p > 0.5) != (labels == 1)


def _brushes(labels: np.ndarray, alpha: int) -> list:
    palette = [pg.mkBrush(style.with_alpha(c, alpha)) for c in style.CLASS_COLORS]
    return [palette[int(label)] for label in labels]


class DecisionRegionView(QWidget):
    """Heat map of P(class 1) with train/test points and red rings on misclassified tests.

    Parameters
    ----------
    controller : RunController
        Supplies ``last_grid`` and, during a run, the run's spec.
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
        self._grid = None  # the grid on screen (identity compared)
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
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setRect(QRectF(0.0, 0.0, 1.0, 1.0))
        self.image.setColorMap(self.colormap)
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=self.colormap,
                                        interactive=False, width=12)
        self.colorbar.setImageItem(self.image, insert_in=item)
        self.outline = item.plot([], [], pen=style.pen(style.OUTLINE_COLOR, 1.5, dashed=True))
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
        self.region_plot.setMinimumSize(300, 300)
        style.follow_palette(self.region_plot)
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
        box = QGroupBox("Latest epoch")
        QVBoxLayout(box).addWidget(self.summary)
        # The summary takes the spare height, so the plot pane stays roughly square and the
        # aspect-locked view does not pad the unit square with empty axes.
        layout.addWidget(self.region_plot, 3)
        layout.addWidget(self.legend)
        layout.addWidget(box, 1)

        model.spec_changed.connect(self._on_model_spec_changed)
        controller.state_changed.connect(self._on_controller_state_changed)
        self.show_data(model.spec.data)

    # -- data points ----------------------------------------------------------------------
    def show_data(self, data: DataSpec) -> None:
        """Draw the train/test points of ``data`` (and the true disk for the disk set)."""
        if data == self._data_spec:
            return
        self._data_spec = data
        dataset = make_data(data, "float64", "cpu")
        train = dataset.raw_train.numpy()[:MAX_POINTS]
        y_train = dataset.y_train.cpu().numpy()[:MAX_POINTS]
        self._test_points = dataset.raw_test.numpy()[:MAX_POINTS]
        self._test_labels = dataset.y_test.cpu().numpy()[:MAX_POINTS]
        self.train_scatter.setData(pos=train, brush=_brushes(y_train, 150))
        self.test_scatter.setData(pos=self._test_points, brush=_brushes(self._test_labels, 230))
        if data.name == "disk":
            angle = np.linspace(0.0, 2.0 * np.pi, 181)
            self.outline.setData(0.5 + DISK_RADIUS * np.cos(angle),
                                 0.5 + DISK_RADIUS * np.sin(angle))
        else:
            self.outline.setData([], [])
        self._set_grid(None)
        dot = "<span style='color:{}'>{}</span>&nbsp;"
        class_0, class_1 = style.CLASS_COLORS
        # Each entry is unbreakable (&nbsp;); the legend wraps between entries only.
        entries = [f"{dot.format(class_0, '●')}class&nbsp;0",
                   f"{dot.format(class_1, '●')}class&nbsp;1", "●&nbsp;train", "◆&nbsp;test",
                   f"{dot.format(style.MISCLASSIFIED_COLOR, '○')}misclassified&nbsp;test"]
        if data.name == "disk":
            entries.append("-&nbsp;-&nbsp;true&nbsp;disk")
        self.legend.setText(" &nbsp; ".join(entries))

    # -- drawing --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the controller's newest grid if it changed."""
        if self._controller.last_grid is not self._grid:
            self._set_grid(self._controller.last_grid)
        self._update_summary()

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
        cell = f"<tr><td style='color:{muted}'>{{}}</td><td>&nbsp;{{}}</td></tr>"
        self.summary.setText("<table cellspacing='3'>" + "".join(
            cell.format(k, v) for k, v in rows)
            + "</table>")

    def _set_grid(self, grid: np.ndarray | None) -> None:
        self._grid = grid
        if grid is None:
            self.image.clear()
            self.miss_scatter.setData(pos=np.empty((0, 2)))
            return
        self.image.setImage(grid, levels=(0.0, 1.0), autoLevels=False)
        self.image.setRect(QRectF(0.0, 0.0, 1.0, 1.0))
        wrong = misclassified(grid, self._test_points, self._test_labels)
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
