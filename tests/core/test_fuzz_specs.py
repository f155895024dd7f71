"""Issue 13 item 11: mutated spec files end in a RunSpec or a named error, never a traceback.

Each example starts from a small valid spec and mutates it the ways hand edits and damaged
files do: wrong types, huge or 5000-digit integers, long strings, NaN/Infinity, nested
garbage, missing, empty and duplicate keys.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import studio.cli as cli
from studio.core import LayerSpec, RunSpec, SpecError, StudioIOError, load_spec, to_dict

BASE = to_dict(RunSpec(layers=(LayerSpec(3),), epochs=1, batch_size=5,
                       data=RunSpec().data.__class__(n_train=8, n_test=4)))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10), st.sampled_from([2**63, -(2**70), 10**400]),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5),
    st.sampled_from(["relu", "adam", "mse", "x" * 5000, "", "cuda"]),
    st.just("BIGINT"))  # replaced by a 5000-digit literal in the text
garbage = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=6)


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from _paths(value, (*prefix, i))


@st.composite
def mutated_texts(draw) -> str:
    doc = json.loads(json.dumps(BASE))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "empty_key", "add_key"]))
        if action == "replace":
            parent[path[-1]] = draw(garbage)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent["" if action == "empty_key" else draw(st.text(max_size=6))] = draw(garbage)
    text = json.dumps(doc)  # NaN/Infinity appear as the literals JSON does not allow
    text = text.replace('"BIGINT"', "7" * 5000)
    if draw(st.booleans()):  # a duplicate key somewhere
        key = draw(st.sampled_from(['"seed": ', '"lr": ', '"width": ', '"n_train": ']))
        if key in text:
            text = text.replace(key, key + "1, " + key, 1)
    return text


def _check_load(path: Path) -> str:
    try:
        load_spec(path)
    except SpecError as exc:
        # A document that is valid JSON names the field; only syntax / the whole doc may not.
        assert exc.path or exc.message.startswith(("invalid JSON", "a spec must be")), exc
        assert len(str(exc)) < 400
        return "SpecError"
    except StudioIOError:
        return "StudioIOError"
    return "RunSpec"


OUTCOMES: dict[str, int] = {}


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_texts())
def test_load_spec_never_raises_anything_else(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.json"
        path.write_text(text)
        outcome = _check_load(path)
    OUTCOMES[outcome] = OUTCOMES.get(outcome, 0) + 1


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_texts())
def test_headless_cli_exits_0_or_2(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.json"
        path.write_text(text)
        code = cli.main(["--headless", str(path), "--out", str(Path(tmp) / "out"),
                         "--epochs", "1", "--quiet"])
    assert code in (0, 2)
