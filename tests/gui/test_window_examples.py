"""The Examples menu: filled from the packaged examples, opened by name like a file."""

from __future__ import annotations

import dataclasses

from window_helpers import SMALL, make_window

from studio.core.examples import example_labels, load_example
from studio.gui import dialogs


def _example_actions(window):
    return [a for n, a in sorted(window.actions.items()) if n.startswith("example_")]


def test_the_menu_lists_every_packaged_example(qtbot):
    window = make_window(qtbot)
    assert [a.text() for a in _example_actions(window)] == [
        label for _name, label in example_labels()]
    assert len(_example_actions(window)) == 5  # seed A, seed B, three lessons


def test_opening_an_example_by_name(qtbot):
    window = make_window(qtbot)
    window.actions["example_1"].trigger()  # the seeds come first
    assert window.spec_model.spec == load_example("seed_b")
    assert window.document.path is None and not window.spec_model.is_dirty
    assert window.windowTitle() == "seed_b (example) — minidl-studio"


def test_an_example_asks_about_unsaved_changes_first(qtbot, monkeypatch):
    window = make_window(qtbot)
    edited = dataclasses.replace(SMALL, epochs=7)
    window.spec_model.set_spec(edited)
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: asked.append(a) or "cancel")
    assert not window.open_example("seed_a")
    assert len(asked) == 1 and window.spec_model.spec == edited


def test_an_unknown_example_shows_an_error_and_keeps_the_session(qtbot, dialog_calls):
    window = make_window(qtbot)
    before = window.spec_model.spec
    assert not window.open_example("seed_z")
    errors = [args for name, args in dialog_calls if name == "show_error"]
    assert len(errors) == 1 and "available: seed_a, seed_b, dead_relu" in errors[0][2]
    assert window.spec_model.spec == before
