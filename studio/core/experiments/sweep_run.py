"""Running a sweep: local worker processes or a Dask cluster, a results file that resumes.

The results file (``sweep_results.json``) holds the sweep itself and every finished run; it is
rewritten atomically after each run, so an interrupted sweep loses at most the runs in flight.
Running the same sweep against an existing results file skips the (cell, seed) runs it
already holds: a killed sweep resumes, and a finished one reruns nothing. Runs are
deterministic, so the resumed table equals an uninterrupted one.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..compare.configs import ExperimentError, check_workers
from ..compare.experiment import run_one
from ..compare.pool import run_tasks
from ..io import MAX_DATA_BYTES, atomic_write_text, read_limited
from ..jsontext import loads_strict
from ..records import METRICS
from ..spec import RunSpec
from .sweep import Sweep, sweep_to_dict

__all__ = ["RESULTS_NAME", "CellRun", "SweepResult", "load_sweep_results", "run_sweep"]

RESULTS_NAME = "sweep_results.json"
_KIND = "minidl-studio sweep results"


@dataclass(frozen=True)
class CellRun:
    """One finished run of one cell: the final metrics (accuracy as a fraction).

    Equality ignores the wall time: a rerun trains the same numbers, never in the same time.
    """

    cell: int
    seed: int
    finals: dict[str, float]
    diverged: bool
    train_time_s: float = field(compare=False)


@dataclass(frozen=True, eq=False)
class SweepResult:
    """The sweep and its finished runs, sorted by (cell, seed); ``partial`` when some are
    missing (cancelled, or resumed later)."""

    sweep: Sweep
    runs: tuple[CellRun, ...]
    partial: bool


def _cell_task(cell: int, spec: RunSpec, seed: int, *,
               stop: threading.Event | None = None) -> CellRun | None:
    # Final metrics only: a sweep's table needs no curves, and small results travel cheaply
    # between processes (or machines, on a cluster).
    run = run_one(spec, "minidl", seed, stop=stop)
    if run is None:
        return None
    return CellRun(cell, seed, {m: run.final(m) for m in METRICS}, run.diverged,
                   run.train_time_s)


def _cluster_task(cell: int, spec: RunSpec, seed: int) -> CellRun | None:
    import torch

    torch.set_num_threads(1)  # as the local pool: one core per worker thread
    return _cell_task(cell, spec, seed)


def _to_json(run: CellRun) -> dict:
    return {"cell": run.cell, "seed": run.seed, "diverged": run.diverged,
            "train_time_s": run.train_time_s,
            **{m: (v if v == v and abs(v) != float("inf") else None)
               for m, v in run.finals.items()}}


def _from_json(raw: Any) -> CellRun:
    return CellRun(int(raw["cell"]), int(raw["seed"]),
                   {m: float("nan") if raw[m] is None else float(raw[m]) for m in METRICS},
                   bool(raw["diverged"]), float(raw["train_time_s"]))


def load_sweep_results(path: str | os.PathLike, sweep: Sweep | None = None) -> list[CellRun]:
    """The runs of a results file; with ``sweep``, refuse a file written for another sweep."""
    data = loads_strict(read_limited(path, "sweep results", MAX_DATA_BYTES).decode("utf-8"))
    if not isinstance(data, dict) or data.get("kind") != _KIND:
        raise ExperimentError(f"{os.fspath(path)!r} is not a sweep results file")
    # Compared as JSON would store it: tuples in the spec (features, points) read back as lists.
    if sweep is not None and data.get("sweep") != json.loads(json.dumps(sweep_to_dict(sweep))):
        raise ExperimentError(f"{os.fspath(path)!r} holds the results of another sweep: "
                              "choose another --out folder")
    try:
        return [_from_json(r) for r in data["runs"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ExperimentError(f"{os.fspath(path)!r}: damaged run entry ({exc})") from None


def _save(path: Path, sweep: Sweep, runs: list[CellRun]) -> None:
    body = {"kind": _KIND, "version": 1, "sweep": sweep_to_dict(sweep),
            "runs": [_to_json(r) for r in sorted(runs, key=lambda r: (r.cell, r.seed))]}
    atomic_write_text(path, json.dumps(body, indent=1, allow_nan=False) + "\n")


def run_sweep(sweep: Sweep, *, results_path: str | os.PathLike | None = None,
              workers: int = 2, scheduler: str | None = None,
              on_result: Callable[[CellRun, int, int], None] | None = None,
              cancel: threading.Event | None = None) -> SweepResult:
    """Run every (cell, seed) of ``sweep`` not already in ``results_path``.

    Parameters
    ----------
    results_path : path, optional
        Read first (resume) and rewritten after every finished run; none: in memory only.
    workers : int
        Local processes (the experiment pool; 1 = this thread). Ignored with ``scheduler``.
    scheduler : str, optional
        Address of a running Dask scheduler (``"tcp://host:8786"``): the same tasks run on
        its workers (needs ``minidl-studio[cluster]``).
    on_result : callable, optional
        ``on_result(run, done, total)`` in this thread after each run (done counts resumed
        runs too).
    cancel : threading.Event, optional
        Nothing more starts; finished runs are kept (and saved).
    """
    check_workers(workers)
    path = Path(results_path) if results_path is not None else None
    done = load_sweep_results(path, sweep) if path is not None and path.exists() else []
    have = {(r.cell, r.seed) for r in done}
    cells = sweep.cells()
    tasks = [(c, sweep.cell_spec(values), sweep.base.seed + s)
             for s in range(sweep.seeds) for c, values in enumerate(cells)
             if (c, sweep.base.seed + s) not in have]
    total = len(cells) * sweep.seeds

    def collect(run: CellRun | None) -> None:
        if run is None:
            return
        done.append(run)
        if path is not None:
            _save(path, sweep, done)
        if on_result is not None:
            on_result(run, len(done), total)

    if path is not None and not path.exists():
        _save(path, sweep, done)  # the file exists from the start: it names its sweep
    if scheduler is not None:
        from .cluster import run_on_cluster

        run_on_cluster(_cluster_task, tasks, scheduler, cancel=cancel, collect=collect)
    else:
        run_tasks(_cell_task, tasks, workers=workers, cancel=cancel, collect=collect)
    runs = tuple(sorted(done, key=lambda r: (r.cell, r.seed)))
    return SweepResult(sweep, runs, len(runs) < total)
