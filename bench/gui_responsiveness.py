"""Is the studio responsive while it trains, and does live plotting cost throughput?

Runs the real main window offscreen on the reference config (seed A, ``--epochs`` epochs),
with a 10 ms QTimer probe measuring how late the event loop serves it (worst and p99 delay),
and trains the same spec headless with :func:`studio.core.train` in this process, as
``python -m studio --headless`` runs it (one decision grid, at the end), before the first GUI
run and after every one. Each GUI run's throughput (steps/s, from the engine's own clock) is
divided by the mean of the headless runs on either side of it: the machine's speed drifts by
10-20% over seconds, and that sandwich cancels a steady drift. The ratio is the median over
runs, with a 95% bootstrap interval; the wall-clock ratio is printed too. Targets: worst
delay < 50 ms; at Max pace ratio >= 0.90 (>= 0.75 with ``--inspect``).

    python bench/gui_responsiveness.py [--epochs 600] [--repeats 10] [--pace max|15]

``--pace`` sets the window's pace (epochs per second, or ``max``, the default). At a set
pace the run sleeps between epochs and redraws every one; the throughput ratio then compares
the engine's own clock (training time only), and the wall-clock ratio shows the pacing.

The default is 600 epochs, not the seed config's 200: a 200-epoch run lasts ~0.2 s, so its
ratio mostly measures one-off costs (starting a thread, the first frame); ~0.65 s runs measure
the steady state a user watching curves sees. ``--epochs 200`` still runs the seed config.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from scipy import stats  # noqa: E402

from studio.app import create_app  # noqa: E402
from studio.core import RunSpec, train  # noqa: E402
from studio.gui.main_window import MainWindow  # noqa: E402

PROBE_MS = 10


def gui_run(app, spec: RunSpec, pace: float | None = None,
            inspect: bool = False) -> tuple[np.ndarray, float, float]:
    """Train in the window; return (probe delays in ms, engine steps/s, wall seconds).

    With ``inspect`` every Look-inside dock is open (network view, layer health, backprop
    inspector), undocked side by side so each one draws.
    """
    window = MainWindow(spec)
    window.controller.set_pace(pace)
    window.show()
    if inspect:
        for dock in window.inspect_views.docks:
            dock.setFloating(True)  # tabbed docks would draw only the front one
            dock.show()
    app.processEvents()
    delays: list[float] = []
    last = [time.perf_counter()]

    def probe() -> None:
        now = time.perf_counter()
        delays.append((now - last[0]) * 1000.0 - PROBE_MS)
        last[0] = now

    timer = QTimer(interval=PROBE_MS)
    timer.timeout.connect(probe)
    timer.start()
    start = time.perf_counter()
    loop = QEventLoop()
    window.controller.run_ended.connect(loop.quit)
    window.controller.start()
    loop.exec()  # a real event loop: it waits in C++ (GIL released) like app.exec()
    wall = time.perf_counter() - start
    timer.stop()
    app.processEvents()
    steps_per_s = window.controller.reports[-1].steps_per_s
    window.close()
    window.deleteLater()
    app.processEvents()
    return np.array(delays[1:]), steps_per_s, wall


def headless_run(spec: RunSpec) -> tuple[float, float]:
    """Train with the engine alone, as the CLI does; return (steps/s, wall seconds)."""
    start = time.perf_counter()
    for report in train(spec, grid_every=spec.epochs):
        last = report
    return last.steps_per_s, time.perf_counter() - start


def _median_ci(values: list[float]) -> tuple[float, float]:
    """A 95% bootstrap interval of the median (scipy.stats.bootstrap), or (nan, nan)."""
    if len(values) < 3 or len(set(values)) < 2:
        return float("nan"), float("nan")
    result = stats.bootstrap((np.asarray(values),), np.median, confidence_level=0.95,
                             n_resamples=2000, method="percentile",
                             random_state=np.random.default_rng(0))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--pace", default="max",
                        help="epochs per second, or 'max' (default)")
    parser.add_argument("--inspect", action="store_true",
                        help="with every Look-inside view open (target ratio >= 0.75)")
    args = parser.parse_args(argv)
    pace = None if args.pace == "max" else float(args.pace)
    spec = dataclasses.replace(RunSpec(), epochs=args.epochs)
    app = create_app()
    headless_run(dataclasses.replace(spec, epochs=5))  # warm-up: imports, allocator
    gui, head, gui_wall, head_wall, delays, paired = [], [], [], [], [], []
    before, before_wall = headless_run(spec)
    for _ in range(args.repeats):
        # Each GUI run sits between two headless runs and is compared with their mean: this
        # machine's speed drifts by 10-20% over seconds, and a sandwich cancels a linear drift
        # that a plain alternation leaves in every pair.
        d, sps, wall = gui_run(app, spec, pace, args.inspect)
        delays.append(d)
        gui.append(sps)
        gui_wall.append(wall)
        after, after_wall = headless_run(spec)
        head.append(after)
        head_wall.append(after_wall)
        paired.append(sps / ((before + after) / 2))
        before = after
    all_delays = np.concatenate(delays)
    worst, p99 = float(all_delays.max()), float(np.percentile(all_delays, 99))
    ratio = float(np.median(paired))
    low, high = _median_ci(paired)
    wall_ratio = float(np.median(head_wall) / np.median(gui_wall))
    views = ", all Look-inside views open" if args.inspect else ""
    print(f"config: seed A, {args.epochs} epochs, pace {args.pace}{views}, {args.repeats} repeats, "
          f"{len(all_delays)} probes of {PROBE_MS} ms, load average {os.getloadavg()[0]:.2f}")
    print(f"event-loop delay: worst {worst:.1f} ms, p99 {p99:.1f} ms (target worst < 50 ms)")
    target = 0.75 if args.inspect else 0.90
    print(f"throughput: GUI {np.median(gui):,.0f} steps/s, headless {np.median(head):,.0f} "
          f"steps/s; ratio (median of GUI runs over their neighbours) {ratio:.3f}, 95% CI "
          f"{low:.3f}-{high:.3f} (Max pace target >= {target:.2f}); each run: "
          f"{' '.join(f'{r:.2f}' for r in paired)}; wall-clock ratio {wall_ratio:.3f}")
    # At a set pace the run waits between epochs and computes a region every epoch for the
    # viewer: throughput is not the point there (the target is for Max), stalls are.
    ok = worst < 50.0 and (pace is not None or ratio >= target)
    if pace is not None:
        print(f"pace {pace:g}/s: {args.epochs} epochs took {np.median(gui_wall):.1f} s of wall "
              "clock; only the stall target applies")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
