"""``minidl-studio compare``: run the minidl vs torch.nn experiment headless.

Prints progress (stderr) and the table (stdout), and writes ``table.csv``, ``table.md``,
``curves.csv``, ``results.json`` (and band-plot PNGs through ``png_writer``) to ``--out``.
Qt-free: the PNG writer is injected by the launcher.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from studio.core.compare import report
from studio.core.compare.configs import base_configs
from studio.core.compare.experiment import (
    CONFIG_KEYS,
    MAX_RUNS,
    ExperimentError,
    ExperimentInterrupted,
    ExperimentResult,
    RunResult,
    make_config,
    run_experiment,
)
from studio.core.compare.paired import DEFAULT_MARGINS
from studio.core.compare.twin import TwinError
from studio.core.io import StudioIOError, load_spec
from studio.core.spec import SpecError

__all__ = ["main"]

PngWriter = Callable[[Path, ExperimentResult], Sequence[Path]]


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)  # main() returns 2 instead of argparse exiting


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="minidl-studio compare",
                description="Train minidl and torch.nn side by side over N seeds and compare.")
    p.add_argument("--runs", type=int, default=20, help=f"runs per configuration (1..{MAX_RUNS})")
    p.add_argument("--epochs", type=int, default=None,
                   help="epochs per run (default 200, or the base spec's)")
    p.add_argument("--configs", default=",".join(CONFIG_KEYS),
                   help=f"comma-separated, from {','.join(CONFIG_KEYS)} (without --base)")
    p.add_argument("--base", metavar="SPEC_JSON",
                   help="train this spec (what you are editing) instead of Seed A's grid")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2",
                   help="with --base: a field to vary, e.g. loss=cross_entropy,mse or "
                        "optimizer.momentum=0,0.2 (repeat for a grid)")
    p.add_argument("--margin-loss", type=float, default=DEFAULT_MARGINS["loss"],
                   help="equivalence margin of the losses, declared before the run "
                        "(default %(default)g)")
    p.add_argument("--margin-acc", type=float, default=DEFAULT_MARGINS["acc"],
                   help="equivalence margin of the accuracies as a fraction (default "
                        "%(default)g)")
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                   help="processes (1 = in this process)")
    p.add_argument("--seed", type=int, default=0, help="base seed: run i uses seed + i")
    p.add_argument("--out", default="compare_out", help="output folder (default compare_out)")
    p.add_argument("--rerun", metavar="RESULTS_JSON",
                   help="repeat the experiment recorded in a results.json (ignores "
                        "--runs/--epochs/--configs/--base/--vary/--seed)")
    p.add_argument("--quiet", action="store_true", help="no per-run progress lines")
    return p


def _configs(args: argparse.Namespace):
    if args.rerun:
        old = report.load_results(args.rerun)
        return old.configs, old.n_runs, old.base_seed
    if args.epochs is not None and not 1 <= args.epochs <= 100_000:
        raise ExperimentError(f"--epochs must be in [1, 100000], got {args.epochs}")
    if not 0 <= args.seed <= 2**40:
        raise ExperimentError(f"--seed must be in [0, 2**40], got {args.seed}")
    if args.base:
        base = load_spec(args.base)
        if args.epochs is not None:
            base = dataclasses.replace(base, epochs=args.epochs)
        return base_configs(base, parse_vary(args.vary)), args.runs, args.seed
    if args.vary:
        raise ExperimentError("--vary needs --base SPEC.json")
    keys = [k.strip() for k in args.configs.split(",") if k.strip()]
    if not keys:
        raise ExperimentError("no configuration chosen: pass --configs with at least one of "
                              + ",".join(CONFIG_KEYS))
    configs = tuple(make_config(k, args.epochs or 200) for k in dict.fromkeys(keys))
    return configs, args.runs, args.seed


def parse_vary(items: Sequence[str]) -> dict[str, list]:
    """``["loss=cross_entropy,mse", "optimizer.lr=0.1,0.03"]`` as ``{path: [values]}``; each
    value is read as JSON when it parses (numbers, true/false), else as a string."""
    vary: dict[str, list] = {}
    for item in items:
        path, sep, values = item.partition("=")
        if not sep or not path.strip():
            raise ExperimentError(f"--vary wants PATH=V1,V2, got {item!r}")
        vary[path.strip()] = [_value(v.strip()) for v in values.split(",") if v.strip()]
    return vary


def _value(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def _write(out: Path, exp: ExperimentResult, png_writer: PngWriter | None,
           margins: dict[str, float] | None = None) -> list[Path] | int:
    """Write the outputs; the paths written, or exit code 1 after saying why not."""
    try:  # files first: a closed stdout (| head) must not lose them
        written = report.write_outputs(out, exp, margins)
        if png_writer is not None:
            written += list(png_writer(out, exp))
    except OSError as exc:
        print(f"minidl-studio compare: cannot write to {out}: {exc}", file=sys.stderr)
        return 1
    return written


def main(argv: Sequence[str] | None = None, *, png_writer: PngWriter | None = None) -> int:
    """Run the comparison; return 0 (done), 1 (cannot write), 2 (bad input), 130 (Ctrl+C)."""
    try:
        args = _parser().parse_args(list(argv) if argv is not None else None)
        if not args.out.strip():  # "" would write into whatever folder this runs in
            raise ExperimentError("--out must name a folder, got an empty string")
        configs, n_runs, base_seed = _configs(args)
        for name in ("margin_loss", "margin_acc"):
            if not 0 < getattr(args, name) < 1:
                raise ExperimentError(f"--{name.replace('_', '-')} must be in (0, 1), got "
                                      f"{getattr(args, name)}")
        margins = {"loss": args.margin_loss, "acc": args.margin_acc}
        if not 1 <= n_runs <= MAX_RUNS:  # checked here too so nothing starts for bad N
            raise ExperimentError(f"--runs must be between 1 and {MAX_RUNS}, got {n_runs}")
    except (_UsageError, ExperimentError, TwinError, SpecError, ValueError,
            StudioIOError) as exc:
        print(f"minidl-studio compare: error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    total = n_runs * len(configs) * 2
    print(f"Comparing minidl with torch.nn: {n_runs} runs x {len(configs)} configs x 2 "
          f"frameworks = {total} runs on {args.workers} process(es)", file=sys.stderr)
    start = time.perf_counter()

    def progress(r: RunResult, done: int, n: int) -> None:
        if not args.quiet:
            state = " DIVERGED" if r.diverged else ""
            print(f"[{done:>{len(str(n))}}/{n}] {r.config:<8} {r.framework:<8} seed {r.seed:<4} "
                  f"test acc {r.final('test_acc'):.3f}  {r.train_time_s:.2f}s{state}",
                  file=sys.stderr, flush=True)

    try:
        exp = run_experiment(configs, n_runs, base_seed=base_seed, workers=args.workers,
                             on_result=progress)
    except (ExperimentError, TwinError) as exc:
        print(f"minidl-studio compare: error: {exc}", file=sys.stderr)
        return 2
    except ExperimentInterrupted as exc:  # Ctrl+C: the finished runs are still worth keeping
        n = len(exc.result.results)
        print(f"minidl-studio compare: interrupted after {n} finished run(s); writing them, "
              "marked partial", file=sys.stderr)
        # No PNGs: a second Ctrl+C should not wait long.
        code = _write(out, exc.result, None, margins)
        return 130 if isinstance(code, list) else code
    written = _write(out, exp, png_writer, margins)
    if not isinstance(written, list):
        return written
    print(report.markdown_table(exp, margins), flush=True)
    print(f"Wall time {time.perf_counter() - start:.1f} s; wrote "
          + ", ".join(str(p) for p in written), file=sys.stderr)
    return 0


if __name__ == "__main__":  # python -m studio.compare_cli
    sys.exit(main())
