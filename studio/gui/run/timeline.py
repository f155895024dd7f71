"""The timeline scrubber: replay any epoch of the current run while it trains on.

:class:`TimelineSelection` is the model: the epoch the views show, the latest one while it
*follows* the run, or one the user scrubbed back to. It offers the region view the same face
as the run controller (``last_grid``, ``reports``, ``spec``, ``is_active``,
``state_changed``), so the region and its "Latest epoch" summary show the selected epoch
without knowing about timelines. A scrubbed epoch's region is replayed from its stored weights
(the nearest kept snapshot at or before it) in a scratch model
(:class:`~studio.core.history.SnapshotViewer`), in the GUI thread: a 64x64 grid of these nets
takes about a millisecond, and the worker, which trains its own model, is never disturbed.

:class:`TimelineBar` is its view: the ``timeline_slider`` and a label.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from studio.core import RunSpec
from studio.core.evaluation import GRID_SIZE
from studio.core.history import SnapshotViewer

__all__ = ["TimelineBar", "TimelineSelection"]


class TimelineSelection(QObject):
    """Which epoch of ``controller``'s run the views show (see the module doc).

    Signals
    -------
    state_changed(RunState)
        Forwarded from the controller (the region view listens to it).
    changed()
        The selected epoch changed (or, while following, a new epoch arrived).
    """

    state_changed = Signal(object)
    changed = Signal()

    def __init__(self, controller, grid_size: int = GRID_SIZE,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._grid_size = grid_size
        self._viewers: dict[RunSpec, SnapshotViewer] = {}
        self.epoch: int | None = None  # None: following the latest epoch
        self._grid = None
        self._reports: list = []
        controller.state_changed.connect(self.state_changed)
        controller.cleared.connect(self.follow)
        controller.run_started.connect(lambda _how: self.follow())

    # -- the region view's face -----------------------------------------------------------
    @property
    def last_grid(self):
        """The grid of the selected epoch (the newest grid while following)."""
        return self._controller.last_grid if self.epoch is None else self._grid

    @property
    def reports(self) -> list:
        """The reports up to the selected epoch."""
        return self._controller.reports if self.epoch is None else self._reports

    @property
    def spec(self) -> RunSpec | None:
        """The run's spec."""
        return self._controller.spec

    @property
    def is_active(self) -> bool:
        """Whether a run is in progress."""
        return self._controller.is_active

    @property
    def latest_epoch(self) -> int:
        """The newest epoch of the run (0 before any)."""
        reports = self._controller.reports
        return reports[-1].epoch if reports else 0

    # -- commands -------------------------------------------------------------------------
    def follow(self) -> None:
        """Show the latest epoch, and keep showing it as the run goes on."""
        self.epoch, self._grid, self._reports = None, None, []
        self.changed.emit()

    def select(self, epoch: int) -> None:
        """Show ``epoch`` (the latest one means: follow the run)."""
        reports = self._controller.reports
        if not reports or epoch >= reports[-1].epoch:
            self.follow()
            self._controller.follow_epoch(self.latest_epoch)
            return
        epoch = max(int(epoch), reports[0].epoch)
        self.epoch = epoch
        # Reports are consecutive epochs from the first one.
        self._reports = reports[:epoch - reports[0].epoch + 1]
        entry = self._controller.log.timeline.nearest(epoch)
        self._grid = None
        if entry is not None and self._controller.spec is not None:
            self._grid = self._viewer(self._controller.spec).predict_grid(
                entry.weights, self._grid_size)
        self._controller.select_epoch(epoch)
        self.changed.emit()

    def _viewer(self, spec: RunSpec) -> SnapshotViewer:
        # Forks change only the optimiser: one scratch model serves the whole run.
        key = dataclasses.replace(spec, optimizer=type(spec.optimizer)(), epochs=1, name="")
        if key not in self._viewers:
            self._viewers = {key: SnapshotViewer(spec)}  # only the current run's
        return self._viewers[key]


class TimelineBar(QWidget):
    """The scrubber of a :class:`TimelineSelection`: drag back to replay, to the end to follow."""

    def __init__(self, selection: TimelineSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._selection = selection
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="timeline_slider")
        self.slider.setAccessibleName("Timeline: the epoch shown")
        self.slider.setToolTip("Drag back to replay an epoch; to the right end to follow the run")
        self.slider.setRange(0, 0)
        self.label = QLabel("Timeline: no run yet", objectName="timeline_label")
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(
            "Timeline: epoch 00000 / 00000 (replay)"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.slider, 1)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        selection.changed.connect(self.refresh)

    def refresh(self) -> None:
        """Follow the run's length; keep the handle at the end while following."""
        latest = self._selection.latest_epoch
        epoch = self._selection.epoch
        self.slider.blockSignals(True)  # moved by the run, not by the user
        self.slider.setRange(min(1, latest), latest)
        self.slider.setValue(latest if epoch is None else epoch)
        self.slider.blockSignals(False)
        if latest == 0:
            self.label.setText("Timeline: no run yet")
        elif epoch is None:
            self.label.setText(f"Timeline: epoch {latest} (latest)")
        else:
            self.label.setText(f"Timeline: epoch {epoch} / {latest} (replay)")

    def _on_slider_value_changed(self, value: int) -> None:
        self._selection.select(value)
