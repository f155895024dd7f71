"""Sequential: a chain of modules, run by generated straight-line code when it can be.

See :mod:`minidl._fused` for the code a chain of minidl's own layers gets.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import torch

from .module import Module
from .parameter import Parameter

__all__ = ["Sequential"]


class Sequential(Module):
    """A chain of modules: forward in order, backward in reverse.

    Children are named ``"0"``, ``"1"``, ... so state dicts match ``torch.nn.Sequential``.
    Building one packs the children's parameters into one flat buffer
    (:meth:`~Module.flatten_parameters`). Edits (:meth:`append`, :meth:`insert`,
    :meth:`add_module`, ``model[i] = m``, ``del model[i]``) keep forward and backward right but
    do not pack again: call ``flatten_parameters()`` after editing for the single-buffer speed.
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        self._input_grad = True
        for index, module in enumerate(modules):
            super().add_module(str(index), module)
        self._rebuild()
        self.flatten_parameters()

    def _rebuild(self) -> None:
        # Bound methods cached once: the training hot path then does no attribute lookups.
        # Every edit goes through here, or forward would keep running the old chain.
        mods = list(self._modules.values())
        self._forwards = tuple(m.forward for m in mods)
        self._backwards = tuple(m.backward for m in reversed(mods))
        self._plans: dict[bool, Any] = {}  # training mode -> minidl._fused.Plan
        self._plan: Any = None             # the plan the last forward ran

    @property
    def input_grad(self) -> bool:
        """Whether :meth:`backward` returns d loss / d input (default ``True``).

        Set it to ``False`` when nothing uses that gradient (a model trained on data, not
        nested in another): the fused backward then skips the first layer's ``g @ W`` and
        returns ``None``, as torch skips the gradient of an input that does not require grad.
        Parameter gradients are the same bits either way. Part of minidl's fast mode.
        """
        return self._input_grad

    @input_grad.setter
    def input_grad(self, value: bool) -> None:
        self._input_grad = bool(value)
        self._plans, self._plan = {}, None

    def __getstate__(self) -> dict[str, Any]:
        # Generated code is bound to this model's tensors and cannot be pickled: a copy
        # (copy.deepcopy, pickle) generates its own on its first forward.
        state = self.__dict__.copy()
        state["_plans"], state["_plan"] = {}, None
        return state

    def _new_plan(self) -> Any:
        # Generated code binds parameter tensors, so it is remade whenever any Parameter was
        # rebound (Parameter.generation moved) or the chain was edited (_rebuild).
        from ._fused import plan_for  # late: _fused imports the layer modules, which import us
        plan = self._plans[self.training] = plan_for(self, list(self._modules.values()),
                                                     self.training)
        return plan

    def _renumber(self, mods: list[Module]) -> None:
        for module in mods:
            if not isinstance(module, Module):
                raise TypeError(f"{type(module).__name__} is not a minidl Module")
        self._modules = OrderedDict((str(i), m) for i, m in enumerate(mods))
        self._rebuild()

    def _index(self, index: int) -> int:
        n = len(self._modules)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for a Sequential of {n}")
        return index % n

    def add_module(self, name: str, module: Module) -> Module:
        """Register (or replace) the child ``name`` and return it; forward/backward follow."""
        super().add_module(name, module)
        self._rebuild()
        return module

    def append(self, module: Module) -> Sequential:
        """Append ``module`` at the end and return ``self``."""
        self.add_module(str(len(self._modules)), module)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert ``module`` before position ``index`` (children renumbered); return ``self``."""
        mods = list(self._modules.values())
        n = len(mods)
        if not -n <= index <= n:
            raise IndexError(f"index {index} is out of range for a Sequential of {n}")
        mods.insert(index, module)
        self._renumber(mods)
        return self

    def __setitem__(self, index: int, module: Module) -> None:
        self.add_module(list(self._modules)[self._index(index)], module)

    def __delitem__(self, index: int) -> None:
        mods = list(self._modules.values())
        del mods[self._index(index)]
        self._renumber(mods)  # keys stay "0", "1", ... as in torch.nn.Sequential

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, index: int) -> Module:
        return list(self._modules.values())[index]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply every module in order (generated straight-line code for minidl's own layers)."""
        plan = self._plans.get(self.training)
        if plan is None or plan.generation != Parameter.generation:
            plan = self._new_plan()
        self._plan = plan
        fused = plan.forward
        if fused is not None:
            return fused(x)
        for forward in self._forwards:
            x = forward(x)
        return x

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        """Back-propagate through every module in reverse; return the input gradient."""
        plan = self._plan
        if plan is not None and plan.backward is not None:
            if plan.generation != Parameter.generation:
                # Some parameter was rebound since forward: same chain, fresh bindings.
                saved, plan = plan.saved, self._new_plan()
                plan.saved = saved
                self._plan = plan
            return plan.backward(grad_output)
        for backward in self._backwards:
            grad_output = backward(grad_output)
        return grad_output
