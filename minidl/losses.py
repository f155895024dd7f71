"""Losses: ``loss = criterion(output, target)``, then ``criterion.backward()`` gives dL/doutput."""

from __future__ import annotations

import torch

from .module import Module

__all__ = ["CrossEntropyLoss", "MSELoss"]


class _Loss(Module):
    def __call__(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return self.forward(output, target)


class MSELoss(_Loss):
    """Mean squared error over all elements, like ``torch.nn.MSELoss()``.

    ``loss = mean((output - target)²)``; ``backward()`` returns ``2 (output - target) / numel``.
    """

    def __init__(self) -> None:
        super().__init__()
        self._diff: torch.Tensor | None = None

    def forward(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        """Return the 0-d mean squared error; ``target`` has ``output``'s shape."""
        if output.shape != target.shape:
            raise ValueError(f"MSELoss: target shape {tuple(target.shape)} does not match output "
                             f"shape {tuple(output.shape)} (use minidl.data.one_hot for labels)")
        if output.requires_grad or target.requires_grad:  # never join a caller's autograd graph
            output, target = output.detach(), target.detach()
        diff = output - target
        self._diff = diff
        return diff.square().mean()

    def backward(self, grad_output: torch.Tensor | None = None) -> torch.Tensor:
        """Return d loss / d output (times ``grad_output`` if given)."""
        diff = self._diff
        if diff is None:
            raise RuntimeError("MSELoss: backward called before forward")
        grad = diff * (2.0 / diff.numel())
        return grad if grad_output is None else grad * grad_output


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy on logits with class-index targets, mean over the batch.

    Numerically stable: ``log p = x - logsumexp(x)`` where the log-sum-exp subtracts the row
    maximum before exponentiating (``torch.log_softmax`` computes exactly that in one kernel),
    so logits of size 1e4 give finite losses and gradients.
    ``backward()`` returns ``(softmax(x) - onehot(target)) / N``.
    """

    def __init__(self) -> None:
        super().__init__()
        self._log_probs: torch.Tensor | None = None
        self._index: torch.Tensor | None = None
        self._minus_one: torch.Tensor | None = None

    def forward(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        """Return the 0-d mean cross-entropy of logits ``(N, C)`` against labels ``(N,)``."""
        shape = output.shape
        if len(shape) != 2:
            raise ValueError(f"CrossEntropyLoss: expected logits of shape (N, C), "
                             f"got {tuple(shape)}")
        if target.dtype is not torch.int64 or target.shape != shape[:1]:
            raise ValueError(f"CrossEntropyLoss: expected int64 class indices of shape "
                             f"({shape[0]},), got {target.dtype} {tuple(target.shape)}")
        if output.requires_grad:  # never join a caller's autograd graph
            output = output.detach()
        log_probs = torch.log_softmax(output, 1)
        index = target.view(-1, 1)
        self._log_probs, self._index = log_probs, index
        return log_probs.gather(1, index).mean().neg()

    def backward(self, grad_output: torch.Tensor | None = None) -> torch.Tensor:
        """Return d loss / d logits (times ``grad_output`` if given)."""
        log_probs = self._log_probs
        if log_probs is None:
            raise RuntimeError("CrossEntropyLoss: backward called before forward")
        n = log_probs.shape[0]
        minus_one = self._minus_one
        # Cached (N, 1) tensor of -1; identity of dtype/device checks is cheap (no allocation).
        if (minus_one is None or minus_one.shape[0] != n or minus_one.dtype is not log_probs.dtype
                or minus_one.is_cuda is not log_probs.is_cuda):
            minus_one = self._minus_one = log_probs.new_full((n, 1), -1.0)
        grad = log_probs.exp()
        grad.scatter_add_(1, self._index, minus_one)  # softmax - onehot, no one-hot tensor built
        grad.div_(n)
        return grad if grad_output is None else grad * grad_output
