"""The GUI entry: create the ``QApplication`` and the main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import torch
from PySide6.QtWidgets import QApplication

from studio.gui.main_window import MainWindow

__all__ = ["create_app", "main", "reserve_core_for_ui"]


def create_app(argv: Sequence[str] | None = None) -> QApplication:
    """Return the running ``QApplication`` or create one named for QSettings."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setOrganizationName("minidl")
    app.setApplicationName("minidl-studio")
    app.setApplicationDisplayName("minidl-studio")
    reserve_core_for_ui()
    return app


def reserve_core_for_ui() -> None:
    """Leave one CPU core to the GUI thread.

    Training runs in a worker thread; if torch's intra-op pool claims every core, the GUI
    thread (drawing, event handling) preempts it, and both stall: on a 2-core machine the
    worker ran at ~0.6x its single-thread speed. The studio's small networks gain nothing
    from more than a few intra-op threads anyway.
    """
    cores = os.cpu_count() or 1
    torch.set_num_threads(max(1, min(torch.get_num_threads(), cores - 1)))


def main(files: Sequence[str] = ()) -> int:
    """Open the studio window (with the first of ``files`` loaded, if any) until it closes."""
    app = create_app()
    window = MainWindow()
    if files:
        window.open_path(files[0], confirm=False)
    window.show()
    return app.exec()
