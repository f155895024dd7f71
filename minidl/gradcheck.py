"""Check a module's hand-written backward against central finite differences (float64).

A student writing a layer calls :func:`gradcheck` on it: the module's ``backward`` is compared,
entry by entry, with ``(f(x + eps) - f(x - eps)) / 2 eps`` of a scalar made from its output.
No autograd is involved anywhere: finite differences are the only reference.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import torch

from .module import Module

__all__ = ["GradcheckReport", "TensorCheck", "finite_differences", "gradcheck"]


@dataclass(frozen=True)
class TensorCheck:
    """How one tensor's analytic gradient compares with finite differences.

    Attributes
    ----------
    name : str
        ``"input"`` or the parameter's dotted name (``"0.weight"``).
    shape : tuple of int
        The tensor's shape.
    checked : int
        Entries compared (all of them unless ``samples`` limited it).
    max_abs_error : float
        ``max |analytic - numeric|`` over the checked entries.
    max_rel_error : float
        ``max_abs_error / max(max |numeric|, tiny)``: relative to the gradient's scale, so
        entries that are zero do not blow it up.
    passed : bool
        Every checked entry satisfies ``|analytic - numeric| <= atol + rtol |numeric|``.
    """

    name: str
    shape: tuple[int, ...]
    checked: int
    max_abs_error: float
    max_rel_error: float
    passed: bool


@dataclass(frozen=True)
class GradcheckReport:
    """The result of :func:`gradcheck`: one :class:`TensorCheck` per tensor.

    ``bool(report)`` is ``report.passed``; ``str(report)`` is a small table.
    """

    checks: tuple[TensorCheck, ...]

    @property
    def passed(self) -> bool:
        """Whether every tensor passed."""
        return all(c.passed for c in self.checks)

    def __bool__(self) -> bool:
        return self.passed

    def __getitem__(self, name: str) -> TensorCheck:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def __str__(self) -> str:
        rows = [f"{'tensor':<14} {'shape':<12} {'max abs err':>12} {'max rel err':>12}  result"]
        for c in self.checks:
            rows.append(f"{c.name:<14} {str(c.shape):<12} {c.max_abs_error:>12.3e} "
                        f"{c.max_rel_error:>12.3e}  {'ok' if c.passed else 'FAIL'}")
        return "\n".join(rows)


def finite_differences(fn: Callable[[], float], tensor: torch.Tensor, eps: float = 1e-6,
                       index: torch.Tensor | None = None) -> torch.Tensor:
    """Central differences of the scalar ``fn()`` with respect to entries of ``tensor``.

    Parameters
    ----------
    fn : callable
        Recomputes the scalar from the current values (it must read ``tensor``).
    tensor : torch.Tensor
        Perturbed in place, one entry at a time, and restored exactly.
    eps : float
        The step.
    index : torch.Tensor, optional
        Flat indices to differentiate (default: every entry).

    Returns
    -------
    torch.Tensor
        ``(len(index),)`` float64 derivatives.
    """
    flat = tensor.view(-1)
    index = torch.arange(flat.numel()) if index is None else index
    out = torch.empty(index.numel(), dtype=torch.float64)
    for k, i in enumerate(index.tolist()):
        saved = flat[i].item()
        flat[i] = saved + eps
        plus = fn()
        flat[i] = saved - eps
        minus = fn()
        flat[i] = saved  # exactly the old value: no drift across checks
        out[k] = (plus - minus) / (2.0 * eps)
    return out


def _compare(name: str, analytic: torch.Tensor, numeric: torch.Tensor, atol: float,
             rtol: float, shape: tuple[int, ...]) -> TensorCheck:
    diff = (analytic - numeric).abs()
    max_abs = float(diff.max()) if diff.numel() else 0.0
    scale = float(numeric.abs().max()) if numeric.numel() else 0.0
    ok = bool((diff <= atol + rtol * numeric.abs()).all())
    return TensorCheck(name, shape, int(numeric.numel()), max_abs,
                       max_abs / max(scale, 1e-300), ok)


def gradcheck(module: Module, input: torch.Tensor, *, eps: float = 1e-6, atol: float = 1e-6,
              rtol: float = 1e-4, target: torch.Tensor | None = None,
              samples: int | None = None, seed: int = 0) -> GradcheckReport:
    """Compare ``module.backward`` with central finite differences, in float64.

    The module is copied and cast to float64 (the caller's module is left untouched). The
    scalar checked is ``sum(output * r)`` for a fixed random ``r`` (so every output entry
    matters), or the loss itself when ``target`` is given (losses: ``module(output, target)``).

    Parameters
    ----------
    module : Module
        The layer, container or loss under test.
    input : torch.Tensor
        An input, e.g. ``(N, in_features)``; cast to float64. Keep it away from kinks
        (ReLU at 0), where no derivative exists.
    eps : float
        Finite-difference step.
    atol, rtol : float
        An entry passes when ``|analytic - numeric| <= atol + rtol |numeric|``.
    target : torch.Tensor, optional
        The loss's target: class indices (int64) or a float tensor like the output.
    samples : int, optional
        Check at most this many (seeded, random) entries per tensor: for big layers.
    seed : int
        Seeds ``r`` and the sampled entries.

    Returns
    -------
    GradcheckReport
        Per tensor (``"input"``, then each parameter by name): errors and pass/fail.
    """
    model = copy.deepcopy(module).to(dtype=torch.float64)
    model.train()
    x = input.detach().to(torch.float64).clone()
    if target is not None and target.is_floating_point():
        target = target.detach().to(torch.float64)
    generator = torch.Generator().manual_seed(seed)

    def forward() -> torch.Tensor:
        return model(x) if target is None else model(x, target)

    out = forward()
    weight = None  # a loss is already the scalar; any other output is projected on r
    if target is None:
        weight = torch.randn(out.shape, generator=generator, dtype=torch.float64)
    for p in model.parameters():
        p.grad.zero_()
    # A loss's backward takes no argument: its output is the scalar itself.
    grad_x = model.backward(*((weight,) if target is None else ()))
    params = list(model.named_parameters())
    analytic = [("input", x, grad_x.detach().clone())]
    analytic += [(name, p.data, p.grad.detach().clone()) for name, p in params]

    def scalar() -> float:
        value = forward()
        return float(value if weight is None else (value * weight).sum())

    checks = []
    for name, tensor, grad in analytic:
        n = tensor.numel()
        index = None
        if samples is not None and n > samples:
            index = torch.randperm(n, generator=generator)[:samples]
        numeric = finite_differences(scalar, tensor, eps, index)
        picked = grad.reshape(-1) if index is None else grad.reshape(-1)[index]
        checks.append(_compare(name, picked.to(torch.float64), numeric, atol, rtol,
                               tuple(tensor.shape)))
    return GradcheckReport(tuple(checks))
