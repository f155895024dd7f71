"""Tables, curves and the results file of an experiment (Seed A's Tables 1-2, done properly).

All numbers come from :class:`~studio.core.compare.experiment.ExperimentResult`; nothing here
trains.
Losses are per-sample means over the whole set after the last epoch; std is the sample std
(ddof = 1); diverged runs are counted and left out of every mean, never averaged in.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..io import atomic_write_text
from ..records import METRICS
from . import stats
from .analysis import Comparison, comparisons, paired_differences, paired_diffs_csv
from .describe import setup_words
from .experiment import CONFIG_KEYS, FRAMEWORKS, ExperimentConfig, ExperimentResult, RunResult
from .paired import DEFAULT_MARGINS
from .results import RESULTS_VERSION, load_results, results_from_dict, results_to_dict

__all__ = ["METRICS", "RESULTS_VERSION", "Comparison", "TableRow", "bands", "comparisons",
           "curves_csv", "load_results", "markdown_table", "paired_diffs_csv",
           "paired_differences", "results_from_dict", "results_to_dict", "row_name",
           "table_csv", "table_rows", "write_outputs"]

_HEAD = {"train_loss": "loss train", "test_loss": "loss test", "train_acc": "accuracy train %",
         "test_acc": "accuracy test %"}
NOTE = ("Losses are per-sample means over the whole set after the last epoch (Seed A's train "
        "column looks like a sum over its 10 batches). Mean (sample std, ddof=1) over runs; "
        "diverged runs are counted, not averaged. Time: median seconds per run (updates + the "
        "per-epoch evaluation, identical for both), one torch thread per process. Run i of both "
        "frameworks shares seed, data, initial weights and batch order, so the data are "
        "PAIRED: every test works on the per-seed differences minidl - torch.nn of the final "
        "metric (accuracy as a fraction). Equivalence: TOST (two one-sided paired t-tests, "
        "p = the larger) against margins declared before the run, alpha 0.05. Difference: "
        "Wilcoxon signed-rank, Holm-corrected over all configurations x metrics. CI: paired t "
        "(table.csv adds the paired bootstrap CI; paired_diffs.csv has every difference).")


def row_name(config: ExperimentConfig, framework: str) -> str:
    """Seed A's row name: ``"minidl"``, ``"torch.nn (mom)"``..."""
    if config.label not in CONFIG_KEYS:  # configurations varied from a base spec
        return f"{framework} [{config.label}]"
    if config.spec.optimizer.name == "adam":
        return f"{framework} (adam)"
    return f"{framework} (mom)" if config.momentum else framework


@dataclass(frozen=True)
class TableRow:
    """One framework × configuration: summaries of the final metrics of its finished runs."""

    config: str
    loss: str
    framework: str
    name: str
    n_ok: int
    n_diverged: int
    metrics: dict[str, stats.Summary]
    time_median_s: float


def _ok(runs: Iterable[RunResult]) -> list[RunResult]:
    return [r for r in runs if not r.diverged]


def _scale(metric: str) -> float:
    return 100.0 if metric.endswith("acc") else 1.0


def table_rows(exp: ExperimentResult) -> list[TableRow]:
    """Rows grouped by loss (configurations in order), minidl before torch.nn."""
    rows = []
    for loss in dict.fromkeys(c.spec.loss for c in exp.configs):
        for config in (c for c in exp.configs if c.spec.loss == loss):
            for fw in FRAMEWORKS:
                runs = exp.runs(config.label, fw)
                ok = _ok(runs)
                rows.append(TableRow(
                    config.label, loss, fw, row_name(config, fw), len(ok), len(runs) - len(ok),
                    {m: stats.summarize([r.final(m) * _scale(m) for r in ok]) for m in METRICS},
                    stats.median([r.train_time_s for r in ok])))
    return rows


