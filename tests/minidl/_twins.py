"""Build a minidl model and its torch.nn twin with equal state, and train them in lock-step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

import minidl
import minidl.optim

ACTS: dict[str, tuple[Callable[[], minidl.Module], Callable[[], torch.nn.Module]]] = {
    "relu": (minidl.ReLU, torch.nn.ReLU),
    "tanh": (minidl.Tanh, torch.nn.Tanh),
    "sigmoid": (minidl.Sigmoid, torch.nn.Sigmoid),
    "leaky": (lambda: minidl.LeakyReLU(0.1), lambda: torch.nn.LeakyReLU(0.1)),
    "identity": (minidl.Identity, torch.nn.Identity),
}

OPTIMS: dict[str, tuple[str, dict[str, Any]]] = {
    "sgd": ("SGD", {"lr": 0.1}),
    "sgd_momentum": ("SGD", {"lr": 0.1, "momentum": 0.2, "dampening": 0.1,
                             "weight_decay": 1e-3}),
    "sgd_nesterov": ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True,
                             "weight_decay": 1e-2}),
    "adam": ("Adam", {"lr": 1e-2}),
    "adam_wd": ("Adam", {"lr": 3e-3, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 1e-2}),
}


class Wrapped(minidl.Module):
    """A user-defined module (unknown to the fused path): forces the generic per-module path."""

    def __init__(self, inner: minidl.Module) -> None:
        super().__init__()
        self.inner = self.add_module("inner", inner)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.inner.forward(x)

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        return self.inner.backward(grad_output)


def make_pair(act: str, sizes: tuple[int, ...], bias: bool, dtype: torch.dtype, seed: int,
              user_module: bool = False) -> tuple[minidl.Sequential, torch.nn.Sequential]:
    """A minidl Sequential and its torch.nn twin holding the same parameters.

    With ``user_module`` the last activation is wrapped in a user-defined module (no weights,
    so both twins keep torch.nn's state-dict keys), which sends minidl down the generic path.
    """
    ours: list[minidl.Module] = []
    theirs: list[torch.nn.Module] = []
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    for i, (a, b) in enumerate(pairs):
        ours.append(minidl.Linear(a, b, bias=bias, dtype=dtype))
        theirs.append(torch.nn.Linear(a, b, bias=bias, dtype=dtype))
        if i < len(pairs) - 1:
            act_ours = ACTS[act][0]()
            ours.append(Wrapped(act_ours) if user_module and i == len(pairs) - 2 else act_ours)
            theirs.append(ACTS[act][1]())
    model, twin = minidl.Sequential(*ours), torch.nn.Sequential(*theirs)
    gen = torch.Generator().manual_seed(seed)
    for layer in model:
        if isinstance(layer, minidl.Linear):
            layer.reset_parameters(gen)
            if layer.bias is not None:  # non-zero biases, so their arithmetic is exercised
                layer.bias.data.copy_(torch.randn(layer.out_features, generator=gen) * 0.1)
    twin.load_state_dict(model.state_dict())
    return model, twin


def data(n: int, sizes: tuple[int, ...], loss: str, dtype: torch.dtype, seed: int
         ) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, sizes[0], generator=gen, dtype=dtype)
    if loss == "ce":
        return x, torch.randint(0, sizes[-1], (n,), generator=gen)
    return x, torch.randn(n, sizes[-1], generator=gen, dtype=dtype)


def optimizers(name: str, model: minidl.Module, twin: torch.nn.Module
               ) -> tuple[minidl.optim.Optimizer, torch.optim.Optimizer]:
    cls, kwargs = OPTIMS[name]
    return (getattr(minidl.optim, cls)(model.parameters(), **kwargs),
            getattr(torch.optim, cls)(twin.parameters(), **kwargs))


def lock_step(model: minidl.Sequential, twin: torch.nn.Sequential, opt: Any, topt: Any,
              loss: str, x: torch.Tensor, t: torch.Tensor, batch: int, steps: int,
              check: Callable[[torch.Tensor, torch.Tensor, str], None],
              accumulate: int = 1) -> None:
    """Train both ``steps`` steps on the same batches, calling ``check`` on losses and weights.

    ``accumulate`` > 1 runs that many forward/backward passes per step (gradients add up).
    """
    crit = minidl.CrossEntropyLoss() if loss == "ce" else minidl.MSELoss()
    tcrit = torch.nn.CrossEntropyLoss() if loss == "ce" else torch.nn.MSELoss()
    n = x.shape[0]
    for step in range(steps):
        opt.zero_grad()
        topt.zero_grad()
        for k in range(accumulate):
            lo = ((step * accumulate + k) * batch) % max(1, n - batch + 1)
            xb, tb = x[lo:lo + batch], t[lo:lo + batch]
            ours = crit(model(xb), tb)
            model.backward(crit.backward())
            theirs = tcrit(twin(xb), tb)
            theirs.backward()
            check(ours, theirs.detach(), f"loss at step {step}")
        opt.step()
        topt.step()
    for (name, p), tp in zip(model.named_parameters(), twin.parameters(), strict=True):
        check(p.data, tp.detach(), f"{name} after {steps} steps")
