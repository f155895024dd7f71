"""File > Export…: the main window's export commands, an object the window composes.

Each command asks for a path (through :mod:`studio.gui.dialogs`, which tests replace), writes
atomically through :mod:`studio.gui.run.export`, and reports a failure in a dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from studio.gui import dialogs
from studio.gui.run import export
from studio.gui.run.plots import CurvesView
from studio.gui.run.region import DecisionRegionView
from studio.gui.run.run_controller import RunController

__all__ = ["ExportCommands"]

_CSV_FILTER = "CSV files (*.csv);;All files (*)"
_PNG_FILTER = "PNG images (*.png);;All files (*)"
_WEIGHTS_FILTER = "safetensors (*.safetensors);;All files (*)"


class ExportCommands:
    """The File > Export… commands of one window's run views.

    Parameters
    ----------
    parent : QWidget
        Owner of the dialogs.
    controller : RunController
        The run whose reports and weights are exported.
    curves, region : CurvesView, DecisionRegionView
        The views rendered to PNG.
    stem : callable
        Returns the base name paths are offered under (the open file's stem).
    show_status : callable
        Shows a one-line message (the window's status bar).
    """

    def __init__(self, parent: QWidget, controller: RunController, curves: CurvesView,
                 region: DecisionRegionView, *, stem: Callable[[], str],
                 show_status: Callable[[str], None]) -> None:
        self._parent, self.controller = parent, controller
        self.curves, self.region = curves, region
        self._stem, self._show_status = stem, show_status

    def _export(self, title: str, filter_: str, name: str, write) -> bool:
        path = dialogs.get_save_path(self._parent, title, f"{self._stem()}{name}", filter_)
        if not path:
            return False
        path = dialogs.with_suffix(path, name[name.rindex("."):])
        try:
            write(path)
        except OSError as exc:
            dialogs.show_error(self._parent, "Export failed", str(exc))
            return False
        self._show_status(f"Exported {path}.")
        return True

    def export_curves_png(self) -> bool:
        """File > Export curves PNG…"""
        return self._export("Export curves", _PNG_FILTER, "_curves.png",
                            lambda p: export.export_curves_png(self.curves, p))

    def export_curves_csv(self) -> bool:
        """File > Export curves CSV… (refused before any run: a header alone helps nobody)."""
        if not self.controller.reports:
            self._show_status("No curves yet: train (or step) first, then export them.")
            return False
        return self._export("Export curves", _CSV_FILTER, "_curves.csv",
                            lambda p: export.export_curves_csv(p, self.controller.reports))

    def export_region_png(self) -> bool:
        """File > Export decision region PNG…"""
        return self._export("Export decision region", _PNG_FILTER, "_region.png",
                            lambda p: export.export_region_png(self.region, p))

    def export_weights(self) -> bool:
        """File > Export trained weights… (safetensors, as of the last pause or end)."""
        weights, spec = self.controller.weights, self.controller.spec
        if weights is None or spec is None:
            self._show_status("No trained weights yet: train, pause or stop first.")
            return False
        epochs = self.controller.reports[-1].epoch if self.controller.reports else 0
        return self._export("Export trained weights", _WEIGHTS_FILTER, "_weights.safetensors",
                            lambda p: export.export_weights(p, weights, spec, epochs))

