"""The spec's vocabulary and limits, stated once: what every field may hold and how it reads.

:mod:`studio.core.spec` validates against :data:`LIMITS` and every editor widget reads its
range, choices, display names, label and tooltip from it, so the window can never show (or
refuse) a value differently from the spec that trains it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import minidl.data

from .jsontext import BigInt, clip, describe, number_text

__all__ = ["ACTIVATIONS", "CUSTOM_DATA", "DATASETS", "DEVICES", "DTYPES", "FEATURES", "INITS",
           "LIMITS", "LOSSES", "MAX_CLASSES", "MAX_LAYERS", "MAX_POINTS", "MAX_SEED",
           "MULTICLASS_DATASETS", "OPTIMIZERS", "Field"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu", "identity")
INITS = ("xavier_uniform", "xavier_normal", "torch_default")
LOSSES = ("cross_entropy", "mse")
OPTIMIZERS = ("sgd", "adam")
#: The generated sets: whatever minidl can generate, named as it names them.
DATASETS = tuple(minidl.data.DATASETS)
#: ``data.name`` of drawn or imported points, stored inline in ``data.points``. Not one of the
#: generator choices of ``data.name``: it is set by importing or drawing, never picked.
CUSTOM_DATA = "custom"
#: The generated sets that can have more than two classes (disk and xor are two-class).
MULTICLASS_DATASETS = minidl.data.MULTICLASS
#: Most classes of any data set.
MAX_CLASSES = minidl.data.MAX_CLASSES
#: Most inline points of a custom data set (a spec file stays a few MB).
MAX_POINTS = 100_000
#: Input features computed from a point (x, y), as in TensorFlow Playground (see
#: :mod:`studio.core.features` for their exact definitions).
FEATURES = ("x", "y", "x2", "y2", "xy", "sin_x", "sin_y")
DEVICES = ("cpu", "cuda")
DTYPES = ("float32", "float64")
#: Largest accepted seed: the test set uses ``data.seed + 1_000_003``, which must stay a valid
#: torch seed (< 2**64), and 2**62 is easy to state.
MAX_SEED = 2**62
#: Most hidden layers: deep enough for any toy experiment, small enough to draw and train.
MAX_LAYERS = 64


def _num(value: float) -> str:
    """``1`` for 1.0 (bounds read like the docs), the shortest exact form otherwise."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**63 else repr(value)


