"""Models, losses, optimisers and data built from a spec."""

from __future__ import annotations

import dataclasses

import pytest
import torch

import minidl
import minidl.optim
from studio.core import (
    TEST_SEED_OFFSET,
    DataSpec,
    LayerSpec,
    OptimizerSpec,
    RunSpec,
    SpecError,
    build_loss,
    build_model,
    build_optimizer,
    make_data,
    targets_for,
)


def _weights(model: minidl.Module) -> list[torch.Tensor]:
    return [p.data.clone() for p in model.parameters()]


def test_model_layout_follows_the_spec() -> None:
    spec = RunSpec(layers=(LayerSpec(7, "tanh"), LayerSpec(5, "leaky_relu", "torch_default")))
    model = build_model(spec)
    kinds = [type(m) for m in model]
    assert kinds == [minidl.Linear, minidl.Tanh, minidl.Linear, minidl.LeakyReLU, minidl.Linear]
    shapes = [tuple(p.shape) for p in model.parameters()]
    assert shapes == [(7, 2), (7,), (5, 7), (5,), (2, 5), (2,)]
    assert sum(p.data.numel() for p in model.parameters()) == spec.parameter_count
    assert model[0].init == "xavier_uniform" and model[2].init == "torch_default"
    assert model[4].init == "torch_default"  # the output layer follows the last hidden layer
    assert model[2].bias.data.abs().sum() > 0 and model[0].bias.data.abs().sum() == 0


def test_no_hidden_layers_is_a_linear_classifier() -> None:
    model = build_model(RunSpec(layers=()))
    assert len(model) == 1 and model[0].in_features == 2 and model[0].out_features == 2


def test_same_spec_same_weights_whatever_the_global_rng() -> None:
    spec = RunSpec(seed=3)
    first = _weights(build_model(spec))
    torch.manual_seed(12345)
    second = _weights(build_model(spec))
    assert all(torch.equal(a, b) for a, b in zip(first, second, strict=True))
    other = _weights(build_model(dataclasses.replace(spec, seed=4)))
    assert not torch.equal(first[0], other[0])


def test_float64_model_has_the_float32_weights_rounded() -> None:
    w32 = _weights(build_model(RunSpec()))
    w64 = _weights(build_model(RunSpec(dtype="float64")))
    assert all(b.dtype == torch.float64 for b in w64)
    assert all(torch.equal(a, b.float()) for a, b in zip(w32, w64, strict=True))


def test_cuda_without_cuda_is_a_spec_error() -> None:
    if torch.cuda.is_available():
        pytest.skip("CUDA is available here")
    with pytest.raises(SpecError) as info:
        build_model(RunSpec(device="cuda"))
    assert info.value.path == "device"


def test_losses_and_optimizers() -> None:
    assert isinstance(build_loss(RunSpec()), minidl.CrossEntropyLoss)
    assert isinstance(build_loss(RunSpec(loss="mse")), minidl.MSELoss)
    spec = RunSpec(optimizer=OptimizerSpec(lr=0.3, momentum=0.5, nesterov=True, weight_decay=0.1))
    sgd = build_optimizer(spec, build_model(spec).parameters())
    assert isinstance(sgd, minidl.optim.SGD)
    assert sgd.defaults == {"lr": 0.3, "momentum": 0.5, "dampening": 0.0, "weight_decay": 0.1,
                            "nesterov": True}
    spec = RunSpec(optimizer=OptimizerSpec("adam", lr=0.01, beta1=0.8, beta2=0.9, eps=1e-6))
    adam = build_optimizer(spec, build_model(spec).parameters())
    assert isinstance(adam, minidl.optim.Adam)
    assert adam.defaults == {"lr": 0.01, "betas": (0.8, 0.9), "eps": 1e-6, "weight_decay": 0.0}


def test_targets() -> None:
    y = torch.tensor([0, 1, 1])
    assert targets_for("cross_entropy", y) is y
    one_hot = targets_for("mse", y, torch.float64)
    assert one_hot.dtype == torch.float64
    assert one_hot.tolist() == [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]


def test_data_is_standardised_with_the_training_statistics() -> None:
    spec = DataSpec(n_train=500, n_test=300, seed=5)
    data = make_data(spec, "float64")
    assert data.x_train.shape == (500, 2) and data.x_test.shape == (300, 2)
    assert data.y_train.dtype == torch.int64 and set(data.y_train.tolist()) == {0, 1}
    assert torch.allclose(data.x_train.mean(0), torch.zeros(2, dtype=torch.float64), atol=1e-12)
    assert torch.allclose(data.x_train.std(0), torch.ones(2, dtype=torch.float64))
    # The test set uses the *training* mean/std, so it is not exactly standardised itself.
    assert torch.allclose(data.x_test * data.std + data.mean, data.raw_test)
    assert not torch.allclose(data.x_test.mean(0), torch.zeros(2, dtype=torch.float64), atol=1e-12)
    assert data.raw_train.min() >= 0 and data.raw_train.max() <= 1


def test_data_matches_minidl_with_seed_and_offset() -> None:
    data = make_data(DataSpec(n_train=50, n_test=40, seed=9, standardize=False))
    x, y = minidl.data.disk(50, seed=9)
    xt, yt = minidl.data.disk(40, seed=9 + TEST_SEED_OFFSET)
    assert torch.equal(data.x_train, x) and torch.equal(data.y_train, y)
    assert torch.equal(data.x_test, xt) and torch.equal(data.y_test, yt)
    assert data.mean.tolist() == [0.0, 0.0] and data.std.tolist() == [1.0, 1.0]
    assert data.x_train.dtype == torch.float32


@pytest.mark.parametrize("name", ["disk", "xor", "gaussians", "spiral"])
def test_every_dataset_builds(name: str) -> None:
    data = make_data(DataSpec(name=name, n_train=20, n_test=10, noise=0.05))
    assert data.x_train.shape == (20, 2) and torch.isfinite(data.x_train).all()
