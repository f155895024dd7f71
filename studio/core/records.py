"""What a run reports, defined once: the epoch report, curve rows and metric names.

The engine yields :class:`EpochReport`, the file layer writes :class:`CurveRow`, and the GUI
and the CSV files name their columns from :data:`METRICS` — so a metric is added in one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

__all__ = ["CSV_COLUMNS", "METRICS", "METRIC_LABELS", "CurveRow", "EpochReport"]

#: The per-epoch metrics every run reports, in the order of the CSV columns.
METRICS = ("train_loss", "test_loss", "train_acc", "test_acc")
#: How people read them (plots, tables, tooltips).
METRIC_LABELS = {"train_loss": "Train loss", "test_loss": "Test loss",
                 "train_acc": "Train accuracy", "test_acc": "Test accuracy"}
#: Columns of a curves CSV file.
CSV_COLUMNS = ("epoch", *METRICS, "elapsed_s")


@dataclass(frozen=True, eq=False)
class EpochReport:
    """What happened in one epoch.

    Attributes
    ----------
    epoch : int
        1-based epoch number.
    train_loss, test_loss : float
        The criterion's mean over the whole train/test set, from an evaluation pass after the
        epoch's updates (for MSE the mean over all N×2 outputs, as ``torch.nn.MSELoss``).
    train_acc, test_acc : float
        Fraction of points whose arg-max output is the label, in [0, 1].
    elapsed_s : float
        Wall time spent training and evaluating so far (time the consumer was not pulling is
        excluded, so pausing does not distort it).
    steps : int
        Optimiser steps so far.
    steps_per_s : float
        ``steps / elapsed_s``.
    grid : numpy.ndarray or None
        ``(grid_size, grid_size)`` float32 P(class 1) over the data's extent ([0, 1]² for the
        generated sets; row = y, see :func:`~studio.core.evaluation.predict_grid`),
        read-only; ``None`` when not computed or when there are more than two classes.
    diverged : bool
        The loss became NaN or infinite; the run stops after this report.
    message : str
        Human-readable note, set when ``diverged``.
    class_grid, confidence_grid : numpy.ndarray or None
        With ``grid``, for any number of classes: ``(grid_size, grid_size)`` uint8 arg-max
        class and float32 its softmax probability, read-only
        (:func:`~studio.core.evaluation.predict_classes_on_grid`).
    """

    epoch: int
    train_loss: float
    test_loss: float
    train_acc: float
    test_acc: float
    elapsed_s: float
    steps: int
    steps_per_s: float
    grid: np.ndarray | None
    diverged: bool = False
    message: str = ""
    class_grid: np.ndarray | None = None
    confidence_grid: np.ndarray | None = None

    def __eq__(self, other: object) -> bool:
        # Field-wise, with grids compared by value (the dataclass default would ask numpy for
        # the truth value of an array). NaN losses compare equal so diverged runs can match.
        if not isinstance(other, EpochReport):
            return NotImplemented
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                if a is None or b is None or not np.array_equal(a, b, equal_nan=True):
                    return False
            elif a != b and not (isinstance(a, float) and math.isnan(a) and math.isnan(b)):
                return False
        return True

    __hash__ = None  # type: ignore[assignment]  # holds an array: not hashable


@dataclass(frozen=True)
class CurveRow:
    """One row of a curves CSV: an epoch's metrics without the grid."""

    epoch: int
    train_loss: float
    test_loss: float
    train_acc: float
    test_acc: float
    elapsed_s: float
