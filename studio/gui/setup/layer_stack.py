"""The hidden layers as an editable list: add, remove, duplicate, reorder, edit one layer."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.limits import LIMITS, MAX_LAYERS
from studio.core.spec import LayerSpec, RunSpec
from studio.gui.setup.number_field import editor_for
from studio.gui.setup.spec_model import SpecModel

__all__ = ["ACTIVATION_LABELS", "MAX_LAYERS", "MIN_LAYERS", "LayerStackWidget", "layer_text"]

MIN_LAYERS = 1  # the spec allows 0 (files load, Add works); Remove stops short of a misclick
_ACTIVATION = LIMITS["layers[].activation"]
_INIT = LIMITS["layers[].init"]
ACTIVATION_LABELS = _ACTIVATION.display
_BUTTONS = (  # objectName, text, tooltip, slot
    ("add_layer_button", "Add", "Add a layer after the selected one (Insert)", "_on_add_clicked"),
    ("remove_layer_button", "Remove", "Remove the selected layer (Delete)", "_on_remove_clicked"),
    ("duplicate_layer_button", "Duplicate", "Duplicate the selected layer (Ctrl+D)",
     "_on_duplicate_clicked"),
    ("move_up_button", "Up", "Move the selected layer up (Alt+Up)", "_on_move_up_clicked"),
    ("move_down_button", "Down", "Move the selected layer down (Alt+Down)",
     "_on_move_down_clicked"),
)
_INDEX_ROLE = Qt.ItemDataRole.UserRole  # the layer's index in the spec when the row was built
_NO_MOD = Qt.KeyboardModifier.NoModifier
_KEY_SLOTS = {
    (Qt.Key.Key_Insert, _NO_MOD): "_on_add_clicked",
    (Qt.Key.Key_Delete, _NO_MOD): "_on_remove_clicked",
    (Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier): "_on_duplicate_clicked",
    (Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier): "_on_move_up_clicked",
    (Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier): "_on_move_down_clicked",
}


def layer_text(layer: LayerSpec) -> str:
    """The list row for ``layer``, e.g. ``"Linear 25 · ReLU"``."""
    return f"Linear {layer.width} · {_ACTIVATION.show(layer.activation)}"


class LayerStackWidget(QWidget):
    """Editor for ``model.spec.layers`` (hidden layers only; the input width is the number of
    features, the output width of classes: the rows above and below say so).

    Parameters
    ----------
    model : SpecModel
        The edited setup; every change goes through ``model.set_spec`` as one undo step.
    parent : QWidget, optional
        Qt parent.

    Notes
    -----
    Keys while the list has focus: Insert adds, Delete removes, Ctrl+D duplicates, Alt+Up/
    Alt+Down move the selected layer; rows can be dragged to reorder them.
    """

    def __init__(self, model: SpecModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._rebuilding = False  # True while we write model state into widgets: no echo back
        self._pending_row: int | None = None  # row to select after our own edit lands
        self._shown: tuple[LayerSpec, ...] = ()  # the layers the rows currently show

        self._list = QListWidget(objectName="layer_list")
        self._list.setAccessibleName("Hidden layers")
        self._list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self._list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self._list.installEventFilter(self)
        self._buttons = {name: self._button(name, text, tip, slot)
                         for name, text, tip, slot in _BUTTONS}
        self._width = self._editor("width_spin", "Layer width", "layers[].width")
        self._activation = self._editor("activation_combo", "Activation", "layers[].activation")
        self._init = self._editor("init_combo", "Weight init", "layers[].init")
        self._build_layout()

        self._list.currentRowChanged.connect(self._on_list_current_row_changed)
        self._list.model().rowsMoved.connect(self._on_list_rows_moved)
        self._width.valueChanged.connect(self._on_width_value_changed)
        self._activation.currentIndexChanged.connect(self._on_activation_index_changed)
        self._init.currentIndexChanged.connect(self._on_init_index_changed)
        model.spec_changed.connect(self._on_model_spec_changed)
        model.locked_changed.connect(self._on_model_locked_changed)
        self._on_model_spec_changed(model.spec)  # builds the rows and selects the first

    # -- construction helpers -------------------------------------------------------------
    def _button(self, name: str, text: str, tip: str, slot: str) -> QPushButton:
        button = QPushButton(text, objectName=name, toolTip=tip)
        button.setProperty("default_tip", tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.clicked.connect(getattr(self, slot))
        return button

    @staticmethod
    def _editor(name: str, accessible: str, path: str) -> QSpinBox | QComboBox:
        """The editor for one layer field: range/choices/tooltip from LIMITS."""
        editor = editor_for(LIMITS[path])
        editor.setObjectName(name)
        editor.setAccessibleName(accessible)
        editor.setProperty("path", path)
        return editor  # type: ignore[return-value]

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        for button in self._buttons.values():
            buttons.addWidget(button)
        form = QFormLayout()
        for editor in (self._width, self._activation, self._init):
            form.addRow(LIMITS[editor.property("path")].label, editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._input_label = QLabel(objectName="input_row_label")  # texts follow the spec
        self._output_label = QLabel(objectName="output_row_label")
        for widget in (self._input_label, self._list, self._output_label):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addLayout(form)

    # -- public ---------------------------------------------------------------------------
    def current_row(self) -> int:
        """Index of the selected hidden layer in ``model.spec.layers`` (-1 if none)."""
        return self._list.currentRow()

    # -- edits ----------------------------------------------------------------------------
    def _push(self, layers: list[LayerSpec], text: str, select: int,
              merge_key: str | None = None) -> None:
        self._pending_row = select
        self._model.edit(lambda spec: replace(spec, layers=tuple(layers)), text,
                         merge_key=merge_key)
        self._pending_row = None

    def _selection(self) -> tuple[list[LayerSpec], int]:
        """A mutable copy of the layers and the selected row (the first when none is)."""
        return list(self._model.spec.layers), max(self._list.currentRow(), 0)

    def _on_add_clicked(self) -> None:
        layers, row = self._selection()
        if self._model.locked or len(layers) >= MAX_LAYERS:
            return
        # A new layer copies its neighbour's width so the network keeps its shape; an empty
        # stack (a file's linear classifier) starts again from a default layer.
        layers.insert(row + 1, LayerSpec(width=layers[row].width) if layers else LayerSpec())
        self._push(layers, "Add layer", min(row + 1, len(layers) - 1))

    def _on_remove_clicked(self) -> None:
        layers, row = self._selection()
        if self._model.locked or len(layers) <= MIN_LAYERS:
            return
        del layers[row]
        self._push(layers, "Remove layer", min(row, len(layers) - 1))

    def _on_duplicate_clicked(self) -> None:
        layers, row = self._selection()
        if self._model.locked or not layers or len(layers) >= MAX_LAYERS:
            return
        layers.insert(row + 1, layers[row])
        self._push(layers, "Duplicate layer", row + 1)

    def _on_move_up_clicked(self) -> None:
        self._move(-1)

    def _on_move_down_clicked(self) -> None:
        self._move(+1)

    def _move(self, step: int) -> None:
        layers, row = self._selection()
        target = row + step
        if self._model.locked or not 0 <= target < len(layers):
            return
        layers[row], layers[target] = layers[target], layers[row]
        self._push(layers, "Move layer", target)

    def _on_list_rows_moved(self, _parent: QModelIndex, start: int, _end: int,
                            _dest: QModelIndex, row: int) -> None:
        """A drag-and-drop reorder happened inside the list: make the spec follow."""
        if self._rebuilding:
            return
        order = [self._list.item(i).data(_INDEX_ROLE) for i in range(self._list.count())]
        # Qt reports `row` as the insertion point before removal; moving down lands one earlier.
        landed = row - 1 if row > start else row
        if self._model.locked:
            self._on_model_spec_changed(self._model.spec)  # put the rows back
            return
        self._push([self._model.spec.layers[i] for i in order], "Move layer", landed)

    def _edit_layer(self, field: str, value: object, text: str) -> None:
        row = self._list.currentRow()
        if self._rebuilding or self._model.locked or row < 0:
            return
        layers = list(self._model.spec.layers)
        layers[row] = replace(layers[row], **{field: value})
        self._push(layers, text, row, merge_key=f"layers[{row}].{field}")

    def _on_width_value_changed(self, value: int) -> None:
        self._edit_layer("width", value, "Change width")

    def _on_activation_index_changed(self, _index: int) -> None:
        self._edit_layer("activation", self._activation.currentData(), "Change activation")

    def _on_init_index_changed(self, _index: int) -> None:
        self._edit_layer("init", self._init.currentData(), "Change init")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Handle the list's editing keys before QListWidget turns Alt+Up into cursor moves."""
        if watched is self._list and event.type() == QEvent.Type.KeyPress:
            # Arrow keys carry KeypadModifier on some platforms (macOS): ignore it.
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            slot = _KEY_SLOTS.get((event.key(), mods))
            if slot is not None:
                getattr(self, slot)()
                return True
        return super().eventFilter(watched, event)

    # -- model -> widgets -----------------------------------------------------------------
    def _on_model_spec_changed(self, spec: RunSpec) -> None:
        row = self._pending_row if self._pending_row is not None else \
            self._first_changed_row(self._shown, spec.layers)
        row = self._list.currentRow() if row is None else row
        self._shown = spec.layers
        self._input_label.setText(f"Input · {spec.input_size} features")
        self._output_label.setText(f"Output · {spec.output_size} classes")
        self._rebuilding = True
        try:
            # Update rows in place when the count is unchanged: this slot can run inside
            # QListWidget's own drop handling, where deleting items would pull the rug.
            if self._list.count() != len(spec.layers):
                self._list.clear()
                for _ in spec.layers:
                    self._list.addItem(QListWidgetItem())
            for i, layer in enumerate(spec.layers):
                item = self._list.item(i)
                item.setText(layer_text(layer))
                act, init = _ACTIVATION.show(layer.activation), _INIT.show(layer.init)
                item.setToolTip(f"Linear → {layer.width} units, {act}, {init} init")
                item.setData(_INDEX_ROLE, i)
            self._list.setCurrentRow(min(max(row, 0), len(spec.layers) - 1))
        finally:
            self._rebuilding = False
        self._sync_editors()

    @staticmethod
    def _first_changed_row(old: tuple[LayerSpec, ...], new: tuple[LayerSpec, ...]) -> int | None:
        """Where an undo/redo/open changed the stack (None: the layers did not change)."""
        diff = [i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
        return diff[0] if diff else (min(len(old), len(new)) if len(old) != len(new) else None)

    def _on_list_current_row_changed(self, _row: int) -> None:
        if not self._rebuilding:
            self._sync_editors()

    def _on_model_locked_changed(self, _locked: bool) -> None:
        self._sync_editors()

    def _sync_editors(self) -> None:
        """Show the selected layer in the editors and enable only what makes sense now."""
        layers, row, locked = self._model.spec.layers, self._list.currentRow(), self._model.locked
        self._rebuilding = True
        try:
            if 0 <= row < len(layers):
                self._width.setValue(layers[row].width)
                self._activation.setCurrentIndex(self._activation.findData(layers[row].activation))
                self._init.setCurrentIndex(self._init.findData(layers[row].init))
        finally:
            self._rebuilding = False
        n, editable = len(layers), not locked and 0 <= row < len(layers)
        self._list.setDragEnabled(not locked)
        for editor in (self._width, self._activation, self._init):
            editor.setEnabled(editable)
        self._set_button("remove_layer_button", editable and n > MIN_LAYERS,
                         "" if n > MIN_LAYERS else "The network needs at least one hidden layer")
        full = "" if n < MAX_LAYERS else f"At most {MAX_LAYERS} hidden layers"
        # Add needs no selection: it is how an empty stack (a linear classifier) grows again.
        self._set_button("add_layer_button", not locked and n < MAX_LAYERS, full)
        self._set_button("duplicate_layer_button", editable and n < MAX_LAYERS, full)
        self._buttons["move_up_button"].setEnabled(editable and row > 0)
        self._buttons["move_down_button"].setEnabled(editable and row < n - 1)

    def _set_button(self, name: str, enabled: bool, why_not: str) -> None:
        """Enable a button; when a limit disables it, its tooltip says which limit."""
        button = self._buttons[name]
        button.setEnabled(enabled)
        button.setToolTip(why_not or button.property("default_tip"))
