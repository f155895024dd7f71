"""The network drawn unit by unit: each node a thumbnail of what that unit computes.

A view of :class:`~studio.core.inspect.NeuronMaps` payloads (computed by the worker): edges
are coloured by the weight's sign and as wide as its size; hovering a node shows it large
with its value range, incoming weights and bias; clicking pins it.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from studio.core.inspect import NeuronMaps, edge_weights

from .heatmap import edge_style, heatmap_pixmap, value_range
from .network_picture import draw_edges, draw_thumbs
from .view_pacer import CostGate

__all__ = ["DEFAULT_UNITS", "NetworkCanvas", "NetworkView"]

#: Units drawn per layer before the rest collapse into "+N more".
DEFAULT_UNITS = 12
_NODE = 26      # thumbnail side, px
_GAP = 6        # vertical gap between nodes
_MARGIN = 16
_DETAIL = 150   # side of the enlarged heatmap


class NetworkCanvas(QWidget):
    """Nodes and edges of one :class:`NeuronMaps`; emits the unit under the mouse."""

    unit_hovered = Signal(int, int)   # layer, unit
    unit_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="network_canvas")
        self.setMouseTracking(True)
        self.setMinimumSize(260, 200)
        self.maps: NeuronMaps | None = None
        self.selected: tuple[int, int] | None = None
        # The picture (edges, thumbnails, titles) is rendered once per payload into a pixmap,
        # paced by its measured cost; paint events only copy it (the selection is drawn live).
        self.gate = CostGate()
        self._picture: QPixmap | None = None
        self._picture_of: tuple | None = None   # (maps, size) the picture shows
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.update)
        # A new picture is drawn in pieces (one layer's edges each, one event-loop turn
        # apart): whole, it took 20-80 ms, a stall of the event loop and of the training.
        self._steps = None
        self._steps_cost = 0.0
        self._step_timer = QTimer(self, singleShot=True, interval=0)
        self._step_timer.timeout.connect(self._on_step_timer_timeout)

    def set_maps(self, maps: NeuronMaps | None) -> None:
        """Show ``maps``; the picture follows when the redraw budget allows."""
        self.maps = maps
        self.update()

    def _node(self) -> float:
        # Nodes shrink so the tallest column fits between the titles and the "+N more" line.
        tallest = max(len(layer.shown) for layer in self.maps.layers)
        return max(8.0, min(_NODE, (self.height() - 40) / tallest - _GAP))

    def _step(self) -> float:
        return (self.width() - 2 * _MARGIN - self._node()) / max(len(self.maps.layers) - 1, 1)

    def node_rect(self, k: int, j: int) -> QRectF:
        """Where unit ``j`` of layer ``k`` is drawn."""
        node = self._node()
        return self._rect(self.maps, k, j, node, self._step())

    def _rect(self, maps: NeuronMaps, k: int, j: int, node: float, step: float) -> QRectF:
        count = len(maps.layers[k].shown)
        top = 18 + (self.height() - 40 - count * (node + _GAP)) / 2
        return QRectF(_MARGIN + k * step, top + j * (node + _GAP), node, node)

    def edges(self) -> list[tuple[int, int, int, object, float]]:
        """``(layer, from unit, to unit, QColor, width)`` of every drawn edge into each layer.

        Widths and colours are scaled by the largest ``|weight|`` drawn into that layer.
        """
        out = []
        if self.maps is None:
            return out
        for k in range(1, len(self.maps.layers)):
            w = edge_weights(self.maps, k)
            top = float(np.abs(w).max()) if w.size else 0.0
            for j in range(w.shape[0]):
                for i in range(w.shape[1]):
                    color, width = edge_style(float(w[j, i]), top)
                    out.append((k, i, j, color, width))
        return out

    def unit_at(self, point: QPointF) -> tuple[int, int] | None:
        """The ``(layer, unit)`` whose node contains ``point``."""
        if self.maps is None:
            return None
        for k, layer in enumerate(self.maps.layers):
            for j in range(len(layer.shown)):
                if self.node_rect(k, j).adjusted(-2, -2, 2, 2).contains(point):
                    return k, j
        return None

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        if self.maps is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             "Start a run to see every unit")
            return
        wanted = (self.maps, (self.width(), self.height()))
        if self._picture_of != wanted and self._steps is None:
            # A new size must be drawn (meanwhile the old picture is shown stretched); a new
            # payload waits until the budget allows.
            resized = self._picture is None or self._picture_of[1] != wanted[1]
            wait = 0.0 if resized else self.gate.wait_s()
            if wait <= 0.0:
                self._steps, self._steps_cost = self._render_steps(), 0.0
                self._step_timer.start()
            elif not self._timer.isActive():  # the old picture stays until the budget allows
                self._timer.start(max(1, round(1000.0 * wait)))
        if self._picture is not None:
            painter.drawPixmap(QRectF(self.rect()), self._picture, QRectF(self._picture.rect()))
        if self.selected is not None and self.selected[0] < len(self.maps.layers) \
                and self.selected[1] < len(self.maps.layers[self.selected[0]].shown):
            painter.setPen(QPen(Qt.GlobalColor.black, 2.5))
            painter.drawRect(self.node_rect(*self.selected))

    def _on_step_timer_timeout(self) -> None:
        if self._steps is None:  # superseded by a whole redraw (a resize)
            return
        start = time.perf_counter()
        done = next(self._steps, True)
        self._steps_cost += time.perf_counter() - start
        if done:
            self._steps = None
            self.gate.record(self._steps_cost)  # the pieces together are the picture's cost
            self.update()
        else:
            self._step_timer.start()

    def _render_steps(self):
        """Draw the picture of :attr:`maps` into :attr:`_picture`, yielding between pieces."""
        maps, size = self.maps, (self.width(), self.height())
        ratio = self.devicePixelRatioF()
        picture = QPixmap(round(size[0] * ratio), round(size[1] * ratio))
        picture.setDevicePixelRatio(ratio)
        picture.fill(Qt.GlobalColor.transparent)
        node, step = self._node(), self._step()
        for k in range(1, len(maps.layers)):
            painter = QPainter(picture)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._draw_edges(painter, maps, k, node, step)
            painter.end()
            yield False
        painter = QPainter(picture)
        text = self.palette().windowText().color()
        for k, layer in enumerate(maps.layers):
            self._draw_thumbs(painter, maps, k, node, step)
            painter.setPen(text)
            first = self._rect(maps, k, 0, node, step)
            room = max(step - 4, first.width())
            # Narrow columns get short titles ("h3") rather than overlapping ones.
            title = layer.name if room >= 64 else layer.name.replace("hidden ", "h")
            centre = first.center().x()
            painter.drawText(QRectF(centre - room / 2, 0, room, 14),
                             Qt.AlignmentFlag.AlignCenter, title)
            if layer.hidden_count:
                last = self._rect(maps, k, len(layer.shown) - 1, node, step)
                painter.drawText(QRectF(centre - room / 2, last.bottom() + 2, room, 14),
                                 Qt.AlignmentFlag.AlignCenter, f"+{layer.hidden_count}")
        painter.end()
        self._picture, self._picture_of = picture, (maps, size)

    def _draw_edges(self, painter: QPainter, maps: NeuronMaps, k: int, node: float,
                    step: float) -> None:
        w = edge_weights(maps, k)
        starts = [self._rect(maps, k - 1, i, node, step) for i in range(w.shape[1])]
        ends = [self._rect(maps, k, j, node, step) for j in range(w.shape[0])]
        draw_edges(painter, w, starts, ends)

    def _draw_thumbs(self, painter: QPainter, maps: NeuronMaps, k: int, node: float,
                     step: float) -> None:
        unit_maps = maps.layers[k].maps
        draw_thumbs(painter, unit_maps,
                    [self._rect(maps, k, j, node, step) for j in range(len(unit_maps))])

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        unit = self.unit_at(event.position())
        if unit is not None:
            self.unit_hovered.emit(*unit)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        unit = self.unit_at(event.position())
        if unit is not None:
            self.selected = unit
            self.unit_clicked.emit(*unit)
            self.update()


class NetworkView(QWidget):
    """The canvas beside a detail panel for the hovered (or clicked, pinned) unit."""

    max_units_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None, max_units: int = DEFAULT_UNITS) -> None:
        super().__init__(parent, objectName="network_view")
        self.max_units = max_units  # read by the worker's probe: an int, safe to share
        self.canvas = NetworkCanvas(self)
        self.units_box = QSpinBox(self, objectName="network_units", minimum=1, maximum=64,
                                  value=max_units, prefix="units per layer: ")
        self.units_box.valueChanged.connect(self._on_units_box_changed)
        self.detail_image = QLabel(self, objectName="network_detail_image")
        self.detail_image.setFixedSize(_DETAIL, _DETAIL)
        self.detail_text = QLabel("Hover a unit", self, objectName="network_detail_text")
        self.detail_text.setWordWrap(True)
        self.weights_image = QLabel(self, objectName="network_detail_weights")
        side = QVBoxLayout()
        side.addWidget(self.units_box)
        side.addWidget(self.detail_image)
        side.addWidget(self.detail_text)
        side.addWidget(self.weights_image)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(side)
        self._pinned: tuple[int, int] | None = None
        self.shown_unit: tuple[int, int] | None = None
        self.canvas.unit_hovered.connect(self._on_canvas_unit_hovered)
        self.canvas.unit_clicked.connect(self._on_canvas_unit_clicked)

    @property
    def maps(self) -> NeuronMaps | None:
        """The payload shown."""
        return self.canvas.maps

    def set_maps(self, maps: NeuronMaps | None) -> None:
        """Show new maps (a probe's payload or a scrubbed epoch's); the detail follows."""
        self.canvas.set_maps(maps)
        unit = self._pinned or self.shown_unit
        if maps is not None and unit is not None and unit[0] < len(maps.layers) \
                and unit[1] < len(maps.layers[unit[0]].shown):
            self.show_unit(*unit)

    def show_unit(self, k: int, j: int) -> None:
        """Enlarge unit ``j`` of layer ``k``: its map, range, incoming weights and bias."""
        maps = self.maps
        if maps is None:
            return
        layer = maps.layers[k]
        unit_map = layer.maps[j]
        lo, hi = value_range(unit_map)
        self.shown_unit = (k, j)
        self.detail_image.setPixmap(heatmap_pixmap(unit_map, _DETAIL, flip_rows=True))
        what = "class score" if layer.activation == "scores" else layer.activation
        lines = [f"<b>{layer.name}, unit {layer.shown[j]}</b> ({what})",
                 f"output range [{lo:.3g}, {hi:.3g}]"]
        if layer.weights is not None:
            w = layer.weights[j]
            lines.append(f"{w.size} incoming weights in [{w.min():.3g}, {w.max():.3g}]")
            if layer.bias is not None:
                lines.append(f"bias {float(layer.bias[j]):.4g}")
            self.weights_image.setPixmap(heatmap_pixmap(w[None, :], _DETAIL, 12))
        else:
            self.weights_image.clear()
        self.detail_text.setText("<br>".join(lines))

    def _on_canvas_unit_hovered(self, k: int, j: int) -> None:
        if self._pinned is None:
            self.show_unit(k, j)

    def _on_canvas_unit_clicked(self, k: int, j: int) -> None:
        # A second click on the pinned unit releases it: hovering drives the detail again.
        self._pinned = None if self._pinned == (k, j) else (k, j)
        self.canvas.selected = self._pinned
        self.show_unit(k, j)

    def _on_units_box_changed(self, value: int) -> None:
        self.max_units = value
        self.max_units_changed.emit(value)
