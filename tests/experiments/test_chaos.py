"""Explaining chaos: the drift's growth rate, and a one-ulp butterfly between two minidl runs."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from studio.core.experiments.chaos import butterfly_run, fit_drift_growth
from studio.core.spec import DataSpec, LayerSpec, OptimizerSpec


def test_fit_recovers_a_known_doubling_time() -> None:
    epochs = np.arange(0, 40)
    drift = 1e-15 * 2.0 ** (epochs / 3.0)  # doubles every 3 epochs, reaches 1e-2 at ~130
    drift[5] = 0.0  # an epoch where the runs happened to agree: left out, not log(0)
    fit = fit_drift_growth(epochs, drift)
    assert fit.doubling_epochs == pytest.approx(3.0) and fit.n_points == 39
    assert fit.factor == pytest.approx(2 ** (1 / 3))
    assert "doubling every 3 epochs" in fit.sentence and "chaotic" in fit.sentence
    # After saturation the drift stays flat: those epochs do not dilute the rate.
    flat = np.concatenate([1e-15 * 10.0 ** (np.arange(14)), np.full(30, 0.5)])
    assert fit_drift_growth(np.arange(44), flat).rate == pytest.approx(math.log(10))
    assert "does not grow" in fit_drift_growth([0, 1, 2], [1e-15, 1e-15, 1e-15]).sentence
    assert math.isnan(fit_drift_growth([0, 1], [0.0, 0.0]).rate)


def test_one_ulp_grows_between_two_minidl_runs(tiny) -> None:
    # The case, small: Adam lr 0.1 on the spiral, float64.
    spec = dataclasses.replace(tiny, dtype="float64", epochs=30, layers=(LayerSpec(width=16),) * 3,
                               data=DataSpec(name="spiral", n_train=200, n_test=60),
                               optimizer=OptimizerSpec(name="adam", lr=0.1))
    points = list(butterfly_run(spec, grid_size=16))
    assert [p.epoch for p in points] == list(range(31))
    assert 0 < points[0].max_abs_weight_diff < 1e-15  # one ulp of a weight below 1
    assert points[-1].max_abs_weight_diff > 1e3 * points[0].max_abs_weight_diff
    fit = fit_drift_growth([p.epoch for p in points], [p.max_abs_weight_diff for p in points])
    assert fit.rate > 0 and 0 <= points[-1].map_disagreement <= 1