def _fmt(s: stats.Summary, metric: str) -> str:
    if s.n == 0:
        return "-"
    # Seed A's precision: accuracy in % with 2 decimals, losses with 4 significant digits.
    spec_mean, spec_std = (".2f", ".2f") if metric.endswith("acc") else ("#.4g", ".2g")
    std = "-" if math.isnan(s.std) else format(s.std, spec_std)
    return f"{format(s.mean, spec_mean)} ({std})"


def _runs_text(row: TableRow) -> str:
    return f"{row.n_ok}" + (f" (+{row.n_diverged} diverged)" if row.n_diverged else "")


def row_cells(row: TableRow) -> list[str]:
    """A results row as text: name, each metric "mean (std)", median time, runs.

    The one place these numbers are formatted: ``table.md`` and the compare window show the
    same text.
    """
    time_text = "-" if math.isnan(row.time_median_s) else f"{row.time_median_s:.3f}"
    return [row.name, *(_fmt(row.metrics[m], m) for m in METRICS), time_text, _runs_text(row)]


def _num(x: float, spec: str = ".2g") -> str:
    return "-" if math.isnan(x) else format(x, spec)


def verdict_cells(comp: Comparison) -> list[str]:
    """A verdict row as text: config, each metric's verdict, max paired diffs, time ratio."""
    ratio = "-" if math.isnan(comp.time_ratio) else f"{comp.time_ratio:.2f}x"
    paired = (f"{_num(comp.max_paired_diff['test_loss'])} / "
              f"{_num(comp.max_paired_diff['test_acc'])}")
    return [comp.config, *(comp.verdicts[m].text for m in METRICS), paired, ratio]


def detail_cells(comp: Comparison, metric: str) -> list[str]:
    """One metric of one configuration in numbers: n, mean diff [95% CI], max |diff|, the
    TOST p against its margin, the Wilcoxon p raw and Holm-corrected."""
    v = comp.verdicts[metric]
    if v.identical:
        return [comp.config, metric, str(v.n), "0 (identical)", "0", f"±{v.margin:g}",
                "identical", "-", "-"]
    diff = ("-" if v.n == 0 else
            f"{v.mean_diff:.2g} [{_num(v.ci_low)}, {_num(v.ci_high)}]")
    return [comp.config, metric, str(v.n), diff, _num(v.max_abs_diff), f"±{v.margin:g}",
            _num(v.p_tost), _num(v.p_wilcoxon), _num(v.p_holm)]


def markdown_table(exp: ExperimentResult, margins: dict[str, float] | None = None) -> str:
    """Seed A's tables (one per loss) plus time, and the paired verdicts, as Markdown.

    ``margins`` (default :data:`~studio.core.compare.paired.DEFAULT_MARGINS`) are the
    equivalence margins declared before the run; the text says which were used.
    """
    margins = DEFAULT_MARGINS if margins is None else margins
    rows, lines = table_rows(exp), []
    if exp.partial:
        lines += ["**PARTIAL RESULTS** (cancelled before every run finished)", ""]
    lines += [setup_words([c.spec for c in exp.configs]), ""]
    for loss in dict.fromkeys(r.loss for r in rows):
        name = "CrossEntropy" if loss == "cross_entropy" else "MSE"
        lines += [f"Table: {name} loss ({exp.n_runs} runs per row requested, seeds "
                  f"{exp.base_seed}..{exp.base_seed + exp.n_runs - 1})", "",
                  "| Module | " + " | ".join(f"{_HEAD[m]} (std)" for m in METRICS)
                  + " | median time s | runs |", "|---" * 7 + "|"]
        for row in (r for r in rows if r.loss == loss):
            lines.append("| " + " | ".join(row_cells(row)) + " |")
        lines.append("")
    comps = comparisons(exp, margins=margins)
    lines += [f"Verdict: minidl vs torch.nn, paired by seed (equivalence margins declared "
              f"before the run: loss ±{margins['loss']:g}, accuracy ±{margins['acc']:g} as a "
              "fraction)", "",
              "| Config | " + " | ".join(_HEAD[m].replace(" %", "") for m in METRICS)
              + " | max paired abs diff (test loss / test acc) | time minidl / torch.nn |",
              "|---" * 7 + "|"]
    for comp in comps:
        lines.append("| " + " | ".join(verdict_cells(comp)) + " |")
    lines += ["", "Paired differences minidl - torch.nn (final epoch)", "",
              "| Config | metric | pairs | mean diff [95% CI] | max abs diff | margin "
              "| p TOST | p Wilcoxon | p Holm |", "|---" * 9 + "|"]
    for comp in comps:
        for m in METRICS:
            lines.append("| " + " | ".join(detail_cells(comp, m)) + " |")
    lines += ["", NOTE, ""]
    return "\n".join(lines)


