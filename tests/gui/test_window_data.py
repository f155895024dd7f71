"""Your own data in the window: File > Import/Export data, and the k-class decision region."""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import QPointF
from window_helpers import RUN_TIMEOUT_MS, make_window

from studio.core import DataSpec, RunSpec
from studio.core.csv_data import load_csv_data
from studio.core.palette import CLASS_COLORS, classes_rgb, hex_rgb
from studio.gui import dialogs

SPIRAL3 = RunSpec(epochs=30, data=DataSpec(name="spiral", classes=3, n_train=300, n_test=150),
                  optimizer=dataclasses.replace(RunSpec().optimizer, name="adam", lr=0.02))
GOOD = "x,y,label\n0.5,1.0,cat\n2.0,3.0,dog\n1.0,2.5,cat\n3.0,1.0,dog\n-1,0,bird\n"


def test_import_a_valid_csv_is_one_undoable_edit(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "pets.csv"
    path.write_text(GOOD)
    monkeypatch.setattr(dialogs, "get_open_path", lambda *args: str(path))
    window = make_window(qtbot)
    before = window.spec_model.spec
    window.actions["import_data"].trigger()
    data = window.spec_model.spec.data
    assert (data.name, data.classes, data.class_names) == ("custom", 3, ("cat", "dog", "bird"))
    assert data.points[0] == (0.5, 1.0, 0) and len(data.points) == 5
    # The legend names the classes; the view frames the points (not the unit square).
    legend = window.region.legend.text()
    assert all(name in legend for name in ("cat", "dog", "bird"))
    (x0, x1), (y0, y1) = window.region.region_plot.getPlotItem().getViewBox().viewRange()
    assert x0 < -1 and x1 > 3 and y0 < 0 and y1 > 3
    window.spec_model.undo_stack.undo()
    assert window.spec_model.spec == before


def test_import_a_bad_csv_names_line_and_column_and_changes_nothing(qtbot, tmp_path,
                                                                   monkeypatch):
    path = tmp_path / "bad.csv"
    path.write_text("x,y,label\n0.5,1.0,a\n0.7,abc,b\n")
    errors = []
    monkeypatch.setattr(dialogs, "get_open_path", lambda *args: str(path))
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, title, text: errors.append(text))
    window = make_window(qtbot)
    before = window.spec_model.spec
    window.actions["import_data"].trigger()
    assert len(errors) == 1
    assert "bad.csv" in errors[0] and "line 3, column 2" in errors[0] and "'abc'" in errors[0]
    assert window.spec_model.spec == before and not window.spec_model.is_dirty
    assert window.spec_model.undo_stack.count() == 0


def test_export_data_writes_the_current_set(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(dialogs, "get_save_path", lambda *args: str(tmp_path / "points"))
    window = make_window(qtbot)
    window.actions["export_data"].trigger()
    points = load_csv_data(tmp_path / "points.csv")  # the suffix was added
    data = window.spec_model.spec.data
    assert len(points.x) == data.n_train + data.n_test
    assert int(points.split.sum()) == data.n_test


def test_three_classes_region_is_coloured_by_the_arg_max(qtbot):
    window = make_window(qtbot, SPIRAL3)
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controls.start_button.click()
    qtbot.waitUntil(lambda: window.region._grid is not None, timeout=RUN_TIMEOUT_MS)
    last = window.controller.reports[-1]
    assert last.grid is None and last.class_grid is not None
    shown = window.region.class_image.image
    assert np.array_equal(shown, classes_rgb(last.class_grid, last.confidence_grid, 3))
    assert window.region.image.image is None and not window.region.colorbar.isVisible()
    # On screen: where the model is sure, a pixel's colour leans to its class colour.
    plot = window.region.region_plot
    picture = plot.grab().toImage()
    view_box = plot.getPlotItem().getViewBox()
    n = last.class_grid.shape[0]
    sure = np.argwhere(last.confidence_grid > 0.95)
    checked = 0
    for row, col in sure[:: max(len(sure) // 40, 1)]:
        centre = QPointF((col + 0.5) / n, (row + 0.5) / n)
        pos = plot.mapFromScene(view_box.mapViewToScene(centre))
        rgb = np.array(picture.pixelColor(pos).getRgb()[:3], dtype=float)
        tint = 255.0 - rgb  # away from white, toward the class colour
        colours = [255.0 - np.array(hex_rgb(c), dtype=float) for c in CLASS_COLORS[:3]]
        cosine = [tint @ c / (np.linalg.norm(tint) * np.linalg.norm(c) + 1e-9)
                  for c in colours]
        if np.linalg.norm(tint) > 40:  # not a white data point's edge
            checked += 1
            assert int(np.argmax(cosine)) == int(last.class_grid[row, col]), (row, col)
    assert checked >= 10
    legend = window.region.legend.text()
    for i in range(3):
        assert f"class&nbsp;{i}" in legend and CLASS_COLORS[i] in legend
    assert "true" not in legend  # the spiral has no known boundary


def test_a_paused_k_class_model_sends_its_class_grid(qtbot):
    window = make_window(qtbot, dataclasses.replace(SPIRAL3, epochs=50))
    window.controls.step_button.click()
    qtbot.waitUntil(lambda: isinstance(window.region._grid, tuple), timeout=RUN_TIMEOUT_MS)
    assert window.region.class_image.image.shape == (64, 64, 3)
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controller.stop()


def test_disk_and_xor_draw_their_true_boundaries(qtbot):
    window = make_window(qtbot)
    x, _ = window.region.outline.getData()
    assert len(x) == 181 and "true&nbsp;disk" in window.region.legend.text()
    window.spec_model.set_spec(dataclasses.replace(
        window.spec_model.spec, data=DataSpec(name="xor", n_train=100, n_test=100)))
    x, _ = window.region.outline.getData()
    assert len(x) == 5 and np.isnan(x[2])  # two lines, one break
    assert "true&nbsp;boundary" in window.region.legend.text()
