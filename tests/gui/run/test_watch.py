"""Issue 8, "watch it learn": pace, timeline, probes, continue/fork, history, session files."""

from __future__ import annotations

import dataclasses
import threading
import time

from PIL import Image
from window_helpers import RUN_TIMEOUT_MS, SMALL, make_window

from studio.core import train
from studio.gui import dialogs
from studio.gui.main_window import FRAME_BUDGET, FRAME_INTERVAL_MS
from studio.gui.run.controls import PACES

MEDIUM = dataclasses.replace(SMALL, epochs=40)


def _key(r):
    return (r.epoch, r.train_loss, r.test_loss, r.train_acc, r.test_acc, r.steps)


def _run(qtbot, window, start=None):
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        (start or window.controller.start)()


def _set_pace(window, pace):
    window.controls.pace_slider.setValue(PACES.index(pace))


def test_probe_runs_in_the_worker_and_arrives_in_the_gui_thread(qtbot):
    window = make_window(qtbot)
    controller = window.controller
    got = []
    controller.probe_ready.connect(lambda name, epoch, payload: got.append((name, epoch, payload)))
    controller.add_probe("thread", lambda session, report: (report.epoch, session.epoch,
                                                            threading.get_ident()),
                         every_epoch=True)
    controller.add_probe("redraw", lambda session, report: report.grid is not None)
    _run(qtbot, window)
    qtbot.waitUntil(lambda: len([g for g in got if g[0] == "thread"]) == 3)
    every = [g for g in got if g[0] == "thread"]
    assert [(e, p[0], p[1]) for _n, e, p in every] == [(1, 1, 1), (2, 2, 2), (3, 3, 3)]
    assert all(p[2] != threading.get_ident() for _n, _e, p in every)  # asked in the worker
    # At a set pace a grid is computed every epoch, so the redraw probe runs every epoch too.
    assert [(e, p) for n, e, p in got if n == "redraw"] == [(1, True), (2, True), (3, True)]


def test_default_pace_is_watchable_and_max_takes_effect_at_once(qtbot):
    window = make_window(qtbot, dataclasses.replace(SMALL, epochs=400))
    controller = window.controller
    assert controller.pace == 15.0 and window.controls.pace_label.text() == "15 epochs/s"
    _set_pace(window, 2.0)
    controller.start()
    qtbot.waitUntil(lambda: len(controller.reports) >= 1, timeout=RUN_TIMEOUT_MS)
    start = time.perf_counter()
    qtbot.waitUntil(lambda: len(controller.reports) >= 2, timeout=RUN_TIMEOUT_MS)
    assert time.perf_counter() - start > 0.3  # 2 epochs/s: ~0.5 s an epoch
    assert all(r.grid is not None for r in controller.reports)  # redrawn every epoch
    with qtbot.waitSignal(controller.run_ended, timeout=RUN_TIMEOUT_MS):
        _set_pace(window, None)  # Max: the sleeping worker wakes and races to the end
    assert window.controls.pace_label.text() == "Max"
    assert [_key(r) for r in controller.reports] == [
        _key(r) for r in train(dataclasses.replace(SMALL, epochs=400))]


def test_at_a_set_pace_every_epoch_is_drawn_and_only_max_paces_frames_by_cost(qtbot):
    window = make_window(qtbot, dataclasses.replace(SMALL, epochs=10))
    controller = window.controller
    _set_pace(window, 10.0)  # 0.1 s an epoch: three frame ticks each
    drawn = set()
    draw_region = window.region.refresh

    def spy():  # the region as the window draws it, frame by frame
        drawn.add(controller.reports[-1].epoch if controller.reports else 0)
        draw_region()

    window.region.refresh = spy
    controller.start()
    qtbot.waitUntil(lambda: len(controller.reports) >= 2, timeout=RUN_TIMEOUT_MS)
    assert not window._frames.busy  # the worker sleeps between epochs: frames at full rate
    qtbot.waitUntil(lambda: not controller.is_active, timeout=RUN_TIMEOUT_MS)
    assert len(controller.reports) == 10
    # Every epoch's region was on screen (the first may come while the window is still busy
    # starting the run, so it is not required; the old cost-paced frames drew 3 of 10).
    assert set(range(2, 11)) <= drawn
    window.spec_model.set_spec(dataclasses.replace(SMALL, epochs=100_000))
    _set_pace(window, None)
    controller.start()
    qtbot.waitUntil(lambda: bool(controller.reports) and window._frames.busy,
                    timeout=RUN_TIMEOUT_MS)
    _set_pace(window, 15.0)  # a pace takes effect on the frames at once, mid-run
    assert not window._frames.busy
    assert window._frames.interval_ms == FRAME_INTERVAL_MS
    assert window._frames.pacer.budget == FRAME_BUDGET == 0.025  # Max: as the README says
    with qtbot.waitSignal(controller.run_ended, timeout=RUN_TIMEOUT_MS):
        controller.stop()


