"""The one-line formula each module, loss and optimiser implements (forward · backward)."""

from __future__ import annotations

import minidl

__all__ = ["loss_formula", "module_formula", "optimizer_formula"]

_MODULES = {
    minidl.Linear: "y = x·Wᵀ + b   ·   dW += gᵀ·x,  db += Σₙ g,  dx = g·W",
    minidl.ReLU: "y = max(x, 0)   ·   dx = g ⊙ [x > 0]",
    minidl.LeakyReLU: "y = x if x > 0 else α·x   ·   dx = g ⊙ (x > 0 ? 1 : α)",
    minidl.Tanh: "y = tanh(x)   ·   dx = g ⊙ (1 − y²)",
    minidl.Sigmoid: "y = σ(x) = 1 / (1 + e⁻ˣ)   ·   dx = g ⊙ y(1 − y)",
    minidl.Identity: "y = x   ·   dx = g",
}
_LOSSES = {
    "cross_entropy": "L = −mean log softmax(z)[label]   ·   dz = (softmax(z) − onehot) / N",
    "mse": "L = mean((z − t)²)   ·   dz = 2(z − t) / (N·k)",
}


def module_formula(module: minidl.Module) -> str:
    """``"forward · backward"`` for a minidl module; ``""`` for one without a known rule."""
    return _MODULES.get(type(module), "")


def loss_formula(loss: str) -> str:
    """The formula of the spec's ``loss`` (``"cross_entropy"`` or ``"mse"``)."""
    return _LOSSES[loss]


def optimizer_formula(opt) -> str:
    """The update rule of an :class:`~studio.core.spec.OptimizerSpec`, with its settings."""
    if opt.name == "adam":
        return (f"m = β₁m + (1−β₁)g,  v = β₂v + (1−β₂)g²,  w −= lr·m̂ / (√v̂ + ε)   "
                f"(lr {opt.lr:g}, β {opt.beta1:g}/{opt.beta2:g})")
    rule = "v = μ·v + g,  w −= lr·v" if opt.momentum else "w −= lr·g"
    if opt.weight_decay:
        rule = f"g += λw,  {rule}"
    return f"{rule}   (lr {opt.lr:g}, μ {opt.momentum:g})"
