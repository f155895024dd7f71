"""The torch.nn twin stays equal to minidl (float64), and explains what it cannot build."""

from __future__ import annotations

import dataclasses

import pytest
import torch

import minidl
from studio.core.build import build_model
from studio.core.compare.twin import TorchSession, TwinError, build_torch_twin, twin_train
from studio.core.spec import LayerSpec, OptimizerSpec, RunSpec

OPTIMIZERS = {"sgd": OptimizerSpec(name="sgd", lr=0.1, momentum=0.0),
              "sgd_momentum": OptimizerSpec(name="sgd", lr=0.1, momentum=0.2),
              "adam": OptimizerSpec(name="adam", lr=0.01)}


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("opt", sorted(OPTIMIZERS))
def test_twin_stays_equal_in_float64(loss: str, opt: str) -> None:
    # 12 epochs x 10 batches = 120 optimiser steps on both sides.
    spec = RunSpec(loss=loss, optimizer=OPTIMIZERS[opt], dtype="float64", epochs=12)
    with torch.no_grad():  # the caller's grad mode must not matter
        reports = list(twin_train(spec, grid_size=16))
    assert len(reports) == 12
    for r in reports:
        assert r.max_abs_weight_diff < 1e-9
        assert r.rel_grad_diff < 1e-9
        assert abs(r.minidl_train_loss - r.torch_train_loss) < 1e-9
        assert abs(r.minidl_test_loss - r.torch_test_loss) < 1e-9
        assert r.minidl_test_acc == r.torch_test_acc
        assert r.disagreement_fraction == 0.0
        assert r.disagreement.shape == (16, 16) and not r.disagreement.flags.writeable
    assert reports[-1].minidl_train_loss < reports[0].minidl_train_loss  # it did learn


def test_float32_twin_drifts_only_slightly() -> None:
    spec = RunSpec(dtype="float32", epochs=5, layers=(LayerSpec(activation="tanh"),
                                                      LayerSpec(activation="sigmoid")))
    last = list(twin_train(spec, grid_size=8))[-1]
    assert 0.0 <= last.max_abs_weight_diff < 1e-4
    assert last.rel_grad_diff < 1e-3


def test_twin_copies_weights_and_matches_outputs() -> None:
    spec = RunSpec(dtype="float64", layers=(LayerSpec(8, "leaky_relu"), LayerSpec(4, "identity")))
    model = build_model(spec)
    twin = build_torch_twin(spec, model)
    x = torch.randn(7, 2, dtype=torch.float64)
    with torch.no_grad():
        assert torch.equal(twin(x), model(x))
    assert list(twin.state_dict()) == list(model.state_dict())
    assert twin[0].weight.dtype == torch.float64


class _Square(minidl.Module):
    def forward(self, x):
        return x * x


def test_twin_error_names_the_layer() -> None:
    model = minidl.Sequential(minidl.Linear(2, 3), minidl.ReLU(), _Square(), minidl.Linear(3, 2))
    with pytest.raises(TwinError, match=r"layer 2 \(_Square\)") as info:
        build_torch_twin(RunSpec(), model)
    assert info.value.index == 2 and isinstance(info.value, ValueError)


def test_stop_event_and_divergence() -> None:
    import threading

    stop = threading.Event()
    stop.set()
    assert list(twin_train(RunSpec(epochs=3), stop=stop)) == []
    assert list(TorchSession(RunSpec(epochs=3)).run(stop=stop)) == []
    bad = dataclasses.replace(RunSpec(epochs=50, loss="mse"),
                              optimizer=OptimizerSpec(lr=100.0, momentum=0.9))
    reports = list(twin_train(bad, grid_size=4))
    assert reports[-1].diverged and len(reports) < 50
