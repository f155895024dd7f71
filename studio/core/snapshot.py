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

__all__ = ["Snapshot", "forked_optimizer_state", "frozen_array", "layer_outputs"]


def frozen_array(tensor: torch.Tensor) -> np.ndarray:
    """A read-only CPU numpy copy of ``tensor``: safe to hand to another thread."""
    array = tensor.detach().to("cpu").numpy().copy()
    array.flags.writeable = False
    return array


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


def layer_outputs(model, x: torch.Tensor) -> tuple[np.ndarray, ...]:
    """Each module's output for model inputs ``x``, as read-only arrays (eval mode, no grad)."""
    outputs = []
    was_training = model.training
    model.eval()  # minidl's activations skip caching derivatives nobody will use
    try:
        with torch.no_grad():
            for module in model:
                x = module(x)
                outputs.append(frozen_array(x))
    finally:
        model.train(was_training)
    return tuple(outputs)
