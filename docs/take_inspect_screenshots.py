"""Screenshots of the Look-inside views, fed by a headless Session (no main window needed).

Run from the repository root::

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1440x900x24" \\
        python docs/take_inspect_screenshots.py --out-dir docs

Writes ``inspect_network.png`` (seed A mid-training, one unit enlarged), ``inspect_health.png``
(the vanishing-gradient lesson), ``inspect_backprop.png`` (the inspector on seed A) and
``screenshot_inspect.png`` (the three side by side, for the README).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMainWindow
from shots import wait_until

from studio.core import Session
from studio.core.examples import load_example
from studio.gui.inspect.install import install_inspect
from studio.gui.style import configure_pyqtgraph


class _Controller(QObject):
    probe_ready = Signal(str, int, object)
    epoch_selected = Signal(int, object)

    def __init__(self, spec) -> None:
        super().__init__()
        self.spec, self.weights, self.probes = spec, None, {}

    def add_probe(self, name, fn, every_epoch=False) -> None:
        self.probes[name] = fn


def _views(spec, epochs: int):
    window = QMainWindow()
    window.controller = _Controller(spec)
    views = install_inspect(window)
    # The probes sample only for open docks; here the views are shown on their own.
    views.network_visible = views.health_visible = True
    session = Session(spec)
    for report in session.run(epochs, grid_every=0):
        for name, fn in window.controller.probes.items():
            window.controller.probe_ready.emit(name, report.epoch, fn(session, report))
    window.controller.weights = session.weights()
    return window, views


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", default="docs")
    args = parser.parse_args()
    out = Path(args.out_dir)
    _app = QApplication.instance() or QApplication(sys.argv)  # held while the views live
    configure_pyqtgraph()
    shots = []

    seed_window, seed = _views(load_example("seed_a"), 25)  # the window owns the views
    seed.network.setParent(None)  # out of its dock: shown alone, at the size asked
    seed.network.resize(760, 560)
    seed.network.canvas.unit_clicked.emit(2, 3)
    seed.network.show()
    shots.append(("inspect_network.png", seed.network))

    lesson = dataclasses.replace(load_example("vanishing_sigmoid"), epochs=60)
    lesson_window, vanishing = _views(lesson, 60)
    vanishing.health.setParent(None)
    vanishing.health.resize(620, 760)
    vanishing.health.layer_box.setCurrentIndex(0)
    vanishing.health.redraw()
    vanishing.health.show()
    shots.append(("inspect_health.png", vanishing.health))

    seed.inspector.setParent(None)
    seed.inspector.resize(760, 760)
    seed.inspector.show()
    seed.inspector.freeze()  # traced in a thread of its own: wait for it, then step
    wait_until(lambda: not seed.inspector.busy)
    seed.inspector.step()
    wait_until(lambda: not seed.inspector.busy)
    shots.append(("inspect_backprop.png", seed.inspector))

    # The network picture is drawn in pieces, one event-loop turn apart.
    wait_until(lambda: False, timeout_ms=1000)
    pictures = []
    for name, widget in shots:
        picture = widget.grab()
        picture.save(str(out / name))
        pictures.append(picture)
    height = max(p.height() for p in pictures)
    combined = QPixmap(sum(p.width() for p in pictures), height)
    combined.fill()
    painter = QPainter(combined)
    x = 0
    for p in pictures:
        painter.drawPixmap(x, 0, p)
        x += p.width()
    painter.end()
    combined.scaledToWidth(1400).save(str(out / "screenshot_inspect.png"))
    del seed_window, lesson_window
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
