"""Help menu contents: keyboard shortcuts, About (with versions), the README's guide.

The texts are computed here and shown through :mod:`studio.gui.dialogs`, so tests read them by
monkeypatching the dialog helpers.
"""

from __future__ import annotations

import importlib.metadata
import platform
from html import escape
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from studio.gui import dialogs

__all__ = ["about_text", "guide_url", "open_guide", "shortcuts_text", "show_about",
           "show_shortcuts", "versions"]

#: The README section that is the studio's user guide (its GitHub-style anchor).
GUIDE_ANCHOR = "the-studio"


def versions() -> dict[str, str]:
    """Versions of the studio and of what it runs on, for About and bug reports."""
    import pyqtgraph
    import torch

    try:
        studio = importlib.metadata.version("minidl-studio")
    except importlib.metadata.PackageNotFoundError:  # a source tree that was never installed
        studio = "source tree"
    return {"minidl-studio": studio, "torch": torch.__version__, "PySide6": pyside_version,
            "pyqtgraph": pyqtgraph.__version__, "Python": platform.python_version()}


def about_text() -> str:
    """Rich text of the About box: what the studio is, and every version."""
    rows = "".join(f"<tr><td>{escape(k)}</td><td>&nbsp;{escape(v)}</td></tr>"
                   for k, v in versions().items())
    return ("<b>minidl-studio</b>: watch small neural networks written with minidl "
            "(a no-autograd deep-learning library) train, and compare them with torch.nn."
            f"<table cellspacing='2'>{rows}</table>")


def shortcuts_text(actions: dict[str, QAction]) -> str:
    """Rich text table of every menu action that has a shortcut, in menu order."""
    rows = []
    for action in actions.values():
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if key:
            label = escape(action.text().replace("&", "").rstrip("…"))
            rows.append(f"<tr><td><b>{escape(key)}</b></td><td>&nbsp;{label}</td></tr>")
    return "<table cellspacing='3'>" + "".join(rows) + "</table>"


def guide_url() -> str | None:
    """The README's studio guide as a ``file://`` URL, when the README is beside the package."""
    readme = Path(__file__).resolve().parents[2] / "README.md"
    if not readme.is_file():
        return None
    url = QUrl.fromLocalFile(str(readme))
    url.setFragment(GUIDE_ANCHOR)
    return url.toString()


def show_shortcuts(parent: QWidget, actions: dict[str, QAction]) -> None:
    """Help > Keyboard shortcuts."""
    dialogs.show_info(parent, "Keyboard shortcuts", shortcuts_text(actions))


def show_about(parent: QWidget) -> None:
    """Help > About minidl-studio."""
    dialogs.show_about(parent, "About minidl-studio", about_text())


def open_guide(parent: QWidget) -> None:
    """Help > User guide: the README's studio section, or where to find it."""
    url = guide_url()
    if url is None or not dialogs.open_url(url):
        dialogs.show_info(parent, "User guide",
                          "The guide is the section “The studio” of the project's README.md.")
