"""Run history: spec differences in words, runs, fork markers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from studio.core import DataSpec, EpochReport, LayerSpec, OptimizerSpec, RunSpec
from studio.core.history import RunHistory, spec_diff

BASE = RunSpec()


def _with(**changes) -> RunSpec:
    return dataclasses.replace(BASE, **changes)


@pytest.mark.parametrize(("new", "words"), [
    (_with(optimizer=OptimizerSpec(lr=0.03)), ["lr 0.1 → 0.03"]),
    (_with(layers=(LayerSpec(), LayerSpec(50), LayerSpec())), ["layer 2 width 25 → 50"]),
    (_with(optimizer=OptimizerSpec(name="adam")), ["optimizer SGD → Adam"]),
    (_with(layers=(*BASE.layers, LayerSpec())), ["+1 layer"]),
    (_with(layers=BASE.layers[:1]), ["-2 layers"]),
    (_with(layers=(LayerSpec(activation="tanh"),) + BASE.layers[1:]),
     ["layer 1 activation ReLU → Tanh"]),
    (_with(data=DataSpec(name="xor", n_train=500)), ["dataset Disk → XOR",
                                                      "train points 1000 → 500"]),
    (_with(optimizer=OptimizerSpec(momentum=0.9, nesterov=True)),
     ["momentum 0.2 → 0.9", "nesterov off → on"]),
    (_with(epochs=300, batch_size=10, loss="mse"),
     ["loss CrossEntropy → MSE", "batch size 100 → 10", "epochs 200 → 300"]),
    (_with(name="renamed"), []),
])
def test_spec_diff_says_what_changed_in_words(new: RunSpec, words: list[str]) -> None:
    assert spec_diff(BASE, new) == words


def test_spec_diff_ignores_settings_neither_optimizer_reads() -> None:
    adam = _with(optimizer=OptimizerSpec(name="adam", momentum=0.5, beta1=0.8))
    assert spec_diff(_with(optimizer=OptimizerSpec(name="adam")), adam) == ["beta1 0.9 → 0.8"]


def _report(epoch: int, elapsed: float) -> EpochReport:
    return EpochReport(epoch=epoch, train_loss=0.5, test_loss=0.6, train_acc=0.8, test_acc=0.75,
                       elapsed_s=elapsed, steps=epoch * 10, steps_per_s=1.0,
                       grid=np.zeros((2, 2), np.float32))


def test_history_keeps_runs_diffs_markers_and_durations() -> None:
    history = RunHistory()
    first = history.start(BASE)
    assert first.run_id == 1 and first.name == "Run 1" and first.diff == ()
    for epoch in (1, 2):
        history.append(first.run_id, _report(epoch, 1.5 * epoch))
    slower = dataclasses.replace(BASE, optimizer=OptimizerSpec(lr=0.03))
    marker = history.fork(first.run_id, slower)
    assert (marker.epoch, marker.label) == (2, "lr 0.1 → 0.03")
    history.append(first.run_id, _report(3, 5.0))
    run = history[1]
    assert run.current_spec == slower and run.spec == BASE
    assert run.final.epoch == 3 and run.duration_s == 5.0
    assert all(r.grid is None for r in run.reports)  # curves only: grids are not kept

    second = history.start(_with(epochs=50), start_elapsed_s=5.0, parent=1)
    assert second.diff == ("lr 0.03 → 0.1", "epochs 200 → 50") and second.parent == 1
    history.append(2, _report(4, 7.0))
    assert history[2].duration_s == 2.0
    assert history.rename(2, "longer").name == "longer"
    assert [r.name for r in history] == ["Run 1", "longer"] and history.current.run_id == 2
    with pytest.raises(KeyError):
        history[9]
