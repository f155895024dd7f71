"""Issue 13: runs release what they held, and stopping never waits on a batch in the GUI thread.

Start/Reset cycles used to leak each run's whole worker (model, gradients, optimiser buffers,
data): an 8x1024 network grew 349 -> 1,886 MB RSS in six cycles.
"""

from __future__ import annotations

import dataclasses
import gc
import threading
import time

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from window_helpers import RUN_TIMEOUT_MS, SMALL, make_window

import studio.core.evaluation as evaluation_module
from studio.core import LayerSpec, Session, save_spec
from studio.gui.run.run_controller import STOP_WAIT_MS, RunState
from studio.gui.run.worker import TrainingWorker
from studio.gui.threads import running_threads

CYCLES = 6
WIDE = dataclasses.replace(SMALL, epochs=100_000,
                           layers=tuple(LayerSpec(width=128) for _ in range(3)))
SLOW_CHUNK_S = 2.5  # one evaluation chunk of a 12x1024 network on a large set, say
BOUND_S = STOP_WAIT_MS / 1000 + 0.5  # what the GUI thread may block, with slack for a busy CI


def _live(cls) -> int:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    return sum(type(obj) is cls for obj in gc.get_objects())  # isinstance wakes lazy modules


def test_start_reset_cycles_keep_at_most_one_worker(qtbot):
    window = make_window(qtbot, WIDE)
    controller = window.controller
    threads_before = threading.active_count()
    for _ in range(CYCLES):
        controller.start()
        qtbot.waitUntil(lambda: len(controller.reports) >= 1, timeout=RUN_TIMEOUT_MS)
        controller.reset()  # mid-run, as a user does: stop, wait, drop the curves
        assert _live(TrainingWorker) == 0
        assert _live(Session) == 0
    assert running_threads() == 0
    assert threading.active_count() <= threads_before + 1  # pools may start one lazily


def test_a_finished_run_keeps_no_session(qtbot):
    window = make_window(qtbot)
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controller.start()
    assert window.controller.reports  # the curves stay, the model does not
    assert _live(Session) == 0


@pytest.fixture
def slow_evaluation(monkeypatch) -> threading.Event:
    """Make one evaluation chunk take SLOW_CHUNK_S (uninterruptible); set once one started."""
    inside = threading.Event()
    real = evaluation_module.evaluate

    def slow_evaluate(*args, **kwargs):
        if not inside.is_set():
            inside.set()
            time.sleep(SLOW_CHUNK_S)  # releases the GIL, like a long torch kernel
        return real(*args, **kwargs)

    monkeypatch.setattr(evaluation_module, "evaluate", slow_evaluate)
    return inside


def _start_slow(qtbot, inside: threading.Event):
    window = make_window(qtbot, dataclasses.replace(SMALL, epochs=100_000))
    window.controller.start()
    qtbot.waitUntil(inside.is_set, timeout=RUN_TIMEOUT_MS)
    return window


def test_closing_during_a_long_evaluation_waits_without_aborting(qtbot, slow_evaluation):
    window = _start_slow(qtbot, slow_evaluation)
    start = time.perf_counter()
    assert not window.close()  # never destroy a running thread: the close waits for it
    assert time.perf_counter() - start < BOUND_S
    assert window.isVisible() and "Stopping" in window.statusBar().currentMessage()
    assert not window.controls.start_button.isEnabled()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=RUN_TIMEOUT_MS)
    assert running_threads() == 0 and not window.controller.is_active


def test_opening_a_file_during_a_long_evaluation_opens_it_once_stopped(qtbot, tmp_path,
                                                                       slow_evaluation):
    path = tmp_path / "other.json"
    other = dataclasses.replace(SMALL, name="other")
    save_spec(path, other)
    window = _start_slow(qtbot, slow_evaluation)
    start = time.perf_counter()
    assert window.open_path(path)
    assert time.perf_counter() - start < BOUND_S  # the GUI did not freeze
    assert "Stopping" in window.statusBar().currentMessage()
    assert not window.controls.start_button.isEnabled()  # never silently ignored
    qtbot.waitUntil(lambda: window.spec_model.spec == other, timeout=RUN_TIMEOUT_MS)
    assert window.controller.state == RunState.IDLE and not window.spec_model.locked
    assert window.controls.start_button.isEnabled()
    assert window.statusBar().currentMessage() == f"Opened {path}."


def test_reset_during_a_long_evaluation_resets_once_stopped(qtbot, slow_evaluation):
    window = _start_slow(qtbot, slow_evaluation)
    controller = window.controller
    start = time.perf_counter()
    controller.reset()
    assert time.perf_counter() - start < BOUND_S
    assert controller.state == RunState.STOPPING
    assert not window.controls.start_button.isEnabled()
    qtbot.waitUntil(lambda: controller.state == RunState.IDLE, timeout=RUN_TIMEOUT_MS)
    assert controller.reports == [] and window.controls.start_button.isEnabled()
    with qtbot.waitSignal(controller.epoch_finished, timeout=RUN_TIMEOUT_MS):
        window.controls.start_button.click()  # Start works again
    controller.reset()
