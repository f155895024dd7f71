"""The studio's main window: editors on the left, run controls and plots in the centre.

The window is wiring: a :class:`SpecModel` (what to train) inside a :class:`Document` (the open
file), a :class:`RunController` (the run, its history and timeline), views of them, the menus,
the file and export commands (:class:`~studio.gui.session_commands.FileCommands`,
:class:`~studio.gui.run.export_commands.ExportCommands`). Plots redraw from one frame timer,
only when new reports arrived: at a set pace every epoch, at Max paced by the frames' measured
cost (:mod:`studio.gui.run.frame_pacer`). The region view shows the epoch the timeline
selects (the latest while following).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QSplitter, QVBoxLayout, QWidget

from studio.core import EpochReport, RunSpec
from studio.gui import dialogs
from studio.gui.document import Document
from studio.gui.inspect.install import install_inspect
from studio.gui.menus import build_menus
from studio.gui.paused_edits import PausedEdits
from studio.gui.run.controls import RunControls
from studio.gui.run.export_commands import ExportCommands
from studio.gui.run.frame_pacer import FrameClock
from studio.gui.run.history_panel import RunHistoryPanel
from studio.gui.run.plots import CurvesView
from studio.gui.run.region import DecisionRegionView
from studio.gui.run.run_controller import STOP_WAIT_MS, RunController, RunState
from studio.gui.run.timeline import TimelineBar, TimelineSelection
from studio.gui.session_commands import FileCommands
from studio.gui.setup.architecture_view import ArchitectureSummary
from studio.gui.setup.layer_stack import LayerStackWidget
from studio.gui.setup.settings_panel import SettingsPanel
from studio.gui.setup.spec_model import SpecModel
from studio.gui.style import configure_pyqtgraph
from studio.gui.threads import DeferredAction

__all__ = ["FRAME_BUDGET", "FRAME_INTERVAL_MS", "MainWindow"]

FRAME_INTERVAL_MS = 33  # ~30 Hz when drawing is cheap (or idle); the pacer slows it when not
# At Max, drawing's share of wall time: pyqtgraph paints in Python, holding the GIL, so each
# millisecond drawn is about a millisecond the training thread waits. At 5% the seed run kept
# 0.88 of headless throughput, at 2.5% 0.91 (frames then come every 0.5-1 s at Max).
FRAME_BUDGET = 0.025


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
        self.selection = TimelineSelection(self.controller, parent=self)

        self.layer_stack = LayerStackWidget(self.spec_model)
        self.architecture = ArchitectureSummary(self.spec_model)
        self.settings_panel = SettingsPanel(self.spec_model)
        self.controls = RunControls(self.controller)
        self.timeline_bar = TimelineBar(self.selection)
        self.curves = CurvesView(self.controller)
        # The region shows the selected epoch: the selection has the controller's face.
        self.region = DecisionRegionView(self.selection, self.spec_model)
        self.history_panel = RunHistoryPanel(self.controller)
        self._paused_edits = PausedEdits(self.controller, self.layer_stack, self.settings_panel)
        self._build_layout()
        self.files = FileCommands(self)
        # The file commands are the window's (menus, tests and the launcher call them here).
        for name in ("confirm_discard", "new_file", "open_file", "open_path", "open_example",
                     "save_file", "save_file_as", "save_to"):
            setattr(self, name, getattr(self.files, name))
        self.exports = ExportCommands(self, self.controller, self.curves, self.region,
                                      stem=self.document.stem,
                                      show_status=self.statusBar().showMessage)
        self.compare_window = None  # Tools > Compare with torch.nn, created on first use
        # Close/open/new asked while a run finishes a long batch: done when it has stopped.
        self.after_stop = DeferredAction(self)
        self.closing = False  # a close was confirmed and waits for the threads
        self.menus = build_menus(self)
        self.actions = self.menus.actions
        self.inspect_views = install_inspect(self)  # Look inside: docks, probes, its menu

        self._frames = FrameClock(self._frame_pieces, FRAME_INTERVAL_MS, self, FRAME_BUDGET)
        self.document.changed.connect(self._on_document_changed)
        controller = self.controller
        controller.state_changed.connect(self._on_controller_state_changed)
        controller.diverged.connect(self._on_controller_diverged)
        controller.run_failed.connect(self._on_controller_run_failed)
        controller.run_ended.connect(self._on_controller_run_ended)
        controller.run_started.connect(self._on_controller_run_started)
        controller.pace_changed.connect(self._on_controller_pace_changed)
        controller.cleared.connect(self._on_controller_run_started)
        controller.history_changed.connect(self._on_controller_history_changed)
        self.selection.changed.connect(self._on_selection_changed)
        self.history_panel.overlays_changed.connect(self.curves.overlays.set_overlays)
        self.spec_model.spec_changed.connect(self._on_model_spec_changed)
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
        history = QDockWidget("Run history", self, objectName="run_history_dock")
        history.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                            | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        history.setWidget(self.history_panel)
        # The editors keep the full height on the left; the history sits under the plots.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, history)
        self.resizeDocks([history], [130], Qt.Orientation.Vertical)

        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="plot_splitter")
        splitter.addWidget(self.curves)
        splitter.addWidget(self.region)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        centre = QWidget(objectName="centre_panel")
        layout = QVBoxLayout(centre)
        self.controls.second_row.addWidget(self.timeline_bar, 1)
        layout.addWidget(self.controls)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(centre)
        self.resize(1280, 800)

    def _on_document_changed(self) -> None:
        self.setWindowTitle(self.document.title())

    # -- drawing --------------------------------------------------------------------------
    def _draw_frame(self) -> None:
        """Draw a whole frame now (the run's state changed: no pieces, nothing waits)."""
        for _ in self._frame_pieces():
            pass

    def _frame_pieces(self):
        # The frame clock paints after each piece and serves the event loop between them:
        # the curves, then the region, then the rest (each ~5-15 ms with its paint).
        if not self.controller.take_dirty():
            return
        self.curves.refresh()
        yield
        self.region.refresh()
        yield
        self.controls.refresh()
        self.timeline_bar.refresh()
        if self.selection.epoch is None and self.controller.reports:
            # Following: the views of other features follow the latest epoch too.
            self.controller.follow_epoch(self.selection.latest_epoch)
        if self.controller.state == RunState.PAUSED:
            self._show_paused()  # the epoch in flight at the click arrives after it

    def _on_selection_changed(self) -> None:
        epoch = self.selection.epoch
        self.curves.overlays.set_cursor(epoch)
        self.region.refresh()
        self.timeline_bar.refresh()
        self._set_summary_title()

    def _set_summary_title(self) -> None:
        box = self.region.summary.parentWidget()
        stale = self.curves.is_stale
        self.region.summary.setEnabled(not stale)  # greyed: not what the editors would train
        box.setTitle("Previous run (setup changed)" if stale
                     else "Latest epoch" if self.selection.epoch is None
                     else f"Epoch {self.selection.epoch} (timeline replay)")

    def _show_paused(self) -> None:
        epoch = self.controller.reports[-1].epoch if self.controller.reports else 0
        self.statusBar().showMessage(f"Paused after epoch {epoch}.")

    def _on_controller_state_changed(self, state: RunState) -> None:
        self.curves.set_live(state == RunState.RUNNING)
        active = state in (RunState.RUNNING, RunState.PAUSED)
        self._frames.set_active(active, busy=self._frames_compete())
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

    def _frames_compete(self) -> bool:
        # Only at Max does drawing compete with training: there frames are paced by their
        # cost. At a set pace the worker sleeps between epochs, and every epoch is drawn.
        return self.controller.state == RunState.RUNNING and self.controller.pace is None

    def _on_controller_pace_changed(self, _pace: float | None) -> None:
        self._frames.set_busy(self._frames_compete())

    def _on_controller_run_started(self, _how: str = "") -> None:
        self.curves.reset_view()  # the old zoom and hover box described other curves
        self.curves.set_stale(False)
        self._on_controller_history_changed()
        self._draw_frame()
        if self.controller.state == RunState.RUNNING:
            # Lay out and paint the fresh run's views now, before the worker thread starts:
            # left to the event loop, that paint competed with the first epochs.
            self._frames.paint_now()

    def _on_controller_history_changed(self) -> None:
        current = self.controller.log.history.current
        self.curves.overlays.set_forks(current.markers if current is not None else ())

    def _on_model_spec_changed(self, spec: RunSpec) -> None:
        controller = self.controller
        if controller.state in (RunState.ENDED, RunState.IDLE) and controller.reports:
            self.curves.set_stale(spec != controller.spec)
            self._set_summary_title()

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
        if not self.closing and not self.confirm_discard():
            event.ignore()
            return
        self.closing = True  # asked once: the deferred close must not ask again
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
            self.after_stop.defer(lambda: not self.threads_running(), self.close)
            return
        if self.compare_window is not None:
            self.compare_window.close()
        event.accept()
