"""LIMITS is the spec's one statement of its vocabulary and bounds: validation reads it."""

from __future__ import annotations

import math
import time

import pytest

from studio.core import spec as S
from studio.core.limits import LIMITS, MAX_LAYERS, Field
from studio.core.spec import LayerSpec, RunSpec, SpecError, from_dict, to_dict


def _doc_with(path: str, value: object) -> dict:
    """The default spec as a dict with ``path`` ("optimizer.lr", "layers[].width") set."""
    doc = to_dict(RunSpec())
    if path == "data.classes":  # the default disk has 2 classes; a spiral takes 2 to 8
        doc["data"]["name"] = "spiral"
    head, _, tail = path.replace("[]", "").partition(".")
    if head == "layers":
        doc["layers"][0][tail] = value
    elif tail:
        doc[head][tail] = value
    else:
        doc[head] = value
    return doc


def _error_path(path: str) -> str:
    return path.replace("[]", "[0]")


def _numeric() -> list[Field]:
    return [f for f in LIMITS.values() if f.kind in ("int", "float") and f.path != "layers"]


@pytest.mark.parametrize("field", _numeric(), ids=lambda f: f.path)
def test_spec_accepts_each_bound_and_refuses_beyond_it(field: Field) -> None:
    if field.path == "optimizer.nesterov":
        return
    for bound, is_open, outward in ((field.lo, field.lo_open, -1), (field.hi, field.hi_open, 1)):
        if bound is None:
            continue
        if field.kind == "int":
            inside, outside = bound, bound + outward
        else:
            inside = math.nextafter(bound, -outward * math.inf) if is_open else bound
            outside = bound if is_open else math.nextafter(bound, outward * math.inf)
        assert LIMITS[field.path].check(inside) == inside
        built = from_dict(_doc_with(field.path, inside))
        assert built is not None
        with pytest.raises(SpecError) as info:
            from_dict(_doc_with(field.path, outside))
        assert info.value.path == _error_path(field.path)
        assert info.value.message == f"must be {field.range_text}, got {outside}"


@pytest.mark.parametrize("field", [f for f in LIMITS.values() if f.kind == "choice"],
                         ids=lambda f: f.path)
def test_choices_are_the_spec_vocabulary_and_have_display_names(field: Field) -> None:
    for choice in field.choices:
        from_dict(_doc_with(field.path, choice))
        assert field.show(choice) and field.show(choice) in field.tooltip
    with pytest.raises(SpecError, match=f"unknown {field.noun} 'nope'"):
        from_dict(_doc_with(field.path, "nope"))


def test_vocabulary_is_defined_once() -> None:
    assert S.ACTIVATIONS is LIMITS["layers[].activation"].choices
    assert S.LOSSES is LIMITS["loss"].choices and S.DTYPES is LIMITS["dtype"].choices
    assert S.MAX_SEED == LIMITS["seed"].hi == LIMITS["data.seed"].hi == 2**62
    assert LIMITS["loss"].show("cross_entropy") == "CrossEntropy"
    assert LIMITS["layers[].activation"].show("leaky_relu") == "LeakyReLU"


def test_every_field_has_a_label_and_a_tooltip_with_its_range() -> None:
    for field in LIMITS.values():
        assert field.label and field.about, field.path
        if field.kind in ("int", "float"):
            assert field.range_text in field.tooltip, field.path


def test_layer_count_is_capped() -> None:
    assert len(RunSpec(layers=(LayerSpec(3),) * MAX_LAYERS).layers) == MAX_LAYERS == 64
    with pytest.raises(SpecError) as info:
        RunSpec(layers=(LayerSpec(3),) * (MAX_LAYERS + 1))
    assert info.value.path == "layers"
    assert info.value.message == "must hold 0 to 64 hidden layers, got 65"
    doc = to_dict(RunSpec())
    doc["layers"] = [{"width": 3}] * 1_000_000
    start = time.perf_counter()
    with pytest.raises(SpecError, match="layers: must hold 0 to 64 hidden layers, got 1000000"):
        from_dict(doc)
    assert time.perf_counter() - start < 0.5  # refused before building the layers


def test_zero_hidden_layers_is_a_valid_linear_classifier() -> None:
    doc = to_dict(RunSpec())
    doc["layers"] = []
    assert from_dict(doc).sizes == (2, 2)


def test_check_refuses_wrong_types() -> None:
    with pytest.raises(ValueError, match="must be an integer, got bool True"):
        LIMITS["epochs"].check(True)
    with pytest.raises(ValueError, match="must be finite"):
        LIMITS["optimizer.lr"].check(math.inf)
    assert LIMITS["optimizer.lr"].check(1) == 1.0 and type(LIMITS["optimizer.lr"].check(1)) is float