def test_scrubbing_back_mid_run_replays_without_disturbing_the_worker(qtbot):
    window = make_window(qtbot, MEDIUM)
    controller = window.controller
    _set_pace(window, 30.0)
    selected = []
    controller.epoch_selected.connect(lambda epoch, weights: selected.append((epoch, weights)))
    with qtbot.waitSignal(controller.run_ended, timeout=RUN_TIMEOUT_MS):
        controller.start()
        qtbot.waitUntil(lambda: window.timeline_bar.slider.maximum() >= 6,
                        timeout=RUN_TIMEOUT_MS)
        started = time.perf_counter()
        window.timeline_bar.slider.setValue(3)
        assert time.perf_counter() - started < 0.05  # the UI stall of a replay
        assert window.selection.epoch == 3
        assert window.region.summary.parentWidget().title() == "Epoch 3 (timeline replay)"
        assert "3 / 40" in window.region.summary.text()
        assert window.curves.overlays.cursor_epoch == 3
        epoch, weights = selected[-1]
        assert epoch == 3 and weights is not None
        entry = controller.log.timeline.entry(3)
        assert all((weights[k] == entry.weights[k]).all() for k in weights)
    assert window.selection.epoch == 3  # still replaying: the scrubber did not jump
    assert [_key(r) for r in controller.reports] == [_key(r) for r in train(MEDIUM)]
    assert len(controller.log.timeline) == 40  # every epoch recorded
    window.timeline_bar.slider.setValue(40)  # to the end: follow again
    assert window.selection.epoch is None and window.curves.overlays.cursor_epoch is None


def test_continue_trains_on_exactly_as_a_longer_planned_run(qtbot):
    window = make_window(qtbot)
    controls = window.controls
    assert controls.continue_epochs.value() == 3 and not controls.continue_button.isEnabled()
    _run(qtbot, window)
    assert controls.continue_button.isEnabled()
    controls.continue_epochs.setValue(4)
    _run(qtbot, window, controls.continue_button.click)
    longer = dataclasses.replace(SMALL, epochs=7)
    assert [_key(r) for r in window.controller.reports] == [_key(r) for r in train(longer)]
    assert controls.progress_bar.text() == "epoch 7 / 7"
    # Step after a finished run trains one more epoch instead of starting again.
    with qtbot.waitSignal(window.controller.epoch_finished, timeout=RUN_TIMEOUT_MS):
        window.controls.step_button.click()
    assert [r.epoch for r in window.controller.reports][-2:] == [7, 8]
    window.controller.stop()
    qtbot.waitUntil(lambda: not window.controller.is_active, timeout=RUN_TIMEOUT_MS)


def test_new_optimizer_settings_while_paused_fork_the_run(qtbot):
    window = make_window(qtbot, MEDIUM)
    controller, model = window.controller, window.spec_model
    with qtbot.waitSignal(controller.epoch_finished, timeout=RUN_TIMEOUT_MS):
        controller.step()
    assert window.settings_panel.editor("lr_spin").isEnabled()
    assert not window.settings_panel.editor("epochs_spin").isEnabled()  # data/run: fixed
    spec = model.spec
    model.set_spec(dataclasses.replace(spec, optimizer=dataclasses.replace(
        spec.optimizer, lr=0.03)))
    with qtbot.waitSignal(controller.forked, timeout=RUN_TIMEOUT_MS) as blocker:
        with qtbot.waitSignal(controller.run_ended, timeout=RUN_TIMEOUT_MS):
            controller.resume()
    marker = blocker.args[0]
    assert (marker.epoch, marker.label) == (1, "lr 0.1 → 0.03")
    assert controller.log.history.current.markers == (marker,)
    assert window.curves.overlays.fork_labels == ["lr 0.1 → 0.03"]
    # Epoch 1 at lr 0.1, then lr 0.03: exactly Session.fork's numbers.
    from studio.core import Session
    session = Session(MEDIUM)
    first = list(session.run(1, grid_every=0))
    rest = list(session.fork(optimizer=model.spec.optimizer).run(grid_every=0))
    assert [_key(r) for r in controller.reports] == [_key(r) for r in first + rest]


def test_session_file_reopens_history_and_continues_with_the_same_numbers(qtbot, tmp_path):
    window = make_window(qtbot)
    _run(qtbot, window)
    path = tmp_path / "s.mdls"
    assert window.files.save_session_to(path)
    other = make_window(qtbot)
    assert other.open_path(path, confirm=False)
    controller = other.controller
    assert [_key(r) for r in controller.reports] == [_key(r) for r in train(SMALL)]
    assert len(controller.log.history) == 1 and len(controller.log.timeline) == 3
    assert other.history_panel.tree.topLevelItemCount() == 1
    assert other.controls.continue_button.isEnabled()
    other.controls.continue_epochs.setValue(2)
    _run(qtbot, other, other.controls.continue_button.click)
    longer = dataclasses.replace(SMALL, epochs=5)
    assert [_key(r) for r in controller.reports] == [_key(r) for r in train(longer)]


def test_training_animation_export_through_the_menu(qtbot, tmp_path, monkeypatch):
    window = make_window(qtbot)
    _run(qtbot, window)
    path = tmp_path / "region.gif"
    monkeypatch.setattr(dialogs, "get_save_path", lambda *a, **k: str(path))
    window.actions["export_animation"].trigger()
    with Image.open(path) as gif:
        assert gif.n_frames == 3


def test_history_lists_runs_and_overlays_ticked_ones(qtbot):
    window = make_window(qtbot)
    for lr in (0.1, 0.05, 0.02):
        spec = window.spec_model.spec
        window.spec_model.set_spec(dataclasses.replace(
            spec, optimizer=dataclasses.replace(spec.optimizer, lr=lr)))
        _run(qtbot, window)
    tree = window.history_panel.tree
    assert tree.topLevelItemCount() == 3
    assert tree.topLevelItem(1).text(1) == "lr 0.1 → 0.05"
    assert tree.topLevelItem(2).text(4) == "3"
    window.history_panel.set_ticked(1)
    window.history_panel.set_ticked(2)
    assert sorted(window.curves.overlays.overlays) == [1, 2]
    tree.topLevelItem(0).setText(0, "baseline")
    assert window.controller.log.history[1].name == "baseline"
    window.history_panel.set_ticked(1, False)
    assert sorted(window.curves.overlays.overlays) == [2]
