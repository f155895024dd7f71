"""What an experiment is made of: its configurations, one run's result, the whole result.

Plain frozen data and the seed-grid configurations; :mod:`.experiment` runs them and
:mod:`.results` reads and writes them. Everything here is re-exported by :mod:`.experiment`.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..spec import OptimizerSpec, RunSpec, SpecError
from ..specpaths import with_values

__all__ = ["CONFIG_KEYS", "FRAMEWORKS", "MAX_RUNS", "MAX_WORKERS", "ExperimentConfig",
           "ExperimentError", "ExperimentInterrupted", "ExperimentResult", "RunResult",
           "base_configs", "check_workers", "default_grid", "make_config", "seeded"]

FRAMEWORKS = ("minidl", "torch.nn")
MAX_RUNS = 1000
#: Most worker processes an experiment starts (far more than cores is only overhead).
MAX_WORKERS = 64
CONFIG_KEYS = ("ce-sgd", "ce-mom", "mse-sgd", "mse-mom")


class ExperimentError(ValueError):
    """Bad experiment input (N, configurations, workers); the message says what to change."""


class ExperimentInterrupted(KeyboardInterrupt):
    """Ctrl+C during :func:`run_experiment`; ``result`` holds the finished runs (partial)."""

    def __init__(self, result: ExperimentResult) -> None:
        super().__init__("interrupted")
        self.result = result


def check_workers(workers: object) -> None:
    """Raise :class:`ExperimentError` unless ``workers`` is a whole number in
    [1, :data:`MAX_WORKERS`] (the pool's process count; a bool is not a number here)."""
    if (isinstance(workers, bool) or not isinstance(workers, int)
            or not 1 <= workers <= MAX_WORKERS):
        raise ExperimentError(f"workers must be a whole number in [1, {MAX_WORKERS}], "
                              f"got {workers!r}")


@dataclass(frozen=True)
class ExperimentConfig:
    """One configuration: a short ``label`` (``"ce-mom"``) and the spec every run starts from."""

    label: str
    spec: RunSpec

    @property
    def momentum(self) -> bool:
        """True for SGD with momentum (Seed A's "(mom)" rows)."""
        return self.spec.optimizer.name == "sgd" and self.spec.optimizer.momentum > 0

    @property
    def title(self) -> str:
        """E.g. ``"CrossEntropy, SGD momentum 0.2, lr 0.1, 200 epochs"``."""
        loss = "CrossEntropy" if self.spec.loss == "cross_entropy" else "MSE"
        opt = self.spec.optimizer
        name = "Adam" if opt.name == "adam" else "SGD"
        if self.momentum:
            name += f" momentum {opt.momentum:g}"
        return f"{loss}, {name}, lr {opt.lr:g}, {self.spec.epochs} epochs"


def make_config(key: str, epochs: int = 200, base: RunSpec | None = None) -> ExperimentConfig:
    """The seed-grid configuration ``key`` (one of :data:`CONFIG_KEYS`).

    ``base`` (default ``RunSpec()``: 2→25→25→25→2 ReLU, disk 1000/1000, batch 100) gives the
    architecture and data; loss, SGD (lr 0.1, momentum 0 or 0.2) and epochs are set here.
    """
    if key not in CONFIG_KEYS:
        raise ExperimentError(f"unknown configuration {key!r} (choose from "
                              f"{', '.join(CONFIG_KEYS)})")
    loss_key, opt_key = key.split("-")
    base = base if base is not None else RunSpec()
    spec = dataclasses.replace(
        base, loss="cross_entropy" if loss_key == "ce" else "mse", epochs=epochs,
        optimizer=OptimizerSpec(name="sgd", lr=0.1, momentum=0.2 if opt_key == "mom" else 0.0),
        name=key)
    return ExperimentConfig(key, spec)


def default_grid(epochs: int = 200) -> tuple[ExperimentConfig, ...]:
    """Seed A's grid: {CrossEntropy, MSE} × {SGD, SGD momentum 0.2}, lr 0.1."""
    return tuple(make_config(key, epochs) for key in CONFIG_KEYS)


def _short(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return {"cross_entropy": "ce"}.get(str(value), str(value))


def base_configs(base: RunSpec, vary: Mapping[str, Sequence[Any]] | None = None
                 ) -> tuple[ExperimentConfig, ...]:
    """The configurations the user ticked: ``base`` with each combination of ``vary``.

    Parameters
    ----------
    base : RunSpec
        What the user is editing; every field not in ``vary`` is trained as it is.
    vary : mapping of path to values, optional
        E.g. ``{"loss": ["cross_entropy", "mse"], "optimizer.momentum": [0.0, 0.2]}`` (paths
        of :func:`~studio.core.specpaths.set_path`); none: the base alone.

    Raises
    ------
    ExperimentError
        An empty value list, or a value the spec refuses (the message names the path).
    """
    vary = dict(vary or {})
    for path, values in vary.items():
        if not values:
            raise ExperimentError(f"{path}: give at least one value to vary")
    if not vary:
        return (ExperimentConfig(base.name[:40] or "base", base),)
    configs = []
    for combo in itertools.product(*vary.values()):
        label = "-".join(_short(v) for v in combo)[:40]
        try:
            spec = with_values(base, dict(zip(vary, combo, strict=True)))
        except SpecError as exc:
            raise ExperimentError(str(exc)) from None
        configs.append(ExperimentConfig(label, dataclasses.replace(spec, name=label)))
    if len({c.label for c in configs}) < len(configs):  # clipped labels: number them instead
        configs = [ExperimentConfig(f"c{i + 1}", dataclasses.replace(c.spec, name=f"c{i + 1}"))
                   for i, c in enumerate(configs)]
    return tuple(configs)


def seeded(spec: RunSpec, seed: int) -> RunSpec:
    """``spec`` with a fresh seed for weights, batch order *and* data (both ``seed``s)."""
    return dataclasses.replace(spec, seed=seed, data=dataclasses.replace(spec.data, seed=seed))


@dataclass(frozen=True)
class RunResult:
    """One finished run: per-epoch curves (tuples) and the final metrics.

    Losses are per-sample means over the whole set, evaluated after each epoch. ``train_time_s``
    is the wall time of the epochs (updates and that evaluation, the same for both frameworks).
    A run whose loss became NaN/inf is ``diverged``; its curves stop at that epoch.
    """

    framework: str
    config: str
    seed: int
    train_loss: tuple[float, ...]
    test_loss: tuple[float, ...]
    train_acc: tuple[float, ...]
    test_acc: tuple[float, ...]
    train_time_s: float
    diverged: bool = False
    message: str = ""

    def final(self, metric: str) -> float:
        """Last value of ``metric`` (``"train_loss"``, ..., ``"test_acc"``); NaN if none."""
        curve = getattr(self, metric)
        return curve[-1] if curve else math.nan


@dataclass(frozen=True)
class ExperimentResult:
    """Everything an experiment produced, with the settings that reproduce it."""

    configs: tuple[ExperimentConfig, ...]
    n_runs: int
    base_seed: int
    results: tuple[RunResult, ...]
    partial: bool = False
    workers: int = 1
    wall_time_s: float = 0.0
    environment: dict = field(default_factory=dict, compare=False)

    @property
    def seeds(self) -> tuple[int, ...]:
        """The seed of run ``i`` is ``base_seed + i``."""
        return tuple(self.base_seed + i for i in range(self.n_runs))

    def runs(self, config: str, framework: str) -> tuple[RunResult, ...]:
        """The results of one configuration and framework, in seed order."""
        return tuple(sorted((r for r in self.results
                             if r.config == config and r.framework == framework),
                            key=lambda r: r.seed))
