"""``--headless SPEC --out DIR --data FILE.csv``: train on your own points."""

from __future__ import annotations

from pathlib import Path

import studio.cli as cli
from studio.core import DataSpec, LayerSpec, RunSpec, load_spec, save_spec

SPEC = RunSpec(layers=(LayerSpec(8),), data=DataSpec(features=("x", "y", "xy")), epochs=3)


def _spec(tmp_path: Path) -> Path:
    path = tmp_path / "spec.json"
    save_spec(path, SPEC)
    return path


def test_data_option_trains_on_the_csv_and_saves_it_inline(tmp_path: Path, capsys) -> None:
    rows = "".join(f"{i % 10},{i // 10},{'ab'[i % 2]}\n" for i in range(60))
    csv_path = tmp_path / "points.csv"
    csv_path.write_text("x,y,label\n" + rows, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["--headless", str(_spec(tmp_path)), "--out", str(out), "--data",
                     str(csv_path), "--quiet"]) == cli.EXIT_OK
    saved = load_spec(out / "config.json")
    assert saved.data.name == "custom" and len(saved.data.points) == 60
    assert saved.data.class_names == ("a", "b") and saved.data.features == ("x", "y", "xy")
    assert saved.sizes == (3, 8, 2) and (out / "curves.csv").is_file()


def test_a_bad_csv_is_a_config_error_naming_line_and_column(tmp_path: Path, capsys) -> None:
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("0.1,0.2,0\n0.3,zzz,1\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["--headless", str(_spec(tmp_path)), "--out", str(out), "--data",
                     str(csv_path)]) == cli.EXIT_BAD_CONFIG
    assert "line 2, column 2: 'zzz' is not a finite number" in capsys.readouterr().err
    assert not out.exists()  # nothing written
    assert cli.main(["--headless", str(_spec(tmp_path)), "--out", str(out), "--data",
                     str(tmp_path / "missing.csv")]) == cli.EXIT_BAD_CONFIG
