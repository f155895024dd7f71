"""Everything about a run except the layers: data, loss, optimiser, schedule, device.

Four compact groups: Data, Optimizer (only the chosen optimiser's fields are shown),
Training (loss, batch size, epochs, seed) and Device (device, dtype).

While a run is in progress (``model.locked``) the panel locks *every* field, optimiser
included: the engine reads the whole spec once when a run starts, so an edit made during a
run would silently not apply to it. Unlocking re-enables them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from typing import Any

import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.spec import DATASETS, DTYPES, LOSSES, MAX_SEED, RunSpec
from studio.gui.setup.spec_model import SpecModel

__all__ = ["CUDA_UNAVAILABLE", "SettingsPanel"]

CUDA_UNAVAILABLE = "CUDA is not available on this machine"
NESTEROV_TIP = "Nesterov momentum needs momentum > 0 and dampening = 0"
_SEED_MAX = 2**31 - 1  # QSpinBox is 32-bit; larger seeds from files still load, unedited
_NUMBER_PREFIX = re.compile(r"[0-9.]*([eE][-+]?[0-9]*)?")
_TITLES = {"lr": "Learning rate", "eps": "Epsilon"}  # form labels where the short name is cryptic
_SGD_ONLY = ("momentum_spin", "dampening_spin", "nesterov_check")
_ADAM_ONLY = ("beta1_spin", "beta2_spin", "eps_spin")


class _SciSpinBox(QDoubleSpinBox):
    """A spin box for tiny positive values (Adam's eps): shows ``1e-08``, arrows scale by 10."""

    def __init__(self, lo: float, hi: float) -> None:
        super().__init__(decimals=15, minimum=lo, maximum=hi)  # decimals: keep 1e-12 exact

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        return f"{value:.3g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt's name
        return float(text)

    def validate(self, text: str, pos: int) -> object:
        try:
            ok = self.minimum() <= float(text) <= self.maximum()
        except ValueError:
            partial_number = _NUMBER_PREFIX.fullmatch(text) is not None
            return (QValidator.State.Intermediate if partial_number else
                    QValidator.State.Invalid, text, pos)
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate, text, pos)

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt's name
        self.setValue(self.value() * 10.0**steps)


def _spin(lo: int, hi: int, step: int = 1) -> QSpinBox:
    return QSpinBox(minimum=lo, maximum=hi, singleStep=step)


def _dspin(lo: float, hi: float, decimals: int, step: float = 0.0) -> QDoubleSpinBox:
    box = QDoubleSpinBox(minimum=lo, maximum=hi, decimals=decimals)
    if step:
        box.setSingleStep(step)
    else:  # 0.1 -> 0.09 -> ... steps by one unit of the shown digit: friendly for lr
        box.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
    return box


def _combo(values: tuple[str, ...]) -> QComboBox:
    combo = QComboBox()
    for value in values:
        combo.addItem(value, value)
    return combo


