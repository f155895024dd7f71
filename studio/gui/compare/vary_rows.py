"""Rows of "spec path = comma-separated values": what an experiment varies, a sweep's grid.

``parse_values`` reads a value the way a JSON file would ("0.1" is a number, "true" a bool)
and anything else as a string ("mse"), so the text means what the sweep file would say.
"""

from __future__ import annotations

import json
import re
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLineEdit, QWidget

__all__ = ["VARY_DEFAULTS", "VaryRows", "object_name", "parse_values"]

#: What the experiment tab offers to vary, with the values it proposes (editable).
VARY_DEFAULTS = {"loss": "cross_entropy, mse", "optimizer.momentum": "0, 0.2",
                 "optimizer.name": "sgd, adam", "optimizer.lr": "0.1, 0.03",
                 "layers[].width": "25, 50"}


def object_name(prefix: str, path: str) -> str:
    """``object_name("vary", "layers[].width") == "vary_layers_width"``."""
    return f"{prefix}_" + re.sub(r"\W+", "_", path).strip("_")


def parse_values(text: str) -> list[Any]:
    """``"0.1, 0.03"`` → ``[0.1, 0.03]``; ``"mse, ce"`` → ``["mse", "ce"]``; blanks dropped."""
    out: list[Any] = []
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        try:
            out.append(json.loads(token))
        except ValueError:
            out.append(token)
    return out


class VaryRows(QWidget):
    """A tick box and a values field per path; :meth:`vary` gives the ticked ones.

    Signals
    -------
    changed()
        A box was ticked or a value edited.
    """

    changed = Signal()

    def __init__(self, defaults: dict[str, str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checks: dict[str, QCheckBox] = {}
        self.edits: dict[str, QLineEdit] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, (path, values) in enumerate((defaults or VARY_DEFAULTS).items()):
            check = QCheckBox(f"vary {path}")
            check.setObjectName(object_name("vary", path))
            edit = QLineEdit(values)
            edit.setObjectName(object_name("vary_values", path))
            edit.setAccessibleName(f"{path} values")
            check.toggled.connect(self.changed)
            edit.textChanged.connect(self.changed)
            grid.addWidget(check, i // 3, 2 * (i % 3))
            grid.addWidget(edit, i // 3, 2 * (i % 3) + 1)
            self.checks[path], self.edits[path] = check, edit

    def vary(self) -> dict[str, list[Any]]:
        """``{path: values}`` of the ticked rows (an empty list where the field is empty)."""
        return {p: parse_values(self.edits[p].text()) for p, c in self.checks.items()
                if c.isChecked()}

    def set_vary(self, vary: dict[str, str]) -> None:
        """Tick exactly the paths of ``vary`` and set their value texts."""
        for path, check in self.checks.items():
            check.setChecked(path in vary)
            if path in vary:
                self.edits[path].setText(vary[path])
