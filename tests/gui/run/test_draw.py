"""Draw your own points: real mouse events on the region add and erase points through the
spec model (undo works), saving and reopening keeps them, a run turns drawing off."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from window_helpers import RUN_TIMEOUT_MS, make_window

from studio.core import load_spec
from studio.core.limits import CUSTOM_DATA


def _click(qtbot, window, x: float, y: float, button=Qt.MouseButton.LeftButton) -> None:
    """Click the region plot at data coordinates ``(x, y)``."""
    plot = window.region.region_plot
    scene = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
    pos: QPoint = plot.mapFromScene(scene)
    qtbot.mouseClick(plot.viewport(), button, pos=pos)


def _start_drawing(qtbot, window) -> None:
    qtbot.mouseClick(window.findChild(type(window.region.draw.draw_mode), "draw_mode"),
                     Qt.MouseButton.LeftButton)
    assert window.region.draw.is_drawing


def test_clicks_add_points_of_the_selected_class_and_undo_removes_them(qtbot):
    window = make_window(qtbot)
    _start_drawing(qtbot, window)
    _click(qtbot, window, 0.25, 0.3)
    data = window.spec_model.spec.data
    assert data.name == CUSTOM_DATA and len(data.points) == 1
    x, y, label = data.points[0]
    assert (abs(x - 0.25), abs(y - 0.3)) < (0.02, 0.02) and label == 0
    qtbot.mouseClick(window.region.draw.class_button(1), Qt.MouseButton.LeftButton)
    _click(qtbot, window, 0.75, 0.7)
    assert [p[2] for p in window.spec_model.spec.data.points] == [0, 1]
    # The region shows them (unsplit until the set can be split: all as training points).
    assert len(window.region.train_scatter.data) == 2
    window.spec_model.undo_stack.undo()
    assert len(window.spec_model.spec.data.points) == 1


def test_right_click_erases_within_the_radius(qtbot):
    window = make_window(qtbot)
    _start_drawing(qtbot, window)
    for x, y in ((0.2, 0.2), (0.21, 0.2), (0.8, 0.8)):
        _click(qtbot, window, x, y)
    _click(qtbot, window, 0.205, 0.2, Qt.MouseButton.RightButton)
    points = window.spec_model.spec.data.points
    assert len(points) == 1 and points[0][0] > 0.7
    window.spec_model.undo_stack.undo()  # the erase was one step
    assert len(window.spec_model.spec.data.points) == 3
    qtbot.mouseClick(window.region.draw.clear_button, Qt.MouseButton.LeftButton)
    assert window.spec_model.spec.data.points == ()


def test_clicks_without_draw_mode_change_nothing(qtbot):
    window = make_window(qtbot)
    spec = window.spec_model.spec
    _click(qtbot, window, 0.5, 0.5)
    assert window.spec_model.spec == spec


def test_a_drawing_is_saved_and_reopened_and_trains(qtbot, tmp_path):
    window = make_window(qtbot)
    _start_drawing(qtbot, window)
    for i in range(12):  # two classes, left and right
        qtbot.mouseClick(window.region.draw.class_button(i % 2), Qt.MouseButton.LeftButton)
        _click(qtbot, window, 0.2 + 0.6 * (i % 2), 0.1 + 0.07 * i)
    drawn = window.spec_model.spec
    # Twelve points split 6/6 by the seeded test fraction: the region shows both sets.
    assert len(window.region.train_scatter.data) + len(window.region.test_scatter.data) == 12
    assert len(window.region.test_scatter.data) == 6
    path = tmp_path / "drawn.json"
    window.document.save_as(path)
    assert load_spec(path) == drawn
    other = make_window(qtbot)
    other.open_path(str(path))
    assert other.spec_model.spec.data.points == drawn.data.points

    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controls.start_button.click()
        assert not window.region.draw.is_drawing and not window.region.draw.isEnabled()
    assert window.region.draw.isEnabled()
    assert window.region.image.image is not None  # two classes: the P(class 1) map
