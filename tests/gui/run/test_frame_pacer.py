"""FramePacer's rule, and FrameClock driving a real timer."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QWidget

from studio.gui.run.frame_pacer import FrameClock, FramePacer


def test_idle_frames_come_at_the_base_rate() -> None:
    pacer = FramePacer(33, budget=0.05, initial_cost_s=0.0)
    pacer.record(0.5)
    assert pacer.next_interval_ms(busy=False) == 33


def test_busy_frames_are_spaced_to_keep_drawing_within_budget() -> None:
    pacer = FramePacer(33, budget=0.05, max_interval_ms=1000, initial_cost_s=0.0)
    assert pacer.next_interval_ms(busy=True) == 33  # nothing measured: cheap
    pacer.record(0.004)
    pacer.record(0.006)  # one frame: its draw call and its paint
    assert pacer.next_interval_ms(busy=True) == 200  # 10 ms / 5%
    pacer.record(0.5)
    assert pacer.next_interval_ms(busy=True) == 1000  # capped: the views stay live


def test_the_estimate_rises_at_once_and_decays_by_halves() -> None:
    pacer = FramePacer(10, budget=0.1, initial_cost_s=0.0)
    pacer.record(0.02)
    assert pacer.next_interval_ms(busy=True) == 200
    assert pacer.next_interval_ms(busy=True) == 200  # a tick that drew nothing keeps it
    pacer.record(0.0)
    pacer.record(0.004)
    assert pacer.next_interval_ms(busy=True) == 120  # (20 + 4) / 2 ms
    pacer.record(0.03)
    assert pacer.next_interval_ms(busy=True) == 300


def test_reset_returns_to_the_initial_guess() -> None:
    pacer = FramePacer(33, budget=0.05, initial_cost_s=0.01)
    assert pacer.next_interval_ms(busy=True) == 200  # unmeasured: assume 10 ms a frame
    pacer.record(0.05)
    pacer.next_interval_ms(busy=True)
    pacer.reset()
    assert pacer.cost_s == 0.01 and pacer.next_interval_ms(busy=True) == 200


@pytest.mark.parametrize("kwargs", [dict(base_interval_ms=0), dict(budget=0.0),
                                    dict(budget=1.5), dict(max_interval_ms=10)])
def test_bad_settings_are_refused(kwargs) -> None:
    with pytest.raises(ValueError):
        FramePacer(**{"base_interval_ms": 33, **kwargs})


def test_clock_paces_a_costly_draw_only_while_busy(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    calls = []

    def draw() -> None:
        calls.append(time.perf_counter())
        time.sleep(0.01)  # a 10 ms frame

    clock = FrameClock(draw, 20, window)
    clock.set_active(True, busy=True)
    qtbot.waitUntil(lambda: len(calls) >= 2, timeout=5000)
    assert clock.interval_ms >= 150  # ~10 ms / 5%, not the base 20 ms
    clock.set_active(True, busy=False)  # paused: full rate again from the next frame
    qtbot.waitUntil(lambda: clock.interval_ms == 20, timeout=5000)
    clock.set_active(False)
    n = len(calls)
    qtbot.wait(100)
    assert len(calls) == n
