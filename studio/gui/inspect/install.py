"""Wire the Look-inside views into a window: docks, probes, scrubbing.

:func:`install_inspect` is the one call the main window makes. It registers two probes on the
run controller (they run in the worker thread, on the live session, and return frozen
payloads) and routes ``probe_ready`` and ``epoch_selected`` to the views.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget

from studio.core.build import build_model, make_data
from studio.core.history import SnapshotViewer
from studio.core.inspect import HealthTracker, NeuronMaps, neuron_maps

from .backprop_view import BackpropInspector, InspectSource
from .health_panel import HealthPanel
from .network_view import NetworkView

__all__ = ["HEALTH_PROBE", "MAP_SIZE", "NEURON_PROBE", "InspectViews", "install_inspect"]

NEURON_PROBE = "neuron_maps"
HEALTH_PROBE = "layer_health"
#: Side of each unit's map: 32² = 1,024 grid points through the model per redraw, a quarter
#: of the decision region's 64² grid.
MAP_SIZE = 32


class _OpenPanelTracker(HealthTracker):
    """A :class:`HealthTracker` that samples only while ``is_open()``: a closed panel costs
    the training nothing (its curves cover the epochs it was open for)."""

    def __init__(self, is_open) -> None:
        super().__init__()
        self._is_open = is_open

    def __call__(self, session, report=None):
        return super().__call__(session, report) if self._is_open() else None


class InspectViews(QObject):
    """The three views and their docks; receives the controller's probe and scrub signals.

    Parameters
    ----------
    controller
        Has ``probe_ready(name, epoch, payload)``, ``epoch_selected(epoch, weights)``,
        ``spec`` and ``weights`` (the run controller, or a fake in tests).
    spec_source : callable, optional
        The spec being edited, for the inspector before any run.
    """

    def __init__(self, controller, spec_source=None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._spec_source = spec_source
        self.network = NetworkView()
        self.health = HealthPanel()
        self.inspector = BackpropInspector(self.inspector_source)
        self.docks: tuple[QDockWidget, ...] = ()
        self.live_maps: NeuronMaps | None = None
        self.selected: tuple[int, Mapping[str, np.ndarray]] | None = None
        self._viewer: SnapshotViewer | None = None
        self._data_cache: tuple[object, tuple[np.ndarray, np.ndarray]] | None = None
        # Read by the worker thread's probes: plain bools, flipped in the GUI thread.
        self.network_visible = False
        self.health_visible = False
        # Lives in the worker thread (see health_probe).
        self._tracker = _OpenPanelTracker(lambda: self.health_visible)

    def _on_health_dock_visibility_changed(self, visible: bool) -> None:
        self.health_visible = visible

    def _on_network_dock_visibility_changed(self, visible: bool) -> None:
        self.network_visible = visible

    # -- probes (called in the worker thread) -----------------------------------------------
    def health_probe(self, session, report):
        """The layer-health probe: samples while the panel is open (a closed panel costs the
        training nothing; its curves cover the epochs it was open for)."""
        return self._tracker(session, report)

    def neuron_probe(self, session, report) -> NeuronMaps | None:
        """The network view's probe: maps of the units it shows (nothing while it is hidden:
        a closed view costs the training no time)."""
        if not self.network_visible:
            return None
        return neuron_maps(session, MAP_SIZE, self.network.max_units)

    # -- slots (GUI thread) -----------------------------------------------------------------
    def _on_controller_probe_ready(self, name: str, epoch: int, payload: object) -> None:
        if payload is None:
            return
        if name == NEURON_PROBE:
            self.live_maps = payload
            if self.selected is None:  # a scrubbed epoch stays on screen until released
                self.network.set_maps(payload)
        elif name == HEALTH_PROBE:
            self.health.add_sample(payload)

    def _on_controller_epoch_selected(self, epoch: int, weights) -> None:
        if weights is None:
            self.selected = None
            self.health.mark_epoch(None)
            self.network.set_maps(self.live_maps)
            return
        self.selected = (epoch, weights)
        self.health.mark_epoch(epoch)
        spec = self._spec()
        if spec is None:
            return
        if self._viewer is None or self._viewer.spec != spec:
            self._viewer = SnapshotViewer(spec)
        session = self._viewer.load(weights)
        maps = neuron_maps(session, MAP_SIZE, self.network.max_units)
        # The scratch session's counter is not the scrubbed epoch: say which one it is.
        self.network.set_maps(NeuronMaps(maps.layers, maps.size, maps.extent, epoch))

    def _on_controller_cleared(self) -> None:
        self.live_maps = None
        self.selected = None
        self._viewer = None  # a scratch session of the previous run
        self.network.set_maps(None)
        self.health.clear()

    # -- the inspector's source -------------------------------------------------------------
    def _spec(self):
        spec = getattr(self._controller, "spec", None)
        if spec is None and self._spec_source is not None:
            spec = self._spec_source()
        return spec

    def inspector_source(self) -> InspectSource | None:
        """The scrubbed epoch's weights, else the run's latest, else the initial ones."""
        spec = self._spec()
        if spec is None:
            return None
        if self.selected is not None:
            weights = self.selected[1]
        elif getattr(self._controller, "weights", None) is not None:
            weights = self._controller.weights
        else:
            weights = {k: v.numpy() for k, v in build_model(spec).state_dict().items()}
        if self._data_cache is None or self._data_cache[0] != (spec.data, spec.dtype):
            data = make_data(spec.data, spec.dtype)  # the batch exactly as training sees it
            arrays = (data.x_train.numpy().copy(), data.y_train.numpy().copy())
            self._data_cache = ((spec.data, spec.dtype), arrays)
        x, y = self._data_cache[1]
        return InspectSource(spec, weights, x, y)


def install_inspect(window) -> InspectViews:
    """Add the Network, Layer health and Backprop docks to ``window`` and register probes.

    Parameters
    ----------
    window : QMainWindow
        Has ``controller`` (the run controller, with ``add_probe``, ``probe_ready`` and
        ``epoch_selected``) and optionally ``spec_model`` (its ``spec`` feeds the inspector
        before any run).

    Returns
    -------
    InspectViews
    """
    controller = window.controller
    spec_model = getattr(window, "spec_model", None)
    views = InspectViews(controller, (lambda: spec_model.spec) if spec_model else None, window)
    docks = []
    for title, widget, name in (("Network", views.network, "network_dock"),
                                ("Layer health", views.health, "health_dock"),
                                ("Backprop", views.inspector, "backprop_dock")):
        dock = QDockWidget(title, window, objectName=name)
        dock.setWidget(widget)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        docks.append(dock)
    for dock in docks[1:]:
        window.tabifyDockWidget(docks[0], dock)  # one tab strip: the main plots keep their room
    # Closed at start: the window fits a laptop screen, and the view menu opens them.
    menu = window.menuBar().addMenu("&Look inside")
    menu.setObjectName("inspect_menu")
    for dock in docks:
        dock.hide()
        action = dock.toggleViewAction()
        action.setObjectName(f"show_{dock.objectName()}")
        menu.addAction(action)
    docks[0].visibilityChanged.connect(views._on_network_dock_visibility_changed)
    docks[1].visibilityChanged.connect(views._on_health_dock_visibility_changed)
    views.docks = tuple(docks)
    controller.add_probe(NEURON_PROBE, views.neuron_probe)
    # At the redraw pace, not every epoch: at the default pace that is every epoch anyway, and
    # at Max the tracker's per-epoch cost (~1 ms, 60% of a seed-net epoch) would halve the
    # throughput. Update ratios then span the epochs since the previous sample.
    controller.add_probe(HEALTH_PROBE, views._tracker)  # = views.health_probe
    controller.probe_ready.connect(views._on_controller_probe_ready)
    controller.epoch_selected.connect(views._on_controller_epoch_selected)
    if hasattr(controller, "cleared"):
        controller.cleared.connect(views._on_controller_cleared)
    return views
