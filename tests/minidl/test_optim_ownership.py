"""Optimizers never rebind a parameter's tensors (issue 7): what a user holds is what trains.

A minidl model packs its own parameters (``Sequential`` does it when built); optimizers use
that layout in place. Each check runs on a packed model, an unpacked one (a bare ``Linear``)
and a model edited after packing (a packed run plus a separate layer).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch

import minidl
import minidl.optim

F64 = torch.float64
TOL = {"atol": 1e-10, "rtol": 1e-10}


def _packed() -> minidl.Module:
    return minidl.Sequential(minidl.Linear(2, 4, dtype=F64), minidl.Tanh(),
                             minidl.Linear(4, 3, dtype=F64))


def _unpacked() -> minidl.Module:
    return minidl.Linear(2, 3, dtype=F64, init="torch_default")


def _edited() -> minidl.Module:
    model = minidl.Sequential(minidl.Linear(2, 4, dtype=F64), minidl.ReLU())
    return model.append(minidl.Linear(4, 3, dtype=F64))


MODELS: dict[str, Callable[[], minidl.Module]] = {
    "packed": _packed, "unpacked": _unpacked, "edited": _edited}


def _twin(model: minidl.Module) -> torch.nn.Module:
    """The same network in torch.nn, with the same weights."""
    if isinstance(model, minidl.Linear):
        twin: torch.nn.Module = torch.nn.Linear(2, 3, dtype=F64)
    else:
        layers = {minidl.Tanh: torch.nn.Tanh, minidl.ReLU: torch.nn.ReLU}
        twin = torch.nn.Sequential(*[
            torch.nn.Linear(m.in_features, m.out_features, dtype=F64)
            if isinstance(m, minidl.Linear) else layers[type(m)]() for m in model])
    twin.load_state_dict({k: v.clone() for k, v in model.state_dict().items()})
    return twin


def _backward(model: minidl.Module, twin: torch.nn.Module, seed: int) -> None:
    """Accumulate the gradients of ``sum(out * g)`` for a random ``g`` in both networks."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(6, 2, generator=gen, dtype=F64)
    g = torch.randn(6, 3, generator=gen, dtype=F64) * 10  # large, so that clamping bites
    model(x)
    model.backward(g)
    (twin(x) * g).sum().backward()


def _assert_same(model: minidl.Module, twin: torch.nn.Module, step: int) -> None:
    for (name, p), tp in zip(model.named_parameters(), twin.parameters(), strict=True):
        torch.testing.assert_close(p.data, tp.detach(), **TOL,
                                   msg=lambda m, n=name: f"step {step}, {n}: {m}")


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_tensors_held_before_the_optimizer_are_the_ones_that_train(make) -> None:
    """Bullet 1: ``p.data`` and ``state_dict()`` taken first keep tracking training."""
    model = make()
    held = [p.data for p in model.parameters()]
    state = model.state_dict()
    before = [t.clone() for t in held]
    opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    for step in range(3):
        opt.zero_grad()
        _backward(model, _twin(model), step)
        opt.step()
    for p, h, name, b in zip(model.parameters(), held, state, before, strict=True):
        assert p.data is h and state[name] is h
        assert not torch.equal(h, b), f"{name} did not train"
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_replaced_grads_take_effect(make, opt_name: str) -> None:
    """Bullet 2: ``p.grad = p.grad.clamp(-1, 1)`` is what the step uses, as in torch."""
    model = make()
    twin = _twin(model)
    cfg = {"lr": 0.05, "momentum": 0.9} if opt_name == "SGD" else {"lr": 0.05}
    opt = getattr(minidl.optim, opt_name)(model.parameters(), **cfg)
    topt = getattr(torch.optim, opt_name)(twin.parameters(), **cfg)
    for step in range(5):
        opt.zero_grad()
        topt.zero_grad(set_to_none=False)
        _backward(model, twin, step)  # after step 0 this accumulates into the replaced grads
        for p, tp in zip(model.parameters(), twin.parameters(), strict=True):
            p.grad = p.grad.clamp(-1, 1)
            tp.grad = tp.grad.clamp(-1, 1)
        opt.step()
        topt.step()
        _assert_same(model, twin, step)


