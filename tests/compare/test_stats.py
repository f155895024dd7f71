"""Statistics without scipy: hand computations and (optionally) scipy as an oracle."""

from __future__ import annotations

import math

import pytest

from studio.core.compare import stats


def test_mean_std_median_by_hand() -> None:
    values = [1.0, 2.0, 4.0, 7.0]
    assert stats.mean(values) == 3.5
    # sum of squares about 3.5: 6.25 + 2.25 + 0.25 + 12.25 = 21; / (n - 1) = 7
    assert stats.std(values) == pytest.approx(math.sqrt(7.0))
    assert stats.median(values) == 3.0
    assert math.isnan(stats.std([1.0])) and math.isnan(stats.mean([]))


def test_t_distribution_closed_forms() -> None:
    assert stats.betainc(3.0, 3.0, 0.5) == pytest.approx(0.5, abs=1e-14)
    for t in (0.3, 1.0, 2.5, 10.0):
        # df = 1 is Cauchy: P(|T| >= t) = 1 - 2 atan(t) / pi; df = 2: 1 - t / sqrt(2 + t^2).
        assert stats.student_t_sf2(t, 1) == pytest.approx(1 - 2 * math.atan(t) / math.pi, 1e-12)
        assert stats.student_t_sf2(t, 2) == pytest.approx(1 - t / math.sqrt(2 + t * t), 1e-12)
    assert stats.student_t_sf2(0.0, 5) == pytest.approx(1.0)


def test_welch_by_hand() -> None:
    a, b = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 6.0, 8.0]
    va, vb = (5 / 3) / 4, (20 / 3) / 4
    res = stats.welch_t_test(a, b)
    assert res.t == pytest.approx((2.5 - 5.0) / math.sqrt(va + vb))
    assert res.df == pytest.approx((va + vb) ** 2 / (va**2 / 3 + vb**2 / 3))
    assert 0.0 < res.p < 1.0
    same = stats.welch_t_test([1.0, 1.0], [1.0, 1.0])
    assert same.p == 1.0
    assert math.isnan(stats.welch_t_test([1.0], [1.0, 2.0]).p)


def test_welch_matches_scipy() -> None:
    import scipy.stats as scipy_stats  # a test dependency: the oracle must run in CI
    a = [0.12, 0.15, 0.11, 0.19, 0.14, 0.13]
    b = [0.16, 0.18, 0.21, 0.17, 0.22]
    ref = scipy_stats.ttest_ind(a, b, equal_var=False)
    assert stats.welch_t_test(a, b).p == pytest.approx(ref.pvalue, rel=1e-9)


def test_bootstrap_is_seeded_and_verdict_words() -> None:
    a, b = [1.0, 1.1, 0.9, 1.05], [2.0, 2.1, 1.9, 2.05]
    assert stats.bootstrap_ci(a, b, seed=3) == stats.bootstrap_ci(a, b, seed=3)
    lo, hi = stats.bootstrap_ci(a, b)
    assert lo <= -1.0 <= hi
    v = stats.verdict(a, b, names=("minidl", "torch.nn"))
    assert v.significant and v.text.startswith("torch.nn higher")
    same = stats.verdict([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert same.text == "no significant difference (p = 1.00)"
    assert stats.verdict([1.0], [2.0]).text.startswith("too few runs")
