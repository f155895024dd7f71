"""Every minidl module's hand-written backward against torch autograd, in float64."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minidl

F64 = torch.float64
TOL = {"atol": 1e-10, "rtol": 1e-10}
HYP = settings(max_examples=30, deadline=None, derandomize=True, database=None)

batches = st.integers(min_value=1, max_value=16)
features = st.integers(min_value=1, max_value=12)
seeds = st.integers(min_value=0, max_value=2**31 - 1)
scales = st.sampled_from([1e-3, 1.0, 5.0])


def _randn(gen: torch.Generator, *shape: int, scale: float = 1.0) -> torch.Tensor:
    return torch.randn(*shape, generator=gen, dtype=F64) * scale


def _copy_into_torch(m: minidl.Module, t: torch.nn.Module) -> None:
    """Copy minidl's parameter values into the torch twin (explicitly, name by name)."""
    theirs = dict(t.named_parameters())
    ours = dict(m.named_parameters())
    assert list(theirs) == list(ours)
    with torch.no_grad():
        for name, p in ours.items():
            theirs[name].copy_(p.data)


def _check_against_torch(m: minidl.Module, t: torch.nn.Module, x: torch.Tensor,
                         g: torch.Tensor) -> None:
    """Forward, input grad and parameter grads of ``m`` equal torch autograd's for ``t``."""
    _copy_into_torch(m, t)
    y = m(x)
    x_t = x.clone().requires_grad_(True)
    y_t = t(x_t)
    torch.testing.assert_close(y, y_t.detach(), **TOL)
    grad_in = m.backward(g)
    y_t.backward(g)
    assert x_t.grad is not None
    torch.testing.assert_close(grad_in, x_t.grad, **TOL)
    theirs = dict(t.named_parameters())
    for name, p in m.named_parameters():
        expected = theirs[name].grad
        assert expected is not None
        torch.testing.assert_close(p.grad, expected, **TOL, msg=f"grad of {name}")


@HYP
@given(n=batches, n_in=features, n_out=features, bias=st.booleans(), seed=seeds, scale=scales)
def test_linear_backward_matches_autograd(n: int, n_in: int, n_out: int, bias: bool, seed: int,
                                          scale: float) -> None:
    gen = torch.Generator().manual_seed(seed)
    m = minidl.Linear(n_in, n_out, bias=bias, init="torch_default", dtype=F64)
    m.reset_parameters(gen)
    if bias:  # torch_default draws a non-zero bias; make sure it is used
        assert m.bias is not None and bool(m.bias.data.ne(0).any())
    t = torch.nn.Linear(n_in, n_out, bias=bias, dtype=F64)
    _check_against_torch(m, t, _randn(gen, n, n_in, scale=scale), _randn(gen, n, n_out))


ACTIVATIONS: dict[str, tuple[Callable[[], minidl.Module], Callable[[], torch.nn.Module]]] = {
    "relu": (minidl.ReLU, torch.nn.ReLU),
    "tanh": (minidl.Tanh, torch.nn.Tanh),
    "sigmoid": (minidl.Sigmoid, torch.nn.Sigmoid),
    "leaky_relu_default": (minidl.LeakyReLU, torch.nn.LeakyReLU),
    "leaky_relu_0.5": (lambda: minidl.LeakyReLU(0.5), lambda: torch.nn.LeakyReLU(0.5)),
    "leaky_relu_0.2": (lambda: minidl.LeakyReLU(0.2), lambda: torch.nn.LeakyReLU(0.2)),
    "identity": (minidl.Identity, torch.nn.Identity),
}


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@HYP
@given(n=batches, width=features, seed=seeds, scale=scales)
def test_activation_backward_matches_autograd(name: str, n: int, width: int, seed: int,
                                              scale: float) -> None:
    make_ours, make_theirs = ACTIVATIONS[name]
    gen = torch.Generator().manual_seed(seed)
    x = _randn(gen, n, width, scale=scale)
    _check_against_torch(make_ours(), make_theirs(), x, _randn(gen, n, width))


