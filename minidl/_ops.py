"""The ATen kernels torch's autograd runs, bound once, so minidl's arithmetic is torch's.

Private. Checked on torch 2.13.0 (CPU) by logging a torch.nn training step with a
``TorchDispatchMode``: these are the very ops autograd's backward formulas call. Using the same
kernels (not a mathematically equal formula) is what makes minidl bitwise equal to torch.nn:
``1 - y*y`` written by hand may be contracted into an FMA where ``tanh_backward`` is not.
Ops without a public Python binding are called through ``torch.ops.aten`` (``_op`` skips one
Python frame of ``OpOverload.__call__``; it falls back to the overload if a torch lacks it).
"""

from __future__ import annotations

import contextlib
from typing import Any

import torch

__all__ = ["below_autograd", "leaky_relu", "leaky_relu_backward", "mse_loss", "mse_loss_backward",
           "nll_loss_backward", "nll_loss_forward", "sigmoid_backward", "sigmoid_backward_out",
           "tanh_backward", "tanh_backward_out", "threshold_backward", "threshold_backward_out"]


def _aten(name: str, overload: str = "default") -> Any:
    op = getattr(getattr(torch.ops.aten, name), overload)
    return getattr(op, "_op", op)


#: ``threshold_backward(grad, relu_output, 0)``: grad where the output is > 0, else 0.
threshold_backward = _aten("threshold_backward")
#: ``tanh_backward(grad, tanh_output)``: ``grad * (1 - y²)``.
tanh_backward = _aten("tanh_backward")
#: ``sigmoid_backward(grad, sigmoid_output)``: ``grad * (1 - y) * y``.
sigmoid_backward = _aten("sigmoid_backward")
#: ``leaky_relu_backward(grad, input, slope, self_is_result=False)``.
leaky_relu_backward = _aten("leaky_relu_backward")
#: ``nll_loss_forward(log_probs, target, weight, reduction, ignore_index) -> (loss, total)``.
nll_loss_forward = _aten("nll_loss_forward")
#: ``nll_loss_backward(grad, log_probs, target, weight, reduction, ignore_index, total)``.
nll_loss_backward = _aten("nll_loss_backward")
#: ``mse_loss_backward(grad, output, target, reduction)``.
mse_loss_backward = _aten("mse_loss_backward")
#: The same three kernels writing into ``grad_input=`` (a buffer the caller reuses).
threshold_backward_out = _aten("threshold_backward", "grad_input")
tanh_backward_out = _aten("tanh_backward", "grad_input")
sigmoid_backward_out = _aten("sigmoid_backward", "grad_input")
leaky_relu = torch._C._nn.leaky_relu
mse_loss = torch._C._nn.mse_loss

#: A guard under which ops dispatch straight to their kernels, skipping the Autograd and
#: ADInplaceOrView layers (graph recording, version counters, view tracking) that minidl never
#: needs: about a fifth of a small training step's time. The kernels, hence the bits, are the
#: same. Only minidl's own hot paths that issue many ops use it (entering it costs ~0.4 µs, more
#: than a loss's two ops save), never around user code, which may use autograd; what they
#: return to callers is never a view. ``nullcontext`` on a torch without it.
below_autograd = getattr(torch._C, "_AutoDispatchBelowADInplaceOrView", contextlib.nullcontext)

#: ``reduction="mean"`` in ATen's enum.
MEAN = 1


_ONES: dict[tuple[torch.dtype, torch.device], torch.Tensor] = {}


def ones_like_scalar(like: torch.Tensor) -> torch.Tensor:
    """A cached 0-d one of ``like``'s dtype and device: autograd's seed ``ones_like(loss)``.

    One cache for every loss (the kernels only read it), so no loss instance carries its own.
    """
    key = (like.dtype, like.device)
    one = _ONES.get(key)
    if one is None:
        one = _ONES[key] = torch.ones((), dtype=like.dtype, device=like.device)
    return one
