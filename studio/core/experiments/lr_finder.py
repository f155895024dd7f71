"""Learning-rate range test: train a copy of the run while the lr grows exponentially.

One :class:`~studio.core.session.Session` of the spec takes ``steps`` optimiser steps; before
step ``i`` the optimiser's ``param_groups[0]["lr"]`` is set to
``lr_min * (lr_max / lr_min) ** (i / (steps - 1))`` (the torch.optim way to change an lr).
After each step the loss is measured on a fixed evaluation subset of the training set (the
first ``eval_points`` points), which is less noisy than the batch loss and costs one forward
pass. The test stops when that loss stops being finite or its smoothed value exceeds
``divergence`` × the best smoothed loss.

Suggestion rule
---------------
The loss is smoothed with a debiased exponential moving average (``beta``; Adam's bias
correction). Over the steps from ``skip_start`` up to the minimum of the smoothed loss (that
is, before it starts to rise towards divergence) the slope ``d smoothed / d log10(lr)`` is
taken with ``numpy.gradient``; the suggested lr is the lr of the most negative slope, where
the loss falls fastest. ``None`` when fewer than three steps precede the minimum.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..evaluation import evaluate
from ..session import Session
from ..spec import RunSpec

__all__ = ["LRFinderResult", "lr_range_test", "lr_finder_csv", "suggest_lr"]


@dataclass(frozen=True, eq=False)
class LRFinderResult:
    """The range test's curve (read-only arrays, one entry per step taken).

    Attributes
    ----------
    lrs, losses, smoothed : numpy.ndarray
        ``(S,)`` the lr of each step, the loss after it, the debiased EMA of the loss.
    suggested_lr : float or None
        See the module docstring's rule.
    min_lr : float
        The lr at the minimum of the smoothed loss (an upper bound: divide by ~10).
    stopped_early : bool
        Stopped by divergence (or ``stop``) before ``steps``.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    suggested_lr: float | None
    min_lr: float
    stopped_early: bool


def suggest_lr(lrs: np.ndarray, smoothed: np.ndarray, skip_start: int = 5) -> float | None:
    """The lr of the steepest fall of ``smoothed`` before its minimum (module docstring)."""
    if len(smoothed) == 0:
        return None
    end = int(np.argmin(smoothed)) + 1
    start = min(skip_start, max(end - 3, 0))
    if end - start < 3:
        return None
    slope = np.gradient(smoothed[start:end], np.log10(lrs[start:end]))
    return float(lrs[start + int(np.argmin(slope))])


def lr_range_test(spec: RunSpec, steps: int = 300, lr_min: float = 1e-5, lr_max: float = 10.0,
                  *, beta: float = 0.98, divergence: float = 4.0, eval_points: int = 1000,
                  stop: threading.Event | None = None,
                  on_step: Callable[[int, float, float], None] | None = None) -> LRFinderResult:
    """Run the range test on a fresh session of ``spec`` (the caller's runs are untouched).

    Parameters
    ----------
    steps : int
        Optimiser steps (at least 2); epochs roll over as needed.
    lr_min, lr_max : float
        The first and the last lr, ``0 < lr_min < lr_max``.
    on_step : callable, optional
        ``on_step(step, lr, loss)`` after each step (progress).
    """
    if not isinstance(steps, int) or steps < 2:
        raise ValueError(f"steps must be a whole number >= 2, got {steps!r}")
    if not 0 < lr_min < lr_max or not math.isfinite(lr_max):
        raise ValueError(f"need 0 < lr_min < lr_max, got {lr_min} and {lr_max}")
    session = Session(spec)
    data = session.data
    n = min(eval_points, data.x_train.shape[0])
    x, t, y = data.x_train[:n], session.t_train[:n], data.y_train[:n]
    factor = (lr_max / lr_min) ** (1.0 / (steps - 1))
    lrs, losses, smoothed = [], [], []
    avg, best, in_epoch, early = 0.0, math.inf, 0, False
    for i in range(steps):
        if stop is not None and stop.is_set():
            early = True
            break
        if in_epoch == session.batches_per_epoch:  # close the epoch (an evaluation, no batch)
            for _ in session.run(until=session.epoch + 1, grid_every=0):
                pass
            in_epoch = 0
        lr = lr_min * factor**i
        session.optimizer.param_groups[0]["lr"] = lr
        session.compute_gradients()
        session.apply_update()
        in_epoch += 1
        session.model.eval()
        loss = float(evaluate(session.model, session.loss_fn, x, t, y)[0])
        session.model.train()
        if not math.isfinite(loss):
            early = True
            break
        avg = beta * avg + (1.0 - beta) * loss
        smooth = avg / (1.0 - beta ** (i + 1))
        lrs.append(lr)
        losses.append(loss)
        smoothed.append(smooth)
        if on_step is not None:
            on_step(i, lr, loss)
        best = min(best, smooth)
        if smooth > divergence * best:
            early = True
            break
    arrays = [_frozen(v) for v in (lrs, losses, smoothed)]
    min_lr = float(arrays[0][int(np.argmin(arrays[2]))]) if smoothed else math.nan
    return LRFinderResult(*arrays, suggest_lr(arrays[0], arrays[2]), min_lr, early)


def _frozen(values: list[float]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    array.flags.writeable = False  # frozen: safe to hand to a GUI thread
    return array


def lr_finder_csv(result: LRFinderResult) -> str:
    """``step,lr,loss,smoothed_loss`` rows."""
    rows = ["step,lr,loss,smoothed_loss"]
    rows += [f"{i},{lr!r},{loss!r},{s!r}" for i, (lr, loss, s) in enumerate(
        zip(result.lrs.tolist(), result.losses.tolist(), result.smoothed.tolist(), strict=True))]
    return "\n".join(rows) + "\n"
