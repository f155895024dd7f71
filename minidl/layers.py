"""The fully connected layer."""

from __future__ import annotations

import torch

from . import init as _init
from .module import Module, Parameter

__all__ = ["Linear"]


class Linear(Module):
    """``y = x @ W.T + b``, like ``torch.nn.Linear``, with a hand-written backward.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of each input and output sample.
    bias : bool
        Whether to learn an additive bias.
    init : {"xavier_uniform", "xavier_normal", "torch_default"}
        Weight initialisation. Xavier sets the bias to zero (as both seed projects do);
        ``"torch_default"`` reproduces ``nn.Linear``.
    gain : float
        Xavier gain.
    device, dtype
        Where and how to allocate the parameters (default float32 on the CPU).

    Notes
    -----
    Shapes: input ``(N, in_features)``, output ``(N, out_features)``; ``weight`` is
    ``(out_features, in_features)`` and ``bias`` ``(out_features,)``, as in torch.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: str = "xavier_uniform", gain: float = 1.0,
                 device: torch.device | str | None = None,
                 dtype: torch.dtype | None = None) -> None:
        super().__init__()
        if in_features < 1 or out_features < 1:
            raise ValueError(f"Linear sizes must be positive, got in_features={in_features}, "
                             f"out_features={out_features}")
        if init not in _init.INITS:
            raise ValueError(f"Unknown init {init!r}; choose from {', '.join(_init.INITS)}")
        self.in_features = in_features
        self.out_features = out_features
        self.init = init
        self.gain = gain
        factory = {"device": device, "dtype": dtype}
        self.weight: Parameter = self.register_parameter(
            "weight", Parameter(torch.empty(out_features, in_features, **factory)))
        bias_param = Parameter(torch.empty(out_features, **factory)) if bias else None
        self.bias: Parameter | None = self.register_parameter("bias", bias_param)
        self._input: torch.Tensor | None = None
        self._w: torch.Tensor | None = None     # weight.data seen last; its transpose is cached
        self._wt: torch.Tensor | None = None
        self.reset_parameters()

    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """Re-draw the weights (and bias) with this layer's init; pass a generator to reproduce."""
        w = self.weight.data
        b = self.bias.data if self.bias is not None else None
        if self.init == "torch_default":
            _init.torch_default_(w, b, generator=generator)
            return
        if self.init == "xavier_uniform":
            _init.xavier_uniform_(w, self.gain, generator=generator)
        else:
            _init.xavier_normal_(w, self.gain, generator=generator)
        if b is not None:
            b.zero_()

    def _check(self, x: torch.Tensor) -> None:
        raise ValueError(
            f"{self!r}: expected input of shape (N, {self.in_features}), got {tuple(x.shape)} "
            f"({x.shape[-1] if x.dim() else 0} features, this layer takes {self.in_features})")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return ``x @ weight.T + bias`` for ``x`` of shape ``(N, in_features)``."""
        shape = x.shape
        if len(shape) != 2 or shape[1] != self.in_features:
            self._check(x)
        if x.requires_grad:  # a caller's autograd tensor must not pull us into a graph
            x = x.detach()
        w = self.weight.data
        if w is not self._w:  # parameters were replaced (to(), flatten_parameters()): refresh views
            self._w, self._wt = w, w.t()
        self._input = x
        if self.bias is None:
            return torch.mm(x, self._wt)
        return torch.addmm(self.bias.data, x, self._wt)

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        """Accumulate ``dW += g.T @ x`` and ``db += sum(g, 0)``; return ``g @ W``.

        The gradients are computed with the ops torch's autograd uses for ``addmm`` (``mm``,
        ``sum(dim=0, keepdim=True)``) and added to ``grad`` as torch accumulates into an
        existing ``.grad``, so the bits equal torch.nn's (adding to zeros changes nothing).
        """
        x = self._input
        if x is None:
            raise RuntimeError(f"{self!r}: backward called before forward")
        packed = self.weight._packed
        if packed is not None:
            packed.pack.clear()  # gradients left to a fused backward: zero them before adding
            packed.pack.fresh = False
        self.weight.grad.add_(torch.mm(grad_output.t(), x))
        if self.bias is not None:
            self.bias.grad.add_(torch.sum(grad_output, 0))
        return torch.mm(grad_output, self._w)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")
