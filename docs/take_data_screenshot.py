"""Screenshots of your own data (issue 10): a k-class spiral, an example lesson, a drawing.

Run under a virtual display (see take_screenshot.py)::

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1440x900x24" \\
        .venv/bin/python docs/take_data_screenshot.py --spiral 3 --out docs/screenshot_data.png
    ... --example x2_y2 --out /tmp/x2_y2.png
    ... --draw --out /tmp/drawn.png
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import random
import sys

from PySide6.QtWidgets import QScrollArea
from shots import pause_at_epoch

from studio.app import create_app
from studio.core import DataSpec, RunSpec
from studio.core.examples import load_example
from studio.gui.main_window import MainWindow
from studio.gui.setup.data_edits import add_point, clear_points


def _drawn(spec: RunSpec) -> RunSpec:
    """Three hand-drawn-looking classes: a ring around a blob, and a band across the corner,
    added point by point as the draw mode would."""
    rng = random.Random(4)
    spec = clear_points(spec)  # as the Clear button: an empty custom set
    spec = dataclasses.replace(spec, data=dataclasses.replace(spec.data, classes=3))
    for _ in range(60):
        spec = add_point(spec, 0.5 + rng.gauss(0, 0.07), 0.5 + rng.gauss(0, 0.07), 0)
        a = rng.uniform(0, 2 * math.pi)
        r = 0.3 + rng.gauss(0, 0.025)
        spec = add_point(spec, 0.5 + r * math.cos(a), 0.5 + r * math.sin(a), 1)
        t = rng.uniform(0, 1)
        spec = add_point(spec, 0.85 + 0.1 * t + rng.gauss(0, 0.02), 0.95 - t * 0.2, 2)
    return spec


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spiral", type=int, help="train a spiral with this many arms")
    parser.add_argument("--example", help="open this example (e.g. x2_y2)")
    parser.add_argument("--draw", action="store_true", help="a drawn three-class set")
    parser.add_argument("--epoch", type=int, default=200, help="pause after this epoch")
    parser.add_argument("--size", default="1440x860", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--show-data", action="store_true",
                        help="scroll the editors to the Data group (classes, features)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    app = create_app([])
    if args.example:
        spec = load_example(args.example)
    elif args.draw:
        spec = _drawn(RunSpec(optimizer=dataclasses.replace(RunSpec().optimizer, name="adam",
                                                            lr=0.01)))
    else:
        spec = RunSpec(data=DataSpec(name="spiral", classes=args.spiral or 3))
    spec = dataclasses.replace(spec, epochs=max(spec.epochs, args.epoch))
    window = MainWindow(spec)
    window.resize(width, height)
    window.show()
    if args.draw:
        window.region.draw.draw_mode.setChecked(True)

    def grab() -> None:
        if args.show_data:
            scroll = window.findChild(QScrollArea, "editor_scroll")
            scroll.ensureWidgetVisible(window.settings_panel.feature_checks, 0, 40)
            app.processEvents()
        window.grab().save(args.out)
        last = window.controller.reports[-1]
        print(f"wrote {args.out} at epoch {last.epoch}, test accuracy {last.test_acc:.3f}")
        window.controller.stop()
        window.close()

    pause_at_epoch(window, args.epoch, grab)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
