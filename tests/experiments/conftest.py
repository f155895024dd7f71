"""Tiny setups: experiments here must stay fast on two shared cores."""

from __future__ import annotations

import pytest

from studio.core.spec import DataSpec, LayerSpec, OptimizerSpec, RunSpec


@pytest.fixture
def tiny() -> RunSpec:
    return RunSpec(layers=(LayerSpec(width=6), LayerSpec(width=6)), epochs=3,
                   data=DataSpec(n_train=60, n_test=60), batch_size=20,
                   optimizer=OptimizerSpec(lr=0.1, momentum=0.2), name="tiny")
