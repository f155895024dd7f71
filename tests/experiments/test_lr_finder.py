"""The learning-rate range test: exponential lr, early stop, the suggestion rule."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from studio.core.experiments.lr_finder import lr_finder_csv, lr_range_test, suggest_lr
from studio.core.spec import DataSpec


def test_suggestion_is_the_steepest_fall_before_the_minimum() -> None:
    lrs = np.logspace(-4, 0, 9)
    smoothed = np.array([1.0, 1.0, 0.99, 0.9, 0.5, 0.3, 0.25, 0.6, 3.0])
    # slopes over log10(lr) up to the minimum (index 6): the largest fall is around index 4.
    assert suggest_lr(lrs, smoothed, skip_start=0) == pytest.approx(lrs[4])
    assert suggest_lr(lrs[:2], smoothed[:2]) is None


def test_range_test_grows_lr_and_stops_at_divergence(tiny) -> None:
    spec = dataclasses.replace(tiny, data=DataSpec(n_train=200, n_test=40))
    seen = []
    res = lr_range_test(spec, steps=120, lr_min=1e-4, lr_max=1e3,
                        on_step=lambda i, lr, loss: seen.append(i))
    assert res.lrs[0] == pytest.approx(1e-4) and np.all(np.diff(np.log(res.lrs)) > 0)
    assert np.allclose(np.diff(np.log(res.lrs)), np.log(1e7) / 119)  # exponential
    assert res.stopped_early and len(res.lrs) < 120 and seen == list(range(len(res.lrs)))
    assert res.suggested_lr is not None and 1e-4 < res.suggested_lr <= res.min_lr
    # The EMA is debiased: its first value is the first loss, not (1 - beta) × it.
    assert res.smoothed[0] == pytest.approx(res.losses[0])
    assert not res.lrs.flags.writeable
    assert lr_finder_csv(res).splitlines()[0] == "step,lr,loss,smoothed_loss"
    with pytest.raises(ValueError, match="lr_min < lr_max"):
        lr_range_test(spec, lr_min=1.0, lr_max=0.1)


def test_cli_lr_find_prints_the_suggestion(tiny, tmp_path, capsys) -> None:
    from studio.__main__ import main
    from studio.core.io import save_spec

    save_spec(tmp_path / "s.json", tiny)
    assert main(["lr-find", str(tmp_path / "s.json"), "--steps", "40", "--quiet",
                 "--out", str(tmp_path / "o")]) == 0
    assert "suggested lr" in capsys.readouterr().out
    assert (tmp_path / "o" / "lr_find.csv").read_text().startswith("step,lr,loss")
    assert main(["lr-find", str(tmp_path / "s.json"), "--steps", "1",
                 "--out", str(tmp_path / "x")]) == 2
