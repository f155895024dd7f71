"""Shared helpers for the window tests (small, fast runs)."""

from __future__ import annotations

import dataclasses

from studio.core import DataSpec, RunSpec
from studio.gui.main_window import MainWindow

#: Tiny but real: 3 epochs of 2 steps each on 200 disk points.
SMALL = RunSpec(epochs=3, batch_size=50, data=DataSpec(n_train=100, n_test=100))
RUN_TIMEOUT_MS = 10_000


def make_window(qtbot, spec: RunSpec = SMALL) -> MainWindow:
    window = MainWindow(spec)
    qtbot.addWidget(window)
    window.show()
    return window


def with_epochs(window: MainWindow, epochs: int) -> None:
    window.spec_model.set_spec(dataclasses.replace(window.spec_model.spec, epochs=epochs))
