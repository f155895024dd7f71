"""Hypothesis: user-defined modules anywhere in a Sequential send it down the per-module path,
which stays bitwise equal to torch.nn (and the generated path is used only without them)."""

from __future__ import annotations

import torch
from _twins import ACTS, Wrapped
from hypothesis import given, settings
from hypothesis import strategies as st

import minidl
import minidl.optim

HYP = settings(max_examples=25, deadline=None, derandomize=True, database=None)


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
    with torch.no_grad():
        for p, tp in zip(model.parameters(), twin.parameters(), strict=True):
            p.data.copy_(torch.randn(p.data.shape, generator=gen, dtype=dtype) * 0.5)
            tp.copy_(p.data)
    opt = minidl.optim.SGD(model.parameters(), lr=0.05, momentum=0.3)
    topt = torch.optim.SGD(twin.parameters(), lr=0.05, momentum=0.3)
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
