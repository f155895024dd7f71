"""Optimizers with exactly torch.optim's update rules: SGD (momentum, dampening, Nesterov,
weight decay) and Adam.

Speed: when all parameters share a dtype and device, the optimizer packs them into one flat
buffer (each :class:`~minidl.Parameter`'s ``data`` and ``grad`` become views of it). A step is
then a handful of element-wise ops on one tensor instead of a few per parameter, with the same
arithmetic, in the same order, as torch's per-parameter loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from .module import Parameter

__all__ = ["SGD", "Adam", "Optimizer"]


class _Chunk:
    """One updatable tensor pair (flat buffer or single parameter) and its optimizer state."""

    __slots__ = ("data", "grad", "state")

    def __init__(self, data: torch.Tensor, grad: torch.Tensor) -> None:
        self.data, self.grad = data, grad
        self.state: dict[str, Any] = {}


def _pack(params: list[Parameter]) -> _Chunk | None:
    first = params[0].data
    if any(p.data.dtype != first.dtype or p.data.device != first.device for p in params):
        return None
    total = sum(p.data.numel() for p in params)
    flat_data = torch.empty(total, dtype=first.dtype, device=first.device)
    flat_grad = torch.empty_like(flat_data)
    offset = 0
    for p in params:
        n = p.data.numel()
        data_view = flat_data[offset:offset + n].view_as(p.data)
        grad_view = flat_grad[offset:offset + n].view_as(p.data)
        data_view.copy_(p.data)
        grad_view.copy_(p.grad)
        p.data, p.grad = data_view, grad_view
        offset += n
    return _Chunk(flat_data, flat_grad)


class Optimizer:
    """Base class: validates settings, packs parameters, implements ``step``/``zero_grad``.

    Subclasses implement :meth:`_update` for one chunk of data, grad and state.

    Parameters
    ----------
    params : iterable of Parameter
        What to optimise (e.g. ``model.parameters()``).
    defaults : dict
        The hyperparameters; stored in ``param_groups[0]`` as torch does.
    """

    def __init__(self, params: Iterable[Parameter], defaults: dict[str, Any]) -> None:
        self.params: list[Parameter] = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Parameter):
                raise TypeError(f"optimizer can only optimize minidl Parameters, got "
                                f"{type(p).__name__}")
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = [dict(defaults, params=self.params)]
        flat = _pack(self.params)
        self._flat = flat is not None
        self._chunks = [flat] if flat is not None else [_Chunk(p.data, p.grad) for p in self.params]
        self._views = tuple(p.data for p in self.params)

    def _check_views(self) -> None:
        for p, view in zip(self.params, self._views, strict=True):
            if p.data is not view:
                raise RuntimeError(
                    "a parameter's tensor was replaced after the optimizer was created "
                    "(e.g. by model.to(...)); create the optimizer after moving the model")

    def zero_grad(self) -> None:
        """Set every gradient to zero (one op when the parameters are packed)."""
        for chunk in self._chunks:
            chunk.grad.zero_()

    def step(self) -> None:
        """Apply one update from the current gradients."""
        self._check_views()
        group = self.param_groups[0]
        for chunk in self._chunks:
            self._update(chunk, group)

    def _update(self, chunk: _Chunk, group: dict[str, Any]) -> None:
        raise NotImplementedError

    # -- state, in torch.optim's per-parameter layout ---------------------------------------
    def _slices(self) -> list[tuple[int, slice | None]]:
        if not self._flat:
            return [(i, None) for i in range(len(self.params))]
        out, offset = [], 0
        for i, p in enumerate(self.params):
            n = p.data.numel()
            out.append((i, slice(offset, offset + n)))
            offset += n
        return out

    def state_dict(self) -> dict[str, Any]:
        """Return ``{"state": {index: {...}}, "param_groups": [...]}`` like torch.optim."""
        state: dict[int, dict[str, Any]] = {}
        for i, sl in self._slices():
            chunk = self._chunks[0] if sl is not None else self._chunks[i]
            entry = {}
            for key, value in chunk.state.items():
                if isinstance(value, torch.Tensor) and value.dim() > 0:
                    part = value[sl] if sl is not None else value
                    entry[key] = part.view_as(self.params[i].data).clone()
                else:  # torch stores the step count as a 0-d float tensor
                    entry[key] = torch.tensor(float(value))
            if entry:
                state[i] = entry
        groups = [{k: v for k, v in g.items() if k != "params"} for g in self.param_groups]
        for g in groups:
            g["params"] = list(range(len(self.params)))
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and per-parameter state saved by :meth:`state_dict`."""
        groups = state_dict["param_groups"]
        if len(groups) != 1 or len(groups[0]["params"]) != len(self.params):
            raise ValueError("loaded state dict does not match this optimizer's parameters")
        self.param_groups[0].update({k: v for k, v in groups[0].items() if k != "params"})
        saved = state_dict["state"]
        for chunk in self._chunks:
            chunk.state.clear()
        for i, sl in self._slices():
            chunk = self._chunks[0] if sl is not None else self._chunks[i]
            for key, value in saved.get(i, saved.get(str(i), {})).items():
                if isinstance(value, torch.Tensor) and value.dim() > 0:
                    if key not in chunk.state:
                        chunk.state[key] = torch.zeros_like(chunk.data)
                    target = chunk.state[key][sl] if sl is not None else chunk.state[key]
                    target.copy_(value.reshape(-1) if sl is not None else value)
                else:
                    number = value.item() if isinstance(value, torch.Tensor) else value
                    chunk.state[key] = int(number)

    def __repr__(self) -> str:
        settings = "\n".join(f"    {k}: {v}" for k, v in self.defaults.items())
        return f"{type(self).__name__} (\nParameter Group 0\n{settings}\n)"


