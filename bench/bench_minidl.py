"""Training speed of minidl against torch.nn + autograd + torch.optim, in the same process.

The seed network (2→25→25→25→2) trains on the seed task (disk, 1000 points) with SGD lr 0.1,
momentum 0.2, on one thread. For every batch size × activation × loss, four steps alternate,
several repetitions each (interleaved, so a change in machine load hits all alike): minidl in
its default *exact* mode (bitwise equal to torch.nn), minidl in *fast* mode
(``model.input_grad = False``, ``SGD(fused=True)``, ``zero_grad(set_to_none=True)``),
torch.nn, and torch.nn with ``torch.optim.SGD(fused=True)``. A step is zero_grad, forward,
loss, backward, optimizer step, taking the batch included; the tables give the median µs
per step and ratios to torch.nn.

The *call floor* is the cost of the cheapest ATen call (an in-place ``zero_`` on a 10-element
tensor, timed with ``torch.utils.benchmark.Timer`` inside every repetition); "× floor" is a
step's time over (its ATen calls × that cost), calls counted with a ``TorchDispatchMode``.
A second table scales the hidden width (25 … 2048) at batch 100.

Run: ``python bench/bench_minidl.py`` (``--quick`` for a short run, ``--markdown`` for the README).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.benchmark import Timer

import minidl
import minidl.optim

Run = Callable[[int], None]
VARIANTS = ("exact", "fast", "torch", "torch_fused")


def _sizes(width: int) -> tuple[int, ...]:
    return (2, width, width, width, 2)


def make(variant: str, act: str, loss: str, x: torch.Tensor, t: torch.Tensor, batch: int,
         width: int = 25) -> Run:
    """A closure running ``n`` training steps of one framework/mode on the batches of x, t."""
    sizes = _sizes(width)
    xs, ts = x.split(batch), t.split(batch)
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    if variant in ("exact", "fast"):
        layers: list[minidl.Module] = []
        for i, (a, b) in enumerate(pairs):
            layers.append(minidl.Linear(a, b))
            if i < len(pairs) - 1:
                layers.append(minidl.ReLU() if act == "relu" else minidl.Tanh())
        model = minidl.Sequential(*layers)
        model.input_grad = variant == "exact"
        crit = minidl.CrossEntropyLoss() if loss == "ce" else minidl.MSELoss()
        fast = variant == "fast"
        opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.2, fused=fast)

        def run(steps: int) -> None:
            for i in range(steps):
                j = i % len(xs)
                opt.zero_grad(fast)  # fast: set_to_none=True
                crit(model(xs[j]), ts[j])
                model.backward(crit.backward())
                opt.step()
        return run
    nn = torch.nn
    tlayers: list[torch.nn.Module] = []
    for i, (a, b) in enumerate(pairs):
        tlayers.append(nn.Linear(a, b))
        if i < len(pairs) - 1:
            tlayers.append(nn.ReLU() if act == "relu" else nn.Tanh())
    tmodel = nn.Sequential(*tlayers)
    tcrit = nn.CrossEntropyLoss() if loss == "ce" else nn.MSELoss()
    topt = torch.optim.SGD(tmodel.parameters(), lr=0.1, momentum=0.2,
                           fused=variant == "torch_fused" or None)

    def trun(steps: int) -> None:
        for i in range(steps):
            j = i % len(xs)
            topt.zero_grad()
            tcrit(tmodel(xs[j]), ts[j]).backward()
            topt.step()
    return trun


class _CountOps(TorchDispatchMode):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
        self.count += 1
        return func(*args, **(kwargs or {}))


def aten_calls(run: Run) -> int:
    """ATen calls in one step (after two warm-up steps that allocate buffers)."""
    run(2)
    with _CountOps() as counter:
        run(1)
    return counter.count


def per_step_us(run: Run, steps: int) -> float:
    start = time.perf_counter()
    run(steps)
    return (time.perf_counter() - start) / steps * 1e6


def call_floor_us(timer: Timer) -> float:
    return timer.timeit(20000).median * 1e6


def measure(runs: dict[str, Run], steps: int, reps: int, floor: Timer
            ) -> tuple[dict[str, float], float]:
    """Median µs/step per variant and of the call floor, all interleaved."""
    for run in runs.values():
        run(max(20, steps // 10))
    times: dict[str, list[float]] = {k: [] for k in runs}
    floors = []
    for _ in range(reps):
        floors.append(call_floor_us(floor))
        for key, run in runs.items():
            times[key].append(per_step_us(run, steps))
    return {k: statistics.median(v) for k, v in times.items()}, statistics.median(floors)


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---:" for _ in header) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        print("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
        for row in rows:
            print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repetitions")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--reps", type=int, default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    reps = args.reps or (3 if args.quick else 5)
    x, y = minidl.data.disk(1000, seed=0)
    x = (x - x.mean(0)) / x.std(0)
    onehot = minidl.data.one_hot(y)
    floor = Timer("a.zero_()", globals={"a": torch.zeros(10)}, num_threads=1)
    rows = []
    for batch in (1, 10, 100, 1000):
        steps = {1: 1000, 10: 1000, 100: 400, 1000: 100}[batch] // (3 if args.quick else 1)
        for act in ("relu", "tanh"):
            for loss in ("ce", "mse"):
                t = y if loss == "ce" else onehot
                runs = {v: make(v, act, loss, x, t, batch) for v in VARIANTS}
                us, fl = measure(runs, steps, reps, floor)
                calls = {v: aten_calls(make(v, act, loss, x, t, batch)) for v in VARIANTS}
                rows.append([str(batch), act, loss, f"{us['exact']:.1f}", f"{us['fast']:.1f}",
                             f"{us['torch']:.1f}", f"{us['torch_fused']:.1f}",
                             f"{us['exact'] / us['torch']:.3f}",
                             f"{us['fast'] / us['torch']:.3f}",
                             f"{us['exact'] / us['torch_fused']:.3f}",
                             f"{calls['exact']}/{calls['fast']}/{calls['torch']}",
                             f"{us['exact'] / (calls['exact'] * fl):.2f}", f"{fl:.2f}"])
    _table(["batch", "act", "loss", "exact µs", "fast µs", "torch.nn µs", "torch fused µs",
            "exact/torch", "fast/torch", "exact/torch fused", "ATen calls exact/fast/torch",
            "exact × floor", "floor µs"], rows, args.markdown)
    print()
    wrows = []
    for width in (25, 128, 512, 1024, 2048):
        # Short slices, many repetitions: at large widths a step takes ~0.1 s, and load
        # changes on that scale would otherwise hit one variant's whole slice.
        steps = max(2, (20 if args.quick else 60) * 128 // max(width, 128))
        runs = {v: make(v, "relu", "ce", x, y, 100, width) for v in VARIANTS}
        us, _ = measure(runs, steps, reps * 3, floor)
        wrows.append([str(width), f"{us['exact']:.1f}", f"{us['fast']:.1f}", f"{us['torch']:.1f}",
                      f"{us['torch_fused']:.1f}", f"{us['exact'] / us['torch']:.3f}",
                      f"{us['fast'] / us['torch']:.3f}"])
    _table(["width (batch 100, relu, ce)", "exact µs", "fast µs", "torch.nn µs",
            "torch fused µs", "exact/torch", "fast/torch"], wrows, args.markdown)
    load = os.getloadavg()
    print(f"\ntorch {torch.__version__}, 1 thread, {os.cpu_count()} CPUs, load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the end")


if __name__ == "__main__":
    main()
