"""Change one field of a spec by its path: ``"optimizer.lr"``, ``"layers[].width"``, ``"depth"``.

The vocabulary of experiments and sweeps ("vary the momentum", "a grid over the widths"). A
change goes through the spec's JSON form, so a value the spec would not train raises
:class:`~studio.core.spec.SpecError` naming the path, exactly as a hand-edited file would.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from .spec import LayerSpec, RunSpec, SpecError, from_dict, to_dict

__all__ = ["get_path", "set_path", "with_values"]

_INDEXED = re.compile(r"^layers\[(\d*)\]\.(\w+)$")


def get_path(spec: RunSpec, path: str) -> Any:
    """The value at ``path`` (``"layers[].width"`` gives the tuple of every layer's width)."""
    if path == "depth":
        return len(spec.layers)
    match = _INDEXED.match(path)
    if match:
        index, name = match.groups()
        if index == "":
            return tuple(getattr(layer, name) for layer in spec.layers)
        return getattr(spec.layers[int(index)], name)
    value: Any = spec
    for part in path.split("."):
        value = getattr(value, part)
    return value


def set_path(spec: RunSpec, path: str, value: Any) -> RunSpec:
    """A copy of ``spec`` with ``path`` set to ``value``.

    Paths: a top-level field (``"loss"``, ``"epochs"``), a section field (``"optimizer.lr"``,
    ``"data.noise"``), ``"layers[i].name"`` for one hidden layer, ``"layers[].name"`` for every
    one, and ``"depth"`` for the number of hidden layers (the last layer is repeated, or layers
    are dropped from the end; depth 0 is a linear classifier).

    Raises
    ------
    SpecError
        Unknown path or invalid value; ``path`` names it.
    """
    if path == "depth":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SpecError("depth", f"must be a whole number >= 0, got {value!r}")
        layers = spec.layers[:value]
        fill = spec.layers[-1] if spec.layers else LayerSpec()
        return dataclasses.replace(spec, layers=layers + (fill,) * (value - len(layers)))
    body = to_dict(spec)
    match = _INDEXED.match(path)
    if match:
        index, name = match.groups()
        targets = body["layers"] if index == "" else _item(body["layers"], int(index), path)
        for layer in targets if index == "" else [targets]:
            layer[name] = value
    else:
        *parents, last = path.split(".")
        node = body
        for part in parents:
            if not isinstance(node.get(part), dict):
                raise SpecError(path, f"unknown path (no section {part!r})")
            node = node[part]
        if last == "schema_version" or last not in node:
            raise SpecError(path, "unknown path")
        node[last] = value
    return from_dict(body)


def _item(layers: list, index: int, path: str) -> dict:
    if index >= len(layers):
        raise SpecError(path, f"there are {len(layers)} hidden layers")
    return layers[index]


def with_values(spec: RunSpec, values: dict[str, Any]) -> RunSpec:
    """``spec`` with every ``path: value`` of ``values`` set, in order (``"depth"`` first, so
    ``"layers[].width"`` applies to the new layers too)."""
    for path in sorted(values, key=lambda p: p != "depth"):
        spec = set_path(spec, path, values[path])
    return spec
