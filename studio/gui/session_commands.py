"""File commands of the main window: spec files, session files, the training animation.

:class:`FileCommands` is an object the window composes (the window stays wiring). It opens and
saves spec JSON files through the :class:`~studio.gui.document.Document`, and session files
(``.mdls``: the spec, every run, the timeline and the live run, see
:mod:`studio.core.history.session_file`) through the run controller. Open accepts both, and
old ``.json`` spec files (:func:`~studio.core.history.load_any`). Dialogs go through
:mod:`studio.gui.dialogs`, which tests replace.
"""

from __future__ import annotations

import os
from pathlib import Path

from studio.core import RunSpec, SpecError, StudioIOError
from studio.core.examples import UnknownExampleError, load_example
from studio.core.history import (
    SUFFIX,
    AnimationUnavailable,
    SessionDocument,
    SessionFileError,
    SnapshotViewer,
    load_any,
    save_session,
)
from studio.core.history.animation import mp4_available, timeline_frames, write_animation
from studio.gui import dialogs
from studio.gui.run.run_controller import STOP_WAIT_MS

__all__ = ["ANIMATION_FILTER", "FileCommands"]

ANIMATION_FILTER = ("GIF animation (*.gif);;MP4 video (*.mp4);;All files (*)"
                    if mp4_available() else "GIF animation (*.gif);;All files (*)")
_OPEN_FILTER = (f"Specs and sessions (*.json *{SUFFIX});;Sessions (*{SUFFIX});;"
                "Specs (*.json);;All files (*)")


class FileCommands:
    """File > New, Open, Save, Save As, Save Session, Export > Training animation.

    Parameters
    ----------
    window : MainWindow
        Owner of the dialogs; its ``document``, ``controller``, status bar, ``after_stop``
        and ``closing`` are used.
    """

    def __init__(self, window) -> None:
        self._window = window

    def _status(self, message: str) -> None:
        self._window.statusBar().showMessage(message)

    # -- spec files -----------------------------------------------------------------------
    def confirm_discard(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels (or saving failed)."""
        document = self._window.document
        if not document.is_dirty:
            return True
        answer = dialogs.ask_save_changes(self._window, document.display_name())
        if answer == "save":
            return self.save_file()
        return answer == "discard"

    def replace_spec(self, spec: RunSpec, path: Path | None, message: str,
                     example: str | None = None, session: SessionDocument | None = None) -> None:
        """Show ``spec`` (and ``session``'s runs) once any run has stopped."""
        window, controller = self._window, self._window.controller
        if window.closing:
            return
        if not controller.shutdown(STOP_WAIT_MS):
            # A long batch: never freeze the GUI waiting for it, and never replace the spec
            # under a run that still exists (the model is locked): do it once it has stopped.
            window.after_stop.defer(lambda: not controller.is_active,
                                    lambda: self.replace_spec(spec, path, message, example,
                                                              session))
            self._status("Stopping the run… the new setup opens when it has stopped.")
            return
        controller.reset()
        window.document.replace(spec, path, example=example)
        if session is not None:
            controller.load(session)
        self._status(message)

    def new_file(self) -> None:
        """File > New: the default seed network, untitled."""
        if self.confirm_discard():
            self.replace_spec(RunSpec(), None, "New setup.")

    def open_file(self) -> None:
        """File > Open…: a spec file or a session file."""
        if not self.confirm_discard():
            return
        document = self._window.document
        start = str(document.path.parent) if document.path else ""
        path = dialogs.get_open_path(self._window, "Open run spec or session", start,
                                     _OPEN_FILTER)
        if path:
            self.open_path(path, confirm=False)

    def open_path(self, path: str | os.PathLike, *, confirm: bool = True) -> bool:
        """Open the spec or session at ``path``; on a bad file show the error, change nothing."""
        if confirm and not self.confirm_discard():
            return False
        try:
            # Parse first: a bad file must not stop the run.
            doc = load_any(path)
        except (SpecError, StudioIOError, SessionFileError) as exc:
            dialogs.show_error(self._window, "Cannot open file", str(exc))
            return False
        if Path(path).suffix.lower() == SUFFIX or len(doc.history):
            self.replace_spec(doc.spec, None, f"Opened session {path}: {len(doc.history)} "
                              "run(s); Continue trains on.", session=doc)
        else:
            self.replace_spec(doc.spec, Path(path), f"Opened {path}.")
        return True

    def open_example(self, name: str) -> bool:
        """Examples menu: load the example ``name`` as a new untitled setup (Save asks where)."""
        if not self.confirm_discard():
            return False
        try:
            spec = load_example(name)
        except (SpecError, StudioIOError, UnknownExampleError) as exc:
            dialogs.show_error(self._window, "Cannot open example", str(exc))
            return False
        self.replace_spec(spec, None, f"Loaded example {spec.name}.", example=name)
        return True

    def save_file(self) -> bool:
        """File > Save (asks for a path the first time)."""
        document = self._window.document
        if document.path is None:
            return self.save_file_as()
        return self.save_to(document.path)

    def save_file_as(self) -> bool:
        """File > Save As…"""
        path = dialogs.get_save_path(self._window, "Save run spec",
                                     self._window.document.suggested_path())
        return bool(path) and self.save_to(dialogs.with_suffix(path, ".json"))

    def save_to(self, path: str | os.PathLike) -> bool:
        """Save the current spec to ``path`` atomically; show errors in a dialog."""
        try:
            self._window.document.save_as(path)
        except OSError as exc:
            dialogs.show_error(self._window, "Cannot save file", str(exc))
            return False
        self._status(f"Saved {path}.")
        return True

    # -- session files --------------------------------------------------------------------
    def save_session(self) -> bool:
        """File > Save Session…: the spec, every run, the timeline and the live run."""
        stem = self._window.document.stem()
        path = dialogs.get_save_path(self._window, "Save session", f"{stem}{SUFFIX}",
                                     f"Sessions (*{SUFFIX});;All files (*)")
        return bool(path) and self.save_session_to(dialogs.with_suffix(path, SUFFIX))

    def save_session_to(self, path: str | os.PathLike) -> bool:
        """Write the session file; a run in progress is stopped first (it can Continue)."""
        controller = self._window.controller
        if not controller.shutdown(STOP_WAIT_MS):
            self._status("The run is still stopping: save the session once it has stopped.")
            return False
        try:
            save_session(path, controller.capture())
        except (OSError, ValueError) as exc:
            dialogs.show_error(self._window, "Cannot save session", str(exc))
            return False
        self._status(f"Saved session {path}.")
        return True

    # -- animation ------------------------------------------------------------------------
    def export_animation(self) -> bool:
        """File > Export > Training animation…: the region's evolution, from the timeline."""
        controller = self._window.controller
        timeline, spec = controller.log.timeline, controller.spec
        if spec is None or not timeline.kept_epochs:
            self._status("No timeline yet: train (or step) first, then export its animation.")
            return False
        path = dialogs.get_save_path(self._window, "Export training animation",
                                     f"{self._window.document.stem()}_region.gif",
                                     ANIMATION_FILTER)
        if not path:
            return False
        if Path(path).suffix.lower() not in (".gif", ".mp4"):
            path = dialogs.with_suffix(path, ".gif")
        try:
            frames = timeline_frames(timeline, SnapshotViewer(spec))
            count = write_animation(path, frames, dataset=spec.data.name)
        except (OSError, ValueError, AnimationUnavailable) as exc:
            dialogs.show_error(self._window, "Export failed", str(exc))
            return False
        self._status(f"Exported {path} ({count} frames).")
        return True
