"""How much memory does a long run's timeline take? Trains and records every epoch.

Trains seed A (3x25 ReLU, 1,427 parameters, float32) for ``--epochs`` epochs, recording each
epoch's report and weights in a :class:`studio.core.history.Timeline`, and prints the
timeline's own estimate (``nbytes``), the memory tracemalloc saw it allocate, how many
snapshots kept their weights and the thinning stride.

    python bench/timeline_memory.py [--epochs 5000] [--bound-mib 64]
"""

from __future__ import annotations

import argparse
import dataclasses
import time
import tracemalloc

import torch

from studio.core import Session
from studio.core.examples import load_spec_or_example
from studio.core.history import Timeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5000)
    parser.add_argument("--bound-mib", type=float, default=64.0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    spec = dataclasses.replace(load_spec_or_example("seed_a"), epochs=args.epochs)
    session = Session(spec)
    timeline = Timeline(bound_bytes=int(args.bound_mib * 2**20))
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    for report in session.run(grid_every=0):
        timeline.record(report, session.weights())
    seconds = time.perf_counter() - start
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    mib = 2**20
    print(f"{len(timeline)} epochs of a {spec.parameter_count}-parameter {spec.dtype} net "
          f"in {seconds:.1f} s: timeline nbytes {timeline.nbytes / mib:.1f} MiB, traced "
          f"{used / mib:.1f} MiB ({used / len(timeline) / 1024:.2f} KiB per epoch); "
          f"{len(timeline.kept_epochs)} snapshots kept (stride {timeline.stride}); "
          f"bound {timeline.bound_bytes / mib:g} MiB")


if __name__ == "__main__":
    main()
