"""Optimizers with exactly torch.optim's update rules: SGD (momentum, dampening, Nesterov,
weight decay) and Adam.

An optimizer never rebinds a parameter's tensors: it updates ``p.data`` in place and reads the
current ``p.grad`` at every step. Speed comes from the model: parameters that a model packed
into one flat buffer (:meth:`minidl.Module.flatten_parameters`; every
:class:`~minidl.Sequential` does it when built) and that follow each other in the optimizer's
list are updated as one slice of that buffer — a handful of element-wise ops on one tensor
instead of a few per parameter, with the same arithmetic, in the same order, as torch's
per-parameter loop. Any other parameter is updated on its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import torch

from ._chunk import Chunk
from ._ops import below_autograd
from ._rules import adam_update, sgd_update
from .module import Parameter

__all__ = ["SGD", "Adam", "Optimizer"]


def _check(label: str, value: Any, low: float = 0.0, high: float | None = None) -> None:
    # Finite and in [low, high): NaN compares false with everything, so test finiteness too.
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Invalid {label}: {value!r}") from None
    if not math.isfinite(number) or number < low or (high is not None and number >= high):
        raise ValueError(f"Invalid {label}: {value}")


class Optimizer:
    """Base class: groups parameters into chunks, implements ``step``/``zero_grad``.

    Subclasses implement :meth:`_update` for one chunk's data, gradient and state.

    Parameters
    ----------
    params : iterable of Parameter
        What to optimise (e.g. ``model.parameters()``). Several optimizers may share or split
        a model's parameters; each updates the tensors in place.
    defaults : dict
        The hyperparameters; stored in ``param_groups[0]`` as torch does.
    """

    def __init__(self, params: Iterable[Parameter], defaults: dict[str, Any]) -> None:
        self.params: list[Parameter] = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Parameter):
                raise TypeError(f"optimizer can only optimize minidl Parameters, got "
                                f"{type(p).__name__}")
        self.defaults = dict(defaults)
        self.param_groups: list[dict[str, Any]] = [dict(defaults, params=self.params)]
        self._chunks: list[Chunk] = []
        for i, p in enumerate(self.params):
            if not (self._chunks and self._chunks[-1].extend(p)):
                self._chunks.append(Chunk(i, p))
        for chunk in self._chunks:
            chunk.finish()
        self._where = [(chunk, j) for chunk in self._chunks for j in range(len(chunk.params))]
        self._seen = -1  # the Parameter.generation last verified; -1: verify at the first call

    def _replaced(self, chunk: Chunk, param: Parameter, data: torch.Tensor) -> RuntimeError:
        i = chunk.index + chunk.params.index(param)
        now = param.data
        how = "by assigning p.data, model.flatten_parameters() or building a Sequential around it"
        if isinstance(now, torch.Tensor) and (now.dtype, now.device) != (data.dtype, data.device):
            how = (f"it is now {now.dtype} on {now.device}, was {data.dtype} on {data.device}: "
                   "model.to() gives parameters new tensors")
        return RuntimeError(
            f"parameter {i} (shape {tuple(data.shape)}) was replaced after this optimizer was "
            f"created ({how}); optimizers update the tensors they were given and never follow "
            "a replaced one. Create the optimizer after moving, casting or packing the model, "
            "or change values in place (p.data.copy_(...))")

    def _verify(self) -> None:
        # Runs only after some Parameter's data or grad was rebound (Parameter.generation moved):
        # every check here, before any update, so a bad parameter leaves all of them untouched.
        # A chunk keeps its one-op gradient while every p.grad is still its flat view; else
        # step() gathers the current p.grad tensors, so that a replaced gradient takes effect.
        generation = Parameter.generation
        for chunk in self._chunks:
            fast = chunk.grad is not None
            for p, data, g in chunk.expect:
                if p.data is not data:
                    raise self._replaced(chunk, p, data)
                if p.grad is not g:
                    fast = False
                    grad = p.grad
                    if not (isinstance(grad, torch.Tensor) and grad.shape == data.shape
                            and grad.dtype == data.dtype and grad.device == data.device):
                        got = (f"{tuple(grad.shape)}, {grad.dtype}, {grad.device}"
                               if isinstance(grad, torch.Tensor) else type(grad).__name__)
                        raise RuntimeError(
                            f"parameter {chunk.index + chunk.params.index(p)}'s grad must be a "
                            f"tensor like its data ({tuple(data.shape)}, {data.dtype}, "
                            f"{data.device}); got {got}")
            chunk.fast = fast
        self._seen = generation

    def zero_grad(self, set_to_none: bool = False) -> None:
        """Set every gradient to zero, in place (one op per flat run).

        Parameters
        ----------
        set_to_none : bool
            minidl's gradients are never ``None``; with ``True`` (fast mode) they are instead
            *undefined until the next backward*, as torch's are: where a model's generated
            backward overwrites every gradient of a flat buffer, the zeroing pass is skipped
            and the old values stay visible until that backward. ``step()`` right after still
            sees zeros. Read gradients after ``backward``, never between.
        """
        if self._seen != Parameter.generation:
            self._verify()
        for chunk in self._chunks:
            if chunk.pack is not None and chunk.fast:
                chunk.pack.zero_grad(set_to_none)  # lazily: the next backward writes them
            elif chunk.fast:
                chunk.grad.zero_()
            else:
                for p in chunk.params:
                    p.grad.zero_()

    def step(self) -> None:
        """Apply one update from the current gradients."""
        if self._seen != Parameter.generation:
            self._verify()
        group = self.param_groups[0]
        update = self._update
        with below_autograd():
            for chunk in self._chunks:
                if chunk.fast:  # the common case, kept short: this runs every step
                    pack = chunk.pack
                    if pack is not None and pack.stale:
                        pack.clear()  # zero_grad() then step() with no backward between
                    update(chunk.data, chunk.grad, chunk.state, group, chunk.aux)
                elif chunk.packed:  # some p.grad was replaced: gather the current ones
                    grad = torch.zeros_like(chunk.data)  # zeros between the aligned slots
                    for j, p in enumerate(chunk.params):
                        chunk.view(j, grad).copy_(p.grad)
                    update(chunk.data, grad, chunk.state, group, chunk.aux)
                else:
                    update(chunk.data, chunk.params[0].grad, chunk.state, group, chunk.aux)

    def _update(self, data: torch.Tensor, grad: torch.Tensor, state: dict[str, Any],
                group: dict[str, Any], aux: dict[Any, Any]) -> None:
        raise NotImplementedError

    # -- state, in torch.optim's per-parameter layout ---------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Return ``{"state": {index: {...}}, "param_groups": [...]}`` like torch.optim."""
        state: dict[int, dict[str, Any]] = {}
        for i, (chunk, j) in enumerate(self._where):
            entry = {}
            for key, value in chunk.state.items():
                if isinstance(value, torch.Tensor) and value.dim() > 0:
                    entry[key] = chunk.view(j, value).clone()
                else:  # torch stores the step count as a 0-d float tensor
                    entry[key] = torch.tensor(float(value))
            if entry:
                state[i] = entry
        groups = [{k: v for k, v in g.items() if k != "params"} for g in self.param_groups]
        for g in groups:
            g["params"] = list(range(len(self.params)))
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyperparameters and per-parameter state saved by :meth:`state_dict`."""
        groups = state_dict["param_groups"]
        if len(groups) != 1 or len(groups[0]["params"]) != len(self.params):
            raise ValueError("loaded state dict does not match this optimizer's parameters")
        self.param_groups[0].update({k: v for k, v in groups[0].items() if k != "params"})
        saved = state_dict["state"]
        for chunk in self._chunks:
            chunk.state.clear()
        for i, (chunk, j) in enumerate(self._where):
            for key, value in saved.get(i, saved.get(str(i), {})).items():
                if isinstance(value, torch.Tensor) and value.dim() > 0:
                    if key not in chunk.state:
                        chunk.state[key] = torch.zeros_like(chunk.data)
                    chunk.view(j, chunk.state[key]).copy_(value)
                else:
                    number = value.item() if isinstance(value, torch.Tensor) else value
                    chunk.state[key] = int(number)

    def __repr__(self) -> str:
        settings = "\n".join(f"    {k}: {v}" for k, v in self.defaults.items())
        return f"{type(self).__name__} (\nParameter Group 0\n{settings}\n)"


class SGD(Optimizer):
    """Stochastic gradient descent, exactly ``torch.optim.SGD``.

    With momentum μ, dampening τ, weight decay λ and learning rate γ, per step:
    ``g ← g + λθ``; ``b ← g`` on the first step, else ``b ← μb + (1-τ)g``;
    ``g ← g + μb`` (Nesterov) or ``g ← b``; ``θ ← θ - γg``.
    """

    def __init__(self, params: Iterable[Parameter], lr: float, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0,
                 nesterov: bool = False, fused: bool = False) -> None:
        _check("learning rate", lr)
        _check("momentum value", momentum)
        _check("dampening value", dampening)
        _check("weight_decay value", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Invalid nesterov setting: Nesterov momentum requires a momentum "
                             "and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov})
        self.fused = bool(fused)

    def _update(self, data: torch.Tensor, grad: torch.Tensor, state: dict[str, Any],
                group: dict[str, Any], aux: dict[Any, Any]) -> None:
        sgd_update(data, grad, state, group, aux, self.fused)


class Adam(Optimizer):
    """Adam (Kingma & Ba), exactly ``torch.optim.Adam`` without amsgrad.

    ``m ← β1 m + (1-β1) g``; ``v ← β2 v + (1-β2) g²``;
    ``θ ← θ - (γ / (1-β1ᵗ)) · m / (sqrt(v) / sqrt(1-β2ᵗ) + ε)``.
    """

    def __init__(self, params: Iterable[Parameter], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, fused: bool = False) -> None:
        _check("learning rate", lr)
        _check("epsilon value", eps)
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            raise ValueError(f"Invalid betas: {betas!r} (expected two coefficients)")
        _check("beta parameter at index 0 (betas[0])", betas[0], high=1.0)
        _check("beta parameter at index 1 (betas[1])", betas[1], high=1.0)
        _check("weight_decay value", weight_decay)
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay})
        self.fused = bool(fused)

    def _update(self, data: torch.Tensor, grad: torch.Tensor, state: dict[str, Any],
                group: dict[str, Any], aux: dict[Any, Any]) -> None:
        adam_update(data, grad, state, group, aux, self.fused)
