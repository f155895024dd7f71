"""The headless CLI: files written, progress lines, exit codes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import studio.cli as cli
from studio.core import EpochReport, LayerSpec, OptimizerSpec, RunSpec, load_spec, save_spec

ROOT = Path(__file__).resolve().parents[1]
SMALL = RunSpec(layers=(LayerSpec(6),), epochs=4, name="small")


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config_in.json"
    save_spec(path, SMALL)
    return path


def test_headless_run_writes_config_and_curves(tmp_path: Path, config: Path, capsys) -> None:
    out = tmp_path / "out" / "nested"
    assert cli.main(["--headless", str(config), "--out", str(out)]) == 0
    stdout = capsys.readouterr().out.splitlines()
    progress = [line for line in stdout if line.startswith("epoch ")]
    assert len(progress) == 4
    assert progress[0].startswith("epoch 1/4  train_loss ")
    for word in ("test_loss", "train_acc", "test_acc", "steps/s"):
        assert word in progress[-1]
    assert stdout[-1].startswith("done: 4 epochs")
    assert load_spec(out / "config.json") == SMALL
    with open(out / "curves.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["epoch"] for row in rows] == ["1", "2", "3", "4"]
    assert list(rows[0]) == ["epoch", "train_loss", "test_loss", "train_acc", "test_acc",
                             "elapsed_s"]


def test_overrides_and_quiet(tmp_path: Path, config: Path, capsys) -> None:
    out = tmp_path / "out"
    assert cli.main(["--headless", str(config), "--out", str(out), "--epochs", "2",
                     "--device", "cpu", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert load_spec(out / "config.json").epochs == 2
    assert len((out / "curves.csv").read_text().splitlines()) == 3


@pytest.mark.parametrize(("content", "words"), [
    ('{"schema_version": 7}', "schema_version: unsupported version 7"),
    ('{"schema_version": 1, "layers": [{"activation": "relu2"}]}', "layers[0].activation"),
    ("{not json", "invalid JSON at line 1"),
    (None, "cannot read spec file"),
])
def test_bad_config_exits_2_without_traceback(tmp_path: Path, capsys, content, words) -> None:
    path = tmp_path / "c.json"
    if content is not None:
        path.write_text(content)
    assert cli.main(["--headless", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_bad_override_names_the_option(tmp_path: Path, config: Path, capsys) -> None:
    assert cli.main(["--headless", str(config), "--out", str(tmp_path), "--epochs", "0"]) == 2
    assert "--epochs: must be in [1, 100000], got 0" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys) -> None:
    assert cli.main(["--out", "x"]) == 2
    assert "--headless" in capsys.readouterr().err
    assert cli.main(["--help"]) == 0


def test_divergence_exits_3_and_keeps_the_curves(tmp_path: Path, capsys) -> None:
    config = tmp_path / "c.json"
    save_spec(config, RunSpec(loss="mse", epochs=30, optimizer=OptimizerSpec(lr=50.0)))
    assert cli.main(["--headless", str(config), "--out", str(tmp_path / "out")]) == 3
    err = capsys.readouterr().err
    assert "lower the learning rate (now 50)" in err
    lines = (tmp_path / "out" / "curves.csv").read_text().splitlines()
    assert 2 <= len(lines) < 31 and "nan" in lines[-1]


def test_ctrl_c_writes_partial_curves(tmp_path: Path, config: Path, monkeypatch, capsys) -> None:
    real_run = cli.Session.run

    def interrupted(self, *args, **kwargs):
        gen = real_run(self, *args, **kwargs)

        def run():
            yield next(gen)
            yield next(gen)
            raise KeyboardInterrupt
        return run()

    monkeypatch.setattr(cli.Session, "run", interrupted)
    assert cli.main(["--headless", str(config), "--out", str(tmp_path / "out")]) == 130
    assert "interrupted after 2 epoch(s)" in capsys.readouterr().err
    assert len((tmp_path / "out" / "curves.csv").read_text().splitlines()) == 3


def test_png_writer_gets_the_run(tmp_path: Path, config: Path) -> None:
    calls = []

    def png_writer(out_dir, reports, final_report, spec) -> None:
        calls.append((out_dir, reports, final_report, spec))
        (out_dir / "boundary.png").write_bytes(b"png")

    out = tmp_path / "out"
    assert cli.main(["--headless", str(config), "--out", str(out), "--quiet"],
                    png_writer=png_writer) == 0
    ((out_dir, reports, final, spec),) = calls
    assert out_dir == out and spec == SMALL and len(reports) == 4
    assert isinstance(final, EpochReport) and final is reports[-1]
    assert final.grid is not None and final.grid.shape == (64, 64)
    assert (out / "boundary.png").exists()


def test_python_dash_m(tmp_path: Path, config: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "studio.cli", "--headless", str(config), "--out", str(out),
         "--epochs", "1"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "OMP_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("epoch 1/1")
    assert json.loads((out / "config.json").read_text())["epochs"] == 1


def test_threads_option_sets_torch_threads_and_rejects_zero(tmp_path: Path, config: Path,
                                                            capsys) -> None:
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        assert cli.main(["--headless", str(config), "--out", str(tmp_path / "o"), "--quiet",
                         "--threads", "1"]) == 0
        assert torch.get_num_threads() == 1
        assert cli.main(["--headless", str(config), "--out", str(tmp_path / "o"),
                         "--threads", "0"]) == 2
        assert "--threads" in capsys.readouterr().err
    finally:
        torch.set_num_threads(before)


def test_headless_run_saves_the_trained_weights(tmp_path: Path, config: Path) -> None:
    from studio.core.build import build_model
    from studio.core.weights import load_weights

    out = tmp_path / "out"
    assert cli.main(["--headless", str(config), "--out", str(out), "--quiet"]) == 0
    weights = load_weights(out / "weights.safetensors")
    initial = build_model(SMALL).state_dict()
    assert list(weights) == list(initial)
    assert all(w.shape == initial[k].shape for k, w in weights.items())
    assert any(not torch.equal(w, initial[k]) for k, w in weights.items())  # it trained
