"""The shipped examples: package data found by name, loaded through the one spec reader."""

from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path

import pytest

from studio.core import RunSpec, SpecError, StudioIOError, save_spec
from studio.core import examples as ex
from studio.core.examples import (
    UnknownExampleError,
    describe,
    example_labels,
    example_names,
    load_example,
    load_spec_or_example,
)


def test_the_seed_examples_are_package_data() -> None:
    assert example_names() == (
        "seed_a", "seed_b", "dead_relu", "vanishing_sigmoid", "x2_y2")
    # Inside the package, beside an __init__: what setuptools ships as package data.
    root = resources.files("studio.examples")
    assert root.joinpath("seed_a.json").is_file() and root.joinpath("__init__.py").is_file()


def test_load_example_gives_the_spec() -> None:
    a = load_example("seed_a")
    assert isinstance(a, RunSpec)
    assert a.sizes == (2, 25, 25, 25, 2) and a.loss == "cross_entropy" and a.epochs == 200
    assert load_example("seed_b").loss == "mse"


@pytest.mark.parametrize("name", ["seed_c", "seed_a.json", "../examples/seed_a", ""])
def test_an_unknown_name_lists_the_available_ones(name: str) -> None:
    with pytest.raises(UnknownExampleError) as info:
        load_example(name)
    assert isinstance(info.value, LookupError) and info.value.name == name
    assert str(info.value) == (f"no example named {name!r} (available: seed_a, seed_b, "
                               "dead_relu, vanishing_sigmoid, x2_y2)")


def test_labels_are_the_specs_names_and_skip_a_broken_example(monkeypatch) -> None:
    labels = dict(example_labels())
    assert list(labels) == ["seed_a", "seed_b", "dead_relu", "vanishing_sigmoid", "x2_y2"]
    assert labels["seed_a"].startswith("seed A") and labels["seed_b"].startswith("seed B")

    real = ex.load_example

    def broken_b(name: str) -> RunSpec:
        if name == "seed_b":
            raise SpecError("loss", "not one of ...")
        return real(name)

    monkeypatch.setattr(ex, "load_example", broken_b)
    assert [name for name, _ in example_labels()] == [
        "seed_a", "dead_relu", "vanishing_sigmoid", "x2_y2"]


def test_a_broken_example_fails_like_a_broken_file(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "bad.json").write_text('{"schema_version": 1, "loss": "nope"}', "utf-8")
    monkeypatch.setattr(ex.resources, "files", lambda _package: tmp_path)
    assert example_names() == ("bad",)
    with pytest.raises(SpecError, match=r"^loss: .*\(in '.*bad\.json'\)$"):
        load_example("bad")


def test_describe_is_one_line_with_the_network_and_data() -> None:
    line = describe(load_example("seed_b"))
    assert line == ("2-25-25-25-2 relu/relu/tanh, mse, sgd lr 0.05 momentum 0.9, batch 100, "
                    "100 epochs; disk data 1000 train / 1000 test")
    assert describe(load_example("seed_a")).startswith("2-25-25-25-2 relu, cross_entropy, ")


def test_a_file_wins_over_an_example_of_the_same_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    mine = dataclasses.replace(RunSpec(), epochs=3, name="mine")
    save_spec(tmp_path / "seed_a", mine)
    assert load_spec_or_example("seed_a") == mine
    assert load_spec_or_example("seed_b") == load_example("seed_b")
    assert load_spec_or_example(tmp_path / "seed_a") == mine


def test_neither_a_file_nor_an_example_points_to_the_listing(tmp_path: Path,
                                                              monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StudioIOError) as info:
        load_spec_or_example("seed_z")
    message = str(info.value)
    assert message.startswith("cannot read spec file 'seed_z': ")
    assert "`minidl-studio examples`" in message
    assert info.value.errno is not None
