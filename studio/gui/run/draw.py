"""Draw your own points on the decision region: a bar of buttons and the mouse on the plot.

:class:`DrawTool` is a view of the spec model. With ``draw_mode`` checked, a left click on the
region adds a point of the selected class, a right click (or a right-button drag) erases the
points under the cursor, and Clear empties the set. Every change is a spec edit through
:meth:`SpecModel.edit` (``data.name = "custom"``, the points inline), so Undo works and saving
keeps the drawing. The core splits the points into train and test (seeded, by
``data.test_fraction``). Drawing is off while a run holds the model locked.
"""

from __future__ import annotations

import itertools

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from studio.core.spec import RunSpec
from studio.gui import style
from studio.gui.setup.data_edits import add_point, clear_points, erase_points

__all__ = ["ERASE_RADIUS", "DrawTool"]

#: Erasing removes the points within this fraction of the visible width of the cursor.
ERASE_RADIUS = 0.03
_MOUSE = {QEvent.Type.GraphicsSceneMousePress, QEvent.Type.GraphicsSceneMouseMove,
          QEvent.Type.GraphicsSceneMouseRelease, QEvent.Type.GraphicsSceneMouseDoubleClick,
          QEvent.Type.GraphicsSceneContextMenu}


class DrawTool(QWidget):
    """The draw bar (mode, class buttons, Clear) and the mouse handling on ``plot``.

    Parameters
    ----------
    plot : pyqtgraph.PlotWidget
        The decision region's plot; clicks in its view box are mapped to data coordinates.
    model : SpecModel
        Edited by every added or erased point; its lock (a run) turns drawing off.
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(self, plot: pg.PlotWidget, model, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draw_bar")
        self._plot = plot
        self._model = model
        self._strokes = itertools.count()  # one undo step per erasing drag
        self._stroke: str | None = None
        self.draw_mode = QToolButton(objectName="draw_mode", text="✎ Draw points",
                                     checkable=True)
        self.draw_mode.setAccessibleName("Draw points")
        self.draw_mode.setToolTip("Draw your own data: left-click adds a point of the selected "
                                  "class, right-click or right-drag erases. The points are "
                                  "stored in the spec (Undo works; Save keeps them).")
        self.draw_mode.toggled.connect(self._on_draw_mode_toggled)
        self.clear_button = QPushButton("Clear", objectName="draw_clear")
        self.clear_button.setAccessibleName("Clear drawn points")
        self.clear_button.setToolTip("Remove every point: start an empty custom data set")
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self.class_group = QButtonGroup(self)
        self.class_group.setExclusive(True)
        self._classes_row = QHBoxLayout()
        self._classes_row.setSpacing(2)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.draw_mode)
        layout.addWidget(QLabel("class:"))
        layout.addLayout(self._classes_row)
        layout.addWidget(self.clear_button)
        layout.addStretch(1)
        plot.scene().installEventFilter(self)
        model.spec_changed.connect(self._on_model_spec_changed)
        model.locked_changed.connect(self._on_model_locked_changed)
        self._on_model_spec_changed(model.spec)
        self._on_model_locked_changed(model.locked)

    @property
    def is_drawing(self) -> bool:
        """Whether clicks on the region draw (``draw_mode`` is checked)."""
        return self.draw_mode.isChecked()

    @property
    def selected_class(self) -> int:
        """The class a left click adds."""
        return max(self.class_group.checkedId(), 0)

    def class_button(self, label: int) -> QToolButton:
        """The button that selects class ``label`` (objectName ``draw_class_<label>``)."""
        return self.class_group.button(label)

    def erase_radius(self) -> float:
        """The erasing radius in data units (a fixed share of the visible width)."""
        (x0, x1), _ = self._plot.getPlotItem().getViewBox().viewRange()
        return ERASE_RADIUS * (x1 - x0)

    # -- the mouse ------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """While drawing, take the region's mouse events (no panning, no context menu)."""
        if event.type() not in _MOUSE or not self.is_drawing:
            return False
        if event.type() == QEvent.Type.GraphicsSceneContextMenu:
            return True
        view_box = self._plot.getPlotItem().getViewBox()
        if not view_box.sceneBoundingRect().contains(event.scenePos()):
            return False  # the axes and the title keep their own behaviour
        point: QPointF = view_box.mapSceneToView(event.scenePos())
        kind = event.type()
        if kind == QEvent.Type.GraphicsSceneMousePress:
            if event.button() == Qt.MouseButton.LeftButton:
                self._add(point.x(), point.y())
            elif event.button() == Qt.MouseButton.RightButton:
                self._stroke = f"draw.erase.{next(self._strokes)}"
                self._erase(point.x(), point.y())
        elif kind == QEvent.Type.GraphicsSceneMouseMove and self._stroke is not None \
                and event.buttons() & Qt.MouseButton.RightButton:
            self._erase(point.x(), point.y())
        elif kind == QEvent.Type.GraphicsSceneMouseRelease:
            self._stroke = None
        return True

    def _add(self, x: float, y: float) -> None:
        label = self.selected_class
        self._model.edit(lambda spec: add_point(spec, x, y, label), "Draw point")

    def _erase(self, x: float, y: float) -> None:
        radius = self.erase_radius()
        # One drag is one undo step: its edits share a merge key.
        self._model.edit(lambda spec: erase_points(spec, x, y, radius), "Erase points",
                         merge_key=self._stroke)

    # -- slots ----------------------------------------------------------------------------
    def _on_draw_mode_toggled(self, on: bool) -> None:
        cursor = Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor
        self._plot.viewport().setCursor(cursor)

    def _on_clear_clicked(self) -> None:
        if not self._model.locked:
            self._model.edit(clear_points, "Clear points")

    def _on_model_spec_changed(self, spec: RunSpec) -> None:
        classes = spec.data.classes
        buttons = self.class_group.buttons()
        if len(buttons) == classes:
            return
        selected = min(self.selected_class, classes - 1)
        for button in buttons:
            self.class_group.removeButton(button)
            button.deleteLater()
        for label in range(classes):
            button = QToolButton(objectName=f"draw_class_{label}", text=str(label),
                                 checkable=True)
            color = style.CLASS_COLORS[label]
            button.setStyleSheet(f"QToolButton {{ color: white; background: {color}; "
                                 "border-radius: 3px; padding: 1px 6px; } "
                                 "QToolButton:checked { border: 2px solid black; }")
            button.setAccessibleName(f"Draw class {label}")
            button.setToolTip(f"Left-click adds points of class {label}")
            self.class_group.addButton(button, label)
            self._classes_row.addWidget(button)
        self.class_group.button(selected).setChecked(True)

    def _on_model_locked_changed(self, locked: bool) -> None:
        if locked:
            self.draw_mode.setChecked(False)  # a run trains a snapshot: no drawing under it
        self.setEnabled(not locked)
