"""What an experiment trains, in words: the shared spec and the fields that vary.

Derived from the configurations themselves (not stored separately), so a ``results.json``
read back by ``--rerun`` describes itself exactly as the run that wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..spec import RunSpec, to_dict

__all__ = ["flat_fields", "setup_words", "spec_words", "varying_fields"]

_LOSS = {"cross_entropy": "CrossEntropy", "mse": "MSE"}
_IGNORED = ("name", "seed", "data.seed")  # differ per run or label only: not "what is trained"


def flat_fields(spec: RunSpec) -> dict[str, Any]:
    """The spec as ``{"optimizer.lr": 0.1, "layers[1].width": 25, ...}``."""
    out: dict[str, Any] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(f"{prefix}[{i}]", v)
        else:
            out[prefix] = value

    body = to_dict(spec)
    body.pop("schema_version")
    walk("", body)
    return out


def varying_fields(specs: Sequence[RunSpec]) -> dict[str, list[Any]]:
    """The fields whose values differ between ``specs``, with their values in first-seen order.

    A different number of layers shows as ``"layers"`` (the depths).
    """
    flats = [flat_fields(s) for s in specs]
    out: dict[str, list[Any]] = {}
    if len({len(s.layers) for s in specs}) > 1:
        out["layers"] = list(dict.fromkeys(len(s.layers) for s in specs))
    for key in dict.fromkeys(k for f in flats for k in f):
        if key in _IGNORED or (key.startswith("layers[") and "layers" in out):
            continue
        values = list(dict.fromkeys(f.get(key) for f in flats))
        if len(values) > 1:
            out[key] = values
    return out


def _optimizer_words(spec: RunSpec) -> str:
    opt = spec.optimizer
    if opt.name == "adam":
        text = f"Adam lr {opt.lr:g} (betas {opt.beta1:g}, {opt.beta2:g})"
    else:
        text = f"SGD lr {opt.lr:g}" + (f" momentum {opt.momentum:g}" if opt.momentum else "")
        text += " nesterov" if opt.nesterov else ""
    return text + (f" weight decay {opt.weight_decay:g}" if opt.weight_decay else "")


def spec_words(spec: RunSpec) -> str:
    """E.g. ``"2→25→25→25→2 MLP (relu, relu, relu), CrossEntropy, SGD lr 0.1 momentum 0.2,
    disk data 1000 train / 1000 test, batch 100, 200 epochs, float32 on cpu"``."""
    acts = ", ".join(layer.activation for layer in spec.layers)
    data = spec.data
    noise = f" noise {data.noise:g}" if data.noise else ""
    return (f"{'→'.join(map(str, spec.sizes))} MLP ({acts}), {_LOSS.get(spec.loss, spec.loss)}, "
            f"{_optimizer_words(spec)}, {data.name} data {data.n_train} train / {data.n_test} "
            f"test{noise}, batch {spec.batch_size}, {spec.epochs} epochs, {spec.dtype} on "
            f"{spec.device}")


def setup_words(specs: Sequence[RunSpec]) -> str:
    """One paragraph: what every configuration trains and what varies between them."""
    varying = varying_fields(specs)
    if not varying:
        return f"Trained: {spec_words(specs[0])}."
    parts = [f"{k} ∈ {{{', '.join(map(_value, v))}}}" for k, v in varying.items()]
    return (f"Trained: {spec_words(specs[0])} (first configuration). Varies: "
            f"{'; '.join(parts)}.")


def _value(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)
