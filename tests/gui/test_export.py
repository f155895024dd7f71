"""Exports: PNG/CSV from the window, failures leave nothing behind, the headless PNG writer."""

from __future__ import annotations

import csv

import pytest
from window_helpers import RUN_TIMEOUT_MS, SMALL, make_window

from studio.core import train
from studio.gui import dialogs
from studio.gui.run.export import png_writer

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def trained(qtbot):
    window = make_window(qtbot)
    with qtbot.waitSignal(window.controller.run_ended, timeout=RUN_TIMEOUT_MS):
        window.controls.start_button.click()
    return window


@pytest.mark.parametrize("action", ["export_curves_png", "export_region_png"])
def test_png_exports(trained, tmp_path, monkeypatch, action):
    path = tmp_path / "out.png"
    monkeypatch.setattr(dialogs, "get_save_path", lambda *a, **k: str(path))
    trained.actions[action].trigger()
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 2000


def test_csv_export_has_a_row_per_epoch(trained, tmp_path, monkeypatch):
    path = tmp_path / "curves.csv"
    monkeypatch.setattr(dialogs, "get_save_path", lambda *a, **k: str(path))
    trained.actions["export_curves_csv"].trigger()
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["epoch", "train_loss", "test_loss", "train_acc", "test_acc", "elapsed_s"]
    assert [int(r[0]) for r in rows[1:]] == [1, 2, 3]
    assert float(rows[-1][2]) == trained.controller.reports[-1].test_loss


@pytest.mark.parametrize("action", ["export_curves_png", "export_curves_csv",
                                    "export_region_png"])
@pytest.mark.parametrize("target", ["missing_dir/out", "."])
def test_unwritable_export_shows_an_error_and_writes_nothing(trained, tmp_path, monkeypatch,
                                                             dialog_calls, action, target):
    path = tmp_path / target  # a missing directory, or a directory in the file's place
    monkeypatch.setattr(dialogs, "get_save_path", lambda *a, **k: str(path))
    assert not getattr(trained.exports, action)()
    errors = [args for name, args in dialog_calls if name == "show_error"]
    assert len(errors) == 1 and errors[0][1] == "Export failed"
    assert list(tmp_path.iterdir()) == []  # no partial file, no stray temp file


def test_png_writer_renders_the_gui_plots_offscreen(qtbot, tmp_path):
    reports = list(train(SMALL))
    png_writer(tmp_path, reports, reports[-1], SMALL)
    for name in ("curves.png", "region.png"):
        assert (tmp_path / name).read_bytes().startswith(PNG_MAGIC)


def test_trained_weights_export_equals_the_headless_run(trained, tmp_path, monkeypatch):
    from studio.core import build_model, from_json, load_weights
    from studio.core.weights import load_weights_metadata

    path = tmp_path / "w.safetensors"
    monkeypatch.setattr(dialogs, "get_save_path", lambda *a, **k: str(path))
    trained.actions["export_weights"].trigger()
    exported = load_weights(path)
    model = build_model(SMALL)
    for _ in train(SMALL, model=model):
        pass
    expected = model.state_dict()
    assert list(exported) == list(expected)
    assert all(exported[k].equal(expected[k]) for k in expected)  # same seed, same weights
    metadata = load_weights_metadata(path)
    assert from_json(metadata["spec"]) == SMALL and metadata["epochs_trained"] == "3"


def test_weights_export_before_any_run_explains_and_writes_nothing(qtbot, tmp_path,
                                                                   monkeypatch):
    window = make_window(qtbot)
    path = tmp_path / "w.safetensors"
    monkeypatch.setattr(dialogs, "get_save_path", lambda *a, **k: str(path))
    window.actions["export_weights"].trigger()
    assert not path.exists()
    assert "No trained weights" in window.statusBar().currentMessage()
