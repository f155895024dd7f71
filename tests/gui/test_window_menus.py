"""Issue 13: the Help menu, the Run menu following the run, exports' refusals and suffixes."""

from __future__ import annotations

import pytest
import torch
from PySide6 import __version__ as pyside_version
from window_helpers import RUN_TIMEOUT_MS, make_window

from studio.core import load_spec
from studio.gui import dialogs
from studio.gui.help import versions
from studio.gui.run.run_controller import RunState

RUN_ITEMS = ("start", "pause", "step", "stop", "reset")


def test_help_menu_has_shortcuts_guide_and_about(qtbot):
    window = make_window(qtbot)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    assert [a.objectName() for a in help_menu.actions()] == [
        "shortcuts_action", "guide_action", "about_action"]


def test_about_names_the_versions(qtbot, dialog_calls):
    window = make_window(qtbot)
    window.actions["about"].trigger()
    [(name, (_parent, title, text))] = dialog_calls
    assert name == "show_about" and "minidl-studio" in title
    for package, version in (("minidl-studio", versions()["minidl-studio"]),
                             ("torch", torch.__version__), ("PySide6", pyside_version)):
        assert package in text and version in text


def test_shortcuts_list_the_run_keys(qtbot, dialog_calls):
    window = make_window(qtbot)
    window.actions["shortcuts"].trigger()
    [(name, (_parent, _title, text))] = dialog_calls
    assert name == "show_info"
    for key, what in (("F5", "Start"), ("F10", "Step one epoch"), ("Ctrl+K", "Compare")):
        assert key in text and what in text


def test_guide_opens_the_readme_section(qtbot, monkeypatch):
    window = make_window(qtbot)
    opened = []
    monkeypatch.setattr(dialogs, "open_url", lambda url: opened.append(url) or True)
    window.actions["guide"].trigger()
    assert len(opened) == 1 and opened[0].endswith("README.md#the-studio")


def _run_items(window) -> dict[str, bool]:
    return {name: window.actions[name].isEnabled() for name in RUN_ITEMS}


def _buttons(window) -> dict[str, bool]:
    return {name: getattr(window.controls, f"{name}_button").isEnabled() for name in RUN_ITEMS}


def test_run_menu_items_follow_the_buttons(qtbot):
    window = make_window(qtbot)
    controller = window.controller
    assert _run_items(window) == _buttons(window)
    assert not window.actions["stop"].isEnabled()  # nothing to stop yet
    controller.step()
    qtbot.waitUntil(lambda: len(controller.reports) == 1, timeout=RUN_TIMEOUT_MS)
    assert controller.state == RunState.PAUSED
    assert _run_items(window) == _buttons(window)
    assert not window.actions["start"].isEnabled()
    with qtbot.waitSignal(controller.run_ended, timeout=RUN_TIMEOUT_MS):
        controller.stop()
    assert _run_items(window) == _buttons(window)
    assert window.actions["start"].isEnabled() and not window.actions["pause"].isEnabled()


def test_csv_export_before_any_run_is_refused(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot)
    path = tmp_path / "curves.csv"
    monkeypatch.setattr(dialogs, "get_save_path", lambda *a, **k: str(path))
    window.actions["export_curves_csv"].trigger()
    assert not path.exists()
    assert "No curves yet" in window.statusBar().currentMessage()


@pytest.mark.parametrize("action, suffix", [("export_curves_csv", ".csv"),
                                            ("export_curves_png", ".png"),
                                            ("export_region_png", ".png"),
                                            ("export_weights", ".safetensors")])
def test_exports_append_the_default_suffix(qtbot, tmp_path, monkeypatch, action, suffix):
    window = make_window(qtbot)
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controller.start()
    monkeypatch.setattr(dialogs, "get_save_path", lambda *a, **k: str(tmp_path / "out"))
    window.actions[action].trigger()
    assert (tmp_path / f"out{suffix}").is_file() and not (tmp_path / "out").exists()


def test_save_as_appends_json_but_keeps_a_chosen_suffix(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot)
    for typed, written in (("run", "run.json"), ("run.spec", "run.spec")):
        monkeypatch.setattr(dialogs, "get_save_path", lambda *a, t=typed, **k: str(tmp_path / t))
        assert window.save_file_as()
        assert load_spec(tmp_path / written) == window.spec_model.spec
    assert not (tmp_path / "run").exists()
