"""Training speed of minidl against torch.nn + autograd + torch.optim, in the same process.

The seed network (2→25→25→25→2) trains on the seed task (disk, 1000 points) with SGD lr 0.1,
momentum 0.2. For every batch size × activation × loss the two frameworks alternate, several
repetitions each, on one thread; the table gives the median µs per optimizer step (zero_grad,
forward, loss, backward, step, including taking the batch) and the ratio minidl / torch.nn.

It also counts the ATen calls in one minidl step (a TorchDispatchMode) and times a trivial ATen
call, so the "dispatch floor" (calls × cost of one call) can be compared with the step time.

Run: ``python bench/bench_minidl.py`` (``--quick`` for a short run, ``--markdown`` for the README).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch
from torch.utils._python_dispatch import TorchDispatchMode

import minidl
import minidl.optim

SIZES = (2, 25, 25, 25, 2)


def make_minidl(act: str, loss: str, x: torch.Tensor, t: torch.Tensor, batch: int
                ) -> Callable[[int], None]:
    layers: list[minidl.Module] = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=True)):
        layers.append(minidl.Linear(a, b))
        if i < len(SIZES) - 2:
            layers.append(minidl.ReLU() if act == "relu" else minidl.Tanh())
    model = minidl.Sequential(*layers)
    crit = minidl.CrossEntropyLoss() if loss == "ce" else minidl.MSELoss()
    opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.2)
    xs, ts = x.split(batch), t.split(batch)

    def run(steps: int) -> None:
        for i in range(steps):
            j = i % len(xs)
            opt.zero_grad()
            crit(model(xs[j]), ts[j])
            model.backward(crit.backward())
            opt.step()
    return run


def make_torch(act: str, loss: str, x: torch.Tensor, t: torch.Tensor, batch: int
               ) -> Callable[[int], None]:
    nn = torch.nn
    layers: list[torch.nn.Module] = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=True)):
        layers.append(nn.Linear(a, b))
        if i < len(SIZES) - 2:
            layers.append(nn.ReLU() if act == "relu" else nn.Tanh())
    model = nn.Sequential(*layers)
    crit = nn.CrossEntropyLoss() if loss == "ce" else nn.MSELoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.2)
    xs, ts = x.split(batch), t.split(batch)

    def run(steps: int) -> None:
        for i in range(steps):
            j = i % len(xs)
            opt.zero_grad()
            crit(model(xs[j]), ts[j]).backward()
            opt.step()
    return run


class _CountOps(TorchDispatchMode):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
        self.count += 1
        return func(*args, **(kwargs or {}))


def aten_calls_per_step(act: str, loss: str, x: torch.Tensor, t: torch.Tensor, batch: int) -> int:
    run = make_minidl(act, loss, x, t, batch)
    run(2)  # first steps allocate caches and momentum buffers
    with _CountOps() as counter:
        run(1)
    return counter.count


def one_call_us(batch: int) -> float:
    a = torch.randn(batch, 25)
    for _ in range(2000):
        torch.relu(a)
    n = 20000
    start = time.perf_counter()
    for _ in range(n):
        torch.relu(a)
    return (time.perf_counter() - start) / n * 1e6


def per_step_us(run: Callable[[int], None], steps: int) -> float:
    start = time.perf_counter()
    run(steps)
    return (time.perf_counter() - start) / steps * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repetitions")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--reps", type=int, default=None)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    reps = args.reps or (3 if args.quick else 7)
    x, y = minidl.data.disk(1000, seed=0)
    x = (x - x.mean(0)) / x.std(0)
    onehot = minidl.data.one_hot(y)
    rows = []
    for batch in (1, 10, 100):
        steps = (300 if args.quick else 1500) if batch < 100 else (200 if args.quick else 800)
        for act in ("relu", "tanh"):
            for loss in ("ce", "mse"):
                t = y if loss == "ce" else onehot
                ours = make_minidl(act, loss, x, t, batch)
                theirs = make_torch(act, loss, x, t, batch)
                ours(50)
                theirs(50)
                a, b = [], []
                for _ in range(reps):  # interleaved: drift in machine speed hits both alike
                    a.append(per_step_us(ours, steps))
                    b.append(per_step_us(theirs, steps))
                ma, mb = statistics.median(a), statistics.median(b)
                calls = aten_calls_per_step(act, loss, x, t, batch)
                rows.append((batch, act, loss, ma, mb, ma / mb, calls))
    floor_call = {b: one_call_us(b) for b in (1, 10, 100)}
    if args.markdown:
        print("| batch | activation | loss | minidl µs/step | torch.nn µs/step | ratio | speed-up "
              "| ATen calls/step | step / dispatch floor |")
        print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
    else:
        print(f"{'batch':>5} {'act':>5} {'loss':>4} {'minidl µs':>10} {'torch µs':>9} "
              f"{'ratio':>6} {'speedup':>7} {'calls':>5} {'/floor':>6}")
    for batch, act, loss, ma, mb, ratio, calls in rows:
        floor = calls * floor_call[batch]
        if args.markdown:
            print(f"| {batch} | {act} | {loss} | {ma:.1f} | {mb:.1f} | {ratio:.3f} | "
                  f"{1 / ratio:.1f}× | {calls} | {ma / floor:.2f} |")
        else:
            print(f"{batch:>5} {act:>5} {loss:>4} {ma:>10.1f} {mb:>9.1f} {ratio:>6.3f} "
                  f"{1 / ratio:>6.1f}x {calls:>5} {ma / floor:>6.2f}")
    print("\none trivial ATen call (relu on (B, 25)): "
          + ", ".join(f"B={b}: {v:.2f} µs" for b, v in floor_call.items())
          + f"; torch {torch.__version__}, 1 thread")


if __name__ == "__main__":
    main()
