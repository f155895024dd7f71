"""What to train: frozen, validated dataclasses and their versioned JSON form.

A :class:`RunSpec` describes a whole run. Every dataclass validates itself in ``__post_init__``
and raises :class:`SpecError` naming the field, so no invalid spec exists, whether built in
code, by ``dataclasses.replace`` or from a hand-edited JSON file.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .jsontext import BigInt, JSONProblem, clip, join_key, loads_strict
from .jsontext import describe as _describe
from .jsontext import number_text as _number_text

__all__ = ["ACTIVATIONS", "DATASETS", "DEVICES", "DTYPES", "INITS", "LOSSES", "MAX_SEED",
           "OPTIMIZERS", "SCHEMA_VERSION", "DataSpec", "LayerSpec", "OptimizerSpec", "RunSpec",
           "SpecError", "from_dict", "from_json", "to_dict", "to_json"]

SCHEMA_VERSION = 1
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "identity")
INITS = ("xavier_uniform", "xavier_normal", "torch_default")
LOSSES = ("cross_entropy", "mse")
OPTIMIZERS = ("sgd", "adam")
DATASETS = ("disk", "xor", "gaussians", "spiral")
DEVICES = ("cpu", "cuda")
DTYPES = ("float32", "float64")
#: Largest accepted seed: the test set uses ``data.seed + 1_000_003``, which must stay a valid
#: torch seed (< 2**64), and 2**62 is easy to state.
MAX_SEED = 2**62


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
def _int(path: str, value: Any, lo: int, hi: int) -> int:
    # bool is an int subclass: `"epochs": true` must not silently mean 1. A BigInt is an
    # integer literal too long for int(): out of every range.
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, BigInt)):
        raise SpecError(path, f"must be an integer, got {_describe(value)}")
    if isinstance(value, BigInt) or not lo <= value <= hi:
        raise SpecError(path, f"must be in [{lo}, {hi}], got {_number_text(value)}")
    return int(value)


def _float(path: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, BigInt)):
        raise SpecError(path, f"must be a number, got {_describe(value)}")
    try:  # ints are fine for floats; stored as float so JSON round-trips equal
        value = float(value)
    except (OverflowError, TypeError):  # an int beyond 1.8e308; a BigInt has no __float__
        raise SpecError(path, f"must be finite, got {_number_text(value)}") from None
    if not math.isfinite(value):
        raise SpecError(path, f"must be finite, got {value}")
    return value


def _bool(path: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise SpecError(path, f"must be true or false, got {_describe(value)}")


def _choice(path: str, value: Any, choices: tuple[str, ...], what: str) -> str:
    if not isinstance(value, str):
        raise SpecError(path, f"must be a string, got {_describe(value)}")
    if value not in choices:
        raise SpecError(path, f"unknown {what} {clip(repr(value))} "
                        f"(choose from {', '.join(choices)})")
    return value


def _set(obj: Any, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)  # frozen dataclass: normalise in __post_init__


@dataclass(frozen=True)
class LayerSpec:
    """One hidden layer: ``Linear(previous_width, width)`` followed by an activation."""

    width: int = 25
    activation: str = "relu"
    init: str = "xavier_uniform"

    def __post_init__(self) -> None:
        _set(self, "width", _int("width", self.width, 1, 4096))
        _choice("activation", self.activation, ACTIVATIONS, "activation")
        _choice("init", self.init, INITS, "init")


@dataclass(frozen=True)
class DataSpec:
    """The toy data set: ``n_train`` training and ``n_test`` test points of ``name``."""

    name: str = "disk"
    n_train: int = 1000
    n_test: int = 1000
    noise: float = 0.0
    seed: int = 0
    standardize: bool = True

    def __post_init__(self) -> None:
        _choice("name", self.name, DATASETS, "dataset")
        _set(self, "n_train", _int("n_train", self.n_train, 2, 1_000_000))
        _set(self, "n_test", _int("n_test", self.n_test, 1, 1_000_000))
        noise = _float("noise", self.noise)
        _set(self, "noise", noise)
        if not 0.0 <= noise <= 1.0:
            raise SpecError("noise", f"must be in [0, 1], got {noise}")
        _set(self, "seed", _int("seed", self.seed, 0, MAX_SEED))
        _bool("standardize", self.standardize)


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
        _choice("name", self.name, OPTIMIZERS, "optimizer")
        for name in ("lr", "momentum", "dampening", "weight_decay", "beta1", "beta2", "eps"):
            _set(self, name, _float(name, getattr(self, name)))
        _bool("nesterov", self.nesterov)
        if not 0.0 < self.lr <= 100.0:
            raise SpecError("lr", f"must be > 0 and <= 100, got {self.lr}")
        for name in ("momentum", "beta1", "beta2"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise SpecError(name, f"must be in [0, 1), got {getattr(self, name)}")
        for name in ("dampening", "weight_decay"):
            if getattr(self, name) < 0.0:
                raise SpecError(name, f"must be >= 0, got {getattr(self, name)}")
        if self.eps <= 0.0:
            raise SpecError("eps", f"must be > 0, got {self.eps}")
        if self.nesterov and (self.momentum <= 0.0 or self.dampening != 0.0):
            raise SpecError("nesterov", "needs momentum > 0 and dampening == 0, got momentum "
                            f"{self.momentum} and dampening {self.dampening}")


@dataclass(frozen=True)
class RunSpec:
    """A complete run. ``layers`` lists the hidden layers only (input and output are 2).

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
        for i, layer in enumerate(self.layers):
            if not isinstance(layer, LayerSpec):
                raise SpecError(f"layers[{i}]", f"must be a LayerSpec, got {_describe(layer)}")
        _choice("loss", self.loss, LOSSES, "loss")
        for name, cls in (("optimizer", OptimizerSpec), ("data", DataSpec)):
            if not isinstance(getattr(self, name), cls):
                raise SpecError(name, f"must be a {cls.__name__}, got "
                                f"{_describe(getattr(self, name))}")
        _set(self, "batch_size", _int("batch_size", self.batch_size, 1, 1_000_000))
        _set(self, "epochs", _int("epochs", self.epochs, 1, 100_000))
        _set(self, "seed", _int("seed", self.seed, 0, MAX_SEED))
        _choice("device", self.device, DEVICES, "device")
        _choice("dtype", self.dtype, DTYPES, "dtype")
        if not isinstance(self.name, str):
            raise SpecError("name", f"must be a string, got {_describe(self.name)}")

    @property
    def input_size(self) -> int:
        """Features per sample: always 2 (points in the plane)."""
        return 2

    @property
    def output_size(self) -> int:
        """Network outputs: always 2 (two classes)."""
        return 2

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
    if type(version) is not int or version != SCHEMA_VERSION:
        shown = _number_text(version) if type(version) is int else clip(repr(version))
        raise SpecError("schema_version",
                        f"unsupported version {shown} (this studio reads {SCHEMA_VERSION})")
    body = {k: v for k, v in data.items() if k != "schema_version"}
    # Nested sections first so their errors carry their own paths; _section checks the keys.
    if isinstance(body.get("layers"), list):  # not a list: RunSpec says so, naming the type
        body["layers"] = tuple(_section(f"layers[{i}]", layer, LayerSpec)
                               for i, layer in enumerate(body["layers"]))
    for name, cls in (("optimizer", OptimizerSpec), ("data", DataSpec)):
        if name in body:
            body[name] = _section(name, body[name], cls)
    return _section("", body, RunSpec)


def to_json(spec: RunSpec) -> str:
    """Return the spec as indented JSON text ending with a newline."""
    return json.dumps(to_dict(spec), indent=2) + "\n"


def from_json(text: str) -> RunSpec:
    """Parse JSON ``text`` into a :class:`RunSpec` (strictly: see ``jsontext.loads_strict``)."""
    try:
        data = loads_strict(text)
    except JSONProblem as exc:
        raise SpecError(exc.path, exc.message) from None
    return from_dict(data)
