"""Band-plot PNGs of an experiment: one file per configuration, in the window's white look."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QImage

from studio.core.compare.experiment import make_config, run_experiment
from studio.gui.compare.compare_export import png_writer


@pytest.fixture
def pyqtgraph_defaults():
    """Start from pyqtgraph's own black background, whatever earlier tests configured."""
    before = pg.getConfigOption("background"), pg.getConfigOption("foreground")
    pg.setConfigOptions(background="k", foreground="d")
    yield
    pg.setConfigOptions(background=before[0], foreground=before[1])


def test_band_pngs_are_written_on_a_white_background(qapp, tmp_path, pyqtgraph_defaults) -> None:
    configs = [make_config("ce-sgd", 3), make_config("mse-mom", 3)]
    exp = run_experiment(configs, 2, workers=1)
    written = png_writer(tmp_path, exp)
    assert sorted(p.name for p in written) == ["bands_ce-sgd.png", "bands_mse-mom.png"]
    image = QImage(str(written[0]))
    assert image.width() >= 1000 and image.height() >= 600
    # A report figure, not pyqtgraph's default black canvas.
    assert QColor(image.pixel(3, 3)).lightness() > 240
