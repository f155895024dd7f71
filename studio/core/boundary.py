"""The true class boundary of a generated set, where it is known exactly, for the views.

The disk's is its circle and XOR's the two lines through the centre; the Gaussian and spiral
sets (and drawn or imported data) have no exact boundary, and get none.
"""

from __future__ import annotations

import math

import numpy as np

from minidl.data import DISK_RADIUS

__all__ = ["true_boundary"]


def _frozen(points: np.ndarray) -> np.ndarray:
    points.flags.writeable = False
    return points


def true_boundary(name: str, segments: int = 180) -> tuple[np.ndarray, ...]:
    """Polylines of the true boundary of data set ``name`` in plane coordinates.

    Parameters
    ----------
    name : str
        A ``DataSpec.name``.
    segments : int
        Segments of the disk's circle.

    Returns
    -------
    tuple of numpy.ndarray
        Each ``(M, 2)`` float64, read-only, a polyline to draw as is (the circle is closed:
        its last point is its first). Empty when the set has no known boundary.
    """
    if name == "disk":
        angle = np.linspace(0.0, 2.0 * math.pi, segments + 1)
        circle = np.stack((0.5 + DISK_RADIUS * np.cos(angle), 0.5 + DISK_RADIUS * np.sin(angle)), 1)
        circle[-1] = circle[0]  # closed exactly (sin 2π is not 0 in floating point)
        return (_frozen(circle),)
    if name == "xor":
        return (_frozen(np.array([[0.5, 0.0], [0.5, 1.0]])),
                _frozen(np.array([[0.0, 0.5], [1.0, 0.5]])))
    return ()
