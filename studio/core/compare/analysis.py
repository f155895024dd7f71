"""The paired analysis of an experiment: per-seed differences, verdicts, strip-plot data.

Run ``i`` of both frameworks shares seed, data, initial weights and batch order, so each
configuration and metric gives one *paired difference* per seed both finished; everything
here is computed from those differences.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..records import METRICS
from . import stats
from .configs import FRAMEWORKS, ExperimentResult, RunResult
from .paired import PairedVerdict, apply_holm, margin_for, paired_verdict

__all__ = ["Comparison", "comparisons", "paired_diffs_csv", "paired_differences"]


@dataclass(frozen=True)
class Comparison:
    """minidl vs torch.nn for one configuration: a paired verdict per metric, the time ratio."""

    config: str
    verdicts: dict[str, PairedVerdict]
    time_ratio: float
    max_paired_diff: dict[str, float]  # max over seeds run by both of |minidl - torch.nn|


def _ok(runs: Iterable[RunResult]) -> list[RunResult]:
    return [r for r in runs if not r.diverged]


def _pairs(exp: ExperimentResult, config: str) -> list[tuple[RunResult, RunResult]]:
    a, b = (_ok(exp.runs(config, fw)) for fw in FRAMEWORKS)
    by_seed = {r.seed: r for r in b}
    return [(r, by_seed[r.seed]) for r in a if r.seed in by_seed]


def paired_differences(exp: ExperimentResult, config: str,
                       metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Strip-plot data: the seeds both frameworks finished and ``minidl - torch.nn`` of the
    final ``metric`` for each.

    Returns
    -------
    seeds : numpy.ndarray
        ``(n,)`` int64, ascending.
    diffs : numpy.ndarray
        ``(n,)`` float64 (accuracy as a fraction, like the curves).
    """
    pairs = _pairs(exp, config)
    return (np.asarray([x.seed for x, _ in pairs], dtype=np.int64),
            np.asarray([x.final(metric) - y.final(metric) for x, y in pairs], dtype=float))


def comparisons(exp: ExperimentResult, *, margins: dict[str, float] | None = None,
                alpha: float = 0.05) -> list[Comparison]:
    """One :class:`Comparison` per configuration; Wilcoxon p Holm-corrected over all
    configurations × metrics."""
    raw: list[tuple[str, str, PairedVerdict]] = []
    extra = {}
    for config in exp.configs:
        pairs = _pairs(exp, config.label)
        for m in METRICS:
            a = [x.final(m) for x, _ in pairs]
            b = [y.final(m) for _, y in pairs]
            raw.append((config.label, m, paired_verdict(
                a, b, margin=margin_for(m, margins), names=FRAMEWORKS, alpha=alpha)))
        ta, tb = (stats.median([r.train_time_s for r in _ok(exp.runs(config.label, fw))])
                  for fw in FRAMEWORKS)
        extra[config.label] = ta / tb if tb > 0 and not math.isnan(ta) else math.nan
    corrected = apply_holm([v for _, _, v in raw], FRAMEWORKS)
    out = []
    for config in exp.configs:
        verdicts = {m: v for (c, m, _), v in zip(raw, corrected, strict=True)
                    if c == config.label}
        out.append(Comparison(config.label, verdicts, extra[config.label],
                              {m: v.max_abs_diff for m, v in verdicts.items()}))
    return out


def paired_diffs_csv(exp: ExperimentResult) -> str:
    """``config,seed,<metric>...`` rows of ``minidl - torch.nn`` (the strip plot, as CSV)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["config", "seed", *(f"{m}_diff" for m in METRICS)])
    for config in exp.configs:
        columns = [paired_differences(exp, config.label, m) for m in METRICS]
        seeds = columns[0][0]
        for i, seed in enumerate(seeds):
            writer.writerow([config.label, int(seed), *(repr(float(c[1][i])) for c in columns)])
    return buf.getvalue()