def test_a_grad_of_the_wrong_shape_is_a_clear_error() -> None:
    model = _packed()
    opt = minidl.optim.SGD(model.parameters(), lr=0.1)
    model[0].bias.grad = torch.zeros(7, dtype=F64)
    with pytest.raises(RuntimeError, match=r"parameter 1's grad must be a tensor like its data"):
        opt.step()


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_two_optimizers_over_disjoint_groups_match_torch(make) -> None:
    """Bullet 3: the first layer with SGD, the rest with Adam, each as torch.optim does.

    The state dict taken before the optimizers must follow too: the model (not the old
    per-optimizer packing) owns the tensors, so a caller comparing weights sees the trained ones.
    """
    model = make()
    twin = _twin(model)
    held = model.state_dict()
    params, tparams = list(model.parameters()), list(twin.parameters())
    first = minidl.optim.SGD(params[:1], lr=0.1, momentum=0.9, nesterov=True)
    rest = minidl.optim.Adam(params[1:], lr=0.02, weight_decay=0.01)
    tfirst = torch.optim.SGD(tparams[:1], lr=0.1, momentum=0.9, nesterov=True)
    trest = torch.optim.Adam(tparams[1:], lr=0.02, weight_decay=0.01)
    for step in range(10):
        for opt in (first, rest, tfirst, trest):
            opt.zero_grad()
        _backward(model, twin, step)
        for opt in (first, rest, tfirst, trest):
            opt.step()
        _assert_same(model, twin, step)
        for (name, value), tp in zip(held.items(), twin.parameters(), strict=True):
            torch.testing.assert_close(value, tp.detach(), **TOL, msg=lambda m, n=name: n + m)


def test_optimizers_over_parts_of_a_packed_model_use_slices_of_its_buffer() -> None:
    """Speed stays in the model: each optimizer updates its run of the flat buffer at once."""
    model = _packed()
    params = list(model.parameters())
    assert len(minidl.optim.SGD(params, lr=0.1)._chunks) == 1
    assert len(minidl.optim.SGD(params[:2], lr=0.1)._chunks) == 1
    assert len(minidl.optim.SGD(params[2:], lr=0.1)._chunks) == 1
    assert len(minidl.optim.SGD(params[::-1], lr=0.1)._chunks) == len(params)


@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_two_optimizers_over_the_same_parameters_both_work(make) -> None:
    """Bullet 4: both update the same tensors, each with its own state, as in torch."""
    model = make()
    twin = _twin(model)
    sgd = minidl.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, dampening=0.1)
    adam = minidl.optim.Adam(model.parameters(), lr=0.01)
    tsgd = torch.optim.SGD(twin.parameters(), lr=0.05, momentum=0.9, dampening=0.1)
    tadam = torch.optim.Adam(twin.parameters(), lr=0.01)
    for step in range(10):
        sgd.zero_grad()
        tsgd.zero_grad()
        _backward(model, twin, step)
        sgd.step()
        tsgd.step()
        adam.step()
        tadam.step()
        _assert_same(model, twin, step)


@pytest.mark.parametrize("call", ["zero_grad", "step"])
@pytest.mark.parametrize("make", MODELS.values(), ids=MODELS.keys())
def test_to_after_the_optimizer_raises_naming_the_cause(make, call: str) -> None:
    """Bullet 5: ``zero_grad()`` and ``step()`` both refuse, saying what happened."""
    model = make()
    opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    opt.step()
    model.to(dtype=torch.float32)
    before = [p.data.clone() for p in model.parameters()]
    with pytest.raises(RuntimeError, match=r"parameter 0 \(shape .*\) was replaced after this "
                       r"optimizer was created \(it is now torch.float32 on cpu, was "
                       r"torch.float64 on cpu: model.to\(\)"):
        getattr(opt, call)()
    for p, b in zip(model.parameters(), before, strict=True):
        assert torch.equal(p.data, b)  # nothing was half-updated
    model.to(dtype=F64)
    with pytest.raises(RuntimeError, match=r"replaced after this optimizer was created"):
        getattr(opt, call)()  # the old tensors are gone for good, even at the old dtype


def test_assigning_data_after_the_optimizer_raises_naming_the_cause() -> None:
    model = _packed()
    opt = minidl.optim.SGD(model.parameters(), lr=0.1)
    model[2].bias.data = model[2].bias.data.clone()
    with pytest.raises(RuntimeError, match=r"parameter 3 .*by assigning p.data"):
        opt.step()


def test_the_model_packs_itself_once_and_to_keeps_it_packed() -> None:
    model = _packed()
    assert all(p._packed is not None and p._packed.data is p.data for p in model.parameters())
    model.to(dtype=torch.float32)
    flat = {id(p._packed.flat_data) for p in model.parameters()}
    assert len(flat) == 1 and all(p.data.dtype == torch.float32 for p in model.parameters())
    assert len(minidl.optim.Adam(model.parameters())._chunks) == 1


def test_a_grad_replaced_between_steps_is_noticed() -> None:
    """Optimizers re-check their parameters only after a rebinding; that check must happen."""
    model = _packed()
    opt = minidl.optim.SGD(model.parameters(), lr=1.0)
    opt.zero_grad()
    opt.step()  # checked once: the one-op path over the flat buffer
    bias = model[2].bias
    before = bias.data.clone()
    bias.grad = torch.full_like(bias.data, 0.5)
    opt.step()
    torch.testing.assert_close(bias.data, before - 0.5, **TOL)
    opt.zero_grad()
    assert bool(bias.grad.eq(0).all())  # the replaced gradient is the one zeroed
