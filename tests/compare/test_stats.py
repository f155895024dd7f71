"""Statistics: thin scipy wrappers checked against scipy directly and against hand computations.

Replaced (the hand-written code is gone): the closed-form checks of ``betainc`` and
``student_t_sf2`` and the unpaired ``bootstrap_ci``/``verdict`` words; the Welch checks stay,
now of the scipy wrapper.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as sps

from studio.core.compare import stats
from studio.core.compare.paired import apply_holm, paired_verdict

A = [0.12, 0.15, 0.11, 0.19, 0.14, 0.13]
B = [0.10, 0.16, 0.12, 0.15, 0.11, 0.12]


def test_mean_std_median_by_hand() -> None:
    values = [1.0, 2.0, 4.0, 7.0]
    assert stats.mean(values) == 3.5
    # sum of squares about 3.5: 6.25 + 2.25 + 0.25 + 12.25 = 21; / (n - 1) = 7
    assert stats.std(values) == pytest.approx(math.sqrt(7.0))
    assert stats.median(values) == 3.0
    assert math.isnan(stats.std([1.0])) and math.isnan(stats.mean([]))


def test_band_is_the_per_epoch_mean_and_sample_std_of_the_shortest_span() -> None:
    mean, std = stats.band([[1.0, 2.0, 9.0], [3.0, 6.0]])
    assert mean.tolist() == [2.0, 4.0]
    assert np.allclose(std, [math.sqrt(2.0), math.sqrt(8.0)])
    mean, std = stats.band([[0.5, 0.25]])
    assert mean.tolist() == [0.5, 0.25] and std.tolist() == [0.0, 0.0]
    mean, std = stats.band([])
    assert mean.shape == std.shape == (0,)


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
    ref = sps.ttest_ind(A, B[:5], equal_var=False)
    assert stats.welch_t_test(A, B[:5]).p == pytest.approx(ref.pvalue, rel=1e-12)


def test_paired_t_by_hand_and_against_scipy() -> None:
    # d = a - b = [1, 2, 3]: mean 2, sd 1, se 1/sqrt(3), t = 2 sqrt(3), df 2.
    a, b = [2.0, 4.0, 6.0], [1.0, 2.0, 3.0]
    res = stats.paired_t(a, b)
    assert res.mean_diff == 2.0 and res.t == pytest.approx(2 * math.sqrt(3))
    half = sps.t.ppf(0.975, 2) / math.sqrt(3)  # t quantile × se
    assert (res.ci_low, res.ci_high) == pytest.approx((2 - half, 2 + half))
    ref = sps.ttest_rel(A, B)
    ci = ref.confidence_interval()
    got = stats.paired_t(A, B)
    assert (got.p, got.ci_low, got.ci_high) == pytest.approx((ref.pvalue, ci.low, ci.high))
    assert stats.paired_t([1.0, 2.0], [1.0, 2.0]).p == 1.0  # no spread: degenerate, no NaN


def test_tost_by_hand() -> None:
    a, b, m = [2.0, 4.0, 6.0], [1.0, 2.0, 3.0], 3.0
    # Two one-sided tests of d = [1, 2, 3] against ±3: t = (2 + 3) sqrt(3) and (2 - 3) sqrt(3).
    p_lower = sps.t.sf(5 * math.sqrt(3), 2)
    p_upper = sps.t.cdf(-1 * math.sqrt(3), 2)
    assert stats.tost_paired(a, b, m) == pytest.approx(max(p_lower, p_upper))
    with pytest.raises(ValueError, match="margin"):
        stats.tost_paired(a, b, 0.0)


def test_wilcoxon_and_bootstrap_wrap_scipy() -> None:
    assert stats.wilcoxon_p(A, B) == pytest.approx(sps.wilcoxon(A, B).pvalue)
    assert math.isnan(stats.wilcoxon_p(A, A))
    lo, hi = stats.paired_bootstrap_ci(A, B, seed=3)
    assert (lo, hi) == stats.paired_bootstrap_ci(A, B, seed=3)  # seeded
    ref = sps.bootstrap((np.array(A), np.array(B)), lambda x, y, axis: np.mean(x - y, axis),
                        paired=True, n_resamples=2000, method="percentile",
                        rng=np.random.default_rng(3)).confidence_interval
    assert (lo, hi) == pytest.approx((ref.low, ref.high))
    assert lo <= stats.mean(A) - stats.mean(B) <= hi


def test_holm_by_hand() -> None:
    # m = 4; sorted 0.01, 0.02, 0.03, 0.5 -> ×4, ×3, ×2, ×1 = 0.04, 0.06, 0.06, 0.5
    # (0.03 × 2 = 0.06 is kept monotone), NaN is not in the family.
    assert stats.holm([0.03, 0.5, math.nan, 0.01, 0.02]) == pytest.approx(
        [0.06, 0.5, math.nan, 0.04, 0.06], nan_ok=True)
    assert stats.holm([0.4, 0.6]) == [0.8, 0.8]


def test_identical_twins_are_equivalent_without_a_test() -> None:
    v = paired_verdict(A, A, margin=0.005, names=("minidl", "torch.nn"))
    assert v.identical and v.equivalent and v.text == "identical in every run"
    assert math.isnan(v.p_wilcoxon) and v.max_abs_diff == 0.0


def test_tost_equivalent_vs_biased_second_framework() -> None:
    rng = np.random.default_rng(0)
    base = 0.3 + 0.05 * rng.standard_normal(20)  # large spread between seeds
    twin = base + 1e-4 * rng.standard_normal(20)  # float rounding only
    biased = base * 1.1  # e.g. torch.nn with lr × 1.1: ~0.03 higher, well past ±0.005
    close = paired_verdict(twin, base, margin=0.005, names=("minidl", "torch.nn"))
    assert close.equivalent and close.text.startswith("equivalent within ±0.005")
    far = paired_verdict(base, biased, margin=0.005, names=("minidl", "torch.nn"))
    assert not far.equivalent and far.text.startswith("equivalence not shown")
    [far] = apply_holm([far], ("minidl", "torch.nn"))
    assert "torch.nn higher (Wilcoxon" in far.text
    # Welch on the same biased data sees nothing: the seed spread hides the bias.
    assert stats.welch_t_test(base, biased).p > 0.05


def test_holm_is_applied_across_verdicts() -> None:
    v = [paired_verdict(A, B, margin=0.005), paired_verdict(B, A, margin=0.005)]
    out = apply_holm(v)
    assert out[0].p_holm == pytest.approx(min(1.0, 2 * v[0].p_wilcoxon))
    assert "Holm p" in out[0].text
    assert paired_verdict([], [], margin=0.005).text == "no runs"
