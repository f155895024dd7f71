"""Clear errors: wrong shapes, backward before forward, bad state dicts, bad settings."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import torch

import minidl
import minidl.optim

F64 = torch.float64


@pytest.mark.parametrize(("n_in", "n_out", "bad"), [(2, 25, 4), (25, 25, 2), (3, 1, 1)])
def test_feature_count_mismatch_names_the_layer_and_both_sizes(n_in: int, n_out: int,
                                                               bad: int) -> None:
    layer = minidl.Linear(n_in, n_out)
    with pytest.raises(ValueError) as info:
        layer(torch.zeros(5, bad))
    message = str(info.value)
    assert f"Linear(in_features={n_in}, out_features={n_out}" in message
    assert re.search(rf"\b{n_in}\b", message) and re.search(rf"\b{bad}\b", message)
    assert f"(5, {bad})" in message


def test_mismatch_deep_in_a_sequential_names_that_layer() -> None:
    model = minidl.Sequential(minidl.Linear(2, 25), minidl.ReLU(), minidl.Linear(24, 2))
    with pytest.raises(ValueError, match=re.escape("Linear(in_features=24, out_features=2")):
        model(torch.zeros(3, 2))


@pytest.mark.parametrize("shape", [(2,), (3, 2, 1), ()])
def test_linear_rejects_non_matrix_input(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match=re.escape("Linear(in_features=2, out_features=3")):
        minidl.Linear(2, 3)(torch.zeros(shape))


BEFORE_FORWARD: list[tuple[str, Callable[[], minidl.Module], tuple[int, ...]]] = [
    ("Linear", lambda: minidl.Linear(2, 3), (4, 3)),
    ("ReLU", minidl.ReLU, (4, 3)),
    ("Tanh", minidl.Tanh, (4, 3)),
    ("Sigmoid", minidl.Sigmoid, (4, 3)),
    ("LeakyReLU", minidl.LeakyReLU, (4, 3)),
    ("Sequential", lambda: minidl.Sequential(minidl.Linear(2, 3), minidl.Tanh()), (4, 3)),
]


@pytest.mark.parametrize(("label", "make", "shape"), BEFORE_FORWARD,
                         ids=[c[0] for c in BEFORE_FORWARD])
def test_backward_before_forward_is_a_runtime_error(label: str, make: Callable[[], minidl.Module],
                                                    shape: tuple[int, ...]) -> None:
    with pytest.raises(RuntimeError, match=r"(?i)backward.*before.*forward"):
        make().backward(torch.ones(*shape))


@pytest.mark.parametrize("make", [minidl.MSELoss, minidl.CrossEntropyLoss])
def test_loss_backward_before_forward_is_a_runtime_error(make: Callable[[], minidl.Module]
                                                         ) -> None:
    with pytest.raises(RuntimeError, match=r"(?i)backward.*before.*forward"):
        make().backward()


def _net() -> minidl.Sequential:
    return minidl.Sequential(minidl.Linear(2, 3, dtype=F64), minidl.ReLU(),
                             minidl.Linear(3, 1, dtype=F64))


def _snapshot(model: minidl.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.state_dict().items()}


def _assert_unchanged(model: minidl.Module, snap: dict[str, torch.Tensor]) -> None:
    for k, v in model.state_dict().items():
        assert torch.equal(v, snap[k]), f"{k} changed by a failed load"


def test_load_state_dict_missing_key_is_an_error() -> None:
    model = _net()
    sd = {k: v + 1 for k, v in _net().state_dict().items()}
    del sd["2.bias"]
    snap = _snapshot(model)
    with pytest.raises(RuntimeError, match=r'(?s)Missing key.*"2\.bias"'):
        model.load_state_dict(sd)
    _assert_unchanged(model, snap)


def test_load_state_dict_unexpected_key_is_an_error() -> None:
    model = _net()
    sd = dict(_net().state_dict())
    sd["4.weight"] = torch.zeros(1, 1, dtype=F64)
    snap = _snapshot(model)
    with pytest.raises(RuntimeError, match=r'(?s)Unexpected key.*"4\.weight"'):
        model.load_state_dict(sd)
    _assert_unchanged(model, snap)


@pytest.mark.parametrize("strict", [True, False])
def test_load_state_dict_shape_mismatch_is_an_error(strict: bool) -> None:
    model = _net()
    sd = dict(_net().state_dict())
    sd["0.weight"] = torch.zeros(2, 3, dtype=F64)  # transposed
    snap = _snapshot(model)
    with pytest.raises(RuntimeError, match=r"(?s)size mismatch for 0\.weight.*\(2, 3\).*\(3, 2\)"):
        model.load_state_dict(sd, strict=strict)
    _assert_unchanged(model, snap)


def test_load_state_dict_non_strict_ignores_missing_and_unexpected() -> None:
    model = _net()
    source = {k: v + 1 for k, v in _net().state_dict().items()}
    before = _snapshot(model)
    sd = dict(source)
    del sd["0.bias"]
    sd["extra.weight"] = torch.zeros(3)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    assert list(missing) == ["0.bias"]
    assert list(unexpected) == ["extra.weight"]
    after = model.state_dict()
    assert torch.equal(after["0.bias"], before["0.bias"])
    for key in ("0.weight", "2.weight", "2.bias"):
        assert torch.equal(after[key], source[key])


def test_load_state_dict_copies_in_place_and_does_not_alias() -> None:
    model = _net()
    tensors = [p.data for p in model.parameters()]
    source = {k: v + 1 for k, v in _net().state_dict().items()}
    model.load_state_dict(source)
    assert all(p.data is t for p, t in zip(model.parameters(), tensors, strict=True))
    source["0.weight"].zero_()
    assert not torch.equal(model.state_dict()["0.weight"], source["0.weight"])


def test_load_state_dict_from_torch_matches_torch_error_kind() -> None:
    """torch.nn itself raises RuntimeError for the same bad dict: same exception type."""
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    sd = dict(theirs.state_dict())
    del sd["2.bias"]
    with pytest.raises(RuntimeError):
        theirs.load_state_dict(sd)
    with pytest.raises(RuntimeError):
        minidl.Sequential(minidl.Linear(2, 3), minidl.ReLU(), minidl.Linear(3, 1)
                          ).load_state_dict(sd)


def test_unknown_init_name_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"(?s)kaiming.*xavier_uniform"):
        minidl.Linear(2, 3, init="kaiming")


@pytest.mark.parametrize(("n_in", "n_out"), [(0, 3), (3, 0), (-1, 2)])
def test_non_positive_sizes_are_value_errors(n_in: int, n_out: int) -> None:
    with pytest.raises(ValueError, match="in_features"):
        minidl.Linear(n_in, n_out)


def test_optimizer_rejects_empty_and_foreign_parameters() -> None:
    with pytest.raises(ValueError, match="empty"):
        minidl.optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="Parameter"):
        minidl.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1)  # type: ignore[list-item]


@pytest.mark.parametrize("act", [minidl.ReLU, minidl.Tanh, minidl.Sigmoid, minidl.LeakyReLU])
def test_backward_after_an_eval_forward_is_never_silently_stale(
        act: Callable[[], minidl.Module]) -> None:
    """Train-mode forward on x1, eval-mode forward on x2, then backward: either an error, or
    the true gradient at x2 -- never a mix of x1's derivative and x2's activations."""
    gen = torch.Generator().manual_seed(0)
    layer = act()
    x1 = torch.randn(4, 3, generator=gen, dtype=F64)
    x2 = torch.randn(4, 3, generator=gen, dtype=F64)
    g = torch.randn(4, 3, generator=gen, dtype=F64)
    layer(x1)
    layer.eval()
    layer(x2)
    try:
        grad = layer.backward(g)
    except RuntimeError:
        return
    x2_t = x2.clone().requires_grad_(True)
    twin = {minidl.ReLU: torch.nn.ReLU, minidl.Tanh: torch.nn.Tanh,
            minidl.Sigmoid: torch.nn.Sigmoid, minidl.LeakyReLU: torch.nn.LeakyReLU}[act]()
    twin(x2_t).backward(g)
    assert x2_t.grad is not None
    torch.testing.assert_close(grad, x2_t.grad, atol=1e-7, rtol=1e-7)
