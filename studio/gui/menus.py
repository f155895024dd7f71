"""The main window's menu bar: File, Edit, Run, Tools, Examples.

Kept apart from :mod:`studio.gui.main_window` so the window reads as wiring; every action
calls a method of the window or of its run controller, nothing here holds state.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from studio.core.examples import example_labels

__all__ = ["build_menus", "open_compare_window"]


def open_compare_window(window):
    """Show the "Compare with torch.nn" window for ``window``'s current spec (one instance).

    It follows the spec being edited (``SpecModel.spec_changed``); the main window stops its
    runs when it closes (see ``MainWindow.closeEvent``).
    """
    from studio.gui.compare.compare_window import CompareWindow  # heavy: only when first asked for

    compare = window.compare_window
    if compare is None:
        compare = CompareWindow(window.spec_model.spec, window)
        compare.setWindowFlag(Qt.WindowType.Window)  # its own top-level window, owned by ours
        compare.setWindowTitle("Compare with torch.nn — minidl-studio")
        compare.resize(1200, 760)
        window.spec_model.spec_changed.connect(compare.set_spec)
        window.compare_window = compare
    compare.show()
    compare.raise_()
    compare.activateWindow()
    return compare


def _lock_undo_while_training(model, undo: QAction, redo: QAction) -> None:
    # A run trains a snapshot of the spec taken at Start; undoing edits under the disabled
    # editors would silently desynchronise what is shown from what is training.
    stack = model.undo_stack

    def on_locked(locked: bool) -> None:
        undo.setEnabled(not locked and stack.canUndo())
        redo.setEnabled(not locked and stack.canRedo())

    model.locked_changed.connect(on_locked)


def _action(window: QMainWindow, menu: QMenu, name: str, text: str, slot,
            shortcut: QKeySequence | str | None = None) -> QAction:
    action = QAction(text, window, objectName=f"{name}_action")
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    menu.addAction(action)
    return action


def build_menus(window) -> dict[str, QAction]:
    """Create the menu bar of ``window`` (a :class:`~studio.gui.main_window.MainWindow`).

    Returns
    -------
    dict
        The actions by name (``"save"``, ``"export_curves_csv"``, ``"undo"``...), for tests
        and for enabling/disabling.
    """
    bar = window.menuBar()
    actions: dict[str, QAction] = {}
    file_menu = bar.addMenu("&File")
    std = QKeySequence.StandardKey
    for name, text, slot, key in (
            ("new", "&New", window.new_file, std.New),
            ("open", "&Open…", window.open_file, "Ctrl+O")):
        actions[name] = _action(window, file_menu, name, text, slot, key)
    window.recent_menu = file_menu.addMenu("Open &Recent")
    window.recent_menu.setObjectName("recent_menu")
    window.recent_menu.aboutToShow.connect(window.rebuild_recent_menu)
    for name, text, slot, key in (
            ("save", "&Save", window.save_file, "Ctrl+S"),
            ("save_as", "Save &As…", window.save_file_as, "Ctrl+Shift+S")):
        actions[name] = _action(window, file_menu, name, text, slot, key)
    file_menu.addSeparator()
    for name, text, slot in (
            ("export_curves_png", "Export curves PNG…", window.export_curves_png),
            ("export_curves_csv", "Export curves CSV…", window.export_curves_csv),
            ("export_region_png", "Export decision region PNG…", window.export_region_png),
            ("export_weights", "Export trained weights…", window.export_weights)):
        actions[name] = _action(window, file_menu, name, text, slot)
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

    tools_menu = bar.addMenu("&Tools")
    actions["compare"] = _action(window, tools_menu, "compare", "&Compare with torch.nn…",
                                 lambda _checked=False: open_compare_window(window), "Ctrl+K")

    examples_menu = bar.addMenu("E&xamples")
    for i, (name, label) in enumerate(example_labels()):
        actions[f"example_{i}"] = _action(
            window, examples_menu, f"example_{i}", label,
            lambda _checked=False, name=name: window.open_example(name))
    return actions
