"""The "LR finder" tab: the learning-rate range test on a copy of the spec being edited.

One click runs :func:`~studio.core.experiments.lr_finder.lr_range_test` in a worker thread
(a fresh session: the user's run is untouched), draws the loss against the lr on a log axis,
marks the suggested lr and offers to put it in the spec (an undoable edit of the spec model).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets as qw
from PySide6.QtCore import Signal

from studio.core.experiments.lr_finder import LRFinderResult
from studio.core.specpaths import set_path
from studio.gui import style
from studio.gui.compare.compare_plots import button, spin
from studio.gui.compare.experiment_workers import LRFinderWorker
from studio.gui.compare.worker_host import WorkerHost
from studio.gui.setup.spec_model import SpecModel

__all__ = ["RULE", "LRFinderPanel"]

#: The documented rule (README, ``lr_finder`` module), shown beside the suggestion.
RULE = ("rule: the lr where the smoothed loss (debiased EMA, β 0.98) falls fastest against "
        "log10 lr, before its minimum; lr grows exponentially from 1e-5 to 10, one step each, "
        "and the test stops when the smoothed loss exceeds 4× its best")


class LRFinderPanel(qw.QWidget):
    """Run the range test, plot it, and set the suggested lr on request.

    Signals
    -------
    running_changed(bool)
        A test started or ended.
    """

    running_changed = Signal(bool)

    def __init__(self, host: WorkerHost, spec_model: SpecModel,
                 parent: qw.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lr_finder_panel")
        self._host, self._model = host, spec_model
        self.result: LRFinderResult | None = None
        self.steps_spin = spin("lr_steps_spin", 10, 5000, 300)
        self.find_button = button("Find lr", "lr_find_button")
        self.cancel_button = button("Cancel", "lr_cancel_button")
        self.use_button = button("Use suggested lr", "lr_use_button")
        self.cancel_button.setEnabled(False)
        self.use_button.setEnabled(False)
        self.progress = qw.QProgressBar(objectName="lr_progress")
        self.suggestion = qw.QLabel("Runs a copy of the current spec; your run is untouched.",
                                    objectName="lr_suggestion_label", wordWrap=True)
        self.rule = qw.QLabel(RULE, objectName="lr_rule_label", wordWrap=True)
        self.plot_view = pg.PlotWidget()
        self.plot_view.setObjectName("lr_plot")
        self.plot = self.plot_view.getPlotItem()
        style.style_plot(self.plot, x_label="learning rate (log)", y_label="training loss")
        self.plot.setLogMode(x=True)
        self.raw_curve = self.plot.plot(name="loss after the step",
                                        pen=style.pen(style.with_alpha(style.TRAIN_COLOR, 90)))
        self.smooth_curve = self.plot.plot(name="smoothed", pen=style.pen(style.TEST_COLOR, 2))
        # The axis is log10 in view coordinates: the marker's position is log10(lr).
        self.marker = pg.InfiniteLine(angle=90, pen=style.pen(style.MARKER_COLOR, 2, dashed=True))
        self.marker.setVisible(False)
        self.plot.addItem(self.marker)
        style.follow_palette(self.plot_view)
        self._lrs: list[float] = []
        self._losses: list[float] = []
        row = qw.QHBoxLayout()
        for w in (qw.QLabel("steps"), self.steps_spin, self.find_button, self.cancel_button,
                  self.use_button):
            row.addWidget(w)
        row.addStretch(1)
        layout = qw.QVBoxLayout(self)
        for item in (row, self.progress, self.suggestion, self.rule, self.plot_view):
            (layout.addLayout if isinstance(item, qw.QLayout) else layout.addWidget)(item)
        layout.setStretchFactor(self.plot_view, 1)
        self.find_button.clicked.connect(self._on_find_clicked)
        self.cancel_button.clicked.connect(self._host.stop)
        self.use_button.clicked.connect(self._on_use_clicked)

    def set_running(self, running: bool) -> None:
        """Enable Find/Cancel for ``running`` (any job of the window counts)."""
        self.find_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.use_button.setEnabled(not running and self._suggested() is not None)

    def _suggested(self) -> float | None:
        return None if self.result is None else self.result.suggested_lr

    def _on_find_clicked(self) -> None:
        steps = self.steps_spin.value()
        self.result, self._lrs, self._losses = None, [], []
        self.progress.setRange(0, steps)
        self.progress.setValue(0)
        self.marker.setVisible(False)
        self.suggestion.setText(f"Running {steps} steps on a copy of the spec…")
        worker = LRFinderWorker(self._model.spec, steps)
        worker.step.connect(self._on_step)
        worker.failed.connect(self.suggestion.setText)
        self.running_changed.emit(True)
        self._host.start(worker, self._on_finished)

    def _on_step(self, step: int, lr: float, loss: float) -> None:
        self.progress.setValue(step + 1)  # the curve is drawn once, from the frozen result

    def _on_finished(self, result: LRFinderResult | None) -> None:
        self.result = result
        self.running_changed.emit(False)
        if result is None:
            return
        self.raw_curve.setData(result.lrs, result.losses)
        self.smooth_curve.setData(result.lrs, result.smoothed)
        lr = result.suggested_lr
        end = "stopped early (diverged or cancelled)" if result.stopped_early else "all steps"
        if lr is None:
            self.suggestion.setText(f"{len(result.lrs)} steps, {end}: no clear fall of the "
                                    "loss, so no suggestion.")
            return
        self.marker.setValue(math.log10(lr))
        self.marker.setVisible(True)
        current = self._model.spec.optimizer.lr
        self.suggestion.setText(
            f"Suggested lr {lr:.3g} (loss minimum at lr {result.min_lr:.3g}; {len(result.lrs)} "
            f"steps, {end}). The spec's lr is {current:g}.")
        self.use_button.setEnabled(bool(np.isfinite(lr)))

    def _on_use_clicked(self) -> None:
        lr = self._suggested()
        if lr is None:
            return
        rounded = float(f"{lr:.3g}")  # a number a person would type
        error = self._model.edit(lambda spec: set_path(spec, "optimizer.lr", rounded),
                                 "Set lr from the lr finder", merge_key="optimizer.lr")
        self.suggestion.setText(f"Cannot set lr: {error}" if error is not None else
                                f"optimizer.lr set to {rounded:g} (Edit > Undo reverts it).")
