"""The backprop inspector: one frozen batch, module by module, forward then backward.

A view of :class:`~studio.core.inspect.BackpropTrace`. Freezing takes the weights and the
batch from ``source`` (frozen arrays: the run's latest weights or the scrubbed epoch's) and
runs :func:`~studio.core.inspect.inspect_batch` on a float64 scratch copy; the live session is
never touched. "Step" applies the optimiser once to the scratch copy and shows before/after.

The trace is computed in a thread of its own (:class:`_Tracing`): a 16x1024 network took
~4.7 s, a frozen window in the GUI thread. Its inputs and its result are frozen data, so
nothing is shared with the window or with a run in progress; the view polls for the result.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.inspect import BackpropTrace, GradientCheck, inspect_batch

from .heatmap import heatmap_pixmap, value_range

__all__ = ["BackpropInspector", "InspectSource", "parse_points"]

_CELL_W, _CELL_H = 120, 48
#: How often the view looks whether a trace in progress is done.
POLL_MS = 30


class _Tracing:
    """One :func:`inspect_batch` call in its own thread (frozen inputs, a frozen result)."""

    def __init__(self, *args, **kwargs) -> None:
        self.result: BackpropTrace | None = None
        self.error: str | None = None
        self._thread = threading.Thread(target=self._run, args=args, kwargs=kwargs,
                                        name="backprop_trace")
        self._thread.start()

    def _run(self, *args, **kwargs) -> None:
        try:
            self.result = inspect_batch(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown in the view; the thread must end
            self.error = f"{type(exc).__name__}: {exc}"

    @property
    def done(self) -> bool:
        """Whether the thread has ended (with a result or an error)."""
        return not self._thread.is_alive()


class InspectSource(NamedTuple):
    """What the inspector freezes: a spec, frozen weights, the training inputs and labels."""

    spec: object
    weights: object
    x_train: np.ndarray
    y_train: np.ndarray
    optimizer_state: dict | None = None


def parse_points(text: str, size: int, available: int) -> list[int]:
    """Training-point indices from ``"3, 5, 10-12"``; blank means the first ``size``.

    Raises
    ------
    ValueError
        Not numbers and ranges, or an index past ``available``.
    """
    if not text.strip():
        return list(range(min(size, available)))
    out: list[int] = []
    for part in text.replace(" ", "").split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    if not out or max(out) >= available or min(out) < 0:
        raise ValueError(f"point indices must lie in 0..{available - 1}")
    return out


def _cell(title: str, array: np.ndarray | None) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(2, 2, 2, 2)
    if array is None:
        layout.addWidget(QLabel(f"<i>{title}: —</i>"))
        return box
    a = np.atleast_2d(array)
    lo, hi = value_range(a)
    picture = QLabel()
    picture.setPixmap(heatmap_pixmap(a, _CELL_W, _CELL_H))
    layout.addWidget(picture)
    layout.addWidget(QLabel(f"{title} {tuple(array.shape)}<br>[{lo:.3g}, {hi:.3g}]"))
    return box


def _errors(check: GradientCheck) -> str:
    n = check.numeric_index.size
    total = check.autograd.size
    sampled = "" if n == total else f" ({n} of {total} entries)"
    return (f"vs autograd {check.autograd_error:.1e} · "
            f"vs finite diff. {check.numeric_error:.1e}{sampled}")


class BackpropInspector(QWidget):
    """Controls, a summary and one card per module for the frozen batch.

    Signals
    -------
    traced()
        A trace computed in the background (:meth:`freeze`, :meth:`step`) is shown.
    """

    traced = Signal()

    def __init__(self, source: Callable[[], InspectSource | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="backprop_inspector")
        self._source = source
        self._frozen: InspectSource | None = None
        self._points: list[int] = []
        self.trace: BackpropTrace | None = None
        self.previous: BackpropTrace | None = None  # before the last Step
        self.size_box = QSpinBox(self, objectName="inspect_batch_size", minimum=1, maximum=256,
                                 value=8, prefix="batch ")
        self.points_edit = QLineEdit(self, objectName="inspect_points",
                                     placeholderText="points (e.g. 0-3, 17); blank: the first")
        self.freeze_button = QPushButton("Freeze batch", self, objectName="inspect_freeze")
        self.step_button = QPushButton("Step optimizer", self, objectName="inspect_step",
                                       enabled=False)
        self._tracing: _Tracing | None = None
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._on_poll_timeout)
        self.freeze_button.clicked.connect(self._on_freeze_button_clicked)
        self.step_button.clicked.connect(self._on_step_button_clicked)
        self.summary = QLabel("Freeze a batch to trace it.", self, objectName="inspect_summary")
        self.summary.setWordWrap(True)
        self.scroll = QScrollArea(self, widgetResizable=True)
        self._new_cards()
        controls = QHBoxLayout()
        for w in (self.size_box, self.points_edit, self.freeze_button, self.step_button):
            controls.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.scroll, 1)

    def _new_cards(self) -> None:
        # A fresh container per trace: setWidget deletes the old one at once (deleteLater
        # would leave the old cards drawn until the event loop next runs).
        self.cards = QWidget()
        self.cards_layout = QVBoxLayout(self.cards)
        self.scroll.setWidget(self.cards)

    @property
    def busy(self) -> bool:
        """Whether a trace is being computed."""
        return self._tracing is not None

    def freeze(self) -> bool:
        """Take weights and a batch from the source and start tracing them.

        Returns False (and says why) if there is nothing to freeze or the points are wrong,
        or while a trace is still being computed; the trace shows when ``traced`` is emitted.
        """
        if self.busy:
            return False
        source = self._source()
        if source is None or source.weights is None:
            self.summary.setText("Nothing to freeze yet: build or run a network first.")
            return False
        try:
            self._points = parse_points(self.points_edit.text(), self.size_box.value(),
                                        len(source.y_train))
        except ValueError as exc:
            self.summary.setText(f"Points: {exc}")
            return False
        self._frozen = source
        self.previous = None
        self._trace(source.weights, source.optimizer_state)
        return True

    def step(self) -> None:
        """Apply the optimiser once to the frozen copy; show the new trace beside the old."""
        if self.trace is None or self._frozen is None or self.busy:
            return
        self.previous = self.trace
        # The optimiser's state after this step is not kept: later steps restart momentum.
        self._trace(self.trace.weights_after, None)

    def _trace(self, weights, optimizer_state) -> None:
        src = self._frozen
        idx = np.array(self._points)
        self._tracing = _Tracing(src.spec, weights, src.x_train[idx], src.y_train[idx],
                                 optimizer_state=optimizer_state)
        self.freeze_button.setEnabled(False)
        self.step_button.setEnabled(False)
        self.summary.setText("Tracing the batch… (training and the window go on meanwhile)")
        self._poll.start()

    def _on_poll_timeout(self) -> None:
        tracing = self._tracing
        if tracing is None or not tracing.done:
            return
        self._poll.stop()
        self._tracing = None
        self.freeze_button.setEnabled(True)
        if tracing.error is not None:
            self.step_button.setEnabled(self.trace is not None)
            self.summary.setText(f"The trace failed: {tracing.error}")
            return
        self._show(tracing.result)
        self.traced.emit()

    def _on_freeze_button_clicked(self) -> None:
        self.freeze()

    def _on_step_button_clicked(self) -> None:
        self.step()

    def _show(self, trace: BackpropTrace) -> None:
        self.trace = trace
        self.step_button.setEnabled(True)
        before = ""
        if self.previous is not None:
            before = (f"<br><b>Stepped:</b> loss on this batch {self.previous.loss:.6g} → "
                      f"{trace.loss:.6g} (before → after)")
        self.summary.setText(
            f"<b>Batch of {len(trace.labels)}</b> (points {self._points[:12]}"
            f"{'…' if len(self._points) > 12 else ''}), loss {trace.loss:.6g}; one step "
            f"would give {trace.loss_after:.6g}.<br>Loss: {trace.loss_formula}<br>"
            f"Optimiser: {trace.optimizer_formula}<br>Max relative error vs autograd "
            f"{trace.max_autograd_error:.1e}, vs finite differences "
            f"{trace.max_numeric_error:.1e}{before}")
        self._new_cards()
        self.cards_layout.addWidget(QLabel("<b>Forward</b>"))
        for m in trace.modules:
            self.cards_layout.addWidget(self._forward_card(m))
        self.cards_layout.addWidget(QLabel("<b>Backward</b> (dL/d logits "
                                           f"{tuple(trace.grad_logits.shape)} from the loss)"))
        for m in reversed(trace.modules):
            self.cards_layout.addWidget(self._backward_card(m))
        self.cards_layout.addStretch(1)

    def _forward_card(self, m) -> QGroupBox:
        box = QGroupBox(m.title.split("\n")[0], objectName=f"forward_{m.index}")
        grid = QGridLayout(box)
        grid.addWidget(QLabel(m.formula), 0, 0, 1, 3)
        for col, (title, array) in enumerate((("input", m.input), ("output", m.output),
                                              ("cached f′(x)", m.derivative))):
            grid.addWidget(_cell(title, array), 1, col)
        return box

    def _backward_card(self, m) -> QGroupBox:
        box = QGroupBox(m.title.split("\n")[0], objectName=f"backward_{m.index}")
        grid = QGridLayout(box)
        grid.addWidget(_cell("incoming dL/dy", m.grad_output), 0, 0)
        grid.addWidget(_cell("outgoing dL/dx", m.grad_input), 0, 1)
        grid.addWidget(QLabel("dL/dx " + _errors(m.input_check)), 1, 0, 1, 3)
        row = 2
        for p in m.params:
            grid.addWidget(_cell(f"{p.name} grad", p.grad), row, 0)
            grid.addWidget(_cell("autograd", p.check.autograd), row, 1)
            grid.addWidget(_cell("update", p.update), row, 2)
            grid.addWidget(QLabel(f"{p.name}: {_errors(p.check)}"), row + 1, 0, 1, 3)
            row += 2
        return box
