"""Trained weights as safetensors files: plain tensors and a JSON header, never pickle.

The format (https://github.com/huggingface/safetensors) is an 8-byte little-endian header
length, a JSON header mapping each name to its dtype, shape and byte range, then the raw bytes.
It is simple enough to write here without a dependency, and files open in any safetensors
reader (and in ``torch.nn`` models: the names are the state-dict keys).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import torch

from .io import atomic_write_bytes

__all__ = ["WeightsError", "load_weights", "load_weights_metadata", "save_weights", "weights_bytes"]

_NUMPY = {"F32": np.dtype("<f4"), "F64": np.dtype("<f8"), "I64": np.dtype("<i8")}  # little-endian
_CODES = {dtype: code for code, dtype in _NUMPY.items()}
_MAX_HEADER = 100_000_000  # a corrupt length must not make us allocate gigabytes


class WeightsError(ValueError):
    """A weights file is malformed; the message says what and where."""


def weights_bytes(tensors: Mapping[str, torch.Tensor | np.ndarray],
                  metadata: Mapping[str, str] | None = None) -> bytes:
    """Serialise ``tensors`` (name → tensor, e.g. a state dict) to safetensors bytes."""
    header: dict[str, object] = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks, offset = [], 0
    for name, value in tensors.items():
        # numpy as the common form: frozen (read-only) arrays from the GUI need no copy.
        array = (value.detach().cpu().numpy() if isinstance(value, torch.Tensor)
                 else np.asarray(value))
        code = _CODES.get(array.dtype.newbyteorder("<"))
        if code is None:
            raise WeightsError(f"{name}: dtype {array.dtype} is not supported")
        data = np.ascontiguousarray(array, dtype=_NUMPY[code]).tobytes()
        header[name] = {"dtype": code, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # the format pads the header to 8 bytes
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


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
    raw = Path(path).read_bytes()
    where = Path(path).name
    if len(raw) < 8:
        raise WeightsError(f"{where}: too short to be a safetensors file")
    (size,) = struct.unpack("<Q", raw[:8])
    if size > min(len(raw) - 8, _MAX_HEADER):
        raise WeightsError(f"{where}: header length {size} runs past the end of the file")
    try:
        header = json.loads(raw[8:8 + size])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WeightsError(f"{where}: header is not valid JSON ({exc})") from None
    if not isinstance(header, dict):
        raise WeightsError(f"{where}: header must be a JSON object")
    body = raw[8 + size:]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = _NUMPY[entry["dtype"]]
            shape = [int(n) for n in entry["shape"]]
            begin, end = (int(n) for n in entry["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise WeightsError(f"{where}: {name}: needs a supported dtype "
                               f"({', '.join(_NUMPY)}), a shape and data_offsets") from None
        count = int(np.prod(shape)) if shape else 1
        if not 0 <= begin <= end <= len(body) or end - begin != count * dtype.itemsize:
            raise WeightsError(f"{where}: {name}: data_offsets {begin}..{end} do not match "
                               f"shape {shape} of {entry['dtype']} within the file")
        array = np.frombuffer(body[begin:end], dtype=dtype).astype(dtype.newbyteorder("="))
        out[name] = torch.from_numpy(array).reshape(shape)
    metadata = header.get("__metadata__") or {}
    return out, {str(k): str(v) for k, v in metadata.items()}
