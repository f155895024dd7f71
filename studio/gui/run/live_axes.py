"""The live-axis policy of the learning curves: axes that move in steps while a run is live.

A plot whose axes refit on every frame repaints their ticks, grid and labels on every frame.
While a run is live, :class:`LiveAxes` holds the axes of a
:class:`~studio.gui.run.plots.CurvesView` instead and moves them only when the data leaves
them, a few times a run: the epoch axis grows in 1-2-5 steps up to the run's length, the loss
axis spans ``[0, 1-2-5 ceiling]`` and the accuracy axis ``[tenth below the lowest, 1]``. An
axis the user zoomed or panned is theirs, and a log loss axis still fits its data. When the
run ends the axes fit the data again.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg

from studio.core import RunSpec

__all__ = ["LiveAxes"]


def _nice_ceiling(x: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is >= ``x`` (> 0)."""
    scale = 10.0 ** math.floor(math.log10(x))
    return next(m * scale for m in (1, 2, 5, 10) if m * scale >= x)


def _nice_floor_tenth(x: float) -> float:
    """``x`` rounded down to a multiple of 0.1, within [0, 0.9] (an accuracy axis' bottom)."""
    return min(0.9, max(0.0, math.floor(x * 10.0 + 1e-9) / 10.0))


def _live_y_range(name: str, values: np.ndarray) -> tuple[float, float] | None:
    """The y range a live plot holds while ``values`` stay inside it (``None``: no data).

    Loss: ``[0, c]`` with ``c`` the 1-2-5 ceiling of the largest loss (a falling loss never
    moves it). Accuracy: from the largest tenth below the smallest value up to 1.
    """
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    if name == "loss":
        top = float(values.max())
        return 0.0, _nice_ceiling(top) if top > 0.0 else 1.0
    return _nice_floor_tenth(float(values.min())), 1.0


class LiveAxes:
    """Hold the axes of the loss and accuracy plots while live (see the module doc).

    Parameters
    ----------
    loss_plot, accuracy_plot : pg.PlotWidget
        The plots whose axes are managed; their x axes are linked.
    """

    def __init__(self, loss_plot: pg.PlotWidget, accuracy_plot: pg.PlotWidget) -> None:
        self.loss_plot = loss_plot
        self.accuracy_plot = accuracy_plot
        self.live = False
        self._x_right: float | None = None  # the epoch axis' right end while we manage it
        # The loss and accuracy y ranges while we manage them (live, not zoomed, linear).
        self._y_ranges: dict[str, tuple[float, float] | None] = {}

    def follow(self, column: Callable[[str], np.ndarray], spec: RunSpec | None) -> None:
        """Step the managed axes out to the data (``column(name)``: a report field so far)."""
        epochs = column("epoch")
        if self._x_right is not None and epochs.size:
            right = _nice_ceiling(epochs[-1])
            right = max(2.0, min(right, spec.epochs) if spec is not None else right)
            if right != self._x_right:  # a few times a run, not every frame
                self._x_right = right
                self.loss_plot.setXRange(1.0, right)
        self._step_y_ranges(column)

    def _step_y_ranges(self, column: Callable[[str], np.ndarray]) -> None:
        for key, plot in (("loss", self.loss_plot), ("accuracy", self.accuracy_plot)):
            if key not in self._y_ranges:
                continue
            held = self._y_ranges[key]
            fields = ("train_loss", "test_loss") if key == "loss" else ("train_acc", "test_acc")
            wanted = _live_y_range(key, np.concatenate([column(f) for f in fields]))
            if wanted is None:
                continue
            if held is None or wanted[1] > held[1] or wanted[0] < held[0]:
                # Held until the data leaves it: a few range changes a run, not one a frame.
                self._y_ranges[key] = wanted
                plot.getPlotItem().getViewBox().setYRange(*wanted, padding=0.02)

    def _manage_y(self, live: bool, log_loss: bool) -> None:
        """Hold (live) or release the y ranges the user has not zoomed."""
        for key, plot in (("loss", self.loss_plot), ("accuracy", self.accuracy_plot)):
            view = plot.getPlotItem().getViewBox()
            log = key == "loss" and log_loss
            if live and view.autoRangeEnabled()[1] and not log:
                self._y_ranges[key] = None
            elif not live and key in self._y_ranges:
                view.enableAutoRange(y=True)
            if not live or log:
                self._y_ranges.pop(key, None)

    def set_live(self, live: bool, log_loss: bool) -> None:
        """Manage the axes the user has not zoomed (live), or let them fit the data again.

        ``log_loss``: whether the loss axis is logarithmic (then it is not held).
        """
        self.live = live
        view = self.loss_plot.getPlotItem().getViewBox()
        if live:
            self._x_right = 0.0 if view.autoRangeEnabled()[0] else None
        elif self._x_right is not None:
            self._x_right = None
            view.enableAutoRange(x=True)
        self._manage_y(live, log_loss)

    def release(self) -> None:
        """The user zoomed or panned: leave every axis to them."""
        self._x_right = None
        self._y_ranges.clear()

    def set_log_loss(self, checked: bool) -> None:
        """The loss axis became logarithmic (fitted, live or not) or linear again."""
        view = self.loss_plot.getPlotItem().getViewBox()
        if checked:
            self._y_ranges.pop("loss", None)  # a log axis fits the data, live or not
            view.enableAutoRange(y=True)
        elif self.live and view.autoRangeEnabled()[1]:
            self._y_ranges["loss"] = None

    def reset(self, log_loss: bool) -> None:
        """The view was reset to fit the data: while live, manage all axes again."""
        if self.live:
            self._x_right = 0.0  # managed again (the user's zoom was of the old curves)
            self._manage_y(True, log_loss)
