"""The Session: continue, single batches, snapshots, forks and questions about the model."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest
import torch

from studio.core import (
    DataSpec,
    EpochReport,
    LayerSpec,
    OptimizerSpec,
    RunSpec,
    Session,
    train,
)
from studio.core.build import build_model
from studio.core.compare.twin import TorchSession

SMALL = RunSpec(layers=(LayerSpec(8), LayerSpec(8)), data=DataSpec(n_train=200, n_test=100),
                batch_size=32, epochs=4, seed=3,
                optimizer=OptimizerSpec(lr=0.1, momentum=0.5))


def _untimed(report: EpochReport) -> EpochReport:
    return dataclasses.replace(report, elapsed_s=0.0, steps_per_s=0.0)


def _weights(session: Session) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in session.model.state_dict().items()}


def _assert_same_weights(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_train_is_a_fresh_session_run() -> None:
    assert ([_untimed(r) for r in train(SMALL, grid_size=4)]
            == [_untimed(r) for r in Session(SMALL).run(grid_size=4)])


def test_continue_equals_one_longer_run_bitwise() -> None:
    long = Session(dataclasses.replace(SMALL, epochs=7))
    long_reports = [_untimed(r) for r in long.run(grid_every=0)]
    session = Session(SMALL)
    first = [_untimed(r) for r in session.run(grid_every=0)]
    assert session.epoch == 4
    more = [_untimed(r) for r in session.run(7, grid_every=0)]
    assert first + more == long_reports
    _assert_same_weights(_weights(session), _weights(long))
    assert session.steps == long.steps == 7 * 7


def test_stop_mid_epoch_then_resume_equals_an_uninterrupted_run() -> None:
    class StopAfter(threading.Event):
        def __init__(self, n: int) -> None:
            super().__init__()
            self.n = n

        def is_set(self) -> bool:
            self.n -= 1
            return self.n < 0

    plain = Session(SMALL)
    expected = [_untimed(r) for r in plain.run(grid_every=0)]
    session = Session(SMALL)
    # Epoch 1 checks 10 times (7 batches, the end of the batches, 2 evaluation chunks).
    got = [_untimed(r) for r in session.run(stop=StopAfter(13), grid_every=0)]
    assert len(got) == 1 and session.steps == 10  # epoch 1, then 3 batches of epoch 2
    got += [_untimed(r) for r in session.run(grid_every=0)]
    assert got == expected
    _assert_same_weights(_weights(session), _weights(plain))


def test_stop_reaches_inside_evaluation() -> None:
    class SetDuringEvaluation(threading.Event):
        """Lets every batch of epoch 1 through, then stops at the first evaluation chunk."""

        def __init__(self, batches: int) -> None:
            super().__init__()
            self.checks, self.batches = 0, batches

        def is_set(self) -> bool:
            self.checks += 1
            return self.checks > self.batches + 1  # +1: the check that ends the batch loop

    session = Session(SMALL)
    stop = SetDuringEvaluation(session.batches_per_epoch)
    assert list(session.run(stop=stop, grid_every=0)) == []
    assert session.epoch == 0 and session.steps == session.batches_per_epoch
    # The epoch's updates are kept: resuming only evaluates it.
    reports = list(session.run(1, grid_every=0))
    assert [r.epoch for r in reports] == [1] and reports[0].steps == session.batches_per_epoch


def test_run_batch_steps_once_and_run_reports_the_rest_of_the_epoch() -> None:
    plain = Session(SMALL)
    expected = [_untimed(r) for r in plain.run(2, grid_every=0)]
    session = Session(SMALL)
    for _ in range(3):
        session.run_batch()
    assert session.steps == 3 and session.epoch == 0
    got = [_untimed(r) for r in session.run(2, grid_every=0)]
    assert got == expected


def test_snapshot_and_restore_replay_exactly() -> None:
    session = Session(SMALL)
    list(session.run(2, grid_every=0))
    session.run_batch()
    snap = session.snapshot()
    after = [_untimed(r) for r in session.run(grid_every=0)]
    weights_after = _weights(session)
    session.restore(snap)
    assert (session.epoch, session.steps) == (2, 15)
    assert [_untimed(r) for r in session.run(grid_every=0)] == after
    _assert_same_weights(_weights(session), weights_after)


def test_snapshot_is_frozen_against_later_training() -> None:
    session = Session(SMALL)
    list(session.run(1, grid_every=0))
    snap = session.snapshot()
    before = {k: v.clone() for k, v in snap.weights.items()}
    list(session.run(grid_every=0))
    _assert_same_weights(dict(snap.weights), before)
    with pytest.raises(TypeError):
        snap.weights["0.weight"] = torch.zeros(1)  # read-only mapping


def test_fork_keeps_weights_and_momentum_changes_only_the_settings() -> None:
    session = Session(SMALL)
    list(session.run(2, grid_every=0))
    weights = _weights(session)
    child = session.fork(OptimizerSpec(lr=0.01, momentum=0.5))
    assert child.spec.optimizer.lr == 0.01 and session.spec.optimizer.lr == 0.1
    assert child.epoch == 2 and child.steps == session.steps
    _assert_same_weights(_weights(child), weights)
    group = child.optimizer.state_dict()["param_groups"][0]
    assert group["lr"] == 0.01
    # Momentum buffers carried over: the fork equals editing lr in place on a copy.
    buffers = session.optimizer.state_dict()["state"]
    assert buffers and all(
        torch.equal(buffers[i]["momentum_buffer"], s["momentum_buffer"])
        for i, s in child.optimizer.state_dict()["state"].items())
    list(child.run(grid_every=0))
    _assert_same_weights(_weights(session), weights)  # the parent did not move
    assert child.epoch == 4


def test_fork_to_another_optimizer_starts_its_state_fresh() -> None:
    session = Session(SMALL)
    list(session.run(1, grid_every=0))
    child = session.fork(OptimizerSpec(name="adam", lr=0.01))
    assert child.optimizer.state_dict()["state"] == {}
    assert [r.epoch for r in child.run(grid_every=0)] == [2, 3, 4]


def test_layer_outputs_equal_a_direct_forward() -> None:
    session = Session(SMALL)
    list(session.run(1, grid_every=0))
    points = torch.rand(10, 2, dtype=torch.float64)
    outputs = session.layer_outputs(points)
    assert len(outputs) == len(session.model)
    x = ((points.float() - session.data.mean) / session.data.std)
    with torch.no_grad():
        for module, out in zip(session.model, outputs, strict=True):
            x = module(x)
            assert np.array_equal(out, x.numpy()) and not out.flags.writeable
    assert outputs[-1].shape == (10, 2)


def test_weights_are_frozen_copies() -> None:
    session = Session(SMALL)
    weights = session.weights()
    assert set(weights) == set(session.model.state_dict())
    assert all(not a.flags.writeable for a in weights.values())
    first = weights["0.weight"].copy()
    list(session.run(1, grid_every=0))
    assert np.array_equal(weights["0.weight"], first)


def test_torch_session_is_the_same_run_with_autograd() -> None:
    spec = dataclasses.replace(SMALL, dtype="float64")
    mini = [_untimed(r) for r in Session(spec).run(grid_size=8)]
    twin = [_untimed(r) for r in TorchSession(spec).run(grid_size=8)]
    assert [r.epoch for r in twin] == [1, 2, 3, 4]
    for a, b in zip(mini, twin, strict=True):
        assert isinstance(b, EpochReport)
        assert a.train_loss == pytest.approx(b.train_loss, abs=1e-10)
        assert a.test_acc == b.test_acc
        assert np.allclose(a.grid, b.grid, atol=1e-6)


def test_session_models_skip_the_unused_input_gradient() -> None:
    # Nothing in a Session reads d loss / d input, so the fused backward may skip its matmul
    # (parameters get the same bits: the bitwise twin tests train through Sessions).
    session = Session(SMALL)
    assert session.model.input_grad is False
    given = build_model(SMALL)
    assert given.input_grad is True
    assert Session(SMALL, model=given).model.input_grad is False
