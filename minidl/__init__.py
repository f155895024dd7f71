"""minidl: a small deep-learning library on PyTorch tensors, with hand-written backward passes.

It mirrors ``torch.nn`` / ``torch.optim`` (same names, state-dict layout and update rules) and
never uses autograd.

Exact by default: every layer, loss and optimizer issues the ATen kernels torch's autograd and
torch.optim issue, so a minidl model and its torch.nn twin with the same state dict, fed the
same batches, keep bitwise-equal (``torch.equal``) losses and parameters step after step, on
the CPU in float32 and float64 (checked on torch 2.13.0; ``tests/minidl/test_bitwise_twin.py``
fails loudly if a torch release changes those kernels). Opt-in *fast mode* trades the last
bits for fewer calls: ``model.input_grad = False`` (no gradient for the network input),
``SGD/Adam(..., fused=True)`` (torch's fused kernels) and ``opt.zero_grad(set_to_none=True)``
(no zeroing pass); it stays within 1e-12 (relative, float64) of exact mode.

Example
-------
>>> import minidl, minidl.optim, minidl.data
>>> x, y = minidl.data.disk(1000, seed=0)
>>> model = minidl.Sequential(minidl.Linear(2, 25), minidl.ReLU(), minidl.Linear(25, 2))
>>> loss_fn = minidl.CrossEntropyLoss()
>>> opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.2)
>>> for xb, yb in minidl.data.BatchIterator(x, y, 100, seed=0):
...     opt.zero_grad()
...     loss = loss_fn(model(xb), yb)
...     model.backward(loss_fn.backward())
...     opt.step()
"""

from __future__ import annotations

from . import data, init, optim
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Tanh
from .gradcheck import GradcheckReport, gradcheck
from .layers import Linear
from .losses import CrossEntropyLoss, MSELoss
from .module import Module, Parameter, Sequential

__all__ = [
    "CrossEntropyLoss",
    "GradcheckReport",
    "Identity",
    "LeakyReLU",
    "Linear",
    "MSELoss",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "data",
    "gradcheck",
    "init",
    "optim",
]

__version__ = "0.1.0"
