"""How an optimizer groups its parameters: runs of one flat buffer, or single parameters.

Private to :mod:`minidl.optim`. A model packs its parameters (:func:`minidl.parameter.
pack_parameters`); parameters that follow each other both in the optimizer's list and in one
flat buffer form a run updated with whole-slice operations. Nothing here rebinds a parameter.
"""

from __future__ import annotations

from typing import Any

import torch

from .parameter import ALIGN, Parameter

__all__ = ["Chunk"]


class Chunk:
    """Parameters updated together: a run of one flat buffer, or a single parameter.

    ``data`` and ``grad`` are the slices of the flat buffers (``grad`` is ``None`` for a single
    unpacked parameter: its current ``p.grad`` is used). ``expect`` holds, per parameter, the
    tensors its ``data`` and ``grad`` must still be for that fast path.
    """

    __slots__ = ("aux", "data", "expect", "fast", "grad", "index", "pack", "packed", "params",
                 "spans", "state")

    def __init__(self, index: int, param: Parameter) -> None:
        packed = param._packed
        self.packed = packed is not None and packed.data is param.data
        self.index = index  # position of the first parameter in the optimizer's list
        self.params = [param]
        self.spans = [(0, param.data.numel())]
        self.state: dict[str, Any] = {}
        self.aux: dict[Any, Any] = {}  # private cached tensors (never in a state dict)
        self.data, self.grad = param.data, None
        self.fast = False  # whether step() may use ``grad`` (set by Optimizer._verify)
        self.expect: tuple[tuple[Parameter, torch.Tensor, torch.Tensor | None], ...] = ()
        # The buffer's Pack when this run is all of it: zero_grad() then marks it fresh.
        self.pack: Any = None

    def extend(self, param: Parameter) -> bool:
        """Take ``param`` into this run if it is packed right after the run's end."""
        packed, first = param._packed, self.params[0]._packed
        if (not self.packed or packed is None or packed.data is not param.data
                or packed.flat_data is not first.flat_data):
            return False
        # The next slot: right after the run's end, rounded up to the slots' alignment.
        step = max(1, ALIGN // packed.flat_data.element_size())
        start = -(-(first.offset + self.spans[-1][1]) // step) * step - first.offset
        if packed.offset != first.offset + start:
            return False
        self.params.append(param)
        self.spans.append((start, start + param.data.numel()))
        return True

    def finish(self) -> None:
        if self.packed:
            first, end = self.params[0]._packed, self.spans[-1][1]
            self.data = first.flat_data[first.offset:first.offset + end]
            self.grad = first.flat_grad[first.offset:first.offset + end]
            self.expect = tuple((p, p._packed.data, p._packed.grad) for p in self.params)
            if first.offset == 0 and end == first.flat_data.numel():
                self.pack = first.pack
        else:
            self.expect = ((self.params[0], self.data, None),)

    def view(self, j: int, tensor: torch.Tensor) -> torch.Tensor:
        """Parameter ``j``'s part of a state tensor of this chunk, in the parameter's shape."""
        if not self.packed:
            return tensor
        lo, hi = self.spans[j]
        return tensor[lo:hi].view(self.params[j].data.shape)
