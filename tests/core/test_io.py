"""Atomic writes, spec files (good, bad and missing) and the curves CSV."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

import studio.core.io as sio
from studio.core import (
    CSV_COLUMNS,
    CurveRow,
    LayerSpec,
    OptimizerSpec,
    RunSpec,
    SpecError,
    StudioIOError,
    atomic_write_bytes,
    atomic_write_text,
    load_spec,
    read_curves_csv,
    save_spec,
    train,
    write_curves_csv,
)
from studio.core.examples import load_example

EXAMPLES = resources.files("studio.examples")  # package data, as an installed wheel has it


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_atomic_write_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    atomic_write_text(target, "one")
    atomic_write_text(target, "twö")
    assert target.read_text(encoding="utf-8") == "twö"
    atomic_write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert _leftovers(tmp_path) == ["a.txt"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_atomic_write_keeps_the_mode_of_the_replaced_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write_text(target, "new")
    assert target.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize("fail", ["replace", "fsync"])
def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path, monkeypatch,
                                                     fail: str) -> None:
    target = tmp_path / "spec.json"
    save_spec(target, RunSpec(name="old"))
    before = target.read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sio.os, fail, boom)
    with pytest.raises(OSError, match="No space left"):
        save_spec(target, RunSpec(name="new"))
    monkeypatch.undo()
    assert target.read_bytes() == before
    assert _leftovers(tmp_path) == ["spec.json"]


def test_failed_serialisation_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "\udcff")  # a lone surrogate cannot be encoded
    assert target.read_text() == "old" and _leftovers(tmp_path) == ["a.txt"]


def test_spec_round_trip_through_a_file(tmp_path: Path) -> None:
    spec = RunSpec(layers=(LayerSpec(4, "sigmoid"),), optimizer=OptimizerSpec("adam", lr=0.01),
                   name="héllo")
    save_spec(tmp_path / "s.json", spec)
    assert load_spec(tmp_path / "s.json") == spec
    assert load_spec(str(tmp_path / "s.json")) == spec


@pytest.mark.parametrize("make", ["missing", "directory"])
def test_unreadable_spec_is_a_studio_io_error(tmp_path: Path, make: str) -> None:
    path = tmp_path / "x.json"
    if make == "directory":
        path.mkdir()
    with pytest.raises(StudioIOError) as info:
        load_spec(path)
    assert isinstance(info.value, OSError)
    assert str(info.value).startswith(f"cannot read spec file {str(path)!r}: ")
    assert info.value.errno is not None


@pytest.mark.parametrize(("content", "path", "words"), [
    (b'{"schema_version": 1,', "", "invalid JSON at line 1"),
    (b"\xff\xfe{}", "", "is not UTF-8 text"),
    (b'{"schema_version": 3}', "schema_version", "unsupported version 3"),
    (b'{"schema_version": 1, "optimizer": {"lr": "fast"}}', "optimizer.lr", "must be a number"),
])
def test_bad_spec_files_are_spec_errors_naming_the_file(tmp_path: Path, content: bytes,
                                                        path: str, words: str) -> None:
    target = tmp_path / "bad.json"
    target.write_bytes(content)
    with pytest.raises(SpecError) as info:
        load_spec(target)
    assert info.value.path == path
    assert words in str(info.value) and "bad.json" in str(info.value)


def test_curves_csv_round_trip(tmp_path: Path) -> None:
    spec = RunSpec(epochs=3, layers=(LayerSpec(4),))
    reports = list(train(spec, grid_every=0))
    write_curves_csv(tmp_path / "c.csv", reports)
    lines = (tmp_path / "c.csv").read_text().splitlines()
    assert lines[0] == "epoch,train_loss,test_loss,train_acc,test_acc,elapsed_s"
    assert len(lines) == 4
    rows = read_curves_csv(tmp_path / "c.csv")
    assert rows == [CurveRow(r.epoch, r.train_loss, r.test_loss, r.train_acc, r.test_acc,
                             r.elapsed_s) for r in reports]
    write_curves_csv(tmp_path / "d.csv", rows)  # rows can be written back as they are
    assert read_curves_csv(tmp_path / "d.csv") == rows


def test_empty_curves_have_just_the_header(tmp_path: Path) -> None:
    write_curves_csv(tmp_path / "c.csv", [])
    assert (tmp_path / "c.csv").read_text() == ",".join(CSV_COLUMNS) + "\n"
    assert read_curves_csv(tmp_path / "c.csv") == []


@pytest.mark.parametrize(("text", "words"), [
    ("", "line 1: expected header"),
    ("epoch,loss\n", "line 1: expected header"),
    (",".join(CSV_COLUMNS) + "\n1,0.5,0.5\n", "line 2: expected 6 values, got 3"),
    (",".join(CSV_COLUMNS) + "\n1,0.5,0.5,0.5,0.5,0.1\nx,1,1,1,1,1\n", "line 3:"),
])
def test_malformed_curves_say_which_line(tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "c.csv").write_text(text)
    with pytest.raises(ValueError, match=words):
        read_curves_csv(tmp_path / "c.csv")


def test_example_files_are_the_seed_tasks() -> None:
    a = load_example("seed_a")
    assert a.sizes == (2, 25, 25, 25, 2) and {lay.activation for lay in a.layers} == {"relu"}
    assert (a.loss, a.optimizer.name, a.optimizer.lr, a.optimizer.momentum) == (
        "cross_entropy", "sgd", 0.1, 0.2)
    assert (a.batch_size, a.epochs, a.data.name, a.data.n_train, a.data.n_test) == (
        100, 200, "disk", 1000, 1000)
    b = load_example("seed_b")
    assert b.sizes == (2, 25, 25, 25, 2)
    assert [lay.activation for lay in b.layers] == ["relu", "relu", "tanh"]
    assert (b.loss, b.optimizer.momentum, b.batch_size, b.epochs) == ("mse", 0.9, 100, 100)
    for name in ("seed_a", "seed_b"):  # exactly what save_spec writes
        text = EXAMPLES.joinpath(f"{name}.json").read_text(encoding="utf-8")
        assert text == sio.to_json(load_example(name))
