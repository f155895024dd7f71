"""Module API: parameter order and names, modes, dtype conversion, initialisations."""

from __future__ import annotations

import math

import pytest
import torch

import minidl

F64 = torch.float64


def _net() -> minidl.Sequential:
    return minidl.Sequential(minidl.Linear(2, 3), minidl.ReLU(), minidl.Linear(3, 4, bias=False),
                             minidl.Tanh(), minidl.Linear(4, 5))


def test_named_parameters_order_and_names_match_torch() -> None:
    model = _net()
    with torch.random.fork_rng():
        twin = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(),
                                   torch.nn.Linear(3, 4, bias=False), torch.nn.Tanh(),
                                   torch.nn.Linear(4, 5))
    names = [n for n, _ in model.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "4.weight", "4.bias"]
    assert names == [n for n, _ in twin.named_parameters()]
    assert [tuple(p.shape) for _, p in model.named_parameters()] == [
        tuple(p.shape) for p in twin.parameters()]
    assert [id(p) for p in model.parameters()] == [id(p) for _, p in model.named_parameters()]
    assert all(isinstance(p, minidl.Parameter) for p in model.parameters())
    assert list(model.state_dict()) == names


def test_linear_attributes_are_its_parameters() -> None:
    layer = minidl.Linear(3, 2)
    assert dict(layer.named_parameters()) == {"weight": layer.weight, "bias": layer.bias}
    no_bias = minidl.Linear(3, 2, bias=False)
    assert no_bias.bias is None
    assert [n for n, _ in no_bias.named_parameters()] == ["weight"]


def test_sequential_len_indexing_iteration() -> None:
    model = _net()
    assert len(model) == 5
    assert isinstance(model[0], minidl.Linear) and isinstance(model[1], minidl.ReLU)
    assert isinstance(model[-1], minidl.Linear) and model[-1] is model[4]
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear", "Tanh", "Linear"]


def test_parameter_basics() -> None:
    data = torch.arange(6.0).reshape(2, 3)
    p = minidl.Parameter(data)
    assert p.shape == (2, 3)
    assert torch.equal(p.data, data)
    assert p.grad is not None and p.grad.shape == (2, 3) and bool(p.grad.eq(0).all())
    assert p.grad.dtype == data.dtype


def test_train_eval_return_self_and_propagate() -> None:
    model = minidl.Sequential(minidl.Linear(2, 2), minidl.Sequential(minidl.ReLU(),
                                                                     minidl.Linear(2, 1)))
    everything = [model, model[0], model[1], model[1][0], model[1][1]]
    assert all(m.training for m in everything)
    assert model.eval() is model
    assert not any(m.training for m in everything)
    assert model.train() is model
    assert all(m.training for m in everything)
    assert model.train(False) is model
    assert not any(m.training for m in everything)


def test_eval_forward_gives_the_same_output() -> None:
    model = _net()
    x = torch.rand(6, 2, generator=torch.Generator().manual_seed(0))
    y_train = model(x)
    torch.testing.assert_close(model.eval()(x), y_train, atol=0.0, rtol=0.0)


def test_to_float64_converts_params_and_grads() -> None:
    model = _net()
    original = [p.data.clone() for p in model.parameters()]
    assert all(p.data.dtype == torch.float32 for p in model.parameters())
    assert model.to(dtype=F64) is model
    for p, o in zip(model.parameters(), original, strict=True):
        assert p.data.dtype == F64 and p.grad.dtype == F64
        assert torch.equal(p.data, o.to(F64))
    # Forward and backward work in the new dtype and agree with torch.
    x = torch.rand(4, 2, dtype=F64, generator=torch.Generator().manual_seed(1))
    with torch.random.fork_rng():
        twin = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(),
                                   torch.nn.Linear(3, 4, bias=False), torch.nn.Tanh(),
                                   torch.nn.Linear(4, 5)).to(F64)
    twin.load_state_dict(model.state_dict())
    out = model(x)
    assert out.dtype == F64
    with torch.no_grad():
        torch.testing.assert_close(out, twin(x), atol=1e-12, rtol=1e-12)
    grad_in = model.backward(torch.ones(4, 5, dtype=F64))
    assert grad_in.dtype == F64


