"""Recently opened files, remembered across sessions in ``QSettings``."""

from __future__ import annotations

import os

from PySide6.QtCore import QSettings

__all__ = ["MAX_RECENT", "RecentFiles", "settings"]

MAX_RECENT = 8
_KEY = "recent_files"


def settings() -> QSettings:
    """The studio's settings (an INI file, so tests can redirect it with ``QSettings.setPath``)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "minidl",
                     "minidl-studio")


class RecentFiles:
    """Most-recent-first list of absolute paths, at most :data:`MAX_RECENT`."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else settings()

    def paths(self) -> list[str]:
        """The remembered paths, newest first (missing files included: the menu greys them)."""
        value = self._store.value(_KEY, [])
        if isinstance(value, str):  # QSettings returns a bare string for a one-item list
            value = [value]
        return [str(p) for p in value or []]

    def add(self, path: str | os.PathLike) -> None:
        """Move ``path`` to the front."""
        path = os.path.abspath(os.fspath(path))
        paths = [path] + [p for p in self.paths() if p != path]
        self._store.setValue(_KEY, paths[:MAX_RECENT])
        self._store.sync()

    def clear(self) -> None:
        """Forget every path."""
        self._store.remove(_KEY)
        self._store.sync()
