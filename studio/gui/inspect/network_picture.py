"""Batched drawing for the network view: all edges in a few calls, thumbnails from an atlas.

One ``drawLine`` and one pixmap per edge and per unit made the network picture cost ~40 ms
of GUI-thread Python (and GIL) per payload; these draw the same look in a few calls.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPen

from .heatmap import diverging_rgb, edge_pen

__all__ = ["EDGE_STEPS", "draw_edges", "draw_thumbs"]

#: Edge widths and opacities are drawn in this many steps: one pen (and one batched
#: ``drawLines`` call) per step and sign, instead of one per edge.
EDGE_STEPS = 8


def draw_edges(painter: QPainter, w: np.ndarray, starts: Sequence[QRectF],
               ends: Sequence[QRectF]) -> None:
    """Draw the edges of weights ``w`` (``to × from``) between node rectangles.

    The pens of :func:`~.heatmap.edge_style` (colour by sign; width and opacity by
    ``|w| / max |w|``), quantised into :data:`EDGE_STEPS` pens per sign.
    """
    if not w.size:
        return
    top = float(np.abs(w).max())
    share = np.minimum(np.abs(w) / top, 1.0) if top > 0 else np.zeros_like(w)
    level = np.rint(share * (EDGE_STEPS - 1)).astype(int)
    for positive in (False, True):
        sign = (w >= 0) if positive else (w < 0)
        for q in np.unique(level[sign]).tolist():
            painter.setPen(QPen(*edge_pen(positive, q / (EDGE_STEPS - 1))))
            js, is_ = np.nonzero(sign & (level == q))
            painter.drawLines([QLineF(starts[i].right(), starts[i].center().y(),
                                      ends[j].left(), ends[j].center().y())
                               for j, i in zip(js.tolist(), is_.tolist(), strict=True)])


def draw_thumbs(painter: QPainter, unit_maps: Sequence[np.ndarray],
                rects: Sequence[QRectF]) -> None:
    """Draw each unit's map (row 0 at the bottom) into its rectangle, with a grey frame.

    One atlas image holds all the maps side by side, each on its own colour scale (0 white,
    ``±max |map|`` full red/blue), instead of one pixmap per unit; nearest-neighbour scaling
    keeps the cells crisp.
    """
    if not len(unit_maps):
        return
    maps = np.nan_to_num(np.stack([np.asarray(m, dtype=np.float64)[::-1] for m in unit_maps]))
    rgb = diverging_rgb(maps, np.abs(maps).reshape(len(maps), -1).max(axis=1)[:, None, None])
    n, h, w = maps.shape
    strip = np.ascontiguousarray(rgb.transpose(1, 0, 2, 3).reshape(h, n * w, 3))
    atlas = QImage(strip.data, n * w, h, 3 * n * w, QImage.Format.Format_RGB888)
    painter.setPen(QPen(Qt.GlobalColor.gray, 0.8))
    for j, rect in enumerate(rects):
        painter.drawImage(rect, atlas, QRectF(j * w, 0, w, h))
        painter.drawRect(rect)
