"""minidl.optim.SGD / Adam step for step beside torch.optim, from identical float64 weights."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import torch

import minidl
import minidl.optim

F64 = torch.float64
TOL = {"atol": 1e-10, "rtol": 1e-10}
SHAPES = [(3, 4), (3,), (5, 3), (5,), (1, 1)]
STEPS = 50


def _initial(seed: int = 0, dtypes: list[torch.dtype] | None = None) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    dtypes = dtypes or [F64] * len(SHAPES)
    return [torch.randn(*s, generator=gen, dtype=F64).to(d)
            for s, d in zip(SHAPES, dtypes, strict=True)]


def _grads(gen: torch.Generator, like: list[torch.Tensor]) -> list[torch.Tensor]:
    return [torch.randn(t.shape, generator=gen, dtype=F64).to(t.dtype) for t in like]


def _set_grads(ours: list[minidl.Parameter], theirs: list[torch.nn.Parameter],
               grads: list[torch.Tensor]) -> None:
    for p, tp, g in zip(ours, theirs, grads, strict=True):
        p.grad.copy_(g)  # in place: keeps a packed parameter's grad in its flat buffer
        tp.grad = g.clone()


def _assert_params_close(ours: list[minidl.Parameter], theirs: list[torch.nn.Parameter],
                         step: int) -> None:
    for i, (p, tp) in enumerate(zip(ours, theirs, strict=True)):
        tol = TOL if p.data.dtype == F64 else {"atol": 1e-6, "rtol": 1e-6}
        torch.testing.assert_close(p.data, tp.detach(), **tol,
                                   msg=lambda m, i=i: f"step {step}, param {i}: {m}")


SGD_CONFIGS: list[dict[str, Any]] = [
    {"lr": 0.1},
    {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "dampening": 0.5},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.1, "weight_decay": 0.01},
    {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1},
    {"lr": 0.02, "momentum": 0.7, "nesterov": True, "weight_decay": 0.05},
    {"lr": 0.1, "momentum": 0.2},
]

ADAM_CONFIGS: list[dict[str, Any]] = [
    {},
    {"lr": 0.01, "weight_decay": 0.1},
    {"lr": 0.05, "betas": (0.8, 0.99), "eps": 1e-6},
    {"lr": 0.02, "betas": (0.5, 0.9), "eps": 1e-3, "weight_decay": 0.01},
    {"lr": 0.01, "betas": (0.0, 0.0)},
]

CASES: list[tuple[str, dict[str, Any]]] = (
    [("SGD", c) for c in SGD_CONFIGS] + [("Adam", c) for c in ADAM_CONFIGS])


def _ids(case: tuple[str, dict[str, Any]]) -> str:
    name, cfg = case
    return name + "(" + ",".join(f"{k}={v}" for k, v in cfg.items()) + ")"


class _Holder(minidl.Module):
    """Loose parameters in a module, so that ``flatten_parameters`` can pack them."""

    def __init__(self, params: list[minidl.Parameter]) -> None:
        super().__init__()
        for i, p in enumerate(params):
            self.register_parameter(f"p{i}", p)


def _pair(name: str, cfg: dict[str, Any], init: list[torch.Tensor], packed: bool = False
          ) -> tuple[list[minidl.Parameter], minidl.optim.Optimizer,
                     list[torch.nn.Parameter], torch.optim.Optimizer]:
    ours = [minidl.Parameter(t.clone()) for t in init]
    if packed:  # one flat buffer, updated as one run: the fast path a Sequential gets
        _Holder(ours).flatten_parameters()
    theirs = [torch.nn.Parameter(t.clone()) for t in init]
    opt: minidl.optim.Optimizer = getattr(minidl.optim, name)(ours, **cfg)
    topt: torch.optim.Optimizer = getattr(torch.optim, name)(theirs, **cfg)
    assert len(opt._chunks) == (1 if packed else len(ours))
    return ours, opt, theirs, topt


@pytest.mark.parametrize("packed", [False, True], ids=["unpacked", "packed"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_trajectory_matches_torch(case: tuple[str, dict[str, Any]], packed: bool) -> None:
    name, cfg = case
    init = _initial()
    ours, opt, theirs, topt = _pair(name, cfg, init, packed)
    for p, t in zip(ours, init, strict=True):  # packing leaves the values unchanged
        torch.testing.assert_close(p.data, t, atol=0.0, rtol=0.0)
    gen = torch.Generator().manual_seed(123)
    for step in range(STEPS):
        opt.zero_grad()
        _set_grads(ours, theirs, _grads(gen, init))
        opt.step()
        topt.step()
        _assert_params_close(ours, theirs, step)
    moved = sum(float((p.data - t).abs().sum()) for p, t in zip(ours, init, strict=True))
    assert moved > 1e-3  # the optimizer really did something


@pytest.mark.parametrize("case", [CASES[5], CASES[-2]], ids=_ids)
def test_unpacked_mixed_dtypes_match_torch(case: tuple[str, dict[str, Any]]) -> None:
    """Parameters of different dtypes cannot share one flat buffer; results are the same."""
    name, cfg = case
    dtypes = [F64, torch.float32, F64, torch.float32, F64]
    init = _initial(dtypes=dtypes)
    ours, opt, theirs, topt = _pair(name, cfg, init)
    gen = torch.Generator().manual_seed(5)
    for step in range(20):
        _set_grads(ours, theirs, _grads(gen, init))
        opt.step()
        topt.step()
        _assert_params_close(ours, theirs, step)
    assert [p.data.dtype for p in ours] == dtypes


@pytest.mark.parametrize("packed", [False, True], ids=["unpacked", "packed"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_state_dict_round_trip_continues_the_same_trajectory(
        case: tuple[str, dict[str, Any]], packed: bool) -> None:
    name, cfg = case
    init = _initial(seed=1)
    ours, opt, theirs, topt = _pair(name, cfg, init, packed)
    gen = torch.Generator().manual_seed(9)
    for _ in range(10):
        _set_grads(ours, theirs, _grads(gen, init))
        opt.step()
        topt.step()
    saved = copy.deepcopy(opt.state_dict())
    # A fresh optimizer on fresh parameters with the saved values and state.
    ours2 = [minidl.Parameter(p.data.clone()) for p in ours]
    if not packed:  # packed state loads into unpacked parameters and the other way round
        _Holder(ours2).flatten_parameters()
    opt2: minidl.optim.Optimizer = getattr(minidl.optim, name)(ours2, lr=123.0)
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == cfg.get("lr", 1e-3)
    for step in range(20):
        grads = _grads(gen, init)
        _set_grads(ours, theirs, grads)
        _set_grads(ours2, theirs, grads)
        opt.step()
        opt2.step()
        topt.step()
        _assert_params_close(ours, theirs, step)
        _assert_params_close(ours2, theirs, step)


@pytest.mark.parametrize("packed", [False, True], ids=["unpacked", "packed"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_state_dict_matches_torch_layout(case: tuple[str, dict[str, Any]], packed: bool
                                         ) -> None:
    """Per-parameter state keys and shapes are torch.optim's, and torch can load ours."""
    name, cfg = case
    init = _initial(seed=2)
    ours, opt, theirs, topt = _pair(name, cfg, init, packed)
    gen = torch.Generator().manual_seed(4)
    for _ in range(3):
        _set_grads(ours, theirs, _grads(gen, init))
        opt.step()
        topt.step()
    sd, tsd = opt.state_dict(), topt.state_dict()
    assert sorted(sd["state"]) == sorted(tsd["state"])
    for i, entry in tsd["state"].items():
        assert sorted(sd["state"][i]) == sorted(entry)
        for key, value in entry.items():
            torch.testing.assert_close(sd["state"][i][key].to(value.dtype), value, **TOL)
    # torch continues from our state exactly as from its own.
    theirs2 = [torch.nn.Parameter(p.data.clone()) for p in ours]
    topt2: torch.optim.Optimizer = getattr(torch.optim, name)(theirs2, **cfg)
    topt2.load_state_dict(copy.deepcopy(sd))
    for step in range(5):
        grads = _grads(gen, init)
        _set_grads(ours, theirs, grads)
        for tp, g in zip(theirs2, grads, strict=True):
            tp.grad = g.clone()
        opt.step()
        topt.step()
        topt2.step()
        _assert_params_close(ours, theirs2, step)


