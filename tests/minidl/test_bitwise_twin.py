"""BITWISE: minidl and its torch.nn twin train to identical bits (``torch.equal``).

Checked on torch 2.13.0, CPU, float32 and float64: every loss at every step and every parameter
after 300 steps are ``torch.equal`` to torch.nn + autograd + torch.optim. minidl calls the ATen
kernels autograd calls (see ``minidl/_ops.py``). If a future torch changes autograd's kernels
or torch.optim's op order, these tests fail loudly: they are "bitwise", not "close" tests
(``test_nn_twin.py`` and ``test_fast_mode.py`` hold the tolerance-based ones).
"""

from __future__ import annotations

import pytest
import torch
from _twins import ACTS, OPTIMS, data, lock_step, make_pair, optimizers

STEPS = 300
SIZES = (3, 8, 7, 4)
DTYPES = {"f32": torch.float32, "f64": torch.float64}


def bitwise(ours: torch.Tensor, theirs: torch.Tensor, what: str) -> None:
    assert torch.equal(ours, theirs), (
        f"{what}: minidl is not bitwise equal to torch.nn (max |diff| "
        f"{(ours - theirs).abs().max().item():.3g}); checked on torch 2.13.0, now "
        f"{torch.__version__} — did autograd's kernels or torch.optim's op order change?")


def _run(act: str, loss: str, opt: str, dtype: str, batch: int = 10, bias: bool = True,
         user_module: bool = False, sizes: tuple[int, ...] = SIZES, steps: int = STEPS,
         accumulate: int = 1) -> None:
    dt = DTYPES[dtype]
    model, twin = make_pair(act, sizes, bias, dt, seed=0, user_module=user_module)
    x, t = data(max(200, batch * 2), sizes, loss, dt, seed=1)
    o, to = optimizers(opt, model, twin)
    lock_step(model, twin, o, to, loss, x, t, batch, steps, bitwise, accumulate)


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("opt", list(OPTIMS))
@pytest.mark.parametrize("loss", ["ce", "mse"])
@pytest.mark.parametrize("act", list(ACTS))
def test_bitwise_every_activation_loss_and_optimizer(act: str, loss: str, opt: str,
                                                     dtype: str) -> None:
    """The full grid, on the generated (fused) Sequential step."""
    _run(act, loss, opt, dtype)


@pytest.mark.parametrize(("batch", "loss", "dtype"),
                         [(1, "ce", "f32"), (1, "mse", "f64"), (7, "mse", "f32"),
                          (7, "ce", "f64"), (100, "ce", "f32"), (100, "mse", "f64"),
                          (1000, "mse", "f32"), (1000, "ce", "f64")])
def test_bitwise_at_every_batch_size(batch: int, loss: str, dtype: str) -> None:
    """Batch sizes 1…1000 on the seed network's shape (2→25→25→25→2)."""
    _run("relu" if loss == "ce" else "tanh", loss, "sgd_momentum", dtype, batch=batch,
         sizes=(2, 25, 25, 25, 2), steps=STEPS if batch < 1000 else 40)


# dtype alternates along the activations: both dtypes and all five activations are covered.
PAIRS = list(zip(ACTS, ["f32", "f64", "f32", "f64", "f32"], strict=True))


@pytest.mark.parametrize(("act", "dtype"), PAIRS)
def test_bitwise_without_bias(act: str, dtype: str) -> None:
    _run(act, "ce" if act in ("relu", "tanh") else "mse", "sgd_nesterov", dtype, bias=False)


@pytest.mark.parametrize(("act", "dtype"), [(a, "f64" if d == "f32" else "f32") for a, d in PAIRS])
def test_bitwise_generic_path_with_a_user_module(act: str, dtype: str) -> None:
    """A user-defined module in the chain: the per-module path is bitwise too."""
    _run(act, "mse" if act in ("relu", "tanh") else "ce", "adam_wd", dtype, user_module=True)


@pytest.mark.parametrize("user_module", [False, True])
@pytest.mark.parametrize("dtype", list(DTYPES))
def test_bitwise_when_gradients_accumulate(dtype: str, user_module: bool) -> None:
    """Two backward passes per step: minidl adds to .grad exactly as autograd does."""
    _run("sigmoid", "ce", "sgd_momentum", dtype, user_module=user_module, steps=100,
         accumulate=2)


def test_twin_helper_detects_a_difference() -> None:
    """The comparison is not vacuous: one ulp off fails it."""
    a = torch.ones(3)
    with pytest.raises(AssertionError, match="not bitwise"):
        bitwise(a, torch.nextafter(a, torch.full_like(a, 2.0)), "probe")


@pytest.mark.parametrize("fresh", [True, False])
def test_bitwise_on_a_deep_chain(fresh: bool) -> None:
    """13 Linears (modules 0…24): the generated code's names of layers 2 and 22 stay apart.

    ``accumulate=2`` runs the adding backward too, not only the one after ``zero_grad()``.
    """
    _run("tanh", "mse", "sgd_momentum", "f64", sizes=(3,) + (4,) * 12 + (2,), steps=5,
         accumulate=1 if fresh else 2)
