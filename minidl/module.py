"""Module and Parameter (and, from :mod:`minidl.sequential`, Sequential): minidl's containers.

They mirror ``torch.nn`` (names, ``state_dict`` layout, ``repr``) but never use autograd:
every module writes its own ``backward``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping

import torch

from .parameter import Parameter, pack_parameters, shared_pack

__all__ = ["Module", "Parameter", "Sequential"]


def _addindent(text: str, spaces: int) -> str:
    # Same indentation rule as torch.nn.Module.__repr__ so nested reprs read identically.
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    pad = " " * spaces
    return lines[0] + "\n" + "\n".join(pad + line for line in lines[1:])


class Module:
    """Base class of every layer, activation, loss and container.

    Subclasses register parameters with :meth:`register_parameter` and children with
    :meth:`add_module` (explicitly, so plain attribute writes on the hot path stay cheap),
    implement :meth:`forward` and :meth:`backward`.
    """

    def __init__(self) -> None:
        self._parameters: OrderedDict[str, Parameter | None] = OrderedDict()
        self._modules: OrderedDict[str, Module] = OrderedDict()
        self.training = True
        self._flattened = False  # set by flatten_parameters(); to() then packs again

    # -- registration ---------------------------------------------------------------------
    def register_parameter(self, name: str, param: Parameter | None) -> Parameter | None:
        """Register ``param`` under ``name``, set it as an attribute and return it."""
        self._parameters[name] = param
        setattr(self, name, param)
        return param

    def add_module(self, name: str, module: Module) -> Module:
        """Register a child module under ``name`` and return it."""
        if not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a minidl Module")
        self._modules[name] = module
        return module

    # -- computation ----------------------------------------------------------------------
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Compute the output for input ``x`` and cache what :meth:`backward` needs."""
        raise NotImplementedError(f"{type(self).__name__} does not implement forward")

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        """Accumulate parameter gradients and return the gradient with respect to the input."""
        raise NotImplementedError(f"{type(self).__name__} does not implement backward")

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward(x)

    # -- parameters -----------------------------------------------------------------------
    def named_parameters(self, prefix: str = "", remove_duplicate: bool = True
                         ) -> Iterator[tuple[str, Parameter]]:
        """Yield ``(name, parameter)`` pairs with torch.nn's dotted names (``"0.weight"``).

        A parameter reached twice (a module used twice: tied weights) is yielded once, under
        its first name, as torch does; ``remove_duplicate=False`` yields every name.
        """
        seen: set[int] | None = set() if remove_duplicate else None
        for name, param in self._named_parameters(prefix):
            if seen is not None:
                if id(param) in seen:
                    continue
                seen.add(id(param))
            yield name, param

    def _named_parameters(self, prefix: str) -> Iterator[tuple[str, Parameter]]:
        for name, param in self._parameters.items():
            if param is not None:
                yield prefix + name, param
        for child_name, child in self._modules.items():
            yield from child._named_parameters(prefix + child_name + ".")

    def parameters(self) -> Iterator[Parameter]:
        """Yield every parameter of this module and its children."""
        for _, param in self.named_parameters():
            yield param

    def zero_grad(self) -> None:
        """Set every parameter gradient to zero (in place).

        Where this zeroes a whole packed gradient buffer, it marks it fresh: the next fused
        backward writes the gradients instead of adding to zeros (same bits, fewer ops).
        """
        params = list(dict.fromkeys(self.parameters()))
        pack = shared_pack(params)
        if pack is not None and len(params) == pack.count:
            pack.zero_grad()
            return
        for param in params:
            param.grad.zero_()

    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and its children; return ``self``."""
        self.training = mode
        for child in self._modules.values():
            child.train(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode (no backward caches kept where a module can skip them)."""
        return self.train(False)

    def flatten_parameters(self) -> Module:
        """Pack every parameter of this module tree into one flat buffer; return ``self``.

        Each parameter's ``data`` and ``grad`` become views of one data and one gradient
        buffer (values unchanged), so an optimizer updates them with a few whole-buffer
        operations. :class:`Sequential` does this when it is built; call it again after editing
        a model to get the single-buffer speed back. It replaces the parameters' tensors: take
        ``p.data`` or a ``state_dict()``, and create optimizers, after it. Parameters of mixed
        dtypes or devices are left as they are.
        """
        self._flattened = pack_parameters(self.parameters())
        return self

    def to(self, device: torch.device | str | None = None,
           dtype: torch.dtype | None = None) -> Module:
        """Move and/or cast every parameter (and its gradient); return ``self``.

        The parameters get new tensors (packed again if this module was flattened), so create
        optimizers *after* calling this, as with torch.nn; an optimizer created before raises
        at its next ``zero_grad()`` or ``step()``.
        """
        moved = False
        for param in self.parameters():
            data = param.data.to(device=device, dtype=dtype)
            if data is not param.data:
                param.data = data
                param.grad = param.grad.to(device=device, dtype=dtype)
                moved = True
        if moved and self._flattened:
            self.flatten_parameters()
        return self

    # -- state ----------------------------------------------------------------------------
    def state_dict(self) -> OrderedDict[str, torch.Tensor]:
        """Return the parameters by name, sharing storage, in torch.nn's key layout."""
        return OrderedDict((name, p.data) for name, p in self.named_parameters(
            remove_duplicate=False))  # torch's state_dict keeps every name of a tied tensor

    def load_state_dict(self, state_dict: Mapping[str, torch.Tensor],
                        strict: bool = True) -> tuple[list[str], list[str]]:
        """Copy values from ``state_dict`` into the parameters (in place).

        Parameters
        ----------
        state_dict : Mapping[str, torch.Tensor]
            Tensors by name, e.g. from a torch.nn twin's ``state_dict()``.
        strict : bool
            When true, missing or unexpected keys raise ``RuntimeError``.

        Returns
        -------
        (missing_keys, unexpected_keys)
        """
        own = dict(self.named_parameters(remove_duplicate=False))
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict and missing:
            errors.append("Missing key(s) in state_dict: " + ", ".join(f'"{k}"' for k in missing))
        if strict and unexpected:
            errors.append("Unexpected key(s) in state_dict: "
                          + ", ".join(f'"{k}"' for k in unexpected))
        for name, param in own.items():
            if name not in state_dict:
                continue
            value = state_dict[name]
            if not isinstance(value, torch.Tensor):
                errors.append(f'"{name}" is a {type(value).__name__}, not a tensor')
            elif value.shape != param.data.shape:
                errors.append(f'size mismatch for {name}: copying a param with shape '
                              f'{tuple(value.shape)}, the shape in current model is '
                              f'{tuple(param.data.shape)}')
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        for name, param in own.items():
            if name in state_dict:
                # In place: optimizers and packed buffers own these very tensors.
                param.data.copy_(state_dict[name].detach())
        return missing, unexpected

    # -- repr -----------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """Extra text shown between the parentheses of ``repr`` (like torch.nn)."""
        return ""

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2)
                       for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        body = ""
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                body = extra_lines[0]
            else:
                body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{type(self).__name__}({body})"


# Sequential lives in its own file; re-exported here, where torch.nn users look for it.
from .sequential import Sequential  # noqa: E402
