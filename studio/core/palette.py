"""The decision region's colours, stated once, without Qt.

The GUI's plot style and the headless renderers (the training animation) colour a region
from these values, so a frame of the GIF looks like the window. ``studio.gui.style`` imports
its class colours and the two-class colour map from here.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CLASS_COLORS", "REGION_COLORMAP", "REGION_STRENGTH", "classes_rgb", "hex_rgb",
           "region_rgb"]

#: One colour per class, up to ``MAX_CLASSES`` (8): blue for class 0 and orange for class 1
#: as ever, then green, purple, red, brown, pink and olive (distinct on white and in print).
CLASS_COLORS = ("#2f6db5", "#e07b00", "#2a9d3a", "#8a4fbf", "#d62728", "#8c564b", "#e377c2",
                "#8f8f1f")
#: P(class 1) from class 0's pale blue through white (undecided) to class 1's pale orange.
REGION_COLORMAP = ((0.0, "#a9c8ec"), (0.5, "#ffffff"), (1.0, "#f6c58b"))
#: How far a sure pixel of a k-class map goes from white toward its class colour: about the
#: two-class map's pale ends (#a9c8ec is 0.4 of the way from white to class 0's blue).
REGION_STRENGTH = 0.45


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


def classes_rgb(classes: np.ndarray, confidence: np.ndarray, k: int) -> np.ndarray:
    """Colour a k-class map: each pixel its arg-max class's colour, paler where less sure.

    Parameters
    ----------
    classes : numpy.ndarray
        ``(H, W)`` arg-max classes ``0..k-1`` (uint8).
    confidence : numpy.ndarray
        ``(H, W)`` their probability, in ``[1/k, 1]`` (NaN reads as ``1/k``).
    k : int
        Number of classes.

    Returns
    -------
    numpy.ndarray
        ``(H, W, 3)`` uint8 RGB. A pixel is white blended with its class colour by the
        confidence above chance, ``(c - 1/k) / (1 - 1/k)``, at most :data:`REGION_STRENGTH`,
        so the data points drawn in full colour stay readable on a sure region.
    """
    chance = 1.0 / k
    conf = np.nan_to_num(np.asarray(confidence, dtype=np.float64), nan=chance)
    weight = ((conf - chance) / (1.0 - chance)).clip(0.0, 1.0) * REGION_STRENGTH
    colors = np.array([hex_rgb(c) for c in CLASS_COLORS], dtype=np.float64)
    idx = np.asarray(classes, dtype=np.intp).clip(0, len(CLASS_COLORS) - 1)
    rgb = 255.0 + weight[..., None] * (colors[idx] - 255.0)
    return np.rint(rgb).astype(np.uint8)
