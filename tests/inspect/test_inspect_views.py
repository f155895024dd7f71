"""The Look-inside views, driven by a fake run controller with the probe API."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import QObject, QPointF, QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from studio.core import Session
from studio.core.examples import load_example
from studio.core.inspect import HealthTracker, edge_weights, neuron_maps
from studio.gui.inspect import backprop_view
from studio.gui.inspect.heatmap import NEGATIVE, POSITIVE
from studio.gui.inspect.install import HEALTH_PROBE, MAP_SIZE, NEURON_PROBE, install_inspect


class FakeController(QObject):
    """The run controller's probe API, as specified for the lead's RunController."""

    probe_ready = Signal(str, int, object)
    epoch_selected = Signal(int, object)
    cleared = Signal()

    def __init__(self, spec) -> None:
        super().__init__()
        self.spec = spec
        self.weights = None
        self.probes: dict[str, tuple] = {}

    def add_probe(self, name, fn, every_epoch=False) -> None:
        self.probes[name] = (fn, every_epoch)


@pytest.fixture
def setup(qtbot):
    spec = load_example("seed_a")
    window = QMainWindow()
    window.controller = FakeController(spec)
    qtbot.addWidget(window)
    views = install_inspect(window)
    views.network_visible = True  # as if the user opened Look inside > Network
    views.health_visible = True   # ... and Look inside > Layer health
    session = Session(spec)
    return window, views, session


def _train(session: Session, controller: FakeController, epochs: int) -> None:
    """What the worker does: run the probes on the live session, emit frozen payloads."""
    for report in session.run(session.epoch + epochs, grid_every=0):
        for name, (fn, _every) in controller.probes.items():
            controller.probe_ready.emit(name, report.epoch, fn(session, report))


def test_install_registers_probes_and_docks(setup) -> None:
    window, views, _ = setup
    probes = window.controller.probes
    assert set(probes) == {NEURON_PROBE, HEALTH_PROBE}
    # Both at the redraw pace: every epoch at the default pace, sampled at Max.
    assert probes[HEALTH_PROBE][1] is False and probes[NEURON_PROBE][1] is False
    assert isinstance(probes[HEALTH_PROBE][0], HealthTracker)
    names = {d.objectName() for d in views.docks}
    assert names == {"network_dock", "health_dock", "backprop_dock"}
    for name in ("network_view", "layer_health", "backprop_inspector"):
        assert window.findChild(QObject, name) is not None
    # Closed docks cost the training nothing: the network probe skips its maps.
    views.network_visible = False
    assert probes[NEURON_PROBE][0](Session(window.controller.spec), None) is None
    assert {a.objectName() for a in window.findChild(QObject, "inspect_menu").actions()} == {
        "show_network_dock", "show_health_dock", "show_backprop_dock"}


def test_payloads_from_a_worker_thread_reach_the_views(setup, qtbot) -> None:
    window, views, session = setup
    controller = window.controller
    thread = threading.Thread(target=_train, args=(session, controller, 3))
    with qtbot.waitSignals([controller.probe_ready] * 6, timeout=10_000):
        thread.start()
    thread.join(10)
    qtbot.waitUntil(lambda: len(views.health.samples) == 3 and views.network.maps is not None)
    maps = views.network.maps
    assert maps.epoch == 3 and len(maps.layers) == 5 and maps.size == MAP_SIZE
    views.health.redraw()
    x, y = views.health.series("grad_norm", 0)
    assert x.tolist() == [1.0, 2.0, 3.0] and np.all(y > 0)
    curve = views.health._curves[("grad_norm", 0)]
    np.testing.assert_allclose(curve.getData()[1], np.log10(y))  # a log axis


def test_edges_follow_the_weights(setup) -> None:
    _, views, session = setup
    views.network.set_maps(neuron_maps(session, 8, 5))
    canvas = views.network.canvas
    edges = canvas.edges()
    assert len(edges) == 2 * 5 + 5 * 5 * 2 + 2 * 5
    for k in range(1, 5):
        w = edge_weights(canvas.maps, k)
        top = np.abs(w).max()
        into = [e for e in edges if e[0] == k]
        for _k, i, j, color, width in into:
            expected = POSITIVE if w[j, i] >= 0 else NEGATIVE
            assert (color.red(), color.green(), color.blue()) == expected
            assert width == pytest.approx(0.3 + 3.7 * abs(w[j, i]) / top)
        widest = max(into, key=lambda e: e[4])
        assert abs(w[widest[2], widest[1]]) == top


def test_hover_and_click_enlarge_a_unit(setup, qtbot) -> None:
    _, views, session = setup
    views.network.resize(700, 500)
    views.network.set_maps(neuron_maps(session, 8, 4))
    canvas = views.network.canvas
    centre = canvas.node_rect(1, 2).center()
    assert canvas.unit_at(centre) == (1, 2) and canvas.unit_at(QPointF(-5, -5)) is None
    canvas.unit_hovered.emit(1, 2)
    text = views.network.detail_text.text()
    unit_map = canvas.maps.layers[1].maps[2]
    assert "hidden 1, unit 2" in text and f"{unit_map.max():.3g}" in text
    assert f"bias {float(session.model[0].bias.data[2]):.4g}" in text
    canvas.unit_clicked.emit(4, 1)   # pinned: hovering no longer moves the detail
    canvas.unit_hovered.emit(1, 0)
    assert views.network.shown_unit == (4, 1) and "class score" in views.network.detail_text.text()


def test_scrubbing_shows_the_selected_epochs_weights(setup, qtbot) -> None:
    window, views, session = setup
    controller = window.controller
    early = session.weights()
    _train(session, controller, 5)
    live = views.network.maps
    assert live.epoch == 5
    controller.epoch_selected.emit(0, early)
    scrubbed = views.network.maps
    expected = neuron_maps(Session(session.spec), MAP_SIZE, views.network.max_units)
    assert scrubbed.epoch == 0
    for a, b in zip(scrubbed.layers, expected.layers, strict=True):
        np.testing.assert_allclose(a.maps, b.maps, rtol=1e-6, atol=1e-7)
    assert not np.allclose(scrubbed.layers[2].maps, live.layers[2].maps)
    assert views.health._markers["grad_norm"].isVisible()
    _train(session, controller, 1)   # live payloads wait while an epoch is selected
    assert views.network.maps is scrubbed
    controller.epoch_selected.emit(6, None)
    assert views.network.maps.epoch == 6 and not views.health._markers["grad_norm"].isVisible()
    # The inspector freezes the scrubbed weights.
    controller.epoch_selected.emit(0, early)
    assert views.inspector_source().weights is early


def test_the_inspector_freezes_traces_and_steps(setup, qtbot) -> None:
    window, views, _ = setup
    inspector = views.inspector
    inspector.points_edit.setText("0-3, 9")
    with qtbot.waitSignal(inspector.traced, timeout=10_000):
        assert inspector.freeze()
    trace = inspector.trace
    assert trace.labels.size == 5 and trace.max_autograd_error < 1e-10
    assert "vs autograd" in inspector.findChild(QObject, "backward_6").findChildren(
        type(inspector.summary))[-1].text()
    with qtbot.waitSignal(inspector.traced, timeout=10_000):
        inspector.step_button.click()
    assert inspector.previous is trace and "before → after" in inspector.summary.text()
    assert inspector.trace.loss == pytest.approx(trace.loss_after)
    inspector.points_edit.setText("5000")
    assert not inspector.freeze() and "0..999" in inspector.summary.text()
    window.controller.cleared.emit()
    assert views.network.maps is None and views.health.samples == []


def test_a_closed_health_panel_samples_nothing(setup) -> None:
    window, views, session = setup
    tracker = window.controller.probes[HEALTH_PROBE][0]
    views.health_visible = False
    assert tracker(session, None) is None
    views.health_visible = True
    assert tracker(session, None) is not None


def test_the_inspector_traces_without_blocking_the_gui_thread(setup, qtbot, monkeypatch):
    # A 16x1024 network took ~4.7 s to trace: in the GUI thread, a frozen window.
    window, views, _ = setup
    inspector = views.inspector
    started = threading.Event()
    release = threading.Event()
    real = backprop_view.inspect_batch

    def slow_inspect_batch(*args, **kwargs):
        started.set()
        release.wait(10)  # a long computation (holding no lock the GUI needs)
        return real(*args, **kwargs)

    monkeypatch.setattr(backprop_view, "inspect_batch", slow_inspect_batch)
    assert inspector.freeze()  # returns at once: the trace runs elsewhere
    assert started.wait(5) and inspector.busy
    assert not inspector.freeze_button.isEnabled() and not inspector.freeze()
    assert "Tracing" in inspector.summary.text()
    ticks = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1], timeout=2000)  # the event loop is served
    with qtbot.waitSignal(inspector.traced, timeout=10_000):
        release.set()
    assert not inspector.busy and inspector.freeze_button.isEnabled()
    assert inspector.trace is not None and inspector.step_button.isEnabled()


def test_a_failed_trace_is_reported(setup, qtbot, monkeypatch):
    inspector = setup[1].inspector

    def broken(*_args, **_kwargs):
        raise ValueError("no luck")

    monkeypatch.setattr(backprop_view, "inspect_batch", broken)
    assert inspector.freeze()
    qtbot.waitUntil(lambda: not inspector.busy, timeout=5000)
    assert "ValueError: no luck" in inspector.summary.text()
    assert inspector.freeze_button.isEnabled() and inspector.trace is None
