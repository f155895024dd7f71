"""The open file: the spec being edited, where it lives, whether it is saved, and recent files.

:class:`Document` is the model the window title, File > Save and File > Open Recent are views
of. It holds no dialogs: the window asks the user, the document reads and writes (atomically,
through :mod:`studio.core.io`) and says what changed.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

from studio.core import RunSpec, save_spec
from studio.gui.setup.spec_model import SpecModel

__all__ = ["APP_NAME", "MAX_RECENT", "Document", "RecentFiles", "settings"]

APP_NAME = "minidl-studio"
MAX_RECENT = 8
_RECENT_KEY = "recent_files"


def settings() -> QSettings:
    """The studio's settings (an INI file, so tests can redirect it with ``QSettings.setPath``)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "minidl", APP_NAME)


class RecentFiles:
    """Most-recent-first list of absolute paths, at most :data:`MAX_RECENT`, kept in settings."""

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else settings()

    def paths(self) -> list[str]:
        """The remembered paths, newest first (missing files included: the menu greys them)."""
        value = self._store.value(_RECENT_KEY, [])
        if isinstance(value, str):  # QSettings returns a bare string for a one-item list
            value = [value]
        return [str(p) for p in value or []]

    def add(self, path: str | os.PathLike) -> None:
        """Move ``path`` to the front."""
        path = os.path.abspath(os.fspath(path))
        paths = [path] + [p for p in self.paths() if p != path]
        self._store.setValue(_RECENT_KEY, paths[:MAX_RECENT])
        self._store.sync()

    def clear(self) -> None:
        """Forget every path."""
        self._store.remove(_RECENT_KEY)
        self._store.sync()


class Document(QObject):
    """The file behind ``model``: its path (or example name), dirty flag, save and recent list.

    Parameters
    ----------
    model : SpecModel
        The spec being edited; its clean state is the document's "saved" state.
    recent : RecentFiles, optional
        Where opened and saved paths are remembered (default: the user's settings).
    parent : QObject, optional

    Signals
    -------
    changed()
        The path, the example name or the dirty flag changed: :meth:`title` may be stale.
    """

    changed = Signal()

    def __init__(self, model: SpecModel, recent: RecentFiles | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.recent = recent if recent is not None else RecentFiles()
        self._path: Path | None = None
        self._example: str | None = None
        model.dirty_changed.connect(self._on_model_dirty_changed)

    # -- state ----------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        """The absolute path of the file, ``None`` while untitled (or an unsaved example)."""
        return self._path

    @property
    def is_dirty(self) -> bool:
        """Whether the spec changed since it was opened or saved."""
        return self.model.is_dirty

    def display_name(self) -> str:
        """The file name shown in the title (``untitled`` before the first save)."""
        if self._path is not None:
            return self._path.name
        return f"{self._example} (example)" if self._example else "untitled"

    def title(self) -> str:
        """The window title: the name, ``*`` when unsaved, and the application name."""
        return f"{self.display_name()}{'*' if self.is_dirty else ''} — {APP_NAME}"

    def suggested_path(self) -> str:
        """Where Save As… starts: the current file, or ``<example or untitled>.json``."""
        return str(self._path or f"{self._example or 'untitled'}.json")

    def stem(self) -> str:
        """The base name exports are offered under (``minidl`` while untitled)."""
        return self._path.stem if self._path is not None else "minidl"

    # -- changing the file ----------------------------------------------------------------
    def replace(self, spec: RunSpec, path: str | os.PathLike | None = None, *,
                example: str | None = None) -> None:
        """Make ``spec`` the clean content, from ``path`` (remembered as recent) or untitled."""
        self._path = Path(path).resolve() if path is not None else None
        self._example = None if path is not None else example
        self.model.reset(spec)
        if path is not None:
            self.recent.add(path)
        self.changed.emit()

    def save_as(self, path: str | os.PathLike) -> None:
        """Write the spec to ``path`` atomically; it becomes the document's file.

        Raises
        ------
        OSError
            The file cannot be written (the previous file, if any, is left intact).
        """
        save_spec(path, self.model.spec)
        self._path, self._example = Path(path).resolve(), None
        self.model.mark_clean()
        self.recent.add(path)
        self.changed.emit()

    def save(self) -> None:
        """Write the spec back to :attr:`path`.

        Raises
        ------
        ValueError
            The document is untitled (use :meth:`save_as`).
        OSError
            The file cannot be written.
        """
        if self._path is None:
            raise ValueError("an untitled document needs a path: use save_as()")
        self.save_as(self._path)

    def _on_model_dirty_changed(self, _dirty: bool) -> None:
        self.changed.emit()
