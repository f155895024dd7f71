"""``minidl-studio examples`` and ``--headless NAME``: the shipped examples from the CLI."""

from __future__ import annotations

import csv
from pathlib import Path

import studio.cli as cli
from studio.__main__ import main
from studio.core import load_spec
from studio.core.examples import load_example


def test_examples_subcommand_lists_names_and_summaries(capsys) -> None:
    assert main(["examples"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in lines[:-2]}
    assert list(rows) == ["seed_a", "seed_b", "dead_relu", "vanishing_sigmoid", "x2_y2"]
    assert lines[0].startswith("seed_a ") and rows["seed_a"] == (
        "2-25-25-25-2 relu, cross_entropy, sgd lr 0.1 momentum 0.2, "
        "batch 100, 200 epochs; disk data 1000 train / 1000 test")
    assert rows["seed_b"].startswith("2-25-25-25-2 relu/relu/tanh, mse, ")
    assert lines[-1] == "train one headless: minidl-studio --headless seed_a --out DIR"


def test_examples_subcommand_help_and_bad_arguments(capsys) -> None:
    assert main(["examples", "--help"]) == 0
    assert "minidl-studio examples" in capsys.readouterr().out
    assert main(["examples", "--bogus"]) == 2


def test_headless_trains_an_example_by_name(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)  # no file called seed_b here: the name means the example
    out = tmp_path / "out"
    assert cli.main(["--headless", "seed_b", "--out", str(out), "--epochs", "2"]) == 0
    stdout = capsys.readouterr().out.splitlines()
    assert stdout[0].startswith("epoch 1/2  ") and stdout[-1].startswith("done: 2 epochs")
    spec = load_spec(out / "config.json")
    assert spec.epochs == 2 and spec.name == load_example("seed_b").name
    with open(out / "curves.csv", newline="") as fh:
        assert [row["epoch"] for row in csv.DictReader(fh)] == ["1", "2"]


def test_headless_neither_file_nor_example_says_where_to_look(tmp_path: Path, monkeypatch,
                                                               capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--headless", "seed_z", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot read spec file 'seed_z'")
    assert "`minidl-studio examples`" in err
    assert not (tmp_path / "o").exists()
