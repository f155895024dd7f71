"""One plot style: every plot and PNG export draws with the colours of ``studio.gui.style``."""

from __future__ import annotations

import re
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QPalette

import studio.gui
from studio.gui import style
from studio.gui.compare.compare_plots import TwinPlots
from studio.gui.run.export import _stack
from studio.gui.run.plots import CurvesView
from studio.gui.run.run_controller import RunController
from studio.gui.setup.spec_model import SpecModel

GUI_DIR = Path(studio.gui.__file__).resolve().parent
# A colour literal ("#rgb", "#rrggbb", QColor("white")) or a pen made outside style.pen().
_RESTATED = re.compile(r"""["']#[0-9a-fA-F]{3,8}["']|QColor\(["']\w+["']\)|mkPen\(""")


def test_no_module_but_style_restates_a_colour_or_a_pen():
    offenders = [f"{path.relative_to(GUI_DIR)}:{number}: {line.strip()}"
                 for path in sorted(GUI_DIR.rglob("*.py")) if path.name != "style.py"
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if _RESTATED.search(line)]
    assert offenders == []


def test_run_curves_take_their_pens_from_the_style(qtbot, monkeypatch):
    monkeypatch.setattr(style, "TRAIN_COLOR", "#010203")
    view = CurvesView(RunController(SpecModel()))
    qtbot.addWidget(view)
    assert view.curves["train_loss"].opts["pen"].color() == QColor("#010203")
    assert view.curves["test_loss"].opts["pen"].color() == QColor(style.TEST_COLOR)


def test_compare_curves_take_their_pens_from_the_style(qtbot, monkeypatch):
    monkeypatch.setitem(style.FRAMEWORK_COLORS, "minidl", "#040506")
    plots = TwinPlots()
    qtbot.addWidget(plots)
    assert plots.curves["minidl train"].opts["pen"].color() == QColor("#040506")


def test_png_background_and_pyqtgraph_background_are_the_style_background(qapp):
    style.configure_pyqtgraph()
    assert QColor(pg.getConfigOption("background")) == QColor(style.BACKGROUND)
    from PySide6.QtGui import QImage

    image = _stack([QImage(4, 2, QImage.Format.Format_ARGB32),
                    QImage(2, 2, QImage.Format.Format_ARGB32)])
    assert image.pixelColor(3, 3) == QColor(style.BACKGROUND)  # the padding right of the 2nd


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in ((QPalette.ColorRole.Window, "#2b2b2b"),
                        (QPalette.ColorRole.WindowText, "#e8e8e8"),
                        (QPalette.ColorRole.Base, "#1e1e1e"),
                        (QPalette.ColorRole.Text, "#e8e8e8")):
        palette.setColor(role, QColor(color))
    return palette


@pytest.fixture
def dark_app(qapp):
    before = qapp.palette()
    qapp.setPalette(_dark_palette())
    yield qapp
    qapp.setPalette(before)
    style.configure_pyqtgraph()  # the global pyqtgraph colours of a light palette again


def _is_dark(color: QColor) -> bool:
    return color.lightness() < 100


def _assert_follows_dark(plot: pg.PlotWidget) -> None:
    assert _is_dark(plot.backgroundBrush().color())
    item = plot.getPlotItem()
    for axis in ("left", "bottom"):
        assert not _is_dark(item.getAxis(axis).textPen().color())  # tick numbers and label
    assert "#e8e8e8" in item.titleLabel.item.toHtml()


def test_plots_built_under_a_dark_palette_are_dark_with_light_text(qtbot, dark_app):
    style.configure_pyqtgraph()
    view = CurvesView(RunController(SpecModel()))
    qtbot.addWidget(view)
    _assert_follows_dark(view.loss_plot)
    _assert_follows_dark(view.accuracy_plot)


def test_plots_follow_a_palette_change(qtbot, qapp):
    view = CurvesView(RunController(SpecModel()))
    qtbot.addWidget(view)
    assert view.loss_plot.backgroundBrush().color() == QColor(style.BACKGROUND)  # light: white
    before = qapp.palette()
    qapp.setPalette(_dark_palette())
    try:
        qtbot.waitUntil(lambda: _is_dark(view.loss_plot.backgroundBrush().color()), timeout=2000)
        _assert_follows_dark(view.loss_plot)
        plots = TwinPlots()
        qtbot.addWidget(plots)
        assert _is_dark(plots._layout.backgroundBrush().color())
    finally:
        qapp.setPalette(before)
    qtbot.waitUntil(lambda: view.loss_plot.backgroundBrush().color() == QColor(style.BACKGROUND),
                    timeout=2000)
