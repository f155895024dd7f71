"""The experiment runner: N seeded runs × configurations × {minidl, torch.nn}.

Each run of a seed is a controlled pair: the minidl :class:`~studio.core.session.Session` and
its torch.nn twin (:class:`~studio.core.compare.twin.TorchSession`, autograd) see the same
data, the same initial weights (copied from the minidl model built from that seed) and the
same batch order. Runs are spread
over processes (``spawn``, one torch thread each); results stream back as they finish and a
cancelled experiment returns what finished, marked ``partial``.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import math
import multiprocessing
import platform
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from ..budget import available_bytes, check_fits
from ..build import build_model
from ..records import METRICS
from ..session import Session
from ..spec import OptimizerSpec, RunSpec, SpecError
from .twin import TorchSession, build_torch_twin

__all__ = ["CONFIG_KEYS", "FRAMEWORKS", "MAX_RUNS", "ExperimentConfig", "ExperimentError",
           "ExperimentResult", "RunResult", "default_grid", "make_config", "run_experiment",
           "run_one", "seeded", "validate"]

FRAMEWORKS = ("minidl", "torch.nn")
MAX_RUNS = 1000
CONFIG_KEYS = ("ce-sgd", "ce-mom", "mse-sgd", "mse-mom")


class ExperimentError(ValueError):
    """Bad experiment input (N, configurations, workers); the message says what to change."""


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


def validate(configs: Sequence[ExperimentConfig], n_runs: object, workers: object = 1) -> None:
    """Raise :class:`ExperimentError` for nonsense N, no configurations or bad workers, and
    :class:`~studio.core.compare.twin.TwinError` if a configuration has no torch.nn twin."""
    if isinstance(n_runs, bool) or not isinstance(n_runs, (int, np.integer)):
        raise ExperimentError(f"the number of runs must be a whole number, got {n_runs!r}")
    if not 1 <= n_runs <= MAX_RUNS:
        raise ExperimentError(f"the number of runs must be between 1 and {MAX_RUNS}, "
                              f"got {n_runs}")
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 64:
        raise ExperimentError(f"workers must be a whole number in [1, 64], got {workers!r}")
    if not configs:
        raise ExperimentError("no configuration chosen: pick at least one")
    labels = [c.label for c in configs]
    if len(set(labels)) != len(labels):
        raise ExperimentError(f"configuration labels must be unique, got {', '.join(labels)}")
    # Memory first: building a 1000 × 4096 model to check its twin would itself run out.
    # The workers train at the same time: each gets its share of the memory there is.
    share = None if workers == 1 else available_bytes() // workers
    for config in configs:
        try:
            check_fits(config.spec, share)
        except SpecError as exc:
            raise ExperimentError(f"configuration {config.label!r}: {exc}"
                                  + (f" ({workers} workers)" if share else "")) from None
        build_torch_twin(config.spec, build_model(config.spec))  # TwinError names the layer


def run_one(spec: RunSpec, framework: str, seed: int | None = None, *, label: str = "",
            stop: threading.Event | None = None) -> RunResult | None:
    """Train ``spec`` (re-seeded with :func:`seeded` when ``seed`` is given) in one framework.

    Both frameworks are driven the same way: a session (minidl's or its torch.nn twin's)
    yields one report per epoch. Returns ``None`` when ``stop`` was set before the run finished.
    """
    if framework not in FRAMEWORKS:
        raise ExperimentError(f"unknown framework {framework!r} (choose from "
                              f"{', '.join(FRAMEWORKS)})")
    spec = seeded(spec, seed) if seed is not None else spec
    session = (TorchSession if framework == "torch.nn" else Session)(spec)
    reports = list(session.run(stop=stop, grid_every=0))
    if not reports or (len(reports) < spec.epochs and not reports[-1].diverged):
        return None
    last = reports[-1]
    curves = (tuple(getattr(r, metric) for r in reports) for metric in METRICS)
    return RunResult(framework, label or spec.name, spec.seed, *curves,
                     train_time_s=last.elapsed_s, diverged=last.diverged, message=last.message)


_WORKER_STOP = None  # the pool's shared stop event, set by the initializer in each process


def _init_worker(stop) -> None:
    global _WORKER_STOP
    _WORKER_STOP = stop
    torch.set_num_threads(1)  # one core per process: N processes use N cores, no oversubscription


def _task(spec: RunSpec, framework: str, seed: int, label: str) -> RunResult | None:
    return run_one(spec, framework, seed, label=label, stop=_WORKER_STOP)


OnResult = Callable[[RunResult, int, int], None]


def run_experiment(configs: Sequence[ExperimentConfig], n_runs: int, *, base_seed: int = 0,
                   workers: int = 2, on_result: OnResult | None = None,
                   cancel: threading.Event | None = None) -> ExperimentResult:
    """Run ``n_runs`` seeds × ``configs`` × :data:`FRAMEWORKS`.

    Parameters
    ----------
    configs : sequence of ExperimentConfig
        At least one; labels unique.
    n_runs : int
        1..:data:`MAX_RUNS`; run ``i`` uses seed ``base_seed + i`` for every configuration and
        framework (paired runs).
    workers : int
        Processes (``spawn``); 1 runs everything in this thread (no process start-up cost).
    on_result : callable, optional
        ``on_result(result, done, total)``, called in this thread as each run finishes.
    cancel : threading.Event, optional
        When set: nothing more is started, running runs stop at their next batch, and the
        finished results come back with ``partial=True``.

    Raises
    ------
    ExperimentError, TwinError
        Before anything runs.
    """
    validate(configs, n_runs, workers)
    tasks = [(c.spec, fw, base_seed + i, c.label)
             for i in range(n_runs) for c in configs for fw in FRAMEWORKS]
    start = time.perf_counter()
    done: list[RunResult] = []

    def collect(result: RunResult | None) -> None:
        if result is not None:
            done.append(result)
            if on_result is not None:
                on_result(result, len(done), len(tasks))

    cancelled = _run_local(tasks, cancel, collect) if workers == 1 else _run_pool(
        tasks, workers, cancel, collect)
    env = {"torch": torch.__version__, "numpy": np.__version__,
           "python": platform.python_version(), "platform": platform.platform(),
           "torch_threads_per_worker": 1 if workers > 1 else torch.get_num_threads()}
    return ExperimentResult(tuple(configs), int(n_runs), base_seed, tuple(done),
                            partial=cancelled or len(done) < len(tasks), workers=workers,
                            wall_time_s=time.perf_counter() - start, environment=env)


def _run_local(tasks, cancel, collect) -> bool:
    for spec, fw, seed, label in tasks:
        if cancel is not None and cancel.is_set():
            return True
        collect(run_one(spec, fw, seed, label=label, stop=cancel))
    return cancel is not None and cancel.is_set()


def _run_pool(tasks, workers, cancel, collect) -> bool:
    ctx = multiprocessing.get_context("spawn")  # fork + torch threads can deadlock
    stop = ctx.Event()
    pending = list(reversed(tasks))
    running: set[cf.Future] = set()
    cancelled = False
    with cf.ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                initargs=(stop,)) as pool:
        try:
            while pending or running:
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    stop.set()  # running runs return None at their next batch
                    break
                # A short queue per worker: cancel then only has little to throw away.
                while pending and len(running) < 2 * workers:
                    running.add(pool.submit(_task, *pending.pop()))
                finished, running = cf.wait(running, timeout=0.05,
                                            return_when=cf.FIRST_COMPLETED)
                for future in finished:
                    collect(future.result())
        finally:
            if cancelled or pending or running:
                stop.set()
                for future in running:
                    future.cancel()
    # The pool has shut down: runs that finished while we were cancelling still count.
    for future in running:
        if future.done() and not future.cancelled() and future.exception() is None:
            collect(future.result())
    return cancelled
