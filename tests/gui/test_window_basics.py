"""The main window: defaults, accessible widgets, building a stack by clicks and training."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSpinBox, QWidget
from window_helpers import RUN_TIMEOUT_MS, make_window

from studio.core import RunSpec
from studio.gui.main_window import MainWindow
from studio.gui.run.run_controller import RunState

KEY_WIDGETS = ("start_button", "pause_button", "step_button", "stop_button", "reset_button",
               "progress_bar", "loss_plot", "accuracy_plot", "region_plot", "log_scale_check",
               "layer_list", "add_layer_button", "epochs_spin")


def test_opens_with_the_seed_network_ready_to_train(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.spec_model.spec == RunSpec()
    assert window.windowTitle() == "untitled — minidl-studio"
    assert window.controls.start_button.isEnabled()
    assert not window.controls.stop_button.isEnabled()
    assert not window.spec_model.locked
    # The data to be trained on is visible before any run.
    assert len(window.region.train_scatter.data) == 1000


def test_key_widgets_have_object_and_accessible_names(qtbot):
    window = make_window(qtbot)
    for name in KEY_WIDGETS:
        widget = window.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.accessibleName(), name
    names = {"new", "open", "save", "save_as", "export_curves_png", "export_curves_csv",
             "export_region_png", "quit", "undo", "redo"}
    assert names <= set(window.actions)
    assert any(name.startswith("example_") for name in window.actions)


def test_build_a_stack_by_clicks_then_train(qtbot):
    window = make_window(qtbot)
    add = window.findChild(QPushButton, "add_layer_button")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    assert len(window.spec_model.spec.layers) == 4
    assert window.windowTitle().endswith("* — minidl-studio")
    epochs = window.findChild(QSpinBox, "epochs_spin")
    epochs.setValue(4)
    assert window.spec_model.spec.epochs == 4

    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS) as ended:
        qtbot.mouseClick(window.controls.start_button, Qt.MouseButton.LeftButton)
        assert window.spec_model.locked  # the run exists: architecture edits are locked
    assert ended.args == ["done"]
    assert not window.spec_model.locked
    assert window.controller.state == RunState.ENDED
    assert [r.epoch for r in window.controller.reports] == [1, 2, 3, 4]
    for curve in window.curves.curves.values():
        assert len(curve.xData) == 4
    image = window.region.image.image
    assert image is not None and image.shape == (64, 64)
    assert np.all((image >= 0) & (image <= 1))
    assert window.controls.progress_bar.value() == 4
    assert window.controls.progress_bar.maximum() == 4
    assert "Finished" in window.statusBar().currentMessage()


def test_log_scale_toggle_and_hover_readout(qtbot):
    window = make_window(qtbot)
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controls.start_button.click()
    qtbot.mouseClick(window.curves.log_scale_check, Qt.MouseButton.LeftButton)
    assert window.curves.loss_plot.getPlotItem().ctrl.logYCheck.isChecked()
    text = window.curves.show_readout(window.curves.loss_plot, 2.2)
    first = window.controller.reports[1]
    assert text.startswith("epoch 2 ")
    assert f"{first.train_loss:.4g}" in text
    assert "epoch 2" in window.curves.readout.text()


def test_misclassified_rings_follow_the_grid(qtbot):
    window = make_window(qtbot)
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controls.start_button.click()
    last = window.controller.reports[-1]
    rings = window.region.misclassified_count
    # The rings come from the displayed grid (bilinear), so they match the engine's test
    # accuracy up to points right on the boundary.
    assert abs(rings - round((1 - last.test_acc) * 100)) <= 5


def test_the_window_composes_its_document_and_commands_instead_of_mixins(qtbot):
    from PySide6.QtWidgets import QMainWindow

    from studio.gui.document import Document

    assert MainWindow.__bases__ == (QMainWindow,)
    window = make_window(qtbot)
    assert isinstance(window.document, Document) and window.document.model is window.spec_model
    assert not hasattr(window, "recent_menu")  # the menus no longer write window state
    window.spec_model.set_spec(RunSpec(epochs=4))
    assert window.windowTitle() == window.document.title() == "untitled* — minidl-studio"
