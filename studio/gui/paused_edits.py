"""While a run is paused only its optimiser settings may change (they fork the run).

The controller unlocks the spec model while paused, so the settings panel takes edits; this
object keeps everything else of the run (layers, data, batch size, epochs…) disabled until the
run ends, re-applying that after every spec change (the panel re-enables its editors on each).
"""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from studio.gui.run.run_controller import RunController, RunState
from studio.gui.setup.layer_stack import LayerStackWidget
from studio.gui.setup.settings_panel import SettingsPanel

__all__ = ["PausedEdits"]


class PausedEdits:
    """Disable the non-optimiser editors of ``panel`` and the ``layers`` while paused."""

    def __init__(self, controller: RunController, layers: LayerStackWidget,
                 panel: SettingsPanel) -> None:
        self._controller, self._layers, self._panel = controller, layers, panel
        # Connected after the panel's own slots, so this runs after it re-enabled its editors.
        controller.spec_model.spec_changed.connect(self._apply)
        controller.state_changed.connect(self._apply)

    def _apply(self, *_args) -> None:
        paused = self._controller.state == RunState.PAUSED
        self._layers.setEnabled(not paused)
        if not paused:
            return
        for name, path in self._panel.editor_paths().items():
            if not path.startswith("optimizer."):
                editor = self._panel.editor(name)
                editor.setEnabled(False)
                editor.setToolTip("Fixed during a run: only optimiser settings can change "
                                  "while paused (resuming forks the run)")
        for button in self._panel.findChildren(QPushButton):  # Regenerate data
            button.setEnabled(False)
