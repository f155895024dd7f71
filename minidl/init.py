"""Weight initialisations (Xavier/Glorot and torch.nn.Linear's default), with optional generator."""

from __future__ import annotations

import math

import torch

__all__ = ["INITS", "torch_default_", "xavier_normal_", "xavier_uniform_"]

INITS = ("xavier_uniform", "xavier_normal", "torch_default")


def _fans(weight: torch.Tensor) -> tuple[int, int]:
    if weight.dim() != 2:
        raise ValueError(f"expected a 2-D weight (out_features, in_features), got {weight.dim()}-D")
    fan_out, fan_in = weight.shape
    return fan_in, fan_out


def xavier_uniform_(weight: torch.Tensor, gain: float = 1.0,
                    generator: torch.Generator | None = None) -> torch.Tensor:
    """Fill ``weight`` from U(-a, a), ``a = gain * sqrt(6 / (fan_in + fan_out))`` (Glorot 2010)."""
    fan_in, fan_out = _fans(weight)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return weight.uniform_(-bound, bound, generator=generator)


def xavier_normal_(weight: torch.Tensor, gain: float = 1.0,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Fill ``weight`` from N(0, std²), ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _fans(weight)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return weight.normal_(0.0, std, generator=generator)


def torch_default_(weight: torch.Tensor, bias: torch.Tensor | None = None,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """What ``torch.nn.Linear.reset_parameters`` does: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    torch states it as kaiming_uniform with ``a = sqrt(5)``, which reduces to this bound,
    and draws the bias from the same range.
    """
    fan_in, _ = _fans(weight)
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    weight.uniform_(-bound, bound, generator=generator)
    if bias is not None:
        bias.uniform_(-bound, bound, generator=generator)
    return weight
