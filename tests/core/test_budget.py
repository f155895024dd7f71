"""Issue 13 item 5: specs needing more memory than there is are refused up front."""

from __future__ import annotations

import builtins
import time

import pytest

import studio.core.budget as budget
from studio.core import DataSpec, LayerSpec, OptimizerSpec, RunSpec, Session, SpecError
from studio.core.budget import check_fits, estimate_bytes, format_bytes

GB = 10**9
# The issue's 1000 × 4096 and 10**6 layers are now refused by the spec's layer cap
# (tests/core/test_limits.py); the widest stack the spec allows still cannot fit.
WIDE = RunSpec(layers=(LayerSpec(4096),) * 64)
BIG_BATCH = RunSpec(layers=(LayerSpec(4096),), batch_size=10**6,
                    data=DataSpec(n_train=10**6, n_test=1000))


@pytest.mark.parametrize("spec, fields, at_least", [
    (WIDE, "layers", 16 * GB),
    (BIG_BATCH, "layers, batch_size", 16 * GB),
])
def test_the_issue_specs_are_refused_naming_their_fields(spec: RunSpec, fields: str,
                                                         at_least: int) -> None:
    assert estimate_bytes(spec).total >= at_least
    with pytest.raises(SpecError) as info:
        check_fits(spec, available=11 * GB)
    assert info.value.path == fields
    assert "GB of memory, 11.0 GB available" in info.value.message


def test_the_breakdown_adds_up_and_grows_with_the_fields() -> None:
    small = estimate_bytes(RunSpec())
    assert set(small.parts) == {"parameters", "optimizer", "activations", "evaluation", "data",
                                "overhead", "build"}
    assert 0 < small.total < 50 * 2**20
    assert estimate_bytes(RunSpec(batch_size=10_000)).total > small.total  # > the grid
    adam = RunSpec(optimizer=OptimizerSpec(name="adam", lr=0.01))
    assert estimate_bytes(adam).parts["optimizer"] == 2 * small.parts["optimizer"]
    f64 = estimate_bytes(RunSpec(dtype="float64"))
    assert f64.parts["parameters"] == 2 * small.parts["parameters"]


def test_runs_that_take_years_stay_allowed() -> None:
    slow = RunSpec(batch_size=1, epochs=100_000, data=DataSpec(n_train=10**6, n_test=10**6))
    assert check_fits(slow, available=2 * GB).total < GB


def test_session_refuses_before_allocating(monkeypatch) -> None:
    monkeypatch.setattr(budget, "available_bytes", lambda: 100 * 2**20)
    spec = RunSpec(layers=(LayerSpec(4096),) * 3)  # ~1 GB: would build fine
    with pytest.raises(SpecError, match="needs ~") as info:
        Session(spec)
    assert info.value.path.startswith("layers")


def test_a_terabyte_spec_is_refused_at_once_with_real_memory() -> None:
    start = time.perf_counter()
    with pytest.raises(SpecError, match="available"):
        Session(RunSpec(layers=(LayerSpec(4096),) * 64, batch_size=10**6,
                        data=DataSpec(n_train=10**6, n_test=1000)))
    assert time.perf_counter() - start < 5


def test_available_memory_has_fallbacks(monkeypatch) -> None:
    assert budget.available_bytes() > 0

    def no_proc(*args, **kwargs):
        raise OSError("no /proc")

    monkeypatch.setattr(builtins, "open", no_proc)
    assert budget.available_bytes() > 0  # sysconf
    monkeypatch.setattr(budget.os, "sysconf", no_proc)
    assert budget.available_bytes() == budget.FALLBACK_AVAILABLE


def test_format_bytes() -> None:
    assert format_bytes(16.3e9) == "16.3 GB" and format_bytes(512e6) == "512.0 MB"
    assert format_bytes(2.5e12) == "2.5 TB" and format_bytes(900) == "1 kB"


def test_an_experiment_is_refused_before_building_a_model(monkeypatch) -> None:
    from studio.core.compare.experiment import ExperimentConfig, ExperimentError, validate

    monkeypatch.setattr(budget, "available_bytes", lambda: 100 * 2**20)
    import studio.core.compare.experiment as ex

    monkeypatch.setattr(ex, "available_bytes", lambda: 100 * 2**20)
    config = ExperimentConfig("wide", RunSpec(layers=(LayerSpec(4096),) * 3))
    with pytest.raises(ExperimentError, match="'wide'.*layers"):
        validate([config], 2, workers=1)
    with pytest.raises(ExperimentError, match="2 workers"):
        validate([ExperimentConfig("w", RunSpec(layers=(LayerSpec(2048),) * 2))], 2, workers=2)
