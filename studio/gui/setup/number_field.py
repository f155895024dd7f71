"""A text field for one numeric spec field: exact display, any range, visible refusals.

QSpinBox is 32-bit (seeds go to 2**62) and QDoubleSpinBox rounds to fixed decimals and clamps
(lr 1e-7 showed 0.00001, and its validator turned ``1e-3`` into 13), so numbers the spec
allows are edited as text: shown in their shortest exact form, parsed with Python's own
``int``/``float``, and checked against :data:`~studio.core.limits.LIMITS`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox, QWidget

from studio.core.limits import Field

__all__ = ["ERROR_STYLE", "NumberField", "editor_for"]

ERROR_STYLE = "border: 1px solid #c0392b;"
_QT_INT_MAX = 2**31 - 1  # QSpinBox is 32-bit: wider ranges (seeds) need a NumberField


def _tidy(value: float) -> float:
    """Drop the binary noise of stepping (0.7 + 0.1 -> 0.8, not 0.7999999999999999)."""
    return float(f"{value:.15g}")


class NumberField(QLineEdit):
    """Editor for an ``"int"`` or ``"float"`` field of LIMITS, with a spin box's API.

    It offers ``value``/``setValue``/``valueChanged``/``stepBy``/``minimum``/``maximum`` so the
    settings panel (and its tests) treat it like the spin boxes it replaces.

    Parameters
    ----------
    field : Field
        The LIMITS entry: kind, bounds, arrow step and tooltip.
    parent : QWidget, optional
        Qt parent.

    Signals
    -------
    valueChanged(object)
        A new valid value was committed (Return, focus out, arrows or ``setValue``); an
        ``object`` because seeds do not fit Qt's 32-bit ``int``.
    """

    valueChanged = Signal(object)  # noqa: N815 - the spin boxes' name, so the panel treats both alike

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._field = field
        self._value: int | float = field.lo if field.lo is not None and not field.lo_open else 1
        self._error = ""
        self.setText(self.text_for(self._value))
        self.setToolTip(field.tooltip)
        self.editingFinished.connect(self._on_editing_finished)

    # -- spin-box API ---------------------------------------------------------------------
    def value(self) -> int | float:
        """The last valid value (what the spec holds once the edit is accepted)."""
        return self._value

    def setValue(self, value: int | float) -> None:  # noqa: N802 - spin-box API
        """Show ``value`` exactly and clear any error; emit valueChanged when it changed."""
        changed = value != self._value or type(value) is not type(self._value)
        self._value = value
        self.setText(self.text_for(value))
        self.set_error("")
        if changed:
            self.valueChanged.emit(value)

    def minimum(self) -> float | None:
        """The field's lower bound from LIMITS (None: unbounded)."""
        return self._field.lo

    def maximum(self) -> float | None:
        """The field's upper bound from LIMITS (None: unbounded)."""
        return self._field.hi

    def stepBy(self, steps: int) -> None:  # noqa: N802 - spin-box API
        """Step like the arrows do; stops at a bound instead of crossing it."""
        field, value = self._field, self._value
        if field.kind == "int":
            new: int | float = int(value) + steps * int(field.step or 1)
        elif field.log_scale:
            new = _tidy(value * 10.0**steps)
        elif field.step:
            new = _tidy(value + steps * field.step)
        else:
            new = value
            for _ in range(abs(steps)):  # one unit of the leading digit: 0.1 -> 0.2 / 0.09
                unit = 10.0 ** math.floor(math.log10(abs(new))) if new else 0.1
                if steps < 0 and _tidy(abs(new) / unit) == 1.0:
                    unit /= 10
                new = _tidy(new + math.copysign(unit, steps))
        if field.hi is not None and not field.hi_open:
            new = min(new, field.hi)
        if field.lo is not None and not field.lo_open:
            new = max(new, field.lo)
        if field.in_range(new):
            self.setValue(type(value)(new))

    def stepUp(self) -> None:  # noqa: N802 - spin-box API
        """One arrow step up."""
        self.stepBy(1)

    def stepDown(self) -> None:  # noqa: N802 - spin-box API
        """One arrow step down."""
        self.stepBy(-1)

    # -- text -----------------------------------------------------------------------------
    def text_for(self, value: int | float) -> str:
        """``"1e-07"``, ``"0.1"``, ``"4611686018427387904"``: shortest text that reads back."""
        return str(value) if self._field.kind == "int" else repr(float(value))

    def error(self) -> str:
        """Why the shown text was refused (``""`` when it was not)."""
        return self._error

    def set_error(self, message: str) -> None:
        """Mark the field invalid with ``message`` (red border, tooltip); ``""`` clears it."""
        self._error = message
        self.setStyleSheet(ERROR_STYLE if message else "")
        self.setToolTip(f"{message}\n\n{self._field.tooltip}" if message else self._field.tooltip)
        self.setStatusTip(message)

    def _parse(self, text: str) -> int | float:
        try:
            value: int | float = int(text) if self._field.kind == "int" else float(text)
        except ValueError:
            what = "an integer" if self._field.kind == "int" else "a number"
            raise ValueError(f"must be {what}, got {text.strip()!r}") from None
        return self._field.check(value)  # the spec's own bounds and message

    def _on_editing_finished(self) -> None:
        text = self.text()
        if text == self.text_for(self._value) and not self._error:
            return
        try:
            value = self._parse(text)
        except ValueError as exc:
            # Keep the typed text so the user sees what was refused; the spec is untouched.
            self.set_error(f"{self._field.label}: {exc}")
            return
        self.setValue(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Up/Down (and Page Up/Down, ten steps) step the value like a spin box."""
        steps = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1, Qt.Key.Key_PageUp: 10,
                 Qt.Key.Key_PageDown: -10}.get(event.key())
        if steps is None:
            super().keyPressEvent(event)
        elif not self.isReadOnly():
            self.stepBy(steps)


def editor_for(field: Field) -> QWidget:
    """The editor for a LIMITS field: combo (display names, spec names as data), check box,
    32-bit spin box, or a :class:`NumberField` for floats and wide integers."""
    editor: QWidget
    if field.kind == "choice":
        editor = QComboBox()
        for choice in field.choices:
            editor.addItem(field.show(choice), choice)
    elif field.kind == "bool":
        editor = QCheckBox()
    elif field.kind == "int" and field.lo is not None and field.hi is not None \
            and -_QT_INT_MAX <= field.lo and field.hi <= _QT_INT_MAX:
        editor = QSpinBox(minimum=int(field.lo), maximum=int(field.hi),
                          singleStep=int(field.step or 1))
        editor.setKeyboardTracking(False)  # one edit per committed number, not per digit
    else:
        editor = NumberField(field)
    editor.setToolTip(field.tooltip)
    editor.setAccessibleName(field.label)
    return editor
