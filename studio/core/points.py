"""Validation of inline points: the drawn or imported data a spec carries in ``data.points``.

Below :mod:`studio.core.spec` (which turns a :class:`PointError` into a ``SpecError`` naming
``data.points[i]``) so that the spec module stays about the spec's shape.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from .jsontext import describe
from .limits import CUSTOM_DATA, MAX_POINTS, MULTICLASS_DATASETS

__all__ = ["SPLITS", "Point", "PointError", "check_class_names", "check_data_extras",
           "check_points"]

#: The values of a point's optional fourth element.
SPLITS = ("train", "test")

#: ``(x, y, label)`` or ``(x, y, label, split)``.
Point = tuple


class PointError(ValueError):
    """A bad point; ``index`` is its position (None: the list as a whole).

    ``path`` is where the spec reports it, relative to ``data``: ``"points[3]"``.
    """

    def __init__(self, index: int | None, message: str, path: str = "") -> None:
        self.index = index
        self.path = path or ("points" if index is None else f"points[{index}]")
        super().__init__(message)


def _coordinate(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"coordinates must be numbers, got {describe(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"coordinates must be finite, got {value}")
    return value


def _point(raw: Any, classes: int, arity: int) -> Point:
    if not isinstance(raw, (list, tuple)) or len(raw) not in (3, 4):
        raise ValueError(f"must be [x, y, label] or [x, y, label, split], got {describe(raw)}")
    if len(raw) != arity:
        raise ValueError("every point must have a split (train/test), or none may")
    x, y = _coordinate(raw[0]), _coordinate(raw[1])
    label = raw[2]
    if isinstance(label, bool) or not isinstance(label, numbers.Integral) or not (
            0 <= label < classes):
        raise ValueError(f"label must be an integer in [0, {classes - 1}] (classes is "
                         f"{classes}), got {describe(label)}")
    if arity == 3:
        return (x, y, int(label))
    if raw[3] not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {describe(raw[3])}")
    return (x, y, int(label), str(raw[3]))


def check_points(raw: Any, classes: int) -> tuple[Point, ...]:
    """Return ``raw`` as a tuple of normalised points, or raise :class:`PointError`.

    Parameters
    ----------
    raw : sequence
        Points ``(x, y, label)`` or ``(x, y, label, split)``; all of one form. Coordinates
        are finite numbers (any range), labels integers in ``[0, classes)``, splits
        ``"train"``/``"test"``. At most :data:`~studio.core.limits.MAX_POINTS`.
    classes : int
        The number of classes.
    """
    if not isinstance(raw, (list, tuple)):
        raise PointError(None, f"must be a list of points, got {describe(raw)}")
    if len(raw) > MAX_POINTS:
        raise PointError(None, f"holds {len(raw)} points; at most {MAX_POINTS} are allowed")
    arity = len(raw[0]) if raw and isinstance(raw[0], (list, tuple)) else 3
    out = []
    for i, point in enumerate(raw):
        try:
            out.append(_point(point, classes, arity))
        except ValueError as exc:
            raise PointError(i, str(exc)) from None
    return tuple(out)


def check_class_names(raw: Any, classes: int) -> tuple[str, ...]:
    """``raw`` as a tuple of ``classes`` distinct strings (or empty: names "0", "1", ...)."""
    if not isinstance(raw, (list, tuple)) or not all(isinstance(n, str) for n in raw):
        raise ValueError(f"must be a list of strings, got {describe(raw)}")
    if raw and len(raw) != classes:
        raise ValueError(f"must name all {classes} classes or none, got {len(raw)} names")
    if len(set(raw)) != len(raw):
        raise ValueError(f"names a class twice: {list(raw)}")
    return tuple(raw)


def check_data_extras(name: str, classes: int, points: Any,
                      class_names: Any) -> tuple[tuple[Point, ...], tuple[str, ...]]:
    """The cross-field rules of a data spec: normalised ``(points, class_names)``.

    Raises
    ------
    PointError
        With ``path`` ``"classes"``, ``"points"``, ``"points[i]"`` or ``"class_names"``.
    """
    if classes != 2 and name not in (CUSTOM_DATA, *MULTICLASS_DATASETS):
        raise PointError(None, f"the {name} set has 2 classes, got {classes} (only "
                         f"{' and '.join(MULTICLASS_DATASETS)} take 2 to 8)", "classes")
    if name != CUSTOM_DATA and points:
        raise PointError(None, f"only a {CUSTOM_DATA!r} data set holds points "
                         f"(name is {name!r})")
    points = check_points(points, classes)
    try:
        return points, check_class_names(class_names, classes)
    except ValueError as exc:
        raise PointError(None, str(exc), "class_names") from None
