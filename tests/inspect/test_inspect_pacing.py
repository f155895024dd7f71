"""Cost-paced redraws of the Look-inside views: slow redraws are spaced, never lost."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from studio.core import Session
from studio.core.examples import load_example
from studio.core.inspect import neuron_maps
from studio.gui.inspect.health_panel import HealthPanel
from studio.gui.inspect.network_view import NetworkView
from studio.gui.inspect.view_pacer import CostGate


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_gate_spaces_redraws_by_their_cost() -> None:
    clock = FakeClock()
    gate = CostGate(budget=0.05, max_wait_s=2.0, clock=clock)
    assert gate.wait_s() == 0.0                       # nothing measured: draw now
    gate.record(0.010)                                # 10 ms at 5% -> 200 ms apart
    assert gate.wait_s() == pytest.approx(0.2)
    clock.now += 0.15
    assert gate.wait_s() == pytest.approx(0.05)
    gate.record(0.002)                                # cheap once: the estimate halves only
    assert gate.cost_s == pytest.approx(0.006)
    gate.record(1.0)                                  # very slow: still live within 2 s
    assert gate.wait_s() == pytest.approx(2.0)
    gate.reset()
    assert gate.wait_s() == 0.0
    with pytest.raises(ValueError):
        CostGate(budget=0.0)


def test_a_slow_network_picture_is_deferred_not_dropped(qtbot) -> None:
    view = NetworkView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    canvas = view.canvas
    session = Session(load_example("seed_a"))
    first = neuron_maps(session, 8, 4)
    view.set_maps(first)
    canvas.grab()                                     # no picture yet: drawn at once ...
    qtbot.waitUntil(lambda: canvas._picture is not None)   # ... in pieces
    assert canvas._picture_of[0] is first
    canvas.gate.record(10.0)                          # the last picture was very slow
    second = neuron_maps(session, 8, 4)
    view.set_maps(second)
    canvas.grab()
    assert view.maps is second                        # the data is current at once ...
    assert canvas._picture_of[0] is first             # ... its picture waits for the budget
    assert canvas._timer.isActive()
    canvas.gate.reset()                               # the budget allows it again ...
    canvas.grab()
    assert canvas._picture_of[0] is first             # ... drawn in pieces, a layer a turn
    qtbot.waitUntil(lambda: canvas._picture_of[0] is second)
    assert canvas._steps is None and canvas.gate.cost_s > 0.0


def test_health_ticks_within_the_budget_spacing_are_skipped(qtbot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    panel = HealthPanel(host)
    host.show()
    calls = []
    panel._draw_curves = lambda: calls.append(1)
    panel._dirty = True
    panel._on_timer_timeout()
    assert calls == [1] and panel._paint_timer.isActive()   # painted in the next turn
    panel._on_paint_timer_timeout()                   # the bands ...
    assert panel._paint_timer.isActive()
    panel._paint_timer.stop()                         # (called by hand, not by the timer)
    panel._on_paint_timer_timeout()                   # ... then the paint, recorded
    assert not panel._paint_timer.isActive() and panel.gate.cost_s > 0.0
    panel._dirty = True
    panel.gate.record(10.0)                           # slow: the next ticks are skipped
    panel._on_timer_timeout()
    assert calls == [1] and panel._dirty              # kept for a later tick
    panel.gate.reset()
    panel._on_timer_timeout()
    assert calls == [1, 1]
