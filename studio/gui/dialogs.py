"""Tiny modal dialog helpers.

Every dialog the window opens goes through one of these functions, looked up on this module
at call time (``dialogs.show_error(...)``), so tests replace them with ``monkeypatch`` instead
of driving a modal event loop.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

__all__ = ["JSON_FILTER", "ask_save_changes", "get_open_path", "get_save_path", "open_url",
           "show_about", "show_error", "show_info", "show_warning", "with_suffix"]

JSON_FILTER = "Run specs (*.json);;All files (*)"


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """Show a modal error box with ``text``."""
    QMessageBox.critical(parent, title, text)


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    """Show a modal information box with ``text`` (rich text allowed)."""
    QMessageBox.information(parent, title, text)


def show_about(parent: QWidget | None, title: str, text: str) -> None:
    """Show the About box with ``text`` (rich text allowed)."""
    QMessageBox.about(parent, title, text)


def open_url(url: str) -> bool:
    """Open ``url`` (``file://`` or ``https://``) in the desktop's viewer; False if it could not."""
    return QDesktopServices.openUrl(QUrl(url))


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


def with_suffix(path: str, suffix: str) -> str:
    """``path`` with ``suffix`` (``".json"``) appended when it has none.

    Not every platform's file dialog appends the filter's suffix: a user who types ``run``
    must get ``run.json``, which Open lists, not a file named ``run``. A path that has a
    suffix keeps it (the user chose it), and so does a directory (writing it fails, and says so).
    """
    return path if Path(path).suffix or Path(path).is_dir() else path + suffix
