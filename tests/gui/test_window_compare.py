"""The main window's Tools menu opens "Compare with torch.nn"; Edit > Undo respects runs."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from window_helpers import make_window, with_epochs

from studio.gui.compare.compare_window import CompareWindow


def test_tools_menu_opens_one_compare_window_that_follows_the_spec(qtbot):
    window = make_window(qtbot)
    window.actions["compare"].trigger()
    compare = window.findChild(CompareWindow)
    assert compare is not None and compare.isVisible()
    assert compare.isWindow()  # its own top-level window, not squeezed into the main one
    assert compare.spec == window.spec_model.spec
    with_epochs(window, 7)
    assert compare.spec.epochs == 7
    window.actions["compare"].trigger()
    assert window.findChildren(CompareWindow) == [compare]


def test_closing_the_main_window_stops_a_compare_run(qtbot):
    window = make_window(qtbot)
    with_epochs(window, 100_000)
    window.actions["compare"].trigger()
    compare = window.compare_window
    qtbot.mouseClick(compare.twin_start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(compare.is_running, timeout=5000)
    window.close()
    qtbot.waitUntil(lambda: not compare.is_running(), timeout=6000)


def test_undo_is_disabled_while_a_run_holds_the_model(qtbot):
    window = make_window(qtbot)
    spec = window.spec_model.spec
    window.spec_model.set_spec(dataclasses.replace(spec, seed=spec.seed + 1), "Change seed")
    undo = window.actions["undo"]
    assert undo.isEnabled()
    window.spec_model.set_locked(True)
    assert not undo.isEnabled() and not window.actions["redo"].isEnabled()
    window.spec_model.set_locked(False)
    assert undo.isEnabled()
