"""Headless runs: ``python -m studio.cli --headless CONFIG.json --out DIR [--data FILE.csv]``.

The CLI drives a :class:`studio.core.Session`, as the GUI does, prints one line per
epoch and writes ``DIR/config.json`` (the effective spec), ``DIR/curves.csv`` and the trained
weights ``DIR/weights.safetensors`` (state-dict names, loadable by the torch.nn twin).
``--animation out.gif`` also writes the decision region's evolution (one frame per epoch, at
most :data:`~studio.core.history.animation.MAX_FRAMES`; ``.mp4`` needs imageio-ffmpeg).

Exit codes: 0 done, 1 output could not be written, 2 bad config or arguments,
3 training diverged, 130 interrupted (Ctrl+C; the partial curves are still written).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import torch

from studio.core import (
    DEVICES,
    EpochReport,
    RunSpec,
    Session,
    SpecError,
    StudioIOError,
    save_spec,
    save_weights,
    write_curves_csv,
)
from studio.core.csv_data import CsvDataError, load_csv_data
from studio.core.examples import load_spec_or_example
from studio.core.history.animation import (
    MP4_HINT,
    AnimationFrame,
    frame_stride,
    mp4_available,
    write_animation,
)

__all__ = ["EXIT_BAD_CONFIG", "EXIT_DIVERGED", "EXIT_INTERRUPTED", "EXIT_IO_ERROR", "EXIT_OK",
           "MAX_THREADS", "PngWriter", "main"]

EXIT_OK, EXIT_IO_ERROR, EXIT_BAD_CONFIG, EXIT_DIVERGED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
#: More torch threads than cores only adds contention; far more exhausts memory.
MAX_THREADS = max(1, os.cpu_count() or 1)

#: ``png_writer(out_dir, reports, final_report, spec)``: the GUI package renders PNGs with it.
PngWriter = Callable[[Path, Sequence[EpochReport], EpochReport, RunSpec], None]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m studio.cli",
        description="Train a minidl-studio spec without the GUI and write its curves.")
    parser.add_argument("--headless", metavar="CONFIG.json|EXAMPLE", required=True,
                        help="spec file to train (as saved by the studio), or the name of an "
                             "example (`minidl-studio examples` lists them)")
    parser.add_argument("--out", metavar="DIR", required=True,
                        help="output directory (created if missing)")
    parser.add_argument("--data", metavar="FILE.csv",
                        help="train on these points (x,y,label[,split]) instead of the spec's "
                             "data; they are saved inline in DIR/config.json")
    parser.add_argument("--epochs", type=int, metavar="N", help="override the spec's epochs")
    parser.add_argument("--device", choices=DEVICES, help="override the spec's device")
    parser.add_argument("--quiet", action="store_true", help="no per-epoch progress lines")
    parser.add_argument("--threads", type=int, default=1, metavar="N",
                        help="torch CPU threads (default 1: fastest for these small networks)")
    parser.add_argument("--animation", metavar="FILE.gif|FILE.mp4",
                        help="also write the decision region's evolution as an animation "
                             "(MP4 needs the optional imageio-ffmpeg package)")
    return parser


def _format(report: EpochReport, epochs: int) -> str:
    width = len(str(epochs))
    return (f"epoch {report.epoch:>{width}}/{epochs}  "
            f"train_loss {report.train_loss:.4f}  test_loss {report.test_loss:.4f}  "
            f"train_acc {report.train_acc:.4f}  test_acc {report.test_acc:.4f}  "
            f"{report.steps_per_s:,.0f} steps/s")


def _load(args: argparse.Namespace) -> RunSpec:
    spec = load_spec_or_example(args.headless)
    overrides = {}
    if args.epochs is not None:
        overrides["epochs"] = args.epochs
    if args.device is not None:
        overrides["device"] = args.device
    if args.data is not None:
        try:
            overrides["data"] = load_csv_data(args.data).to_spec(spec.data)
        except SpecError as exc:  # e.g. a label beyond the spec's limits
            raise SpecError(f"--data {exc.path}", exc.message) from None
    try:
        return dataclasses.replace(spec, **overrides)
    except SpecError as exc:  # e.g. --epochs 0: name the option, not the JSON field
        raise SpecError(f"--{exc.path}", exc.message) from None


def main(argv: list[str] | None = None, *, png_writer: PngWriter | None = None) -> int:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "-h" in argv or "--help" in argv:  # `--headless --help`: help, not "expects a file"
        argv = ["--help"]
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed usage/help; keep main() returning
        return int(exc.code or 0)
    if not 1 <= args.threads <= MAX_THREADS:  # 100000 threads ran out of memory
        print(f"error: --threads: must be in [1, {MAX_THREADS}] (the CPU cores of this "
              f"machine), got {args.threads}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    if not args.out.strip():  # "" would write into whatever folder this runs in
        print("error: --out: must name a folder, got an empty string", file=sys.stderr)
        return EXIT_BAD_CONFIG
    if args.animation is not None:
        suffix = Path(args.animation).suffix.lower()
        problem = ("must end in .gif or .mp4" if suffix not in (".gif", ".mp4")
                   else MP4_HINT if suffix == ".mp4" and not mp4_available() else None)
        if problem:
            print(f"error: --animation: {problem}", file=sys.stderr)
            return EXIT_BAD_CONFIG
    # Small matrices: a second thread only adds synchronisation, and on a 2-core machine it
    # fights the GUI or a sibling process for a core (100x slower matmuls were seen).
    torch.set_num_threads(args.threads)
    try:
        spec = _load(args)
        # The model and data are built here, eagerly: an unavailable device is a config error.
        session = Session(spec)
        # Grids only where something draws them: the animation's frames (every k-th epoch,
        # which is its thinning rule, and the last) or the PNGs' final region.
        grid_every = (frame_stride(spec.epochs) if args.animation
                      else spec.epochs if png_writer else 0)
        reports_iter = session.run(grid_every=grid_every)
    except (SpecError, StudioIOError, CsvDataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_CONFIG

    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        save_spec(out / "config.json", spec)
    except OSError as exc:
        print(f"error: cannot write to {str(out)!r}: {exc}", file=sys.stderr)
        return EXIT_IO_ERROR

    reports: list[EpochReport] = []
    code = EXIT_OK
    try:
        for report in reports_iter:
            reports.append(report)
            if not args.quiet:
                print(_format(report, spec.epochs), flush=True)
            if report.diverged:
                print(f"error: {report.message}", file=sys.stderr)
                code = EXIT_DIVERGED
    except KeyboardInterrupt:
        # The generator is abandoned between steps; what finished is still worth keeping.
        print(f"interrupted after {len(reports)} epoch(s); writing partial curves",
              file=sys.stderr)
        code = EXIT_INTERRUPTED

    try:
        write_curves_csv(out / "curves.csv", reports)
        save_weights(out / "weights.safetensors", session.model.state_dict(),
                     {"format": "minidl-studio", "epochs_trained": str(len(reports))})
        if png_writer is not None and reports:
            png_writer(out, reports, reports[-1], spec)
        frames = [AnimationFrame(r.epoch, r.grid, r.test_acc) for r in reports
                  if r.grid is not None]
        if args.animation and frames:
            write_animation(args.animation, frames, dataset=spec.data.name)
    except OSError as exc:
        print(f"error: cannot write to {str(out)!r}: {exc}", file=sys.stderr)
        return EXIT_IO_ERROR
    if code == EXIT_OK and not args.quiet and reports:
        last = reports[-1]
        print(f"done: {last.epoch} epochs in {last.elapsed_s:.2f} s, "
              f"test_acc {last.test_acc:.4f}; wrote {out / 'curves.csv'}")
    return code


if __name__ == "__main__":
    sys.exit(main())
