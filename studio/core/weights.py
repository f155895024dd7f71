"""Trained weights as safetensors files (the ``safetensors`` package): tensors, never pickle.

Files open in any safetensors reader and in ``torch.nn`` models (the names are the state-dict
keys). The package writes tensors sorted by dtype and name; a state dict's order (``0.weight``
before ``0.bias``) is kept in the header's metadata under ``"tensor_order"`` and restored on
load, so ``list(load_weights(p)) == list(state_dict)``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import safetensors
import safetensors.numpy
import torch

from .io import atomic_write_bytes

__all__ = ["WeightsError", "load_weights", "load_weights_metadata", "save_weights", "weights_bytes"]

#: What a model's weights can be: the dtypes the studio trains in, and int64 (counters).
SUPPORTED = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int64))
_ORDER = "tensor_order"


class WeightsError(ValueError):
    """A weights file is malformed; the message says what and where."""


def weights_bytes(tensors: Mapping[str, torch.Tensor | np.ndarray],
                  metadata: Mapping[str, str] | None = None) -> bytes:
    """Serialise ``tensors`` (name → tensor, e.g. a state dict) to safetensors bytes."""
    arrays = {}
    for name, value in tensors.items():
        # numpy as the common form: frozen (read-only) arrays from the GUI need no copy.
        array = (value.detach().cpu().numpy() if isinstance(value, torch.Tensor)
                 else np.asarray(value))
        if array.dtype not in SUPPORTED:
            raise WeightsError(f"{name}: dtype {array.dtype} is not supported")
        arrays[name] = np.ascontiguousarray(array)
    header = {str(k): str(v) for k, v in (metadata or {}).items()}
    header[_ORDER] = json.dumps(list(arrays))
    return safetensors.numpy.save(arrays, metadata=header)


def save_weights(path: str | Path, tensors: Mapping[str, torch.Tensor | np.ndarray],
                 metadata: Mapping[str, str] | None = None) -> None:
    """Write ``tensors`` to ``path`` atomically (nothing half-written on failure)."""
    atomic_write_bytes(path, weights_bytes(tensors, metadata))


def load_weights(path: str | Path) -> dict[str, torch.Tensor]:
    """Read a safetensors file; :class:`WeightsError` names what is wrong with a bad one."""
    return _read(path)[0]


def load_weights_metadata(path: str | Path) -> dict[str, str]:
    """The ``__metadata__`` strings of a safetensors file (spec, epochs trained...)."""
    return _read(path)[1]


def _read(path: str | Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    where = Path(path).name
    try:
        with safetensors.safe_open(str(path), framework="numpy") as file:
            metadata = dict(file.metadata() or {})
            arrays = {name: file.get_tensor(name) for name in file.keys()}  # noqa: SIM118
    except safetensors.SafetensorError as exc:
        raise WeightsError(f"{where}: not a valid safetensors file ({exc})") from None
    except OSError as exc:
        raise WeightsError(f"{where}: cannot be read ({exc.strerror or exc})") from None
    for name, array in arrays.items():
        if array.dtype not in SUPPORTED:
            raise WeightsError(f"{where}: {name}: dtype {array.dtype} is not supported "
                               f"(float32, float64 or int64)")
    order = _order(metadata.pop(_ORDER, None), arrays)
    return ({name: torch.from_numpy(np.array(arrays[name])) for name in order},
            {str(k): str(v) for k, v in metadata.items()})


def _order(saved: str | None, arrays: Mapping[str, np.ndarray]) -> list[str]:
    """The saved tensor order when it names exactly the file's tensors, else the file's."""
    try:
        names = json.loads(saved) if saved is not None else None
    except json.JSONDecodeError:
        names = None
    if isinstance(names, list) and sorted(map(str, names)) == sorted(arrays):
        return [str(n) for n in names]
    return list(arrays)
