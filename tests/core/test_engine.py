"""The training generator: reports, determinism, stopping, divergence, grids, threads."""

from __future__ import annotations

import dataclasses
import math
import threading
from types import SimpleNamespace

import numpy as np
import pytest
import torch

import minidl
from studio.core import (
    DataSpec,
    EpochReport,
    LayerSpec,
    OptimizerSpec,
    RunSpec,
    build_model,
    predict_grid,
    session,
    train,
)
from studio.core.examples import load_example

SMALL = RunSpec(layers=(LayerSpec(8), LayerSpec(8)), data=DataSpec(n_train=200, n_test=100),
                batch_size=32, epochs=3, seed=1)
TIMING = ("elapsed_s", "steps_per_s")


def _untimed(report: EpochReport) -> EpochReport:
    return dataclasses.replace(report, elapsed_s=0.0, steps_per_s=0.0)


def test_reports_have_sane_fields() -> None:
    reports = list(train(SMALL, grid_size=8))
    assert [r.epoch for r in reports] == [1, 2, 3]
    assert [r.steps for r in reports] == [7, 14, 21]  # ceil(200 / 32) = 7 steps per epoch
    for r in reports:
        assert math.isfinite(r.train_loss) and math.isfinite(r.test_loss)
        assert 0.0 <= r.train_acc <= 1.0 and 0.0 <= r.test_acc <= 1.0
        assert r.train_acc * 200 == pytest.approx(round(r.train_acc * 200))  # whole points
        assert r.steps_per_s == pytest.approx(r.steps / r.elapsed_s)
        assert not r.diverged and r.message == ""
        assert r.grid is not None and r.grid.shape == (8, 8) and r.grid.dtype == np.float32
        assert not r.grid.flags.writeable and ((r.grid >= 0) & (r.grid <= 1)).all()
    assert reports[0].elapsed_s < reports[1].elapsed_s < reports[2].elapsed_s
    assert reports[-1].train_loss < reports[0].train_loss


def test_same_spec_same_reports_and_seed_matters() -> None:
    first = [_untimed(r) for r in train(SMALL, grid_size=4)]
    second = [_untimed(r) for r in train(SMALL, grid_size=4)]
    assert first == second
    other = [_untimed(r) for r in train(dataclasses.replace(SMALL, seed=2), grid_size=4)]
    assert first != other


def test_report_equality_compares_grids_by_value() -> None:
    base = dict(epoch=1, train_loss=0.5, test_loss=0.5, train_acc=0.5, test_acc=0.5,
                elapsed_s=1.0, steps=1, steps_per_s=1.0)
    grid = np.zeros((2, 2), np.float32)
    assert EpochReport(**base, grid=grid) == EpochReport(**base, grid=grid.copy())
    assert EpochReport(**base, grid=grid) != EpochReport(**base, grid=grid + 1)
    assert EpochReport(**base, grid=grid) != EpochReport(**base, grid=None)
    assert EpochReport(**base, grid=None) != EpochReport(**{**base, "epoch": 2}, grid=None)


def test_grid_every_and_the_last_epoch() -> None:
    spec = dataclasses.replace(SMALL, epochs=5)
    grids = [r.grid is not None for r in train(spec, grid_size=4, grid_every=2)]
    assert grids == [False, True, False, True, True]
    assert all(r.grid is None for r in train(spec, grid_every=0))


def test_grid_interval_skips_grids_by_training_time(monkeypatch) -> None:
    # A fake clock: every reading is 50 ms after the previous one, so each epoch takes
    # 100 ms of elapsed_s and its grid decision is read 50 ms into it.
    ticks = iter(range(10_000))
    monkeypatch.setattr(session, "time", SimpleNamespace(perf_counter=lambda: next(ticks) * 0.05))
    spec = dataclasses.replace(SMALL, epochs=8)
    reports = list(train(spec, grid_size=4, grid_interval_s=0.25))
    # The first grid, then one per >= 250 ms of training, and always the last epoch's.
    assert [r.grid is not None for r in reports] == [True, False, False, True, False, False,
                                                     True, True]
    plain = list(train(spec, grid_size=4))
    assert all(r.grid is None or np.array_equal(r.grid, p.grid)
               for r, p in zip(reports, plain, strict=True))
    every_2 = [r.grid is not None for r in train(spec, grid_size=4, grid_every=2,
                                                 grid_interval_s=0.25)]
    assert every_2 == [False, True, False, False, False, True, False, True]
    with pytest.raises(ValueError, match="grid_interval_s"):
        train(spec, grid_interval_s=-1.0)


def test_stop_before_start_and_between_epochs() -> None:
    stop = threading.Event()
    stop.set()
    assert list(train(SMALL, stop=stop)) == []
    stop = threading.Event()
    reports = []
    for report in train(dataclasses.replace(SMALL, epochs=50), stop=stop, grid_every=0):
        reports.append(report)
        stop.set()
    assert len(reports) == 1


