"""Layer health, per epoch: gradient norms, update ratios, dead or saturated units, spreads.

A :class:`HealthTracker` lives in the worker thread (it is the probe: ``tracker(session,
report)``); it keeps the previous epoch's weights to measure ``‖Δw‖ / ‖w‖`` and returns a
frozen :class:`HealthSample` per call.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

import minidl

from ..evaluation import inference

__all__ = ["PERCENTILES", "HealthSample", "HealthTracker", "LayerHealth", "health_probe",
           "unit_health"]

#: The percentiles of the weight and gradient bands.
PERCENTILES = (5.0, 25.0, 50.0, 75.0, 95.0)
_QUANTILES = np.array(PERCENTILES) / 100.0
#: A unit is saturated on a point where |a| > SATURATED_OUTPUT (tanh) or f'(a) < SATURATED_SLOPE.
SATURATED_OUTPUT = 0.99
SATURATED_SLOPE = 0.01
#: Percentiles of bigger tensors come from this many evenly strided entries: a 1024x1024
#: layer's exact percentiles would cost a sort of a million values per layer per epoch.
PERCENTILE_SAMPLE = 16_384
#: Dead/saturated shares are measured on the first this many training points (all of the
#: usual 1,000); a bigger set would make the probe cost as much as the epoch.
MAX_POINTS = 1024


@dataclass(frozen=True)
class LayerHealth:
    """One linear layer (and the activation after it) at one epoch.

    Attributes
    ----------
    name : str
        ``"hidden 1"``... ``"output"``.
    activation : str
        The following activation (``"scores"`` for the output layer).
    grad_norm : float
        ``‖∇W, ∇b‖`` at the epoch's last step.
    update_ratio : float
        ``‖Δ(W, b)‖ / ‖(W, b)‖`` since the previous sample (NaN at the first).
    dead_share : float
        ReLU/LeakyReLU: share of units never positive on the training points; else NaN.
    saturated_share : float
        Tanh/Sigmoid: share of units saturated on most training points; else NaN.
    weight_pct, grad_pct : tuple of float
        The weights' and gradients' :data:`PERCENTILES`.
    """

    name: str
    activation: str
    grad_norm: float
    update_ratio: float
    dead_share: float
    saturated_share: float
    weight_pct: tuple[float, ...]
    grad_pct: tuple[float, ...]


@dataclass(frozen=True)
class HealthSample:
    """Every layer's health at ``epoch``."""

    epoch: int
    layers: tuple[LayerHealth, ...]


def _percentiles(t: torch.Tensor) -> tuple[float, ...]:
    flat = t.detach().reshape(-1)
    if flat.numel() > PERCENTILE_SAMPLE:
        flat = flat[::math.ceil(flat.numel() / PERCENTILE_SAMPLE)]
    values = np.sort(flat.to("cpu", torch.float64).numpy())
    # numpy's default (linear) percentiles from one sort: np.percentile's own overhead was
    # most of this probe's time on the seed network.
    pos = _QUANTILES * (values.size - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, values.size - 1)
    frac = pos - lo
    return tuple(float(v) for v in values[lo] + (values[hi] - values[lo]) * frac)


def unit_health(activation: minidl.Module, out: torch.Tensor) -> tuple[float, float]:
    """``(dead share, saturated share)`` of the units of ``out`` = activation(pre), (N, units).

    A ReLU/LeakyReLU unit is dead when it is never positive; a Tanh/Sigmoid unit is saturated
    when, on more than half the points, ``|a| > 0.99`` (tanh) or its slope is below 0.01.
    Other activations give NaN for both.
    """
    kind = type(activation)
    if kind in (minidl.ReLU, minidl.LeakyReLU):
        return float((~(out > 0).any(0)).double().mean()), math.nan
    if kind is minidl.Tanh:
        flat = (out.abs() > SATURATED_OUTPUT) | (1 - out * out < SATURATED_SLOPE)
    elif kind is minidl.Sigmoid:
        flat = out * (1 - out) < SATURATED_SLOPE
    else:
        return math.nan, math.nan
    return math.nan, float((flat.double().mean(0) > 0.5).double().mean())


class HealthTracker:
    """The layer-health probe: call it with ``(session, report)`` after every epoch.

    It keeps the previous call's weights to measure the update ratio, and starts over when
    handed another session or an epoch that is not later than the last one (a new run, a
    restore).

    Parameters
    ----------
    max_points : int
        Training points used for the dead/saturated shares.
    """

    def __init__(self, max_points: int = MAX_POINTS) -> None:
        self.max_points = max_points
        self._session_id: int | None = None
        self._epoch = -1
        self._previous: list[torch.Tensor] | None = None

    def __call__(self, session, report=None) -> HealthSample:
        """Measure ``session``'s model now; ``report`` (an EpochReport) gives the epoch."""
        epoch = report.epoch if report is not None else session.epoch
        if id(session) != self._session_id or epoch <= self._epoch:
            self._previous = None
        self._session_id, self._epoch = id(session), epoch
        modules = list(session.model)
        x = session.data.x_train[:self.max_points]
        pairs = []  # (linear, following activation or None, its output on x)
        with inference(session.model):
            for module in modules:
                x = module(x)
                if isinstance(module, minidl.Linear):
                    pairs.append([module, None, None])
                elif pairs and pairs[-1][1] is None:
                    pairs[-1][1], pairs[-1][2] = module, x
        current = []
        layers = []
        for k, (linear, act, out) in enumerate(pairs):
            params = [p for p in (linear.weight, linear.bias) if p is not None]
            w = torch.cat([p.data.reshape(-1) for p in params]).to(torch.float64)
            g = torch.cat([p.grad.reshape(-1) for p in params]).to(torch.float64)
            current.append(w)  # cat made a copy: the next epoch cannot change it
            ratio = math.nan
            if self._previous is not None and k < len(self._previous):
                norm = float(w.norm())
                ratio = float((w - self._previous[k]).norm()) / norm if norm > 0 else math.nan
            dead, saturated = (math.nan, math.nan) if act is None else unit_health(act, out)
            last = k == len(pairs) - 1
            kind = "scores" if last else type(act).__name__.lower() if act else "identity"
            layers.append(LayerHealth(
                name="output" if last else f"hidden {k + 1}", activation=kind,
                grad_norm=float(g.norm()), update_ratio=ratio, dead_share=dead,
                saturated_share=saturated, weight_pct=_percentiles(linear.weight.data),
                grad_pct=_percentiles(linear.weight.grad)))
        self._previous = current
        return HealthSample(epoch, tuple(layers))


def health_probe(max_points: int = MAX_POINTS) -> HealthTracker:
    """A fresh :class:`HealthTracker`, to register as an every-epoch probe."""
    return HealthTracker(max_points)
