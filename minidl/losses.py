"""Losses: ``loss = criterion(output, target)``, then ``criterion.backward()`` gives dL/doutput."""

from __future__ import annotations

import torch

from . import _ops
from .module import Module

__all__ = ["CrossEntropyLoss", "MSELoss"]


class _Loss(Module):
    def __call__(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        return self.forward(output, target)


class MSELoss(_Loss):
    """Mean squared error over all elements, like ``torch.nn.MSELoss()``.

    ``loss = mean((output - target)²)``; ``backward()`` returns ``2 (output - target) / numel``.
    Both are ATen's ``mse_loss`` / ``mse_loss_backward``, as torch.nn runs them.
    """

    def __init__(self) -> None:
        super().__init__()
        self._saved: tuple[torch.Tensor, torch.Tensor] | None = None

    def forward(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        """Return the 0-d mean squared error; ``target`` has ``output``'s shape."""
        if output.shape != target.shape:
            raise ValueError(f"MSELoss: target shape {tuple(target.shape)} does not match output "
                             f"shape {tuple(output.shape)} (use minidl.data.one_hot for labels)")
        if output.requires_grad or target.requires_grad:  # never join a caller's autograd graph
            output, target = output.detach(), target.detach()
        self._saved = (output, target)
        return _ops.mse_loss(output, target, _ops.MEAN)

    def backward(self, grad_output: torch.Tensor | None = None) -> torch.Tensor:
        """Return d loss / d output (times the 0-d ``grad_output`` if given)."""
        saved = self._saved
        if saved is None:
            raise RuntimeError("MSELoss: backward called before forward")
        output, target = saved
        if grad_output is None:
            grad_output = _ops.ones_like_scalar(output)
        return _ops.mse_loss_backward(grad_output, output, target, _ops.MEAN)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy on logits with class-index targets, mean over the batch.

    Numerically stable: ``log p = x - logsumexp(x)`` where the log-sum-exp subtracts the row
    maximum before exponentiating (``torch.log_softmax`` computes exactly that in one kernel),
    so logits of size 1e4 give finite losses and gradients.
    ``backward()`` returns ``(softmax(x) - onehot(target)) / N``.
    """

    def __init__(self) -> None:
        super().__init__()
        self._saved: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None

    def forward(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        """Return the 0-d mean cross-entropy of logits ``(N, C)`` against labels ``(N,)``."""
        if target.dtype is not torch.int64:  # ATen would take uint8 labels too
            self._check(output, target)
        if output.requires_grad:  # never join a caller's autograd graph
            output = output.detach()
        # torch.nn runs exactly these two kernels (cross_entropy = log_softmax + nll_loss);
        # nll_loss rejects out-of-range labels and, like torch, ignores -100. Shapes are
        # checked by the kernels; only when one refuses is the clear message worked out.
        try:
            log_probs = torch._log_softmax(output, 1, False)
            loss, total_weight = _ops.nll_loss_forward(log_probs, target, None, _ops.MEAN, -100)
        except (RuntimeError, IndexError):
            self._check(output, target)
            raise  # shapes were fine: a label out of range, say
        self._saved = (log_probs, target, total_weight)
        return loss

    @staticmethod
    def _check(output: torch.Tensor, target: torch.Tensor) -> None:
        shape = output.shape
        if len(shape) != 2:
            raise ValueError(f"CrossEntropyLoss: expected logits of shape (N, C), "
                             f"got {tuple(shape)}")
        if target.dtype is not torch.int64 or target.dim() != 1 or target.shape[0] != shape[0]:
            raise ValueError(f"CrossEntropyLoss: expected int64 class indices of shape "
                             f"({shape[0]},), got {target.dtype} {tuple(target.shape)}")

    def backward(self, grad_output: torch.Tensor | None = None) -> torch.Tensor:
        """Return d loss / d logits (times the 0-d ``grad_output`` if given)."""
        saved = self._saved
        if saved is None:
            raise RuntimeError("CrossEntropyLoss: backward called before forward")
        log_probs, target, total_weight = saved
        if grad_output is None:
            grad_output = _ops.ones_like_scalar(log_probs)
        grad = _ops.nll_loss_backward(grad_output, log_probs, target, None, _ops.MEAN, -100,
                                      total_weight)
        return torch._log_softmax_backward_data(grad, log_probs, 1, log_probs.dtype)
