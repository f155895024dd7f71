"""The experiment runner: N seeded runs × configurations × {minidl, torch.nn}.

Each run of a seed is a controlled pair: the minidl :class:`~studio.core.session.Session` and
its torch.nn twin (:class:`~studio.core.compare.twin.TorchSession`, autograd) see the same
data, the same initial weights (copied from the minidl model built from that seed) and the
same batch order. Runs are spread over processes (:mod:`.pool`: ``spawn``, one torch
thread each); results stream back as they finish and a cancelled experiment returns what
finished, marked ``partial``.
"""

from __future__ import annotations

import platform
import threading
import time
from collections.abc import Callable, Sequence

import numpy as np
import torch

from ..budget import available_bytes, check_fits
from ..build import build_model
from ..records import METRICS
from ..session import Session
from ..spec import RunSpec, SpecError
from .configs import (
    CONFIG_KEYS,
    FRAMEWORKS,
    MAX_RUNS,
    MAX_WORKERS,
    ExperimentConfig,
    ExperimentError,
    ExperimentInterrupted,
    ExperimentResult,
    RunResult,
    check_workers,
    default_grid,
    make_config,
    seeded,
)
from .pool import run_tasks
from .twin import TorchSession, build_torch_twin

__all__ = ["CONFIG_KEYS", "FRAMEWORKS", "MAX_RUNS", "MAX_WORKERS", "ExperimentConfig",
           "ExperimentError",
           "ExperimentInterrupted", "ExperimentResult", "RunResult", "default_grid",
           "make_config", "run_experiment", "run_one", "seeded", "validate"]


def validate(configs: Sequence[ExperimentConfig], n_runs: object, workers: object = 1) -> None:
    """Raise :class:`ExperimentError` for nonsense N, no configurations or bad workers, and
    :class:`~studio.core.compare.twin.TwinError` if a configuration has no torch.nn twin."""
    if isinstance(n_runs, bool) or not isinstance(n_runs, (int, np.integer)):
        raise ExperimentError(f"the number of runs must be a whole number, got {n_runs!r}")
    if not 1 <= n_runs <= MAX_RUNS:
        raise ExperimentError(f"the number of runs must be between 1 and {MAX_RUNS}, "
                              f"got {n_runs}")
    check_workers(workers)
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


def _task(spec: RunSpec, framework: str, seed: int, label: str, *,
          stop: threading.Event | None = None) -> RunResult | None:
    return run_one(spec, framework, seed, label=label, stop=stop)


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

    try:
        cancelled = run_tasks(_task, tasks, workers=workers, cancel=cancel, collect=collect)
        interrupted = False
    except KeyboardInterrupt:  # keep what finished: the caller can still write it
        cancelled = interrupted = True
    env = {"torch": torch.__version__, "numpy": np.__version__,
           "python": platform.python_version(), "platform": platform.platform(),
           "torch_threads_per_worker": 1 if workers > 1 else torch.get_num_threads()}
    result = ExperimentResult(tuple(configs), int(n_runs), base_seed, tuple(done),
                              partial=cancelled or len(done) < len(tasks), workers=workers,
                              wall_time_s=time.perf_counter() - start, environment=env)
    if interrupted:
        raise ExperimentInterrupted(result)
    return result
