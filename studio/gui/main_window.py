"""The studio's main window: editors on the left, run controls and plots in the centre.

The window is wiring: a :class:`SpecModel` (what to train) inside a :class:`Document` (the open
file), a :class:`RunController` (the run), views of them, the menus, the export commands, and
the dialogs of file handling. Plots redraw from one frame timer, paced by their
measured cost (:mod:`studio.gui.run.frame_pacer`), only when new reports arrived.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QSplitter, QVBoxLayout, QWidget

from studio.core import EpochReport, RunSpec, SpecError, StudioIOError
from studio.core.examples import UnknownExampleError, load_example
from studio.gui import dialogs
from studio.gui.document import Document
from studio.gui.menus import build_menus
from studio.gui.run.controls import RunControls
from studio.gui.run.export_commands import ExportCommands
from studio.gui.run.frame_pacer import FrameClock
from studio.gui.run.plots import CurvesView
from studio.gui.run.region import DecisionRegionView
from studio.gui.run.run_controller import STOP_WAIT_MS, RunController, RunState
from studio.gui.setup.architecture_view import ArchitectureSummary
from studio.gui.setup.layer_stack import LayerStackWidget
from studio.gui.setup.settings_panel import SettingsPanel
from studio.gui.setup.spec_model import SpecModel
from studio.gui.style import configure_pyqtgraph
from studio.gui.threads import DeferredAction

__all__ = ["FRAME_INTERVAL_MS", "MainWindow"]

FRAME_INTERVAL_MS = 33  # ~30 Hz when drawing is cheap (or idle); the pacer slows it when not


class MainWindow(QMainWindow):
    """The studio window, editing ``spec`` (default: the seed network).

    Parameters
    ----------
    spec : RunSpec, optional
        Initial setup; ``RunSpec()`` when omitted.
    """

    def __init__(self, spec: RunSpec | None = None) -> None:
        super().__init__()
        configure_pyqtgraph()
        self.setObjectName("main_window")
        self.spec_model = SpecModel(spec, parent=self)
        self.document = Document(self.spec_model, parent=self)
        self.controller = RunController(self.spec_model, parent=self)

        self.layer_stack = LayerStackWidget(self.spec_model)
        self.architecture = ArchitectureSummary(self.spec_model)
        self.settings_panel = SettingsPanel(self.spec_model)
        self.controls = RunControls(self.controller)
        self.curves = CurvesView(self.controller)
        self.region = DecisionRegionView(self.controller, self.spec_model)
        self._build_layout()
        self.exports = ExportCommands(self, self.controller, self.curves, self.region,
                                      stem=self.document.stem,
                                      show_status=self.statusBar().showMessage)
        self.compare_window = None  # Tools > Compare with torch.nn, created on first use
        # Close/open/new asked while a run finishes a long batch: done when it has stopped.
        self._after_stop = DeferredAction(self)
        self._closing = False  # a close was confirmed and waits for the threads
        self.menus = build_menus(self)
        self.actions = self.menus.actions

        self._frames = FrameClock(self._draw_frame, FRAME_INTERVAL_MS, self)
        self.document.changed.connect(self._on_document_changed)
        self.controller.state_changed.connect(self._on_controller_state_changed)
        self.controller.diverged.connect(self._on_controller_diverged)
        self.controller.run_failed.connect(self._on_controller_run_failed)
        self.controller.run_ended.connect(self._on_controller_run_ended)
        self.controller.cleared.connect(self._draw_frame)
        self._on_document_changed()
        self.statusBar().showMessage("Ready: press Start to train the network.")

    def _build_layout(self) -> None:
        editor = QWidget(objectName="editor_panel")
        column = QVBoxLayout(editor)
        for widget in (self.layer_stack, self.architecture, self.settings_panel):
            column.addWidget(widget)
        column.addStretch(1)
        scroll = QScrollArea(objectName="editor_scroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(editor)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        dock = QDockWidget("Network and training", self, objectName="editor_dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        dock.setWidget(scroll)
        # Wide enough for the editors' own minimum: the scroll area only scrolls vertically.
        dock.setMinimumWidth(editor.minimumSizeHint().width()
                             + scroll.verticalScrollBar().sizeHint().width() + 8)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)

        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="plot_splitter")
        splitter.addWidget(self.curves)
        splitter.addWidget(self.region)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        centre = QWidget(objectName="centre_panel")
        layout = QVBoxLayout(centre)
        layout.addWidget(self.controls)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(centre)
        self.resize(1280, 800)

    def _on_document_changed(self) -> None:
        self.setWindowTitle(self.document.title())

    # -- drawing --------------------------------------------------------------------------
    def _draw_frame(self) -> None:
        if self.controller.take_dirty():
            self.curves.refresh()
            self.region.refresh()
            self.controls.refresh()
            if self.controller.state == RunState.PAUSED:
                self._show_paused()  # the epoch in flight at the click arrives after it

    def _show_paused(self) -> None:
        epoch = self.controller.reports[-1].epoch if self.controller.reports else 0
        self.statusBar().showMessage(f"Paused after epoch {epoch}.")

    def _on_controller_state_changed(self, state: RunState) -> None:
        self.curves.set_live(state == RunState.RUNNING)
        active = state in (RunState.RUNNING, RunState.PAUSED)
        self._frames.set_active(active, busy=state == RunState.RUNNING)
        if state == RunState.RUNNING:
            self._frames.paint_now()  # the controls' new state, before training competes
        if not active:
            self._draw_frame()  # the last reports of the run, in full
        messages = {RunState.RUNNING: "Training…", RunState.STOPPING: "Stopping…"}
        if state in messages:
            self.statusBar().showMessage(messages[state])
        elif state == RunState.PAUSED:
            self._show_paused()
        elif state == RunState.IDLE:
            self.statusBar().showMessage("Reset: Start replays the same seeded run.")

    def _on_controller_run_ended(self, reason: str) -> None:
        reports = self.controller.reports
        last = reports[-1] if reports else None
        summary = (f" after epoch {last.epoch} · test accuracy {last.test_acc:.3f}"
                   if last is not None and not last.diverged else "")
        text = {"done": "Finished", "stopped": "Stopped", "diverged": "Diverged",
                "failed": "Failed"}.get(reason, reason)
        self.statusBar().showMessage(f"{text}{summary}.")

    def _on_controller_diverged(self, report: EpochReport) -> None:
        dialogs.show_warning(self, "Training diverged",
                             f"{report.message}\n\nThe curves so far are kept. "
                             "Lower the learning rate and start again.")

    def _on_controller_run_failed(self, message: str) -> None:
        dialogs.show_error(self, "Training failed", message)

    # -- files ----------------------------------------------------------------------------
    def confirm_discard(self) -> bool:
        """Ask to save unsaved changes; False when the user cancels (or saving failed)."""
        if not self.document.is_dirty:
            return True
        answer = dialogs.ask_save_changes(self, self.document.display_name())
        if answer == "save":
            return self.save_file()
        return answer == "discard"

    def _replace_spec(self, spec: RunSpec, path: Path | None, message: str,
                      example: str | None = None) -> None:
        if self._closing:
            return
        if not self.controller.shutdown(STOP_WAIT_MS):
            # A long batch: never freeze the GUI waiting for it, and never replace the spec
            # under a run that still exists (the model is locked): do it once it has stopped.
            self._after_stop.defer(lambda: not self.controller.is_active,
                                   lambda: self._replace_spec(spec, path, message, example))
            self.statusBar().showMessage("Stopping the run… the new setup opens when it has "
                                         "stopped.")
            return
        self.controller.reset()
        self.document.replace(spec, path, example=example)
        self.statusBar().showMessage(message)

    def new_file(self) -> None:
        """File > New: the default seed network, untitled."""
        if self.confirm_discard():
            self._replace_spec(RunSpec(), None, "New setup.")

    def open_file(self) -> None:
        """File > Open…: ask for a spec file and open it."""
        if not self.confirm_discard():
            return
        start = str(self.document.path.parent) if self.document.path else ""
        path = dialogs.get_open_path(self, "Open run spec", start)
        if path:
            self.open_path(path, confirm=False)

    def _read(self, path: str | os.PathLike, title: str) -> RunSpec | None:
        try:
            return self.document.read(path)  # parse first: a bad file must not stop the run
        except (SpecError, StudioIOError) as exc:
            dialogs.show_error(self, title, str(exc))
            return None

    def open_path(self, path: str | os.PathLike, *, confirm: bool = True) -> bool:
        """Open the spec at ``path``; on a bad file show the error and change nothing."""
        if confirm and not self.confirm_discard():
            return False
        spec = self._read(path, "Cannot open file")
        if spec is None:
            return False
        self._replace_spec(spec, Path(path), f"Opened {path}.")
        return True

    def open_example(self, name: str) -> bool:
        """Examples menu: load the example ``name`` as a new untitled setup (Save asks where)."""
        if not self.confirm_discard():
            return False
        try:
            spec = load_example(name)
        except (SpecError, StudioIOError, UnknownExampleError) as exc:
            dialogs.show_error(self, "Cannot open example", str(exc))
            return False
        self._replace_spec(spec, None, f"Loaded example {spec.name}.", example=name)
        return True

    def save_file(self) -> bool:
        """File > Save (asks for a path the first time)."""
        if self.document.path is None:
            return self.save_file_as()
        return self.save_to(self.document.path)

    def save_file_as(self) -> bool:
        """File > Save As…"""
        path = dialogs.get_save_path(self, "Save run spec", self.document.suggested_path())
        return bool(path) and self.save_to(dialogs.with_suffix(path, ".json"))

    def save_to(self, path: str | os.PathLike) -> bool:
        """Save the current spec to ``path`` atomically; show errors in a dialog."""
        try:
            self.document.save_as(path)
        except OSError as exc:
            dialogs.show_error(self, "Cannot save file", str(exc))
            return False
        self.statusBar().showMessage(f"Saved {path}.")
        return True

    # -- compare --------------------------------------------------------------------------
    def show_compare_window(self):
        """Tools > Compare with torch.nn: show the one compare window, following the spec.

        Created on first use (it is heavy); the window stops its runs when it closes.
        """
        from studio.gui.compare.compare_window import CompareWindow

        if self.compare_window is None:
            compare = CompareWindow(self.spec_model.spec, self, spec_model=self.spec_model)
            compare.setWindowFlag(Qt.WindowType.Window)  # its own top-level window, owned by us
            compare.setWindowTitle("Compare with torch.nn — minidl-studio")
            compare.resize(1200, 760)
            self.spec_model.spec_changed.connect(compare.set_spec)
            self.compare_window = compare
        self.compare_window.show()
        self.compare_window.raise_()
        self.compare_window.activateWindow()
        return self.compare_window

    # -- closing --------------------------------------------------------------------------
    def threads_running(self) -> bool:
        """Whether a training or compare thread of this window is still running."""
        return self.controller.is_active or (self.compare_window is not None
                                             and self.compare_window.is_running())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self._closing and not self.confirm_discard():
            event.ignore()
            return
        self._closing = True  # asked once: the deferred close must not ask again
        self._frames.set_active(False)
        self.controller.shutdown(STOP_WAIT_MS)
        if self.compare_window is not None:
            self.compare_window.stop_all(STOP_WAIT_MS)
        if self.threads_running():
            # Destroying a running QThread aborts the process: stay open, say why, and close
            # from the event loop once the batch in flight has ended.
            event.ignore()
            self.statusBar().showMessage("Stopping… the window closes when training has "
                                         "stopped.")
            self._after_stop.defer(lambda: not self.threads_running(), self.close)
            return
        if self.compare_window is not None:
            self.compare_window.close()
        event.accept()
