"""minidl.gradcheck: every minidl module passes, a backward with a sign error fails."""

from __future__ import annotations

import pytest
import torch

import minidl
from minidl.gradcheck import finite_differences


class _SignErrorTanh(minidl.Module):
    """A student's Tanh whose backward forgot the minus in ``1 - tanh²``."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self._y = torch.tanh(x)
        return self._y

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        return grad_output * (1.0 + self._y ** 2)  # 1 + tanh² instead of 1 - tanh²


class _WrongWeightGrad(minidl.Linear):
    """A Linear whose weight gradient has the wrong sign (its input gradient is right)."""

    def backward(self, grad_output: torch.Tensor) -> torch.Tensor:
        grad_input = super().backward(grad_output)
        self.weight.grad.neg_()
        return grad_input


def _x() -> torch.Tensor:
    # Away from 0, where ReLU has no derivative for finite differences to find.
    x = torch.randn(6, 4, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    return x + 0.1 * torch.sign(x)


MODULES = {
    "Linear": lambda: minidl.Linear(4, 3),
    "Linear no bias": lambda: minidl.Linear(4, 3, bias=False),
    "ReLU": minidl.ReLU, "Tanh": minidl.Tanh, "Sigmoid": minidl.Sigmoid,
    "LeakyReLU": lambda: minidl.LeakyReLU(0.2), "Identity": minidl.Identity,
    "Sequential": lambda: minidl.Sequential(minidl.Linear(4, 5), minidl.ReLU(),
                                            minidl.Linear(5, 5), minidl.Sigmoid(),
                                            minidl.Linear(5, 3), minidl.Tanh()),
}


@pytest.mark.parametrize("name", MODULES)
def test_every_minidl_module_passes(name: str) -> None:
    report = minidl.gradcheck(MODULES[name](), _x().float())
    assert report.passed, str(report)
    assert report.checks[0].name == "input" and report.checks[0].max_rel_error < 1e-7


def test_the_losses_pass() -> None:
    x = _x()
    labels = torch.tensor([0, 1, 2, 3, 1, 0])
    assert minidl.gradcheck(minidl.CrossEntropyLoss(), x, target=labels).passed
    assert minidl.gradcheck(minidl.MSELoss(), x, target=torch.ones_like(x)).passed


def test_a_sign_error_in_backward_is_flagged() -> None:
    report = minidl.gradcheck(_SignErrorTanh(), _x())
    assert not report.passed and not report["input"].passed
    assert report["input"].max_rel_error > 0.1
    assert "FAIL" in str(report)


def test_a_wrong_parameter_gradient_is_named() -> None:
    report = minidl.gradcheck(_WrongWeightGrad(4, 3), _x())
    assert report["input"].passed and report["bias"].passed
    assert not report["weight"].passed and not report


def test_the_callers_module_is_untouched_and_samples_limit_the_work() -> None:
    layer = minidl.Linear(4, 30)
    before = layer.weight.data.clone()
    report = minidl.gradcheck(layer, _x(), samples=10)
    assert layer.weight.data.dtype == torch.float32 and torch.equal(layer.weight.data, before)
    assert report["weight"].checked == 10 and report["weight"].shape == (30, 4)


def test_finite_differences_restore_the_tensor() -> None:
    t = torch.tensor([1.0, 2.0], dtype=torch.float64)
    d = finite_differences(lambda: float((t ** 3).sum()), t)
    assert torch.allclose(d, torch.tensor([3.0, 12.0], dtype=torch.float64))
    assert t.tolist() == [1.0, 2.0]
