"""minidl.data: the seeded toy datasets, one_hot, standardize and BatchIterator."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
import torch

import minidl.data as data

F64 = torch.float64
GENERATORS = ["disk", "xor", "gaussians", "spiral"]


def test_datasets_registry() -> None:
    assert set(data.DATASETS) == set(GENERATORS)
    assert data.DATASETS["disk"] is data.disk


def test_disk_shapes_dtypes_and_range() -> None:
    x, y = data.disk(500, seed=0)
    assert x.shape == (500, 2) and y.shape == (500,)
    assert x.dtype == torch.float32 and y.dtype == torch.int64
    assert float(x.min()) >= 0.0 and float(x.max()) <= 1.0
    assert set(y.unique().tolist()) == {0, 1}
    x64, y64 = data.disk(500, seed=0, dtype=F64)
    assert x64.dtype == F64
    torch.testing.assert_close(x64.float(), x, atol=0.0, rtol=0.0)
    assert torch.equal(y64, y)


def test_disk_labels_are_exactly_inside_the_disk() -> None:
    x, y = data.disk(10000, seed=1, dtype=F64)
    inside = ((x - 0.5) ** 2).sum(1) < 1.0 / (2.0 * math.pi)
    assert torch.equal(y, inside.long())


def test_disk_float32_labels_agree_away_from_the_boundary() -> None:
    x, y = data.disk(10000, seed=1)
    d2 = ((x.double() - 0.5) ** 2).sum(1)
    clear = (d2 - 1.0 / (2.0 * math.pi)).abs() > 1e-6
    assert int(clear.sum()) > 9900
    assert torch.equal(y[clear], (d2[clear] < 1.0 / (2.0 * math.pi)).long())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_disk_about_half_inside(seed: int) -> None:
    _, y = data.disk(10000, seed=seed)
    assert 0.45 <= float(y.double().mean()) <= 0.55


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_data_different_seed_different(name: str) -> None:
    make: Callable[..., tuple[torch.Tensor, torch.Tensor]] = data.DATASETS[name]
    x1, y1 = make(300, seed=7)
    x2, y2 = make(300, seed=7)
    x3, _ = make(300, seed=8)
    assert torch.equal(x1, x2) and torch.equal(y1, y2)
    assert not torch.equal(x1, x3)
    xg, yg = make(300, generator=torch.Generator().manual_seed(7))
    assert torch.equal(xg, x1) and torch.equal(yg, y1)


@pytest.mark.parametrize("name", GENERATORS)
def test_shapes_and_two_classes(name: str) -> None:
    x, y = data.DATASETS[name](1000, seed=3)
    assert x.shape == (1000, 2) and y.shape == (1000,)
    assert x.dtype == torch.float32 and y.dtype == torch.int64
    counts = torch.bincount(y, minlength=2)
    assert counts.numel() == 2 and int(counts.min()) > 200
    assert bool(torch.isfinite(x).all())
    # Roughly in the unit square.
    assert float(x.min()) > -0.5 and float(x.max()) < 1.5
    assert float(x.mean()) == pytest.approx(0.5, abs=0.15)


@pytest.mark.parametrize("name", GENERATORS)
def test_dtype_argument(name: str) -> None:
    x, _ = data.DATASETS[name](10, seed=0, dtype=F64)
    assert x.dtype == F64


def test_xor_labels_follow_the_quadrants() -> None:
    x, y = data.xor(2000, seed=4, dtype=F64)
    q = ((x[:, 0] > 0.5) ^ (x[:, 1] > 0.5)).long()
    assert torch.equal(y, q) or torch.equal(y, 1 - q)


def test_gaussians_classes_are_separated() -> None:
    x, y = data.gaussians(2000, seed=5)
    c0, c1 = x[y == 0].mean(0), x[y == 1].mean(0)
    assert float((c0 - c1).norm()) > 0.3


@pytest.mark.parametrize("name", GENERATORS)
def test_noise_jitters_the_points(name: str) -> None:
    make = data.DATASETS[name]
    clean, y_clean = make(5000, seed=6, dtype=F64)
    noisy, y_noisy = make(5000, seed=6, noise=0.1, dtype=F64)
    assert not torch.equal(clean, noisy)
    assert torch.equal(y_clean, y_noisy)
    jitter = noisy - clean
    assert float(jitter.std()) == pytest.approx(0.1, rel=0.05)
    assert abs(float(jitter.mean())) < 0.01


def test_negative_noise_and_bad_n_are_errors() -> None:
    with pytest.raises(ValueError, match="noise"):
        data.disk(10, seed=0, noise=-0.1)
    with pytest.raises(ValueError, match="n"):
        data.disk(0, seed=0)
    with pytest.raises(ValueError, match="seed"):
        data.disk(10, seed=0, generator=torch.Generator())


def test_one_hot() -> None:
    y = torch.tensor([0, 1, 1, 0])
    expected = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    out = data.one_hot(y)
    assert out.dtype == torch.float32
    assert torch.equal(out, expected)
    out3 = data.one_hot(torch.tensor([2, 0]), num_classes=3, dtype=F64)
    assert out3.dtype == F64
    assert torch.equal(out3, torch.tensor([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], dtype=F64))
    torch.testing.assert_close(out, torch.nn.functional.one_hot(y, 2).float(), atol=0, rtol=0)
    with pytest.raises(ValueError):
        data.one_hot(torch.tensor([0, 2]), num_classes=2)


def test_standardize_uses_only_the_training_statistics() -> None:
    gen = torch.Generator().manual_seed(0)
    x_train = torch.rand(1000, 2, generator=gen, dtype=F64) * torch.tensor([2.0, 0.5],
                                                                            dtype=F64) + 3.0
    x_test = torch.rand(500, 2, generator=gen, dtype=F64) * 4.0 - 1.0  # another distribution
    mean, std, train_s, test_s = data.standardize(x_train, x_test)
    torch.testing.assert_close(mean, x_train.mean(0), atol=1e-12, rtol=1e-12)
    unbiased, biased = x_train.std(0), x_train.std(0, correction=0)
    assert (torch.allclose(std, unbiased, atol=1e-12, rtol=1e-12)
            or torch.allclose(std, biased, atol=1e-12, rtol=1e-12))
    torch.testing.assert_close(train_s, (x_train - mean) / std, atol=1e-12, rtol=1e-12)
    torch.testing.assert_close(test_s, (x_test - mean) / std, atol=1e-12, rtol=1e-12)
    torch.testing.assert_close(train_s.mean(0), torch.zeros(2, dtype=F64), atol=1e-10, rtol=0)
    torch.testing.assert_close(train_s.std(0), torch.ones(2, dtype=F64), atol=1e-3, rtol=0)
    # The test set was NOT standardised with its own statistics.
    assert float(test_s.mean(0).abs().max()) > 1.0


def test_standardize_without_others() -> None:
    x = torch.tensor([[1.0, 2.0], [3.0, 6.0]], dtype=F64)
    out = data.standardize(x)
    assert len(out) == 3


def _epoch(it: data.BatchIterator) -> tuple[list[int], torch.Tensor, torch.Tensor]:
    xs, ys = zip(*list(it), strict=True)
    return [len(b) for b in ys], torch.cat(xs), torch.cat(ys)


def test_batch_iterator_sizes_and_last_partial_batch() -> None:
    x = torch.arange(23, dtype=F64).unsqueeze(1) * 10.0
    y = torch.arange(23)
    it = data.BatchIterator(x, y, 5, seed=0)
    assert len(it) == 5
    sizes, xs, ys = _epoch(it)
    assert sizes == [5, 5, 5, 5, 3]
    assert torch.equal(xs[:, 0], ys.to(F64) * 10.0)  # x and y rows stay paired
    assert len(data.BatchIterator(x, y, 23, seed=0)) == 1
    assert len(data.BatchIterator(x, y, 100, seed=0)) == 1
    assert [len(b) for _, b in data.BatchIterator(x, y, 100, seed=0)] == [23]


def test_batch_iterator_epochs_are_permutations_and_differ() -> None:
    n = 100
    x, y = torch.arange(n, dtype=F64).unsqueeze(1), torch.arange(n)
    it = data.BatchIterator(x, y, 10, seed=1)
    orders = []
    for _ in range(4):
        _, _, ys = _epoch(it)
        assert torch.equal(ys.sort().values, torch.arange(n))  # each sample exactly once
        orders.append(ys)
    assert not torch.equal(orders[0], torch.arange(n))  # shuffled
    for i in range(len(orders)):
        for j in range(i):
            assert not torch.equal(orders[i], orders[j])


def test_batch_iterator_seeded_reproducible() -> None:
    x, y = torch.rand(50, 2, generator=torch.Generator().manual_seed(0)), torch.arange(50)
    a = data.BatchIterator(x, y, 8, seed=3)
    b = data.BatchIterator(x, y, 8, seed=3)
    c = data.BatchIterator(x, y, 8, seed=4)
    for _ in range(3):
        _, xa, ya = _epoch(a)
        _, xb, yb = _epoch(b)
        _, _, yc = _epoch(c)
        assert torch.equal(ya, yb) and torch.equal(xa, xb)
        assert not torch.equal(ya, yc)


def test_batch_iterator_without_shuffle_keeps_order() -> None:
    x, y = torch.arange(12, dtype=F64).unsqueeze(1), torch.arange(12)
    it = data.BatchIterator(x, y, 5, shuffle=False)
    for _ in range(2):
        sizes, _, ys = _epoch(it)
        assert sizes == [5, 5, 2]
        assert torch.equal(ys, torch.arange(12))


def test_batch_iterator_errors() -> None:
    with pytest.raises(ValueError):
        data.BatchIterator(torch.zeros(5, 2), torch.zeros(4), 2)
    with pytest.raises(ValueError, match="batch_size"):
        data.BatchIterator(torch.zeros(5, 2), torch.zeros(5), 0)


# -- k classes -------------------------------------------------------------------------------
def _original_gaussians(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The two-class set exactly as it was written before ``classes`` existed."""
    gen = torch.Generator().manual_seed(seed)
    y = (torch.rand(n, generator=gen, dtype=torch.float64) < 0.5).long()
    centres = 0.3 + 0.4 * y.to(torch.float64).unsqueeze(1).expand(n, 2)
    return centres + 0.1 * torch.randn(n, 2, generator=gen, dtype=torch.float64), y


