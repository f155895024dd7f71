"""The README's screenshot of the Experiment tab: a real paired experiment, run in the window.

Run from the repository root (about 10 s)::

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1440x900x24" \\
        python docs/take_experiment_screenshot.py --out docs/screenshot_experiments.png

2→16→16→2 (ReLU), cross-entropy, SGD lr 0.1, 400 + 400 disk points, batch 100, 20 epochs;
momentum 0 and 0.2, 4 seeds each, minidl against torch.nn, 2 processes.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication
from shots import wait_until

from studio.core.spec import DataSpec, LayerSpec, OptimizerSpec, RunSpec
from studio.gui.compare.compare_window import CompareWindow
from studio.gui.setup.spec_model import SpecModel

SPEC = RunSpec(layers=(LayerSpec(width=16), LayerSpec(width=16)), epochs=20, batch_size=100,
               data=DataSpec(n_train=400, n_test=400), optimizer=OptimizerSpec(lr=0.1))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="docs/screenshot_experiments.png")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    window = CompareWindow(spec_model=SpecModel(SPEC))
    window.resize(1366, 860)
    window.show()
    window.tabs.setCurrentWidget(window.experiment_tab)
    tab = window.experiment_tab
    tab.runs_spin.setValue(4)
    tab.workers_spin.setValue(2)
    tab.vary_rows.set_vary({"optimizer.momentum": "0, 0.2"})
    tab.run_button.click()
    wait_until(lambda: tab.result is not None, poll_ms=100, timeout_ms=120_000)
    if tab.result is None:
        print("the experiment did not finish in 120 s", file=sys.stderr)
        return 1
    for _ in range(5):  # let the last redraw land
        app.processEvents()
    window.grab().save(args.out)
    print(f"wrote {args.out}")
    window.stop_all(5000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
