"""Editing a Sequential keeps forward and backward right (issue 7, bullet 6).

Each edit is made to a minidl model and to its torch.nn twin; outputs, the input gradient and
every parameter gradient must then agree with torch autograd, and training the edited model
must follow torch.optim.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch

import minidl
import minidl.optim

F64 = torch.float64
TOL = {"atol": 1e-10, "rtol": 1e-10}
Edit = Callable[[minidl.Sequential, torch.nn.Sequential], None]


def _both() -> tuple[minidl.Sequential, torch.nn.Sequential]:
    model = minidl.Sequential(minidl.Linear(2, 3, dtype=F64), minidl.ReLU(),
                              minidl.Linear(3, 3, dtype=F64))
    twin = torch.nn.Sequential(torch.nn.Linear(2, 3, dtype=F64), torch.nn.ReLU(),
                               torch.nn.Linear(3, 3, dtype=F64))
    return model, twin


def _append(m: minidl.Sequential, t: torch.nn.Sequential) -> None:
    m.append(minidl.Linear(3, 4, dtype=F64))
    t.append(torch.nn.Linear(3, 4, dtype=F64))


def _add_module(m: minidl.Sequential, t: torch.nn.Sequential) -> None:
    m.add_module("extra", minidl.Linear(3, 4, dtype=F64))
    t.add_module("extra", torch.nn.Linear(3, 4, dtype=F64))


def _setitem(m: minidl.Sequential, t: torch.nn.Sequential) -> None:
    m[-1] = minidl.Linear(3, 4, dtype=F64)
    t[-1] = torch.nn.Linear(3, 4, dtype=F64)


def _setitem_activation(m: minidl.Sequential, t: torch.nn.Sequential) -> None:
    m[1] = minidl.Tanh()
    t[1] = torch.nn.Tanh()


def _insert(m: minidl.Sequential, t: torch.nn.Sequential) -> None:
    m.insert(1, minidl.Linear(3, 3, dtype=F64))
    t.insert(1, torch.nn.Linear(3, 3, dtype=F64))


def _delitem(m: minidl.Sequential, t: torch.nn.Sequential) -> None:
    del m[1]
    del t[1]


def _append_then_delete(m: minidl.Sequential, t: torch.nn.Sequential) -> None:
    _append(m, t)
    m.append(minidl.Sigmoid())
    t.append(torch.nn.Sigmoid())
    del m[0]
    del t[0]
    m.insert(0, minidl.Linear(2, 3, dtype=F64))
    t.insert(0, torch.nn.Linear(2, 3, dtype=F64))


EDITS: dict[str, tuple[Edit, int]] = {  # the edit and the output width it leads to
    "append": (_append, 4),
    "add_module": (_add_module, 4),
    "setitem": (_setitem, 4),
    "setitem_activation": (_setitem_activation, 3),
    "insert": (_insert, 3),
    "delitem": (_delitem, 3),
    "append_then_delete": (_append_then_delete, 4),
}


def _edited(name: str) -> tuple[minidl.Sequential, torch.nn.Sequential, int]:
    edit, width = EDITS[name]
    model, twin = _both()
    edit(model, twin)
    assert list(model.state_dict()) == list(twin.state_dict())  # same names, same order
    twin.load_state_dict({k: v.clone() for k, v in model.state_dict().items()})
    return model, twin, width


@pytest.mark.parametrize("name", EDITS)
def test_edit_keeps_forward_and_backward_right(name: str) -> None:
    model, twin, width = _edited(name)
    assert len(model) == len(twin)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(5, 2, generator=gen, dtype=F64)
    out = model(x)
    assert out.shape == (5, width)
    tx = x.clone().requires_grad_(True)
    tout = twin(tx)
    torch.testing.assert_close(out, tout.detach(), **TOL)
    g = torch.randn(5, width, generator=gen, dtype=F64)
    grad_in = model.backward(g)
    tout.backward(g)
    torch.testing.assert_close(grad_in, tx.grad, **TOL)
    for (pname, p), tp in zip(model.named_parameters(), twin.parameters(), strict=True):
        torch.testing.assert_close(p.grad, tp.grad, **TOL, msg=lambda m, n=pname: n + m)


@pytest.mark.parametrize("name", EDITS)
def test_edited_model_trains_like_torch(name: str) -> None:
    """The packed run and the layers added after packing are all updated, as by torch.optim."""
    model, twin, width = _edited(name)
    opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    topt = torch.optim.SGD(twin.parameters(), lr=0.1, momentum=0.9)
    gen = torch.Generator().manual_seed(1)
    for step in range(5):
        x = torch.randn(5, 2, generator=gen, dtype=F64)
        g = torch.randn(5, width, generator=gen, dtype=F64)
        opt.zero_grad()
        topt.zero_grad()
        model(x)
        model.backward(g)
        (twin(x) * g).sum().backward()
        opt.step()
        topt.step()
        for p, tp in zip(model.parameters(), twin.parameters(), strict=True):
            torch.testing.assert_close(p.data, tp.detach(), **TOL, msg=lambda m, s=step: f"{s}{m}")
    before = [p.data.clone() for p in model.parameters()]
    model.flatten_parameters()  # packing again after editing: one run, same values
    assert len(minidl.optim.SGD(model.parameters(), lr=0.1)._chunks) == 1
    for p, b in zip(model.parameters(), before, strict=True):
        assert torch.equal(p.data, b)


def test_bad_edits_raise() -> None:
    model, _ = _both()
    with pytest.raises(IndexError, match="out of range"):
        model[3] = minidl.ReLU()
    with pytest.raises(IndexError, match="out of range"):
        del model[-4]
    with pytest.raises(IndexError, match="out of range"):
        model.insert(4, minidl.ReLU())
    with pytest.raises(TypeError, match="not a minidl Module"):
        model.insert(0, torch.nn.ReLU())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a minidl Module"):
        model[0] = torch.nn.ReLU()  # type: ignore[assignment]
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear"]