@pytest.mark.parametrize("name", ["relu", "leaky_relu_default", "leaky_relu_0.2"])
def test_kink_at_zero_matches_torch(name: str) -> None:
    """At x == 0 exactly, the derivative is torch's choice (the negative side)."""
    make_ours, make_theirs = ACTIVATIONS[name]
    x = torch.tensor([[0.0, -0.0, 1.0, -1.0]], dtype=F64)
    _check_against_torch(make_ours(), make_theirs(), x, torch.full_like(x, 3.0))


def _deep_pair(sizes: list[int], gen: torch.Generator
               ) -> tuple[minidl.Sequential, torch.nn.Sequential]:
    a, b, c, d, e = sizes
    m = minidl.Sequential(
        minidl.Linear(a, b, init="torch_default", dtype=F64), minidl.ReLU(),
        minidl.Linear(b, c, init="xavier_normal", dtype=F64), minidl.Tanh(),
        minidl.Linear(c, d, bias=False, dtype=F64), minidl.Sigmoid(), minidl.Identity(),
        minidl.Linear(d, e, init="torch_default", dtype=F64),
    )
    for layer in m:
        if isinstance(layer, minidl.Linear):
            layer.reset_parameters(gen)
    t = torch.nn.Sequential(
        torch.nn.Linear(a, b, dtype=F64), torch.nn.ReLU(),
        torch.nn.Linear(b, c, dtype=F64), torch.nn.Tanh(),
        torch.nn.Linear(c, d, bias=False, dtype=F64), torch.nn.Sigmoid(), torch.nn.Identity(),
        torch.nn.Linear(d, e, dtype=F64),
    )
    return m, t


@HYP
@given(n=batches, sizes=st.lists(features, min_size=5, max_size=5), seed=seeds)
def test_sequential_backward_matches_autograd(n: int, sizes: list[int], seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    m, t = _deep_pair(sizes, gen)
    _check_against_torch(m, t, _randn(gen, n, sizes[0]), _randn(gen, n, sizes[-1]))


def test_sequential_with_leaky_relu_matches_autograd() -> None:
    gen = torch.Generator().manual_seed(7)
    m = minidl.Sequential(minidl.Linear(3, 6, init="torch_default", dtype=F64),
                          minidl.LeakyReLU(0.1), minidl.Linear(6, 2, dtype=F64))
    t = torch.nn.Sequential(torch.nn.Linear(3, 6, dtype=F64), torch.nn.LeakyReLU(0.1),
                            torch.nn.Linear(6, 2, dtype=F64))
    _check_against_torch(m, t, _randn(gen, 9, 3), _randn(gen, 9, 2))


def test_parameter_grads_accumulate_and_zero_grad_zeroes() -> None:
    gen = torch.Generator().manual_seed(3)
    m, t = _deep_pair([4, 7, 5, 3, 2], gen)
    _copy_into_torch(m, t)
    for p in m.parameters():
        assert p.grad.shape == p.data.shape
        assert bool(p.grad.eq(0).all())  # zeros at creation
    for _ in range(2):  # two different batches, two backward calls, no zero_grad between
        x, g = _randn(gen, 6, 4), _randn(gen, 6, 2)
        m(x)
        m.backward(g)
        t(x).backward(g)
    theirs = dict(t.named_parameters())
    for name, p in m.named_parameters():
        expected = theirs[name].grad
        assert expected is not None
        torch.testing.assert_close(p.grad, expected, **TOL, msg=f"accumulated grad of {name}")
        assert bool(p.grad.ne(0).any())
    grads_before = [p.grad for p in m.parameters()]
    m.zero_grad()
    for p, before in zip(m.parameters(), grads_before, strict=True):
        assert p.grad is before  # zeroed in place (optimizers may hold views)
        assert bool(p.grad.eq(0).all())


def test_single_backward_is_not_doubled() -> None:
    """One forward/backward gives exactly the single-batch gradient (no hidden accumulation)."""
    gen = torch.Generator().manual_seed(11)
    m = minidl.Linear(3, 2, dtype=F64)
    x, g = _randn(gen, 5, 3), _randn(gen, 5, 2)
    m(x)
    m.backward(g)
    torch.testing.assert_close(m.weight.grad, g.t() @ x, **TOL)
    assert m.bias is not None
    torch.testing.assert_close(m.bias.grad, g.sum(0), **TOL)