def _fields() -> list[tuple[str, str, str, str, QWidget]]:
    """(group, objectName, spec path, label, editor) for every field, in display order."""
    return [
        ("Data", "dataset_combo", "data.name", "dataset", _combo(DATASETS)),
        ("Data", "n_train_spin", "data.n_train", "train points", _spin(2, 1_000_000, 100)),
        ("Data", "n_test_spin", "data.n_test", "test points", _spin(1, 1_000_000, 100)),
        ("Data", "noise_spin", "data.noise", "noise", _dspin(0.0, 1.0, 2, 0.05)),
        ("Data", "data_seed_spin", "data.seed", "data seed", _spin(0, _SEED_MAX)),
        ("Optimizer", "optimizer_combo", "optimizer.name", "optimizer", _combo(("sgd", "adam"))),
        ("Optimizer", "lr_spin", "optimizer.lr", "lr", _dspin(1e-5, 100.0, 5)),
        ("Optimizer", "momentum_spin", "optimizer.momentum", "momentum",
         _dspin(0.0, 0.999, 3, 0.05)),
        ("Optimizer", "dampening_spin", "optimizer.dampening", "dampening",
         _dspin(0.0, 1.0, 3, 0.05)),
        ("Optimizer", "nesterov_check", "optimizer.nesterov", "nesterov", QCheckBox()),
        ("Optimizer", "weight_decay_spin", "optimizer.weight_decay", "weight decay",
         _dspin(0.0, 10.0, 5)),
        ("Optimizer", "beta1_spin", "optimizer.beta1", "beta1", _dspin(0.0, 0.999, 3, 0.01)),
        ("Optimizer", "beta2_spin", "optimizer.beta2", "beta2", _dspin(0.0, 0.9999, 4, 0.001)),
        ("Optimizer", "eps_spin", "optimizer.eps", "eps", _SciSpinBox(1e-12, 1e-1)),
        ("Training", "loss_combo", "loss", "loss", _combo(LOSSES)),
        ("Training", "batch_size_spin", "batch_size", "batch size", _spin(1, 1_000_000)),
        ("Training", "epochs_spin", "epochs", "epochs", _spin(1, 100_000, 10)),
        ("Training", "seed_spin", "seed", "seed", _spin(0, _SEED_MAX)),
        ("Device", "device_combo", "device", "device", _combo(("cpu", "cuda"))),
        ("Device", "dtype_combo", "dtype", "dtype", _combo(DTYPES)),
    ]


def _get(spec: RunSpec, path: str) -> Any:
    head, _, tail = path.partition(".")
    value = getattr(spec, head)
    return getattr(value, tail) if tail else value


def _with(spec: RunSpec, path: str, value: Any) -> RunSpec:
    """``spec`` with the field at ``path`` (``"optimizer.lr"``) replaced; may raise SpecError."""
    head, _, tail = path.partition(".")
    if not tail:
        return replace(spec, **{head: value})
    return replace(spec, **{head: replace(getattr(spec, head), **{tail: value})})


