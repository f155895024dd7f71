"""Looking inside a network, Qt-free: neuron maps, layer health and the backprop inspector.

* :func:`neuron_maps` — each unit's output over the input square (a frozen payload).
* :class:`HealthTracker` — per epoch gradient norms, update ratios, dead/saturated units and
  the weight and gradient percentiles of every layer (an every-epoch probe).
* :func:`inspect_batch` — one batch forward and backward, module by module, in float64, each
  gradient checked against autograd and finite differences.

Probes run in the worker thread on the live session; everything they return is frozen.
"""

from __future__ import annotations

from .backprop import BackpropTrace, GradientCheck, ModuleTrace, ParamTrace, inspect_batch
from .formulas import loss_formula, module_formula, optimizer_formula
from .health import PERCENTILES, HealthSample, HealthTracker, LayerHealth, health_probe
from .neurons import LayerMaps, NeuronMaps, edge_weights, layer_names, neuron_maps

__all__ = [
    "PERCENTILES", "BackpropTrace", "GradientCheck", "HealthSample", "HealthTracker",
    "LayerHealth", "LayerMaps", "ModuleTrace", "NeuronMaps", "ParamTrace", "edge_weights",
    "health_probe", "inspect_batch", "layer_names", "loss_formula", "module_formula",
    "neuron_maps", "optimizer_formula",
]
