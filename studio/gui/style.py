"""The one plot style of the studio: colours, pens, background, axes.

Every plot (the run's curves and decision region, the compare window's twin curves and bands)
and every PNG export draws through these names, so the window, its exports and the headless
CLI look the same and a colour is changed in one place.

Plots are white on a light palette (they read on screen, on paper and in the README). On a dark
palette they take the window's colours instead (:func:`plot_colors`), and
:func:`follow_palette` re-colours a plot when the palette changes, so no label is drawn dark
on dark.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette, QPen

from studio.core.palette import CLASS_COLORS, REGION_COLORMAP

__all__ = [
    "BACKGROUND", "BAND_COLOR", "CLASS_COLORS", "DISAGREE_LUT", "DRIFT_COLORS", "FOREGROUND",
    "FRAMEWORK_COLORS", "GRID_ALPHA", "LABEL_BORDER_COLOR", "LABEL_FILL", "LEGEND_OFFSET",
    "CURSOR_COLOR", "FORK_COLOR", "MARKER_COLOR", "OVERLAY_COLORS", "MISCLASSIFIED_COLOR",
    "MUTED_TEXT", "OUTLINE_COLOR", "POINT_EDGE_COLOR", "REGION_COLORMAP", "TEST_COLOR",
    "TRAIN_COLOR", "PlotColors", "configure_pyqtgraph",
    "follow_palette", "pen", "plot_colors", "style_plot", "with_alpha",
]

BACKGROUND = "#ffffff"  # white: plots and PNGs read on screen, on paper and in the README
FOREGROUND = "#222222"
MUTED_TEXT = "#555555"
GRID_ALPHA = 0.25
LEGEND_OFFSET = (-10, 10)  # top right, inside the axes

#: Learning curves.
TRAIN_COLOR = "#1f77b4"
TEST_COLOR = "#ff7f0e"
#: Seed A's Figure 2 colours: minidl red, torch.nn blue.
FRAMEWORK_COLORS = {"minidl": "#dc322f", "torch.nn": "#268bd2"}
#: Drift curves (max |Δw|, relative gradient difference): dark enough for a white canvas.
DRIFT_COLORS = ("#6a3d9a", "#2ca02c")
#: Decision region: the class colours (CLASS_COLORS, from studio.core.palette, so the GIF
#: frames match), the misclassified ring, the data outline.
MISCLASSIFIED_COLOR = "#e41a1c"
OUTLINE_COLOR = "#444444"
POINT_EDGE_COLOR = "#ffffff"
#: REGION_COLORMAP (from studio.core.palette): P(class 1), class 0's pale blue through white
#: (undecided) to class 1's pale orange.
#: Twin map: 0 = both models predict the same class (grey), 1 = they differ (red).
DISAGREE_LUT = np.array([[238, 238, 238], [214, 39, 40]], dtype=np.uint8)
#: Marker line and label box of the curves' hover read-out (a dashed grey line, a white box).
MARKER_COLOR = "#888888"
BAND_COLOR = "#2f6db5"  # percentile bands of the layer-health distributions
#: Runs overlaid from the run history (Tableau's hues apart from the live blue/orange).
OVERLAY_COLORS = ("#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
CURSOR_COLOR = "#6a3d9a"  # the timeline cursor on the curves
FORK_COLOR = "#555555"  # fork markers (settings changed mid-run)
LABEL_BORDER_COLOR = "#999999"
LABEL_FILL = (255, 255, 255, 220)


@dataclass(frozen=True)
class PlotColors:
    """The palette-dependent colours of a plot (``"#rrggbb"`` names)."""

    background: str
    foreground: str  # axes, tick numbers, titles, legend text
    muted: str  # secondary text (the row names of the run summary)


def plot_colors(palette: QPalette | None = None) -> PlotColors:
    """The plot colours for ``palette`` (default: the application's, if any).

    A light palette keeps the white look; a dark one (its Window darker than mid-grey) gives
    the Window colour as background and WindowText for everything drawn on it.
    """
    if palette is None and QGuiApplication.instance() is not None:
        palette = QGuiApplication.palette()
    if palette is None:
        return PlotColors(BACKGROUND, FOREGROUND, MUTED_TEXT)
    window = palette.color(QPalette.ColorRole.Window)
    if window.lightness() >= 128:
        return PlotColors(BACKGROUND, FOREGROUND, MUTED_TEXT)
    text = palette.color(QPalette.ColorRole.WindowText)
    muted = QColor.fromRgbF(*(0.7 * t + 0.3 * w for t, w in zip(
        text.getRgbF()[:3], window.getRgbF()[:3], strict=True)))
    return PlotColors(window.name(), text.name(), muted.name())


def configure_pyqtgraph() -> None:
    """Global pyqtgraph look shared by the windows and the headless PNG writers."""
    colors = plot_colors()
    pg.setConfigOptions(background=colors.background, foreground=colors.foreground,
                        antialias=True)


class _PaletteFollower(QObject):
    """Re-colours one pyqtgraph view (background, axes, titles, legends) from its palette."""

    _EVENTS = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)

    def __init__(self, view: pg.GraphicsView) -> None:
        super().__init__(view)
        self._view = view
        view.installEventFilter(self)
        self.apply()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in self._EVENTS:
            self.apply()
        return False

    def apply(self) -> None:
        colors = plot_colors(self._view.palette())
        self._view.setBackground(colors.background)
        for item in self._view.scene().items():
            if isinstance(item, pg.AxisItem):  # the axis line, its ticks, numbers and label
                item.setPen(colors.foreground)
                item.setTextPen(colors.foreground)
            elif isinstance(item, pg.LegendItem):
                item.setLabelTextColor(colors.foreground)
            elif isinstance(item, pg.LabelItem):  # plot titles
                item.setAttr("color", colors.foreground)
                item.setText(item.text)


def follow_palette(view: pg.GraphicsView) -> None:
    """Colour ``view`` (a ``PlotWidget`` or ``GraphicsLayoutWidget``) from the palette, now and
    whenever the palette changes. Call it once its plots, titles and legends exist."""
    _PaletteFollower(view)


def with_alpha(color: str, alpha: int) -> tuple[int, int, int, int]:
    """``color`` as an RGBA tuple with ``alpha`` (0-255), for bands and translucent points."""
    c = pg.mkColor(color)
    return c.red(), c.green(), c.blue(), alpha


def pen(color: str | tuple, width: float = 1.0, *, dashed: bool = False) -> QPen:
    """A cosmetic pen; ``dashed`` marks the second of two curves that usually coincide."""
    style = Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine
    return pg.mkPen(color, width=width, style=style)


def style_plot(item: pg.PlotItem, *, x_label: str | None = "epoch", y_label: str | None = None,
               legend: bool = True, legend_offset: tuple[int, int] = LEGEND_OFFSET,
               grid: bool = True) -> None:
    """Axes of a studio plot: labels, a light grid, plain tick numbers, a legend top right."""
    if x_label is not None:
        item.setLabel("bottom", x_label)
    if y_label is not None:
        item.setLabel("left", y_label)
    if grid:
        item.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    item.getAxis("left").enableAutoSIPrefix(False)  # "loss (x0.001)" reads badly
    if legend:
        item.addLegend(offset=legend_offset)
