"""What a :class:`~studio.core.session.Session` answers about its current model.

Kept apart from the run loop: these read the model (decision grids, each layer's outputs, the
weights as frozen arrays) and never train it. Every answer is a read-only numpy array, safe to
hand to another thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import torch

import minidl

from .evaluation import GRID_SIZE, layer_outputs, predict_classes_on_grid, predict_on_grid
from .snapshot import PackedLayout, frozen_array, frozen_arrays, frozen_packed, packed_layout

__all__ = ["ModelQuestions"]


class ModelQuestions:
    """Mixin for :class:`~studio.core.session.Session`: questions about the current model.

    Needs ``self.model`` and ``self.data`` (a :class:`~studio.core.build.Dataset`).
    """

    model: object
    data: object
    _layout: PackedLayout | None = None  # where weights() finds the flat buffer
    _layout_generation: int = -1  # minidl.Parameter.generation when it was found

    def predict_grid(self, size: int = GRID_SIZE) -> np.ndarray:
        """P(class 1) over ``data.extent`` ([0, 1]² for generated sets) for the current
        weights (see ``evaluation.predict_grid``); two-class data only."""
        return predict_on_grid(self.model, self.data.grid_inputs(size), size)

    def predict_classes(self, size: int = GRID_SIZE) -> tuple[np.ndarray, np.ndarray]:
        """``(class, confidence)`` grids over ``data.extent`` for any number of classes (see
        ``evaluation.predict_classes_on_grid``)."""
        return predict_classes_on_grid(self.model, self.data.grid_inputs(size), size)

    def weights(self) -> Mapping[str, np.ndarray]:
        """The state dict as read-only numpy arrays (frozen: safe across threads)."""
        if not isinstance(self.model, minidl.Module):  # torch.nn twin: nothing is packed
            return MappingProxyType(frozen_arrays(self.model.state_dict()))
        # The layout is found once per parameter rebinding (minidl bumps
        # Parameter.generation at each), not at every epoch's copy.
        generation = minidl.Parameter.generation
        if self._layout_generation != generation:
            self._layout = packed_layout(self.model.state_dict())
            self._layout_generation = generation
        if self._layout is None:  # not packed: frozen_arrays would look for a layout again
            return MappingProxyType({name: frozen_array(t)
                                     for name, t in self.model.state_dict().items()})
        return MappingProxyType(frozen_packed(self._layout))

    def layer_outputs(self, points: torch.Tensor) -> tuple[np.ndarray, ...]:
        """Each module's output for raw ``(N, 2)`` points (features and standardisation as in
        training).

        Returns one read-only ``(N, width)`` array per module of the ``Sequential``, in order.
        """
        return layer_outputs(self.model, self.data.model_inputs(points))
