"""The torch.nn twin of a spec: same architecture, same initial weights, same batches.

:func:`build_torch_twin` mirrors a minidl model layer by layer with ``torch.nn`` modules and
copies the weights through the state dict (minidl uses torch's key layout).
:func:`twin_train` trains both side by side on exactly the same batches and yields a frozen
:class:`TwinReport` per epoch saying how far apart they drifted. The torch side uses autograd
(it is the reference); the minidl side never does.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

import minidl
import minidl.data

from .build import build_loss, build_model, build_optimizer, make_data, targets_for, torch_dtype
from .engine import evaluate, grid_points
from .spec import RunSpec

__all__ = ["TwinError", "TwinReport", "build_torch_twin", "torch_loss", "torch_optimizer",
           "train_torch", "twin_train"]


class TwinError(ValueError):
    """A minidl layer has no torch.nn equivalent.

    Attributes
    ----------
    index : int
        Position of the layer in the ``Sequential``.
    layer_type : str
        Its class name.
    """

    def __init__(self, index: int, layer_type: str, why: str = "") -> None:
        self.index, self.layer_type = index, layer_type
        super().__init__(f"layer {index} ({layer_type}) has no torch.nn equivalent"
                         + (f": {why}" if why else ""))


def _twin_layer(index: int, layer: minidl.Module, dtype: torch.dtype,
                device: torch.device) -> nn.Module:
    # Exact type checks: a user subclass may change forward, so it is not "the same layer".
    kind = type(layer)
    if kind is minidl.Linear:
        return nn.Linear(layer.in_features, layer.out_features, bias=layer.bias is not None,
                         dtype=dtype, device=device)
    if kind is minidl.LeakyReLU:
        return nn.LeakyReLU(layer.negative_slope)
    simple = {minidl.ReLU: nn.ReLU, minidl.Tanh: nn.Tanh, minidl.Sigmoid: nn.Sigmoid,
              minidl.Identity: nn.Identity}
    if kind in simple:
        return simple[kind]()
    raise TwinError(index, kind.__name__, "supported layers are Linear, ReLU, Tanh, Sigmoid, "
                    "LeakyReLU and Identity")


def build_torch_twin(spec: RunSpec, minidl_model: minidl.Sequential) -> nn.Sequential:
    """Return a ``torch.nn.Sequential`` equal to ``minidl_model``, weights copied.

    Parameters
    ----------
    spec : RunSpec
        Gives the dtype and device of the twin.
    minidl_model : minidl.Sequential
        The model to mirror; its state dict is loaded into the twin (keys ``"0.weight"``...).

    Raises
    ------
    TwinError
        A layer has no torch.nn counterpart (the message names its index and type).
    """
    if not isinstance(minidl_model, minidl.Sequential):
        raise TwinError(-1, type(minidl_model).__name__, "the model must be a minidl.Sequential")
    dtype, device = torch_dtype(spec.dtype), torch.device(spec.device)
    twin = nn.Sequential(*(_twin_layer(i, layer, dtype, device)
                           for i, layer in enumerate(minidl_model)))
    with torch.no_grad():
        twin.load_state_dict({k: v.detach().clone() for k, v in minidl_model.state_dict().items()})
    return twin


def torch_loss(spec: RunSpec) -> nn.Module:
    """``nn.CrossEntropyLoss()`` or ``nn.MSELoss()`` (per-sample means, as minidl's)."""
    return nn.CrossEntropyLoss() if spec.loss == "cross_entropy" else nn.MSELoss()


def torch_optimizer(spec: RunSpec, params) -> torch.optim.Optimizer:
    """The ``torch.optim`` optimiser with the spec's settings (the counterpart of
    :func:`~studio.core.build.build_optimizer`)."""
    return build_optimizer(spec, params, torch.optim)


@dataclass(frozen=True, eq=False)
class TwinReport:
    """One epoch of a twin run.

    Attributes
    ----------
    epoch : int
        1-based.
    minidl_train_loss, ..., torch_test_acc : float
        Per-sample mean loss over the whole set after the epoch; accuracy in [0, 1].
    max_abs_weight_diff : float
        ``max |w_minidl - w_torch|`` over every parameter after the epoch.
    rel_grad_diff : float
        ``||g_minidl - g_torch|| / ||g_torch||`` over all parameters at the epoch's last step.
    disagreement : numpy.ndarray
        ``(grid_size, grid_size)`` bool, read-only, row-major with row = y over [0, 1]²:
        True where the two models predict different classes.
    disagreement_fraction : float
        Mean of ``disagreement``.
    diverged : bool
        A loss became NaN/inf; the generator stops after this report.
    """

    epoch: int
    minidl_train_loss: float
    minidl_test_loss: float
    minidl_train_acc: float
    minidl_test_acc: float
    torch_train_loss: float
    torch_test_loss: float
    torch_train_acc: float
    torch_test_acc: float
    max_abs_weight_diff: float
    rel_grad_diff: float
    disagreement: np.ndarray
    disagreement_fraction: float
    diverged: bool = False


def _metrics(model, loss_fn, x, target, y) -> tuple[float, float]:
    # The engine's evaluation, so minidl, its twin and train_torch are measured alike.
    loss, correct = evaluate(model, loss_fn, x, target, y)
    return float(loss), float(correct) / x.shape[0]


def _grads(params) -> torch.Tensor:  # all gradients as one float64 vector
    return torch.cat([g.reshape(-1).double() for g in params])

def twin_train(spec: RunSpec, *, stop: threading.Event | None = None,
               grid_size: int = 48) -> Iterator[TwinReport]:
    """Train the minidl model of ``spec`` and its torch.nn twin side by side.

    Both models start from the same weights and consume the very same batches (one shuffled
    :class:`minidl.data.BatchIterator` feeds both). Building happens at the call, so a
    :class:`TwinError` or :class:`~studio.core.spec.SpecError` is raised before iteration.

    Parameters
    ----------
    spec : RunSpec
        What to train (its dtype decides how closely the twins can agree).
    stop : threading.Event, optional
        Checked before every batch; when set the generator returns.
    grid_size : int
        Side of the disagreement map.

    Yields
    ------
    TwinReport
        One per epoch.
    """
    if grid_size < 1:
        raise ValueError(f"grid_size must be >= 1, got {grid_size}")
    dtype = torch_dtype(spec.dtype)
    data = make_data(spec.data, dtype, spec.device)
    model = build_model(spec)
    twin = build_torch_twin(spec, model)
    return _run(spec, model, twin, data, stop, grid_size)


def _run(spec, model, twin, data, stop, grid_size) -> Iterator[TwinReport]:
    loss_fn, t_loss_fn = build_loss(spec), torch_loss(spec)
    optimizer = build_optimizer(spec, model.parameters())
    t_optimizer = torch_optimizer(spec, twin.parameters())
    dtype = data.x_train.dtype
    t_train = targets_for(spec.loss, data.y_train, dtype)
    t_test = targets_for(spec.loss, data.y_test, dtype)
    batches = minidl.data.BatchIterator(data.x_train, t_train, spec.batch_size, seed=spec.seed)
    grid = grid_points(grid_size, data.mean, data.std)
    last = len(batches) - 1
    for epoch in range(1, spec.epochs + 1):
        rel_grad = math.nan
        for i, (xb, tb) in enumerate(batches):
            if stop is not None and stop.is_set():
                return
            # grad mode is thread-local and the caller may be in no_grad: say what each side needs.
            with torch.no_grad():
                optimizer.zero_grad()
                loss_fn(model(xb), tb)
                model.backward(loss_fn.backward())
            with torch.enable_grad():
                t_optimizer.zero_grad()
                t_loss_fn(twin(xb), tb).backward()
            if i == last:
                with torch.no_grad():
                    g_torch = _grads(p.grad for p in twin.parameters())
                    g_mini = _grads(p.grad for p in model.parameters())
                    norm = float(g_torch.norm())
                    diff = float((g_mini - g_torch).norm())
                    rel_grad = diff / norm if norm > 0 else (0.0 if diff == 0 else math.inf)
            with torch.no_grad():
                optimizer.step()
                t_optimizer.step()
        report = _report(epoch, model, twin, loss_fn, t_loss_fn, data, t_train, t_test, grid,
                         grid_size, rel_grad)
        yield report
        if report.diverged:
            return


@torch.no_grad()
def _report(epoch, model, twin, loss_fn, t_loss_fn, data, t_train, t_test, grid, grid_size,
            rel_grad) -> TwinReport:
    model.eval()
    try:
        m_tr = _metrics(model, loss_fn, data.x_train, t_train, data.y_train)
        m_te = _metrics(model, loss_fn, data.x_test, t_test, data.y_test)
        m_grid = model(grid).argmax(1)
    finally:
        model.train()
    t_tr = _metrics(twin, t_loss_fn, data.x_train, t_train, data.y_train)
    t_te = _metrics(twin, t_loss_fn, data.x_test, t_test, data.y_test)
    disagree = (m_grid != twin(grid).argmax(1)).reshape(grid_size, grid_size).cpu().numpy()
    disagree.flags.writeable = False
    weight_diff = max(float((a.data - b).abs().max())
                      for a, b in zip(model.parameters(), twin.parameters(), strict=True))
    losses = (m_tr[0], m_te[0], t_tr[0], t_te[0])
    return TwinReport(
        epoch=epoch, minidl_train_loss=m_tr[0], minidl_test_loss=m_te[0],
        minidl_train_acc=m_tr[1], minidl_test_acc=m_te[1], torch_train_loss=t_tr[0],
        torch_test_loss=t_te[0], torch_train_acc=t_tr[1], torch_test_acc=t_te[1],
        max_abs_weight_diff=weight_diff, rel_grad_diff=rel_grad, disagreement=disagree,
        disagreement_fraction=float(disagree.mean()),
        diverged=not all(math.isfinite(v) for v in losses))


def train_torch(spec: RunSpec, *, stop: threading.Event | None = None):
    """Train the torch.nn twin of ``spec`` alone, as an ordinary autograd loop.

    Same data, initial weights and batch order as ``engine.train(spec)``; per epoch the same
    evaluation (per-sample mean loss, accuracy on both sets), inside the timed region as there.

    Returns
    -------
    (curves, elapsed_s, diverged, message) or None
        ``curves`` = [train_loss, test_loss, train_acc, test_acc] lists; ``None`` if stopped.
    """
    dtype = torch_dtype(spec.dtype)
    data = make_data(spec.data, dtype, spec.device)
    net = build_torch_twin(spec, build_model(spec))
    loss_fn, opt = torch_loss(spec), torch_optimizer(spec, net.parameters())
    t_train = targets_for(spec.loss, data.y_train, dtype)
    t_test = targets_for(spec.loss, data.y_test, dtype)
    batches = minidl.data.BatchIterator(data.x_train, t_train, spec.batch_size, seed=spec.seed)
    sets = ((data.x_train, t_train, data.y_train), (data.x_test, t_test, data.y_test))
    curves: list[list[float]] = [[], [], [], []]
    elapsed = 0.0
    for epoch in range(1, spec.epochs + 1):
        start = time.perf_counter()
        with torch.enable_grad():  # the caller may be in no_grad; this side is autograd
            for xb, tb in batches:
                if stop is not None and stop.is_set():
                    return None
                opt.zero_grad()
                loss_fn(net(xb), tb).backward()
                opt.step()
        with torch.no_grad():
            (tr_loss, tr_acc), (te_loss, te_acc) = (_metrics(net, loss_fn, *set_) for set_ in sets)
        elapsed += time.perf_counter() - start
        for curve, value in zip(curves, (tr_loss, te_loss, tr_acc, te_acc), strict=True):
            curve.append(value)
        if not (math.isfinite(tr_loss) and math.isfinite(te_loss)):
            return curves, elapsed, True, f"Loss became {tr_loss} at epoch {epoch}"
    return curves, elapsed, False, ""
