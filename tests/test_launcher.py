"""The ``minidl-studio`` launcher: the headless path needs no display and writes PNGs too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.__main__ import main
from studio.core import DataSpec, RunSpec, save_spec

ROOT = Path(__file__).resolve().parents[1]


def test_headless_run_without_a_display_writes_csv_and_pngs(tmp_path):
    config = tmp_path / "config.json"
    save_spec(config, RunSpec(epochs=2, data=DataSpec(n_train=100, n_test=100)))
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "studio", "--headless", str(config), "--out", str(out),
         "--quiet"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "propagateSizeHints" not in result.stderr  # offscreen noise is filtered
    assert (out / "curves.csv").read_text().count("\n") == 3
    for name in ("curves.png", "region.png"):
        assert (out / name).read_bytes().startswith(b"\x89PNG")


def test_help_does_not_start_the_gui(capsys):
    assert main(["--help"]) == 0
    assert "--headless" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--headless"], ["--headless", "missing.json", "--out", "x"]])
def test_headless_argument_errors_return_nonzero(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2


def test_compare_subcommand_without_a_display_writes_tables_and_band_pngs(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    out = tmp_path / "cmp"
    result = subprocess.run(
        [sys.executable, "-m", "studio", "compare", "--runs", "2", "--epochs", "3",
         "--configs", "ce-sgd", "--workers", "1", "--out", str(out), "--quiet"],
        env=env, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert "propagateSizeHints" not in result.stderr
    assert "| minidl |" in result.stdout and "| torch.nn |" in result.stdout
    for name in ("table.csv", "table.md", "curves.csv", "results.json"):
        assert (out / name).stat().st_size > 0
    pngs = sorted(out.glob("*.png"))
    assert pngs and all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_compare_subcommand_rejects_nonsense_runs(capsys):
    assert main(["compare", "--runs", "0"]) == 2
    assert "--runs" in capsys.readouterr().err


def test_gui_without_a_display_says_so_in_one_line():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "-m", "studio"], env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 2  # not a Qt abort (-6) with a core dump
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "--headless" in lines[0]