def _original_spiral(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    y = (torch.rand(n, generator=gen, dtype=torch.float64) < 0.5).long()
    t = torch.rand(n, generator=gen, dtype=torch.float64)
    angle = 3.0 * math.pi * t + math.pi * y.to(torch.float64)
    radius = 0.05 + 0.4 * t
    return 0.5 + radius.unsqueeze(1) * torch.stack((torch.cos(angle), torch.sin(angle)), 1), y


@pytest.mark.parametrize(("make", "original"), [(data.gaussians, _original_gaussians),
                                                (data.spiral, _original_spiral)])
@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_two_classes_are_bitwise_the_original_sets(make, original, seed: int) -> None:
    x, y = make(2000, seed=seed, dtype=F64)
    x_old, y_old = original(2000, seed)
    assert torch.equal(x, x_old) and torch.equal(y, y_old)
    assert torch.equal(make(50, seed=seed, classes=2, dtype=F64)[0], original(50, seed)[0])


@pytest.mark.parametrize("classes", [3, 5, 8])
def test_k_arms_and_k_blobs(classes: int) -> None:
    x, y = data.spiral(4000, seed=3, classes=classes, dtype=F64)
    assert y.unique().tolist() == list(range(classes))
    # Arm c starts at angle 2πc/k: the innermost points of each class point that way.
    radius = (x - 0.5).norm(dim=1)
    for c in range(classes):
        inner = x[(y == c) & (radius < 0.06)] - 0.5
        expected = 2.0 * math.pi * c / classes
        angle = torch.atan2(inner[:, 1], inner[:, 0])
        assert torch.allclose(torch.cos(angle - expected), torch.ones_like(angle), atol=0.05)
    x, y = data.gaussians(8000, seed=4, classes=classes, dtype=F64)
    for c in range(classes):
        angle = 1.25 * math.pi + 2.0 * math.pi * c / classes
        centre = torch.tensor([0.5 + 0.3 * math.cos(angle), 0.5 + 0.3 * math.sin(angle)], dtype=F64)
        assert (x[y == c].mean(0) - centre).abs().max() < 0.02


@pytest.mark.parametrize("classes", [1, 9, 2.5])
def test_classes_out_of_range_are_errors(classes) -> None:
    with pytest.raises(ValueError, match="classes must be an integer in"):
        data.spiral(10, seed=0, classes=classes)
