"""How much memory a run needs, estimated from its spec before anything is allocated.

Specs that need tens of GB (1000 layers × 4096, batch 10⁶ × width 4096, 10⁶ layers) used to be
accepted and die later with a raw ``MemoryError`` or the OOM killer. :func:`check_fits` refuses
them up front with a :class:`~studio.core.spec.SpecError` naming the fields that drive the
estimate. Time is never refused: a run that takes years may still be what someone wants.

The model follows what minidl allocates (see ``minidl.layers``/``activations``/``optim``):

* parameters and their gradients, ``2P`` values of the spec's dtype; the model is first built
  in float64 (``16P`` bytes) and the optimiser packs everything into one flat buffer (a second
  copy while packing) -- short peaks, counted as ``build``;
* optimiser state: ``P`` for SGD with momentum, ``2P`` for Adam;
* activations kept for backward at the batch size: each hidden layer keeps its output and its
  derivative, and three more tensors of the widest layer are alive at
  times (pre-activation, backward's gradients: measured);
* or, if larger, one evaluation chunk (:data:`~studio.core.evaluation.EVAL_CHUNK` points, or
  the decision grid): outputs only, replacing the training caches layer by layer;
* the data sets, and a per-module overhead of Python objects and small tensors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .evaluation import EVAL_CHUNK, GRID_SIZE
from .spec import RunSpec, SpecError

__all__ = ["Estimate", "available_bytes", "check_fits", "estimate_bytes", "format_bytes"]

#: Points of the decision grid, evaluated in one pass.
GRID_POINTS = GRID_SIZE * GRID_SIZE
#: Python objects and small tensors of one Linear + activation pair (measured: ~5 KB).
LAYER_OVERHEAD = 8 * 1024
#: Share of the available memory a run may plan to use: the GUI, plots and the allocator's
#: fragmentation need the rest.
USABLE_FRACTION = 0.9
#: Assumed when the platform cannot say (no /proc/meminfo, no sysconf).
FALLBACK_AVAILABLE = 4 * 2**30


@dataclass(frozen=True)
class Estimate:
    """Bytes a run needs at its peak, and where they go.

    Attributes
    ----------
    parts : dict of str to int
        ``parameters`` (with gradients), ``optimizer``, ``activations``, ``evaluation``,
        ``data``, ``overhead`` (the steady state: their sum, counting only the larger of
        activations and evaluation) and ``build`` (a transient peak).
    fields : dict of str to tuple of str
        The spec fields each part grows with.
    total : int
        The larger of the steady state and the build peak.
    """

    parts: dict[str, int]
    fields: dict[str, tuple[str, ...]]
    total: int

    def drivers(self) -> tuple[str, ...]:
        """Spec fields of the parts that make up most of :attr:`total`, biggest first."""
        ranked = sorted(self.parts, key=self.parts.get, reverse=True)
        names: dict[str, None] = {}
        for part in ranked:
            if self.parts[part] >= 0.25 * self.total or not names:
                names.update(dict.fromkeys(self.fields[part]))
        return tuple(names)


def _activation_bytes(rows: int, widths: tuple[int, ...], item: int, kept_per_layer: int) -> int:
    kept = kept_per_layer * rows * sum(widths[1:-1]) + rows * widths[-1]
    transient = 3 * rows * max(widths)  # pre-activation, backward's gradients (measured)
    return (kept + transient) * item


def estimate_bytes(spec: RunSpec) -> Estimate:
    """Estimate the peak memory of training ``spec`` (see the module docstring).

    Parameters
    ----------
    spec : RunSpec
        Any valid spec; nothing is allocated.

    Returns
    -------
    Estimate
        Its ``total`` in bytes and the breakdown.
    """
    item = 4 if spec.dtype == "float32" else 8
    p = spec.parameter_count
    widths = spec.sizes
    opt = spec.optimizer
    slots = 2 if opt.name == "adam" else (1 if opt.momentum > 0 else 0)
    n_data = spec.data.n_train + spec.data.n_test
    eval_rows = min(EVAL_CHUNK, max(spec.data.n_train, spec.data.n_test, GRID_POINTS))
    parts = {
        "parameters": 2 * p * item,
        "optimizer": slots * p * item,
        # training keeps each hidden layer's output and derivative; evaluation (eval mode)
        # only the outputs, and replaces the training caches layer by layer: the larger counts
        "activations": _activation_bytes(spec.batch_size, widths, item, 2),
        "evaluation": _activation_bytes(eval_rows, widths, item, 1),
        # raw and standardised points, labels (int64) and targets, for train and test
        "data": n_data * (2 * 8 + 2 * item + 8 + 2 * item),
        "overhead": len(widths) * LAYER_OVERHEAD,
    }
    # float64 parameters and gradients while building, or two copies while packing
    parts["build"] = max(16 * p, 4 * p * item) + parts["data"] + parts["overhead"]
    fields = {
        "parameters": ("layers",), "optimizer": ("layers", "optimizer.name"),
        "activations": ("layers", "batch_size"),
        # the grid sets the evaluation rows of small data sets: the data is not to blame then
        "evaluation": ("layers", *(f"data.{n}" for n in ("n_train", "n_test")
                                   if getattr(spec.data, n) > GRID_POINTS)),
        "data": ("data.n_train", "data.n_test"), "overhead": ("layers",), "build": ("layers",),
    }
    steady = (sum(v for k, v in parts.items() if k not in ("build", "evaluation"))
              - parts["activations"] + max(parts["activations"], parts["evaluation"]))
    return Estimate(parts, fields, max(steady, parts["build"]))


def available_bytes() -> int:
    """Memory this process can still get: ``MemAvailable`` of ``/proc/meminfo`` (Linux),
    else free physical pages (``sysconf``), else :data:`FALLBACK_AVAILABLE`."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return FALLBACK_AVAILABLE


def _cuda_available_bytes() -> int | None:
    try:
        import torch

        if torch.cuda.is_available():
            return int(torch.cuda.mem_get_info()[0])
    except Exception:  # noqa: BLE001 - no driver, busy device: fall back to host memory
        return None
    return None


def format_bytes(n: float) -> str:
    """``"16.3 GB"``, ``"512 MB"``: decimal units, as people read them on a system monitor."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n / 1e3:.0f} kB"


def check_fits(spec: RunSpec, available: int | None = None) -> Estimate:
    """Refuse ``spec`` if its estimate exceeds the memory there is.

    Parameters
    ----------
    spec : RunSpec
        The spec about to be built.
    available : int, optional
        Bytes available; default: :func:`available_bytes` (the GPU's free memory for a
        ``cuda`` spec, when CUDA is there to ask).

    Returns
    -------
    Estimate
        The estimate, when it fits.

    Raises
    ------
    SpecError
        Path: the fields driving the estimate (``"layers, batch_size"``); message: e.g.
        ``"needs ~16.3 GB of memory, 11.2 GB available"``.
    """
    estimate = estimate_bytes(spec)
    if available is None:
        cuda = _cuda_available_bytes() if spec.device == "cuda" else None
        available = cuda if cuda is not None else available_bytes()
    if estimate.total > USABLE_FRACTION * available:
        where = "GPU memory" if spec.device == "cuda" else "memory"
        raise SpecError(", ".join(estimate.drivers()),
                        f"needs ~{format_bytes(estimate.total)} of {where}, "
                        f"{format_bytes(available)} available (make the network, batch or "
                        "data smaller)")
    return estimate
