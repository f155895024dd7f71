"""Issue 13: the window fits 1366x768, and the training essentials sit above the fold."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QScrollArea
from window_helpers import make_window

ESSENTIALS = ("loss_combo", "epochs_spin", "batch_size_spin", "seed_spin", "device_combo")


def test_minimum_size_fits_1366x768(qtbot):
    window = make_window(qtbot)
    hint = window.minimumSizeHint().expandedTo(window.minimumSize())
    assert hint.width() <= 1366
    assert hint.height() <= 768 - 40  # room for a title bar and a panel


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)])
def test_training_essentials_are_visible_without_scrolling(qtbot, size):
    window = make_window(qtbot)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0] and window.height() == size[1])
    scroll = window.findChild(QScrollArea, "editor_scroll")
    assert scroll.verticalScrollBar().value() == 0
    viewport = scroll.viewport()
    shown = QRect(viewport.mapTo(window, viewport.rect().topLeft()), viewport.size())
    for name in ESSENTIALS:
        editor = window.settings_panel.editor(name)
        rect = QRect(editor.mapTo(window, editor.rect().topLeft()), editor.size())
        assert editor.isVisible() and shown.contains(rect), (name, rect, shown)
