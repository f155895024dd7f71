"""Issue 8: plot state that never lies (each of these failed on the window before it)."""

from __future__ import annotations

import dataclasses

from window_helpers import RUN_TIMEOUT_MS, SMALL, make_window


def _run(qtbot, window):
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controller.start()


def test_progress_before_any_run_reads_the_planned_epochs(qtbot):
    window = make_window(qtbot, dataclasses.replace(SMALL, epochs=200))
    assert window.controls.progress_bar.text() == "epoch 0 / 200"


def test_a_zoom_and_hover_box_are_cleared_by_the_next_run_and_reset(qtbot):
    window = make_window(qtbot)
    _run(qtbot, window)
    curves = window.curves
    view = curves.loss_plot.getPlotItem().getViewBox()
    view.setRange(xRange=(1.5, 2.0))  # what a mouse zoom does
    curves.show_readout(curves.loss_plot, 2.0, curves.loss_plot.getPlotItem().vb.pos())
    text, _line = curves._markers[curves.loss_plot]
    assert not view.autoRangeEnabled()[0] and text.isVisible()
    _run(qtbot, window)
    assert view.autoRangeEnabled()[0] and not text.isVisible()
    view.setRange(xRange=(1.5, 2.0))
    window.controller.reset()
    assert view.autoRangeEnabled()[0] and view.viewRange()[0][0] >= 0.0


def test_one_epoch_is_visible_and_the_epoch_axis_never_goes_negative(qtbot):
    window = make_window(qtbot)
    with qtbot.waitSignal(window.controller.epoch_finished, timeout=RUN_TIMEOUT_MS):
        window.controller.step()
    qtbot.waitUntil(lambda: window.curves.curves["test_loss"].xData is not None
                    and len(window.curves.curves["test_loss"].xData) == 1)
    assert window.curves.curves["test_loss"].opts["symbol"] == "o"
    view = window.curves.loss_plot.getPlotItem().getViewBox()
    view.setRange(xRange=(-300, 300))
    assert view.viewRange()[0][0] >= 0.0


def test_log_scale_labels_decades_only(qtbot):
    window = make_window(qtbot)
    window.curves.log_scale_check.setChecked(True)
    assert window.curves.loss_plot.getPlotItem().getAxis("left").style["maxTextLevel"] == 0


def test_changed_setup_greys_the_previous_run(qtbot):
    window = make_window(qtbot)
    _run(qtbot, window)
    assert not window.curves.is_stale
    window.spec_model.set_spec(dataclasses.replace(SMALL, seed=SMALL.seed + 1))
    assert window.curves.is_stale
    assert "previous run" in window.curves.loss_plot.getPlotItem().titleLabel.text
    assert window.region.summary.parentWidget().title().startswith("Previous run")
    assert not window.region.summary.isEnabled()
    _run(qtbot, window)
    assert not window.curves.is_stale
