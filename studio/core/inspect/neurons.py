"""What every unit computes: its output over the input square, as a small heatmap.

:func:`neuron_maps` passes the data's grid (features and training standardisation as in
training) through the model once and keeps, per layer, the maps of the units a view shows
plus the weights between them: a frozen payload the worker hands to the GUI.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

import minidl

from ..evaluation import inference
from ..snapshot import frozen_array

__all__ = ["LayerMaps", "NeuronMaps", "edge_weights", "layer_names", "neuron_maps"]

_KINDS = {minidl.ReLU: "relu", minidl.LeakyReLU: "leaky_relu", minidl.Tanh: "tanh",
          minidl.Sigmoid: "sigmoid", minidl.Identity: "identity"}


def _frozen(tensor: torch.Tensor) -> np.ndarray:
    """A read-only float32 copy: the maps and weights the views draw."""
    return frozen_array(tensor, torch.float32)


@dataclass(frozen=True, eq=False)
class LayerMaps:
    """One layer of units: the inputs, a hidden layer (after its activation) or the outputs.

    Attributes
    ----------
    name : str
        ``"input"``, ``"hidden 1"``... or ``"output"``.
    activation : str
        ``"input"``, the activation's name, or ``"scores"`` for the output layer.
    width : int
        Units in the layer; only the first ``len(shown)`` are in the payload.
    shown : tuple of int
        Indices of the units shown (the first ``max_units``).
    maps : numpy.ndarray
        ``(len(shown), size, size)`` float32, read-only: each unit's output at the grid's
        pixel centres (row = y, as the decision region).
    weights : numpy.ndarray or None
        ``(len(shown), previous width)`` float32 incoming weights of the shown units (all
        of their inputs, for the detail view); None for the input layer.
    bias : numpy.ndarray or None
        ``(len(shown),)`` float32 biases of the shown units.
    """

    name: str
    activation: str
    width: int
    shown: tuple[int, ...]
    maps: np.ndarray
    weights: np.ndarray | None
    bias: np.ndarray | None

    @property
    def hidden_count(self) -> int:
        """Units left out of the payload (the view's "+N more")."""
        return self.width - len(self.shown)


@dataclass(frozen=True, eq=False)
class NeuronMaps:
    """Every layer's maps for one set of weights (:func:`neuron_maps`).

    Attributes
    ----------
    layers : tuple of LayerMaps
        Input, hidden layers, output, in order.
    size : int
        Side of each map.
    extent : tuple of float
        ``(x0, x1, y0, y1)`` the maps cover.
    epoch : int
        The session's epoch when computed.
    """

    layers: tuple[LayerMaps, ...]
    size: int
    extent: tuple[float, float, float, float]
    epoch: int


def layer_names(n_layers: int) -> tuple[str, ...]:
    """``("input", "hidden 1", ..., "output")`` for ``n_layers`` layers of units."""
    return ("input", *(f"hidden {i}" for i in range(1, n_layers - 1)), "output")


def neuron_maps(session, size: int = 32, max_units: int = 16) -> NeuronMaps:
    """Each unit's output over the data's extent, for the first ``max_units`` of every layer.

    Parameters
    ----------
    session : Session
        The live session (call from its thread) or a scratch one holding stored weights.
    size : int
        Side of the grid: ``size²`` points go through the model once.
    max_units : int
        Units kept per layer (the view shows the rest as "+N more").

    Returns
    -------
    NeuronMaps
        Frozen; the maps of hidden layers are post-activation, the output's the raw scores.
    """
    if size < 1 or max_units < 1:
        raise ValueError(f"size and max_units must be >= 1, got {size} and {max_units}")
    model = session.model
    modules = list(model)
    x = session.data.grid_inputs(size)
    with inference(model):  # no backward caches for a pass nobody differentiates
        outputs = [x]
        kinds = ["input"]
        linears: list[minidl.Linear] = []
        for i, module in enumerate(modules):
            x = module(x)
            if isinstance(module, minidl.Linear):
                linears.append(module)
                nxt = modules[i + 1] if i + 1 < len(modules) else None
                if nxt is None or isinstance(nxt, minidl.Linear):
                    outputs.append(x)  # the output layer, or a hidden layer without one
                    kinds.append("scores" if nxt is None else "identity")
            else:
                outputs.append(x)
                kinds.append(_KINDS.get(type(module), type(module).__name__.lower()))
    names = layer_names(len(outputs))
    layers = []
    for k, (out, kind) in enumerate(zip(outputs, kinds, strict=True)):
        width = out.shape[1]
        shown = min(width, max_units)
        maps = out[:, :shown].T.reshape(shown, size, size)
        weights = bias = None
        if k > 0:
            linear = linears[k - 1]
            weights = _frozen(linear.weight.data[:shown])
            bias = _frozen(linear.bias.data[:shown]) if linear.bias is not None else None
        layers.append(LayerMaps(names[k], kind, width, tuple(range(shown)), _frozen(maps),
                                weights, bias))
    return NeuronMaps(tuple(layers), size, tuple(session.data.extent), session.epoch)


def edge_weights(maps: NeuronMaps, k: int) -> np.ndarray:
    """``(shown in layer k, shown in layer k-1)`` weights drawn as edges into layer ``k``."""
    layer, previous = maps.layers[k], maps.layers[k - 1]
    return layer.weights[:, :len(previous.shown)]