def test_zero_grad_zeroes_grads() -> None:
    init = _initial()
    ours = [minidl.Parameter(t.clone()) for t in init]
    opt = minidl.optim.SGD(ours, lr=0.1)
    gen = torch.Generator().manual_seed(0)
    for p, g in zip(ours, _grads(gen, init), strict=True):
        p.grad.copy_(g)
    assert all(bool(p.grad.ne(0).any()) for p in ours)
    opt.zero_grad()
    assert all(bool(p.grad.eq(0).all()) for p in ours)
    before = [p.data.clone() for p in ours]
    opt.step()  # a step with zero gradients leaves plain SGD's weights alone
    for p, b in zip(ours, before, strict=True):
        torch.testing.assert_close(p.data, b, atol=0.0, rtol=0.0)


def test_model_grads_reach_the_optimizer_after_packing() -> None:
    """model.backward writes into the packed grads; model.zero_grad is seen by the optimizer."""
    model = minidl.Sequential(minidl.Linear(2, 3, dtype=F64), minidl.Tanh(),
                              minidl.Linear(3, 1, dtype=F64))
    opt = minidl.optim.SGD(model.parameters(), lr=0.5)
    before = [p.data.clone() for p in model.parameters()]
    model(torch.ones(4, 2, dtype=F64))
    model.backward(torch.ones(4, 1, dtype=F64))
    expected = [b - 0.5 * p.grad for b, p in zip(before, model.parameters(), strict=True)]
    opt.step()
    for p, e in zip(model.parameters(), expected, strict=True):
        torch.testing.assert_close(p.data, e, **TOL)
    model.zero_grad()
    opt.step()
    for p, e in zip(model.parameters(), expected, strict=True):
        torch.testing.assert_close(p.data, e, **TOL)


def test_moving_the_model_after_creating_the_optimizer_is_an_error() -> None:
    model = minidl.Sequential(minidl.Linear(2, 2))
    opt = minidl.optim.SGD(model.parameters(), lr=0.1)
    model.to(dtype=F64)
    with pytest.raises(RuntimeError, match="optimizer"):
        opt.step()