def table_csv(exp: ExperimentResult, margins: dict[str, float] | None = None) -> str:
    """One CSV row per configuration × framework, with that configuration's paired verdicts."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    head = ["config", "loss", "framework", "row", "runs_ok", "runs_diverged"]
    for m in METRICS:
        head += [f"{m}_mean", f"{m}_std"]
    head += ["time_median_s", "time_ratio_minidl_over_torch"]
    keys = ("pairs", "mean_diff", "diff_ci_low", "diff_ci_high", "boot_ci_low", "boot_ci_high",
            "margin", "p_tost", "equivalent", "p_wilcoxon", "p_holm", "identical",
            "max_paired_abs_diff")
    head += [f"{m}_{k}" for m in METRICS for k in keys]
    writer.writerow(head + ["partial"])
    comps = {c.config: c for c in comparisons(exp, margins=margins)}
    for row in table_rows(exp):
        comp = comps[row.config]
        values = [row.config, row.loss, row.framework, row.name, row.n_ok, row.n_diverged]
        for m in METRICS:  # accuracy as a fraction here, like the curves
            values += [repr(row.metrics[m].mean / _scale(m)), repr(row.metrics[m].std / _scale(m))]
        values += [repr(row.time_median_s), repr(comp.time_ratio)]
        for m in METRICS:
            v = comp.verdicts[m]
            values += [v.n, *map(repr, (v.mean_diff, v.ci_low, v.ci_high, v.boot_low,
                                        v.boot_high, v.margin, v.p_tost)), v.equivalent,
                       repr(v.p_wilcoxon), repr(v.p_holm), v.identical, repr(v.max_abs_diff)]
        writer.writerow(values + [exp.partial])
    return buf.getvalue()


def curves_csv(exp: ExperimentResult) -> str:
    """``framework,config,seed,epoch,train_loss,test_loss,train_acc,test_acc,diverged`` rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["framework", "config", "seed", "epoch", *METRICS, "diverged"])
    for r in sorted(exp.results, key=lambda r: (r.config, r.framework, r.seed)):
        for i, values in enumerate(zip(*(getattr(r, m) for m in METRICS), strict=True), start=1):
            writer.writerow([r.framework, r.config, r.seed, i, *map(repr, values), r.diverged])
    return buf.getvalue()


def bands(exp: ExperimentResult, config: str, framework: str,
          metric: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean ± std band of one curve over the finished, non-diverged runs.

    Returns
    -------
    epochs, mean, std : numpy.ndarray
        ``(E,)`` each (``std`` is 0 with a single run; all empty with none).
    """
    mean, std = stats.band([getattr(r, metric) for r in _ok(exp.runs(config, framework))])
    return np.arange(1, len(mean) + 1, dtype=float), mean, std


def write_outputs(out_dir: str | os.PathLike, exp: ExperimentResult,
                  margins: dict[str, float] | None = None) -> list[Path]:
    """Write ``table.csv``, ``table.md``, ``curves.csv``, ``paired_diffs.csv`` and
    ``results.json`` atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"table.csv": table_csv(exp, margins), "table.md": markdown_table(exp, margins),
             "curves.csv": curves_csv(exp), "paired_diffs.csv": paired_diffs_csv(exp),
             "results.json": json.dumps(results_to_dict(exp), indent=1, allow_nan=False) + "\n"}
    for name, text in files.items():
        atomic_write_text(out / name, text)
    return [out / name for name in files]
