"""Statistics for comparing two frameworks: thin wrappers around :mod:`scipy.stats`.

Run ``i`` of minidl and of torch.nn share seed, data, initial weights and batch order, so their
results are *paired*: the tests here work on the per-seed differences ``a[i] - b[i]``
(``ttest_rel``, ``wilcoxon``, ``bootstrap(..., paired=True)``), and equivalence is tested with
TOST against a margin declared before the run. "No significant difference" is not evidence of
equivalence; a TOST verdict is. Welch's unpaired test stays for setups whose seeds do not match.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

__all__ = ["PairedTest", "Summary", "WelchResult", "band", "holm", "mean", "median",
           "paired_bootstrap_ci", "paired_t", "std", "summarize", "tost_paired",
           "welch_t_test", "wilcoxon_p"]


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; NaN for an empty sequence."""
    return math.fsum(values) / len(values) if len(values) else math.nan


def std(values: Sequence[float]) -> float:
    """Sample standard deviation (ddof = 1); NaN with fewer than two values."""
    n = len(values)
    if n < 2:
        return math.nan
    m = mean(values)
    return math.sqrt(math.fsum((v - m) ** 2 for v in values) / (n - 1))


def median(values: Sequence[float]) -> float:
    """Median; NaN for an empty sequence."""
    return float(np.median(np.asarray(values, dtype=float))) if len(values) else math.nan


@dataclass(frozen=True)
class Summary:
    """``n`` values summarised: mean, sample std (ddof = 1), median."""

    n: int
    mean: float
    std: float
    median: float


def summarize(values: Sequence[float]) -> Summary:
    """Return the :class:`Summary` of ``values``."""
    return Summary(len(values), mean(values), std(values), median(values))


def band(curves: Sequence[Sequence[float]]) -> tuple[np.ndarray, np.ndarray]:
    """Per-epoch mean and sample std (ddof = 1) of ``curves``, cut to the shortest one.

    Returns
    -------
    mean, std : numpy.ndarray
        ``(E,)`` float64 each, E the shortest curve's length; ``std`` is 0 for a single
        curve, and both are empty with none.
    """
    length = min(map(len, curves), default=0)
    data = np.asarray([c[:length] for c in curves], dtype=float).reshape(len(curves), length)
    mean = data.mean(0) if len(curves) else np.zeros(0)
    return mean, data.std(0, ddof=1) if len(curves) > 1 else np.zeros(length)


