"""Spec validation, the JSON round trip and hand-edited/malformed JSON."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core import spec as S
from studio.core.spec import (
    DataSpec,
    LayerSpec,
    OptimizerSpec,
    RunSpec,
    SpecError,
    from_dict,
    from_json,
    to_dict,
    to_json,
)

unit = st.floats(0.0, 0.999, allow_nan=False)
layers = st.builds(LayerSpec, width=st.integers(1, 4096), activation=st.sampled_from(S.ACTIVATIONS),
                   init=st.sampled_from(S.INITS))
# momentum > 0 and dampening 0 so that nesterov=True is always valid.
optimizers = st.builds(
    OptimizerSpec, name=st.sampled_from(S.OPTIMIZERS),
    lr=st.floats(1e-6, 100.0) | st.integers(1, 100), momentum=st.floats(0.01, 0.999),
    dampening=st.just(0.0), nesterov=st.booleans(), weight_decay=st.floats(0.0, 1.0),
    beta1=unit, beta2=unit, eps=st.floats(1e-12, 1.0))
datas = st.builds(DataSpec, name=st.sampled_from(S.DATASETS), n_train=st.integers(2, 10**6),
                  n_test=st.integers(1, 10**6), noise=st.floats(0.0, 1.0),
                  seed=st.integers(0, S.MAX_SEED), standardize=st.booleans())
specs = st.builds(RunSpec, layers=st.lists(layers, max_size=6).map(tuple),
                  loss=st.sampled_from(S.LOSSES), optimizer=optimizers, data=datas,
                  batch_size=st.integers(1, 10**6), epochs=st.integers(1, 100_000),
                  seed=st.integers(0, S.MAX_SEED), device=st.sampled_from(S.DEVICES),
                  dtype=st.sampled_from(S.DTYPES), name=st.text(max_size=30))


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(specs)
def test_json_round_trip(spec: RunSpec) -> None:
    assert from_json(to_json(spec)) == spec
    assert from_dict(json.loads(json.dumps(to_dict(spec)))) == spec
    assert to_dict(spec)["schema_version"] == S.SCHEMA_VERSION


def test_defaults_are_the_seed_task() -> None:
    spec = RunSpec()
    assert spec.sizes == (2, 25, 25, 25, 2)
    assert (spec.input_size, spec.output_size) == (2, 2)
    assert spec.parameter_count == (2 * 25 + 25) + 2 * (25 * 25 + 25) + (25 * 2 + 2)
    assert spec.optimizer.lr == 0.1 and spec.optimizer.momentum == 0.2
    assert (spec.batch_size, spec.epochs, spec.data.n_train, spec.data.n_test) == (100, 200,
                                                                                   1000, 1000)


def test_ints_are_accepted_for_floats_and_stored_as_floats() -> None:
    opt = OptimizerSpec(lr=1, momentum=0)
    assert type(opt.lr) is float and type(opt.momentum) is float
    assert from_json(to_json(RunSpec(optimizer=opt))).optimizer == opt


def test_replace_validates() -> None:
    spec = RunSpec()
    assert dataclasses.replace(spec, epochs=5).epochs == 5
    with pytest.raises(SpecError) as info:
        dataclasses.replace(spec, epochs=0)
    assert info.value.path == "epochs"


def test_lists_of_layers_become_tuples_and_hash() -> None:
    spec = RunSpec(layers=[LayerSpec(3)])
    assert spec.layers == (LayerSpec(3),)
    assert hash(spec) == hash(RunSpec(layers=(LayerSpec(3),)))


def test_error_message_reads_path_colon_message() -> None:
    with pytest.raises(SpecError) as info:
        OptimizerSpec(lr=-1)
    assert str(info.value) == "lr: must be > 0 and <= 100, got -1.0"
    assert info.value.message == "must be > 0 and <= 100, got -1.0"
    assert isinstance(info.value, ValueError)


INVALID = [
    (LayerSpec, {"width": 0}, "width"), (LayerSpec, {"width": 4097}, "width"),
    (LayerSpec, {"width": True}, "width"), (LayerSpec, {"width": 2.0}, "width"),
    (LayerSpec, {"width": "25"}, "width"), (LayerSpec, {"activation": "relu2"}, "activation"),
    (LayerSpec, {"activation": None}, "activation"), (LayerSpec, {"init": "he"}, "init"),
    (DataSpec, {"name": "moons"}, "name"), (DataSpec, {"n_train": 1}, "n_train"),
    (DataSpec, {"n_train": 1_000_001}, "n_train"), (DataSpec, {"n_test": 0}, "n_test"),
    (DataSpec, {"noise": -0.1}, "noise"), (DataSpec, {"noise": 1.5}, "noise"),
    (DataSpec, {"noise": float("nan")}, "noise"), (DataSpec, {"noise": "0"}, "noise"),
    (DataSpec, {"seed": -1}, "seed"), (DataSpec, {"seed": S.MAX_SEED + 1}, "seed"),
    (DataSpec, {"standardize": 1}, "standardize"),
    (OptimizerSpec, {"name": "rmsprop"}, "name"), (OptimizerSpec, {"lr": 0}, "lr"),
    (OptimizerSpec, {"lr": 100.5}, "lr"), (OptimizerSpec, {"lr": float("inf")}, "lr"),
    (OptimizerSpec, {"lr": True}, "lr"), (OptimizerSpec, {"momentum": 1.0}, "momentum"),
    (OptimizerSpec, {"momentum": -0.1}, "momentum"),
    (OptimizerSpec, {"dampening": -1}, "dampening"),
    (OptimizerSpec, {"weight_decay": -1e-3}, "weight_decay"),
    (OptimizerSpec, {"beta1": 1.0}, "beta1"), (OptimizerSpec, {"beta2": -0.5}, "beta2"),
    (OptimizerSpec, {"eps": 0.0}, "eps"), (OptimizerSpec, {"nesterov": "yes"}, "nesterov"),
    (OptimizerSpec, {"nesterov": True, "momentum": 0.0}, "nesterov"),
    (OptimizerSpec, {"nesterov": True, "dampening": 0.5}, "nesterov"),
    (RunSpec, {"loss": "hinge"}, "loss"), (RunSpec, {"batch_size": 0}, "batch_size"),
    (RunSpec, {"epochs": 0}, "epochs"), (RunSpec, {"epochs": 100_001}, "epochs"),
    (RunSpec, {"epochs": False}, "epochs"), (RunSpec, {"seed": -3}, "seed"),
    (RunSpec, {"device": "tpu"}, "device"), (RunSpec, {"dtype": "float16"}, "dtype"),
    (RunSpec, {"name": 3}, "name"), (RunSpec, {"layers": "abc"}, "layers"),
    (RunSpec, {"layers": (LayerSpec(), 25)}, "layers[1]"),
    (RunSpec, {"optimizer": {"lr": 1}}, "optimizer"), (RunSpec, {"data": None}, "data"),
]


@pytest.mark.parametrize(("cls", "kwargs", "path"), INVALID,
                         ids=[f"{c.__name__}-{p}-{i}" for i, (c, _, p) in enumerate(INVALID)])
def test_each_rule_raises_with_its_path(cls, kwargs, path) -> None:
    with pytest.raises(SpecError) as info:
        cls(**kwargs)
    assert info.value.path == path
    assert str(info.value).startswith(f"{path}: ")


def _doc(**changes) -> dict:
    doc = to_dict(RunSpec())
    doc.update(changes)
    return doc


def _with(path: list, value) -> dict:
    doc = to_dict(RunSpec())
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


@pytest.mark.parametrize(("doc", "path", "words"), [
    (_with(["layers", 1, "activation"], "relu2"), "layers[1].activation",
     "unknown activation 'relu2' (choose from relu, tanh, sigmoid, leaky_relu, identity)"),
    (_with(["layers", 2, "width"], "25"), "layers[2].width", "must be an integer, got str '25'"),
    (_with(["layers", 0, "widht"], 3), "layers[0].widht", "did you mean 'width'?"),
    (_with(["layers", 1], [25]), "layers[1]", "must be an object"),
    (_with(["layers"], {"width": 3}), "layers", "must be a list"),
    (_with(["optimizer", "lr"], -1), "optimizer.lr", "must be > 0"),
    (_with(["optimizer", "lrr"], 0.1), "optimizer.lrr", "unknown key"),
    (_with(["optimizer"], [0.1]), "optimizer", "must be an object"),
    (_with(["data", "noise"], 2), "data.noise", "must be in [0, 1], got 2.0"),
    (_with(["data", "n_train"], None), "data.n_train", "must be an integer, got NoneType"),
    (_doc(schema_version=7), "schema_version", "unsupported version 7 (this studio reads 1 and 2)"),
    (_doc(schema_version="1"), "schema_version", "unsupported version '1'"),
    (_doc(schema_version=True), "schema_version", "unsupported version True"),
    (_doc(epochs=True), "epochs", "must be an integer, got bool True"),
    (_doc(batch_size=1.5), "batch_size", "must be an integer"),
    (_doc(color="red"), "color", "unknown key"),
    ({"layers": []}, "schema_version", "missing"),
])
def test_hand_edited_documents_name_the_path(doc, path, words) -> None:
    with pytest.raises(SpecError) as info:
        from_json(json.dumps(doc))
    assert info.value.path == path
    assert words in info.value.message


def test_missing_optional_keys_take_defaults() -> None:
    assert from_json('{"schema_version": 1, "epochs": 3}') == RunSpec(epochs=3)
    assert from_json('{"schema_version": 1, "layers": [{"width": 4}]}').layers == (LayerSpec(4),)


@pytest.mark.parametrize(("text", "words"), [
    (to_json(RunSpec())[:-40], "invalid JSON at line"),
    ("", "invalid JSON at line 1, column 1"),
    ("[1, 2]", "must be a JSON object, got list"),
    ("null", "must be a JSON object, got NoneType"),
    ('"spec"', "must be a JSON object, got str"),
    ('{"schema_version": 1} trailing', "invalid JSON at line 1, column 23"),
    ('{"schema_version": 1, "seed": NaN}', "NaN is not valid JSON"),
    ("[" * 100_000, "invalid JSON"),
])
def test_malformed_json_is_a_spec_error(text, words) -> None:
    with pytest.raises(SpecError) as info:
        from_json(text)
    assert words in str(info.value)
