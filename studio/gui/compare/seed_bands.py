"""The "Was it luck?" tab: the current spec over N seeds, as mean ± std bands.

Pin a result as setup A, change the spec (the lr, say), run B: both bands are drawn on the
same axes and :func:`~studio.core.experiments.seeds.compare_bands` says whether the
difference is more than seed noise (paired by seed when the seeds match).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets as qw
from PySide6.QtCore import Qt, Signal

from studio.core import METRIC_LABELS
from studio.core.experiments.seeds import SeedBands, compare_bands
from studio.gui import style
from studio.gui.compare.compare_plots import button, fill_band, spin
from studio.gui.compare.experiment_workers import SeedsWorker
from studio.gui.compare.worker_host import WorkerHost
from studio.gui.setup.spec_model import SpecModel

__all__ = ["SeedBandsPanel", "comparison_text"]

_COLORS = {"A": style.MARKER_COLOR, "B": style.FRAMEWORK_COLORS["minidl"]}
_SHOWN = ("test_loss", "test_acc")


def comparison_text(a: SeedBands, b: SeedBands) -> str:
    """A against B in words: the paired verdicts of the test metrics, or Welch's p."""
    comp = compare_bands(a, b)
    if not comp.paired:
        return "A vs B, seeds differ (unpaired): " + "; ".join(
            f"{METRIC_LABELS[m]} Welch p = {comp.welch_p[m]:.2g}" for m in _SHOWN)
    parts = []
    for m in _SHOWN:
        v = comp.verdicts[m]
        scale, unit = (100.0, " points") if m.endswith("acc") else (1.0, "")
        parts.append(f"{METRIC_LABELS[m]}: B − A = {scale * -v.mean_diff:+.3g}{unit}; {v.text}")
    return f"A vs B, paired by seed ({comp.n_pairs} pairs): " + " | ".join(parts)


class SeedBandsPanel(qw.QWidget):
    """Run N seeds of the spec (worker processes), draw the bands, pin one as A.

    Signals
    -------
    running_changed(bool)
        A run started or ended.
    """

    running_changed = Signal(bool)

    def __init__(self, host: WorkerHost, spec_model: SpecModel,
                 parent: qw.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("seed_bands_panel")
        self._host, self._model = host, spec_model
        self.bands: dict[str, SeedBands] = {}  # "A" (pinned) and "B" (the latest run)
        self.n_spin = spin("seeds_n_spin", 2, 1000, 10)
        self.workers_spin = spin("seeds_workers_spin", 1, 64, 2)
        self.run_button = button("Run seeds", "seeds_run_button")
        self.cancel_button = button("Cancel", "seeds_cancel_button")
        self.pin_button = button("Pin as A", "seeds_pin_button")
        self.pin_button.setToolTip("Keep this result as setup A; edit the spec and run B")
        self.cancel_button.setEnabled(False)
        self.pin_button.setEnabled(False)
        self.progress = qw.QProgressBar(objectName="seeds_progress")
        self.status = qw.QLabel("Runs the current spec with seeds seed, seed+1, … (weights, "
                                "batch order and data).", objectName="seeds_status_label")
        self.comparison = qw.QLabel("", objectName="seeds_comparison_label", wordWrap=True)
        self.comparison.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plots_view = pg.GraphicsLayoutWidget()
        self.plots_view.setObjectName("seed_band_plots")
        self.plots: dict[str, pg.PlotItem] = {}
        for i, metric in enumerate(_SHOWN):
            plot = self.plots_view.addPlot(row=0, col=i, title=f"{METRIC_LABELS[metric]} "
                                           "(mean ± std)")
            style.style_plot(plot)
            self.plots[metric] = plot
        self.final_plot = self.plots_view.addPlot(row=0, col=2,
                                                  title="Final test accuracy %, one dot a seed")
        style.style_plot(self.final_plot, x_label=None, legend=False)
        self.final_plot.getAxis("bottom").setTicks([[(0, "A (pinned)"), (1, "B")]])
        self.final_plot.setXRange(-0.5, 1.5)
        style.follow_palette(self.plots_view)
        row = qw.QHBoxLayout()
        for w in (qw.QLabel("N seeds"), self.n_spin, qw.QLabel("processes"), self.workers_spin,
                  self.run_button, self.cancel_button, self.pin_button, self.status):
            row.addWidget(w)
        row.addStretch(1)
        layout = qw.QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.comparison)
        layout.addWidget(self.plots_view, 1)
        self.run_button.clicked.connect(self._on_run_clicked)
        self.cancel_button.clicked.connect(self._host.stop)
        self.pin_button.clicked.connect(self._on_pin_clicked)

    def set_running(self, running: bool) -> None:
        """Enable Run/Cancel for ``running`` (any job of the window counts)."""
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def _on_run_clicked(self) -> None:
        n = self.n_spin.value()
        self.progress.setRange(0, n)
        self.progress.setValue(0)
        self.status.setText(f"Running {n} seeds…")
        worker = SeedsWorker(self._model.spec, n, self.workers_spin.value())
        worker.result.connect(self._on_seed_result)
        worker.failed.connect(self.status.setText)
        self.running_changed.emit(True)
        self._host.start(worker, self._on_seeds_finished)

    def _on_seed_result(self, _run, done: int, _total: int) -> None:
        self.progress.setValue(done)

    def _on_seeds_finished(self, bands: SeedBands | None) -> None:
        self.running_changed.emit(False)
        if bands is None:
            return
        self.bands["B"] = bands
        acc = 100 * bands.final_test_acc
        spread = (f"final test accuracy {acc.mean():.2f} % ± {acc.std(ddof=1):.2f} "
                  f"(min {acc.min():.1f}, max {acc.max():.1f})" if len(acc) > 1 else
                  "fewer than 2 seeds finished")
        self.status.setText(("PARTIAL (cancelled): " if bands.partial else "")
                            + f"{len(bands.runs)} seeds: {spread}")
        self.pin_button.setEnabled(len(bands.ok) > 0)
        self._redraw()

    def _on_pin_clicked(self) -> None:
        self.bands["A"] = self.bands.pop("B")
        self.pin_button.setEnabled(False)
        self.status.setText("Pinned as A: edit the spec (e.g. the lr) and run B.")
        self._redraw()

    def _redraw(self) -> None:
        for plot in (*self.plots.values(), self.final_plot):
            plot.clear()
        for key, bands in self.bands.items():
            color = _COLORS[key]
            for metric, plot in self.plots.items():
                if not len(bands.epochs):
                    continue
                scale = 100.0 if metric.endswith("acc") else 1.0
                mean, std = scale * bands.mean[metric], scale * bands.std[metric]
                fill_band(plot, bands.epochs, mean, std, color)
                plot.plot(bands.epochs, mean, pen=style.pen(color, 2, dashed=key == "A"),
                          name=f"{key}: {bands.spec.optimizer.name} lr {bands.spec.optimizer.lr:g}")
            x = 0.0 if key == "A" else 1.0
            acc = 100 * bands.final_test_acc
            jitter = np.linspace(-0.15, 0.15, len(acc)) if len(acc) > 1 else np.zeros(len(acc))
            self.final_plot.plot(x + jitter, acc, pen=None, symbol="o", symbolSize=7,
                                 symbolBrush=color)
        both = "A" in self.bands and "B" in self.bands
        self.comparison.setText(comparison_text(self.bands["A"], self.bands["B"]) if both
                                else "")
