"""LayerStackWidget: buttons, keys, drag-and-drop order, per-layer editors, undo, locking."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QPushButton, QSpinBox

from studio.core.spec import LayerSpec, RunSpec
from studio.gui.setup.layer_stack import MAX_LAYERS, LayerStackWidget
from studio.gui.setup.spec_model import SpecModel

WIDTHS = (10, 20, 30)


@pytest.fixture
def model() -> SpecModel:
    return SpecModel(RunSpec(layers=tuple(LayerSpec(width=w) for w in WIDTHS)))


@pytest.fixture
def stack(qtbot, model: SpecModel) -> LayerStackWidget:
    widget = LayerStackWidget(model)
    qtbot.addWidget(widget)
    return widget


def _list(stack: LayerStackWidget) -> QListWidget:
    return stack.findChild(QListWidget, "layer_list")


def _button(stack: LayerStackWidget, name: str) -> QPushButton:
    return stack.findChild(QPushButton, name)


def _widths(model: SpecModel) -> tuple[int, ...]:
    return tuple(layer.width for layer in model.spec.layers)


def _rows(stack: LayerStackWidget) -> list[str]:
    view = _list(stack)
    return [view.item(i).text() for i in range(view.count())]


def test_rows_read_like_layers(stack: LayerStackWidget) -> None:
    assert _rows(stack) == ["Linear 10 · ReLU", "Linear 20 · ReLU", "Linear 30 · ReLU"]
    assert _list(stack).currentRow() == 0


def test_buttons_add_remove_duplicate(qtbot, stack, model) -> None:
    _list(stack).setCurrentRow(1)
    qtbot.mouseClick(_button(stack, "add_layer_button"), Qt.MouseButton.LeftButton)
    assert _widths(model) == (10, 20, 20, 30)  # a new layer copies the selected width
    assert stack.current_row() == 2 and model.undo_stack.undoText() == "Add layer"
    qtbot.mouseClick(_button(stack, "remove_layer_button"), Qt.MouseButton.LeftButton)
    assert _widths(model) == (10, 20, 30) and stack.current_row() == 2
    _list(stack).setCurrentRow(0)
    qtbot.mouseClick(_button(stack, "duplicate_layer_button"), Qt.MouseButton.LeftButton)
    assert _widths(model) == (10, 10, 20, 30) and stack.current_row() == 1


def test_buttons_move_and_selection_follows(qtbot, stack, model) -> None:
    qtbot.mouseClick(_button(stack, "move_down_button"), Qt.MouseButton.LeftButton)
    assert _widths(model) == (20, 10, 30) and stack.current_row() == 1
    qtbot.mouseClick(_button(stack, "move_down_button"), Qt.MouseButton.LeftButton)
    assert _widths(model) == (20, 30, 10) and stack.current_row() == 2
    assert not _button(stack, "move_down_button").isEnabled()
    qtbot.mouseClick(_button(stack, "move_up_button"), Qt.MouseButton.LeftButton)
    assert _widths(model) == (20, 10, 30) and stack.current_row() == 1


def test_keys(qtbot, stack, model) -> None:
    view = _list(stack)
    view.setCurrentRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert _widths(model) == (20, 10, 30) and stack.current_row() == 1
    qtbot.keyClick(view, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert _widths(model) == (10, 20, 30) and stack.current_row() == 0
    qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert _widths(model) == (10, 10, 20, 30)
    assert stack.current_row() == 1
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert _widths(model) == (10, 20, 30) and stack.current_row() == 1
    qtbot.keyClick(view, Qt.Key.Key_Insert)  # the new layer copies the selected width
    assert _widths(model) == (10, 20, 20, 30) and stack.current_row() == 2
    assert model.undo_stack.count() == 5


def test_drag_and_drop_reorder_moves_the_spec(stack, model) -> None:
    qt_model = _list(stack).model()
    # What QListWidget.dropEvent does for an internal move: one moveRow on its model.
    assert qt_model.moveRow(QModelIndex(), 0, QModelIndex(), 3)
    assert _widths(model) == (20, 30, 10)
    assert _rows(stack)[2] == "Linear 10 · ReLU" and stack.current_row() == 2
    assert model.undo_stack.count() == 1 and model.undo_stack.undoText() == "Move layer"
    assert qt_model.moveRow(QModelIndex(), 2, QModelIndex(), 0)
    assert _widths(model) == (10, 20, 30) and stack.current_row() == 0
    model.undo_stack.undo()
    assert _widths(model) == (20, 30, 10)
    assert _rows(stack) == ["Linear 20 · ReLU", "Linear 30 · ReLU", "Linear 10 · ReLU"]


def test_undo_redo_restores_exactly_and_rebuilds_rows(qtbot, stack, model) -> None:
    original = model.spec
    _list(stack).setCurrentRow(2)
    qtbot.mouseClick(_button(stack, "remove_layer_button"), Qt.MouseButton.LeftButton)
    after = model.spec
    count = model.undo_stack.count()
    model.undo_stack.undo()
    assert model.spec == original and _rows(stack)[2] == "Linear 30 · ReLU"
    assert stack.current_row() == 2  # selection follows the restored layer
    assert model.undo_stack.count() == count  # rebuilding rows pushed nothing back
    model.undo_stack.redo()
    assert model.spec == after and len(_rows(stack)) == 2


def test_width_and_combo_editors_edit_the_selected_layer(stack, model) -> None:
    _list(stack).setCurrentRow(1)
    width = stack.findChild(QSpinBox, "width_spin")
    assert width.value() == 20
    for value in (21, 22, 23):  # spinning: one undo step
        width.setValue(value)
    assert _widths(model) == (10, 23, 30) and model.undo_stack.count() == 1
    assert model.undo_stack.undoText() == "Change width"
    activation = stack.findChild(QComboBox, "activation_combo")
    activation.setCurrentIndex(activation.findData("tanh"))
    init = stack.findChild(QComboBox, "init_combo")
    init.setCurrentIndex(init.findData("xavier_normal"))
    assert model.spec.layers[1] == LayerSpec(23, "tanh", "xavier_normal")
    assert _rows(stack)[1] == "Linear 23 · Tanh" and model.undo_stack.count() == 3
    _list(stack).setCurrentRow(0)
    assert width.value() == 10 and activation.currentData() == "relu"
    model.undo_stack.undo()
    model.undo_stack.undo()
    model.undo_stack.undo()
    assert _widths(model) == WIDTHS and stack.current_row() == 1 and width.value() == 20


def test_width_spin_range(stack) -> None:
    width = stack.findChild(QSpinBox, "width_spin")
    # The spec's bounds (LIMITS), not a GUI copy: a 4096-wide layer from a file shows 4096.
    assert (width.minimum(), width.maximum()) == (1, 4096)


def test_cannot_remove_the_last_layer(qtbot) -> None:
    model = SpecModel(RunSpec(layers=(LayerSpec(width=4),)))
    stack = LayerStackWidget(model)
    qtbot.addWidget(stack)
    remove = _button(stack, "remove_layer_button")
    assert not remove.isEnabled() and "at least one" in remove.toolTip()
    qtbot.keyClick(_list(stack), Qt.Key.Key_Delete)
    assert _widths(model) == (4,) and model.undo_stack.count() == 0


def test_at_most_sixteen_layers(qtbot) -> None:
    model = SpecModel(RunSpec(layers=(LayerSpec(),) * (MAX_LAYERS - 1)))
    stack = LayerStackWidget(model)
    qtbot.addWidget(stack)
    qtbot.mouseClick(_button(stack, "add_layer_button"), Qt.MouseButton.LeftButton)
    assert len(model.spec.layers) == MAX_LAYERS
    assert not _button(stack, "add_layer_button").isEnabled()
    assert not _button(stack, "duplicate_layer_button").isEnabled()
    qtbot.keyClick(_list(stack), Qt.Key.Key_Insert)
    assert len(model.spec.layers) == MAX_LAYERS


def test_locked_disables_all_editing(qtbot, stack, model) -> None:
    model.set_locked(True)
    for name in ("add_layer_button", "remove_layer_button", "duplicate_layer_button",
                 "move_up_button", "move_down_button"):
        assert not _button(stack, name).isEnabled(), name
    for cls, name in ((QSpinBox, "width_spin"), (QComboBox, "activation_combo"),
                      (QComboBox, "init_combo")):
        assert not stack.findChild(cls, name).isEnabled(), name
    assert not _list(stack).dragEnabled()
    qtbot.keyClick(_list(stack), Qt.Key.Key_Delete)
    _list(stack).model().moveRow(QModelIndex(), 0, QModelIndex(), 3)
    assert _widths(model) == WIDTHS and model.undo_stack.count() == 0
    assert _rows(stack)[0] == "Linear 10 · ReLU"  # a refused drop puts the rows back
    model.set_locked(False)
    assert _button(stack, "add_layer_button").isEnabled() and _list(stack).dragEnabled()


def test_reset_rebuilds_without_edits(qtbot, stack, model) -> None:
    with qtbot.assertNotEmitted(model.undo_stack.indexChanged):
        model.reset(RunSpec(layers=(LayerSpec(width=5, activation="sigmoid"),)))
    assert _rows(stack) == ["Linear 5 · Sigmoid"] and stack.current_row() == 0


def test_unrelated_edit_keeps_the_selection(stack, model) -> None:
    _list(stack).setCurrentRow(2)
    model.set_spec(replace(model.spec, epochs=5), "Change epochs")
    assert stack.current_row() == 2
    model.undo_stack.undo()
    assert stack.current_row() == 2
