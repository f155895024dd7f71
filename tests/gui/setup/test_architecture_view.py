"""ArchitectureSummary: the summary line, repaint on change, painting at several sizes."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSize

from studio.core.spec import LayerSpec, RunSpec
from studio.gui.setup.architecture_view import ArchitectureSummary, summary_text
from studio.gui.setup.spec_model import SpecModel


def test_default_spec_text(qtbot) -> None:
    view = ArchitectureSummary(SpecModel())
    qtbot.addWidget(view)
    # 2*25+25 + 25*25+25 + 25*25+25 + 25*2+2 = 1427
    assert view.text() == "2 → 25 → 25 → 25 → 2 · 1,427 parameters"
    assert view.objectName() == "architecture_summary"
    assert view.toolTip() == view.text()


def test_text_follows_the_model_and_undo(qtbot) -> None:
    model = SpecModel()
    view = ArchitectureSummary(model)
    qtbot.addWidget(view)
    model.set_spec(replace(model.spec, layers=(LayerSpec(width=1000), LayerSpec(width=1000))))
    # 2*1000+1000 + 1000*1000+1000 + 1000*2+2 = 1_006_002
    assert view.text() == "2 → 1000 → 1000 → 2 · 1,006,002 parameters"
    model.undo_stack.undo()
    assert view.text() == summary_text(RunSpec())


def test_size_hint_is_compact(qtbot) -> None:
    view = ArchitectureSummary(SpecModel())
    qtbot.addWidget(view)
    hint = view.sizeHint()
    assert 300 <= hint.width() <= 420 and 100 <= hint.height() <= 180


def test_paints_at_small_and_large_sizes(qtbot) -> None:
    specs = [RunSpec(), RunSpec(layers=(LayerSpec(width=1),)),
             RunSpec(layers=tuple(LayerSpec(width=min(2**i, 4096)) for i in range(16)))]
    for spec in specs:
        view = ArchitectureSummary(SpecModel(spec))
        qtbot.addWidget(view)
        for size in (QSize(360, 140), QSize(120, 60), QSize(900, 300)):
            view.resize(size)
            image = view.grab().toImage()  # runs paintEvent
            assert image.size() == size
            # Something was drawn: not every pixel has the background colour.
            background = image.pixel(0, 0)
            assert any(image.pixel(x, y) != background
                       for x in range(0, size.width(), 4) for y in range(0, size.height(), 4))
