"""The training loop: one generator used by the GUI worker, the CLI and the tests.

:func:`train` yields one frozen :class:`EpochReport` per epoch. The consumer drives it:
pausing is not pulling, single-stepping is pulling once, stopping is setting the event.
Only frozen data (floats and a read-only numpy grid) leaves the generator, so a report can
be handed to another thread as is.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, fields

import numpy as np
import torch

import minidl
import minidl.data

from .build import (
    Dataset,
    build_loss,
    build_model,
    build_optimizer,
    make_data,
    targets_for,
    torch_dtype,
)
from .spec import RunSpec

__all__ = ["EpochReport", "evaluate", "grid_points", "predict_grid", "train"]

# Evaluation runs over the full sets in chunks of this many points, which bounds the memory
# of the activations for the 1M-point sets the spec allows, and is one chunk for the usual 1000.
_EVAL_CHUNK = 65_536


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
        Wall time spent inside the generator so far (time the consumer was not pulling is
        excluded, so pausing does not distort it).
    steps : int
        Optimiser steps so far.
    steps_per_s : float
        ``steps / elapsed_s``.
    grid : numpy.ndarray or None
        ``(grid_size, grid_size)`` float32 P(class 1) over [0, 1]² (row = y, see
        :func:`predict_grid`), read-only; ``None`` when not computed this epoch.
    diverged : bool
        The loss became NaN or infinite; the generator stops after this report.
    message : str
        Human-readable note, set when ``diverged``.
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


def grid_points(size: int, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """Standardised ``(size*size, 2)`` pixel centres of [0, 1]², row-major with row = y."""
    centres = (torch.arange(size, dtype=torch.float64) + 0.5) / size
    ys, xs = torch.meshgrid(centres, centres, indexing="ij")
    points = torch.stack((xs.reshape(-1), ys.reshape(-1)), 1)
    return (points.to(device=mean.device, dtype=mean.dtype) - mean) / std


def _predict(model: minidl.Module, inputs: torch.Tensor, size: int) -> np.ndarray:
    was_training = model.training
    model.eval()  # eval mode: activations skip caching derivatives nobody will use
    try:
        out = model(inputs)
    finally:
        model.train(was_training)
    # softmax(o)[1] == sigmoid(o1 - o0): P(class 1) for CE; for MSE a score whose 0.5 contour
    # is still the decision boundary.
    prob = torch.sigmoid(out[:, 1] - out[:, 0]).to(device="cpu", dtype=torch.float32)
    grid = prob.numpy().reshape(size, size).copy()
    grid.flags.writeable = False
    return grid


def predict_grid(model: minidl.Module, dataset_mean: torch.Tensor, dataset_std: torch.Tensor,
                 size: int) -> np.ndarray:
    """P(class 1) at the centres of a ``size`` × ``size`` grid over [0, 1]².

    Parameters
    ----------
    model : minidl.Module
        Maps ``(N, 2)`` standardised points to ``(N, 2)`` outputs.
    dataset_mean, dataset_std : torch.Tensor
        ``(2,)`` standardisation of the training set (:class:`~studio.core.build.Dataset`),
        on the model's device and dtype.
    size : int
        Pixels per side.

    Returns
    -------
    numpy.ndarray
        ``(size, size)`` float32, read-only; ``grid[i, j]`` is at
        ``x = (j + 0.5) / size``, ``y = (i + 0.5) / size`` (row-major, row = y).
    """
    with torch.no_grad():
        return _predict(model, grid_points(size, dataset_mean, dataset_std), size)


def evaluate(model: minidl.Module, loss_fn: minidl.Module, x: torch.Tensor,
              target: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (mean loss, number correct) as 0-d float64 tensors: no device sync here."""
    n = x.shape[0]
    loss_sum = x.new_zeros(())
    correct = torch.zeros((), dtype=torch.int64, device=x.device)
    for start in range(0, n, _EVAL_CHUNK):
        xb, tb, yb = (t[start:start + _EVAL_CHUNK] for t in (x, target, y))
        out = model(xb)
        loss_sum += loss_fn(out, tb) * xb.shape[0]
        correct += (out.argmax(1) == yb).sum()
    return (loss_sum / n).double(), correct.double()


