"""Issue 13: JSON the standard module accepts or fails on without naming a field."""

from __future__ import annotations

import json
import time

import pytest

from studio.core.spec import RunSpec, SpecError, from_json, to_dict

BASE = to_dict(RunSpec())


def _text(**changes: object) -> str:
    return json.dumps({**BASE, **changes})


@pytest.mark.parametrize("text, path", [
    ('{"schema_version": 1, "optimizer": {"lr": 0.01, "lr": 50}}', "optimizer.lr"),
    ('{"schema_version": 1, "seed": 1, "seed": 2}', "seed"),
    ('{"schema_version": 1, "layers": [{"width": 3}, {"width": 3, "width": 4}]}',
     "layers[1].width"),
    ('{"schema_version": 1, "schema_version": 1}', "schema_version"),
    ('{"schema_version": 1, "data": {"noise": 0, "x": 1, "x": 2}}', "data.x"),
])
def test_duplicate_keys_are_refused_with_their_path(text: str, path: str) -> None:
    with pytest.raises(SpecError, match="duplicate key") as info:
        from_json(text)
    assert info.value.path == path


def test_nan_is_refused_with_its_path() -> None:
    with pytest.raises(SpecError, match="NaN is not valid JSON") as info:
        from_json('{"schema_version": 1, "optimizer": {"lr": NaN}}')
    assert info.value.path == "optimizer.lr"


@pytest.mark.parametrize("field, text", [
    ("seed", '{"schema_version": 1, "seed": ' + "9" * 5000 + "}"),
    ("data.seed", '{"schema_version": 1, "data": {"seed": -' + "1" * 5000 + "}}"),
    ("optimizer.lr", '{"schema_version": 1, "optimizer": {"lr": ' + "1" * 5000 + "}}"),
    ("data.noise", '{"schema_version": 1, "data": {"noise": ' + "1" * 400 + "}}"),
    ("epochs", '{"schema_version": 1, "epochs": ' + "7" * 4000 + "}"),
])
def test_huge_integers_name_their_field_and_stay_short(field: str, text: str) -> None:
    with pytest.raises(SpecError) as info:
        from_json(text)
    assert info.value.path == field
    assert "digits" in info.value.message and len(str(info.value)) < 200


@pytest.mark.parametrize("text, path", [
    ('{"schema_version": 1, "": 1}', '""'),
    ('{"schema_version": 1, "optimizer": {"": 1}}', 'optimizer.""'),
    ('{"schema_version": 1, "layers": [{"": 1}]}', 'layers[0].""'),
])
def test_an_empty_key_is_named(text: str, path: str) -> None:
    with pytest.raises(SpecError, match="unknown key") as info:
        from_json(text)
    assert info.value.path == path


@pytest.mark.parametrize("text", [
    _text(name=12345, loss="x" * 10_000_000),
    _text(loss="x" * 10_000_000),
    _text(layers=[{"activation": "y" * 10_000_000}]),
    _text(seed="z" * 10_000_000),
    _text(**{"k" * 10_000_000: 1}),
    _text(optimizer={"lr": ["w" * 1_000_000] * 10}),
    _text(schema_version="v" * 10_000_000),
])
def test_messages_quote_at_most_a_few_words(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(SpecError) as info:
        from_json(text)
    assert len(str(info.value)) < 400, str(info.value)[:500]
    assert time.perf_counter() - start < 2.0


def test_a_long_value_is_clipped_with_an_ellipsis() -> None:
    with pytest.raises(SpecError) as info:
        from_json(_text(loss="x" * 1000))
    assert "…" in str(info.value) and "x" * 100 not in str(info.value)