@dataclass(frozen=True)
class Field:
    """One editable spec field: its kind, bounds or choices, and how the GUI presents it.

    Parameters
    ----------
    path : str
        Where it lives in the spec: ``"optimizer.lr"``; ``"layers[].width"`` for every layer.
    label : str
        Form label, e.g. ``"Learning rate"``.
    kind : {"int", "float", "choice", "bool", "choices"}
        The value's type; ``"choices"`` is a non-empty set of distinct ``choices`` (the
        input features), normalised to a tuple in ``choices`` order.
    about : str
        What the field does (the tooltip's first sentence).
    lo, hi : float, optional
        Bounds; None means unbounded on that side.
    lo_open, hi_open : bool
        Whether the bound itself is excluded (``lr > 0``, ``momentum < 1``).
    choices : tuple of str
        Allowed values of a ``"choice"`` field, in display order.
    display : mapping
        Display name per choice (``"cross_entropy"`` -> ``"CrossEntropy"``).
    noun : str
        What a choice is called in errors: ``"unknown activation 'relu2'"``.
    step : float, optional
        Arrow-key step; None steps one unit of the leading digit (0.1 -> 0.2, 0.1 -> 0.09).
    log_scale : bool
        Arrows multiply by ten instead (values spanning decades, like ``eps``).
    """

    path: str
    label: str
    kind: str
    about: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    choices: tuple[str, ...] = ()
    display: Mapping[str, str] = field(default_factory=dict)
    noun: str = ""
    step: float | None = None
    log_scale: bool = False

    @property
    def range_text(self) -> str:
        """The bounds as the errors state them: ``"in [0, 1)"``, ``"> 0 and <= 100"``."""
        lo, hi = self.lo, self.hi
        if lo is not None and hi is not None:
            if self.lo_open:
                return f"> {_num(lo)} and {'<' if self.hi_open else '<='} {_num(hi)}"
            return f"in [{_num(lo)}, {_num(hi)}{')' if self.hi_open else ']'}"
        if lo is not None:
            return f"{'>' if self.lo_open else '>='} {_num(lo)}"
        if hi is not None:
            return f"{'<' if self.hi_open else '<='} {_num(hi)}"
        return "any value"

    @property
    def tooltip(self) -> str:
        """What the field does and what it accepts, for the editor's tooltip."""
        if self.kind in ("choice", "choices"):
            return f"{self.about}\nChoices: {', '.join(self.show(c) for c in self.choices)}."
        if self.kind == "bool":
            return self.about
        return f"{self.about}\nAllowed: {self.range_text}."

    def show(self, choice: str) -> str:
        """The display name of ``choice`` (itself when it has none)."""
        return self.display.get(choice, choice)

    def in_range(self, value: float) -> bool:
        """Whether a number satisfies the bounds."""
        if self.lo is not None and (value <= self.lo if self.lo_open else value < self.lo):
            return False
        return not (self.hi is not None and (value >= self.hi if self.hi_open else
                                             value > self.hi))

    def check(self, value: Any) -> Any:
        """Return ``value`` normalised (ints stay int, numbers become float) or raise.

        Raises
        ------
        ValueError
            With the message the spec reports after the path, e.g. ``"must be in [1, 4096],
            got 5000"``.
        """
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"must be true or false, got {describe(value)}")
            return value
        if self.kind == "choices":
            return self._check_choices(value)
        if self.kind == "choice":
            if not isinstance(value, str):
                raise ValueError(f"must be a string, got {describe(value)}")
            if value not in self.choices:
                raise ValueError(f"unknown {self.noun} {clip(repr(value))} "
                                 f"(choose from {', '.join(self.choices)})")
            return value
        # bool is an int subclass: `"epochs": true` must not silently mean 1.
        # A BigInt is an integer literal too long for int(): out of every range.
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, (numbers.Integral, BigInt)):
                raise ValueError(f"must be an integer, got {describe(value)}")
            if isinstance(value, BigInt):
                raise ValueError(f"must be {self.range_text}, got {number_text(value)}")
            value = int(value)
        else:
            if isinstance(value, bool) or not isinstance(value, (numbers.Real, BigInt)):
                raise ValueError(f"must be a number, got {describe(value)}")
            try:  # ints are fine; stored as float so JSON round-trips equal
                value = float(value)
            except (OverflowError, TypeError):  # an int beyond 1.8e308; a BigInt
                raise ValueError(f"must be finite, got {number_text(value)}") from None
            if not math.isfinite(value):
                raise ValueError(f"must be finite, got {value}")
        if not self.in_range(value):
            raise ValueError(f"must be {self.range_text}, got {number_text(value)}")
        return value

    def _check_choices(self, value: Any) -> tuple[str, ...]:
        # A set in meaning, stored in one order: toggling features on and off in any order
        # gives equal specs, and the network's input columns always come in this order.
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"must be a list of {self.noun}s, got {describe(value)}")
        if not value:
            raise ValueError(f"must hold at least one {self.noun}")
        for item in value:
            if not isinstance(item, str) or item not in self.choices:
                raise ValueError(f"unknown {self.noun} {item!r} "
                                 f"(choose from {', '.join(self.choices)})")
        if len(set(value)) != len(value):
            raise ValueError(f"lists a {self.noun} twice: {list(value)}")
        return tuple(c for c in self.choices if c in value)


def _choice(path: str, label: str, about: str, noun: str, choices: tuple[str, ...],
            display: Mapping[str, str]) -> Field:
    return Field(path, label, "choice", about, choices=choices, display=display, noun=noun)


