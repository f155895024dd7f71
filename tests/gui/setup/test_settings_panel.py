"""SettingsPanel: every field edits the spec, ranges, optimizer-specific rows, cuda, locking."""

from __future__ import annotations

import pytest
import torch
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton, QSpinBox, QWidget

from studio.core.spec import OptimizerSpec, RunSpec, SpecError
from studio.gui.setup.number_field import NumberField
from studio.gui.setup.settings_panel import CUDA_UNAVAILABLE, SettingsPanel
from studio.gui.setup.spec_model import SpecModel


def _get(panel: SettingsPanel, cls: type[QWidget], name: str):
    widget = panel.findChild(cls, name)
    assert widget is not None, name
    return widget


def _choose(combo: QComboBox, value: str) -> None:
    combo.setCurrentIndex(combo.findData(value))


def test_widgets_show_the_spec(panel: SettingsPanel) -> None:
    assert _get(panel, QComboBox, "dataset_combo").currentData() == "disk"
    assert _get(panel, QSpinBox, "n_train_spin").value() == 1000
    assert _get(panel, NumberField, "lr_spin").value() == pytest.approx(0.1)
    assert _get(panel, NumberField, "momentum_spin").value() == pytest.approx(0.2)
    assert _get(panel, QSpinBox, "epochs_spin").value() == 200
    assert _get(panel, QComboBox, "dtype_combo").currentData() == "float32"
    assert _get(panel, NumberField, "eps_spin").text() == "1e-08"
    for name in ("lr_spin", "dataset_combo", "device_combo", "nesterov_check"):
        assert panel.findChild(QWidget, name).accessibleName()


@pytest.mark.parametrize(("cls", "name", "value", "read"), [
    (QComboBox, "dataset_combo", "spiral", lambda s: s.data.name),
    (QSpinBox, "n_train_spin", 500, lambda s: s.data.n_train),
    (QSpinBox, "n_test_spin", 300, lambda s: s.data.n_test),
    (NumberField, "noise_spin", 0.25, lambda s: s.data.noise),
    (NumberField, "data_seed_spin", 7, lambda s: s.data.seed),
    (QComboBox, "loss_combo", "mse", lambda s: s.loss),
    (NumberField, "lr_spin", 0.003, lambda s: s.optimizer.lr),
    (NumberField, "momentum_spin", 0.9, lambda s: s.optimizer.momentum),
    (NumberField, "dampening_spin", 0.1, lambda s: s.optimizer.dampening),
    (NumberField, "weight_decay_spin", 0.0005, lambda s: s.optimizer.weight_decay),
    (QSpinBox, "batch_size_spin", 32, lambda s: s.batch_size),
    (QSpinBox, "epochs_spin", 50, lambda s: s.epochs),
    (NumberField, "seed_spin", 3, lambda s: s.seed),
    (QComboBox, "dtype_combo", "float64", lambda s: s.dtype),
])
def test_each_field_changes_the_spec(panel, model, cls, name, value, read) -> None:
    widget = _get(panel, cls, name)
    if isinstance(widget, QComboBox):
        _choose(widget, value)
    else:
        widget.setValue(value)
    assert read(model.spec) == pytest.approx(value) if isinstance(value, float) \
        else read(model.spec) == value
    assert model.undo_stack.count() == 1
    model.undo_stack.undo()
    assert model.spec == RunSpec()


def test_undo_text_and_merging_of_spins(panel, model) -> None:
    lr = _get(panel, NumberField, "lr_spin")
    for _ in range(5):
        lr.stepUp()
    assert model.spec.optimizer.lr > 0.1
    assert model.undo_stack.count() == 1 and model.undo_stack.undoText() == "Change lr"
    model.undo_stack.undo()
    assert model.spec == RunSpec() and lr.value() == pytest.approx(0.1)


def test_ranges_make_invalid_values_unenterable(qtbot, panel, model) -> None:
    # The bounds are the spec's (LIMITS), not a copy: lr 1e-7 and momentum 0.9995 are valid.
    expected = {"lr_spin": (0.0, 100.0), "momentum_spin": (0.0, 1.0),
                "batch_size_spin": (1, 1_000_000), "epochs_spin": (1, 100_000),
                "n_train_spin": (2, 1_000_000), "n_test_spin": (1, 1_000_000),
                "noise_spin": (0.0, 1.0), "beta2_spin": (0.0, 1.0)}
    for name, (lo, hi) in expected.items():
        spin = panel.findChild(QWidget, name)
        assert (spin.minimum(), spin.maximum()) == pytest.approx((lo, hi)), name
    lr = _get(panel, NumberField, "lr_spin")
    lr.selectAll()
    qtbot.keyClicks(lr, "0")  # lr must be > 0: refused where it was typed, spec unchanged
    qtbot.keyClick(lr, Qt.Key.Key_Return)
    assert model.spec == RunSpec() and "must be > 0" in lr.toolTip()


