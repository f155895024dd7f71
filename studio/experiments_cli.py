"""``minidl-studio seeds | lr-find | sweep``: the experiments of any setup, headless.

Each command reads a spec (or a sweep) JSON file, prints progress on stderr and a summary on
stdout, and writes CSV/Markdown files to ``--out``. Exit codes: 0 done, 1 cannot write,
2 bad input, 130 interrupted (what finished is written).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from studio.core.compare.configs import ExperimentError
from studio.core.io import StudioIOError, atomic_write_text, load_spec
from studio.core.spec import SpecError, to_json

__all__ = ["main"]


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)  # main() returns 2 instead of argparse exiting


def _parser(command: str, description: str, source: str) -> argparse.ArgumentParser:
    p = _Parser(prog=f"minidl-studio {command}", description=description)
    p.add_argument("source", metavar=source)
    p.add_argument("--out", default=f"{command}_out", help="output folder")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    return p


def _workers(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                   help="processes (1 = in this process)")


def _write(out: Path, files: dict[str, str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        atomic_write_text(out / name, text)
    return [out / name for name in files]


def _progress(quiet: bool) -> Callable[[str], None]:
    return (lambda _text: None) if quiet else (lambda text: print(text, file=sys.stderr,
                                                                  flush=True))


def _seeds(argv: Sequence[str]) -> int:
    from studio.core.experiments.seeds import bands_csv, run_seeds, summary_markdown

    p = _parser("seeds", "Train one setup with N seeds: mean ± std bands of every metric.",
                "SPEC_JSON")
    p.add_argument("--n", type=int, default=10, help="seeds (default 10)")
    _workers(p)
    args = p.parse_args(list(argv))
    spec = load_spec(args.source)
    say = _progress(args.quiet)
    say(f"Training {args.n} seeds of {spec.name!r} on {args.workers} process(es)")
    try:
        bands = run_seeds(spec, args.n, workers=args.workers,
                          on_result=lambda r, d, n: say(
                              f"[{d}/{n}] seed {r.seed} test acc {r.final('test_acc'):.3f}"))
    except KeyboardInterrupt:
        return 130
    _write(Path(args.out), {"bands.csv": bands_csv(bands), "summary.md": summary_markdown(bands),
                            "spec.json": to_json(spec)})
    print(summary_markdown(bands), end="")
    return 0


def _lr_find(argv: Sequence[str]) -> int:
    from studio.core.experiments.lr_finder import lr_finder_csv, lr_range_test

    p = _parser("lr-find", "Learning-rate range test: the lr grows exponentially each step; "
                "suggests the lr where the smoothed loss falls fastest.", "SPEC_JSON")
    p.add_argument("--steps", type=int, default=300, help="optimiser steps (default 300)")
    p.add_argument("--lr-min", type=float, default=1e-5, help="first lr (default 1e-5)")
    p.add_argument("--lr-max", type=float, default=10.0, help="last lr (default 10)")
    args = p.parse_args(list(argv))
    spec = load_spec(args.source)
    if not 2 <= args.steps <= 100_000:
        raise ExperimentError(f"--steps must be in [2, 100000], got {args.steps}")
    say = _progress(args.quiet)
    try:
        res = lr_range_test(spec, args.steps, args.lr_min, args.lr_max,
                            on_step=lambda i, lr, loss: say(f"step {i} lr {lr:.3g} loss "
                                                            f"{loss:.4g}") if i % 25 == 0 else None)
    except KeyboardInterrupt:
        return 130
    _write(Path(args.out), {"lr_find.csv": lr_finder_csv(res), "spec.json": to_json(spec)})
    ended = "diverged" if res.stopped_early else "reached lr_max"
    suggested = "none (too few steps before the minimum)" if res.suggested_lr is None else (
        f"{res.suggested_lr:.3g}")
    print(f"{len(res.lrs)} steps ({ended}); loss minimum at lr {res.min_lr:.3g}; "
          f"suggested lr {suggested} (steepest fall of the smoothed loss)")
    return 0


def _sweep(argv: Sequence[str]) -> int:
    from studio.core.experiments.sweep import load_sweep
    from studio.core.experiments.sweep_run import RESULTS_NAME, run_sweep
    from studio.core.experiments.sweep_table import sweep_csv, sweep_markdown

    p = _parser("sweep", "Train a grid over spec fields x seeds; resumes from the results "
                f"file in --out ({RESULTS_NAME}).", "SWEEP_JSON")
    _workers(p)
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on this Dask scheduler (tcp://host:8786) instead of local workers")
    args = p.parse_args(list(argv))
    sweep = load_sweep(args.source)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    say = _progress(args.quiet)
    n = len(sweep.cells()) * sweep.seeds
    where = args.scheduler or f"{args.workers} process(es)"
    say(f"Sweep {sweep.name!r}: {len(sweep.cells())} cells x {sweep.seeds} seeds = {n} runs "
        f"on {where}")
    try:
        result = run_sweep(sweep, results_path=out / RESULTS_NAME, workers=args.workers,
                           scheduler=args.scheduler,
                           on_result=lambda r, d, t: say(
                               f"[{d}/{t}] cell {r.cell} seed {r.seed} test acc "
                               f"{r.finals['test_acc']:.3f}"))
    except KeyboardInterrupt:  # the results file holds every finished run: rerun to resume
        say(f"interrupted: rerun the same command to resume from {out / RESULTS_NAME}")
        return 130
    _write(out, {"sweep_table.csv": sweep_csv(result), "sweep_table.md": sweep_markdown(result)})
    print(sweep_markdown(result), end="")
    return 0


COMMANDS = {"seeds": _seeds, "lr-find": _lr_find, "sweep": _sweep}


def main(argv: Sequence[str]) -> int:
    """Run ``argv[0]`` (one of :data:`COMMANDS`) with the rest; return the exit code."""
    argv = list(argv)
    if not argv or argv[0] not in COMMANDS:
        print(f"minidl-studio: error: expected one of {', '.join(COMMANDS)}", file=sys.stderr)
        return 2
    command = argv[0]
    try:
        return COMMANDS[command](argv[1:])
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    except (_UsageError, ExperimentError, SpecError, StudioIOError, ValueError) as exc:
        print(f"minidl-studio {command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"minidl-studio {command}: cannot write: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # python -m studio.experiments_cli seeds SPEC.json
    sys.exit(main(sys.argv[1:]))
