"""Regenerate docs/screenshot.png: the real window on the seed network, paused mid-training.

Run under a virtual display (needs Debian's xvfb and the xcb libraries)::

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1440x900x24" \\
        .venv/bin/python docs/take_screenshot.py [--epoch 60] [--out docs/screenshot.png]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer

from studio.app import create_app
from studio.gui.main_window import MainWindow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epoch", type=int, default=60, help="pause after this epoch")
    parser.add_argument("--out", default=str(Path(__file__).with_name("screenshot.png")))
    args = parser.parse_args()
    app = create_app([])
    window = MainWindow()
    window.resize(1440, 860)
    window.show()

    def poll() -> None:
        reports = window.controller.reports
        if reports and reports[-1].epoch >= args.epoch:
            window.controller.pause()
            timer.stop()
            QTimer.singleShot(1500, grab)  # let the paused frame (antialiased, fitted) draw

    def grab() -> None:
        window.grab().save(args.out)
        print(f"wrote {args.out} at epoch {window.controller.reports[-1].epoch}")
        window.close()

    timer = QTimer(interval=1)
    timer.timeout.connect(poll)
    QTimer.singleShot(800, window.controller.start)
    QTimer.singleShot(800, timer.start)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
