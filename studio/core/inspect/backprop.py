"""One batch through the network, module by module, forward then backward, checked twice.

:func:`inspect_batch` runs a frozen copy of the weights in float64 on one batch and records,
per module, its input, output, cached derivative, incoming and outgoing gradients, its
parameters' gradients and the update the optimiser would apply; every gradient is compared
with torch autograd (the twin) and with central finite differences. It never touches a live
session: the caller passes frozen weights.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import torch

from minidl.gradcheck import finite_differences

from ..build import build_loss, build_model, build_optimizer, targets_for
from ..compare.twin import build_torch_twin, torch_loss
from ..snapshot import frozen_array
from .formulas import loss_formula, module_formula, optimizer_formula

__all__ = ["BackpropTrace", "GradientCheck", "ModuleTrace", "ParamTrace", "inspect_batch"]

_F64 = torch.float64
#: Multiply-adds the finite differences may spend (~1 s): a 16x1024 network gets a few
#: entries per tensor, the seed network every entry up to ``samples``.
FD_BUDGET = 3e9


def _np(t: torch.Tensor | None) -> np.ndarray | None:
    return None if t is None else frozen_array(t, _F64)


def _rel(a: torch.Tensor, b: torch.Tensor) -> float:
    # Relative to the reference's scale: an entry that is exactly 0 does not blow it up.
    diff = float((a - b).abs().max()) if a.numel() else 0.0
    return diff / max(float(b.abs().max()) if b.numel() else 0.0, 1e-300)


@dataclass(frozen=True, eq=False)
class GradientCheck:
    """A hand-written gradient beside its two references.

    Attributes
    ----------
    autograd : numpy.ndarray
        The same gradient by torch autograd on the float64 twin.
    autograd_error : float
        ``max |minidl - autograd| / max |autograd|``.
    numeric : numpy.ndarray
        Central finite differences at the flat indices ``numeric_index`` (all entries of
        small tensors, a seeded sample of big ones).
    numeric_index : numpy.ndarray
        int64 flat indices of ``numeric``.
    numeric_error : float
        ``max |minidl - numeric| / max |numeric|`` over those entries.
    """

    autograd: np.ndarray
    autograd_error: float
    numeric: np.ndarray
    numeric_index: np.ndarray
    numeric_error: float


@dataclass(frozen=True, eq=False)
class ParamTrace:
    """One parameter: ``value``, ``grad`` (minidl), ``update`` (what the optimiser adds)."""

    name: str
    value: np.ndarray
    grad: np.ndarray
    update: np.ndarray
    check: GradientCheck


@dataclass(frozen=True, eq=False)
class ModuleTrace:
    """One module on the batch (all arrays float64, read-only, batch first).

    ``grad_output`` is the incoming gradient dL/d output, ``grad_input`` the outgoing one
    dL/d input; ``derivative`` the activation's cached ``f'(x)`` (None for other modules).
    """

    index: int
    title: str
    formula: str
    input: np.ndarray
    output: np.ndarray
    derivative: np.ndarray | None
    grad_output: np.ndarray
    grad_input: np.ndarray
    input_check: GradientCheck
    params: tuple[ParamTrace, ...]


@dataclass(frozen=True, eq=False)
class BackpropTrace:
    """Everything :func:`inspect_batch` saw; frozen, float64.

    Attributes
    ----------
    modules : tuple of ModuleTrace
        In forward order (show them reversed for the backward pass).
    loss, loss_after : float
        The batch loss with the given weights and after one optimiser step.
    loss_formula, optimizer_formula : str
        One line each.
    labels : numpy.ndarray
        ``(N,)`` int64.
    grad_logits : numpy.ndarray
        dL/d output of the network (the loss's backward).
    weights_after : Mapping[str, numpy.ndarray]
        The weights after the step (feed them back in to step again).
    """

    modules: tuple[ModuleTrace, ...]
    loss: float
    loss_after: float
    loss_formula: str
    optimizer_formula: str
    labels: np.ndarray
    grad_logits: np.ndarray
    weights_after: Mapping[str, np.ndarray]

    @property
    def max_autograd_error(self) -> float:
        """The largest relative error against autograd, over every gradient."""
        return max(c.autograd_error for c in self._checks())

    @property
    def max_numeric_error(self) -> float:
        """The largest relative error against finite differences, over every gradient."""
        return max(c.numeric_error for c in self._checks())

    def _checks(self) -> list[GradientCheck]:
        return [c for m in self.modules
                for c in (m.input_check, *(p.check for p in m.params))]


def _sample(n: int, samples: int, generator: torch.Generator) -> torch.Tensor:
    return torch.arange(n) if n <= samples else torch.randperm(n, generator=generator)[:samples]


def _fd_samples(modules, n: int, samples: int) -> int:
    """Entries per tensor that keep finite differences within :data:`FD_BUDGET` (>= 1)."""
    tail = [sum(p.data.numel() for m in modules[i:] for p in m.parameters())
            for i in range(len(modules))]
    per_entry = sum((1 + len(list(m.parameters()))) * 4 * n * tail[i]
                    for i, m in enumerate(modules))
    return max(1, min(samples, int(FD_BUDGET // max(per_entry, 1))))


def _check(analytic: torch.Tensor, autograd: torch.Tensor, fn, tensor: torch.Tensor,
           eps: float, samples: int, generator: torch.Generator) -> GradientCheck:
    index = _sample(tensor.numel(), samples, generator)
    numeric = finite_differences(fn, tensor, eps, index)
    # Scaled by the whole gradient's largest entry: a sample of near-zero entries (dead
    # units) would otherwise turn rounding noise into a large "relative" error.
    diff = float((analytic.reshape(-1)[index] - numeric).abs().max())
    scale = max(float(analytic.abs().max()), float(numeric.abs().max()), 1e-300)
    return GradientCheck(_np(autograd), _rel(analytic, autograd), _np(numeric),
                         index.numpy().copy(), diff / scale)


def _autograd(spec, model, x, target) -> tuple[list[torch.Tensor], dict[str, torch.Tensor]]:
    """dL/d(each module's input) and dL/d(each parameter) by autograd on the twin."""
    twin = build_torch_twin(spec, model)
    with torch.enable_grad():
        h = x.clone().requires_grad_(True)
        inputs = []
        for layer in twin:
            h.retain_grad()  # a leaf or a repeated tensor (Identity) ignores it
            inputs.append(h)
            h = layer(h)
        torch_loss(spec)(h, target).backward()
    return ([t.grad.detach() for t in inputs],
            {name: p.grad.detach() for name, p in twin.named_parameters()})


def inspect_batch(spec, weights: Mapping[str, object], points, labels, *,
                  optimizer_state: dict | None = None, samples: int = 16,
                  eps: float = 1e-6, seed: int = 0) -> BackpropTrace:
    """Trace one forward/backward pass of ``spec``'s network with ``weights`` on a batch.

    Parameters
    ----------
    spec : RunSpec
        The architecture, loss and optimiser (its dtype and device are ignored: float64, CPU).
    weights : Mapping[str, array or tensor]
        The state dict to inspect (e.g. ``Session.weights()`` or a timeline entry's).
    points : array-like
        ``(N, F)`` model inputs, as in a training batch (standardised features).
    labels : array-like
        ``(N,)`` class indices.
    optimizer_state : dict, optional
        The optimiser's ``state_dict()`` (momentum, Adam moments) so the update shown is the
        one the run would apply; a fresh optimiser's first step otherwise.
    samples : int
        Finite differences check at most this many entries per tensor (seeded), fewer on
        big networks (:data:`FD_BUDGET`).
    eps : float
        Finite-difference step.
    seed : int
        Seeds the sampled entries.

    Returns
    -------
    BackpropTrace
    """
    spec = dataclasses.replace(spec, dtype="float64", device="cpu")
    model = build_model(spec)
    model.load_state_dict({k: torch.as_tensor(np.array(v), dtype=_F64)
                           for k, v in weights.items()})
    loss_fn = build_loss(spec)
    x = torch.as_tensor(np.array(points), dtype=_F64).reshape(-1, spec.input_size)
    y = torch.as_tensor(np.array(labels), dtype=torch.int64).reshape(-1)
    target = targets_for(spec.loss, y, _F64, spec.output_size)
    modules = list(model)
    model.train()
    model.zero_grad()
    with torch.no_grad():
        inputs, outputs, derivs, h = [], [], [], x
        for m in modules:
            inputs.append(h)
            h = m(h)
            outputs.append(h)
            # An element-wise activation's f'(x) as its own backward sees it (from what its
            # forward cached): the backward of a tensor of ones. Linear layers have none.
            elementwise = not list(m.parameters()) and h.shape == inputs[-1].shape
            derivs.append(m.backward(torch.ones_like(h)).clone() if elementwise else None)
        loss = float(loss_fn(h, target))
        g = grad_logits = loss_fn.backward()
        incoming, outgoing = [None] * len(modules), [None] * len(modules)
        for i in reversed(range(len(modules))):
            incoming[i] = g
            g = outgoing[i] = modules[i].backward(g)
    auto_inputs, auto_params = _autograd(spec, model, x, target)

    model.eval()  # finite differences need no caches

    def tail_loss(i: int, start: torch.Tensor):
        def fn() -> float:
            with torch.no_grad():
                out = start
                for m in modules[i:]:
                    out = m(out)
                return float(loss_fn(out, target))
        return fn

    generator = torch.Generator().manual_seed(seed)
    named = list(model.named_parameters())
    samples = _fd_samples(modules, x.shape[0], samples)
    optimizer = build_optimizer(spec, [p for _, p in named])
    if optimizer_state is not None:
        optimizer.load_state_dict(optimizer_state)
    before = {name: p.data.clone() for name, p in named}
    grads = {name: p.grad.clone() for name, p in named}
    traces = []
    for i, m in enumerate(modules):
        start = inputs[i].clone()
        input_check = _check(outgoing[i], auto_inputs[i], tail_loss(i, start), start, eps,
                             samples, generator)
        params = []
        for local, p in m.named_parameters():
            name = f"{i}.{local}"
            check = _check(grads[name], auto_params[name], tail_loss(i, inputs[i]), p.data,
                           eps, samples, generator)
            params.append((name, check))
        traces.append((i, m, input_check, params))
    with torch.no_grad():
        optimizer.step()
        loss_after = float(loss_fn(model(x), target))
    result = []
    for i, m, input_check, params in traces:
        result.append(ModuleTrace(
            index=i, title=f"{i} · {m!r}", formula=module_formula(m), input=_np(inputs[i]),
            output=_np(outputs[i]), derivative=_np(derivs[i]), grad_output=_np(incoming[i]),
            grad_input=_np(outgoing[i]), input_check=input_check,
            params=tuple(ParamTrace(name, _np(before[name]), _np(grads[name]),
                                    _np(dict(named)[name].data - before[name]), check)
                         for name, check in params)))
    after = MappingProxyType({name: _np(p.data) for name, p in named})
    return BackpropTrace(tuple(result), loss, loss_after, loss_formula(spec.loss),
                         optimizer_formula(spec.optimizer), frozen_array(y),
                         _np(grad_logits), after)

