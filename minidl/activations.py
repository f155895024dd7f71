"""Element-wise activations with hand-written derivatives.

Each forward computes, when training, the local derivative ``d = f'(x)`` that backward needs,
so backward is a single multiply ``grad_output * d``. In eval mode nothing is cached.
"""

from __future__ import annotations

import torch

from .module import Module

__all__ = ["Identity", "LeakyReLU", "ReLU", "Sigmoid", "Tanh"]


class _Activation(Module):
    """Shared backward: ``grad_input = grad_output * f'(x)``."""

    def __init__(self) -> None:
        super().__init__()
        self._deriv: torch.Tensor | None = None

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        """Return ``grad_output * f'(x)`` for the ``x`` of the last training forward."""
        deriv = self._deriv
        if deriv is None:
            raise RuntimeError(f"{self!r}: backward called before forward (in training mode)")
        return grad_output * deriv


class ReLU(_Activation):
    """``max(x, 0)``; derivative 1 where x > 0, else 0 (0 at x = 0, as torch)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply ReLU element-wise."""
        if x.requires_grad:  # a caller's autograd tensor must not pull us into a graph
            x = x.detach()
        y = torch.relu(x)
        # sign(relu(x)) is exactly the 0/1 mask in one op, already in x's dtype. In eval mode
        # the cache is dropped so a later backward fails loudly instead of using stale values.
        self._deriv = torch.sign(y) if self.training else None
        return y


class Tanh(_Activation):
    """``tanh(x)``; derivative ``1 - tanh(x)²``."""

    def __init__(self) -> None:
        super().__init__()
        self._one: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply tanh element-wise."""
        if x.requires_grad:
            x = x.detach()
        y = torch.tanh(x)
        if not self.training:
            self._deriv = None
            return y
        one = self._one
        if one is None or one.dtype is not y.dtype or one.device != y.device:
            one = self._one = y.new_ones(())
        self._deriv = torch.addcmul(one, y, y, value=-1.0)  # 1 - y*y in one op
        return y


class Sigmoid(_Activation):
    """``1 / (1 + exp(-x))``; derivative ``s (1 - s)``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the logistic sigmoid element-wise."""
        if x.requires_grad:
            x = x.detach()
        y = torch.sigmoid(x)
        # y - y*y = y (1 - y), in one op
        self._deriv = torch.addcmul(y, y, y, value=-1.0) if self.training else None
        return y


class LeakyReLU(_Activation):
    """``x`` where x > 0, else ``negative_slope * x``.

    Parameters
    ----------
    negative_slope : float
        Slope for negative inputs (default 0.01, as torch).
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply leaky ReLU element-wise."""
        if x.requires_grad:
            x = x.detach()
        positive = x > 0
        y = torch.where(positive, x, x * self.negative_slope)
        if not self.training:
            self._deriv = None
            return y
        # Built in x's dtype: a float32 0.01 would be off by 2e-10 in a float64 model.
        self._deriv = torch.full_like(x, self.negative_slope).masked_fill_(positive, 1.0)
        return y

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
