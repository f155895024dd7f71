"""Labelled points as plain data: what a CSV import gives and an export writes.

:class:`PointsData` is frozen with read-only arrays, so it can cross threads to the views
(the import dialog, the draw mode); :class:`CsvDataError` says where a file is wrong.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from .limits import CUSTOM_DATA
from .spec import DataSpec

__all__ = ["CsvDataError", "PointsData", "data_extent"]


class CsvDataError(ValueError):
    """A points file that cannot be used; ``str(error)`` names the file, line and column.

    Attributes
    ----------
    path : str
        The file.
    line, column : int or None
        1-based position of the problem (None: the file as a whole, e.g. too big).
    message : str
        What is wrong, without the position.
    """

    def __init__(self, path: str, line: int | None, column: int | None, message: str) -> None:
        self.path, self.line, self.column, self.message = path, line, column, message
        where = "" if line is None else f", line {line}" + (
            "" if column is None else f", column {column}")
        super().__init__(f"{path}{where}: {message}")


def data_extent(x: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """``(x0, x1, y0, y1)``: the bounding square of ``(N, 2)`` points, widened by ``margin``
    of its side on each side (a unit square around a single point)."""
    lo, hi = x.min(0), x.max(0)
    half = max(float((hi - lo).max()) / 2.0, 0.0) or 0.5
    cx, cy = (lo + hi) / 2.0
    pad = half * (1.0 + 2.0 * margin)
    return (float(cx) - pad, float(cx) + pad, float(cy) - pad, float(cy) + pad)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class PointsData:
    """Labelled points, as read from or written to a CSV file. Read-only arrays.

    Attributes
    ----------
    x : numpy.ndarray
        ``(N, 2)`` float64 coordinates.
    labels : numpy.ndarray
        ``(N,)`` int64 classes ``0..k-1``.
    class_names : tuple of str
        ``k`` names, the file's labels (``"0"``, ``"1"``... for integer labels).
    split : numpy.ndarray or None
        ``(N,)`` bool, True for test points; None: the spec's seeded ``test_fraction`` splits.
    """

    x: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    split: np.ndarray | None = None

    @property
    def classes(self) -> int:
        """Number of classes ``k``."""
        return len(self.class_names)

    def extent(self, margin: float = 0.1) -> tuple[float, float, float, float]:
        """The view rectangle (see :func:`data_extent`)."""
        return data_extent(self.x, margin)

    def to_spec(self, base: DataSpec | None = None) -> DataSpec:
        """``base`` (default ``DataSpec()``) holding these points inline as ``"custom"`` data."""
        split = self.split
        points = tuple((float(x), float(y), int(c)) + (() if split is None else
                                                       ("test" if s else "train",))
                       for (x, y), c, s in zip(self.x, self.labels,
                                               split if split is not None else self.labels,
                                               strict=True))
        default = self.class_names == tuple(str(i) for i in range(self.classes))
        return dataclasses.replace(base or DataSpec(), name=CUSTOM_DATA, classes=self.classes,
                                   points=points, class_names=() if default else
                                   self.class_names)

    @classmethod
    def from_spec(cls, spec: DataSpec) -> PointsData:
        """The inline points of a ``"custom"`` data spec (for drawing or exporting them)."""
        rows = spec.points
        names = spec.class_names or tuple(str(i) for i in range(spec.classes))
        has_split = bool(rows) and len(rows[0]) == 4
        return cls(x=_frozen(np.array([r[:2] for r in rows], dtype=np.float64).reshape(-1, 2)),
                   labels=_frozen(np.array([r[2] for r in rows], dtype=np.int64)),
                   class_names=names,
                   split=_frozen(np.array([r[3] == "test" for r in rows])) if has_split
                   else None)
