"""The timeline: bounded memory, the thinning rule, and replaying a stored epoch exactly."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from studio.core import EpochReport, LayerSpec, RunSpec, Session
from studio.core.history import SnapshotViewer, Timeline, grid_at

SEED_SHAPES = {"0.weight": (25, 2), "0.bias": (25,), "2.weight": (25, 25), "2.bias": (25,),
               "4.weight": (25, 25), "4.bias": (25,), "6.weight": (2, 25), "6.bias": (2,)}


def _report(epoch: int) -> EpochReport:
    return EpochReport(epoch=epoch, train_loss=1.0 / epoch, test_loss=1.0 / epoch,
                       train_acc=0.9, test_acc=0.9, elapsed_s=0.01 * epoch, steps=10 * epoch,
                       steps_per_s=1000.0, grid=None)


def _weights(epoch: int) -> dict[str, np.ndarray]:
    return {k: np.full(shape, epoch, dtype=np.float32) for k, shape in SEED_SHAPES.items()}


def test_the_seed_net_has_1427_parameters() -> None:
    assert sum(int(np.prod(s)) for s in SEED_SHAPES.values()) == 1427 == RunSpec().parameter_count


def test_a_5000_epoch_run_stays_within_the_bound_and_keeps_first_last_and_forks() -> None:
    bound = 8 * 2**20  # metrics of 5000 epochs (~5 MB) plus a few hundred snapshots
    timeline = Timeline(bound_bytes=bound)
    for epoch in range(1, 5001):
        timeline.record(_report(epoch), _weights(epoch))
        if epoch in (777, 3001):
            timeline.mark_fork()
        assert timeline.nbytes <= bound
    kept = timeline.kept_epochs
    assert len(timeline) == 5000 and [r.epoch for r in timeline.reports] == list(range(1, 5001))
    assert {1, 777, 3001, 5000} <= set(kept)
    # The rest are exactly the multiples of the stride: evenly spaced, deterministic.
    assert set(kept) == {1, 777, 3001, 5000} | set(range(timeline.stride, 5001, timeline.stride))
    assert timeline.stride > 1 and len(kept) > 100
    for epoch in kept:  # each kept snapshot still holds its own epoch's weights
        assert timeline.entry(epoch).weights["2.weight"][0, 0] == epoch
    assert timeline.entry(2).weights is None and timeline.entry(2).report.epoch == 2


def test_the_measured_memory_of_5000_seed_net_epochs_is_within_the_default_bound() -> None:
    reports = [_report(e) for e in range(1, 5001)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        timeline = Timeline()
        for report in reports:
            timeline.record(report, _weights(report.epoch))
        used = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    # nbytes is an honest (slightly generous) estimate, and the default bound holds it all.
    assert used <= timeline.nbytes <= timeline.bound_bytes
    assert len(timeline.kept_epochs) == 5000


def test_nearest_returns_the_closest_kept_snapshot_at_or_before() -> None:
    timeline = Timeline(bound_bytes=10 * 8 * 1024)  # a few snapshots only
    for epoch in range(1, 41):
        timeline.record(_report(epoch), _weights(epoch))
    kept = timeline.kept_epochs
    assert kept[0] == 1 and kept[-1] == 40
    for epoch in range(1, 45):
        assert timeline.nearest(epoch).epoch == max(k for k in kept if k <= epoch)
    assert timeline.nearest(0) is None
    assert Timeline().nearest(5) is None


def test_record_freezes_weights_and_refuses_going_back() -> None:
    timeline = Timeline()
    weights = _weights(1)
    entry = timeline.record(_report(1), weights)
    weights["0.bias"][0] = 99.0  # the caller's array changes; the snapshot does not
    assert entry.weights["0.bias"][0] == 1.0 and not entry.weights["0.bias"].flags.writeable
    with pytest.raises(ValueError, match="not after"):
        timeline.record(_report(1), weights)
    with pytest.raises(KeyError):
        timeline.mark_fork(7)


def test_grid_at_equals_the_grid_the_session_reported_bitwise() -> None:
    spec = RunSpec(layers=(LayerSpec(8), LayerSpec(8, "tanh")), epochs=5, batch_size=64)
    session = Session(spec)
    timeline = Timeline()
    reports = []
    for report in session.run(grid_every=1, grid_size=32):
        reports.append(report)
        timeline.record(report, session.weights())
    live = session.weights()
    viewer = SnapshotViewer(spec, session.data)
    for report in reports:
        weights = timeline.entry(report.epoch).weights
        assert viewer.predict_grid(weights, 32).tobytes() == report.grid.tobytes()
    assert grid_at(spec, None, timeline.entry(3).weights, 32).tobytes() == reports[2].grid.tobytes()
    # Replaying old epochs never touched the training session.
    assert all(np.array_equal(live[k], v) for k, v in session.weights().items())
