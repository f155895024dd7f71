"""A minidl network and its torch.nn twin train in lock-step for 200 steps (float64)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch

import minidl
import minidl.data
import minidl.optim

F64 = torch.float64
STEPS = 200

ACTS: dict[str, tuple[Callable[[], minidl.Module], Callable[[], torch.nn.Module]]] = {
    "relu": (minidl.ReLU, torch.nn.ReLU),
    "tanh": (minidl.Tanh, torch.nn.Tanh),
}


def _minidl_net(act: str, dtype: torch.dtype = F64) -> minidl.Sequential:
    make = ACTS[act][0]
    return minidl.Sequential(
        minidl.Linear(2, 25, dtype=dtype), make(), minidl.Linear(25, 25, dtype=dtype), make(),
        minidl.Linear(25, 25, dtype=dtype), make(), minidl.Linear(25, 2, dtype=dtype))


def _torch_net(act: str, dtype: torch.dtype = F64) -> torch.nn.Sequential:
    make = ACTS[act][1]
    return torch.nn.Sequential(
        torch.nn.Linear(2, 25, dtype=dtype), make(), torch.nn.Linear(25, 25, dtype=dtype), make(),
        torch.nn.Linear(25, 25, dtype=dtype), make(), torch.nn.Linear(25, 2, dtype=dtype))


@pytest.mark.parametrize("direction", ["minidl_to_torch", "torch_to_minidl"])
@pytest.mark.parametrize("loss_name", ["ce", "mse"])
@pytest.mark.parametrize("act", ["relu", "tanh"])
def test_lock_step_training(act: str, loss_name: str, direction: str) -> None:
    with torch.random.fork_rng():  # torch.nn's default init uses the global generator
        torch.manual_seed(1)
        ours, theirs = _minidl_net(act), _torch_net(act)
    gen = torch.Generator().manual_seed(2)
    for layer in ours:
        if isinstance(layer, minidl.Linear):
            layer.reset_parameters(gen)
    if direction == "minidl_to_torch":
        theirs.load_state_dict(ours.state_dict())
    else:
        ours.load_state_dict(theirs.state_dict())
    for (name, p), (tname, tp) in zip(ours.named_parameters(), theirs.named_parameters(),
                                      strict=True):
        assert name == tname
        assert torch.equal(p.data, tp.detach())
    x, y = minidl.data.disk(1000, seed=3, dtype=F64)
    opt = minidl.optim.SGD(ours.parameters(), lr=0.1, momentum=0.2)
    topt = torch.optim.SGD(theirs.parameters(), lr=0.1, momentum=0.2)
    if loss_name == "ce":
        crit, tcrit = minidl.CrossEntropyLoss(), torch.nn.CrossEntropyLoss()
    else:
        crit, tcrit = minidl.MSELoss(), torch.nn.MSELoss()
    batches = minidl.data.BatchIterator(x, y, 100, seed=4)
    step = 0
    losses: list[float] = []
    while step < STEPS:
        for xb, yb in batches:
            target = yb if loss_name == "ce" else minidl.data.one_hot(yb, 2, dtype=F64)
            opt.zero_grad()
            loss = crit(ours(xb), target)
            ours.backward(crit.backward())
            opt.step()
            topt.zero_grad()
            tloss_t = tcrit(theirs(xb), target)
            tloss_t.backward()
            topt.step()
            ours_loss, tloss = float(loss), float(tloss_t.detach())
            assert abs(ours_loss - tloss) <= 1e-9 * max(1.0, abs(tloss)), (
                f"step {step}: minidl loss {ours_loss!r} != torch loss {tloss!r}")
            losses.append(ours_loss)
            step += 1
            if step == STEPS:
                break
    assert losses[-1] < losses[0]  # it learned something: the comparison is not vacuous
    for (name, p), tp in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        torch.testing.assert_close(p.data, tp.detach(), atol=1e-9, rtol=1e-9, msg=name)


def test_state_dict_keys_and_shapes_equal_torch() -> None:
    ours = _minidl_net("relu")
    with torch.random.fork_rng():
        theirs = _torch_net("relu")
    sd, tsd = ours.state_dict(), theirs.state_dict()
    assert list(sd) == list(tsd)
    assert [tuple(v.shape) for v in sd.values()] == [tuple(v.shape) for v in tsd.values()]
    assert list(sd)[:2] == ["0.weight", "0.bias"]
    assert tuple(sd["0.weight"].shape) == (25, 2)
    assert tuple(sd["6.weight"].shape) == (2, 25)
    assert all(v.dtype == F64 for v in sd.values())


def test_state_dict_of_float32_model_loads_into_torch_default_model() -> None:
    ours = _minidl_net("tanh", dtype=torch.float32)
    with torch.random.fork_rng():
        theirs = _torch_net("tanh", dtype=torch.float32)
    theirs.load_state_dict(ours.state_dict())
    x = torch.rand(7, 2)
    with torch.no_grad():
        expected = theirs(x)
    torch.testing.assert_close(ours(x), expected, atol=1e-6, rtol=1e-5)


REPR_CASES: list[tuple[list[minidl.Module], list[torch.nn.Module]]] = [
    ([minidl.Linear(2, 25), minidl.ReLU(), minidl.Linear(25, 2)],
     [torch.nn.Linear(2, 25), torch.nn.ReLU(), torch.nn.Linear(25, 2)]),
    ([minidl.Linear(3, 4, bias=False), minidl.Tanh(), minidl.Sigmoid(), minidl.LeakyReLU(),
      minidl.LeakyReLU(0.2), minidl.Identity(), minidl.Linear(4, 1)],
     [torch.nn.Linear(3, 4, bias=False), torch.nn.Tanh(), torch.nn.Sigmoid(),
      torch.nn.LeakyReLU(), torch.nn.LeakyReLU(0.2), torch.nn.Identity(),
      torch.nn.Linear(4, 1)]),
    ([minidl.Linear(1, 1)], [torch.nn.Linear(1, 1)]),
    ([], []),
]


@pytest.mark.parametrize("case", range(len(REPR_CASES)))
def test_repr_equals_torch(case: int) -> None:
    ours, theirs = REPR_CASES[case]
    assert repr(minidl.Sequential(*ours)) == repr(torch.nn.Sequential(*theirs))
    for m, t in zip(ours, theirs, strict=True):
        assert repr(m) == repr(t)


def test_repr_of_nested_sequential_equals_torch() -> None:
    ours = minidl.Sequential(minidl.Linear(2, 3), minidl.Sequential(minidl.ReLU(),
                                                                    minidl.Linear(3, 1)))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3),
                                 torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(3, 1)))
    assert repr(ours) == repr(theirs)
    assert "(1): Sequential(\n    (0): ReLU()" in repr(ours)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
