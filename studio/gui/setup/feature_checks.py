"""The input features as toggles: one check box per ``LIMITS["data.features"]`` choice.

:class:`FeatureChecks` is a view of the spec model's ``data.features``; each toggle is one
undo step. The spec needs at least one feature, so the last checked box cannot be unchecked
(it is disabled rather than refusing the click after the fact).
"""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from studio.core.limits import LIMITS
from studio.core.spec import RunSpec
from studio.gui.setup.spec_model import SpecModel

__all__ = ["FeatureChecks"]

_FIELD = LIMITS["data.features"]
_COLUMNS = 4  # x y x² y² / x·y sin x sin y: two short rows in the sidebar


class FeatureChecks(QWidget):
    """Check boxes ``feature_<name>`` (x, y, x², y², x·y, sin x, sin y) for ``data.features``.

    Parameters
    ----------
    model : SpecModel
        The edited setup; the first layer's input width follows the number checked.
    parent : QWidget, optional
        Qt parent.
    """

    def __init__(self, model: SpecModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feature_checks")
        self.setAccessibleName(_FIELD.label)
        self.setToolTip(_FIELD.tooltip)
        self._model = model
        self._syncing = False
        self.checks: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, name in enumerate(_FIELD.choices):
            check = QCheckBox(_FIELD.show(name), objectName=f"feature_{name}")
            check.setAccessibleName(f"Feature {_FIELD.show(name)}")
            check.setToolTip(_FIELD.tooltip)
            check.toggled.connect(self._on_check_toggled)
            self.checks[name] = check
            grid.addWidget(check, i // _COLUMNS, i % _COLUMNS)
        model.spec_changed.connect(self._on_model_spec_changed)
        model.locked_changed.connect(self._on_model_locked_changed)
        self._on_model_spec_changed(model.spec)

    def checked(self) -> tuple[str, ...]:
        """The checked features, in the spec's order."""
        return tuple(name for name, check in self.checks.items() if check.isChecked())

    def _on_check_toggled(self, _on: bool) -> None:
        if self._syncing or self._model.locked:
            return
        features = self.checked()
        self._model.edit(lambda spec: dataclasses.replace(spec, data=dataclasses.replace(
            spec.data, features=features)), "Change features")

    def _on_model_spec_changed(self, spec: RunSpec) -> None:
        self._syncing = True
        try:
            for name, check in self.checks.items():
                check.setChecked(name in spec.data.features)
        finally:
            self._syncing = False
        self._update_enabled()

    def _on_model_locked_changed(self, _locked: bool) -> None:
        self._update_enabled()

    def _update_enabled(self) -> None:
        features, locked = self._model.spec.data.features, self._model.locked
        for name, check in self.checks.items():
            # The only checked feature stays: a network needs at least one input.
            check.setEnabled(not locked and features != (name,))