def test_adam_shows_betas_and_hides_momentum(panel, model) -> None:
    def visible(name: str) -> bool:
        return panel.findChild(QWidget, name).isVisibleTo(panel)

    assert visible("momentum_spin") and visible("nesterov_check") and not visible("beta1_spin")
    _choose(_get(panel, QComboBox, "optimizer_combo"), "adam")
    assert model.spec.optimizer.name == "adam"
    for name in ("beta1_spin", "beta2_spin", "eps_spin", "lr_spin", "weight_decay_spin"):
        assert visible(name), name
    for name in ("momentum_spin", "dampening_spin", "nesterov_check"):
        assert not visible(name), name
    _get(panel, NumberField, "beta1_spin").setValue(0.8)
    assert model.spec.optimizer.beta1 == pytest.approx(0.8)
    model.undo_stack.undo()
    model.undo_stack.undo()
    assert visible("momentum_spin") and not visible("beta1_spin")


def test_nesterov_needs_momentum_and_no_dampening(qtbot, panel, model) -> None:
    nesterov = _get(panel, QCheckBox, "nesterov_check")
    assert nesterov.isEnabled() and "momentum > 0" in nesterov.toolTip()
    indicator = QPoint(6, nesterov.height() // 2)  # the box itself: the row has no text
    qtbot.mouseClick(nesterov, Qt.MouseButton.LeftButton, pos=indicator)
    assert model.spec.optimizer.nesterov
    _get(panel, NumberField, "momentum_spin").setValue(0.0)
    # Turning momentum off also turns nesterov off, in the same undo step.
    assert model.spec.optimizer == OptimizerSpec(momentum=0.0, nesterov=False)
    assert not nesterov.isEnabled() and not nesterov.isChecked()
    model.undo_stack.undo()
    assert model.spec.optimizer.nesterov and nesterov.isEnabled()
    _get(panel, NumberField, "dampening_spin").setValue(0.5)
    assert not model.spec.optimizer.nesterov and not nesterov.isEnabled()


def test_regenerate_bumps_the_data_seed(qtbot, panel, model) -> None:
    qtbot.mouseClick(_get(panel, QPushButton, "regenerate_button"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(_get(panel, QPushButton, "regenerate_button"), Qt.MouseButton.LeftButton)
    assert model.spec.data.seed == 2 and _get(panel, NumberField, "data_seed_spin").value() == 2
    assert model.undo_stack.count() == 2 and model.undo_stack.undoText() == "Regenerate data"


def test_cuda_disabled_when_unavailable(panel) -> None:
    combo = _get(panel, QComboBox, "device_combo")
    index = combo.findData("cuda")
    assert not combo.model().item(index).isEnabled()
    assert combo.itemData(index, Qt.ItemDataRole.ToolTipRole) == CUDA_UNAVAILABLE
    assert combo.model().item(combo.findData("cpu")).isEnabled()


def test_cuda_enabled_when_available(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    panel = SettingsPanel(SpecModel())
    qtbot.addWidget(panel)
    combo = _get(panel, QComboBox, "device_combo")
    assert combo.model().item(combo.findData("cuda")).isEnabled()


def test_locked_disables_every_field(qtbot, panel, model) -> None:
    model.set_locked(True)
    for name in ("dataset_combo", "n_train_spin", "loss_combo", "lr_spin", "device_combo",
                 "dtype_combo", "epochs_spin", "regenerate_button", "nesterov_check"):
        assert not panel.findChild(QWidget, name).isEnabled(), name
    qtbot.mouseClick(_get(panel, QPushButton, "regenerate_button"), Qt.MouseButton.LeftButton)
    assert model.spec == RunSpec()
    model.set_locked(False)
    assert _get(panel, QComboBox, "dataset_combo").isEnabled()


def test_follows_external_changes_without_echo(qtbot, panel, model) -> None:
    opened = RunSpec(epochs=9, optimizer=OptimizerSpec(name="adam", lr=0.01))
    with qtbot.assertNotEmitted(model.undo_stack.indexChanged):
        model.reset(opened)
    assert _get(panel, QSpinBox, "epochs_spin").value() == 9
    assert _get(panel, NumberField, "lr_spin").value() == pytest.approx(0.01)
    assert _get(panel, NumberField, "beta1_spin").isVisibleTo(panel)
    assert model.spec == opened


def test_typing_eps_in_scientific_notation(qtbot, panel, model) -> None:
    _choose(_get(panel, QComboBox, "optimizer_combo"), "adam")
    eps = _get(panel, NumberField, "eps_spin")
    eps.selectAll()
    qtbot.keyClicks(eps, "1e-6")
    qtbot.keyClick(eps, Qt.Key.Key_Return)
    assert model.spec.optimizer.eps == pytest.approx(1e-6) and eps.text() == "1e-06"
    eps.stepBy(1)  # arrows scale by ten
    assert model.spec.optimizer.eps == pytest.approx(1e-5)


def test_rejected_edit_marks_the_field_and_keeps_the_spec(panel, model, monkeypatch) -> None:
    import studio.gui.setup.settings_panel as settings_panel

    def refuse(spec, path, value):
        raise SpecError("epochs", "refused for this test")

    epochs = _get(panel, QSpinBox, "epochs_spin")
    with monkeypatch.context() as patch:
        patch.setattr(settings_panel, "_with", refuse)
        epochs.setValue(7)
    assert model.spec == RunSpec() and model.undo_stack.count() == 0
    assert "refused" in epochs.toolTip() and "border" in epochs.styleSheet()
    epochs.setValue(8)
    assert model.spec.epochs == 8 and epochs.styleSheet() == ""
