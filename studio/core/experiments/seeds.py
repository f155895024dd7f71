""""Was it luck?": N seeds of one setup, as mean ± std bands, and two setups compared.

Run ``i`` trains ``spec`` with seed ``spec.seed + i`` for the weights, the batch order *and*
the data (:func:`~studio.core.compare.configs.seeded`), so two setups run with the same seeds
see the same data and batches: their final metrics are paired by seed.
"""

from __future__ import annotations

import csv
import io
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..compare import stats
from ..compare.configs import MAX_RUNS, ExperimentError, RunResult, check_workers
from ..compare.experiment import run_one
from ..compare.paired import PairedVerdict, apply_holm, margin_for, paired_verdict
from ..compare.pool import run_tasks
from ..records import METRIC_LABELS, METRICS
from ..spec import RunSpec

__all__ = ["BandsComparison", "SeedBands", "bands_csv", "bands_from_runs", "compare_bands",
           "run_seeds", "summary_markdown"]


@dataclass(frozen=True, eq=False)
class SeedBands:
    """N seeded runs of one spec, summarised per epoch.

    Attributes
    ----------
    spec : RunSpec
        The setup (its ``seed`` is the base seed).
    runs : tuple of RunResult
        Every finished run, in seed order (diverged ones included, flagged).
    epochs : numpy.ndarray
        ``(E,)`` 1..E, E the shortest finished non-diverged curve.
    mean, std : dict of str to numpy.ndarray
        Per metric, ``(E,)`` over the non-diverged runs (std ddof = 1; 0 with one run).
    final_test_acc : numpy.ndarray
        ``(n_ok,)`` the distribution of the final test accuracy.
    partial : bool
        Cancelled before every seed finished.
    """

    spec: RunSpec
    runs: tuple[RunResult, ...]
    epochs: np.ndarray
    mean: dict[str, np.ndarray]
    std: dict[str, np.ndarray]
    final_test_acc: np.ndarray
    partial: bool

    @property
    def ok(self) -> tuple[RunResult, ...]:
        """The runs that did not diverge."""
        return tuple(r for r in self.runs if not r.diverged)

    def finals(self, metric: str) -> dict[int, float]:
        """``{seed: final value}`` of ``metric`` over the non-diverged runs."""
        return {r.seed: r.final(metric) for r in self.ok}


def bands_from_runs(spec: RunSpec, runs: list[RunResult], partial: bool = False) -> SeedBands:
    """Summarise finished ``runs`` of ``spec`` (any order) as :class:`SeedBands`."""
    runs = sorted(runs, key=lambda r: r.seed)
    ok = [r for r in runs if not r.diverged]
    mean, std = {}, {}
    for m in METRICS:  # a run's curves all have one value per epoch: the same length
        mean[m], std[m] = stats.band([getattr(r, m) for r in ok])
    length = len(mean["test_acc"])
    return SeedBands(spec, tuple(runs), np.arange(1, length + 1, dtype=float), mean, std,
                     np.asarray([r.final("test_acc") for r in ok], dtype=float), partial)


def _seed_task(spec: RunSpec, seed: int, *, stop: threading.Event | None = None
               ) -> RunResult | None:
    return run_one(spec, "minidl", seed, label=spec.name, stop=stop)


def run_seeds(spec: RunSpec, n: int = 10, *, workers: int = 2,
              on_result: Callable[[RunResult, int, int], None] | None = None,
              cancel: threading.Event | None = None) -> SeedBands:
    """Train ``spec`` with seeds ``spec.seed .. spec.seed + n - 1`` (minidl) and summarise.

    Parameters
    ----------
    n : int
        1..1000 seeds.
    workers : int
        Processes of the experiment pool (:mod:`~studio.core.compare.pool`); 1: this thread.
    on_result : callable, optional
        ``on_result(run, done, n)`` in this thread as each run finishes (progress bars).
    cancel : threading.Event, optional
        Stops the runs; what finished comes back with ``partial=True``.
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_RUNS:
        raise ExperimentError(f"the number of seeds must be in [1, {MAX_RUNS}], got {n!r}")
    check_workers(workers)
    done: list[RunResult] = []

    def collect(result: RunResult | None) -> None:
        if result is not None:
            done.append(result)
            if on_result is not None:
                on_result(result, len(done), n)

    tasks = [(spec, spec.seed + i) for i in range(n)]
    cancelled = run_tasks(_seed_task, tasks, workers=workers, cancel=cancel, collect=collect)
    return bands_from_runs(spec, done, cancelled or len(done) < n)


@dataclass(frozen=True)
class BandsComparison:
    """Setup ``a`` against setup ``b`` on the final metrics.

    ``paired`` when at least two seeds finished in both: then ``verdicts`` holds a
    :class:`~studio.core.compare.paired.PairedVerdict` per metric (Holm over the metrics);
    otherwise ``welch_p`` holds Welch's unpaired p per metric.
    """

    paired: bool
    n_pairs: int
    verdicts: dict[str, PairedVerdict]
    welch_p: dict[str, float]


def compare_bands(a: SeedBands, b: SeedBands, *, margins: dict[str, float] | None = None,
                  alpha: float = 0.05) -> BandsComparison:
    """Compare two setups: paired by seed when the seeds match, Welch otherwise."""
    common = sorted(set(a.finals("test_acc")) & set(b.finals("test_acc")))
    if len(common) >= 2:
        raw = [paired_verdict([a.finals(m)[s] for s in common], [b.finals(m)[s] for s in common],
                              margin=margin_for(m, margins), names=("A", "B"), alpha=alpha)
               for m in METRICS]
        return BandsComparison(True, len(common), dict(zip(METRICS, apply_holm(raw, ("A", "B")),
                                                           strict=True)), {})
    welch = {m: stats.welch_t_test(list(a.finals(m).values()), list(b.finals(m).values())).p
             for m in METRICS}
    return BandsComparison(False, 0, {}, welch)


def bands_csv(bands: SeedBands) -> str:
    """``epoch,<metric>_mean,<metric>_std,...`` rows (accuracy as a fraction)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["epoch", *(f"{m}_{k}" for m in METRICS for k in ("mean", "std"))])
    for i, epoch in enumerate(bands.epochs):
        writer.writerow([int(epoch), *(repr(float(getattr(bands, k)[m][i]))
                                       for m in METRICS for k in ("mean", "std"))])
    return buf.getvalue()


def summary_markdown(bands: SeedBands) -> str:
    """The final metrics over the seeds, and the spread of the final test accuracy."""
    ok, n = bands.ok, len(bands.runs)
    lines = [f"# {n} seeds of {bands.spec.name!r}" + (" (PARTIAL)" if bands.partial else ""),
             "", f"Seeds {bands.spec.seed}..{bands.spec.seed + n - 1} (weights, batch order "
             f"and data); {n - len(ok)} diverged.", "",
             "| metric | mean | std | min | median | max |", "|---|---|---|---|---|---|"]
    for m in METRICS:
        values = [r.final(m) for r in ok]
        s = stats.summarize(values)
        cells = [s.mean, s.std, min(values, default=math.nan), s.median,
                 max(values, default=math.nan)]
        lines.append(f"| {METRIC_LABELS[m]} | "
                     + " | ".join("-" if math.isnan(v) else f"{v:.4g}" for v in cells) + " |")
    acc = bands.final_test_acc
    if len(acc) > 1:
        lines += ["", f"Final test accuracy ranges over {100 * (acc.max() - acc.min()):.2f} "
                  "percentage points between seeds: a difference between two setups smaller "
                  "than that, from one seed each, may be luck."]
    return "\n".join(lines) + "\n"
