"""CLOSE: minidl's opt-in fast mode agrees with the exact mode to ≤ 1e-12 relative (float64).

Fast mode = ``model.input_grad = False`` (no gradient for the network input),
``SGD/Adam(fused=True)`` (torch's fused kernels, which round differently from the
single-tensor path) and ``zero_grad(set_to_none=True)`` (no zeroing pass). The parameter
gradients are the same bits; only the fused optimizer kernels make the weights drift, by a few
ulps per step, so these are tolerance ("close") tests, not bitwise ones.
"""

from __future__ import annotations

import pytest
import torch
from _twins import OPTIMS, data, make_pair

import minidl
import minidl.optim

F64 = torch.float64
SIZES = (2, 25, 25, 25, 2)


def _train(model: minidl.Sequential, opt: minidl.optim.Optimizer, loss: str, x: torch.Tensor,
           t: torch.Tensor, steps: int, set_to_none: bool) -> list[float]:
    crit = minidl.CrossEntropyLoss() if loss == "ce" else minidl.MSELoss()
    losses = []
    for step in range(steps):
        lo = (step * 10) % (x.shape[0] - 9)
        opt.zero_grad(set_to_none)
        losses.append(float(crit(model(x[lo:lo + 10]), t[lo:lo + 10])))
        model.backward(crit.backward())
        opt.step()
    return losses


@pytest.mark.parametrize("loss", ["ce", "mse"])
@pytest.mark.parametrize("opt", ["sgd_momentum", "sgd_nesterov", "adam", "adam_wd"])
def test_fast_mode_within_1e12_of_exact(opt: str, loss: str) -> None:
    cls, kwargs = OPTIMS[opt]
    exact, _ = make_pair("relu", SIZES, True, F64, seed=0)
    fast, _ = make_pair("relu", SIZES, True, F64, seed=0)
    fast.input_grad = False
    x, t = data(300, SIZES, loss, F64, seed=1)
    a = _train(exact, getattr(minidl.optim, cls)(exact.parameters(), **kwargs), loss, x, t,
               300, set_to_none=False)
    b = _train(fast, getattr(minidl.optim, cls)(fast.parameters(), fused=True, **kwargs), loss,
               x, t, 300, set_to_none=True)
    for la, lb in zip(a, b, strict=True):
        assert abs(la - lb) <= 1e-12 * max(1.0, abs(la))
    for p, q in zip(exact.parameters(), fast.parameters(), strict=True):
        scale = max(1.0, float(p.data.abs().max()))
        assert float((p.data - q.data).abs().max()) <= 1e-12 * scale


def test_input_grad_off_returns_none_and_the_same_parameter_gradients() -> None:
    on, _ = make_pair("tanh", SIZES, True, F64, seed=0)
    off, _ = make_pair("tanh", SIZES, True, F64, seed=0)
    off.input_grad = False
    x, t = data(20, SIZES, "mse", F64, seed=1)
    crit = minidl.MSELoss()
    for model in (on, off):
        model.zero_grad()
        crit(model(x), t)
        result = model.backward(crit.backward())
        assert (result is None) == (model is off)
    for p, q in zip(on.parameters(), off.parameters(), strict=True):
        assert torch.equal(p.grad, q.grad)  # bitwise: only the unused input gradient is gone


@pytest.mark.parametrize("user_module", [False, True])
def test_set_to_none_then_step_without_backward_sees_zero_gradients(user_module: bool) -> None:
    lazy, _ = make_pair("relu", SIZES, True, F64, seed=0, user_module=user_module)
    eager, _ = make_pair("relu", SIZES, True, F64, seed=0, user_module=user_module)
    x, t = data(20, SIZES, "ce", F64, seed=1)
    opts = []
    for model, set_to_none in ((lazy, True), (eager, False)):
        opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.5, weight_decay=0.1)
        _train(model, opt, "ce", x, t, 3, set_to_none)
        opt.zero_grad(set_to_none)
        opt.step()  # no backward in between: the gradients must count as zeros
        opts.append(opt)
    for p, q in zip(lazy.parameters(), eager.parameters(), strict=True):
        assert torch.equal(p.data, q.data)
    # and a plain zero_grad() always leaves visible zeros
    opts[0].zero_grad()
    assert all(bool(p.grad.eq(0).all()) for p in lazy.parameters())


def test_a_copied_model_generates_its_own_code() -> None:
    import copy

    model, _ = make_pair("relu", SIZES, True, F64, seed=0)
    x, t = data(20, SIZES, "ce", F64, seed=1)
    crit = minidl.CrossEntropyLoss()
    crit(model(x), t)  # generate the code once
    for twin in (copy.deepcopy(model),):
        opt = minidl.optim.SGD(twin.parameters(), lr=0.5)
        before = [p.data.clone() for p in model.parameters()]
        opt.zero_grad()
        crit(twin(x), t)
        twin.backward(crit.backward())
        opt.step()
        assert all(torch.equal(b, p.data) for b, p in zip(before, model.parameters(),
                                                         strict=True))  # original untouched
        assert any(not torch.equal(b, p.data) for b, p in zip(before, twin.parameters(),
                                                             strict=True))
