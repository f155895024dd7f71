"""What the curves show besides the live run: the timeline cursor, fork markers, other runs.

:class:`CurveOverlays` belongs to a :class:`~studio.gui.run.plots.CurvesView`. It draws

* the timeline cursor: a vertical line at the epoch the scrubber shows, on both plots;
* fork markers: a labelled vertical line where new optimiser settings took effect
  (``"lr 0.1 → 0.03"``);
* overlays: the curves of earlier runs ticked in the run history, in distinct colours, dashed
  for test, named in the legend.

Every item is created when needed and removed when its run or marker goes (a few per run).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from studio.core.history import ForkMarker, RunRecord
from studio.gui import style

__all__ = ["CurveOverlays"]


def _remove(item) -> None:
    view = item.getViewBox()
    if view is not None:
        view.removeItem(item)


class CurveOverlays:
    """Cursor, fork markers and overlaid runs on a loss and an accuracy plot."""

    def __init__(self, loss_plot: pg.PlotWidget, accuracy_plot: pg.PlotWidget) -> None:
        self._plots = {"loss": loss_plot, "acc": accuracy_plot}
        self.cursors = {}
        for kind, plot in self._plots.items():
            line = pg.InfiniteLine(angle=90, pen=style.pen(style.CURSOR_COLOR, 1.5),
                                   name=f"{kind}_cursor")
            line.setZValue(20)
            line.hide()
            plot.addItem(line, ignoreBounds=True)
            self.cursors[kind] = line
        self._forks: list[pg.InfiniteLine] = []
        self.overlays: dict[int, list[pg.PlotDataItem]] = {}  # run_id -> its curves

    # -- the cursor -----------------------------------------------------------------------
    def set_cursor(self, epoch: int | None) -> None:
        """Draw the cursor at ``epoch`` (None hides it)."""
        for line in self.cursors.values():
            if epoch is None:
                line.hide()
            else:
                line.setValue(epoch)
                line.show()

    @property
    def cursor_epoch(self) -> float | None:
        """Where the cursor is, None when hidden."""
        line = self.cursors["loss"]
        return line.value() if line.isVisible() else None

    # -- fork markers ---------------------------------------------------------------------
    def set_forks(self, markers: tuple[ForkMarker, ...]) -> None:
        """Show exactly ``markers`` (labelled on the loss plot, plain on the accuracy plot)."""
        for line in self._forks:
            _remove(line)
        self._forks = []
        for marker in markers:
            for kind, plot in self._plots.items():
                label = marker.label if kind == "loss" else None
                line = pg.InfiniteLine(marker.epoch, angle=90, label=label,
                                       pen=style.pen(style.FORK_COLOR, 1.2, dashed=True),
                                       labelOpts={"position": 0.92, "color": style.FOREGROUND,
                                                  "fill": style.LABEL_FILL})
                line.setZValue(15)
                plot.addItem(line, ignoreBounds=True)
                self._forks.append(line)

    @property
    def fork_labels(self) -> list[str]:
        """The labels of the markers drawn (for tests and accessibility)."""
        return [line.label.format for line in self._forks if getattr(line, "label", None)]

    # -- overlaid runs --------------------------------------------------------------------
    def set_overlays(self, runs: tuple[RunRecord, ...]) -> None:
        """Overlay exactly ``runs`` (each in its own colour, named in the legends)."""
        wanted = {run.run_id: run for run in runs}
        for run_id in list(self.overlays):
            if run_id not in wanted:
                for item in self.overlays.pop(run_id):
                    _remove(item)
                    for plot in self._plots.values():
                        legend = plot.getPlotItem().legend
                        if legend is not None:
                            legend.removeItem(item)
        for run_id, run in wanted.items():
            if run_id in self.overlays:
                continue
            color = style.OVERLAY_COLORS[(run_id - 1) % len(style.OVERLAY_COLORS)]
            epochs = np.array([r.epoch for r in run.reports], dtype=float)
            items = []
            for kind, plot in self._plots.items():
                for split, dashed in (("train", False), ("test", True)):
                    values = np.array([getattr(r, f"{split}_{kind}") for r in run.reports],
                                      dtype=float)
                    keep = np.isfinite(values) & ((values > 0) if kind == "loss" else True)
                    items.append(plot.plot(epochs[keep], values[keep],
                                           name=f"{run.name} {split}",
                                           pen=style.pen(color, 1.5, dashed=dashed)))
            self.overlays[run_id] = items
