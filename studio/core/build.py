"""Turn a :class:`~studio.core.spec.RunSpec` into minidl objects and tensors.

Everything here is a pure function of the spec: the same spec always gives the same initial
weights (a ``torch.Generator`` seeded with ``spec.seed``) and the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import torch

import minidl
import minidl.data
import minidl.optim

from .spec import DataSpec, RunSpec, SpecError

__all__ = ["TEST_SEED_OFFSET", "Dataset", "build_loss", "build_model", "build_optimizer",
           "make_data", "resolve_device", "targets_for", "torch_dtype"]

#: The test set is drawn with ``data.seed + TEST_SEED_OFFSET`` so it never repeats the
#: training points; a large prime keeps it clear of seeds people type by hand (0, 1, 42...).
TEST_SEED_OFFSET = 1_000_003

_ACTIVATIONS = {"relu": minidl.ReLU, "tanh": minidl.Tanh, "sigmoid": minidl.Sigmoid,
                "leaky_relu": minidl.LeakyReLU, "identity": minidl.Identity}
_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def torch_dtype(name: str | torch.dtype) -> torch.dtype:
    """Return the torch dtype for ``"float32"``/``"float64"`` (a torch dtype passes through)."""
    return name if isinstance(name, torch.dtype) else _DTYPES[name]


def resolve_device(name: str) -> torch.device:
    """Return ``torch.device(name)``; :class:`SpecError` at ``device`` when CUDA is missing."""
    if name == "cuda" and not torch.cuda.is_available():
        raise SpecError("device", "CUDA is not available on this machine (use cpu)")
    return torch.device(name)


def build_model(spec: RunSpec) -> minidl.Sequential:
    """Build ``Linear(2, w0) act0 ... Linear(w_last, 2)`` on ``spec.device`` in ``spec.dtype``.

    Weights are drawn in float64 on the CPU from ``torch.Generator().manual_seed(spec.seed)``,
    layer by layer, then rounded to ``spec.dtype`` and moved: every device and dtype of one
    spec starts from the same weights. The output layer uses
    the last hidden layer's init (``xavier_uniform`` when there are no hidden layers).
    """
    device = resolve_device(spec.device)
    dtype = torch_dtype(spec.dtype)
    generator = torch.Generator().manual_seed(spec.seed)
    sizes = spec.sizes
    inits = [layer.init for layer in spec.layers]
    inits.append(inits[-1] if inits else "xavier_uniform")
    modules: list[minidl.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:], strict=False)):
        linear = minidl.Linear(fan_in, fan_out, init=inits[i], dtype=torch.float64)
        linear.reset_parameters(generator=generator)
        modules.append(linear)
        if i < len(spec.layers):
            modules.append(_ACTIVATIONS[spec.layers[i].activation]())
    return minidl.Sequential(*modules).to(device=device, dtype=dtype)


def build_loss(spec: RunSpec) -> minidl.Module:
    """Return the criterion: ``CrossEntropyLoss`` (class indices) or ``MSELoss`` (one-hot)."""
    return minidl.CrossEntropyLoss() if spec.loss == "cross_entropy" else minidl.MSELoss()


def build_optimizer(spec: RunSpec, params, optim: ModuleType = minidl.optim):
    """Return the optimiser over ``params``; create it after the model is on its device.

    ``optim`` is ``minidl.optim`` or ``torch.optim``: minidl mirrors torch's signatures, so the
    torch.nn twin gets its optimiser from the same code.
    """
    opt = spec.optimizer
    if opt.name == "adam":
        return optim.Adam(params, lr=opt.lr, betas=(opt.beta1, opt.beta2), eps=opt.eps,
                          weight_decay=opt.weight_decay)
    return optim.SGD(params, lr=opt.lr, momentum=opt.momentum, dampening=opt.dampening,
                     weight_decay=opt.weight_decay, nesterov=opt.nesterov)


def targets_for(loss_name: str, y: torch.Tensor,
                dtype: torch.dtype | None = None) -> torch.Tensor:
    """Training targets for labels ``y`` (N,): ``y`` itself for cross-entropy, else the
    one-hot floats ``(N, 2)`` (in ``dtype``, default torch's) that MSE regresses to."""
    if loss_name == "cross_entropy":
        return y
    return minidl.data.one_hot(y, 2, dtype=dtype)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train and test tensors of one :class:`DataSpec`.

    Attributes
    ----------
    x_train, x_test : torch.Tensor
        ``(N, 2)`` model inputs on the requested device and dtype, standardised with the
        *training* set's mean and std when ``standardize`` (as seed A does).
    y_train, y_test : torch.Tensor
        ``(N,)`` int64 labels on the device.
    raw_train, raw_test : torch.Tensor
        ``(N, 2)`` un-standardised points on the CPU, for plotting.
    mean, std : torch.Tensor
        ``(2,)`` on the device: ``x = (raw - mean) / std`` (zeros and ones when not
        standardising).
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    raw_train: torch.Tensor
    raw_test: torch.Tensor
    mean: torch.Tensor
    std: torch.Tensor


def make_data(spec: DataSpec, dtype: str | torch.dtype = "float32",
              device: str | torch.device = "cpu") -> Dataset:
    """Draw the training (seed ``spec.seed``) and test (``spec.seed + TEST_SEED_OFFSET``) sets."""
    dtype = torch_dtype(dtype)
    device = resolve_device(device) if isinstance(device, str) else device
    make = minidl.data.DATASETS[spec.name]
    # float64 on the CPU first: the same points for every dtype/device, rounded once at the end.
    raw_train, y_train = make(spec.n_train, seed=spec.seed, noise=spec.noise,
                              dtype=torch.float64)
    raw_test, y_test = make(spec.n_test, seed=spec.seed + TEST_SEED_OFFSET, noise=spec.noise,
                            dtype=torch.float64)
    if spec.standardize:
        mean, std, x_train, x_test = minidl.data.standardize(raw_train, raw_test)
    else:
        mean, std = torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
        x_train, x_test = raw_train, raw_test

    def dev(t: torch.Tensor) -> torch.Tensor:
        return t.to(device=device, dtype=dtype if t.is_floating_point() else t.dtype)

    return Dataset(x_train=dev(x_train), y_train=dev(y_train), x_test=dev(x_test),
                   y_test=dev(y_test), raw_train=raw_train.to(dtype),
                   raw_test=raw_test.to(dtype), mean=dev(mean), std=dev(std))
