"""Input features computed from a point (x, y), as in TensorFlow Playground: the one place.

``x`` and ``y`` are the raw coordinates, unchanged (the default ``("x", "y")`` is the original
input, bit for bit). The others are computed in the data set's *frame*, centred coordinates
``u = (x - cx) / h``, ``v = (y - cy) / h`` in which the set's square is [-1, 1]² (the toy
sets' frame is centre (0.5, 0.5), half-width 0.5; drawn or imported data use their bounding
square), so that x² + y² is the squared distance from the centre and a disk becomes linearly
separable:

=========  ===========
``x2``     u²
``y2``     v²
``xy``     u·v
``sin_x``  sin(π u)
``sin_y``  sin(π v)
=========  ===========

Features are computed from the raw points *before* standardisation, for the training and
test sets and for every grid the views draw alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .limits import FEATURES

__all__ = ["FEATURES", "UNIT_EXTENT", "UNIT_FRAME", "Extent", "FeatureMap", "Frame", "frame_of",
           "grid_points"]

#: ``(x0, x1, y0, y1)``: the rectangle a view shows and a grid covers.
Extent = tuple[float, float, float, float]
#: The generated sets' plane, [0, 1]².
UNIT_EXTENT: Extent = (0.0, 1.0, 0.0, 1.0)


@dataclass(frozen=True)
class Frame:
    """Where the nonlinear features are centred (``cx``, ``cy``) and scaled (``half``)."""

    cx: float = 0.5
    cy: float = 0.5
    half: float = 0.5


#: The frame of the generated sets: [0, 1]² maps to [-1, 1]².
UNIT_FRAME = Frame()


def frame_of(points: torch.Tensor) -> Frame:
    """The bounding square of ``(N, 2)`` points (half-width 0.5 when they are all one point)."""
    lo, hi = points.min(0).values.double(), points.max(0).values.double()
    half = float((hi - lo).max()) / 2.0
    centre = (lo + hi) / 2.0
    return Frame(float(centre[0]), float(centre[1]), half if half > 0.0 else 0.5)


@dataclass(frozen=True)
class FeatureMap:
    """``features`` of raw points in ``frame``: call it on an ``(N, 2)`` tensor.

    Parameters
    ----------
    features : tuple of str
        Names from :data:`~studio.core.limits.FEATURES`, in that order (as the spec stores
        them); the output has one column per name.
    frame : Frame
        The centre and scale of the nonlinear features.
    """

    features: tuple[str, ...] = ("x", "y")
    frame: Frame = UNIT_FRAME

    def __post_init__(self) -> None:
        unknown = [f for f in self.features if f not in FEATURES]
        if unknown or not self.features:
            raise ValueError(f"features must be a non-empty subset of {FEATURES}, "
                             f"got {self.features}")

    @property
    def width(self) -> int:
        """Columns of the output: the network's input width."""
        return len(self.features)

    def __call__(self, raw: torch.Tensor) -> torch.Tensor:
        """``(N, 2)`` raw points -> ``(N, width)`` features, same dtype and device.

        The default ``("x", "y")`` returns ``raw`` itself: nothing is recomputed or rounded.
        """
        if self.features == ("x", "y"):
            return raw
        x, y = raw[:, 0], raw[:, 1]
        f = self.frame
        u, v = (x - f.cx) / f.half, (y - f.cy) / f.half
        columns = {"x": lambda: x, "y": lambda: y, "x2": lambda: u * u, "y2": lambda: v * v,
                   "xy": lambda: u * v, "sin_x": lambda: torch.sin(math.pi * u),
                   "sin_y": lambda: torch.sin(math.pi * v)}
        return torch.stack([columns[name]() for name in self.features], 1)


def grid_points(size: int, mean: torch.Tensor, std: torch.Tensor,
                features: FeatureMap | None = None,
                extent: Extent = UNIT_EXTENT) -> torch.Tensor:
    """Standardised model inputs at the ``size`` × ``size`` pixel centres of ``extent``.

    Row-major with row = y: point ``i * size + j`` is at
    ``x = x0 + (j + 0.5) / size * (x1 - x0)``, ``y = y0 + (i + 0.5) / size * (y1 - y0)``.
    The points go through ``features`` (default: x and y) and are then standardised with the
    *training* ``mean`` and ``std`` (``(F,)``, on the model's device and dtype), exactly as
    the training points were. Returns ``(size * size, F)``.
    """
    centres = (torch.arange(size, dtype=torch.float64) + 0.5) / size
    x0, x1, y0, y1 = extent
    # For [0, 1]² these are exact (0 + c * 1 == c): the default grid is the original, bitwise.
    ys, xs = torch.meshgrid(y0 + (y1 - y0) * centres, x0 + (x1 - x0) * centres, indexing="ij")
    points = torch.stack((xs.reshape(-1), ys.reshape(-1)), 1)
    if features is not None:
        points = features(points)
    return (points.to(device=mean.device, dtype=mean.dtype) - mean) / std
