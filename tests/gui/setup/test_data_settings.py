"""The data settings of issue 10: feature toggles, the classes spin, the test fraction, and the
input and output widths that follow them."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from studio.core.limits import LIMITS
from studio.core.spec import DataSpec, RunSpec
from studio.gui.setup.architecture_view import ArchitectureSummary
from studio.gui.setup.layer_stack import LayerStackWidget
from studio.gui.setup.number_field import NumberField
from studio.gui.setup.settings_panel import CUSTOM_TEXT, SettingsPanel

CUSTOM = RunSpec(data=DataSpec(name="custom", points=((0.1, 0.2, 0), (0.8, 0.9, 1),
                                                      (0.2, 0.1, 0), (0.9, 0.7, 1))))


@pytest.fixture
def views(qtbot, model, monkeypatch) -> QWidget:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    host = QWidget()
    layout = QHBoxLayout(host)
    for view in (SettingsPanel(model), LayerStackWidget(model), ArchitectureSummary(model)):
        layout.addWidget(view)
    qtbot.addWidget(host)
    host.show()
    return host


def _check(views, name: str) -> QCheckBox:
    return views.findChild(QCheckBox, f"feature_{name}")


def test_feature_toggles_change_the_spec_and_the_input_width(qtbot, views, model):
    field = LIMITS["data.features"]
    checks = views.findChild(QWidget, "feature_checks")
    assert [c.text() for c in checks.findChildren(QCheckBox)] == \
        ["x", "y", "x²", "y²", "x·y", "sin x", "sin y"]
    assert field.about in checks.toolTip()
    qtbot.mouseClick(_check(views, "x2"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(_check(views, "y2"), Qt.MouseButton.LeftButton)
    assert model.spec.data.features == ("x", "y", "x2", "y2")
    assert views.findChild(QLabel, "input_row_label").text() == "Input · 4 features"
    assert views.findChild(ArchitectureSummary).text().startswith("4 → 25")
    model.undo_stack.undo()
    assert model.spec.data.features == ("x", "y", "x2")
    assert _check(views, "x2").isChecked() and not _check(views, "y2").isChecked()


def test_the_last_feature_cannot_be_unchecked(qtbot, views, model):
    qtbot.mouseClick(_check(views, "x"), Qt.MouseButton.LeftButton)
    assert model.spec.data.features == ("y",)
    assert not _check(views, "y").isEnabled()
    qtbot.mouseClick(_check(views, "y"), Qt.MouseButton.LeftButton)
    assert model.spec.data.features == ("y",)
    model.set_locked(True)
    assert not _check(views, "x").isEnabled()


def test_classes_spin_follows_the_data_set(qtbot, views, model):
    spin = views.findChild(QSpinBox, "classes_spin")
    assert (spin.minimum(), spin.maximum()) == (2, 8)
    assert LIMITS["data.classes"].about in spin.toolTip()
    assert not spin.isEnabled()  # the disk has two classes
    combo = views.findChild(QComboBox, "dataset_combo")
    combo.setCurrentIndex(combo.findData("spiral"))
    assert spin.isEnabled()
    spin.setValue(3)
    assert model.spec.data == DataSpec(name="spiral", classes=3)
    assert views.findChild(QLabel, "output_row_label").text() == "Output · 3 classes"
    assert views.findChild(ArchitectureSummary).text().split(" · ")[0].endswith("→ 3")
    combo.setCurrentIndex(combo.findData("xor"))  # two-class again, in the same step
    assert (model.spec.data.name, model.spec.data.classes) == ("xor", 2)
    assert spin.value() == 2 and not spin.isEnabled()


def test_custom_data_shows_its_own_fields(views, model):
    model.reset(CUSTOM)
    combo = views.findChild(QComboBox, "dataset_combo")
    assert combo.currentIndex() == -1 and combo.placeholderText() == CUSTOM_TEXT
    fraction = views.findChild(NumberField, "test_fraction_spin")
    assert fraction.isEnabled() and not views.findChild(QSpinBox, "n_train_spin").isEnabled()
    fraction.setValue(0.25)
    assert model.spec.data.test_fraction == 0.25
    assert views.findChild(QSpinBox, "classes_spin").isEnabled()
    # Picking a generated set drops the points (one undo step brings them back).
    combo.setCurrentIndex(combo.findData("disk"))
    assert model.spec.data == replace(DataSpec(), test_fraction=0.25)
    assert not fraction.isEnabled()
    model.undo_stack.undo()
    assert model.spec.data.points == CUSTOM.data.points
    assert fraction.isEnabled()
