"""A small painted diagram of the network: one column per layer, sized by its width."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.core.spec import RunSpec
from studio.gui.setup.spec_model import SpecModel

__all__ = ["ArchitectureSummary", "summary_text"]


def summary_text(spec: RunSpec) -> str:
    """One line describing ``spec``, e.g. ``"2 → 25 → 25 → 25 → 2 · 1,427 parameters"``."""
    sizes = " → ".join(str(size) for size in spec.sizes)
    return f"{sizes} · {spec.parameter_count:,} parameters"


class ArchitectureSummary(QWidget):
    """A read-only view of ``model.spec``'s layer sizes and parameter count.

    Parameters
    ----------
    model : SpecModel
        The edited setup; the diagram repaints whenever it changes.
    parent : QWidget, optional
        Qt parent.
    """

    _TEXT_HEIGHT = 22  # room for the summary line under the columns
    _LABEL_HEIGHT = 14  # room for each column's width under it
    _MARGIN = 8

    def __init__(self, model: SpecModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("architecture_summary")
        self.setAccessibleName("Architecture summary")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._model = model
        self._text = ""
        model.spec_changed.connect(self._on_model_spec_changed)
        self._on_model_spec_changed(model.spec)

    def text(self) -> str:
        """The summary line, e.g. ``"2 → 25 → 25 → 25 → 2 · 1,427 parameters"``."""
        return self._text

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """About 360x140: wide enough for a 16-layer stack, short enough for a sidebar."""
        return QSize(360, 140)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Small enough to sit in a narrow dock."""
        return QSize(160, 80)

    def _on_model_spec_changed(self, spec: RunSpec) -> None:
        self._text = summary_text(spec)
        self.setToolTip(self._text)
        self.setAccessibleDescription(self._text)
        self.update()

    def _column_rects(self, sizes: tuple[int, ...]) -> list[QRectF]:
        """One rectangle per layer, centred vertically; height grows with log(width) so a
        1024-wide layer does not flatten a 2-wide one into a line."""
        m = self._MARGIN
        area = QRectF(m, m, self.width() - 2 * m,
                      self.height() - 2 * m - self._TEXT_HEIGHT - self._LABEL_HEIGHT)
        slot = area.width() / len(sizes)
        col_w = max(4.0, min(28.0, slot * 0.45))
        top_size = math.log2(max(sizes) + 1)
        rects = []
        for i, size in enumerate(sizes):
            h = max(10.0, area.height() * math.log2(size + 1) / top_size)
            x = area.left() + slot * (i + 0.5) - col_w / 2
            rects.append(QRectF(x, area.center().y() - h / 2, col_w, h))
        return rects

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Draw the columns, arrows between them, each width under its column and the text."""
        sizes = self._model.spec.sizes
        palette = self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fg = palette.color(QPalette.ColorRole.WindowText)
        rects = self._column_rects(sizes)
        painter.setPen(QPen(fg, 1))
        for left, right in zip(rects, rects[1:], strict=False):
            y = left.center().y()
            start, end = QPointF(left.right() + 2, y), QPointF(right.left() - 2, y)
            if end.x() - start.x() > 6:  # arrows only when there is room for them
                painter.drawLine(start, end)
                painter.drawLine(end, end + QPointF(-4, -3))
                painter.drawLine(end, end + QPointF(-4, 3))
        last = len(rects) - 1
        for i, (rect, size) in enumerate(zip(rects, sizes, strict=True)):
            # Input and output are fixed by the task; hidden layers are what the user edits.
            role = QPalette.ColorRole.Mid if i in (0, last) else QPalette.ColorRole.Highlight
            painter.setBrush(palette.color(role))
            painter.drawRoundedRect(rect, 3, 3)
            label = QRectF(rect.center().x() - 20, rect.bottom() + 1, 40, self._LABEL_HEIGHT)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, str(size))
        text_rect = QRectF(0, self.height() - self._TEXT_HEIGHT, self.width(), self._TEXT_HEIGHT)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, self._text)
        painter.end()
