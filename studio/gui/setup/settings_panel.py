"""Everything about a run except the layers: data, loss, optimiser, schedule, device.

Four compact groups: Training (loss, batch size, epochs, seed) and Device (device, dtype)
first, so the essentials sit above the fold on a 1280x800 screen, then Optimizer (only the
chosen optimiser's fields are shown) and Data.

While a run is in progress (``model.locked``) the panel locks *every* field, optimiser
included: the engine reads the whole spec once when a run starts, so an edit made during a
run would silently not apply to it. Unlocking re-enables them.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.core.limits import CUSTOM_DATA, LIMITS, MULTICLASS_DATASETS
from studio.core.spec import RunSpec
from studio.gui.setup.data_edits import with_dataset
from studio.gui.setup.feature_checks import FeatureChecks
from studio.gui.setup.number_field import ERROR_STYLE, NumberField, editor_for
from studio.gui.setup.spec_model import SpecModel

__all__ = ["CUDA_UNAVAILABLE", "CUSTOM_TEXT", "SettingsPanel"]

CUDA_UNAVAILABLE = "CUDA is not available on this machine"
_SEED_WRAP = LIMITS["data.seed"].hi  # Regenerate past the largest seed starts again at 0
_SGD_ONLY = ("momentum_spin", "dampening_spin", "nesterov_check")
_ADAM_ONLY = ("beta1_spin", "beta2_spin", "eps_spin")
# (group, objectName, spec path, short name for undo texts: "Change lr"), in display order.
# Ranges, choices, labels and tooltips are not here: they come from LIMITS.
_FIELDS = (
    ("Training", "loss_combo", "loss", "loss"),
    ("Training", "batch_size_spin", "batch_size", "batch size"),
    ("Training", "epochs_spin", "epochs", "epochs"),
    ("Training", "seed_spin", "seed", "seed"),
    ("Device", "device_combo", "device", "device"),
    ("Device", "dtype_combo", "dtype", "dtype"),
    ("Optimizer", "optimizer_combo", "optimizer.name", "optimizer"),
    ("Optimizer", "lr_spin", "optimizer.lr", "lr"),
    ("Optimizer", "momentum_spin", "optimizer.momentum", "momentum"),
    ("Optimizer", "dampening_spin", "optimizer.dampening", "dampening"),
    ("Optimizer", "nesterov_check", "optimizer.nesterov", "nesterov"),
    ("Optimizer", "weight_decay_spin", "optimizer.weight_decay", "weight decay"),
    ("Optimizer", "beta1_spin", "optimizer.beta1", "beta1"),
    ("Optimizer", "beta2_spin", "optimizer.beta2", "beta2"),
    ("Optimizer", "eps_spin", "optimizer.eps", "eps"),
    ("Data", "dataset_combo", "data.name", "dataset"),
    ("Data", "classes_spin", "data.classes", "classes"),
    ("Data", "n_train_spin", "data.n_train", "train points"),
    ("Data", "n_test_spin", "data.n_test", "test points"),
    ("Data", "noise_spin", "data.noise", "noise"),
    ("Data", "test_fraction_spin", "data.test_fraction", "test fraction"),
    ("Data", "data_seed_spin", "data.seed", "data seed"),)
#: Fields of generated sets only, and of drawn or imported points only.
_GENERATED_ONLY = ("n_train_spin", "n_test_spin", "noise_spin")
_CUSTOM_ONLY = ("test_fraction_spin",)
CUSTOM_TEXT = "Custom (drawn or imported)"


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
        for group, name, path, label in _FIELDS:
            if group not in self._forms:
                box = QGroupBox(group, objectName=f"{group.lower()}_group")
                self._forms[group] = QFormLayout(box)
                layout.addWidget(box)
            editor = editor_for(LIMITS[path])
            editor.setObjectName(name)
            self._editors[name] = (path, label, editor)
            self._connect(name, editor)
            self._add_row(group, LIMITS[path].label, editor)
        self.feature_checks = FeatureChecks(model)
        self._forms["Data"].addRow(LIMITS["data.features"].label, self.feature_checks)
        # "custom" is set by importing or drawing, never picked: no item, a placeholder.
        self.editor("dataset_combo").setPlaceholderText(CUSTOM_TEXT)
        layout.addStretch(1)
        self._disable_cuda_if_unavailable()
        model.spec_changed.connect(self._on_model_spec_changed)
        model.locked_changed.connect(self._on_model_locked_changed)
        self._on_model_spec_changed(model.spec)

    def editor(self, name: str) -> QWidget:
        """The editor widget with objectName ``name`` (e.g. ``"lr_spin"``)."""
        return self._editors[name][2]

    def editor_paths(self) -> dict[str, str]:
        """objectName -> spec path (a LIMITS key) of every editor, in display order."""
        return {name: path for name, (path, _label, _editor) in self._editors.items()}

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
            self._forms[group].addRow(label, editor)
            return
        # "Regenerate" draws a fresh data set by bumping the data seed.
        self._regenerate = QPushButton("Regenerate", objectName="regenerate_button")
        self._regenerate.setToolTip("Draw a new data set (next data seed)")
        self._regenerate.setAccessibleName("Regenerate data")
        self._regenerate.clicked.connect(self._on_regenerate_clicked)
        row = QHBoxLayout()
        row.addWidget(editor, 1)
        row.addWidget(self._regenerate)
        self._forms[group].addRow(label, row)

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
            if path == "data.name":  # points and a class count the new set cannot hold go
                return with_dataset(spec, value)
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
            if isinstance(editor, NumberField):
                editor.set_error(str(error))
                return
            editor.setToolTip(str(error))
            editor.setStatusTip(str(error))
            editor.setStyleSheet(ERROR_STYLE)

    def _on_regenerate_clicked(self) -> None:
        if self._model.locked:
            return
        seed = self._model.spec.data.seed
        self._model.edit(lambda spec: _with(spec, "data.seed", (seed + 1) % (_SEED_WRAP + 1)),
                         "Regenerate data")

    # -- model -> widgets -----------------------------------------------------------------
    def _on_model_spec_changed(self, spec: RunSpec) -> None:
        # Every editor shows the new spec, or the window would show one run and train another:
        # no editor can refuse a value the spec holds (ranges come from LIMITS), and the flag
        # is reset even if one did.
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
                if isinstance(editor, NumberField):
                    editor.set_error("")
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
        for path, _label, editor in self._editors.values():
            editor.setEnabled(not locked)
            if not (isinstance(editor, NumberField) and editor.error()):
                editor.setToolTip(LIMITS[path].tooltip)
        self._regenerate.setEnabled(not locked)
        name = spec.data.name
        # Disk and XOR are two-class; the data decides the rest (the spiral's arms, the
        # classes one can draw).
        self.editor("classes_spin").setEnabled(
            not locked and name in (CUSTOM_DATA, *MULTICLASS_DATASETS))
        for editor_name in _GENERATED_ONLY + _CUSTOM_ONLY:
            custom_field = editor_name in _CUSTOM_ONLY
            self.editor(editor_name).setEnabled(not locked and (name == CUSTOM_DATA)
                                                == custom_field)
        nesterov = self.editor("nesterov_check")
        opt = spec.optimizer
        nesterov.setEnabled(not locked and opt.momentum > 0 and opt.dampening == 0)
        if not self._cuda:
            combo = self.editor("device_combo")
            combo.setToolTip(f"{LIMITS['device'].tooltip}\n{CUDA_UNAVAILABLE}")
