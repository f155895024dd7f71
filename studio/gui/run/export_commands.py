"""File > Export…: the main window's export commands, kept apart so the window reads as wiring.

Each command asks for a path (through :mod:`studio.gui.dialogs`, which tests replace), writes
atomically through :mod:`studio.gui.run.export`, and reports a failure in a dialog.
"""

from __future__ import annotations

from studio.gui import dialogs
from studio.gui.run import export

__all__ = ["ExportCommands"]

_CSV_FILTER = "CSV files (*.csv);;All files (*)"
_PNG_FILTER = "PNG images (*.png);;All files (*)"
_WEIGHTS_FILTER = "safetensors (*.safetensors);;All files (*)"


class ExportCommands:
    """Mixin for :class:`~studio.gui.main_window.MainWindow` (uses its curves, region,
    controller, current path and status bar)."""

    def _export(self, title: str, filter_: str, suffix: str, write) -> bool:
        stem = self.current_path.stem if self.current_path else "minidl"
        path = dialogs.get_save_path(self, title, f"{stem}{suffix}", filter_)
        if not path:
            return False
        try:
            write(path)
        except OSError as exc:
            dialogs.show_error(self, "Export failed", str(exc))
            return False
        self.statusBar().showMessage(f"Exported {path}.")
        return True

    def export_curves_png(self) -> bool:
        """File > Export curves PNG…"""
        return self._export("Export curves", _PNG_FILTER, "_curves.png",
                            lambda p: export.export_curves_png(self.curves, p))

    def export_curves_csv(self) -> bool:
        """File > Export curves CSV…"""
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
            self.statusBar().showMessage("No trained weights yet: train, pause or stop first.")
            return False
        epochs = self.controller.reports[-1].epoch if self.controller.reports else 0
        return self._export("Export trained weights", _WEIGHTS_FILTER, "_weights.safetensors",
                            lambda p: export.export_weights(p, weights, spec, epochs))

