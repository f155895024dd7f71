"""File handling: save/open round trip, bad files, unsaved-changes prompts, recent, examples."""

from __future__ import annotations

import dataclasses

from window_helpers import RUN_TIMEOUT_MS, SMALL, make_window

from studio.core import RunSpec, load_spec
from studio.gui import dialogs
from studio.gui.run.run_controller import RunState


def test_save_then_open_round_trips_the_spec(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot)
    window.spec_model.set_spec(dataclasses.replace(SMALL, batch_size=25, name="mine"))
    assert window.windowTitle() == "untitled* — minidl-studio"
    path = tmp_path / "mine.json"
    monkeypatch.setattr(dialogs, "get_save_path", lambda *a, **k: str(path))
    window.actions["save"].trigger()
    assert load_spec(path) == window.spec_model.spec
    assert window.windowTitle() == "mine.json — minidl-studio"
    saved = window.spec_model.spec

    window.actions["new"].trigger()
    assert window.spec_model.spec == RunSpec() and window.document.path is None
    assert window.open_path(path)
    assert window.spec_model.spec == saved
    assert not window.spec_model.is_dirty
    assert window.document.recent.paths()[0] == str(path)
    window.menus.recent_menu.aboutToShow.emit()  # what opening File > Open Recent does
    assert [a.text() for a in window.menus.recent_menu.actions()] == [str(path)]


def test_malformed_file_shows_the_field_and_keeps_the_session(qtbot, tmp_path, dialog_calls):
    window = make_window(qtbot)
    before = window.spec_model.spec
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "optimizer": {"lr": -1.0}}', encoding="utf-8")
    assert not window.open_path(bad)
    errors = [args for name, args in dialog_calls if name == "show_error"]
    assert len(errors) == 1 and "optimizer.lr" in errors[0][2]
    assert window.spec_model.spec == before
    assert window.document.path is None


def test_unsaved_changes_cancel_keeps_everything(qtbot, monkeypatch):
    window = make_window(qtbot)
    edited = dataclasses.replace(SMALL, epochs=7)
    window.spec_model.set_spec(edited)
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "cancel")
    window.actions["new"].trigger()
    assert window.spec_model.spec == edited
    assert not window.close()  # the close event is ignored
    assert window.isVisible()
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "discard")


def test_unsaved_changes_save_writes_before_new(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot)
    edited = dataclasses.replace(SMALL, epochs=9)
    window.spec_model.set_spec(edited)
    path = tmp_path / "kept.json"
    monkeypatch.setattr(dialogs, "ask_save_changes", lambda *a: "save")
    monkeypatch.setattr(dialogs, "get_save_path", lambda *a, **k: str(path))
    window.new_file()
    assert load_spec(path) == edited
    assert window.spec_model.spec == RunSpec()


def test_opening_a_file_mid_training_stops_the_run(qtbot, tmp_path):
    window = make_window(qtbot, dataclasses.replace(SMALL, epochs=100_000))
    path = tmp_path / "other.json"
    other = dataclasses.replace(SMALL, name="other")
    from studio.core import save_spec
    save_spec(path, other)
    window.controls.start_button.click()
    qtbot.waitUntil(lambda: len(window.controller.reports) >= 1, timeout=RUN_TIMEOUT_MS)
    assert window.open_path(path)
    assert not window.controller.is_active
    assert window.controller.state == RunState.IDLE
    assert window.spec_model.spec == other and not window.spec_model.locked


def test_examples_menu_loads_seed_a(qtbot):
    window = make_window(qtbot)
    labels = [a.text() for n, a in window.actions.items() if n.startswith("example_")]
    assert any(label.startswith("seed A") for label in labels)
    assert any(label.startswith("seed B") for label in labels)
    window.actions["example_0"].trigger()
    assert window.spec_model.spec.name.startswith("seed A")
    assert window.document.path is None
    assert "(example)" in window.windowTitle()


def test_undo_redo_actions_follow_the_model(qtbot):
    window = make_window(qtbot)
    window.spec_model.set_spec(dataclasses.replace(SMALL, epochs=11))
    window.actions["undo"].trigger()
    assert window.spec_model.spec == SMALL
    window.actions["redo"].trigger()
    assert window.spec_model.spec.epochs == 11
