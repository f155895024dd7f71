"""Seeded toy 2-D datasets (the seed projects' disk first) and a shuffling batch iterator."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import torch

__all__ = ["DATASETS", "DISK_RADIUS", "MAX_CLASSES", "MULTICLASS", "BatchIterator", "disk",
           "gaussians", "one_hot", "spiral", "standardize", "xor"]

#: Radius of the seed task's disk: its area π r² is 1/2, so about half the points lie inside.
DISK_RADIUS = 1.0 / math.sqrt(2.0 * math.pi)

#: Most classes a multi-class set (:data:`MULTICLASS`) can be drawn with.
MAX_CLASSES = 8

Data = tuple[torch.Tensor, torch.Tensor]


def _generator(seed: int | None, generator: torch.Generator | None) -> torch.Generator | None:
    if generator is not None and seed is not None:
        raise ValueError("pass either seed or generator, not both")
    if seed is not None:
        return torch.Generator().manual_seed(int(seed))
    return generator


def _finish(x: torch.Tensor, y: torch.Tensor, noise: float, gen: torch.Generator | None,
            dtype: torch.dtype, device: torch.device | str | None) -> Data:
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    if noise > 0:
        # Jitter is added after labelling: the labels stay the true classes of the clean points.
        x = x + noise * torch.randn(x.shape, generator=gen, dtype=x.dtype)
    return x.to(device=device, dtype=dtype), y.to(device=device)


def _check_n(n: int) -> None:
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")


def _labels(n: int, classes: int, gen: torch.Generator | None) -> torch.Tensor:
    """``n`` uniform labels in ``0..classes-1`` from one uniform draw per point."""
    if int(classes) != classes or not 2 <= classes <= MAX_CLASSES:
        raise ValueError(f"classes must be an integer in [2, {MAX_CLASSES}], got {classes!r}")
    u = torch.rand(n, generator=gen, dtype=torch.float64)
    # Counting down from classes - 1 makes two classes exactly the original ``u < 0.5`` draw
    # (floor(2u) == 0 iff u < 0.5, 2u being exact), so the seed task's data never changes.
    return (classes - 1 - torch.floor(u * classes)).long()


def disk(n: int, *, seed: int | None = None, generator: torch.Generator | None = None,
         noise: float = 0.0, dtype: torch.dtype = torch.float32,
         device: torch.device | str | None = None) -> Data:
    """The seed task: ``n`` points uniform in [0, 1]², label 1 inside the disk.

    The disk is centred at (0.5, 0.5) with radius ``1/sqrt(2π)``.

    Returns
    -------
    x : torch.Tensor, shape (n, 2)
    y : torch.Tensor, shape (n,), int64 in {0, 1}
    """
    _check_n(n)
    gen = _generator(seed, generator)
    x = torch.rand(n, 2, generator=gen, dtype=torch.float64)
    y = ((x - 0.5).square().sum(1) < DISK_RADIUS**2).long()
    return _finish(x, y, noise, gen, dtype, device)


def xor(n: int, *, seed: int | None = None, generator: torch.Generator | None = None,
        noise: float = 0.0, dtype: torch.dtype = torch.float32,
        device: torch.device | str | None = None) -> Data:
    """Uniform points in [0, 1]², label 1 in the top-left and bottom-right quadrants."""
    _check_n(n)
    gen = _generator(seed, generator)
    x = torch.rand(n, 2, generator=gen, dtype=torch.float64)
    y = ((x[:, 0] > 0.5) ^ (x[:, 1] > 0.5)).long()
    return _finish(x, y, noise, gen, dtype, device)


def gaussians(n: int, *, seed: int | None = None, generator: torch.Generator | None = None,
              noise: float = 0.0, classes: int = 2, dtype: torch.dtype = torch.float32,
              device: torch.device | str | None = None) -> Data:
    """``classes`` Gaussian blobs, one per class, equally likely.

    Two classes: std 0.1 at (0.3, 0.3) (class 0) and (0.7, 0.7) (class 1). More: the centres
    sit evenly on a circle of radius 0.3 around (0.5, 0.5), class 0 at the lower left, with
    std ``min(0.1, gap / 4)`` where ``gap`` is the distance between neighbouring centres, so
    eight blobs stay about as separable as two.
    """
    _check_n(n)
    gen = _generator(seed, generator)
    y = _labels(n, classes, gen)
    if classes == 2:  # the original centres, written exactly as before (bitwise the same data)
        centres = 0.3 + 0.4 * y.to(torch.float64).unsqueeze(1).expand(n, 2)
        std = 0.1
    else:
        angle = 1.25 * math.pi + 2.0 * math.pi * y.to(torch.float64) / classes
        centres = 0.5 + 0.3 * torch.stack((torch.cos(angle), torch.sin(angle)), 1)
        std = min(0.1, 0.6 * math.sin(math.pi / classes) / 4.0)
    x = centres + std * torch.randn(n, 2, generator=gen, dtype=torch.float64)
    return _finish(x, y, noise, gen, dtype, device)


def spiral(n: int, *, seed: int | None = None, generator: torch.Generator | None = None,
           noise: float = 0.0, classes: int = 2, dtype: torch.dtype = torch.float32,
           device: torch.device | str | None = None) -> Data:
    """``classes`` interleaved spiral arms (1.5 turns each) centred at (0.5, 0.5).

    Arm ``c`` is turned by ``2π c / classes``; the radius grows from 0.05 to 0.45 along an
    arm, so neighbouring arms are ``0.4 / (1.5 classes)`` apart (0.133 for two).
    """
    _check_n(n)
    gen = _generator(seed, generator)
    y = _labels(n, classes, gen)
    t = torch.rand(n, generator=gen, dtype=torch.float64)
    # 2π/2 is exactly π: two arms are bitwise the original ``3πt + πy``.
    angle = 3.0 * math.pi * t + (2.0 * math.pi / classes) * y.to(torch.float64)
    radius = 0.05 + 0.4 * t
    x = 0.5 + radius.unsqueeze(1) * torch.stack((torch.cos(angle), torch.sin(angle)), 1)
    return _finish(x, y, noise, gen, dtype, device)


DATASETS: dict[str, Callable[..., Data]] = {
    "disk": disk, "xor": xor, "gaussians": gaussians, "spiral": spiral}
#: The sets that take a ``classes`` argument (disk and xor are two-class by definition).
MULTICLASS = ("gaussians", "spiral")


def one_hot(y: torch.Tensor, num_classes: int = 2,
            dtype: torch.dtype | None = None) -> torch.Tensor:
    """Return the ``(N, num_classes)`` one-hot float encoding of labels ``y`` (MSE targets)."""
    if y.dim() != 1:
        raise ValueError(f"one_hot expects labels of shape (N,), got {tuple(y.shape)}")
    if y.numel() and (int(y.min()) < 0 or int(y.max()) >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes}), "
                         f"got {int(y.min())}..{int(y.max())}")
    out = torch.zeros(y.shape[0], num_classes, dtype=dtype or torch.get_default_dtype(),
                      device=y.device)
    return out.scatter_(1, y.view(-1, 1), 1.0)


def standardize(x_train: torch.Tensor, *others: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Standardise with the *training* set's per-feature mean and std (as seed A does).

    Returns
    -------
    (mean, std, x_train_standardised, *others_standardised)
    """
    mean = x_train.mean(0)
    std = x_train.std(0).clamp_min(torch.finfo(x_train.dtype).eps)
    return (mean, std, (x_train - mean) / std, *((x - mean) / std for x in others))


