"""minidl's hot paths dispatch below autograd (``_ops.below_autograd``) and leak nothing of it.

Skipping the Autograd and ADInplaceOrView layers is what makes a small step ~20% cheaper; it
must not change what callers get: the tensors handed back are ordinary tensors that autograd
can use, and the bits are the kernels' (checked by the bitwise twin tests).
"""

from __future__ import annotations

import torch

import minidl
import minidl.optim
from minidl import _ops


def _net() -> minidl.Sequential:
    torch.manual_seed(0)
    return minidl.Sequential(minidl.Linear(2, 5), minidl.ReLU(), minidl.Linear(5, 3))


def _step(model: minidl.Sequential, opt: minidl.optim.Optimizer, zero: bool = True
          ) -> torch.Tensor:
    x, t = torch.randn(4, 2), torch.tensor([0, 1, 2, 1])
    crit = minidl.CrossEntropyLoss()
    if zero:
        opt.zero_grad()
    crit(model(x), t)
    return model.backward(crit.backward())


def test_the_guard_is_torchs_below_autograd_guard() -> None:
    assert _ops.below_autograd is torch._C._AutoDispatchBelowADInplaceOrView


def test_fused_step_and_optimizer_do_not_go_through_autograds_dispatch_layers() -> None:
    # In-place ops normally bump a tensor's version counter (ADInplaceOrView's job); below
    # that layer they do not. So an unchanged counter after a step proves the guard was on
    # around every in-place write to the parameters and their gradients.
    model = _net()
    opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    _step(model, opt)
    opt.step()
    opt.zero_grad()  # one op, not worth the guard: it may bump the gradients' version
    versions = [(p.data._version, p.grad._version) for p in model.parameters()]
    before = [p.data.clone() for p in model.parameters()]
    _step(model, opt, zero=False)  # forward, loss, fused backward
    opt.step()
    assert [(p.data._version, p.grad._version) for p in model.parameters()] == versions
    assert not all(torch.equal(a, p.data) for a, p in zip(before, model.parameters(), strict=True))


def test_what_callers_get_back_are_ordinary_tensors_autograd_can_use() -> None:
    model = _net()
    opt = minidl.optim.SGD(model.parameters(), lr=0.1)
    grad_x = _step(model, opt)
    out = model(torch.randn(4, 2))
    for tensor in (out, grad_x):
        assert not tensor._is_view() and not tensor.is_inference()
        leaf = tensor.requires_grad_()
        (leaf * leaf).sum().backward()
        assert torch.equal(leaf.grad, 2 * leaf.detach())
