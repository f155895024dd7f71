"""The paired verdict of one metric: difference with CI, TOST equivalence, Wilcoxon + Holm.

A verdict is built in two steps: :func:`paired_verdict` per metric and configuration, then
:func:`apply_holm` over the whole family (metrics × configurations), because the Wilcoxon
p-values are only honest after correcting for how many were looked at.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import stats

__all__ = ["DEFAULT_MARGINS", "PairedVerdict", "apply_holm", "margin_for", "paired_verdict"]

#: Equivalence margins declared before a run: losses in loss units, accuracy as a fraction.
DEFAULT_MARGINS = {"loss": 0.005, "acc": 0.005}


def margin_for(metric: str, margins: dict[str, float] | None = None) -> float:
    """The margin of ``metric`` (``"test_acc"`` reads ``margins["acc"]``)."""
    margins = DEFAULT_MARGINS if margins is None else margins
    return margins["acc" if metric.endswith("acc") else "loss"]


@dataclass(frozen=True)
class PairedVerdict:
    """minidl vs torch.nn on one metric, over the seeds both finished.

    Attributes
    ----------
    n : int
        Pairs (seeds finished, not diverged, in both frameworks).
    mean_diff, ci_low, ci_high : float
        Mean of ``a - b`` and its 95 % paired-t CI (``ttest_rel(...).confidence_interval()``).
    boot_low, boot_high : float
        95 % paired percentile bootstrap CI of the same mean.
    max_abs_diff : float
        Largest ``|a - b|`` over the pairs.
    margin, alpha : float
        The declared equivalence margin and the test level.
    p_tost : float
        TOST p (max of the two one-sided paired t-tests); equivalent when ``p_tost < alpha``.
    p_wilcoxon, p_holm : float
        Wilcoxon signed-rank p, and after Holm's correction over the family.
    identical : bool
        Every paired difference is exactly 0 (bitwise-equal twins): no test is run.
    text : str
        The verdict in words, e.g. ``"equivalent within ±0.005 (TOST p = 3e-12); no
        significant difference (Wilcoxon, Holm p = 0.41)"``.
    """

    n: int
    mean_diff: float
    ci_low: float
    ci_high: float
    boot_low: float
    boot_high: float
    max_abs_diff: float
    margin: float
    alpha: float
    p_tost: float
    p_wilcoxon: float
    p_holm: float
    identical: bool
    text: str

    @property
    def equivalent(self) -> bool:
        """Equivalence within ``margin`` shown (always true for identical twins)."""
        return self.identical or self.p_tost < self.alpha


def paired_verdict(a: Sequence[float], b: Sequence[float], *, margin: float,
                   names: tuple[str, str] = ("a", "b"), alpha: float = 0.05,
                   seed: int = 0) -> PairedVerdict:
    """Compare paired samples ``a[i]``, ``b[i]``; ``p_holm`` is ``p_wilcoxon`` until
    :func:`apply_holm` corrects it."""
    xa, xb = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = len(xa)
    d = xa - xb
    if n == 0:
        return PairedVerdict(0, *(math.nan,) * 6, margin, alpha, math.nan, math.nan, math.nan,
                             False, "no runs")
    identical = bool(np.all(d == 0.0))
    t = stats.paired_t(xa, xb)
    boot = stats.paired_bootstrap_ci(xa, xb, seed=seed)
    p_w = math.nan if identical else stats.wilcoxon_p(xa, xb)
    v = PairedVerdict(n, t.mean_diff, t.ci_low, t.ci_high, *boot, float(np.abs(d).max()),
                      margin, alpha, stats.tost_paired(xa, xb, margin) if n >= 2 else math.nan,
                      p_w, p_w, identical, "")
    return dataclasses.replace(v, text=_words(v, names))


def _words(v: PairedVerdict, names: tuple[str, str]) -> str:
    if v.identical:
        return "identical in every run"
    if v.n < 2:
        return "too few paired runs to test (need 2)"
    eq = "equivalent" if v.p_tost < v.alpha else "equivalence not shown"
    text = f"{eq} within ±{v.margin:g} (TOST p = {v.p_tost:.2g})"
    if math.isnan(v.p_holm):
        return text
    if v.p_holm < v.alpha:
        higher = names[0] if v.mean_diff > 0 else names[1]
        return f"{text}; {higher} higher (Wilcoxon, Holm p = {v.p_holm:.2g})"
    return f"{text}; no significant difference (Wilcoxon, Holm p = {v.p_holm:.2g})"


def apply_holm(verdicts: Sequence[PairedVerdict],
               names: tuple[str, str] = ("a", "b")) -> list[PairedVerdict]:
    """The same verdicts with ``p_holm`` Holm-corrected over all of them, and words redone."""
    adjusted = stats.holm([v.p_wilcoxon for v in verdicts])
    out = []
    for v, p in zip(verdicts, adjusted, strict=True):
        v = dataclasses.replace(v, p_holm=p)
        out.append(dataclasses.replace(v, text=_words(v, names) if v.n else v.text))
    return out
