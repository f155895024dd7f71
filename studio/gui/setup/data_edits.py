"""Edits of a spec's data, as pure functions of frozen specs (no Qt).

The settings panel, File > Import data and the draw mode change the data through these, then
hand the new spec to :meth:`SpecModel.edit`, so each change is one undo step and a saved file
holds exactly what is shown.
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np

from studio.core.build import EXTENT_MARGIN, make_data
from studio.core.limits import CUSTOM_DATA, MULTICLASS_DATASETS
from studio.core.points_data import PointsData, data_extent
from studio.core.spec import DataSpec, RunSpec

__all__ = ["add_point", "clear_points", "data_points", "erase_points", "with_dataset",
           "with_points"]


def with_dataset(spec: RunSpec, name: str) -> RunSpec:
    """``spec`` training on generated set ``name``: inline points and names are dropped and
    disk and XOR go back to two classes (in the same undo step as the choice)."""
    classes = spec.data.classes if name in MULTICLASS_DATASETS else 2
    return dataclasses.replace(spec, data=dataclasses.replace(
        spec.data, name=name, classes=classes, points=(), class_names=()))


def with_points(spec: RunSpec, points: PointsData) -> RunSpec:
    """``spec`` training on ``points`` (an imported file), inline as ``"custom"`` data."""
    return dataclasses.replace(spec, data=points.to_spec(spec.data))


def _custom(data: DataSpec) -> DataSpec:
    # Drawing on a generated set starts an empty canvas of the same number of classes; the
    # features, seeds and test fraction stay.
    if data.name == CUSTOM_DATA:
        return data
    return dataclasses.replace(data, name=CUSTOM_DATA, points=(), class_names=())


def add_point(spec: RunSpec, x: float, y: float, label: int) -> RunSpec:
    """``spec`` with the point ``(x, y)`` of class ``label`` added to its custom data.

    Points without a split are split by the core (seeded, ``data.test_fraction``). When the
    points carry a split (an imported file had one), the new point gets one too: test with
    probability ``test_fraction``, drawn from a generator seeded by the data seed and the
    point's index, so the same drawing always gives the same split.
    """
    data = _custom(spec.data)
    point: tuple = (float(x), float(y), int(label))
    if data.points and len(data.points[0]) == 4:
        rng = random.Random(data.seed * 1_000_003 + len(data.points))
        point += ("test" if rng.random() < data.test_fraction else "train",)
    return dataclasses.replace(spec, data=dataclasses.replace(
        data, points=(*data.points, point)))


def erase_points(spec: RunSpec, x: float, y: float, radius: float) -> RunSpec:
    """``spec`` without the custom points within ``radius`` of ``(x, y)`` (unchanged when
    there are none, or when the data are generated)."""
    data = spec.data
    if data.name != CUSTOM_DATA or not data.points:
        return spec
    kept = tuple(p for p in data.points if (p[0] - x) ** 2 + (p[1] - y) ** 2 > radius ** 2)
    if len(kept) == len(data.points):
        return spec
    return dataclasses.replace(spec, data=dataclasses.replace(data, points=kept))


def clear_points(spec: RunSpec) -> RunSpec:
    """``spec`` with an empty custom data set (its classes, features and seeds kept)."""
    return dataclasses.replace(spec, data=dataclasses.replace(_custom(spec.data), points=()))


def data_points(data: DataSpec) -> tuple[PointsData, tuple[float, float, float, float]]:
    """The points of ``data`` with a split, and the rectangle the views show.

    A set the core can build (every generated set; custom points with at least one training
    and one test point) comes with its real split and ``Dataset.extent``. Custom points it
    cannot train on yet (a drawing just begun) are returned unsplit (``split`` None) over
    their bounding square, or the unit square when there are none.
    """
    try:
        dataset = make_data(data, "float64", "cpu")
    except ValueError:  # SpecError: too few custom points to split or train
        points = PointsData.from_spec(data)
        if len(points.x) == 0:
            return points, (0.0, 1.0, 0.0, 1.0)
        return dataclasses.replace(points, split=None), data_extent(points.x, EXTENT_MARGIN)
    x = np.concatenate((dataset.raw_train.numpy(), dataset.raw_test.numpy()))
    labels = np.concatenate((dataset.y_train.cpu().numpy(), dataset.y_test.cpu().numpy()))
    split = np.arange(len(x)) >= len(dataset.raw_train)
    names = data.class_names or tuple(str(i) for i in range(data.classes))
    for array in (x, labels, split):
        array.flags.writeable = False
    return PointsData(x=x, labels=labels, class_names=names, split=split), dataset.extent
