"""Regenerate the README's screenshots: the real window on the seed network, paused mid-training.

Run under a virtual display (needs Debian's xvfb and the xcb libraries)::

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1366x768x24" \\
        .venv/bin/python docs/take_screenshot.py --size 1366x768 --out docs/screenshot_1366.png
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1366x768x24" \\
        .venv/bin/python docs/take_screenshot.py --size 1366x768 --dark \\
        --out docs/screenshot_dark.png
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QPalette
from shots import pause_at_epoch

from studio.app import create_app
from studio.gui.main_window import MainWindow

#: A plain dark palette (Fusion's roles), like the dark themes of desktops.
DARK = {"Window": "#2d2d2d", "WindowText": "#e6e6e6", "Base": "#1f1f1f",
        "AlternateBase": "#2a2a2a", "Text": "#e6e6e6", "Button": "#383838",
        "ButtonText": "#e6e6e6", "Highlight": "#3d7bd9", "HighlightedText": "#ffffff",
        "ToolTipBase": "#383838", "ToolTipText": "#e6e6e6", "PlaceholderText": "#9a9a9a"}


def dark_palette() -> QPalette:
    """The :data:`DARK` colours as a ``QPalette`` (disabled text dimmed)."""
    palette = QPalette()
    for role, color in DARK.items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(color))
    for role in ("WindowText", "Text", "ButtonText"):
        palette.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role),
                         QColor("#808080"))
    return palette


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epoch", type=int, default=60, help="pause after this epoch")
    parser.add_argument("--size", default="1440x860", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    parser.add_argument("--out", default=str(Path(__file__).with_name("screenshot.png")))
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    app = create_app([])
    if args.dark:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    window = MainWindow()
    window.resize(width, height)
    window.show()

    def grab() -> None:
        window.grab().save(args.out)
        print(f"wrote {args.out} ({window.width()}x{window.height()}) at epoch "
              f"{window.controller.reports[-1].epoch}")
        window.close()

    pause_at_epoch(window, args.epoch, grab)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
