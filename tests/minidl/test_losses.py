"""MSELoss and CrossEntropyLoss: values and gradients against torch.nn, in float64."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import minidl

F64 = torch.float64
TOL = {"atol": 1e-10, "rtol": 1e-10}
HYP = settings(max_examples=30, deadline=None, derandomize=True, database=None)

seeds = st.integers(min_value=0, max_value=2**31 - 1)


def _torch_loss_and_grad(loss_fn: torch.nn.Module, output: torch.Tensor,
                         target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    out = output.clone().requires_grad_(True)
    loss = loss_fn(out, target)
    loss.backward()
    assert out.grad is not None
    return loss.detach(), out.grad


@HYP
@given(n=st.integers(1, 16), c=st.integers(1, 12), seed=seeds,
       scale=st.sampled_from([1e-3, 1.0, 100.0]))
def test_mse_matches_torch(n: int, c: int, seed: int, scale: float) -> None:
    gen = torch.Generator().manual_seed(seed)
    output = torch.randn(n, c, generator=gen, dtype=F64) * scale
    target = torch.randn(n, c, generator=gen, dtype=F64)
    crit = minidl.MSELoss()
    loss = crit(output, target)
    grad = crit.backward()
    ref_loss, ref_grad = _torch_loss_and_grad(torch.nn.MSELoss(), output, target)
    assert loss.shape == torch.Size([])
    torch.testing.assert_close(loss, ref_loss, **TOL)
    torch.testing.assert_close(grad, ref_grad, **TOL)


@HYP
@given(n=st.integers(1, 16), c=st.integers(1, 12), seed=seeds,
       scale=st.sampled_from([1e-3, 1.0, 30.0]))
def test_cross_entropy_matches_torch(n: int, c: int, seed: int, scale: float) -> None:
    gen = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, c, generator=gen, dtype=F64) * scale
    target = torch.randint(0, c, (n,), generator=gen)
    crit = minidl.CrossEntropyLoss()
    loss = crit(logits, target)
    grad = crit.backward()
    ref_loss, ref_grad = _torch_loss_and_grad(torch.nn.CrossEntropyLoss(), logits, target)
    assert loss.shape == torch.Size([])
    torch.testing.assert_close(loss, ref_loss, **TOL)
    torch.testing.assert_close(grad, ref_grad, **TOL)


EXTREME = torch.tensor([
    [1e4, -1e4, 0.0],
    [-1e4, 1e4, 1e4],
    [1e4, 1e4, 1e4],      # all equal and huge
    [-1e4, -1e4, -1e4],   # all equal and hugely negative
    [-1e4, 0.0, -1e4],
    [1e4, 1e4 - 1.0, -1e4],
], dtype=F64)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("target_list", [[1, 0, 2, 1, 0, 2], [0, 1, 1, 2, 1, 1]])
def test_cross_entropy_extreme_logits_are_stable(dtype: torch.dtype,
                                                 target_list: list[int]) -> None:
    logits = EXTREME.to(dtype)
    target = torch.tensor(target_list)
    assert bool(torch.exp(logits).isinf().any())  # a naive softmax would overflow here
    crit = minidl.CrossEntropyLoss()
    loss = crit(logits, target)
    grad = crit.backward()
    assert bool(torch.isfinite(loss)) and bool(torch.isfinite(grad).all())
    ref_loss, ref_grad = _torch_loss_and_grad(torch.nn.CrossEntropyLoss(), logits, target)
    tol = TOL if dtype == torch.float64 else {"atol": 1e-5, "rtol": 1e-5}
    torch.testing.assert_close(loss, ref_loss, **tol)
    torch.testing.assert_close(grad, ref_grad, **tol)
    # Rows of the gradient of softmax cross-entropy sum to zero.
    torch.testing.assert_close(grad.sum(1), torch.zeros(len(target_list), dtype=dtype),
                               atol=1e-6, rtol=0.0)


def test_cross_entropy_equal_huge_logits_give_uniform_softmax() -> None:
    logits = torch.full((2, 4), 1e4, dtype=F64)
    crit = minidl.CrossEntropyLoss()
    loss = crit(logits, torch.tensor([0, 3]))
    torch.testing.assert_close(loss, torch.log(torch.tensor(4.0, dtype=F64)), **TOL)
    expected = torch.full((2, 4), 0.25, dtype=F64)
    expected[0, 0] -= 1.0
    expected[1, 3] -= 1.0
    torch.testing.assert_close(crit.backward(), expected / 2, **TOL)


def test_mse_large_values_match_torch() -> None:
    output = torch.tensor([[1e4, -1e4], [3.0, 1e-8]], dtype=F64)
    target = torch.tensor([[-1e4, 1e4], [0.0, 0.0]], dtype=F64)
    crit = minidl.MSELoss()
    loss = crit(output, target)
    ref_loss, ref_grad = _torch_loss_and_grad(torch.nn.MSELoss(), output, target)
    torch.testing.assert_close(loss, ref_loss, **TOL)
    torch.testing.assert_close(crit.backward(), ref_grad, **TOL)


def test_backward_uses_the_latest_forward() -> None:
    crit = minidl.CrossEntropyLoss()
    a = torch.tensor([[1.0, 2.0]], dtype=F64)
    b = torch.tensor([[3.0, -1.0], [0.0, 0.0]], dtype=F64)
    crit(a, torch.tensor([0]))
    crit(b, torch.tensor([1, 0]))
    _, ref_grad = _torch_loss_and_grad(torch.nn.CrossEntropyLoss(), b, torch.tensor([1, 0]))
    torch.testing.assert_close(crit.backward(), ref_grad, **TOL)


@pytest.mark.parametrize("target_shape", [(4,), (4, 3), (2, 2), (4, 2, 1)])
def test_mse_target_shape_mismatch_is_a_clear_error(target_shape: tuple[int, ...]) -> None:
    output = torch.zeros(4, 2, dtype=F64)
    with pytest.raises(ValueError, match=r"(?i)shape") as info:
        minidl.MSELoss()(output, torch.zeros(*target_shape, dtype=F64))
    assert str(tuple(target_shape)) in str(info.value)
    assert "(4, 2)" in str(info.value)


@pytest.mark.parametrize("target", [
    torch.tensor([0.0, 1.0, 1.0]),          # float labels
    torch.tensor([0, 1, 1], dtype=torch.int32),
    torch.tensor([[0], [1], [1]]),           # (N, 1)
    torch.tensor([0, 1]),                    # wrong N
    torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]),  # one-hot instead of indices
])
def test_cross_entropy_bad_target_is_a_clear_error(target: torch.Tensor) -> None:
    logits = torch.zeros(3, 2, dtype=F64)
    with pytest.raises(ValueError, match=r"CrossEntropyLoss.*int64.*\(3,\)"):
        minidl.CrossEntropyLoss()(logits, target)


def test_cross_entropy_rejects_1d_logits() -> None:
    with pytest.raises(ValueError, match=r"\(N, C\)"):
        minidl.CrossEntropyLoss()(torch.zeros(3, dtype=F64), torch.tensor([0, 1, 0]))


@pytest.mark.parametrize("logits, target, words", [
    (torch.zeros(4, 3, 2, dtype=F64), torch.zeros(4, dtype=torch.int64), r"\(N, C\)"),
    (torch.zeros(1, 3, dtype=F64), torch.tensor(1), r"int64.*\(1,\)"),
    (torch.zeros(4, 3, dtype=F64), torch.zeros(4, 1, dtype=torch.int64), r"int64.*\(4,\)"),
    (torch.zeros(4, 3, dtype=F64), torch.zeros(4, dtype=torch.uint8), r"int64.*\(4,\)"),
])
def test_cross_entropy_shapes_the_kernels_refuse_get_the_clear_message(
        logits: torch.Tensor, target: torch.Tensor, words: str) -> None:
    # The happy path leaves shape checks to the kernels; a refusal is turned into this.
    with pytest.raises(ValueError, match=words):
        minidl.CrossEntropyLoss()(logits, target)


def test_cross_entropy_label_out_of_range_keeps_the_kernels_error() -> None:
    with pytest.raises(IndexError, match="out of bounds"):
        minidl.CrossEntropyLoss()(torch.zeros(2, 3, dtype=F64), torch.tensor([0, 3]))
