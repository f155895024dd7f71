"""Strip plots of the paired differences: one dot per seed, minidl − torch.nn, per metric.

Drawn beside the bands so the verdict can be checked by eye: every dot inside the dashed
margin lines is what "equivalent within ±margin" claims.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from studio.core import METRIC_LABELS
from studio.core.compare.analysis import paired_differences
from studio.core.compare.configs import ExperimentResult
from studio.core.compare.paired import margin_for
from studio.core.compare.report import METRICS
from studio.gui import style

__all__ = ["StripPlots"]


class StripPlots(pg.GraphicsLayoutWidget):
    """Per metric: the per-seed paired differences of one configuration and the margins."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("strip_plots")
        self.plots: dict[str, pg.PlotItem] = {}
        self.diffs: dict[str, np.ndarray] = {}  # what is drawn, for tests and exports
        for i, metric in enumerate(METRICS):
            plot = self.addPlot(row=i // 2, col=i % 2)
            style.style_plot(plot, x_label="seed")
            plot.setTitle(f"Δ {METRIC_LABELS[metric]}")
            self.plots[metric] = plot
        style.follow_palette(self)

    def show_result(self, exp: ExperimentResult, config: str,
                    margins: dict[str, float] | None) -> None:
        """Redraw every metric's strip for ``config`` with its declared margin (±)."""
        for metric, plot in self.plots.items():
            seeds, diffs = paired_differences(exp, config, metric)
            self.diffs[metric] = diffs
            plot.clear()
            margin = margin_for(metric, margins)
            for level in (-margin, margin):
                plot.addItem(pg.InfiniteLine(level, angle=0, pen=style.pen(style.MARKER_COLOR, 1,
                                                                          dashed=True)))
            plot.addItem(pg.InfiniteLine(0.0, angle=0, pen=style.pen(style.MARKER_COLOR, 1)))
            if len(diffs):
                plot.plot(seeds.astype(float), diffs, pen=None, symbol="o", symbolSize=6,
                          symbolBrush=style.FRAMEWORK_COLORS["minidl"])
