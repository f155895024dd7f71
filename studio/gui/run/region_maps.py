"""What the decision region shows, computed without widgets: wrong points, the legend text.

Kept apart from :mod:`studio.gui.run.region` so the view reads as its items and slots.
"""

from __future__ import annotations

import numpy as np

from studio.core.spec import DataSpec
from studio.gui import style

__all__ = ["class_names", "legend_html", "misclassified", "misclassified_classes", "to_unit"]


def to_unit(points: np.ndarray, extent: tuple[float, float, float, float]) -> np.ndarray:
    """``(N, 2)`` points in ``extent`` -> the grid's unit square frame."""
    x0, x1, y0, y1 = extent
    return (points - np.array([x0, y0])) / np.array([x1 - x0, y1 - y0])


def misclassified(grid: np.ndarray, points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Which ``points`` the grid puts on the wrong side of 0.5.

    Parameters
    ----------
    grid : numpy.ndarray
        ``(n, n)`` P(class 1), row-major with row = y, pixel centres at ``(k + 0.5) / n``.
    points : numpy.ndarray
        ``(N, 2)`` points in the grid's unit frame (:func:`to_unit`).
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


def misclassified_classes(classes: np.ndarray, points: np.ndarray,
                          labels: np.ndarray) -> np.ndarray:
    """Which ``points`` (unit frame) lie on a pixel of ``classes`` (``(n, n)`` arg-max grid)
    of another class: the nearest pixel, since classes cannot be interpolated."""
    n = classes.shape[0]
    ij = np.clip((points * n).astype(np.intp), 0, n - 1)
    return classes[ij[:, 1], ij[:, 0]] != labels


def class_names(data: DataSpec) -> tuple[str, ...]:
    """The names the legend shows: the data's own (an imported file's labels) or
    ``class 0``, ``class 1``..."""
    return data.class_names or tuple(f"class {i}" for i in range(data.classes))


def legend_html(data: DataSpec, has_boundary: bool) -> str:
    """The legend under the region: one coloured dot per class, the point symbols, the rings
    and the true boundary where the set has one."""
    dot = "<span style='color:{}'>{}</span>&nbsp;"

    def unbreakable(text: str) -> str:
        # Each entry is unbreakable; the legend wraps between entries only.
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(" ", "&nbsp;")

    entries = [f"{dot.format(style.CLASS_COLORS[i], '●')}{unbreakable(name)}"
               for i, name in enumerate(class_names(data))]
    entries += ["●&nbsp;train", "◆&nbsp;test",
                f"{dot.format(style.MISCLASSIFIED_COLOR, '○')}misclassified&nbsp;test"]
    if has_boundary:
        what = "disk" if data.name == "disk" else "boundary"
        entries.append(f"-&nbsp;-&nbsp;true&nbsp;{what}")
    return " &nbsp; ".join(entries)
