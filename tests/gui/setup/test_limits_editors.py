"""The setup editors read LIMITS: exact display of every value the spec allows, no copies
of its bounds, visible refusals, tooltips with the range, display names (issues 7 and 13)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QListWidget, QPushButton, QSpinBox, QWidget

from studio.core.limits import LIMITS, MAX_LAYERS, MAX_SEED
from studio.core.spec import DataSpec, LayerSpec, OptimizerSpec, RunSpec
from studio.gui.setup.layer_stack import LayerStackWidget
from studio.gui.setup.number_field import NumberField
from studio.gui.setup.settings_panel import SettingsPanel
from studio.gui.setup.spec_model import SpecModel

EDGE_SPECS = {
    "seed 2**62": RunSpec(seed=MAX_SEED, data=DataSpec(seed=MAX_SEED)),
    "data seed 2**31-1": RunSpec(data=DataSpec(seed=2**31 - 1, noise=0.123)),
    "lr 1e-7, weight decay 50": RunSpec(optimizer=OptimizerSpec(lr=1e-7, weight_decay=50.0)),
    "adam float64 mse": RunSpec(optimizer=OptimizerSpec(name="adam", lr=0.05, eps=1e-12,
                                                        beta2=0.99995),
                                epochs=7, loss="mse", dtype="float64"),
    "sgd extremes": RunSpec(optimizer=OptimizerSpec(momentum=0.9995, dampening=3.5, lr=100.0)),
    "widest, deepest": RunSpec(layers=(LayerSpec(width=4096),) * MAX_LAYERS),
}


def _get(spec: RunSpec, path: str):
    head, _, tail = path.partition(".")
    return getattr(getattr(spec, head), tail) if tail else getattr(spec, head)


def _shown(editor: QWidget):
    """What the editor displays, read back from its text where it is text."""
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox):
        assert editor.text() == str(editor.value())
        return editor.value()
    text = editor.text()
    return int(text) if isinstance(editor.value(), int) else float(text)


@pytest.fixture
def stack(qtbot, model: SpecModel) -> LayerStackWidget:
    widget = LayerStackWidget(model)
    qtbot.addWidget(widget)
    return widget


def _assert_window_shows(panel: SettingsPanel, stack: LayerStackWidget, spec: RunSpec) -> None:
    for name, path in panel.editor_paths().items():
        assert _shown(panel.editor(name)) == _get(spec, path), name
    rows = stack.findChild(QListWidget, "layer_list")
    assert rows.count() == len(spec.layers)
    for row, layer in enumerate(spec.layers):
        rows.setCurrentRow(row)
        assert _shown(stack.findChild(QSpinBox, "width_spin")) == layer.width
        assert _shown(stack.findChild(QComboBox, "activation_combo")) == layer.activation
        assert _shown(stack.findChild(QComboBox, "init_combo")) == layer.init


@pytest.mark.parametrize("name", list(EDGE_SPECS))
def test_every_editor_shows_exactly_the_loaded_spec(panel, stack, model, name) -> None:
    model.reset(EDGE_SPECS[name])
    _assert_window_shows(panel, stack, EDGE_SPECS[name])
    assert model.spec == EDGE_SPECS[name]  # showing it edited nothing
    model.reset(RunSpec())  # and back: nothing keeps the previous file's values
    _assert_window_shows(panel, stack, RunSpec())


def test_regenerate_past_the_32_bit_limit(qtbot, panel, stack, model) -> None:
    model.reset(RunSpec(data=DataSpec(seed=2**31 - 1), epochs=7, loss="mse"))
    qtbot.mouseClick(panel.findChild(QPushButton, "regenerate_button"), Qt.MouseButton.LeftButton)
    assert model.spec.data.seed == 2**31
    _assert_window_shows(panel, stack, model.spec)


def test_editor_ranges_and_choices_are_the_limits(panel, stack) -> None:
    editors = [(panel.editor(n), p) for n, p in panel.editor_paths().items()]
    editors += [(stack.findChild(QWidget, n), p) for n, p in (
        ("width_spin", "layers[].width"), ("activation_combo", "layers[].activation"),
        ("init_combo", "layers[].init"))]
    for editor, path in editors:
        field = LIMITS[path]
        if isinstance(editor, QComboBox):
            assert [editor.itemData(i) for i in range(editor.count())] == list(field.choices)
            assert [editor.itemText(i) for i in range(editor.count())] == \
                [field.show(c) for c in field.choices]
        elif not isinstance(editor, QCheckBox):
            assert (editor.minimum(), editor.maximum()) == (field.lo, field.hi), path


def test_every_editor_has_a_tooltip_with_its_range(panel, stack) -> None:
    names = dict(panel.editor_paths())
    names.update({"width_spin": "layers[].width", "activation_combo": "layers[].activation",
                  "init_combo": "layers[].init"})
    for name, path in names.items():
        widget = panel.findChild(QWidget, name) or stack.findChild(QWidget, name)
        tip, field = widget.toolTip(), LIMITS[path]
        assert tip and field.about in tip, name
        if field.kind in ("int", "float"):
            assert field.range_text in tip, name
        if field.kind == "choice":
            assert all(field.show(c) in tip for c in field.choices), name


def test_combos_show_display_names_and_keep_spec_names(panel, stack, model) -> None:
    loss = panel.editor("loss_combo")
    assert loss.currentText() == "CrossEntropy" and model.spec.loss == "cross_entropy"
    loss.setCurrentIndex(loss.findText("MSE"))
    assert model.spec.loss == "mse"
    assert panel.editor("optimizer_combo").currentText() == "SGD"
    activation = stack.findChild(QComboBox, "activation_combo")
    activation.setCurrentIndex(activation.findText("LeakyReLU"))
    assert model.spec.layers[0].activation == "leaky_relu"


def _type(qtbot, field: NumberField, text: str) -> None:
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_seeds_up_to_the_spec_maximum_round_trip(qtbot, panel, model) -> None:
    seed = panel.editor("seed_spin")
    _type(qtbot, seed, str(MAX_SEED))
    assert model.spec.seed == MAX_SEED and seed.text() == "4611686018427387904"
    _type(qtbot, seed, str(MAX_SEED + 1))
    assert model.spec.seed == MAX_SEED and "must be in [0, 4611686018427387904]" in seed.toolTip()
    assert seed.styleSheet()  # marked
    model.undo_stack.undo()
    assert model.spec.seed == 0 and seed.text() == "0" and not seed.styleSheet()


def test_lr_accepts_scientific_notation_and_refuses_garbage_visibly(qtbot, panel, model) -> None:
    lr = panel.editor("lr_spin")
    _type(qtbot, lr, "1e-3")
    assert model.spec.optimizer.lr == 0.001 and lr.text() == "0.001"
    for bad in ("0,01", "abc"):
        _type(qtbot, lr, bad)
        assert model.spec.optimizer.lr == 0.001, bad  # the spec keeps its value
        assert lr.text() == bad and "must be a number" in lr.toolTip() and lr.styleSheet()
    _type(qtbot, lr, "1e-7")
    assert model.spec.optimizer.lr == 1e-7 and lr.text() == "1e-07" and not lr.styleSheet()


def test_arrows_step_from_the_real_value_without_clamping(qtbot, panel, model) -> None:
    model.reset(replace(RunSpec(), optimizer=OptimizerSpec(lr=1e-7, weight_decay=50.0)))
    lr, decay = panel.editor("lr_spin"), panel.editor("weight_decay_spin")
    qtbot.keyClick(lr, Qt.Key.Key_Up)
    assert model.spec.optimizer.lr == 2e-7
    qtbot.keyClick(decay, Qt.Key.Key_Down)
    assert model.spec.optimizer.weight_decay == 40.0 and decay.text() == "40.0"


def test_width_4096_and_deep_files_show_as_they_are(qtbot, stack, model) -> None:
    model.reset(RunSpec(layers=(LayerSpec(width=2000),) * 20))
    assert stack.findChild(QSpinBox, "width_spin").value() == 2000
    assert stack.findChild(QListWidget, "layer_list").count() == 20
    model.reset(RunSpec(layers=(LayerSpec(width=4096),) * MAX_LAYERS))
    assert stack.findChild(QSpinBox, "width_spin").value() == 4096
    add = stack.findChild(QPushButton, "add_layer_button")
    assert not add.isEnabled() and str(MAX_LAYERS) in add.toolTip()


def test_zero_hidden_layers_load_and_add_works(qtbot, stack, model) -> None:
    model.reset(RunSpec(layers=()))
    add = stack.findChild(QPushButton, "add_layer_button")
    assert add.isEnabled()
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert model.spec.layers == (LayerSpec(),) and stack.current_row() == 0
    qtbot.mouseClick(stack.findChild(QPushButton, "duplicate_layer_button"),
                     Qt.MouseButton.LeftButton)
    assert len(model.spec.layers) == 2
    model.undo_stack.undo()
    model.undo_stack.undo()
    assert model.spec.layers == ()