def test_to_after_a_forward_uses_the_new_weights() -> None:
    layer = minidl.Linear(2, 2, init="torch_default")
    x = torch.ones(1, 2)
    layer(x)
    layer.to(dtype=F64)
    out = layer(x.to(F64))
    assert layer.bias is not None
    expected = x.to(F64) @ layer.weight.data.t() + layer.bias.data
    torch.testing.assert_close(out, expected, atol=1e-12, rtol=1e-12)


def test_linear_dtype_argument() -> None:
    layer = minidl.Linear(3, 2, dtype=F64)
    assert layer.weight.data.dtype == F64 and layer.weight.grad.dtype == F64
    assert layer.bias is not None and layer.bias.data.dtype == F64


@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_xavier_uniform_bound_and_zero_bias(gain: float) -> None:
    layer = minidl.Linear(300, 200, init="xavier_uniform", gain=gain, dtype=F64)
    layer.reset_parameters(torch.Generator().manual_seed(0))
    bound = gain * math.sqrt(6.0 / (300 + 200))
    w = layer.weight.data
    assert float(w.abs().max()) <= bound
    assert float(w.abs().max()) > 0.99 * bound  # the whole range is used
    assert abs(float(w.mean())) < 0.01 * bound
    assert layer.bias is not None and bool(layer.bias.data.eq(0).all())


def test_xavier_is_the_default_init() -> None:
    layer = minidl.Linear(50, 40)
    bound = math.sqrt(6.0 / 90)
    assert float(layer.weight.data.abs().max()) <= bound
    assert float(layer.weight.data.abs().max()) > 0.9 * bound
    assert layer.bias is not None and bool(layer.bias.data.eq(0).all())


@pytest.mark.parametrize("gain", [1.0, 0.5])
def test_xavier_normal_std(gain: float) -> None:
    layer = minidl.Linear(1000, 1000, init="xavier_normal", gain=gain, dtype=F64)
    layer.reset_parameters(torch.Generator().manual_seed(1))
    std = gain * math.sqrt(2.0 / 2000)
    w = layer.weight.data
    assert abs(float(w.std()) / std - 1.0) < 0.01
    assert abs(float(w.mean())) < 0.01 * std
    assert layer.bias is not None and bool(layer.bias.data.eq(0).all())


def test_torch_default_bounds_for_weight_and_bias() -> None:
    layer = minidl.Linear(400, 300, init="torch_default", dtype=F64)
    layer.reset_parameters(torch.Generator().manual_seed(2))
    bound = 1.0 / math.sqrt(400)
    w = layer.weight.data
    assert layer.bias is not None
    b = layer.bias.data
    assert float(w.abs().max()) <= bound and float(w.abs().max()) > 0.99 * bound
    assert float(b.abs().max()) <= bound and float(b.abs().max()) > 0.9 * bound
    assert float(b.min()) < 0 < float(b.max())


def test_torch_default_draws_like_nn_linear() -> None:
    """Same global seed, same numbers as torch.nn.Linear's reset_parameters."""
    with torch.random.fork_rng():
        torch.manual_seed(5)
        ours = minidl.Linear(7, 3, init="torch_default")
        torch.manual_seed(5)
        theirs = torch.nn.Linear(7, 3)
    assert ours.bias is not None
    torch.testing.assert_close(ours.weight.data, theirs.weight.detach(), atol=1e-7, rtol=1e-6)
    torch.testing.assert_close(ours.bias.data, theirs.bias.detach(), atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("init", ["xavier_uniform", "xavier_normal", "torch_default"])
def test_reset_parameters_reproducible_with_a_generator(init: str) -> None:
    a = minidl.Linear(6, 4, init=init)
    b = minidl.Linear(6, 4, init=init)
    a.reset_parameters(torch.Generator().manual_seed(42))
    b.reset_parameters(torch.Generator().manual_seed(42))
    for (name, pa), pb in zip(a.named_parameters(), b.parameters(), strict=True):
        assert torch.equal(pa.data, pb.data), name
    b.reset_parameters(torch.Generator().manual_seed(43))
    assert not torch.equal(a.weight.data, b.weight.data)


def test_reset_parameters_keeps_the_tensors() -> None:
    """In place: an optimizer created earlier still sees the re-drawn values."""
    layer = minidl.Linear(3, 3, init="torch_default")
    weight = layer.weight.data
    layer.reset_parameters(torch.Generator().manual_seed(0))
    assert layer.weight.data is weight
