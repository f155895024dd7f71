"""The compare window's house rules: public stop, shared thread plumbing, cells formatted once,
atomic PNGs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from studio.core.compare.experiment import ExperimentResult, RunResult, make_config, run_experiment
from studio.core.compare.report import markdown_table
from studio.core.spec import RunSpec
from studio.gui.compare import compare_window
from studio.gui.compare.compare_export import png_writer
from studio.gui.compare.compare_plots import table_cells
from studio.gui.compare.compare_window import CompareWindow, TwinWorker


def _synthetic() -> ExperimentResult:
    configs = (make_config("ce-sgd", 2), make_config("mse-mom", 2))
    results = tuple(
        RunResult(fw, c.label, seed, (0.5, 0.12 + seed / 100), (0.6, 0.2 + seed / 50),
                  (0.7, 0.935 + seed / 1000), (0.6, 0.9), train_time_s=0.01 * (1 + seed))
        for c in configs for fw in ("minidl", "torch.nn") for seed in (0, 1, 2))
    return ExperimentResult(configs, 3, 0, results)


def test_the_table_shows_the_cells_of_table_md():
    exp = _synthetic()
    rows = table_cells(exp)
    markdown = markdown_table(exp)
    assert [r[:2] for r in rows] == [["ce-sgd", "minidl"], ["ce-sgd", "torch.nn"],
                                     ["mse-mom", "minidl (mom)"], ["mse-mom", "torch.nn (mom)"]]
    for row in rows:  # the Markdown row of this framework, cell for cell
        assert f"| {row[1]} | " + " | ".join(row[2:8]) + " |" in markdown
        assert row[8] in markdown and row[9].endswith("x")
    assert rows[0][2] == "0.1300 (0.01)"  # "#.4g", as table.md writes it (not "0.13")


def test_stop_goes_through_the_workers_public_api(qtbot, monkeypatch):
    stops = []
    original = TwinWorker.stop
    monkeypatch.setattr(TwinWorker, "stop", lambda self: (stops.append(self), original(self)))
    window = CompareWindow(RunSpec(epochs=100_000))
    qtbot.addWidget(window)
    qtbot.mouseClick(window.twin_start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.twin_plots.reports) >= 1, timeout=30_000)
    qtbot.mouseClick(window.twin_stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.is_running(), timeout=10_000)
    assert len(stops) == 1 and stops[0].is_stopping
    assert "Stopped." in window.twin_status.text()


def test_the_window_reads_no_private_worker_state():
    source = Path(compare_window.__file__).read_text(encoding="utf-8")
    assert "._stop" not in source and "._cancel" not in source
    assert "QThread(" not in source  # the thread plumbing is studio.gui.threads'


def test_band_png_export_is_atomic(qapp, tmp_path):
    exp = run_experiment([make_config("ce-sgd", 2)], 1, workers=1)
    (tmp_path / "bands_ce-sgd.png").mkdir()  # a directory where the file must go
    with pytest.raises(OSError):
        png_writer(tmp_path, exp)
    assert [p.name for p in tmp_path.iterdir()] == ["bands_ce-sgd.png"]  # no temp file left
