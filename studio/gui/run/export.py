"""Exports: curves and decision region as PNG, curves as CSV; and the CLI's PNG writer.

Every export takes a path (dialogs live in :mod:`studio.gui.dialogs`) and is written through
:func:`studio.core.io.atomic_write_bytes`: a failed export leaves nothing half-written.
:func:`png_writer` renders the same widgets the window shows, offscreen, for
``minidl-studio --headless``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QHBoxLayout, QWidget

from studio.core import (
    EpochReport,
    RunSpec,
    atomic_write_bytes,
    save_weights,
    to_json,
    write_curves_csv,
)
from studio.gui import style
from studio.gui.image import png_bytes, render_item

__all__ = ["export_curves_csv", "export_curves_png", "export_region_png", "export_weights",
           "png_writer"]


def _stack(images: Sequence[QImage]) -> QImage:
    width = max(image.width() for image in images)
    out = QImage(width, sum(image.height() for image in images), QImage.Format.Format_ARGB32)
    out.fill(QColor(style.plot_colors().background))
    painter = QPainter(out)
    y = 0
    for image in images:
        painter.drawImage(0, y, image)
        y += image.height()
    painter.end()
    return out


def export_curves_png(curves, path: str | os.PathLike, width: int = 1000) -> None:
    """Write the loss plot above the accuracy plot of a :class:`~studio.gui.run.plots.CurvesView`.

    Raises
    ------
    OSError
        The file cannot be written (nothing is left behind).
    """
    images = [render_item(plot.getPlotItem(), width)
              for plot in (curves.loss_plot, curves.accuracy_plot)]
    atomic_write_bytes(path, png_bytes(_stack(images)))


def export_region_png(region, path: str | os.PathLike, width: int = 800) -> None:
    """Write the decision region of a :class:`~studio.gui.run.region.DecisionRegionView`.

    With the true boundary where the data set has one, and a legend under the axes (on
    screen the legend is a label outside the plot; here it joins the plot for the export).
    """
    item = region.region_plot.getPlotItem()
    legend = region.export_legend()
    item.layout.addItem(legend, 4, 1)  # rows 0-3: title, top axis, view, bottom axis
    try:
        image = render_item(item, width, (legend,))
    finally:
        item.layout.removeItem(legend)
        if legend.scene() is not None:
            legend.scene().removeItem(legend)
    atomic_write_bytes(path, png_bytes(image))


def export_curves_csv(path: str | os.PathLike, reports: Sequence[EpochReport]) -> None:
    """Write the curves as CSV (:func:`studio.core.io.write_curves_csv`)."""
    write_curves_csv(path, reports)


class _FinishedRun(QObject):
    """The read-only face of a run controller that the views need, for a run already done."""

    state_changed = Signal(object)

    def __init__(self, spec: RunSpec, reports: Sequence[EpochReport]) -> None:
        super().__init__()
        self.spec = spec
        self.reports = list(reports)
        self.last_grid = next((r.grid for r in reversed(self.reports) if r.grid is not None),
                              None)
        self.is_active = False


def export_weights(path: str | os.PathLike, weights, spec: RunSpec, epochs: int) -> None:
    """Write trained ``weights`` (name → array) as safetensors, the spec in its metadata."""
    save_weights(path, weights, {"format": "minidl-studio", "epochs_trained": str(epochs),
                                 "spec": to_json(spec)})


def png_writer(out_dir: Path, reports: Sequence[EpochReport], final_report: EpochReport,
               spec: RunSpec) -> None:
    """Write ``out_dir/curves.png`` and ``out_dir/region.png`` with the GUI's renderer.

    Builds the window's plot widgets offscreen (never shown on screen), so the headless CLI
    and the studio draw identical pictures. Creates a ``QApplication`` if there is none.
    ``final_report`` is the last report; its grid (when present) is the region drawn.
    """
    from studio.gui.run.plots import CurvesView
    from studio.gui.run.region import DecisionRegionView
    from studio.gui.setup.spec_model import SpecModel

    _app = QApplication.instance() or QApplication([])  # noqa: F841 - must outlive the widgets
    style.configure_pyqtgraph()
    run = _FinishedRun(spec, [*reports[:-1], final_report] if reports else [final_report])
    model = SpecModel(spec)
    host = QWidget()
    host.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    curves = CurvesView(run)
    region = DecisionRegionView(run, model)
    layout = QHBoxLayout(host)
    layout.addWidget(curves, 3)
    layout.addWidget(region, 2)
    host.resize(1400, 700)
    host.show()  # layouts and plot geometry only settle for a shown widget
    try:
        QApplication.processEvents()
        curves.refresh()
        region.refresh()
        QApplication.processEvents()
        out_dir = Path(out_dir)
        export_curves_png(curves, out_dir / "curves.png")
        export_region_png(region, out_dir / "region.png")
    finally:
        host.close()
        host.deleteLater()
        model.deleteLater()
        run.deleteLater()
