"""Parameter, and the packing of parameters into one flat buffer.

A model packs its parameters once, explicitly (:meth:`minidl.Module.flatten_parameters`, which
:class:`minidl.Sequential` calls when it is built): each parameter's ``data`` and ``grad``
become views of one flat data buffer and one flat gradient buffer. Optimizers never rebind
anything; they notice parameters that are still such views and update a run of them with a few
whole-buffer operations instead of a few per parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import torch

__all__ = ["ALIGN", "Pack", "Packed", "Parameter", "pack_parameters", "shared_pack"]

#: Byte alignment of every parameter's slot in a packed buffer.
ALIGN = 64


class Pack:
    """What the parameters packed together share: their buffers and two gradient flags.

    ``fresh``: an optimizer (or :meth:`minidl.Module.zero_grad`) cleared the whole gradient
    buffer and no backward has written it since. The fused backward of a
    :class:`~minidl.Sequential` then writes each gradient with ``out=`` (as autograd fills a
    ``.grad`` that ``zero_grad()`` set to ``None``) instead of computing it aside and adding.
    ``stale``: the clearing was left to that backward (``zero_grad(set_to_none=True)``),
    because the plan covering every parameter here (``covered``) overwrites all of them; the
    memory still holds the last gradients until then. Anything else about to read or add to
    it calls :meth:`clear` first.
    """

    __slots__ = ("count", "covered", "flat_data", "flat_grad", "fresh", "stale")

    def __init__(self, flat_data: torch.Tensor, flat_grad: torch.Tensor, count: int) -> None:
        self.flat_data, self.flat_grad = flat_data, flat_grad
        self.count = count  # how many parameters share the buffers
        self.fresh = self.stale = self.covered = False

    def zero_grad(self, lazy: bool = False) -> None:
        """Mark the gradients cleared; zero the memory now unless ``lazy`` and covered."""
        stale = lazy and self.covered
        if not stale:
            self.flat_grad.zero_()
        self.fresh, self.stale = True, stale

    def clear(self) -> None:
        """Zero a stale buffer now (before a reader or an accumulating writer uses it)."""
        if self.stale:
            self.flat_grad.zero_()
            self.stale = False


class Packed(NamedTuple):
    """Where a packed parameter lives: the views it was given and the buffers behind them."""

    data: torch.Tensor       # the view assigned to ``Parameter.data`` by the packing
    grad: torch.Tensor       # the view assigned to ``Parameter.grad`` by the packing
    flat_data: torch.Tensor  # 1-D buffer shared by every parameter packed together
    flat_grad: torch.Tensor
    offset: int              # first element of this parameter in both buffers (aligned)
    pack: Pack               # shared by every parameter packed together


class Parameter:
    """A trainable tensor and its gradient.

    Parameters
    ----------
    data : torch.Tensor
        The value. It never requires grad: minidl computes gradients by hand.

    Attributes
    ----------
    data : torch.Tensor
        The value, updated in place by optimizers (which never replace it).
    grad : torch.Tensor
        The accumulated gradient, same shape as ``data``; zeros at creation, never ``None``.
        It may be replaced (``p.grad = p.grad.clamp(-1, 1)``): optimizers read the current one.

    Notes
    -----
    ``_packed`` records the views given by :func:`pack_parameters`; it describes the parameter
    only while ``data`` (and, for the single-op gradient path, ``grad``) are still those views.
    """

    __slots__ = ("data", "grad", "_packed")

    #: Bumped whenever any parameter's ``data`` or ``grad`` is rebound: optimizers re-check
    #: their parameters only then, instead of at every step.
    generation = 0

    def __setattr__(self, name: str, value: object) -> None:
        object.__setattr__(self, name, value)
        Parameter.generation += 1

    def __init__(self, data: torch.Tensor) -> None:
        # detach() guards against a caller handing us a tensor that is part of an autograd graph.
        self.data = data.detach()
        self.grad = torch.zeros_like(self.data)
        self._packed: Packed | None = None

    @property
    def shape(self) -> torch.Size:
        """The shape of ``data``."""
        return self.data.shape

    def __repr__(self) -> str:
        return f"Parameter containing:\n{self.data!r}"


def pack_parameters(params: Iterable[Parameter]) -> bool:
    """Make the parameters' data and grads views of one flat buffer each, values unchanged.

    Parameters
    ----------
    params : iterable of Parameter
        In the order they should sit in the buffers (a parameter listed twice is packed once).

    Returns
    -------
    bool
        Whether they were packed: parameters of different dtypes or devices are left alone.

    Notes
    -----
    This *replaces* ``data`` and ``grad`` of every parameter, so tensors taken from them earlier
    no longer belong to the model. Call it before taking ``p.data``, a ``state_dict()`` or
    creating an optimizer; an optimizer created earlier raises at its next step.
    """
    unique = list(dict.fromkeys(params))  # shared parameters (tied weights) get one slot
    if not unique:
        return False
    first = unique[0].data
    if any(p.data.dtype != first.dtype or p.data.device != first.device for p in unique):
        return False
    # Every slot starts on a 64-byte boundary, as a tensor of its own would: MKL's gemm may
    # round differently into a misaligned output, and gradients are written with out=.
    step = max(1, ALIGN // first.element_size())
    offsets, offset = [], 0
    for p in unique:
        offsets.append(offset)
        offset = -(-(offset + p.data.numel()) // step) * step
    total = offsets[-1] + unique[-1].data.numel()
    flat_data = torch.zeros(total, dtype=first.dtype, device=first.device)
    flat_grad = torch.zeros_like(flat_data)  # zeros: the padding between slots stays zero
    pack = Pack(flat_data, flat_grad, len(unique))
    for p, offset in zip(unique, offsets, strict=True):
        n = p.data.numel()
        data_view = flat_data[offset:offset + n].view(p.data.shape)
        grad_view = flat_grad[offset:offset + n].view(p.data.shape)
        data_view.copy_(p.data)
        grad_view.copy_(p.grad)
        p.data, p.grad = data_view, grad_view
        p._packed = Packed(data_view, grad_view, flat_data, flat_grad, offset, pack)
    return True


def shared_pack(params: list[Parameter]) -> Pack | None:
    """The one :class:`Pack` whose gradient views every one of ``params`` still uses.

    Returns
    -------
    Pack or None
        ``None`` when ``params`` is empty, or some parameter is unpacked, packed elsewhere or
        holds a gradient other than its packed view.
    """
    first = params[0]._packed if params else None
    if first is None:
        return None
    pack = first.pack
    if all(p._packed is not None and p._packed.pack is pack and p.grad is p._packed.grad
           for p in params):
        return pack
    return None
