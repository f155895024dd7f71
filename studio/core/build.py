"""Turn a :class:`~studio.core.spec.RunSpec` into minidl objects and tensors.

Everything here is a pure function of the spec: the same spec always gives the same initial
weights (a ``torch.Generator`` seeded with ``spec.seed``) and the same data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType

import torch

import minidl
import minidl.data
import minidl.optim

from .features import UNIT_EXTENT, UNIT_FRAME, Extent, FeatureMap, frame_of, grid_points
from .limits import CUSTOM_DATA, MULTICLASS_DATASETS
from .spec import DataSpec, RunSpec, SpecError

__all__ = ["EXTENT_MARGIN", "TEST_SEED_OFFSET", "Dataset", "build_loss", "build_model",
           "build_optimizer", "make_data", "noise_scale", "resolve_device", "targets_for",
           "torch_dtype"]

#: The test set is drawn with ``data.seed + TEST_SEED_OFFSET`` so it never repeats the
#: training points; a large prime keeps it clear of seeds people type by hand (0, 1, 42...).
TEST_SEED_OFFSET = 1_000_003

#: Drawn or imported data are viewed over their bounding square widened by this fraction.
EXTENT_MARGIN = 0.1

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
    """Build ``Linear(F, w0) act0 ... Linear(w_last, k)`` on ``spec.device`` in ``spec.dtype``.

    ``F`` is the number of input features and ``k`` of classes (``spec.sizes``).

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