class BatchIterator:
    """Mini-batches over ``(x, y)``; each full iteration is one epoch, reshuffled.

    Parameters
    ----------
    x, y : torch.Tensor
        Inputs ``(N, ...)`` and targets ``(N, ...)``.
    batch_size : int
        Samples per batch; the last batch of an epoch may be smaller.
    shuffle : bool
        Draw a new permutation each epoch from the (seeded) generator.
    seed, generator
        Reproducibility: the same seed gives the same sequence of epochs.
    """

    def __init__(self, x: torch.Tensor, y: torch.Tensor, batch_size: int, *, shuffle: bool = True,
                 seed: int | None = None, generator: torch.Generator | None = None) -> None:
        if x.shape[0] != y.shape[0]:
            raise ValueError(f"x has {x.shape[0]} samples but y has {y.shape[0]}")
        if int(batch_size) != batch_size or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        self.x, self.y, self.batch_size, self.shuffle = x, y, int(batch_size), shuffle
        self.generator = _generator(seed, generator)

    def __len__(self) -> int:
        return -(-self.x.shape[0] // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        x, y = self.x, self.y
        if self.shuffle:
            perm = torch.randperm(x.shape[0], generator=self.generator).to(x.device)
            # One gather per epoch, then cheap contiguous slices: no per-step indexing cost.
            x, y = x[perm], y[perm]
        return zip(x.split(self.batch_size), y.split(self.batch_size), strict=True)
