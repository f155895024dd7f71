"""Optimizer settings: invalid values raise ValueError naming the setting (issue 13).

torch.optim's rules and messages ("Invalid learning rate: nan"); every non-finite value is
refused, since NaN compares false with every bound and would otherwise slip through.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
import torch

import minidl
import minidl.optim

F64 = torch.float64

INVALID: list[tuple[str, Callable[[list[minidl.Parameter]], object], str]] = [
    ("sgd lr", lambda p: minidl.optim.SGD(p, lr=-1), r"lr|learning rate"),
    ("sgd momentum", lambda p: minidl.optim.SGD(p, lr=0.1, momentum=-0.1), r"momentum"),
    ("sgd dampening", lambda p: minidl.optim.SGD(p, lr=0.1, momentum=0.5, dampening=-0.1),
     r"dampening"),
    ("sgd weight_decay", lambda p: minidl.optim.SGD(p, lr=0.1, weight_decay=-1e-3),
     r"weight.?decay"),
    ("sgd nesterov no momentum", lambda p: minidl.optim.SGD(p, lr=0.1, nesterov=True),
     r"nesterov"),
    ("sgd nesterov dampening",
     lambda p: minidl.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
     r"nesterov"),
    ("adam lr", lambda p: minidl.optim.Adam(p, lr=-1), r"lr|learning rate"),
    ("adam beta1", lambda p: minidl.optim.Adam(p, betas=(1.0, 0.999)), r"beta"),
    ("adam beta2", lambda p: minidl.optim.Adam(p, betas=(0.9, -0.1)), r"beta"),
    ("adam eps", lambda p: minidl.optim.Adam(p, eps=-1e-8), r"eps"),
    ("adam weight_decay", lambda p: minidl.optim.Adam(p, weight_decay=-0.1), r"weight.?decay"),
]


@pytest.mark.parametrize(("label", "make", "pattern"), INVALID, ids=[c[0] for c in INVALID])
def test_invalid_settings_raise_value_error_naming_the_setting(
        label: str, make: Callable[[list[minidl.Parameter]], object], pattern: str) -> None:
    params = [minidl.Parameter(torch.zeros(2, dtype=F64))]
    with pytest.raises(ValueError, match=f"(?i){pattern}"):
        make(params)


@pytest.mark.parametrize("make", [
    lambda p: minidl.optim.SGD(p, lr=0.0, momentum=0.0, dampening=0.0, weight_decay=0.0),
    lambda p: minidl.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    lambda p: minidl.optim.Adam(p, lr=0.0, betas=(0.0, 0.0), eps=0.0, weight_decay=0.0),
])
def test_boundary_settings_are_accepted(make: Callable[[list[minidl.Parameter]], object]
                                        ) -> None:
    assert make([minidl.Parameter(torch.zeros(2, dtype=F64))]) is not None


NAN, INF = math.nan, math.inf
# (optimizer, settings, message): every hyperparameter at NaN, +inf, -inf and out of range.
NON_FINITE: list[tuple[str, dict[str, Any], str]] = (
    [("SGD", {"lr": v}, f"Invalid learning rate: {v}") for v in (NAN, INF, -INF, -0.1)]
    + [("SGD", {"lr": 0.1, "momentum": v}, f"Invalid momentum value: {v}")
       for v in (NAN, INF, -INF, -0.5)]
    + [("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": v}, f"Invalid dampening value: {v}")
       for v in (NAN, INF, -INF, -0.5)]
    + [("SGD", {"lr": 0.1, "weight_decay": v}, f"Invalid weight_decay value: {v}")
       for v in (NAN, INF, -INF, -1e-4)]
    + [("Adam", {"lr": v}, f"Invalid learning rate: {v}") for v in (NAN, INF, -INF, -1e-3)]
    + [("Adam", {"eps": v}, f"Invalid epsilon value: {v}") for v in (NAN, INF, -INF, -1e-8)]
    + [("Adam", {"betas": (v, 0.999)}, f"Invalid beta parameter at index 0 (betas[0]): {v}")
       for v in (NAN, INF, -INF, 1.0, 1.5, -0.1)]
    + [("Adam", {"betas": (0.9, v)}, f"Invalid beta parameter at index 1 (betas[1]): {v}")
       for v in (NAN, INF, -INF, 1.0, 1.5, -0.1)]
    + [("Adam", {"weight_decay": v}, f"Invalid weight_decay value: {v}")
       for v in (NAN, INF, -INF, -0.1)]
    + [("SGD", {"lr": "fast"}, "Invalid learning rate: 'fast'"),
       ("SGD", {"lr": None}, "Invalid learning rate: None"),
       ("Adam", {"betas": (0.9,)}, "Invalid betas: (0.9,)"),
       ("Adam", {"betas": 0.9}, "Invalid betas: 0.9")]
)


@pytest.mark.parametrize(("name", "settings", "message"), NON_FINITE,
                         ids=[f"{n}-{s}" for n, s, _ in NON_FINITE])
def test_non_finite_and_out_of_range_settings_raise_naming_the_setting(
        name: str, settings: dict[str, Any], message: str) -> None:
    params = [minidl.Parameter(torch.zeros(2, dtype=F64))]
    with pytest.raises(ValueError) as info:
        getattr(minidl.optim, name)(params, **settings)
    assert str(info.value).startswith(message)


def test_the_torch_style_message_for_a_nan_learning_rate() -> None:
    with pytest.raises(ValueError, match=r"^Invalid learning rate: nan$"):
        minidl.optim.SGD([minidl.Parameter(torch.zeros(2))], lr=math.nan)
