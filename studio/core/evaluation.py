"""Questions asked of a model without training it: metrics over a set, the decision grid.

Used by :class:`~studio.core.session.Session` and by its torch.nn twin alike, so minidl and
torch.nn are always measured by the same code. Long evaluations check a stop flag between
chunks: stopping a run never waits for a whole pass over a large set.
"""

from __future__ import annotations

import threading

import numpy as np
import torch

__all__ = ["EVAL_CHUNK", "RunStopped", "evaluate", "grid_points", "predict_grid",
           "predict_on_grid"]

#: Evaluation runs over the full sets in chunks of this many points, which bounds the memory
#: of the activations for the 1M-point sets the spec allows, and is one chunk for the usual 1000.
EVAL_CHUNK = 65_536


class RunStopped(Exception):  # noqa: N818 - a signal, not an error the user sees
    """Raised inside a run when its stop flag is set; the run ends without a report."""


def grid_points(size: int, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """Standardised ``(size*size, 2)`` pixel centres of [0, 1]², row-major with row = y."""
    centres = (torch.arange(size, dtype=torch.float64) + 0.5) / size
    ys, xs = torch.meshgrid(centres, centres, indexing="ij")
    points = torch.stack((xs.reshape(-1), ys.reshape(-1)), 1)
    return (points.to(device=mean.device, dtype=mean.dtype) - mean) / std


def predict_on_grid(model, inputs: torch.Tensor, size: int) -> np.ndarray:
    """P(class 1) of ``model`` at ``inputs`` (from :func:`grid_points`) as a read-only grid."""
    was_training = model.training
    model.eval()  # eval mode: minidl's activations skip caching derivatives nobody will use
    try:
        with torch.no_grad():
            out = model(inputs)
    finally:
        model.train(was_training)
    # softmax(o)[1] == sigmoid(o1 - o0): P(class 1) for CE; for MSE a score whose 0.5 contour
    # is still the decision boundary.
    prob = torch.sigmoid(out[:, 1] - out[:, 0]).to(device="cpu", dtype=torch.float32)
    grid = prob.numpy().reshape(size, size).copy()
    grid.flags.writeable = False
    return grid


def predict_grid(model, dataset_mean: torch.Tensor, dataset_std: torch.Tensor,
                 size: int) -> np.ndarray:
    """P(class 1) at the centres of a ``size`` × ``size`` grid over [0, 1]².

    Parameters
    ----------
    model : minidl.Module or torch.nn.Module
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
    return predict_on_grid(model, grid_points(size, dataset_mean, dataset_std), size)


def evaluate(model, loss_fn, x: torch.Tensor, target: torch.Tensor, y: torch.Tensor,
             stop: threading.Event | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (mean loss, number correct) as 0-d float64 tensors: no device sync here.

    Raises
    ------
    RunStopped
        ``stop`` was set before a chunk.
    """
    n = x.shape[0]
    loss_sum = x.new_zeros(())
    correct = torch.zeros((), dtype=torch.int64, device=x.device)
    with torch.no_grad():
        for start in range(0, n, EVAL_CHUNK):
            if stop is not None and stop.is_set():
                raise RunStopped
            xb, tb, yb = (t[start:start + EVAL_CHUNK] for t in (x, target, y))
            out = model(xb)
            loss_sum += loss_fn(out, tb) * xb.shape[0]
            correct += (out.argmax(1) == yb).sum()
    return (loss_sum / n).double(), correct.double()
