"""Arrays to small pictures: a diverging blue-white-red map, shared by the inspect views."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage, QPixmap

__all__ = ["NEGATIVE", "POSITIVE", "diverging_rgb", "edge_pen", "edge_style", "heatmap_pixmap",
           "value_range"]

#: Colours of negative and positive values (weights, activations, gradients).
NEGATIVE = (33, 102, 172)
POSITIVE = (178, 24, 43)


def value_range(array: np.ndarray) -> tuple[float, float]:
    """``(min, max)`` of the finite values (``(0, 0)`` when there are none)."""
    finite = array[np.isfinite(array)]
    return (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)


def diverging_rgb(array: np.ndarray, scale: float | np.ndarray | None = None) -> np.ndarray:
    """``(..., 3)`` uint8: 0 is white, ``-scale`` full blue, ``+scale`` full red.

    ``scale`` defaults to ``max |array|``, so each picture uses its whole colour range; an
    array broadcast against ``array`` gives each of a stack of pictures its own scale. Where
    the scale is 0 the picture is white.
    """
    a = np.nan_to_num(np.asarray(array, dtype=np.float64))
    if scale is None:
        scale = float(np.abs(a).max()) if a.size else 0.0
    scale = np.asarray(scale, dtype=np.float64)
    t = np.clip(np.divide(a, scale, out=np.zeros_like(a), where=scale > 0), -1.0, 1.0)
    white = np.array([255.0, 255.0, 255.0])
    far = np.where((t < 0)[..., None], np.array(NEGATIVE, float), np.array(POSITIVE, float))
    rgb = white + (far - white) * np.abs(t)[..., None]
    return rgb.round().astype(np.uint8)


def heatmap_pixmap(array: np.ndarray, width: int, height: int | None = None,
                   flip_rows: bool = False, scale: float | None = None) -> QPixmap:
    """A 2-D array as a pixmap ``width`` × ``height`` (nearest-neighbour: cells stay crisp).

    ``flip_rows`` puts row 0 at the bottom (grids whose row index is y).
    """
    a = np.atleast_2d(np.asarray(array))
    if flip_rows:
        a = a[::-1]
    rgb = np.ascontiguousarray(diverging_rgb(a, scale))
    h, w = rgb.shape[:2]
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(image).scaled(width, height or width)


def edge_style(weight: float, max_abs: float, max_width: float = 4.0) -> tuple[QColor, float]:
    """The pen of an edge: red for a positive weight, blue for a negative one, and a width
    (0.3 to ``max_width`` px) and opacity growing with ``|weight| / max_abs``."""
    share = min(abs(weight) / max_abs, 1.0) if max_abs > 0 else 0.0
    return edge_pen(weight >= 0, share, max_width)


def edge_pen(positive: bool, share: float, max_width: float = 4.0) -> tuple[QColor, float]:
    """Colour and width of an edge of sign ``positive`` whose ``|weight| / max`` is ``share``."""
    color = QColor(*(POSITIVE if positive else NEGATIVE))
    color.setAlphaF(0.15 + 0.85 * share)
    return color, 0.3 + (max_width - 0.3) * share
