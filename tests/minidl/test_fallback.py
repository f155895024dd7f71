"""Hypothesis: user-defined modules anywhere in a Sequential send it down the per-module path,
which stays bitwise equal to torch.nn (and the generated path is used only without them)."""

from __future__ import annotations

import pytest
import torch
from _twins import ACTS, Wrapped
from hypothesis import given, settings
from hypothesis import strategies as st

import minidl
import minidl.optim

HYP = settings(max_examples=25, deadline=None, derandomize=True, database=None)


def _same_weights_and_sgd(model: minidl.Sequential, twin: torch.nn.Sequential,
                          gen: torch.Generator, dtype: torch.dtype
                          ) -> tuple[minidl.optim.SGD, torch.optim.SGD]:
    """Give both twins the same random weights; return an SGD with momentum for each."""
    with torch.no_grad():
        for p, tp in zip(model.parameters(), twin.parameters(), strict=True):
            p.data.copy_(torch.randn(p.data.shape, generator=gen, dtype=dtype) * 0.5)
            tp.copy_(p.data)
    return (minidl.optim.SGD(model.parameters(), lr=0.05, momentum=0.3),
            torch.optim.SGD(twin.parameters(), lr=0.05, momentum=0.3))


@HYP
@given(widths=st.lists(st.integers(1, 9), min_size=2, max_size=5),
       acts=st.lists(st.sampled_from(list(ACTS)), min_size=4, max_size=4),
       wrap=st.lists(st.booleans(), min_size=9, max_size=9),
       batch=st.integers(1, 12), seed=st.integers(0, 2**31 - 1),
       dtype=st.sampled_from([torch.float32, torch.float64]))
def test_user_modules_anywhere_fall_back_bitwise(widths: list[int], acts: list[str],
                                                 wrap: list[bool], batch: int, seed: int,
                                                 dtype: torch.dtype) -> None:
    ours: list[minidl.Module] = []
    theirs: list[torch.nn.Module] = []
    for i, (a, b) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
        ours.append(minidl.Linear(a, b, bias=bool(i % 2 == 0 or seed % 2), dtype=dtype))
        theirs.append(torch.nn.Linear(a, b, bias=ours[-1].bias is not None, dtype=dtype))
        if i < len(widths) - 2:
            ours.append(ACTS[acts[i]][0]())
            theirs.append(ACTS[acts[i]][1]())
    ours = [Wrapped(m) if w else m for m, w in zip(ours, wrap, strict=False)]
    model, twin = minidl.Sequential(*ours), torch.nn.Sequential(*theirs)
    gen = torch.Generator().manual_seed(seed)
    opt, topt = _same_weights_and_sgd(model, twin, gen, dtype)
    crit, tcrit = minidl.MSELoss(), torch.nn.MSELoss()
    x = torch.randn(batch, widths[0], generator=gen, dtype=dtype)
    t = torch.randn(batch, widths[-1], generator=gen, dtype=dtype)
    for _ in range(4):
        opt.zero_grad()
        loss = crit(model(x), t)
        model.backward(crit.backward())
        opt.step()
        topt.zero_grad()
        tloss = tcrit(twin(x), t)
        tloss.backward()
        topt.step()
        assert torch.equal(loss, tloss.detach())
    fused = model._plan.forward is not None
    assert fused == (not any(isinstance(m, Wrapped) for m in model))
    for p, tp in zip(model.parameters(), twin.parameters(), strict=True):
        assert torch.equal(p.data, tp.detach())


CHAINS = {
    "relu_tanh": ["L", "relu", "tanh", "L"],
    "relu_identity": ["L", "relu", "identity", "L", "sigmoid"],
    "leaky_sigmoid": ["L", "leaky", "L", "sigmoid", "L", "relu"],
    "activation_first": ["tanh", "L", "relu", "L"],
    "tied": ["L", "relu", "L*", "relu", "L*", "tanh", "L"],
}


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("chain", list(CHAINS))
def test_unusual_chains_on_the_generated_path_are_bitwise(chain: str,
                                                          dtype: torch.dtype) -> None:
    """Consecutive activations, Identity, activations first or last, a Linear used twice."""
    ours: list[minidl.Module] = []
    theirs: list[torch.nn.Module] = []
    tied: tuple[minidl.Linear, torch.nn.Linear] | None = None
    for item in CHAINS[chain]:
        if item.startswith("L"):
            if item == "L*" and tied is not None:
                ours.append(tied[0])
                theirs.append(tied[1])
                continue
            ours.append(minidl.Linear(4, 4, dtype=dtype))
            theirs.append(torch.nn.Linear(4, 4, dtype=dtype))
            if item == "L*":
                tied = (ours[-1], theirs[-1])
        else:
            ours.append(ACTS[item][0]())
            theirs.append(ACTS[item][1]())
    model, twin = minidl.Sequential(*ours), torch.nn.Sequential(*theirs)
    gen = torch.Generator().manual_seed(0)
    opt, topt = _same_weights_and_sgd(model, twin, gen, dtype)
    for step in range(20):
        x = torch.randn(3 + step % 4, 4, generator=gen, dtype=dtype)  # batch sizes change
        t = torch.randn(x.shape[0], 4, generator=gen, dtype=dtype)
        opt.zero_grad(set_to_none=step % 2 == 1)
        crit = minidl.MSELoss()
        loss = crit(model(x), t)
        grad_in = model.backward(crit.backward())
        opt.step()
        topt.zero_grad()
        xt = x.clone().requires_grad_(True)
        tloss = torch.nn.functional.mse_loss(twin(xt), t)
        tloss.backward()
        topt.step()
        assert torch.equal(loss, tloss.detach())
        assert torch.equal(grad_in, xt.grad)
    assert model._plan.forward is not None  # these chains do use generated code
    for p, tp in zip(model.parameters(), twin.parameters(), strict=True):
        assert torch.equal(p.data, tp.detach())
