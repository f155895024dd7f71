"""Tiny modal dialog helpers.

Every dialog the window opens goes through one of these functions, looked up on this module
at call time (``dialogs.show_error(...)``), so tests replace them with ``monkeypatch`` instead
of driving a modal event loop.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

__all__ = ["JSON_FILTER", "ask_save_changes", "get_open_path", "get_save_path", "show_error",
           "show_warning"]

JSON_FILTER = "Run specs (*.json);;All files (*)"


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """Show a modal error box with ``text``."""
    QMessageBox.critical(parent, title, text)


def show_warning(parent: QWidget | None, title: str, text: str) -> None:
    """Show a modal warning box with ``text``."""
    QMessageBox.warning(parent, title, text)


def ask_save_changes(parent: QWidget | None, name: str) -> str:
    """Ask whether to save unsaved changes to ``name``.

    Returns
    -------
    str
        ``"save"``, ``"discard"`` or ``"cancel"``.
    """
    buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
               | QMessageBox.StandardButton.Cancel)
    answer = QMessageBox.question(parent, "Unsaved changes",
                                  f"Save the changes to {name}?", buttons,
                                  QMessageBox.StandardButton.Save)
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


def get_open_path(parent: QWidget | None, title: str, directory: str = "",
                  filter_: str = JSON_FILTER) -> str | None:
    """Ask for an existing file; ``None`` when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, directory, filter_)
    return path or None


def get_save_path(parent: QWidget | None, title: str, directory: str = "",
                  filter_: str = JSON_FILTER) -> str | None:
    """Ask for a file to write; ``None`` when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, directory, filter_)
    return path or None