class SGD(Optimizer):
    """Stochastic gradient descent, exactly ``torch.optim.SGD``.

    With momentum μ, dampening τ, weight decay λ and learning rate γ, per step:
    ``g ← g + λθ``; ``b ← g`` on the first step, else ``b ← μb + (1-τ)g``;
    ``g ← g + μb`` (Nesterov) or ``g ← b``; ``θ ← θ - γg``.
    """

    def __init__(self, params: Iterable[Parameter], lr: float, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0,
                 nesterov: bool = False) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if dampening < 0.0:
            raise ValueError(f"Invalid dampening value: {dampening}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Invalid nesterov setting: Nesterov momentum requires a momentum "
                             "and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})

    def _update(self, chunk: _Chunk, group: dict[str, Any]) -> None:
        grad = chunk.grad
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        if weight_decay != 0:
            grad = grad.add(chunk.data, alpha=weight_decay)
        if momentum != 0:
            buf = chunk.state.get("momentum_buffer")
            if buf is None:
                buf = chunk.state["momentum_buffer"] = grad.clone()
            else:
                buf.mul_(momentum).add_(grad, alpha=1 - group["dampening"])
            grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
        chunk.data.add_(grad, alpha=-group["lr"])


class Adam(Optimizer):
    """Adam (Kingma & Ba), exactly ``torch.optim.Adam`` without amsgrad.

    ``m ← β1 m + (1-β1) g``; ``v ← β2 v + (1-β2) g²``;
    ``θ ← θ - (γ / (1-β1ᵗ)) · m / (sqrt(v) / sqrt(1-β2ᵗ) + ε)``.
    """

    def __init__(self, params: Iterable[Parameter], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if eps < 0.0:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0 (betas[0]): {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1 (betas[1]): {betas[1]}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay})

    def _update(self, chunk: _Chunk, group: dict[str, Any]) -> None:
        state = chunk.state
        if not state:
            state["step"] = 0  # a Python int: no tensor op or .item() sync per step
            state["exp_avg"] = torch.zeros_like(chunk.data)
            state["exp_avg_sq"] = torch.zeros_like(chunk.data)
        beta1, beta2 = group["betas"]
        grad = chunk.grad
        if group["weight_decay"] != 0:
            grad = grad.add(chunk.data, alpha=group["weight_decay"])
        step = state["step"] = state["step"] + 1
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = group["lr"] / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5  # ** 0.5, not math.sqrt: torch's rounding
        denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(group["eps"])
        chunk.data.addcdiv_(exp_avg, denom, value=-step_size)
