"""The torch.nn twin of a spec: same architecture, same initial weights, same batches.

:func:`build_torch_twin` mirrors a minidl model layer by layer with ``torch.nn`` modules and
copies the weights through the state dict (minidl uses torch's key layout).
:class:`TorchSession` is the twin's :class:`~studio.core.session.Session`: the same run (data,
batches, evaluation, reports) with torch's model, loss and optimiser.
:func:`twin_train` trains both side by side on exactly the same batches and yields a frozen
:class:`TwinReport` per epoch saying how far apart they drifted. The torch side uses autograd
(it is the reference); the minidl side never does.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

import minidl
import minidl.data

from ..build import build_model, build_optimizer, make_data, torch_dtype
from ..session import Session
from ..spec import RunSpec

__all__ = ["TorchSession", "TwinError", "TwinReport", "build_torch_twin", "torch_loss",
           "torch_optimizer", "twin_train"]


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
        ``(grid_size, grid_size)`` bool, read-only, row-major with row = y over the data's
        extent ([0, 1]² for generated sets):
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


class TorchSession(Session):
    """The torch.nn twin of a :class:`~studio.core.session.Session`: same run, autograd.

    Same data, initial weights, batch order, evaluation and :class:`EpochReport` as the
    minidl session of ``spec``; only the model, loss and optimiser are torch's.

    Parameters
    ----------
    spec : RunSpec
        What to train.
    data : Dataset, optional
        As for :class:`Session`.
    model : minidl.Sequential, optional
        The minidl model whose weights the twin starts from (default: ``build_model(spec)``).
    """

    def _build_model(self, model):
        return build_torch_twin(self.spec, model if model is not None else build_model(self.spec))

    def _build_loss(self):
        return torch_loss(self.spec)

    def _build_optimizer(self):
        return torch_optimizer(self.spec, self.model.parameters())

    def _make_backward(self):
        zero_grad, net, loss_fn = self.optimizer.zero_grad, self.model, self.loss_fn

        def gradients(xb: torch.Tensor, tb: torch.Tensor) -> None:
            zero_grad()
            loss_fn(net(xb), tb).backward()

        return gradients

    def _grad_mode(self):
        # The caller may be in no_grad (the GUI worker, a twin loop): this side is autograd.
        return torch.enable_grad()


def _grads(params) -> torch.Tensor:  # all gradients as one float64 vector
    return torch.cat([g.reshape(-1).double() for g in params])


def twin_train(spec: RunSpec, *, stop: threading.Event | None = None,
               grid_size: int = 48) -> Iterator[TwinReport]:
    """Train the minidl session of ``spec`` and its :class:`TorchSession` side by side.

    Both start from the same weights and, being the same run, take the very same batches.
    Building happens at the call, so a :class:`TwinError` or
    :class:`~studio.core.spec.SpecError` is raised before iteration.

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
    data = make_data(spec.data, torch_dtype(spec.dtype), spec.device)
    mini = Session(spec, data=data)
    twin = TorchSession(spec, data=data, model=mini.model)
    return _run(mini, twin, stop, grid_size)


def _run(mini: Session, twin: TorchSession, stop, grid_size) -> Iterator[TwinReport]:
    grid = mini.data.grid_inputs(grid_size)
    last = mini.batches_per_epoch - 1
    for epoch in range(1, mini.spec.epochs + 1):
        rel_grad = math.nan
        for i in range(last + 1):
            if stop is not None and stop.is_set():
                return
            mini.compute_gradients()
            twin.compute_gradients()
            if i == last:
                with torch.no_grad():
                    g_torch = _grads(p.grad for p in twin.model.parameters())
                    g_mini = _grads(p.grad for p in mini.model.parameters())
                    norm = float(g_torch.norm())
                    diff = float((g_mini - g_torch).norm())
                    rel_grad = diff / norm if norm > 0 else (0.0 if diff == 0 else math.inf)
            mini.apply_update()
            twin.apply_update()
        # The batches are done: each session's run() only evaluates and reports the epoch.
        m = next(mini.run(epoch, stop=stop, grid_every=0), None)
        t = next(twin.run(epoch, stop=stop, grid_every=0), None)
        if m is None or t is None:
            return
        report = _report(epoch, m, t, mini.model, twin.model, grid, grid_size, rel_grad)
        yield report
        if report.diverged:
            return


@torch.no_grad()
def _report(epoch, m, t, model, net, grid, grid_size, rel_grad) -> TwinReport:
    model.eval()
    try:
        m_grid = model(grid).argmax(1)
    finally:
        model.train()
    disagree = (m_grid != net(grid).argmax(1)).reshape(grid_size, grid_size).cpu().numpy()
    disagree.flags.writeable = False
    weight_diff = max(float((a.data - b).abs().max())
                      for a, b in zip(model.parameters(), net.parameters(), strict=True))
    return TwinReport(
        epoch=epoch, minidl_train_loss=m.train_loss, minidl_test_loss=m.test_loss,
        minidl_train_acc=m.train_acc, minidl_test_acc=m.test_acc,
        torch_train_loss=t.train_loss, torch_test_loss=t.test_loss,
        torch_train_acc=t.train_acc, torch_test_acc=t.test_acc,
        max_abs_weight_diff=weight_diff, rel_grad_diff=rel_grad, disagreement=disagree,
        disagreement_fraction=float(disagree.mean()), diverged=m.diverged or t.diverged)
