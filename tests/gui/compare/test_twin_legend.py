"""The drift plot's legend sits outside its data: the curves fill the log plot's top right."""

from __future__ import annotations

import numpy as np

from studio.gui.compare.compare_plots import TwinPlots


def test_drift_legend_is_outside_the_plot_area(qtbot, qapp) -> None:
    plots = TwinPlots()
    qtbot.addWidget(plots)
    plots.resize(1400, 450)
    plots.show()
    epochs = np.arange(1.0, 201.0)
    plots.curves["max |Δw|"].setData(epochs, np.geomspace(1e-17, 1e-2, epochs.size))
    plots.curves["rel grad diff"].setData(epochs, np.geomspace(1e-16, 1e-1, epochs.size))
    plots.curves["butterfly"].setData(epochs, np.geomspace(1e-16, 1.0, epochs.size))
    qapp.processEvents()
    legend = plots.drift_legend
    names = [label.text for _, label in legend.items]
    assert names == ["max |Δw|", "‖Δg‖/‖g‖", "butterfly: max |Δw| (1 ulp)"]
    legend_rect = legend.sceneBoundingRect()
    view_rect = plots.diff_plot.vb.sceneBoundingRect()
    assert legend_rect.width() > 0 and legend_rect.height() > 0
    assert not legend_rect.intersects(view_rect)
    # Not hidden under another plot either: it is below the drift plot, in its column.
    assert legend_rect.top() >= view_rect.bottom()
    assert view_rect.left() - 80 <= legend_rect.left() <= view_rect.right()
    assert plots.diff_plot.legend is None  # no second legend inside the view
