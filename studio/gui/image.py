"""Plots to PNG bytes, for exports that must be written atomically.

Rendering to bytes first and writing them with :func:`studio.core.io.atomic_write_bytes`
means a failed or interrupted export never leaves a half-written PNG behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QFont, QImage
from PySide6.QtWidgets import QGraphicsScene

__all__ = ["TEXT_PER_WIDTH", "export_fonts", "png_bytes", "render_item"]

#: Exported text height in image pixels per image pixel of width: 1000 px wide gives 15 px
#: ticks, legend and axis labels, and a title 1.2 times that.
TEXT_PER_WIDTH = 0.015
TITLE_SCALE = 1.2


def _sized(font: QFont | None, pixels: float) -> QFont:
    font = QFont(font) if font is not None else QFont()
    font.setPixelSize(max(1, round(pixels)))
    return font


def _set_label_size(label: pg.LabelItem, size: str | None) -> None:
    # A LabelItem's size is CSS in its HTML, which overrides any QFont given to it.
    if size is None:
        label.opts.pop("size", None)
        label.setText(label.text)
    else:
        label.setText(label.text, size=size)


def _plot_items(item: pg.PlotItem) -> list[pg.PlotItem]:
    # The item and the plot items in its layout: a ColorBarItem is one, with its own axis.
    layout = item.layout
    inner = [layout.itemAt(i) for i in range(layout.count())]
    return [item, *(i for i in inner if isinstance(i, pg.PlotItem) and i is not item)]


@contextmanager
def export_fonts(item: pg.PlotItem, width: int,
                 legends: tuple[pg.LegendItem, ...] = ()) -> Iterator[float]:
    """Size a plot item's tick, axis-label, title and legend text for a ``width`` px export.

    The exporter scales the whole item by ``width`` over its on-screen width, text included,
    so on-screen font sizes come out huge or tiny depending on the window. Inside this
    context every text (of the item, of plot items in its layout such as a colour bar, of
    its legend and of ``legends``) is set so that, after that scaling, it is
    ``TEXT_PER_WIDTH * width`` image pixels high (the title ``TITLE_SCALE`` times that):
    the same for every export size. Yields that text height in item pixels; the on-screen
    fonts come back on exit.
    """
    scale = width / max(1.0, item.sceneBoundingRect().width())
    text = TEXT_PER_WIDTH * width / scale
    css = f"{max(1, round(text))}px"
    axes = [entry["item"] for plot in _plot_items(item) for entry in plot.axes.values()]
    saved_axes = [(axis, axis.style.get("tickFont"), dict(axis.labelStyle)) for axis in axes]
    for axis in axes:
        axis.setStyle(tickFont=_sized(axis.style.get("tickFont"), text))
        axis.labelStyle["font-size"] = css
        axis._updateLabel()
    legends = (*legends, *((item.legend,) if item.legend is not None else ()))
    labels = [(item.titleLabel, f"{max(1, round(TITLE_SCALE * text))}px")]
    labels += [(label, css) for legend in legends for _, label in legend.items]
    saved_labels = [(label, label.opts.get("size")) for label, _ in labels]
    for label, size in labels:
        _set_label_size(label, size)
    for legend in legends:
        legend.updateSize()
    item.layout.activate()
    try:
        yield text
    finally:
        for axis, tick_font, label_style in saved_axes:
            axis.setStyle(tickFont=tick_font)
            axis.labelStyle = label_style
            axis._updateLabel()
        for label, size in saved_labels:
            _set_label_size(label, size)
        for legend in legends:
            legend.updateSize()


def render_item(item: pg.GraphicsObject | QGraphicsScene, width: int,
                legends: tuple[pg.LegendItem, ...] = ()) -> QImage:
    """Render a plot item (axes, legend, colour bar) or a whole scene ``width`` px wide.

    A :class:`pyqtgraph.PlotItem`'s text, and that of its extra ``legends``, is sized for
    that width (:func:`export_fonts`).
    """
    exporter = ImageExporter(item)
    exporter.parameters()["width"] = int(width)  # the height follows the aspect ratio
    if not isinstance(item, pg.PlotItem):
        return exporter.export(toBytes=True)
    with export_fonts(item, int(width), legends):
        return exporter.export(toBytes=True)


def png_bytes(image: QImage) -> bytes:
    """Encode ``image`` as PNG.

    Raises
    ------
    OSError
        Qt could not encode it.
    """
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("could not encode the image as PNG")
    buffer.close()
    return bytes(data.data())
