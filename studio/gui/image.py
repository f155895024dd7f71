"""Plots to PNG bytes, for exports that must be written atomically.

Rendering to bytes first and writing them with :func:`studio.core.io.atomic_write_bytes`
means a failed or interrupted export never leaves a half-written PNG behind.
"""

from __future__ import annotations

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsScene

__all__ = ["png_bytes", "render_item"]


def render_item(item: pg.GraphicsObject | QGraphicsScene, width: int) -> QImage:
    """Render a plot item (axes, legend, colour bar) or a whole scene ``width`` px wide."""
    exporter = ImageExporter(item)
    exporter.parameters()["width"] = int(width)  # the height follows the aspect ratio
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
