"""What to train: frozen, validated dataclasses and their versioned JSON form.

A :class:`RunSpec` describes a whole run. Every dataclass validates itself in ``__post_init__``
and raises :class:`SpecError` naming the field, so no invalid spec exists, whether built in
code, by ``dataclasses.replace`` or from a hand-edited JSON file.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from studio.core.limits import (
    ACTIVATIONS,
    CUSTOM_DATA,
    DATASETS,
    DEVICES,
    DTYPES,
    INITS,
    LIMITS,
    LOSSES,
    MAX_LAYERS,
    MAX_SEED,
    OPTIMIZERS,
)

from .jsontext import JSONProblem, clip, join_key, loads_strict
from .jsontext import describe as _describe
from .jsontext import number_text as _number_text
from .points import PointError, check_data_extras

__all__ = ["ACTIVATIONS", "CUSTOM_DATA", "DATASETS", "DEVICES", "DTYPES", "INITS", "LIMITS",
           "LOSSES", "MAX_LAYERS", "MAX_SEED", "OPTIMIZERS", "READABLE_VERSIONS", "SCHEMA_VERSION",
           "DataSpec", "LayerSpec", "OptimizerSpec", "RunSpec", "SpecError", "from_dict",
           "from_json", "to_dict", "to_json"]

#: Version 2 added data.classes, features, test_fraction, points and class_names; a version 1
#: file lacks them, and their defaults are exactly what version 1 meant.
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)
# The vocabulary and every bound live once, in LIMITS; validation below reads them from there.

class SpecError(ValueError):
    """An invalid spec; ``str(error)`` reads ``"<path>: <message>"``.

    Attributes
    ----------
    path : str
        Where the problem is, e.g. ``"optimizer.lr"`` or ``"layers[2].width"``;
        ``""`` for the document as a whole.
    message : str
        What is wrong, without the path.
    """

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)

    def under(self, prefix: str) -> SpecError:
        """Return the same error with its path nested under ``prefix`` (``"layers[1]"``)."""
        return SpecError(f"{prefix}.{self.path}" if self.path else prefix, self.message)


# -- field checks: each returns the (normalised) value or raises SpecError --------------------
def _check(name: str, key: str, value: Any) -> Any:
    """``value`` checked against ``LIMITS[key]`` and normalised; SpecError names ``name``."""
    try:
        return LIMITS[key].check(value)
    except ValueError as exc:
        raise SpecError(name, str(exc)) from None


def _layer_count(count: int) -> None:
    bounds = LIMITS["layers"]
    if not bounds.in_range(count):
        raise SpecError("layers", f"must hold {bounds.lo} to {bounds.hi} hidden layers, "
                        f"got {count}")


def _fields(obj: Any, prefix: str, names: tuple[str, ...]) -> None:
    """Check and normalise each attribute in ``names`` against ``LIMITS[prefix + name]``."""
    for name in names:
        _set(obj, name, _check(name, prefix + name, getattr(obj, name)))


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)  # frozen dataclass: normalise in __post_init__


@dataclass(frozen=True)
class LayerSpec:
    """One hidden layer: ``Linear(previous_width, width)`` followed by an activation."""

    width: int = 25
    activation: str = "relu"
    init: str = "xavier_uniform"

    def __post_init__(self) -> None:
        _fields(self, "layers[].", ("width", "activation", "init"))


@dataclass(frozen=True)
class DataSpec:
    """The data: ``n_train`` and ``n_test`` points of a generated set ``name``, or the inline
    ``points`` of a drawn or imported set (``name="custom"``).

    ``classes`` is 2 for disk and xor, 2..8 for gaussians and spiral, and labels ``0..classes-1``
    of custom points. ``features`` are the network's inputs (:mod:`studio.core.features`).
    Custom ``points`` are ``(x, y, label)`` or ``(x, y, label, split)`` tuples; without a
    split, a seeded ``test_fraction`` of them is held out. ``class_names`` (optional) name the
    classes, e.g. the strings of an imported CSV.
    """

    name: str = "disk"
    n_train: int = 1000
    n_test: int = 1000
    noise: float = 0.0
    seed: int = 0
    standardize: bool = True
    classes: int = 2
    features: tuple[str, ...] = ("x", "y")
    test_fraction: float = 0.5
    points: tuple[tuple, ...] = ()
    class_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.name != CUSTOM_DATA:
            _fields(self, "data.", ("name",))
        _fields(self, "data.", ("n_train", "n_test", "noise", "seed", "standardize", "classes",
                                "features", "test_fraction"))
        try:
            extras = check_data_extras(self.name, self.classes, self.points, self.class_names)
        except PointError as exc:
            raise SpecError(exc.path, str(exc)) from None
        _set(self, "points", extras[0])
        _set(self, "class_names", extras[1])


@dataclass(frozen=True)
class OptimizerSpec:
    """Optimiser settings; SGD reads lr/momentum/dampening/nesterov/weight_decay,
    Adam reads lr/beta1/beta2/eps/weight_decay (torch.optim's meanings)."""

    name: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.2
    dampening: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8

    def __post_init__(self) -> None:
        _fields(self, "optimizer.", ("name", "lr", "momentum", "dampening", "nesterov",
                                     "weight_decay", "beta1", "beta2", "eps"))
        if self.nesterov and (self.momentum <= 0.0 or self.dampening != 0.0):
            raise SpecError("nesterov", "needs momentum > 0 and dampening == 0, got momentum "
                            f"{self.momentum} and dampening {self.dampening}")


@dataclass(frozen=True)
class RunSpec:
    """A complete run. ``layers`` lists the hidden layers only; the input width is the number
    of ``data.features``, the output width ``data.classes``.

    ``seed`` drives the weight initialisation and the batch shuffling; ``data.seed`` the data.
    """

    layers: tuple[LayerSpec, ...] = field(default=(LayerSpec(), LayerSpec(), LayerSpec()))
    loss: str = "cross_entropy"
    optimizer: OptimizerSpec = field(default=OptimizerSpec())
    data: DataSpec = field(default=DataSpec())
    batch_size: int = 100
    epochs: int = 200
    seed: int = 0
    device: str = "cpu"
    dtype: str = "float32"
    name: str = "untitled"

    def __post_init__(self) -> None:
        if not isinstance(self.layers, (tuple, list)):
            raise SpecError("layers", f"must be a list of layers, got {_describe(self.layers)}")
        _set(self, "layers", tuple(self.layers))  # a list would make the spec unhashable
        _layer_count(len(self.layers))
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, LayerSpec):
                raise SpecError(f"layers[{i}]", f"must be a LayerSpec, got {_describe(layer)}")
        _set(self, "loss", _check("loss", "loss", self.loss))
        for name, cls in (("optimizer", OptimizerSpec), ("data", DataSpec)):
            if not isinstance(getattr(self, name), cls):
                raise SpecError(name, f"must be a {cls.__name__}, got "
                                f"{_describe(getattr(self, name))}")
        _fields(self, "", ("batch_size", "epochs", "seed", "device", "dtype"))
        if not isinstance(self.name, str):
            raise SpecError("name", f"must be a string, got {_describe(self.name)}")

    @property
    def input_size(self) -> int:
        """Features per sample: ``len(data.features)`` (2, x and y, by default)."""
        return len(self.data.features)

    @property
    def output_size(self) -> int:
        """Network outputs: one per class (``data.classes``, 2 by default)."""
        return self.data.classes

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths from input to output, e.g. ``(2, 25, 25, 25, 2)``."""
        return (self.input_size, *(layer.width for layer in self.layers), self.output_size)

    @property
    def parameter_count(self) -> int:
        """Number of trainable scalars (weights and biases)."""
        sizes = self.sizes
        return sum(a * b + b for a, b in zip(sizes, sizes[1:], strict=False))


# -- JSON form --------------------------------------------------------------------------------
def to_dict(spec: RunSpec) -> dict[str, Any]:
    """Return ``spec`` as a plain JSON-able dict, ``"schema_version"`` first."""
    body = dataclasses.asdict(spec)
    body["layers"] = [dict(layer) for layer in body["layers"]]
    return {"schema_version": SCHEMA_VERSION, **body}


def _section(path: str, raw: Any, cls: Any) -> Any:
    """Build dataclass ``cls`` from mapping ``raw``; errors carry ``path`` as prefix."""
    fields = tuple(f.name for f in dataclasses.fields(cls))
    if not isinstance(raw, Mapping):
        raise SpecError(path, f"must be an object, got {_describe(raw)}")
    for key in raw:
        if key not in fields:
            # No hint for a long key: difflib would take seconds on it, and help nobody.
            hint = difflib.get_close_matches(str(key), fields, n=1) if len(str(key)) < 40 else []
            extra = f"did you mean {hint[0]!r}? " if hint else ""
            raise SpecError(join_key(path, key),
                            f"unknown key ({extra}known keys: {', '.join(fields)})")
    try:
        return cls(**raw)
    except SpecError as exc:
        raise exc.under(path) if path else exc from None


def from_dict(data: Any) -> RunSpec:
    """Build a :class:`RunSpec` from the output of :func:`to_dict` (or a hand-edited copy).

    ``schema_version`` is required; every other key is optional and takes the dataclass
    default. Unknown keys, wrong types and out-of-range values raise :class:`SpecError`
    naming the path, e.g. ``"layers[1].activation: unknown activation 'relu2' (...)"``.
    """
    if not isinstance(data, Mapping):
        raise SpecError("", f"a spec must be a JSON object, got {_describe(data)}")
    if "schema_version" not in data:
        raise SpecError("schema_version", f"missing (this studio reads {SCHEMA_VERSION})")
    version = data["schema_version"]
    if type(version) is not int or version not in READABLE_VERSIONS:
        shown = _number_text(version) if type(version) is int else clip(repr(version))
        raise SpecError("schema_version", f"unsupported version {shown} (this studio reads "
                        f"{' and '.join(map(str, READABLE_VERSIONS))})")
    body = {k: v for k, v in data.items() if k != "schema_version"}
    # Nested sections first so their errors carry their own paths; _section checks the keys.
    if isinstance(body.get("layers"), list):  # not a list: RunSpec says so, naming the type
        _layer_count(len(body["layers"]))  # before building a million LayerSpecs
        body["layers"] = tuple(_section(f"layers[{i}]", layer, LayerSpec)
                               for i, layer in enumerate(body["layers"]))
    for name, cls in (("optimizer", OptimizerSpec), ("data", DataSpec)):
        if name in body:
            body[name] = _section(name, body[name], cls)
    return _section("", body, RunSpec)


def to_json(spec: RunSpec) -> str:
    """Return the spec as indented JSON text ending with a newline (one line per point)."""
    doc = to_dict(spec)
    points = doc["data"]["points"]
    # Indenting each coordinate would spend six lines per point: points go one per line. The
    # key is unique and a string value's quotes are escaped, so the stand-in cannot collide.
    doc["data"]["points"] = "@points@"
    rows = ",\n".join("      " + json.dumps(list(p)) for p in points)
    body = f"[\n{rows}\n    ]" if points else "[]"
    return json.dumps(doc, indent=2).replace('"points": "@points@"', f'"points": {body}') + "\n"


def from_json(text: str) -> RunSpec:
    """Parse JSON ``text`` into a :class:`RunSpec` (strictly: see ``jsontext.loads_strict``)."""
    try:
        data = loads_strict(text)
    except JSONProblem as exc:
        raise SpecError(exc.path, exc.message) from None
    return from_dict(data)