class _CountingEvent(threading.Event):
    """Becomes set after ``after`` checks: proves the engine checks between batches."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after, self.checks = after, 0

    def is_set(self) -> bool:
        self.checks += 1
        return self.checks > self.after


def test_stop_is_checked_between_batches() -> None:
    spec = dataclasses.replace(SMALL, batch_size=1, data=DataSpec(n_train=5000, n_test=10))
    stop = _CountingEvent(after=10)
    assert list(train(spec, stop=stop, grid_every=0)) == []  # never finished epoch 1
    assert stop.checks == 11


@pytest.mark.parametrize("spec", [dataclasses.replace(SMALL, loss="mse"), RunSpec()],
                         ids=["mse-small", "cross_entropy-seed_a"])
def test_huge_learning_rate_diverges_with_a_message(spec: RunSpec) -> None:
    spec = dataclasses.replace(spec, epochs=20, optimizer=OptimizerSpec(lr=50.0))
    reports = list(train(spec, grid_size=4))
    last = reports[-1]
    assert last.diverged and len(reports) < 20
    assert not any(r.diverged for r in reports[:-1])
    assert not (math.isfinite(last.train_loss) and math.isfinite(last.test_loss))
    assert "lower the learning rate" in last.message and "(now 50)" in last.message
    assert f"epoch {last.epoch}" in last.message and last.grid is None


def test_consumed_from_another_thread_and_grad_mode_left_alone() -> None:
    expected = [_untimed(r) for r in train(SMALL, grid_size=4)]
    got: list[EpochReport] = []
    grad_modes: list[bool] = []

    def worker() -> None:
        for report in train(SMALL, grid_size=4):
            got.append(_untimed(report))
            grad_modes.append(torch.is_grad_enabled())

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert got == expected
    # no_grad is entered around each resume, not left on in the consumer between pulls.
    assert grad_modes == [True, True, True]
    gen = train(SMALL, grid_every=0)
    next(gen)
    assert torch.is_grad_enabled()


def test_float64() -> None:
    reports = list(train(dataclasses.replace(SMALL, dtype="float64"), grid_size=4))
    assert len(reports) == 3 and reports[-1].grid.dtype == np.float32


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu() -> None:
    cpu = list(train(dataclasses.replace(SMALL, dtype="float64"), grid_size=4))
    gpu = list(train(dataclasses.replace(SMALL, dtype="float64", device="cuda"), grid_size=4))
    for a, b in zip(cpu, gpu, strict=True):
        assert a.train_loss == pytest.approx(b.train_loss, rel=1e-6)
        assert a.train_acc == b.train_acc


def test_given_model_is_trained_in_place() -> None:
    model = build_model(SMALL)
    before = model[0].weight.data.clone()
    list(train(SMALL, model=model, grid_every=0))
    assert not torch.equal(before, model[0].weight.data)
    assert model.training


def test_predict_grid_orientation_row_is_y() -> None:
    # o1 - o0 = 100 (y - 0.5): class 1 in the top half of the plane, i.e. the high rows.
    model = minidl.Sequential(minidl.Linear(2, 2, dtype=torch.float64))
    model[0].weight.data.copy_(torch.tensor([[0.0, 0.0], [0.0, 100.0]]))
    model[0].bias.data.copy_(torch.tensor([0.0, -50.0]))
    zeros, ones = torch.zeros(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    grid = predict_grid(model, zeros, ones, 4)
    assert grid.shape == (4, 4) and grid.dtype == np.float32 and not grid.flags.writeable
    assert (grid[:2] < 0.01).all() and (grid[2:] > 0.99).all()
    expected = 1 / (1 + np.exp(-(100 * (np.arange(4) + 0.5) / 4 - 50)))
    np.testing.assert_allclose(grid[:, 0], expected, rtol=1e-6)
    assert model.training  # mode restored


class _GradModeProbe(minidl.Identity):
    """Records the grad mode each forward runs under."""

    def __init__(self) -> None:
        super().__init__()
        self.modes: set[bool] = set()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.modes.add(torch.is_grad_enabled())
        return x


def test_training_runs_under_no_grad_in_a_worker_thread() -> None:
    probe = _GradModeProbe()
    model = minidl.Sequential(minidl.Linear(2, 2), probe)
    thread = threading.Thread(target=lambda: list(train(SMALL, model=model, grid_size=2)))
    thread.start()
    thread.join(timeout=30)
    assert probe.modes == {False}


@pytest.mark.parametrize(("name", "epochs"), [("seed_a", 200), ("seed_b", 100)])
def test_reference_configs_learn_the_disk(name: str, epochs: int) -> None:
    spec = load_example(name)
    assert spec.epochs == epochs
    reports = list(train(spec, grid_every=0))
    assert len(reports) == epochs
    assert reports[-1].test_acc >= 0.95 and reports[-1].train_acc >= 0.95


def test_a_prebuilt_dataset_gives_the_same_run() -> None:
    from studio.core import make_data

    spec = RunSpec(layers=(LayerSpec(6),), epochs=3, data=DataSpec(n_train=60, n_test=40))
    data = make_data(spec.data, spec.dtype, spec.device)
    def untimed(reports):
        return [dataclasses.replace(r, elapsed_s=0.0, steps_per_s=0.0) for r in reports]

    assert untimed(train(spec, data=data)) == untimed(train(spec))