def _pair(a: Sequence[float], b: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if xa.shape != xb.shape or xa.ndim != 1:
        raise ValueError(f"paired samples need equal 1-D shapes, got {xa.shape} and {xb.shape}")
    return xa, xb


@dataclass(frozen=True)
class PairedTest:
    """``scipy.stats.ttest_rel(a, b)``: t, p and the CI of the mean paired difference."""

    mean_diff: float
    t: float
    p: float
    ci_low: float
    ci_high: float


def paired_t(a: Sequence[float], b: Sequence[float], *, level: float = 0.95) -> PairedTest:
    """Paired t-test of ``mean(a - b) = 0`` with its ``level`` CI; NaN fields for n < 2.

    All differences equal (zero spread) is degenerate: the CI is that difference and ``p`` is
    1 when it is 0, else 0 (scipy would divide by zero).
    """
    xa, xb = _pair(a, b)
    d = xa - xb
    if len(d) < 2:
        return PairedTest(float(d.mean()) if len(d) else math.nan, *(math.nan,) * 4)
    if np.all(d == d[0]):
        zero = d[0] == 0.0
        return PairedTest(float(d[0]), 0.0 if zero else math.copysign(math.inf, d[0]),
                          1.0 if zero else 0.0, float(d[0]), float(d[0]))
    res = sps.ttest_rel(xa, xb)
    ci = res.confidence_interval(confidence_level=level)
    return PairedTest(float(d.mean()), float(res.statistic), float(res.pvalue),
                      float(ci.low), float(ci.high))


def tost_paired(a: Sequence[float], b: Sequence[float], margin: float) -> float:
    """TOST p-value for ``|mean(a - b)| < margin``: two one-sided paired t-tests, the larger p.

    ``ttest_rel(a + margin, b, alternative="greater")`` rejects ``mean(a - b) <= -margin`` and
    ``ttest_rel(a - margin, b, alternative="less")`` rejects ``mean(a - b) >= margin``;
    equivalence is shown at level alpha when the returned p < alpha. NaN for n < 2.
    """
    if not margin > 0:
        raise ValueError(f"the equivalence margin must be > 0, got {margin}")
    xa, xb = _pair(a, b)
    d = xa - xb
    if len(d) < 2:
        return math.nan
    if np.all(d == d[0]):  # no spread: the mean is known exactly
        return 0.0 if abs(d[0]) < margin else 1.0
    lower = sps.ttest_rel(xa + margin, xb, alternative="greater").pvalue
    upper = sps.ttest_rel(xa - margin, xb, alternative="less").pvalue
    return float(max(lower, upper))


def wilcoxon_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided Wilcoxon signed-rank p of the paired differences (zero differences dropped).

    NaN when fewer than one non-zero difference remains (nothing to rank).
    """
    xa, xb = _pair(a, b)
    if not np.any(xa - xb):
        return math.nan
    with warnings.catch_warnings():
        # Ties or zeros switch scipy to the normal approximation and it says so; that is the
        # documented behaviour we accept, not a problem to report.
        warnings.simplefilter("ignore", UserWarning)
        return float(sps.wilcoxon(xa, xb).pvalue)


def paired_bootstrap_ci(a: Sequence[float], b: Sequence[float], *, n_boot: int = 2000,
                        level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap CI of ``mean(a - b)``, resampling the pairs (seeded).

    ``scipy.stats.bootstrap((a, b), ..., paired=True)``; the point itself when every
    difference is equal (nothing to resample), NaN for n < 2.
    """
    xa, xb = _pair(a, b)
    d = xa - xb
    if len(d) < 2:
        return (math.nan, math.nan)
    if np.all(d == d[0]):
        return (float(d[0]), float(d[0]))
    res = sps.bootstrap((xa, xb), lambda x, y, axis: np.mean(x - y, axis=axis), paired=True,
                        vectorized=True, n_resamples=n_boot, confidence_level=level,
                        method="percentile", rng=np.random.default_rng(seed))
    return (float(res.confidence_interval.low), float(res.confidence_interval.high))


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (family-wise error control), in the input order.

    Sorted ascending, ``p_(j)`` becomes ``max_{k <= j} min(1, (m - k + 1) p_(k))``. NaN
    entries are not part of the family and stay NaN.
    """
    ps = [float(p) for p in pvalues]
    family = sorted((p, i) for i, p in enumerate(ps) if not math.isnan(p))
    m, running = len(family), 0.0
    out = [math.nan] * len(ps)
    for k, (p, i) in enumerate(family):
        running = max(running, min(1.0, (m - k) * p))
        out[i] = running
    return out


@dataclass(frozen=True)
class WelchResult:
    """Welch's unequal-variance t-test of ``mean(a) - mean(b)`` (unpaired samples)."""

    t: float
    df: float
    p: float


def welch_t_test(a: Sequence[float], b: Sequence[float]) -> WelchResult:
    """``scipy.stats.ttest_ind(a, b, equal_var=False)``; NaN with fewer than 2 per group.

    Zero variance in both groups is degenerate: ``p = 1`` for equal means, else ``0``.
    """
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return WelchResult(math.nan, math.nan, math.nan)
    va, vb = std(a) ** 2 / na, std(b) ** 2 / nb
    if va + vb == 0.0:
        diff = mean(a) - mean(b)
        return WelchResult(0.0 if diff == 0 else math.copysign(math.inf, diff), na + nb - 2.0,
                           1.0 if diff == 0 else 0.0)
    res = sps.ttest_ind(a, b, equal_var=False)
    return WelchResult(float(res.statistic), float(res.df), float(res.pvalue))