class SettingsPanel(QWidget):
    """Editors for the data set, loss, optimiser, schedule, seed, device and dtype.

    Parameters
    ----------
    model : SpecModel
        The edited setup; each field edit is one undo step ("Change lr"), and consecutive
        edits of the same field merge.
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(self, model: SpecModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._syncing = False  # True while model values are written into the editors
        self._editors: dict[str, tuple[str, str, QWidget]] = {}  # objectName -> path, label, w
        self._forms: dict[str, QFormLayout] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for group, name, path, label, editor in _fields():
            if group not in self._forms:
                box = QGroupBox(group, objectName=f"{group.lower()}_group")
                self._forms[group] = QFormLayout(box)
                layout.addWidget(box)
            editor.setObjectName(name)
            editor.setAccessibleName(_TITLES.get(label, label.capitalize()))
            if isinstance(editor, QAbstractSpinBox):
                editor.setKeyboardTracking(False)  # one edit per committed number
            self._editors[name] = (path, label, editor)
            self._connect(name, editor)
            self._add_row(group, label, editor)
        layout.addStretch(1)
        self._disable_cuda_if_unavailable()
        model.spec_changed.connect(self._on_model_spec_changed)
        model.locked_changed.connect(self._on_model_locked_changed)
        self._on_model_spec_changed(model.spec)

    def editor(self, name: str) -> QWidget:
        """The editor widget with objectName ``name`` (e.g. ``"lr_spin"``)."""
        return self._editors[name][2]

    # -- construction ---------------------------------------------------------------------
    def _connect(self, name: str, editor: QWidget) -> None:
        slot = partial(self._on_editor_value_changed, name)
        if isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(slot)
        elif isinstance(editor, QCheckBox):
            editor.toggled.connect(slot)
        else:
            editor.valueChanged.connect(slot)

    def _add_row(self, group: str, label: str, editor: QWidget) -> None:
        if editor.objectName() != "data_seed_spin":
            self._forms[group].addRow(_TITLES.get(label, label.capitalize()), editor)
            return
        # "Regenerate" draws a fresh data set by bumping the data seed.
        self._regenerate = QPushButton("Regenerate", objectName="regenerate_button")
        self._regenerate.setToolTip("Draw a new data set (next data seed)")
        self._regenerate.setAccessibleName("Regenerate data")
        self._regenerate.clicked.connect(self._on_regenerate_clicked)
        row = QHBoxLayout()
        row.addWidget(editor, 1)
        row.addWidget(self._regenerate)
        self._forms[group].addRow(label.capitalize(), row)

    def _disable_cuda_if_unavailable(self) -> None:
        self._cuda = torch.cuda.is_available()  # asked once: it can take a while
        if self._cuda:
            return
        combo = self.editor("device_combo")
        index = combo.findData("cuda")
        combo.model().item(index).setEnabled(False)  # type: ignore[attr-defined]
        combo.setItemData(index, CUDA_UNAVAILABLE, Qt.ItemDataRole.ToolTipRole)

    # -- edits ----------------------------------------------------------------------------
    def _value(self, editor: QWidget) -> Any:
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        return editor.value()

    def _on_editor_value_changed(self, name: str, *_args: object) -> None:
        if self._syncing or self._model.locked:
            return
        path, label, editor = self._editors[name]
        value = self._value(editor)

        def change(spec: RunSpec) -> RunSpec:
            opt = spec.optimizer
            # Turning momentum off or dampening on would make nesterov invalid: drop it too,
            # in the same undo step, instead of refusing the edit.
            if opt.nesterov and path in ("optimizer.momentum", "optimizer.dampening"):
                momentum = value if path == "optimizer.momentum" else opt.momentum
                dampening = value if path == "optimizer.dampening" else opt.dampening
                if momentum <= 0 or dampening != 0:
                    spec = replace(spec, optimizer=replace(opt, nesterov=False))
            return _with(spec, path, value)

        error = self._model.edit(change, f"Change {label}", merge_key=path)
        if error is not None:
            # Mark the editor and explain; the model keeps its previous (valid) value.
            editor.setToolTip(str(error))
            editor.setStatusTip(str(error))
            editor.setStyleSheet("border: 1px solid #c0392b;")

    def _on_regenerate_clicked(self) -> None:
        if self._model.locked:
            return
        seed = self._model.spec.data.seed
        self._model.edit(lambda spec: _with(spec, "data.seed", (seed + 1) % (MAX_SEED + 1)),
                         "Regenerate data")

    # -- model -> widgets -----------------------------------------------------------------
    def _on_model_spec_changed(self, spec: RunSpec) -> None:
        self._syncing = True
        try:
            for path, _label, editor in self._editors.values():
                value = _get(spec, path)
                if isinstance(editor, QComboBox):
                    editor.setCurrentIndex(editor.findData(value))
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(value)
                else:
                    editor.setValue(value)
                editor.setStyleSheet("")  # the model holds a valid value again
                editor.setStatusTip("")
        finally:
            self._syncing = False
        self._update_enabled()

    def _on_model_locked_changed(self, _locked: bool) -> None:
        self._update_enabled()

    def _update_enabled(self) -> None:
        spec, locked = self._model.spec, self._model.locked
        adam = spec.optimizer.name == "adam"
        form = self._forms["Optimizer"]
        for name in _SGD_ONLY + _ADAM_ONLY:
            form.setRowVisible(self.editor(name), (name in _ADAM_ONLY) == adam)
        for _path, _label, editor in self._editors.values():
            editor.setEnabled(not locked)
            editor.setToolTip("")
        self._regenerate.setEnabled(not locked)
        nesterov = self.editor("nesterov_check")
        opt = spec.optimizer
        nesterov.setEnabled(not locked and opt.momentum > 0 and opt.dampening == 0)
        nesterov.setToolTip(NESTEROV_TIP)
        if not self._cuda:
            self.editor("device_combo").setToolTip(CUDA_UNAVAILABLE)
