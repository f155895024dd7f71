"""The SGD and Adam update rules, op for op as torch.optim runs them on the CPU (torch 2.13).

Private to :mod:`minidl.optim`. ``data`` and ``grad`` are one parameter or one run of a flat
buffer; every op is element-wise, so a run gives each element the bits torch's per-parameter
loop gives it. The default is torch's single-tensor path (what ``foreach=None`` picks for CPU
tensors); ``fused=True`` calls the kernels of ``torch.optim.SGD/Adam(fused=True)``.
"""

from __future__ import annotations

from typing import Any

import torch

__all__ = ["adam_update", "sgd_update"]


def scalar(aux: dict[Any, torch.Tensor], value: float, like: torch.Tensor) -> torch.Tensor:
    """A cached 0-d tensor holding ``value`` in ``like``'s dtype.

    ``t.mul_(0.2)`` on a float32 tensor first converts the double 0.2 with a ``to`` call
    (~3 µs); a float32 0-d tensor holding the same rounded value gives the same products.
    """
    key = (value, like.dtype)
    t = aux.get(key)
    if t is None:
        t = aux[key] = torch.tensor(value, dtype=like.dtype, device=like.device)
    return t


def sgd_update(data: torch.Tensor, grad: torch.Tensor, state: dict[str, Any],
               group: dict[str, Any], aux: dict[Any, Any], fused: bool) -> None:
    """One SGD step on ``data`` (``torch.optim.sgd._single_tensor_sgd`` or ``_fused_sgd``)."""
    momentum, weight_decay = group["momentum"], group["weight_decay"]
    if fused:
        buf = state.get("momentum_buffer")
        first = momentum != 0 and buf is None
        if first:
            buf = state["momentum_buffer"] = torch.empty_like(data)
        torch._fused_sgd_([data], [grad], [buf] if momentum != 0 else [],
                          weight_decay=weight_decay, momentum=momentum, lr=group["lr"],
                          dampening=group["dampening"], nesterov=group["nesterov"],
                          maximize=False, is_first_step=first, grad_scale=None, found_inf=None)
        return
    if weight_decay != 0:
        grad = grad.add(data, alpha=weight_decay)
    if momentum != 0:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = grad.clone()
        else:
            buf.mul_(scalar(aux, momentum, buf)).add_(grad, alpha=1 - group["dampening"])
        grad = grad.add(buf, alpha=momentum) if group["nesterov"] else buf
    data.add_(grad, alpha=-group["lr"])


def adam_update(data: torch.Tensor, grad: torch.Tensor, state: dict[str, Any],
                group: dict[str, Any], aux: dict[Any, Any], fused: bool) -> None:
    """One Adam step on ``data`` (``torch.optim.adam._single_tensor_adam`` or ``_fused_adam``)."""
    if not state:
        state["step"] = 0  # a Python int: no tensor op or .item() sync per step
        state["exp_avg"] = torch.zeros_like(data)
        state["exp_avg_sq"] = torch.zeros_like(data)
    beta1, beta2 = group["betas"]
    exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
    if fused:
        # torch keeps the step as a float32 tensor that the kernel reads; ours mirrors the int.
        step_t = aux.get("step")
        if step_t is None or aux.get("step_n") != state["step"]:
            step_t = aux["step"] = torch.tensor(float(state["step"]), dtype=torch.float32,
                                                device=data.device)
        torch._foreach_add_([step_t], 1)
        state["step"] = aux["step_n"] = state["step"] + 1
        torch._fused_adam_([data], [grad], [exp_avg], [exp_avg_sq], [], [step_t],
                           amsgrad=False, lr=group["lr"], beta1=beta1, beta2=beta2,
                           weight_decay=group["weight_decay"], eps=group["eps"],
                           maximize=False, grad_scale=None, found_inf=None)
        return
    if group["weight_decay"] != 0:
        grad = grad.add(data, alpha=group["weight_decay"])
    step = state["step"] = state["step"] + 1
    exp_avg.lerp_(grad, 1 - beta1)
    exp_avg_sq.mul_(scalar(aux, beta2, exp_avg_sq)).addcmul_(grad, grad, value=1 - beta2)
    bias_correction1 = 1 - beta1 ** step
    bias_correction2 = 1 - beta2 ** step
    step_size = group["lr"] / bias_correction1
    bias_correction2_sqrt = bias_correction2**0.5  # ** 0.5, not math.sqrt: torch's rounding
    denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(group["eps"])
    data.addcdiv_(exp_avg, denom, value=-step_size)
