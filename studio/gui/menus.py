"""The main window's menu bar: File (with Export), Edit, Run, Tools, Examples, Help.

Kept apart from :mod:`studio.gui.main_window` so the window reads as wiring; every action
calls a method of the window, of its export commands or of its run controller. Nothing here
writes the window's state: :func:`build_menus` returns what it made (:class:`Menus`), and
File > Open Recent is a view of the document's recent list, refilled each time it opens.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from studio.core.examples import example_labels
from studio.core.history.animation import mp4_available
from studio.gui import help as help_texts
from studio.gui.document import RecentFiles
from studio.gui.run.controls import enabled_commands
from studio.gui.setup import data_files

__all__ = ["Menus", "build_menus", "fill_recent_menu"]


@dataclass(frozen=True)
class Menus:
    """What :func:`build_menus` made: the actions by name and the Open Recent menu."""

    actions: dict[str, QAction]
    recent_menu: QMenu


def fill_recent_menu(menu: QMenu, recent: RecentFiles, open_path: Callable[[str], object]) -> None:
    """Refill ``menu`` from ``recent`` (missing files greyed out; ``(none)`` when empty)."""
    menu.clear()
    for path in recent.paths():
        action = menu.addAction(path)
        action.setEnabled(os.path.exists(path))
        action.triggered.connect(lambda _checked=False, path=path: open_path(path))
    if menu.isEmpty():
        menu.addAction("(none)").setEnabled(False)


def _lock_undo_while_training(model, undo: QAction, redo: QAction) -> None:
    # A run trains a snapshot of the spec taken at Start; undoing edits under the disabled
    # editors would silently desynchronise what is shown from what is training.
    stack = model.undo_stack

    def on_locked(locked: bool) -> None:
        undo.setEnabled(not locked and stack.canUndo())
        redo.setEnabled(not locked and stack.canRedo())

    model.locked_changed.connect(on_locked)


def _follow_run_state(controller, actions: dict[str, QAction]) -> None:
    # The Run menu is another view of the controller: enabled exactly like the buttons.
    def on_state(state) -> None:
        for name, enabled in enabled_commands(state, bool(controller.reports)).items():
            actions[name].setEnabled(enabled)

    controller.state_changed.connect(on_state)
    on_state(controller.state)


def _action(window: QMainWindow, menu: QMenu, name: str, text: str, slot,
            shortcut: QKeySequence | str | None = None) -> QAction:
    action = QAction(text, window, objectName=f"{name}_action")
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def build_menus(window) -> Menus:
    """Create the menu bar of ``window`` (a :class:`~studio.gui.main_window.MainWindow`).

    Returns
    -------
    Menus
        The actions by name (``"save"``, ``"export_curves_csv"``, ``"undo"``...), for tests
        and for enabling/disabling, and the Open Recent menu.
    """
    bar = window.menuBar()
    actions: dict[str, QAction] = {}
    file_menu = bar.addMenu("&File")
    std = QKeySequence.StandardKey
    for name, text, slot, key in (
            ("new", "&New", window.new_file, std.New),
            ("open", "&Open…", window.open_file, "Ctrl+O")):
        actions[name] = _action(window, file_menu, name, text, slot, key)
    recent_menu = file_menu.addMenu("Open &Recent")
    recent_menu.setObjectName("recent_menu")
    recent_menu.aboutToShow.connect(
        lambda: fill_recent_menu(recent_menu, window.document.recent, window.open_path))
    for name, text, slot, key in (
            ("save", "&Save", window.save_file, "Ctrl+S"),
            ("save_as", "Save &As…", window.save_file_as, "Ctrl+Shift+S"),
            ("save_session", "Save Sess&ion…", window.files.save_session, "Ctrl+Alt+S")):
        actions[name] = _action(window, file_menu, name, text, slot, key)
    file_menu.addSeparator()
    model = window.spec_model
    for name, text, slot in (
            ("import_data", "&Import data…",
             lambda _checked=False: data_files.import_data(window, model)),
            ("export_data", "Export &data…",
             lambda _checked=False: data_files.export_data(window, model,
                                                           stem=window.document.stem()))):
        actions[name] = _action(window, file_menu, name, text, slot)
    exports = window.exports
    export_menu = file_menu.addMenu("&Export")
    export_menu.setObjectName("export_menu")
    animation = ("Training animation (GIF or MP4)…" if mp4_available()
                 else "Training animation (GIF; MP4 needs imageio-ffmpeg)…")
    for name, text, slot in (
            ("export_curves_png", "Curves PNG…", exports.export_curves_png),
            ("export_curves_csv", "Curves CSV…", exports.export_curves_csv),
            ("export_region_png", "Decision region PNG…", exports.export_region_png),
            ("export_weights", "Trained weights…", exports.export_weights),
            ("export_animation", animation, window.files.export_animation)):
        actions[name] = _action(window, export_menu, name, text, slot)
    file_menu.addSeparator()
    actions["quit"] = _action(window, file_menu, "quit", "&Quit", window.close, "Ctrl+Q")

    edit_menu = bar.addMenu("&Edit")
    stack = window.spec_model.undo_stack
    actions["undo"] = stack.createUndoAction(window, "&Undo")
    actions["undo"].setShortcut(QKeySequence("Ctrl+Z"))
    actions["redo"] = stack.createRedoAction(window, "&Redo")
    actions["redo"].setShortcut(QKeySequence("Ctrl+Shift+Z"))
    edit_menu.addActions([actions["undo"], actions["redo"]])
    _lock_undo_while_training(window.spec_model, actions["undo"], actions["redo"])

    run_menu = bar.addMenu("&Run")
    controller = window.controller
    for name, text, slot, key in (
            ("start", "&Start", controller.start, "F5"),
            ("pause", "&Pause / Resume", controller.toggle_pause, "F6"),
            ("step", "Step one &epoch", controller.step, "F10"),
            ("stop", "S&top", controller.stop, "Shift+F5"),
            ("reset", "&Reset", controller.reset, "Ctrl+R")):
        actions[name] = _action(window, run_menu, name, text, slot, key)
    _follow_run_state(controller, actions)

    tools_menu = bar.addMenu("&Tools")
    actions["compare"] = _action(window, tools_menu, "compare", "&Compare with torch.nn…",
                                 lambda _checked=False: window.show_compare_window(), "Ctrl+K")

    examples_menu = bar.addMenu("E&xamples")
    for i, (name, label) in enumerate(example_labels()):
        actions[f"example_{i}"] = _action(
            window, examples_menu, f"example_{i}", label,
            lambda _checked=False, name=name: window.open_example(name))

    help_menu = bar.addMenu("&Help")
    for name, text, slot, key in (
            ("shortcuts", "&Keyboard shortcuts", lambda: help_texts.show_shortcuts(window, actions),
             "F1"),
            ("guide", "User &guide (README)", lambda: help_texts.open_guide(window), None),
            ("about", "&About minidl-studio", lambda: help_texts.show_about(window), None)):
        actions[name] = _action(window, help_menu, name, text, slot, key)
    return Menus(actions, recent_menu)
