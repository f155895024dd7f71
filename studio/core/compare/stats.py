"""Small statistics for comparing two frameworks: mean, sample std, Welch's t-test, bootstrap.

No scipy: the Student t distribution's CDF is computed through the regularised incomplete
beta function (continued fraction, modified Lentz), which is accurate to ~1e-12 here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Summary", "Verdict", "WelchResult", "betainc", "bootstrap_ci", "mean", "median",
           "std", "student_t_sf2", "summarize", "verdict", "welch_t_test"]


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


def _betacf(a: float, b: float, x: float) -> float:
    # Continued fraction of the incomplete beta function (Numerical Recipes 6.4, Lentz).
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function ``I_x(a, b)`` for ``a, b > 0``, ``0 <= x <= 1``."""
    if not (a > 0 and b > 0):
        raise ValueError(f"betainc needs a, b > 0, got a={a}, b={b}")
    if not 0.0 <= x <= 1.0:
        raise ValueError(f"betainc needs 0 <= x <= 1, got {x}")
    if x in (0.0, 1.0):
        return x
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    # The fraction converges fast only for x < (a+1)/(a+b+2); use the symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, 1.0 - x) / b


def student_t_sf2(t: float, df: float) -> float:
    """Two-sided tail ``P(|T| >= |t|)`` of Student's t with ``df`` degrees of freedom."""
    if math.isnan(t) or not df > 0:
        return math.nan
    if math.isinf(t):
        return 0.0
    return min(1.0, betainc(df / 2.0, 0.5, df / (df + t * t)))


@dataclass(frozen=True)
class WelchResult:
    """Welch's unequal-variance t-test of ``mean(a) - mean(b)``."""

    t: float
    df: float
    p: float


def welch_t_test(a: Sequence[float], b: Sequence[float]) -> WelchResult:
    """Welch's t-test; NaN fields when either sample has fewer than two values.

    When both samples have zero variance the test is degenerate: ``p = 1`` if the means are
    equal (identical data) and ``p = 0`` otherwise.
    """
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return WelchResult(math.nan, math.nan, math.nan)
    va, vb = std(a) ** 2 / na, std(b) ** 2 / nb
    diff = mean(a) - mean(b)
    if va + vb == 0.0:
        return WelchResult(0.0 if diff == 0 else math.copysign(math.inf, diff), na + nb - 2.0,
                           1.0 if diff == 0 else 0.0)
    t = diff / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    return WelchResult(t, df, student_t_sf2(t, df))


def bootstrap_ci(a: Sequence[float], b: Sequence[float], *, n_boot: int = 2000,
                 level: float = 0.95, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap CI of ``mean(a) - mean(b)`` (resampling each group, seeded)."""
    if len(a) < 1 or len(b) < 1:
        return (math.nan, math.nan)
    rng = np.random.default_rng(seed)
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ia = rng.integers(0, len(xa), size=(n_boot, len(xa)))
    ib = rng.integers(0, len(xb), size=(n_boot, len(xb)))
    diffs = xa[ia].mean(1) - xb[ib].mean(1)
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(diffs, [tail, 1.0 - tail])
    return (float(lo), float(hi))


@dataclass(frozen=True)
class Verdict:
    """The comparison of one metric between two groups.

    Attributes
    ----------
    diff : float
        ``mean(a) - mean(b)``.
    p : float
        Welch's two-sided p-value (NaN when not computable).
    ci_low, ci_high : float
        95 % bootstrap CI of ``diff``.
    significant : bool
        ``p < alpha``.
    text : str
        E.g. ``"no significant difference (p = 0.41)"``.
    """

    diff: float
    p: float
    ci_low: float
    ci_high: float
    significant: bool
    text: str


def verdict(a: Sequence[float], b: Sequence[float], *, names: tuple[str, str] = ("a", "b"),
            alpha: float = 0.05, seed: int = 0) -> Verdict:
    """Compare ``a`` and ``b`` with Welch's t-test and a bootstrap CI; say it in words."""
    welch = welch_t_test(a, b)
    lo, hi = bootstrap_ci(a, b, seed=seed)
    diff = mean(a) - mean(b) if len(a) and len(b) else math.nan
    if math.isnan(welch.p):
        return Verdict(diff, welch.p, lo, hi, False, "too few runs to test (need 2 per group)")
    significant = welch.p < alpha
    if significant:
        higher = names[0] if diff > 0 else names[1]
        text = f"{higher} higher (p = {welch.p:.2g})"
    else:
        text = f"no significant difference (p = {welch.p:.2f})"
    return Verdict(diff, welch.p, lo, hi, significant, text)
