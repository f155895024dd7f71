"""Issue 13 items 5, 6, 10: CLI and launcher errors that used to be tracebacks or hangs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import studio.__main__ as launcher
import studio.cli as cli
from studio.core import LayerSpec, RunSpec, save_spec

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "in.json"
    save_spec(path, RunSpec(layers=(LayerSpec(4),), epochs=1))
    return path


def test_threads_are_capped(config: Path, tmp_path: Path, capsys) -> None:
    assert cli.main(["--headless", str(config), "--out", str(tmp_path / "o"),
                     "--threads", "100000"]) == 2
    err = capsys.readouterr().err
    assert f"must be in [1, {cli.MAX_THREADS}]" in err and not (tmp_path / "o").exists()


def test_an_empty_out_is_refused(config: Path, capsys) -> None:
    assert cli.main(["--headless", str(config), "--out", ""]) == 2
    assert "--out" in capsys.readouterr().err


def test_headless_help_prints_help(capsys) -> None:
    assert launcher.main(["--headless", "--help"]) == 0
    assert "--headless CONFIG.json" in capsys.readouterr().out


def test_a_fifo_config_is_refused_at_once(tmp_path: Path, capsys) -> None:
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    start = time.perf_counter()
    assert cli.main(["--headless", str(fifo), "--out", str(tmp_path / "o")]) == 2
    assert "not a regular file" in capsys.readouterr().err
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("spec, fields", [
    # The widest stack the layer cap allows, in float64: ~34 GB, more than this machine has.
    (RunSpec(layers=(LayerSpec(4096),) * 64, dtype="float64"), "layers"),
    (RunSpec(layers=(LayerSpec(4096),) * 50, batch_size=1_000_000), "layers, batch_size"),
])
def test_a_spec_too_big_for_memory_exits_2_naming_fields(spec: RunSpec, fields: str,
                                                          tmp_path: Path, capsys) -> None:
    path = tmp_path / "big.json"
    save_spec(path, spec)
    assert cli.main(["--headless", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"error: {fields}: needs ~" in err and "available" in err


def test_sigint_while_starting_exits_130_at_once(monkeypatch) -> None:
    exits: list[int] = []
    monkeypatch.setattr(launcher, "_running_app", lambda: None)
    monkeypatch.setattr(launcher.os, "_exit", exits.append)
    launcher._on_sigint(signal.SIGINT, None)
    assert exits == [130]


def test_sigint_with_a_window_closes_the_windows(monkeypatch) -> None:
    closed: list[bool] = []
    app = types.SimpleNamespace(topLevelWidgets=lambda: ["window"],
                                closeAllWindows=lambda: closed.append(True))
    monkeypatch.setattr(launcher, "_running_app", lambda: app)
    launcher._on_sigint(signal.SIGINT, None)
    assert closed == [True]


def test_the_handler_is_installed_before_the_gui_is_imported(monkeypatch) -> None:
    seen = []
    fake = types.ModuleType("studio.app")
    fake.main = lambda files: seen.append(signal.getsignal(signal.SIGINT)) or 0
    monkeypatch.setitem(sys.modules, "studio.app", fake)
    before = signal.getsignal(signal.SIGINT)
    try:
        assert launcher.main([]) == 0
    finally:
        signal.signal(signal.SIGINT, before)
    assert seen == [launcher._on_sigint]


@pytest.mark.parametrize("delay", [0.2, 0.6])
def test_ctrl_c_early_in_gui_startup_quits_without_traceback(delay: float) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
           "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "studio"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("the GUI did not quit after Ctrl+C during startup")
    assert proc.returncode == 130, err
    assert "Traceback" not in err


def test_out_json_of_a_huge_estimate_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"schema_version": 1, "layers": [{"width": 4096}] * 64,
                                "dtype": "float64"}))
    assert cli.main(["--headless", str(path), "--out", str(tmp_path / "o")]) == 2
    assert not (tmp_path / "o").exists()
