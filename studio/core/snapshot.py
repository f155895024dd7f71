"""A run's frozen state: what :meth:`Session.snapshot` returns and :meth:`Session.restore` takes.

Only frozen data lives here (CPU tensor copies nobody else holds, read-only numpy arrays), so a
snapshot can cross threads, go into a timeline or a session file.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch

from .spec import RunSpec

__all__ = ["PackedLayout", "Snapshot", "forked_optimizer_state", "frozen_array", "frozen_arrays",
           "frozen_packed", "packed_layout"]


def frozen_array(tensor: torch.Tensor, dtype: torch.dtype | None = None) -> np.ndarray:
    """A read-only CPU numpy copy of ``tensor`` (cast to ``dtype`` when given): safe to hand
    to another thread."""
    array = tensor.detach().to("cpu", dtype).numpy().copy()
    array.flags.writeable = False
    return array


#: Where each state-dict tensor sits in one shared flat buffer: the buffer, then
#: ``(name, start, stop, shape)`` per tensor.
PackedLayout = tuple[torch.Tensor, tuple[tuple[str, int, int, tuple[int, ...]], ...]]


def packed_layout(tensors: Mapping[str, torch.Tensor]) -> PackedLayout | None:
    """How ``tensors`` sit in one flat buffer, or None when they do not.

    A minidl model packs its parameters into one flat buffer
    (:meth:`minidl.Module.flatten_parameters`), so its state dict is contiguous views of one
    storage. None for anything else: mixed storages, dtypes or devices, strided views, or a
    storage much larger than the views (a slice of some big tensor, not worth copying whole).
    """
    items = list(tensors.items())
    if len(items) < 2:
        return None
    first = items[0][1]
    storage = first.untyped_storage()
    size = storage.nbytes() // first.element_size()
    if size > 2 * sum(t.numel() for _, t in items) + 1024:  # room for alignment padding only
        return None
    for _, t in items:
        if (t.dtype != first.dtype or t.device != first.device or not t.is_contiguous()
                or t.untyped_storage().data_ptr() != storage.data_ptr()):
            return None
    flat = first.new_empty(0).set_(storage, 0, (size,))
    return flat, tuple((name, t.storage_offset(), t.storage_offset() + t.numel(), tuple(t.shape))
                       for name, t in items)


def frozen_packed(layout: PackedLayout) -> dict[str, np.ndarray]:
    """Read-only numpy copies of the tensors of ``layout``: one copy of the whole buffer.

    Each name gets a read-only view of that one copy, equal to :func:`frozen_array` of its
    tensor; one copy call instead of one per tensor matters because the timeline takes the
    weights every epoch, on the training path.
    """
    flat, slots = layout
    copied = flat.detach().to("cpu").numpy().copy()
    copied.flags.writeable = False  # its views are read-only too
    return {name: copied[start:stop].reshape(shape) for name, start, stop, shape in slots}


def frozen_arrays(tensors: Mapping[str, torch.Tensor]) -> dict[str, np.ndarray]:
    """Read-only CPU numpy copies of ``tensors`` by name (each as :func:`frozen_array` makes).

    Packed tensors are copied in one call (:func:`frozen_packed`), others one by one.
    """
    layout = packed_layout(tensors)
    if layout is None:
        return {name: frozen_array(t) for name, t in tensors.items()}
    return frozen_packed(layout)


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything needed to put a session back exactly where it was.

    Attributes
    ----------
    spec : RunSpec
        The spec the session was training (after any fork).
    epoch, steps : int
        Epochs completed and optimiser steps taken.
    elapsed_s : float
        The session's training clock.
    batch_index : int
        Batches already taken in the unfinished epoch (0 at an epoch boundary).
    weights : Mapping[str, torch.Tensor]
        State-dict copies on the CPU (nobody else holds them).
    optimizer_state : dict
        A deep copy of the optimiser's ``state_dict()`` (torch's format).
    rng_state : torch.Tensor
        The batch-order generator's state at the start of the unfinished epoch (or now, at a
        boundary): replaying ``batch_index`` batches from it restores the position.
    """

    spec: RunSpec
    epoch: int
    steps: int
    elapsed_s: float
    batch_index: int
    weights: Mapping[str, torch.Tensor]
    optimizer_state: dict
    rng_state: torch.Tensor


def forked_optimizer_state(parent: dict, fresh: dict, *, same_kind: bool) -> dict:
    """The optimiser state a fork starts from.

    With the same optimiser kind the parent's state (momentum buffers, Adam moments) carries
    over and only the settings come from ``fresh`` — as editing ``param_groups`` in torch
    would; another kind starts from ``fresh`` (its own empty state).
    """
    if not same_kind:
        return fresh
    state = copy.deepcopy(parent)
    for group, new in zip(state["param_groups"], fresh["param_groups"], strict=True):
        group.update({k: v for k, v in new.items() if k != "params"})
    return state

