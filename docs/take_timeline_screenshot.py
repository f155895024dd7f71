"""The README's timeline screenshot: three runs overlaid, a fork marker, scrubbed to epoch 20.

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1440x900x24" \\
        .venv/bin/python docs/take_timeline_screenshot.py --out docs/screenshot_timeline.png

Run 1 trains at lr 0.1; run 2 at lr 0.3; run 3 at lr 0.1, paused at epoch 60 and resumed with
lr 0.03 (a fork). Runs 1 and 2 are ticked in the history; the timeline is dragged back to
epoch 20 (``--paced`` instead grabs run 3 mid-way at the default pace).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from shots import wait_until

from studio.app import create_app
from studio.core import RunSpec
from studio.gui.main_window import MainWindow


def _with_lr(window: MainWindow, lr: float) -> None:
    spec = window.spec_model.spec
    window.spec_model.set_spec(dataclasses.replace(
        spec, optimizer=dataclasses.replace(spec.optimizer, lr=lr)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(Path(__file__).with_name("screenshot_timeline.png")))
    parser.add_argument("--paced", action="store_true", help="grab a paced run mid-way")
    args = parser.parse_args()
    app = create_app()
    window = MainWindow(RunSpec())
    window.resize(1440, 860)
    window.show()
    controller = window.controller
    ended = lambda: not controller.is_active  # noqa: E731
    if not args.paced:
        controller.set_pace(None)
        for lr in (0.1, 0.3):
            _with_lr(window, lr)
            controller.start()
            wait_until(ended)
        _with_lr(window, 0.1)
    controller.set_pace(15.0 if args.paced else None)
    controller.start()
    wait_until(lambda: len(controller.reports) >= (100 if args.paced else 60))
    if not args.paced:
        controller.pause()
        wait_until(lambda: controller.state.value == "paused")
        _with_lr(window, 0.03)
        controller.resume()
        wait_until(ended)
        window.history_panel.set_ticked(1)
        window.history_panel.set_ticked(2)
        window.timeline_bar.slider.setValue(20)
    for _ in range(20):
        app.processEvents()
    window.grab().save(args.out)
    controller.shutdown()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
