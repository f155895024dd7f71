"""Fixtures of the setup tests: a spec model and the settings panel on it (no CUDA)."""

from __future__ import annotations

import pytest
import torch

from studio.gui.setup.settings_panel import SettingsPanel
from studio.gui.setup.spec_model import SpecModel


@pytest.fixture
def model() -> SpecModel:
    """The default spec's model (a test file may override it)."""
    return SpecModel()


@pytest.fixture
def panel(qtbot, model: SpecModel, monkeypatch) -> SettingsPanel:
    """A :class:`SettingsPanel` on ``model``, as on a machine without CUDA."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    widget = SettingsPanel(model)
    qtbot.addWidget(widget)
    return widget
