"""The backprop inspector's trace: exact against autograd, close to finite differences."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from studio.core import Session
from studio.core.build import build_optimizer
from studio.core.examples import load_example
from studio.core.inspect import inspect_batch
from studio.core.spec import ACTIVATIONS, DataSpec, LayerSpec, OptimizerSpec, RunSpec


def _spec(activation: str, loss: str, optimizer: OptimizerSpec | None = None) -> RunSpec:
    return RunSpec(layers=(LayerSpec(6, activation), LayerSpec(5, activation)), loss=loss,
                   optimizer=optimizer or OptimizerSpec(lr=0.3, momentum=0.5),
                   data=DataSpec(name="spiral", classes=3, n_train=50, n_test=20),
                   batch_size=10, epochs=2)


def _batch(session: Session, n: int = 8):
    return session.data.x_train[:n].numpy(), session.data.y_train[:n].numpy()


def _autograd(spec: RunSpec, weights, x, y):
    """Reference gradients computed here, independently of the inspector."""
    net = torch.nn.Sequential()
    acts = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid,
            "leaky_relu": torch.nn.LeakyReLU, "identity": torch.nn.Identity}
    sizes = spec.sizes
    for i in range(len(sizes) - 1):
        net.append(torch.nn.Linear(sizes[i], sizes[i + 1], dtype=torch.float64))
        if i < len(spec.layers):
            net.append(acts[spec.layers[i].activation]())
    net.load_state_dict({k: torch.as_tensor(np.array(v), dtype=torch.float64)
                         for k, v in weights.items()})
    xt = torch.as_tensor(x, dtype=torch.float64).requires_grad_(True)
    out = net(xt)
    yt = torch.as_tensor(y)
    if spec.loss == "cross_entropy":
        loss = torch.nn.functional.cross_entropy(out, yt)
    else:
        loss = torch.nn.functional.mse_loss(out, torch.nn.functional.one_hot(yt, 3).double())
    loss.backward()
    return float(loss.detach()), xt.grad, {k: p.grad for k, p in net.named_parameters()}


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_equal_autograd_in_float64(activation: str, loss: str) -> None:
    spec = _spec(activation, loss)
    session = Session(spec)
    list(session.run(1, grid_every=0))
    x, y = _batch(session)
    weights = session.weights()
    trace = inspect_batch(spec, weights, x, y)
    ref_loss, ref_dx, ref_grads = _autograd(spec, weights, x, y)
    assert trace.loss == pytest.approx(ref_loss, rel=1e-12)
    np.testing.assert_allclose(trace.modules[0].grad_input, ref_dx.numpy(), rtol=0, atol=1e-10)
    for module in trace.modules:
        for p in module.params:
            ref = ref_grads[p.name].numpy()
            assert np.abs(p.grad - ref).max() <= 1e-10 * max(np.abs(ref).max(), 1.0)
    assert trace.max_autograd_error < 1e-10
    assert trace.max_numeric_error < 1e-5
    assert [m.index for m in trace.modules] == list(range(len(session.model)))
    assert all(m.input.dtype == np.float64 and not m.grad_input.flags.writeable
               for m in trace.modules)


def test_every_module_records_its_tensors_and_formula() -> None:
    spec = load_example("seed_a")
    session = Session(spec)
    x, y = _batch(session)
    trace = inspect_batch(spec, session.weights(), x, y)
    linear, relu = trace.modules[0], trace.modules[1]
    assert "dW += gᵀ·x" in linear.formula and "[x > 0]" in relu.formula
    assert linear.input.shape == (8, 2) and linear.output.shape == (8, 25)
    np.testing.assert_array_equal(relu.derivative, (relu.input > 0).astype(float))
    np.testing.assert_array_equal(relu.grad_input, relu.grad_output * relu.derivative)
    np.testing.assert_array_equal(linear.grad_output, relu.grad_input)
    assert [p.name for p in linear.params] == ["0.weight", "0.bias"]
    np.testing.assert_allclose(linear.params[0].grad, linear.grad_output.T @ linear.input)
    assert trace.labels.tolist() == y.tolist() and "softmax" in trace.loss_formula


def test_the_update_is_the_optimizers_step_and_the_live_session_is_untouched() -> None:
    spec = _spec("tanh", "cross_entropy", OptimizerSpec(name="adam", lr=0.01))
    session = Session(spec)
    list(session.run(2, grid_every=0))
    before = {k: v.copy() for k, v in session.weights().items()}
    x, y = _batch(session)
    state = session.optimizer.state_dict()
    trace = inspect_batch(spec, session.weights(), x, y, optimizer_state=state)
    # The same step taken by hand on a float64 copy.
    model = session.model
    copy = Session(dataclasses.replace(spec, dtype="float64"))
    copy.model.load_state_dict({k: torch.as_tensor(v).double() for k, v in before.items()})
    opt = build_optimizer(copy.spec, copy.model.parameters())
    opt.load_state_dict(state)
    opt.zero_grad()
    copy.loss_fn(copy.model(torch.as_tensor(x).double()), torch.as_tensor(y))
    copy.model.backward(copy.loss_fn.backward())
    opt.step()
    for name, value in copy.model.state_dict().items():
        np.testing.assert_allclose(trace.weights_after[name], value.numpy(), rtol=0, atol=1e-14)
        param = next(p for m in trace.modules for p in m.params if p.name == name)
        np.testing.assert_allclose(param.update, value.numpy() - before[name].astype(float),
                                   atol=1e-14)
    assert trace.loss_after < trace.loss
    for name, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[name])


def test_big_tensors_are_sampled_for_finite_differences() -> None:
    spec = RunSpec(layers=(LayerSpec(40, "relu"),), data=DataSpec(n_train=30, n_test=10))
    session = Session(spec)
    x, y = _batch(session, 4)
    trace = inspect_batch(spec, session.weights(), x, y, samples=10)
    weight = trace.modules[0].params[0].check
    assert weight.numeric_index.size == 10 and weight.autograd.shape == (40, 2)
    assert trace.modules[0].input_check.numeric_index.size == 8  # 4x2: all entries
