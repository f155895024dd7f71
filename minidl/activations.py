"""Element-wise activations with hand-written derivatives.

Each backward calls the ATen kernel torch's autograd calls for that activation
(``threshold_backward``, ``tanh_backward``, ``sigmoid_backward``, ``leaky_relu_backward``),
on what the forward kept (the output, or the input for LeakyReLU), so the gradients are
torch.nn's to the bit. In eval mode nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from . import _ops
from .module import Module

__all__ = ["Identity", "LeakyReLU", "ReLU", "Sigmoid", "Tanh"]


class _Activation(Module):
    """Shared forward/backward: ``y = f(x)``; ``grad_input = _backward(grad_output, y)``."""

    _f: Callable[[torch.Tensor], torch.Tensor]
    _backward: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

    def __init__(self) -> None:
        super().__init__()
        self._saved: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the activation element-wise."""
        if x.requires_grad:  # a caller's autograd tensor must not pull us into a graph
            x = x.detach()
        y = type(self)._f(x)
        # In eval mode the cache is dropped so a later backward fails loudly, not stale.
        self._saved = y if self.training else None
        return y

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        """Return d loss / d input for the last training forward."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(f"{self!r}: backward called before forward (in training mode)")
        return type(self)._backward(grad_output, saved)


def _relu_backward(grad: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return _ops.threshold_backward(grad, y, 0)


class ReLU(_Activation):
    """``max(x, 0)``; derivative 1 where x > 0, else 0 (0 at x = 0, as torch)."""

    _f = torch.relu
    _backward = _relu_backward


class Tanh(_Activation):
    """``tanh(x)``; derivative ``1 - tanh(x)²``."""

    _f = torch.tanh
    _backward = _ops.tanh_backward


class Sigmoid(_Activation):
    """``1 / (1 + exp(-x))``; derivative ``s (1 - s)``."""

    _f = torch.sigmoid
    _backward = _ops.sigmoid_backward


class LeakyReLU(Module):
    """``x`` where x > 0, else ``negative_slope * x``.

    Parameters
    ----------
    negative_slope : float
        Slope for negative inputs (default 0.01, as torch).
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)
        self._input: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply leaky ReLU element-wise."""
        if x.requires_grad:
            x = x.detach()
        self._input = x if self.training else None  # autograd keeps the input, too
        return _ops.leaky_relu(x, self.negative_slope)

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        """Return d loss / d input for the last training forward."""
        x = self._input
        if x is None:
            raise RuntimeError(f"{self!r}: backward called before forward (in training mode)")
        return _ops.leaky_relu_backward(grad_output, x, self.negative_slope, False)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Identity(Module):
    """Pass-through; backward returns its input gradient unchanged."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return ``x``."""
        return x

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        """Return ``grad_output``."""
        return grad_output
