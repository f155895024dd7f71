"""A sweep's results as a table (mean ± std of the final metrics per cell) and a heatmap."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..compare import stats
from ..records import METRICS
from .sweep_run import SweepResult

__all__ = ["SweepRow", "heatmap", "sweep_csv", "sweep_markdown", "sweep_rows"]


@dataclass(frozen=True)
class SweepRow:
    """One cell: its grid values and the summaries of its finished, non-diverged runs."""

    cell: int
    values: dict[str, Any]
    n_ok: int
    n_diverged: int
    metrics: dict[str, stats.Summary]


def sweep_rows(result: SweepResult) -> list[SweepRow]:
    """One row per cell, in grid order (sort them as you like: the data are plain)."""
    rows = []
    for c, values in enumerate(result.sweep.cells()):
        runs = [r for r in result.runs if r.cell == c]
        ok = [r for r in runs if not r.diverged]
        rows.append(SweepRow(c, values, len(ok), len(runs) - len(ok),
                             {m: stats.summarize([r.finals[m] for r in ok]) for m in METRICS}))
    return rows


def heatmap(result: SweepResult, x: str, y: str, metric: str = "test_acc",
            fixed: dict[str, Any] | None = None) -> tuple[list, list, np.ndarray]:
    """Mean final ``metric`` over two swept axes.

    Other swept paths are held at ``fixed[path]`` (default: their first value).

    Returns
    -------
    xs, ys : list
        The values of the axes, in grid order.
    z : numpy.ndarray
        ``(len(ys), len(xs))``; NaN where a cell has no finished run.
    """
    grid = dict(result.sweep.grid)
    if x not in grid or y not in grid or x == y:
        raise ValueError(f"x and y must be two different swept paths of {list(grid)}")
    hold = {p: v[0] for p, v in grid.items() if p not in (x, y)}
    hold.update(fixed or {})
    z = np.full((len(grid[y]), len(grid[x])), math.nan)
    for row in sweep_rows(result):
        if row.n_ok and all(row.values[p] == v for p, v in hold.items()):
            z[grid[y].index(row.values[y]), grid[x].index(row.values[x])] = \
                row.metrics[metric].mean
    return list(grid[x]), list(grid[y]), z


def _cell(s: stats.Summary, scale: float) -> str:
    if s.n == 0:
        return "-"
    spread = "" if math.isnan(s.std) else f" ± {s.std * scale:.2g}"
    return f"{s.mean * scale:.4g}{spread}"


def sweep_markdown(result: SweepResult, sort_by: str = "test_acc") -> str:
    """The table, best ``sort_by`` first (highest accuracy, lowest loss)."""
    sweep = result.sweep
    rows = sweep_rows(result)
    sign = -1.0 if sort_by.endswith("acc") else 1.0
    rows.sort(key=lambda r: (r.n_ok == 0, sign * r.metrics[sort_by].mean if r.n_ok else 0.0))
    head = [*sweep.paths, "runs", "test acc %", "train acc %", "test loss", "train loss"]
    lines = [f"# Sweep {sweep.name!r}" + (" (PARTIAL)" if result.partial else ""), "",
             f"{len(rows)} cells × {sweep.seeds} seeds; mean ± std (ddof=1) of the final "
             f"metrics over the seeds, sorted by {sort_by}.", "",
             "| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for r in rows:
        runs = f"{r.n_ok}" + (f" (+{r.n_diverged} diverged)" if r.n_diverged else "")
        lines.append("| " + " | ".join([*(str(r.values[p]) for p in sweep.paths), runs,
                                        _cell(r.metrics["test_acc"], 100),
                                        _cell(r.metrics["train_acc"], 100),
                                        _cell(r.metrics["test_loss"], 1),
                                        _cell(r.metrics["train_loss"], 1)]) + " |")
    return "\n".join(lines) + "\n"


def sweep_csv(result: SweepResult) -> str:
    """One row per cell: grid values, runs, mean and std of each final metric."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    paths = result.sweep.paths
    writer.writerow(["cell", *paths, "runs_ok", "runs_diverged",
                     *(f"{m}_{k}" for m in METRICS for k in ("mean", "std"))])
    for r in sweep_rows(result):
        writer.writerow([r.cell, *(r.values[p] for p in paths), r.n_ok, r.n_diverged,
                         *(repr(getattr(r.metrics[m], k)) for m in METRICS
                           for k in ("mean", "std"))])
    return buf.getvalue()