def targets_for(loss_name: str, y: torch.Tensor, dtype: torch.dtype | None = None,
                num_classes: int = 2) -> torch.Tensor:
    """Training targets for labels ``y`` (N,): ``y`` itself for cross-entropy, else the
    one-hot floats ``(N, num_classes)`` (in ``dtype``, default torch's) that MSE regresses to."""
    if loss_name == "cross_entropy":
        return y
    return minidl.data.one_hot(y, num_classes, dtype=dtype)


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train and test tensors of one :class:`DataSpec`.

    Attributes
    ----------
    x_train, x_test : torch.Tensor
        ``(N, F)`` model inputs (the ``F`` spec features) on the requested device and dtype,
        standardised with the *training* set's mean and std when ``standardize``.
    y_train, y_test : torch.Tensor
        ``(N,)`` int64 labels ``0..classes-1`` on the device.
    raw_train, raw_test : torch.Tensor
        ``(N, 2)`` un-standardised points on the CPU, for plotting.
    mean, std : torch.Tensor
        ``(F,)`` on the device: ``x = (features(raw) - mean) / std`` (zeros and ones when not
        standardising).
    features : FeatureMap
        Raw points to features; :meth:`model_inputs` applies it and the standardisation.
    extent : tuple of float
        ``(x0, x1, y0, y1)`` the views show and the grids cover: [0, 1]² for generated sets,
        the points' bounding square plus a margin for drawn or imported ones.
    classes : int
        Number of classes (the model's outputs).
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    raw_train: torch.Tensor
    raw_test: torch.Tensor
    mean: torch.Tensor
    std: torch.Tensor
    features: FeatureMap = FeatureMap()
    extent: Extent = UNIT_EXTENT
    classes: int = 2

    def model_inputs(self, raw: torch.Tensor) -> torch.Tensor:
        """``(N, 2)`` raw points -> ``(N, F)`` model inputs, exactly as the training set's."""
        feats = self.features(raw.to(torch.float64))
        return (feats.to(device=self.mean.device, dtype=self.mean.dtype) - self.mean) / self.std

    def grid_inputs(self, size: int) -> torch.Tensor:
        """Model inputs at the ``size`` × ``size`` pixel centres of :attr:`extent`."""
        return grid_points(size, self.mean, self.std, self.features, self.extent)


def noise_scale(name: str, classes: int = 2) -> float:
    """The unit of ``DataSpec.noise`` for set ``name``: its class gap, in plane units.

    The distance between neighbouring classes: the disk's radius, the XOR quadrant's side
    (0.5), the radial spacing of spiral arms ``0.4 / (1.5 classes)``, the distance between
    neighbouring blob centres. Noise ``s`` adds Gaussian jitter of std ``s × noise_scale``,
    so the same noise blurs every set's classes alike.
    """
    if name == "disk":
        return minidl.data.DISK_RADIUS
    if name == "xor":
        return 0.5
    if name == "spiral":
        return 0.4 / (1.5 * classes)
    if name == "gaussians":
        return 0.4 * math.sqrt(2.0) if classes == 2 else 0.6 * math.sin(math.pi / classes)
    raise ValueError(f"no noise scale for data set {name!r}")


def _generated(spec: DataSpec, seed: int, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    extra = {"classes": spec.classes} if spec.name in MULTICLASS_DATASETS else {}
    noise = spec.noise * noise_scale(spec.name, spec.classes) if spec.noise else 0.0
    return minidl.data.DATASETS[spec.name](n, seed=seed, noise=noise, dtype=torch.float64,
                                           **extra)


def _custom(spec: DataSpec) -> tuple[torch.Tensor, ...]:
    """Train and test points and labels of inline points; the split is theirs or seeded."""
    n = len(spec.points)
    xy = torch.tensor([p[:2] for p in spec.points], dtype=torch.float64).reshape(n, 2)
    labels = torch.tensor([p[2] for p in spec.points], dtype=torch.int64)
    if n and len(spec.points[0]) == 4:
        test = torch.tensor([p[3] == "test" for p in spec.points], dtype=torch.bool)
    else:
        # Seeded by data.seed: the same points always split the same way.
        order = torch.randperm(n, generator=torch.Generator().manual_seed(spec.seed))
        test = torch.zeros(n, dtype=torch.bool)
        test[order[:min(max(round(n * spec.test_fraction), 1), max(n - 1, 1))]] = True
    if int((~test).sum()) < 1 or int(test.sum()) < 1:
        raise SpecError("data.points", f"needs at least one training and one test point, got "
                        f"{int((~test).sum())} and {int(test.sum())}")
    if labels[~test].unique().numel() < 2:
        raise SpecError("data.points", "the training points must hold at least two classes")
    return xy[~test], labels[~test], xy[test], labels[test]


def make_data(spec: DataSpec, dtype: str | torch.dtype = "float32",
              device: str | torch.device = "cpu") -> Dataset:
    """The training (seed ``spec.seed``) and test (``spec.seed + TEST_SEED_OFFSET``) sets.

    Drawn or imported data (``name="custom"``) split their inline points instead. Features
    are computed from the raw float64 points, then standardised with the training statistics.
    """
    dtype = torch_dtype(dtype)
    device = resolve_device(device) if isinstance(device, str) else device
    # float64 on the CPU first: the same points for every dtype/device, rounded once at the end.
    if spec.name == CUSTOM_DATA:
        raw_train, y_train, raw_test, y_test = _custom(spec)
        frame = frame_of(torch.cat((raw_train, raw_test)))
        pad = frame.half * (1.0 + EXTENT_MARGIN)
        extent = (frame.cx - pad, frame.cx + pad, frame.cy - pad, frame.cy + pad)
    else:
        raw_train, y_train = _generated(spec, spec.seed, spec.n_train)
        raw_test, y_test = _generated(spec, spec.seed + TEST_SEED_OFFSET, spec.n_test)
        frame, extent = UNIT_FRAME, UNIT_EXTENT
    features = FeatureMap(spec.features, frame)
    f_train, f_test = features(raw_train), features(raw_test)
    if spec.standardize:
        mean, std, x_train, x_test = minidl.data.standardize(f_train, f_test)
    else:
        width = features.width
        mean, std = torch.zeros(width, dtype=torch.float64), torch.ones(width, dtype=torch.float64)
        x_train, x_test = f_train, f_test

    def dev(t: torch.Tensor) -> torch.Tensor:
        return t.to(device=device, dtype=dtype if t.is_floating_point() else t.dtype)

    return Dataset(x_train=dev(x_train), y_train=dev(y_train), x_test=dev(x_test),
                   y_test=dev(y_test), raw_train=raw_train.to(dtype),
                   raw_test=raw_test.to(dtype), mean=dev(mean), std=dev(std),
                   features=features, extent=extent, classes=spec.classes)