def train(spec: RunSpec, *, stop: threading.Event | None = None, grid_size: int = 64,
          grid_every: int = 1, model: minidl.Module | None = None,
          grid_interval_s: float | None = None,
          data: Dataset | None = None) -> Iterator[EpochReport]:
    """Train ``spec`` and yield an :class:`EpochReport` after every epoch.

    Parameters
    ----------
    spec : RunSpec
        What to train. Model, data and optimiser are built here (eagerly, so a bad device
        raises :class:`~studio.core.spec.SpecError` at the call, not at the first pull).
    stop : threading.Event, optional
        Checked before every batch; when set, the generator returns without a report for
        the unfinished epoch.
    grid_size : int
        Side of the decision grid (:func:`predict_grid`).
    grid_every : int
        Compute the grid every this many epochs and on the last epoch; 0 never.
    model : minidl.Module, optional
        Train this model (moved to the spec's device and dtype) instead of a fresh one.
    data : Dataset, optional
        The data of ``spec`` (``make_data(spec.data, spec.dtype, spec.device)``) when the
        caller already has it, e.g. to draw grids of its own with the same standardisation.
    grid_interval_s : float, optional
        Also skip a due grid (``grid_every``) unless this many seconds of ``elapsed_s`` passed
        since the last one; the first grid and the last epoch's are never skipped. For live
        views: on small networks the grid can cost as much as the epoch's training.

    Yields
    ------
    EpochReport
        One per epoch; after a ``diverged`` report (NaN/inf loss) the generator returns.
    """
    if grid_size < 1:
        raise ValueError(f"grid_size must be >= 1, got {grid_size}")
    if grid_every < 0:
        raise ValueError(f"grid_every must be >= 0, got {grid_every}")
    if grid_interval_s is not None and not grid_interval_s >= 0:
        raise ValueError(f"grid_interval_s must be >= 0, got {grid_interval_s}")
    dtype = torch_dtype(spec.dtype)
    if data is None:
        data = make_data(spec.data, dtype, spec.device)
    if model is None:
        model = build_model(spec)
    else:
        model.to(device=data.x_train.device, dtype=dtype)
    return _run(spec, model, data, stop, grid_size, grid_every, grid_interval_s or 0.0)


# The decorator form of no_grad re-enters it around every resume of the generator, in the
# thread that resumes it: grad mode is thread-local, and a `with` block spanning the yields
# would leave the consumer's thread in no-grad mode between pulls.
@torch.no_grad()
def _run(spec: RunSpec, model: minidl.Module, data, stop: threading.Event | None,
         grid_size: int, grid_every: int, grid_interval_s: float) -> Iterator[EpochReport]:
    loss_fn = build_loss(spec)
    optimizer = build_optimizer(spec, model.parameters())
    dtype = data.x_train.dtype
    t_train = targets_for(spec.loss, data.y_train, dtype)
    t_test = targets_for(spec.loss, data.y_test, dtype)
    batches = minidl.data.BatchIterator(data.x_train, t_train, spec.batch_size, seed=spec.seed)
    grid_inputs = grid_points(grid_size, data.mean, data.std) if grid_every else None
    # Bound methods hoisted out of the hot loop.
    zero_grad, step, forward, backward = (optimizer.zero_grad, optimizer.step, model.forward,
                                          model.backward)
    loss_backward = loss_fn.backward
    is_stopped = stop.is_set if stop is not None else (lambda: False)
    steps_per_epoch = len(batches)
    n_train, n_test = data.x_train.shape[0], data.x_test.shape[0]
    steps, elapsed = 0, 0.0
    last_grid_at = -math.inf  # elapsed_s of the last grid: the first due grid is never skipped
    model.train()
    for epoch in range(1, spec.epochs + 1):
        start = time.perf_counter()
        for xb, tb in batches:
            if is_stopped():
                return
            zero_grad()
            loss_fn(forward(xb), tb)
            backward(loss_backward())
            step()
        steps += steps_per_epoch
        model.eval()
        train_loss, train_ok = evaluate(model, loss_fn, data.x_train, t_train, data.y_train)
        test_loss, test_ok = evaluate(model, loss_fn, data.x_test, t_test, data.y_test)
        model.train()
        # One device sync per epoch for all four numbers.
        train_loss, test_loss, train_ok, test_ok = torch.stack(
            (train_loss, test_loss, train_ok, test_ok)).tolist()
        train_acc, test_acc = train_ok / n_train, test_ok / n_test
        diverged = not (math.isfinite(train_loss) and math.isfinite(test_loss))
        grid = None
        if grid_inputs is not None and not diverged:
            now = elapsed + time.perf_counter() - start
            if epoch == spec.epochs or (epoch % grid_every == 0
                                        and now - last_grid_at >= grid_interval_s):
                grid = _predict(model, grid_inputs, grid_size)
                last_grid_at = now
        elapsed += time.perf_counter() - start
        message = ""
        if diverged:
            bad = train_loss if not math.isfinite(train_loss) else test_loss
            message = (f"Loss became {bad} at epoch {epoch}: lower the learning rate "
                       f"(now {spec.optimizer.lr:g}).")
        yield EpochReport(epoch=epoch, train_loss=train_loss, test_loss=test_loss,
                          train_acc=train_acc, test_acc=test_acc, elapsed_s=elapsed,
                          steps=steps, steps_per_s=steps / elapsed if elapsed > 0 else 0.0,
                          grid=grid, diverged=diverged, message=message)
        if diverged:
            return
