"""Run controls: Start, Pause/Resume, Step, Stop, Reset, Continue, the pace, and progress.

:class:`RunControls` is a view of a :class:`~studio.gui.run.run_controller.RunController`: the
buttons call its commands and enable themselves from its state; the progress bar and labels
are updated by :meth:`RunControls.refresh` from the window's frame timer, not per epoch.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.gui.run.run_controller import RunController, RunState

__all__ = ["PACES", "RunControls", "enabled_commands", "pace_text"]

#: The pace slider's stops in epochs per second; ``None`` is Max (as fast as it trains,
#: frames paced by their cost). Every stop below Max redraws the region every epoch.
PACES: tuple[float | None, ...] = (2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, None)


def pace_text(pace: float | None) -> str:
    """``"15 epochs/s"`` or ``"Max"``."""
    return "Max" if pace is None else f"{pace:g} epochs/s"


def enabled_commands(state: RunState, has_reports: bool) -> dict[str, bool]:
    """Which run commands work in ``state``: the buttons and the Run menu both follow this.

    While a stopped run finishes its batch (``STOPPING``) Start is off: it would be ignored.
    """
    active = state in (RunState.RUNNING, RunState.PAUSED)
    return {"start": state in (RunState.IDLE, RunState.ENDED),
            "pause": active,
            "step": state in (RunState.IDLE, RunState.ENDED, RunState.PAUSED),
            "stop": active,
            "reset": state != RunState.IDLE or has_reports}


class RunControls(QWidget):
    """Buttons and progress for one :class:`RunController`.

    Parameters
    ----------
    controller : RunController
        The run the buttons drive.
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(self, controller: RunController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.start_button = self._button("start_button", "Start", "Train a fresh run (F5)",
                                         controller.start)
        self.pause_button = self._button("pause_button", "Pause", "Pause or resume (F6)",
                                         controller.toggle_pause)
        self.step_button = self._button("step_button", "Step", "Train exactly one epoch (F10)",
                                        controller.step)
        self.stop_button = self._button("stop_button", "Stop",
                                        "End the run; the curves stay (Shift+F5)", controller.stop)
        self.reset_button = self._button("reset_button", "Reset",
                                         "Clear the curves; Start replays the same run (Ctrl+R)",
                                         controller.reset)
        self.continue_button = self._button(
            "continue_button", "Continue", "Train more epochs from exactly where the run ended",
            lambda: controller.continue_run(self.continue_epochs.value()))
        self.continue_epochs = QSpinBox(objectName="continue_epochs", minimum=1,
                                        maximum=1_000_000, suffix=" epochs")
        self.continue_epochs.setAccessibleName("Epochs to continue for")
        self.continue_epochs.setValue(controller.planned_epochs)
        self.pace_slider = QSlider(Qt.Orientation.Horizontal, objectName="pace_slider")
        self.pace_slider.setRange(0, len(PACES) - 1)
        self.pace_slider.setPageStep(1)
        self.pace_slider.setAccessibleName("Training pace")
        self.pace_slider.setToolTip("Epochs per second; Max trains as fast as it can")
        self.pace_slider.setFixedWidth(110)
        self.pace_label = QLabel(objectName="pace_label")
        self.pace_label.setMinimumWidth(self.pace_label.fontMetrics().horizontalAdvance(
            "000 epochs/s"))
        pace = controller.pace
        self.pace_slider.setValue(PACES.index(pace) if pace in PACES else len(PACES) - 1)
        self.pace_slider.valueChanged.connect(self._on_pace_slider_value_changed)
        self._on_pace_slider_value_changed(self.pace_slider.value())
        self.progress_bar = QProgressBar(objectName="progress_bar")
        self.progress_bar.setAccessibleName("Training progress")
        self.progress_bar.setMinimumWidth(110)
        self.progress_bar.setFormat("epoch %v / %m")
        self.stats_label = QLabel("", objectName="stats_label")
        self.stats_label.setAccessibleName("Elapsed time and throughput")
        # A fixed width, so the progress bar does not twitch as the numbers change; only time
        # and speed (the accuracies are in "Latest epoch"), so the window fits 1366 px.
        sample = "0000.0 s · 000,000 steps/s"
        self.stats_label.setMinimumWidth(self.stats_label.fontMetrics().horizontalAdvance(sample))

        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        layout = QHBoxLayout()
        #: The second row: Continue and the pace; the window adds the timeline after them.
        self.second_row = QHBoxLayout()
        rows.addLayout(layout)
        rows.addLayout(self.second_row)
        for button in (self.start_button, self.pause_button, self.step_button,
                       self.stop_button, self.reset_button):
            layout.addWidget(button)
        layout.addWidget(self.progress_bar, 1)
        layout.addWidget(self.stats_label)
        for widget in (self.continue_button, self.continue_epochs, QLabel("Pace"),
                       self.pace_slider, self.pace_label):
            self.second_row.addWidget(widget)
        self.second_row.addSpacing(8)
        controller.state_changed.connect(self._on_controller_state_changed)
        controller.spec_model.spec_changed.connect(self._on_model_spec_changed)
        self._on_controller_state_changed(controller.state)
        self.refresh()

    def _button(self, name: str, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text, objectName=name, toolTip=tip)
        button.setAccessibleName(text)
        button.clicked.connect(slot)
        return button

    def refresh(self) -> None:
        """Show the newest report's epoch, elapsed time and steps/s."""
        controller = self._controller
        # Before any run: "epoch 0 / 200", the planned epochs (never "0 / 1").
        self.progress_bar.setMaximum(max(1, controller.planned_epochs))
        if not controller.reports:
            self.progress_bar.setValue(0)
            self.stats_label.setText("0.0 s · 0 steps/s")
            return
        last = controller.reports[-1]
        self.progress_bar.setValue(last.epoch)
        self.stats_label.setText(f"{last.elapsed_s:.1f} s · {last.steps_per_s:,.0f} steps/s")

    def _on_controller_state_changed(self, state: RunState) -> None:
        enabled = enabled_commands(state, bool(self._controller.reports))
        for name, button in (("start", self.start_button), ("pause", self.pause_button),
                             ("step", self.step_button), ("stop", self.stop_button),
                             ("reset", self.reset_button)):
            button.setEnabled(enabled[name])
        self.continue_button.setEnabled(self._controller.can_continue
                                        and state == RunState.ENDED)
        self.pause_button.setText("Resume" if state == RunState.PAUSED else "Pause")
        self.pause_button.setAccessibleName(self.pause_button.text())
        self.refresh()

    def _on_pace_slider_value_changed(self, index: int) -> None:
        pace = PACES[index]
        self.pace_label.setText(pace_text(pace))
        self._controller.set_pace(pace)

    def _on_model_spec_changed(self, spec) -> None:
        self.continue_epochs.setValue(spec.epochs)
        self.refresh()
