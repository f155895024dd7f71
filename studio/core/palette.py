"""The decision region's colours, stated once, without Qt.

The GUI's plot style and the headless renderers (the training animation) colour a region
from these values, so a frame of the GIF looks like the window. ``studio.gui.style`` holds
the same numbers today; it can import them from here.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CLASS_COLORS", "REGION_COLORMAP", "hex_rgb", "region_rgb"]

#: The two classes (blue for class 0, orange for class 1).
CLASS_COLORS = ("#2f6db5", "#e07b00")
#: P(class 1) from class 0's pale blue through white (undecided) to class 1's pale orange.
REGION_COLORMAP = ((0.0, "#a9c8ec"), (0.5, "#ffffff"), (1.0, "#f6c58b"))


def hex_rgb(color: str) -> tuple[int, int, int]:
    """``"#a9c8ec"`` -> ``(169, 200, 236)``."""
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def region_rgb(grid: np.ndarray) -> np.ndarray:
    """Colour a ``(H, W)`` P(class 1) grid with :data:`REGION_COLORMAP`.

    Parameters
    ----------
    grid : numpy.ndarray
        ``(H, W)`` probabilities in [0, 1] (values outside are clipped; NaN reads as 0.5).

    Returns
    -------
    numpy.ndarray
        ``(H, W, 3)`` uint8 RGB, row for row (no flip: the caller decides where y points).
    """
    p = np.nan_to_num(np.asarray(grid, dtype=np.float64), nan=0.5).clip(0.0, 1.0)
    stops = np.array([stop for stop, _ in REGION_COLORMAP])
    colors = np.array([hex_rgb(color) for _, color in REGION_COLORMAP], dtype=np.float64)
    # Piecewise-linear in each channel between the stops, as pyqtgraph's ColorMap does.
    channels = [np.interp(p, stops, colors[:, c]) for c in range(3)]
    return np.rint(np.stack(channels, axis=-1)).astype(np.uint8)
