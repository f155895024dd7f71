"""Questions asked of a model without training it: metrics over a set, the decision grid.

Used by :class:`~studio.core.session.Session` and by its torch.nn twin alike, so minidl and
torch.nn are always measured by the same code. Long evaluations check a stop flag between
chunks: stopping a run never waits for a whole pass over a large set.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

from .features import grid_points
from .snapshot import frozen_array

__all__ = ["EVAL_CHUNK", "GRID_SIZE", "RunStopped", "epoch_metrics", "evaluate", "grid_points",
           "grid_predictions", "inference", "layer_outputs", "predict_classes_on_grid",
           "predict_grid", "predict_on_grid"]

#: Evaluation runs over the full sets in chunks of this many points, which bounds the memory
#: of the activations for the 1M-point sets the spec allows, and is one chunk for the usual 1000.
EVAL_CHUNK = 65_536
#: Side of the decision grid by default (the GUI's): 64 × 64 points, evaluated in one pass.
GRID_SIZE = 64


class RunStopped(Exception):  # noqa: N818 - a signal, not an error the user sees
    """Raised inside a run when its stop flag is set; the run ends without a report."""


@contextmanager
def inference(model) -> Iterator[None]:
    """``model`` in eval mode under ``torch.no_grad()``, back in the mode it was in after.

    Eval mode: minidl's activations skip caching derivatives nobody will use.
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        model.train(was_training)


def _outputs(model, inputs: torch.Tensor) -> torch.Tensor:
    with inference(model):
        return model(inputs)


def _grid(values: torch.Tensor, size: int, dtype: torch.dtype) -> np.ndarray:
    return frozen_array(values, dtype).reshape(size, size)  # a view: read-only too


def _p1(out: torch.Tensor, size: int) -> np.ndarray:
    # softmax(o)[1] == sigmoid(o1 - o0): P(class 1) for CE; for MSE a score whose 0.5 contour
    # is still the decision boundary.
    return _grid(torch.sigmoid(out[:, 1] - out[:, 0]), size, torch.float32)


def _classes(out: torch.Tensor, size: int) -> tuple[np.ndarray, np.ndarray]:
    # The softmax's largest value: the CE model's probability of its answer; for MSE outputs
    # a score in (1/k, 1] that still ranks how clear the answer is.
    conf, cls = torch.softmax(out.double(), 1).max(1)
    return _grid(cls, size, torch.uint8), _grid(conf, size, torch.float32)


def predict_on_grid(model, inputs: torch.Tensor, size: int) -> np.ndarray:
    """P(class 1) of ``model`` at ``inputs`` (from :func:`grid_points`) as a read-only grid."""
    return _p1(_outputs(model, inputs), size)


def predict_classes_on_grid(model, inputs: torch.Tensor,
                            size: int) -> tuple[np.ndarray, np.ndarray]:
    """The predicted class and its confidence at ``inputs`` (from :func:`grid_points`).

    Returns
    -------
    classes : numpy.ndarray
        ``(size, size)`` uint8 arg-max class, read-only, row-major with row = y.
    confidence : numpy.ndarray
        ``(size, size)`` float32 largest softmax probability, in ``[1/k, 1]``, read-only.
    """
    return _classes(_outputs(model, inputs), size)


def grid_predictions(model, inputs: torch.Tensor, size: int
                     ) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """One forward pass, every grid: ``(P(class 1) or None when k > 2, classes, confidence)``."""
    out = _outputs(model, inputs)
    return (_p1(out, size) if out.shape[1] == 2 else None, *_classes(out, size))


def predict_grid(model, dataset_mean: torch.Tensor, dataset_std: torch.Tensor,
                 size: int) -> np.ndarray:
    """P(class 1) at the centres of a ``size`` × ``size`` grid over [0, 1]².

    Parameters
    ----------
    model : minidl.Module or torch.nn.Module
        Maps ``(N, 2)`` standardised points to ``(N, 2)`` outputs (two classes, x and y:
        other data go through :meth:`~studio.core.build.Dataset.grid_inputs`).
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


def epoch_metrics(model, loss_fn, data, t_train: torch.Tensor, t_test: torch.Tensor,
                  stop: threading.Event | None = None) -> tuple[float, float, float, float]:
    """``(train loss, test loss, train accuracy, test accuracy)`` of ``model`` on ``data``.

    The model is evaluated in eval mode (minidl's activations then skip caching derivatives
    nobody will use) and put back in the mode it was in. One device sync for all four.

    Raises
    ------
    RunStopped
        ``stop`` was set before an evaluation chunk.
    """
    with inference(model):
        train_loss, train_ok = evaluate(model, loss_fn, data.x_train, t_train, data.y_train,
                                        stop)
        test_loss, test_ok = evaluate(model, loss_fn, data.x_test, t_test, data.y_test, stop)
    train_loss, test_loss, train_ok, test_ok = torch.stack(
        (train_loss, test_loss, train_ok, test_ok)).tolist()
    return (train_loss, test_loss, train_ok / data.x_train.shape[0],
            test_ok / data.x_test.shape[0])


def layer_outputs(model, x: torch.Tensor) -> tuple[np.ndarray, ...]:
    """Each module's output for model inputs ``x``, as read-only arrays (eval mode, no grad)."""
    outputs = []
    with inference(model):
        for module in model:
            x = module(x)
            outputs.append(frozen_array(x))
    return tuple(outputs)
