"""Run controls through the window: pause/resume/step/stop/reset, divergence, closing."""

from __future__ import annotations

import dataclasses
import itertools
import time

import numpy as np
from PySide6.QtCore import Qt
from window_helpers import RUN_TIMEOUT_MS, SMALL, make_window, with_epochs

from studio.core import train
from studio.gui.run.run_controller import RunState

LONG = dataclasses.replace(SMALL, epochs=100_000)


def _settle(qtbot, controller) -> int:
    """Let an in-flight report land; return the report count once it is stable."""
    qtbot.wait(150)
    return len(controller.reports)


def test_pause_resume_step_stop(qtbot):
    window = make_window(qtbot, LONG)
    controls, controller = window.controls, window.controller
    qtbot.mouseClick(controls.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(controller.reports) >= 2, timeout=RUN_TIMEOUT_MS)

    qtbot.mouseClick(controls.pause_button, Qt.MouseButton.LeftButton)
    assert controller.state == RunState.PAUSED
    assert controls.pause_button.text() == "Resume"
    assert controls.step_button.isEnabled()
    n = _settle(qtbot, controller)
    assert _settle(qtbot, controller) == n  # paused: nothing more arrives
    # The epoch in flight at the click lands after it: the status names the last one shown.
    qtbot.waitUntil(lambda: window.statusBar().currentMessage()
                    == f"Paused after epoch {controller.reports[-1].epoch}.", timeout=2000)

    with qtbot.waitSignal(controller.epoch_finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(controls.step_button, Qt.MouseButton.LeftButton)
    assert _settle(qtbot, controller) == n + 1  # exactly one epoch
    assert controller.reports[-1].epoch == n + 1

    qtbot.mouseClick(controls.pause_button, Qt.MouseButton.LeftButton)  # resume
    assert controller.state == RunState.RUNNING
    qtbot.waitUntil(lambda: len(controller.reports) >= n + 3, timeout=RUN_TIMEOUT_MS)

    with qtbot.waitSignal(controller.run_ended, timeout=RUN_TIMEOUT_MS) as ended:
        qtbot.mouseClick(controls.stop_button, Qt.MouseButton.LeftButton)
    assert ended.args == ["stopped"]
    assert not window.spec_model.locked
    kept = len(controller.reports)
    qtbot.wait(50)
    window.curves.refresh()
    assert len(window.curves.curves["test_loss"].xData) == kept  # the curves stay


def test_step_from_idle_trains_one_epoch(qtbot):
    window = make_window(qtbot)
    with qtbot.waitSignal(window.controller.epoch_finished, timeout=RUN_TIMEOUT_MS):
        qtbot.mouseClick(window.controls.step_button, Qt.MouseButton.LeftButton)
    assert window.controller.state == RunState.PAUSED
    # Issue 8: paused, the optimiser settings may change (they fork the run on resume); the
    # architecture stays locked.
    assert not window.spec_model.locked and not window.layer_stack.isEnabled()
    assert [r.epoch for r in window.controller.reports] == [1]


def test_reset_replays_the_same_seeded_run(qtbot):
    window = make_window(qtbot)
    controller = window.controller
    with qtbot.waitSignal(controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controls.start_button.click()
    first = [(r.train_loss, r.test_acc) for r in controller.reports]
    qtbot.mouseClick(window.controls.reset_button, Qt.MouseButton.LeftButton)
    assert controller.state == RunState.IDLE and controller.reports == []
    x = window.curves.curves["train_loss"].xData
    assert x is None or len(x) == 0
    assert window.region.image.image is None
    with qtbot.waitSignal(controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controls.start_button.click()
    assert [(r.train_loss, r.test_acc) for r in controller.reports] == first


def test_reset_mid_run_drops_late_reports(qtbot):
    window = make_window(qtbot, LONG)
    controller = window.controller
    window.controls.start_button.click()
    qtbot.waitUntil(lambda: len(controller.reports) >= 1, timeout=RUN_TIMEOUT_MS)
    window.controls.reset_button.click()
    qtbot.wait(100)  # any report queued before the reset must not come back
    assert controller.reports == [] and not controller.is_active
    assert not window.spec_model.locked


def test_divergence_stops_with_a_message_and_keeps_curves(qtbot, dialog_calls):
    window = make_window(qtbot)
    spec = window.spec_model.spec
    window.spec_model.set_spec(dataclasses.replace(
        spec, epochs=200, optimizer=dataclasses.replace(spec.optimizer, lr=50.0)))
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS) as ended:
        window.controls.start_button.click()
    assert ended.args == ["diverged"]
    warnings = [args for name, args in dialog_calls if name == "show_warning"]
    assert len(warnings) == 1 and "learning rate" in warnings[0][2]
    reports = window.controller.reports
    assert reports[-1].diverged and len(reports) < 200
    finite = sum(1 for r in reports if not r.diverged)
    assert len(window.curves.curves["train_acc"].xData) >= finite
    assert not window.spec_model.locked
    assert "Diverged" in window.statusBar().currentMessage()


def test_closing_mid_training_stops_the_thread_in_bounds(qtbot):
    window = make_window(qtbot, LONG)
    window.controls.start_button.click()
    qtbot.waitUntil(lambda: len(window.controller.reports) >= 2, timeout=RUN_TIMEOUT_MS)
    start = time.perf_counter()
    assert window.close()
    assert time.perf_counter() - start < 2.0
    assert not window.controller.is_active


def test_epochs_spin_drives_the_run_length(qtbot):
    window = make_window(qtbot)
    with_epochs(window, 2)
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controls.start_button.click()
    assert window.controls.progress_bar.value() == 2


def test_a_paused_run_shows_the_grid_of_its_last_epoch(qtbot):
    # During a run the engine skips most grids; pausing must still show the exact grid.
    window = make_window(qtbot, LONG)
    controller = window.controller
    window.controls.start_button.click()
    qtbot.waitUntil(lambda: len(controller.reports) >= 3, timeout=RUN_TIMEOUT_MS)
    window.controls.pause_button.click()
    n = _settle(qtbot, controller)
    qtbot.waitUntil(lambda: window.region._grid is controller.last_grid, timeout=RUN_TIMEOUT_MS)
    expected = next(itertools.islice(train(LONG, grid_every=n), n - 1, None)).grid
    assert np.array_equal(controller.last_grid, expected)
    assert window.curves.curves["train_loss"].xData[-1] == n  # the curves are complete too
    window.controls.stop_button.click()
