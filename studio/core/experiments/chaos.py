"""Explain chaos: how fast a tiny difference between two runs grows, and a butterfly run.

Two runs that should be equal (minidl and its torch.nn twin, float64) drift apart from
rounding level; with a large step size the drift grows exponentially until the networks
disagree on a visible part of the map. :func:`fit_drift_growth` measures that growth;
:func:`butterfly_run` shows the same growth with torch.nn out of the picture: two minidl runs,
one with a single weight moved by one ulp.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..session import Session
from ..spec import RunSpec

__all__ = ["DriftFit", "DriftPoint", "butterfly_run", "fit_drift_growth"]


@dataclass(frozen=True)
class DriftFit:
    """Exponential growth ``d(e) ≈ d0 · exp(rate · e)`` fitted to the drift.

    Attributes
    ----------
    rate : float
        Natural-log growth per epoch (NaN with fewer than two usable points).
    factor : float
        ``exp(rate)``: the drift is multiplied by this each epoch.
    doubling_epochs : float
        ``ln 2 / rate`` (inf when the drift does not grow).
    n_points : int
        Epochs used by the fit.
    sentence : str
        What it means, for the status line.
    """

    rate: float
    factor: float
    doubling_epochs: float
    n_points: int
    sentence: str


def fit_drift_growth(epochs: Sequence[float], max_abs_weight_diff: Sequence[float], *,
                     saturation: float = 1e-2) -> DriftFit:
    """Least-squares line through ``log(drift)`` against the epoch, on the positive part.

    Epochs with zero drift carry no logarithm and are left out; so is everything after the
    drift first reaches ``saturation`` (the networks are then simply different and the drift
    stops growing exponentially, which would bias the rate down).
    """
    e = np.asarray(epochs, dtype=float)
    d = np.asarray(max_abs_weight_diff, dtype=float)
    saturated = np.flatnonzero(d >= saturation)
    if len(saturated):
        e, d = e[:saturated[0] + 1], d[:saturated[0] + 1]
    keep = np.isfinite(d) & (d > 0)
    e, d = e[keep], d[keep]
    if len(e) < 2 or np.ptp(e) == 0:
        return DriftFit(math.nan, math.nan, math.nan, len(e),
                        "Too few epochs with a nonzero difference to fit a growth rate.")
    rate = float(np.polyfit(e, np.log(d), 1)[0])
    factor = math.exp(rate)
    if rate <= 1e-3:
        return DriftFit(rate, factor, math.inf, len(e),
                        f"The difference does not grow (×{factor:.3g} per epoch): the runs "
                        "stay together and what differs is rounding noise.")
    doubling = math.log(2.0) / rate
    span = math.log(max(saturation / d[0], 1.0)) / rate
    return DriftFit(rate, factor, doubling, len(e), (
        f"The difference grows ×{factor:.3g} per epoch (doubling every {doubling:.3g} epochs) "
        f"from {d[0]:.1e}: this training is chaotic. Any change at rounding level, one ulp or "
        f"another summation order, grows to a visibly different network in about "
        f"{span:.0f} epochs. Neither run is wrong; the dynamics amplify the difference."))


@dataclass(frozen=True)
class DriftPoint:
    """After ``epoch`` epochs: the largest weight difference and the share of a
    ``grid_size``² map of [0, 1]² where the two runs predict different classes."""

    epoch: int
    max_abs_weight_diff: float
    map_disagreement: float


def _drift(a: Session, b: Session, grid_size: int, epoch: int) -> DriftPoint:
    wa, wb = a.model.state_dict(), b.model.state_dict()
    diff = max(float((wa[k] - wb[k]).abs().max()) for k in wa)
    pa, pb = a.predict_grid(grid_size), b.predict_grid(grid_size)
    return DriftPoint(epoch, diff, float(np.mean((pa > 0.5) != (pb > 0.5))))


def butterfly_run(spec: RunSpec, epochs: int | None = None,
                  stop: threading.Event | None = None, *,
                  grid_size: int = 32) -> Iterator[DriftPoint]:
    """Train two minidl sessions of ``spec`` side by side, the second with its first weight
    moved by one ulp (``torch.nextafter`` towards +inf); yield their drift.

    Yields
    ------
    DriftPoint
        Epoch 0 (the nudge itself), then one per epoch up to ``epochs`` (default
        ``spec.epochs``); ends early when ``stop`` is set or either run diverges.
    """
    a = Session(spec)
    b = Session(spec, data=a.data)  # the same data object: only the nudge differs
    with torch.no_grad():
        first = next(iter(b.model.parameters())).data.view(-1)
        first[0] = torch.nextafter(first[0], torch.tensor(math.inf, dtype=first.dtype))
    yield _drift(a, b, grid_size, 0)
    until = spec.epochs if epochs is None else epochs
    for ra, rb in zip(a.run(until, stop=stop, grid_every=0),
                      b.run(until, stop=stop, grid_every=0), strict=False):
        yield _drift(a, b, grid_size, ra.epoch)
        if ra.diverged or rb.diverged:
            return
