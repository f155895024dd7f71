"""Experiments on what the user is editing: spec paths, a base spec varied, compare --base."""

from __future__ import annotations

import dataclasses

import pytest

from studio import compare_cli
from studio.core.compare.configs import ExperimentError, base_configs
from studio.core.compare.describe import setup_words, varying_fields
from studio.core.io import save_spec
from studio.core.spec import DataSpec, LayerSpec, OptimizerSpec, RunSpec, SpecError
from studio.core.specpaths import get_path, set_path, with_values

TINY = RunSpec(layers=(LayerSpec(width=4), LayerSpec(width=4)), epochs=2,
               data=DataSpec(n_train=40, n_test=40), batch_size=20, name="mine")


def test_set_path_by_field_layer_and_depth() -> None:
    assert set_path(TINY, "optimizer.lr", 0.03).optimizer.lr == 0.03
    assert set_path(TINY, "loss", "mse").loss == "mse"
    assert get_path(set_path(TINY, "layers[].width", 7), "layers[].width") == (7, 7)
    assert set_path(TINY, "layers[1].activation", "tanh").layers[1].activation == "tanh"
    deep = with_values(TINY, {"layers[].width": 9, "depth": 3})  # depth first, then widths
    assert deep.sizes == (2, 9, 9, 9, 2) and set_path(TINY, "depth", 0).sizes == (2, 2)
    with pytest.raises(SpecError, match="optimizer.lr"):
        set_path(TINY, "optimizer.lr", -1.0)
    with pytest.raises(SpecError, match="unknown path"):
        set_path(TINY, "optimizer.speed", 1.0)


def test_base_configs_vary_only_what_is_ticked() -> None:
    configs = base_configs(TINY, {"loss": ["cross_entropy", "mse"],
                                  "optimizer.momentum": [0.0, 0.2]})
    assert [c.label for c in configs] == ["ce-0", "ce-0.2", "mse-0", "mse-0.2"]
    for c in configs:  # everything else is the base, as edited
        assert c.spec.sizes == TINY.sizes and c.spec.data == TINY.data and c.spec.epochs == 2
    assert varying_fields([c.spec for c in configs]) == {
        "loss": ["cross_entropy", "mse"], "optimizer.momentum": [0.0, 0.2]}
    assert base_configs(TINY) == base_configs(TINY, {})
    assert [c.label for c in base_configs(TINY)] == ["mine"]
    with pytest.raises(ExperimentError, match="at least one value"):
        base_configs(TINY, {"loss": []})
    with pytest.raises(ExperimentError, match="loss"):
        base_configs(TINY, {"loss": ["hinge"]})


def test_setup_words_name_the_base_and_the_variation() -> None:
    specs = [TINY, dataclasses.replace(TINY, optimizer=OptimizerSpec(name="adam", lr=0.01))]
    text = setup_words(specs)
    assert text.startswith("Trained: 2→4→4→2 MLP (relu, relu), CrossEntropy, SGD lr 0.1 "
                           "momentum 0.2, disk data 40 train / 40 test, batch 20, 2 epochs")
    assert "Varies: optimizer.name ∈ {sgd, adam}; optimizer.lr ∈ {0.1, 0.01}" in text


def test_cli_compare_base_spec(tmp_path, capsys) -> None:
    spec = tmp_path / "mine.json"
    save_spec(spec, TINY)
    rc = compare_cli.main(["--base", str(spec), "--vary", "optimizer.momentum=0,0.5",
                           "--runs", "2", "--workers", "1", "--out", str(tmp_path / "o"),
                           "--margin-loss", "0.01", "--quiet"])
    assert rc == 0
    md = (tmp_path / "o" / "table.md").read_text()
    assert md.startswith("Trained: 2→4→4→2 MLP") and "Varies: optimizer.momentum ∈ {0, 0.5}" in md
    assert "loss ±0.01, accuracy ±0.005" in md and "| minidl [0.5] |" in md
    assert compare_cli.main(["--vary", "loss=mse", "--out", str(tmp_path / "x")]) == 2
    assert compare_cli.main(["--base", str(tmp_path / "nope.json"),
                             "--out", str(tmp_path / "x")]) == 2
    assert "needs --base" in capsys.readouterr().err
