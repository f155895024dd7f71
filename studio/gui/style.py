"""The one plot style of the studio: colours, pens, background, axes.

Every plot (the run's curves and decision region, the compare window's twin curves and bands)
and every PNG export draws through these names, so the window, its exports and the headless
CLI look the same and a colour is changed in one place.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPen

__all__ = [
    "BACKGROUND", "CLASS_COLORS", "DISAGREE_LUT", "DRIFT_COLORS", "FOREGROUND",
    "FRAMEWORK_COLORS", "GRID_ALPHA", "LABEL_BORDER_COLOR", "LABEL_FILL", "LEGEND_OFFSET",
    "MARKER_COLOR", "MISCLASSIFIED_COLOR", "MUTED_TEXT", "OUTLINE_COLOR", "POINT_EDGE_COLOR",
    "REGION_COLORMAP", "TEST_COLOR", "TRAIN_COLOR", "configure_pyqtgraph", "pen", "style_plot",
    "with_alpha",
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
#: Decision region: the two classes, the misclassified ring, the data outline.
CLASS_COLORS = ("#2f6db5", "#e07b00")
MISCLASSIFIED_COLOR = "#e41a1c"
OUTLINE_COLOR = "#444444"
POINT_EDGE_COLOR = "#ffffff"
#: P(class 1) from class 0's pale blue through white (undecided) to class 1's pale orange.
REGION_COLORMAP = ((0.0, "#a9c8ec"), (0.5, "#ffffff"), (1.0, "#f6c58b"))
#: Twin map: 0 = both models predict the same class (grey), 1 = they differ (red).
DISAGREE_LUT = np.array([[238, 238, 238], [214, 39, 40]], dtype=np.uint8)
#: Marker line and label box of the curves' hover read-out (a dashed grey line, a white box).
MARKER_COLOR = "#888888"
LABEL_BORDER_COLOR = "#999999"
LABEL_FILL = (255, 255, 255, 220)


def configure_pyqtgraph() -> None:
    """Global pyqtgraph look shared by the windows and the headless PNG writers."""
    pg.setConfigOptions(background=BACKGROUND, foreground=FOREGROUND, antialias=True)


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