_FIELDS = (
    Field("layers", "Hidden layers", "int", "Number of hidden layers (0: a linear classifier).",
          0, MAX_LAYERS),
    Field("layers[].width", "Width", "int", "Units in this hidden layer.", 1, 4096),
    _choice("layers[].activation", "Activation", "Nonlinearity after this layer.", "activation",
            ACTIVATIONS, {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid",
                          "leaky_relu": "LeakyReLU", "identity": "Identity"}),
    _choice("layers[].init", "Init", "How this layer's weights start.", "init", INITS,
            {"xavier_uniform": "Xavier uniform", "xavier_normal": "Xavier normal",
             "torch_default": "PyTorch default"}),
    _choice("data.name", "Dataset", "The toy 2-D data set to classify.", "dataset", DATASETS,
            {"disk": "Disk", "xor": "XOR", "gaussians": "Gaussians", "spiral": "Spiral"}),
    Field("data.n_train", "Train points", "int", "Points in the training set.", 2, 1_000_000,
          step=100),
    Field("data.n_test", "Test points", "int", "Points in the test set.", 1, 1_000_000, step=100),
    Field("data.noise", "Noise", "float",
          "Gaussian jitter added to each point, in units of the set's class gap (the distance "
          "between neighbouring classes: the disk's radius, half the XOR square, the spacing "
          "of spiral arms, the distance of neighbouring blob centres), so it means the same on "
          "every set: 0.1 blurs the boundary a little, 1 mixes the classes. Drawn and "
          "imported points get none.", 0.0, 1.0, step=0.05),
    Field("data.classes", "Classes", "int",
          "Number of classes: spiral arms or Gaussian blobs (disk and XOR have 2).",
          2, MAX_CLASSES),
    Field("data.features", "Features", "choices",
          "Inputs computed from each point before standardisation; the network's input width "
          "is their number.", choices=FEATURES, noun="feature",
          display={"x": "x", "y": "y", "x2": "x²", "y2": "y²", "xy": "x·y",
                   "sin_x": "sin x", "sin_y": "sin y"}),
    Field("data.test_fraction", "Test fraction", "float",
          "Share of drawn or imported points held out for testing (points without a split).",
          0.0, 1.0, lo_open=True, hi_open=True, step=0.05),
    Field("data.seed", "Data seed", "int", "Seed that draws the data set.", 0, MAX_SEED),
    Field("data.standardize", "Standardize", "bool", "Scale inputs to zero mean, unit variance."),
    _choice("optimizer.name", "Optimizer", "The update rule (torch.optim's meaning).",
            "optimizer", OPTIMIZERS, {"sgd": "SGD", "adam": "Adam"}),
    Field("optimizer.lr", "Learning rate", "float", "Step size of every update.", 0.0, 100.0,
          lo_open=True),
    Field("optimizer.momentum", "Momentum", "float", "SGD: fraction of the last step kept.",
          0.0, 1.0, hi_open=True, step=0.05),
    Field("optimizer.dampening", "Dampening", "float", "SGD: damping of the momentum term.",
          0.0, step=0.05),
    Field("optimizer.nesterov", "Nesterov", "bool",
          "SGD: Nesterov momentum (needs momentum > 0 and dampening = 0)."),
    Field("optimizer.weight_decay", "Weight decay", "float", "L2 penalty added to the gradient.",
          0.0),
    Field("optimizer.beta1", "Beta1", "float", "Adam: decay of the gradient average.", 0.0, 1.0,
          hi_open=True, step=0.01),
    Field("optimizer.beta2", "Beta2", "float", "Adam: decay of the squared-gradient average.",
          0.0, 1.0, hi_open=True, step=0.001),
    Field("optimizer.eps", "Epsilon", "float", "Adam: added to the denominator for stability.",
          0.0, lo_open=True, log_scale=True),
    _choice("loss", "Loss", "What training minimises.", "loss", LOSSES,
            {"cross_entropy": "CrossEntropy", "mse": "MSE"}),
    Field("batch_size", "Batch size", "int", "Training points per update.", 1, 1_000_000),
    Field("epochs", "Epochs", "int", "Passes over the training set.", 1, 100_000, step=10),
    Field("seed", "Seed", "int", "Seed for weight init and batch order.", 0, MAX_SEED),
    _choice("device", "Device", "Where training runs.", "device", DEVICES,
            {"cpu": "CPU", "cuda": "CUDA"}),
    _choice("dtype", "Dtype", "Floating-point precision of weights and data.", "dtype", DTYPES,
            {"float32": "float32", "float64": "float64"}),
)

#: Every editable field, keyed by its spec path. Read-only.
LIMITS: Mapping[str, Field] = MappingProxyType({f.path: f for f in _FIELDS})
