"""Exported PNGs: text sized for the export width, the region with its legend and boundary."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage
from window_helpers import make_window

from studio.core.boundary import true_boundary
from studio.gui import image as image_module
from studio.gui import style
from studio.gui.image import TEXT_PER_WIDTH, TITLE_SCALE, export_fonts
from studio.gui.run import export


def test_region_png_has_the_true_boundary_and_a_legend(qtbot, qapp, tmp_path, monkeypatch):
    window = make_window(qtbot)  # the disk data set: a circle boundary
    window.resize(1300, 800)
    qapp.processEvents()
    region = window.region
    item = region.region_plot.getPlotItem()
    seen = {}
    real_render = export.render_item

    def spy_render(plot_item, width, legends=()):
        seen["legend"] = [label.text for legend in legends for _, label in legend.items]
        return real_render(plot_item, width, legends)

    class SpyExporter(image_module.ImageExporter):
        def export(self, *args, **kwargs):
            # Where the circle falls in the picture, taken as it is drawn (export fonts and
            # the legend in the layout).
            plot_item, width = self.item, self.parameters()["width"]
            rect = plot_item.sceneBoundingRect()
            scale = width / rect.width()
            (circle,) = true_boundary("disk")
            points = (plot_item.vb.mapViewToScene(QPointF(float(x), float(y)))
                      for x, y in circle)
            seen["circle"] = [((p.x() - rect.left()) * scale, (p.y() - rect.top()) * scale)
                              for p in points]
            return super().export(*args, **kwargs)

    monkeypatch.setattr(export, "render_item", spy_render)
    monkeypatch.setattr(image_module, "ImageExporter", SpyExporter)
    path = tmp_path / "region.png"
    export.export_region_png(region, path, width=800)
    assert seen["legend"] == ["class 0", "class 1", "train", "test", "misclassified test",
                              "true disk"]
    image = QImage(str(path))
    outline = np.array(QColor(style.OUTLINE_COLOR).getRgb()[:3])

    def near_outline(x: float, y: float) -> bool:
        for dx in range(-2, 3):
            for dy in range(-2, 3):
                px, py = round(x) + dx, round(y) + dy
                if 0 <= px < image.width() and 0 <= py < image.height():
                    rgb = np.array(QColor(image.pixel(px, py)).getRgb()[:3])
                    if np.abs(rgb - outline).max() < 40:
                        return True
        return False

    hits = [near_outline(x, y) for x, y in seen["circle"]]
    assert sum(hits) >= 0.4 * len(hits)  # a dashed line: most samples fall on a dash
    # The legend leaves the on-screen plot again.
    assert item.layout.rowCount() == 4  # title, top axis, view, bottom axis
    assert not any(isinstance(i, pg.LegendItem) for i in item.scene().items())


def test_export_fonts_are_set_for_the_export_width(qtbot, qapp):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    widget.show()
    item = widget.getPlotItem()
    style.style_plot(item, y_label="loss")
    item.setTitle("Loss")
    item.plot([1, 2, 3], [3, 2, 1], name="train")
    qapp.processEvents()
    before = item.legend.items[0][1].opts.get("size")
    for width in (600, 1600):
        scale = width / item.sceneBoundingRect().width()
        with export_fonts(item, width) as text:
            assert text * scale == TEXT_PER_WIDTH * width
            px = round(text)
            for name in ("left", "bottom"):
                axis = item.getAxis(name)
                assert axis.style["tickFont"].pixelSize() == px
                assert axis.labelStyle["font-size"] == f"{px}px"
            assert item.legend.items[0][1].opts["size"] == f"{px}px"  # legend = ticks
            assert item.titleLabel.opts["size"] == f"{round(TITLE_SCALE * text)}px"
    assert item.legend.items[0][1].opts.get("size") == before  # the screen's fonts are back
