"""Layer health over the epochs: one curve per layer, and one layer's weight/gradient bands.

A view of the :class:`~studio.core.inspect.HealthSample` stream (one per epoch, from the
worker's probe). Samples are stored as they arrive; curves are redrawn by a timer only when
something new came, and no more often than their measured cost allows (a :class:`CostGate`:
at most ~5% of wall time), so drawing is throttled, not data.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from studio.core.inspect import HealthSample

from ..style import BAND_COLOR, MARKER_COLOR, pen, style_plot, with_alpha
from .view_pacer import CostGate

__all__ = ["REDRAW_MS", "HealthPanel"]

REDRAW_MS = 100
_METRICS = (("grad_norm", "gradient norm ‖∇W‖ (colour: layer 1 red … output violet)", True),
            ("update_ratio", "update ratio ‖Δw‖ / ‖w‖ per epoch", True),
            ("unit_share", "% dead (ReLU) or saturated (tanh, σ) units", False))


def _positive(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Log axes: zeros and NaNs (the first update ratio, layers without the metric) are left
    # out rather than handed to log10.
    keep = np.isfinite(y) & (y > 0)
    return x[keep], y[keep]


class HealthPanel(QWidget):
    """Per-layer curves of gradient norm, update ratio and unit health, plus percentile bands.

    Attributes
    ----------
    samples : list of HealthSample
        Everything received since the last :meth:`clear`, in order.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="layer_health")
        self.samples: list[HealthSample] = []
        self.graphics = pg.GraphicsLayoutWidget(self)
        self.plots: dict[str, pg.PlotItem] = {}
        for row, (key, title, log) in enumerate(_METRICS):
            plot = self.graphics.addPlot(row=row, col=0)
            style_plot(plot, x_label=None, y_label=None, legend=False)
            plot.setTitle(title, size="9pt")
            plot.setLogMode(y=log)
            if not log:
                plot.setYRange(0, 100)
            self.plots[key] = plot
        self.layer_box = QComboBox(self, objectName="health_layer")
        self.layer_box.currentIndexChanged.connect(self._on_layer_box_changed)
        for row, key in enumerate(("weights", "gradients"), start=len(_METRICS)):
            plot = self.graphics.addPlot(row=row, col=0)
            style_plot(plot, x_label="epoch" if key == "gradients" else None, y_label=None,
                       legend=False)
            plot.setTitle(f"{key} of the chosen layer: percentiles 5/25/50/75/95", size="9pt")
            self.plots[key] = plot
        self.summary = QLabel("", self, objectName="health_summary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.layer_box)
        self._curves: dict[tuple[str, int], pg.PlotDataItem] = {}
        self._bands: dict[str, tuple] = {}
        self._markers = {key: pg.InfiniteLine(angle=90, movable=False, pen=pen(MARKER_COLOR))
                         for key in self.plots}
        for key, line in self._markers.items():
            line.setVisible(False)
            self.plots[key].addItem(line, ignoreBounds=True)
        self._dirty = False
        self.gate = CostGate()
        self._timer = QTimer(self, interval=REDRAW_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self._redraw_cost = 0.0
        self._bands_due = False
        self._paint_timer = QTimer(self, singleShot=True, interval=0)
        self._paint_timer.timeout.connect(self._on_paint_timer_timeout)

    # -- data ------------------------------------------------------------------------------
    def add_sample(self, sample: HealthSample) -> None:
        """Store one epoch's sample; an epoch not after the last starts the curves over."""
        if self.samples and sample.epoch <= self.samples[-1].epoch:
            self.clear()
        if not self.samples:
            self.layer_box.blockSignals(True)
            self.layer_box.clear()
            self.layer_box.addItems([layer.name for layer in sample.layers])
            self.layer_box.blockSignals(False)
        self.samples.append(sample)
        self._dirty = True

    def clear(self) -> None:
        """Forget every sample (a new run)."""
        self.samples = []
        self._dirty = True

    def series(self, field: str, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """``(epochs, values)`` of one :class:`LayerHealth` field for layer ``layer``."""
        epochs = np.array([s.epoch for s in self.samples], dtype=float)
        values = np.array([getattr(s.layers[layer], field) for s in self.samples], dtype=float)
        return epochs, values

    def mark_epoch(self, epoch: int | None) -> None:
        """Draw a vertical line at ``epoch`` (the timeline's), or none."""
        for line in self._markers.values():
            line.setVisible(epoch is not None)
            if epoch is not None:
                line.setValue(epoch)

    # -- drawing ---------------------------------------------------------------------------
    def _on_timer_timeout(self) -> None:
        # A closed panel draws nothing: its redraws would take the GIL from the training.
        # Ticks inside the cost budget's spacing are skipped; the data waits, marked dirty.
        if self._dirty and self.isVisible() and not self._paint_timer.isActive() \
                and self.gate.wait_s() <= 0.0:
            # Three pieces, an event-loop turn apart (the first redraw, which makes the
            # curves, took 25-40 ms whole): the curves, then the bands, then the paint.
            start = time.perf_counter()
            self._draw_curves()
            self._bands_due = True
            self._redraw_cost = time.perf_counter() - start
            self._paint_timer.start()

    def _on_paint_timer_timeout(self) -> None:
        # Paint now and count it: left to the event loop, the plots' paint passes (axes laid
        # out again after auto-ranging) cost more than the setData calls and would go
        # uncounted by the gate.
        start = time.perf_counter()
        if self._bands_due:
            self._bands_due = False
            self._draw_bands()
            self._draw_summary()
            self._redraw_cost += time.perf_counter() - start
            self._paint_timer.start()
            return
        QCoreApplication.sendPostedEvents(self.graphics.scene(), QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(self.window(), QEvent.Type.UpdateRequest)
        self.gate.record(self._redraw_cost + time.perf_counter() - start)

    def _on_layer_box_changed(self, _index: int) -> None:
        self._dirty = True

    def redraw(self) -> None:
        """Bring every curve up to date with :attr:`samples` now."""
        self._draw_curves()
        self._draw_bands()
        self._draw_summary()

    def _draw_curves(self) -> None:
        self._dirty = False
        n_layers = len(self.samples[0].layers) if self.samples else 0
        for key, curve in list(self._curves.items()):
            if key[1] >= n_layers:
                self.plots[key[0]].removeItem(curve)
                del self._curves[key]
        for k in range(n_layers):
            color = pg.intColor(k, hues=max(n_layers, 2))
            name = self.samples[0].layers[k].name
            for key, _title, log in _METRICS:
                if key == "unit_share":
                    x, dead = self.series("dead_share", k)
                    _, sat = self.series("saturated_share", k)
                    y = np.where(np.isfinite(dead), dead, sat) * 100.0
                    keep = np.isfinite(y)
                    x, y = x[keep], y[keep]
                else:
                    x, y = self.series(key, k)
                    x, y = _positive(x, y) if log else (x, y)
                curve = self._curves.get((key, k))
                if curve is None:
                    curve = self._curves[(key, k)] = self.plots[key].plot(
                        pen=pen(color, width=1.5), name=name)
                curve.setData(x, y)

    def _draw_bands(self) -> None:
        k = self.layer_box.currentIndex()
        for key, field in (("weights", "weight_pct"), ("gradients", "grad_pct")):
            plot = self.plots[key]
            if key not in self._bands:
                lines = [plot.plot(pen=pen(BAND_COLOR, width=w)) for w in (0.5, 1, 2, 1, 0.5)]
                outer = pg.FillBetweenItem(lines[0], lines[4],
                                           brush=pg.mkBrush(with_alpha(BAND_COLOR, 40)))
                inner = pg.FillBetweenItem(lines[1], lines[3],
                                           brush=pg.mkBrush(with_alpha(BAND_COLOR, 80)))
                plot.addItem(outer)
                plot.addItem(inner)
                self._bands[key] = lines
            lines = self._bands[key]
            if not self.samples or k < 0:
                for line in lines:
                    line.setData([], [])
                continue
            epochs = np.array([s.epoch for s in self.samples], dtype=float)
            pct = np.array([getattr(s.layers[k], field) for s in self.samples], dtype=float)
            for q, line in enumerate(lines):
                line.setData(epochs, pct[:, q])

    def _draw_summary(self) -> None:
        if not self.samples:
            self.summary.setText("Layer health appears after the first epoch.")
            return
        last = self.samples[-1]
        parts = []
        for layer in last.layers:
            extra = ""
            if np.isfinite(layer.dead_share):
                extra = f", {layer.dead_share:.0%} dead"
            elif np.isfinite(layer.saturated_share):
                extra = f", {layer.saturated_share:.0%} saturated"
            parts.append(f"{layer.name}: ‖∇W‖ {layer.grad_norm:.2g}{extra}")
        self.summary.setText(f"epoch {last.epoch} — " + "; ".join(parts))
        self.summary.setWordWrap(True)
