"""The experiment runner, its table, its files and the compare command."""

from __future__ import annotations

import dataclasses
import json
import math
import threading

import pytest

from studio import compare_cli
from studio.core.compare import report, stats
from studio.core.compare.experiment import (
    ExperimentConfig,
    ExperimentError,
    default_grid,
    make_config,
    run_experiment,
    run_one,
    validate,
)
from studio.core.spec import OptimizerSpec


def _tiny(keys=("ce-sgd",), epochs=3):
    return tuple(make_config(k, epochs) for k in keys)


@pytest.mark.parametrize("n", [0, -1, 1001, True, 2.5, "3"])
def test_nonsense_n_is_refused(n) -> None:
    with pytest.raises(ExperimentError, match="number of runs"):
        validate(_tiny(), n)


def test_bad_configs_refused() -> None:
    with pytest.raises(ExperimentError, match="at least one"):
        run_experiment((), 2)
    with pytest.raises(ExperimentError, match="unique"):
        validate(_tiny() * 2, 2)
    with pytest.raises(ExperimentError, match="unknown configuration"):
        make_config("ce-adamw")


def test_default_grid_is_seed_a() -> None:
    grid = default_grid()
    assert [c.label for c in grid] == ["ce-sgd", "ce-mom", "mse-sgd", "mse-mom"]
    for c in grid:
        assert c.spec.sizes == (2, 25, 25, 25, 2) and c.spec.epochs == 200
        assert c.spec.optimizer.lr == 0.1 and c.spec.data.n_train == c.spec.data.n_test == 1000
    assert [c.momentum for c in grid] == [False, True, False, True]


def test_table_mean_std_match_hand_computation() -> None:
    exp = run_experiment(_tiny(), 3, base_seed=5, workers=1)
    assert not exp.partial and len(exp.results) == 6 and exp.seeds == (5, 6, 7)
    rows = {r.framework: r for r in report.table_rows(exp)}
    for fw in ("minidl", "torch.nn"):
        finals = [r.test_loss[-1] for r in exp.results if r.framework == fw]
        m = sum(finals) / 3
        s = math.sqrt(sum((v - m) ** 2 for v in finals) / 2)
        assert rows[fw].metrics["test_loss"].mean == pytest.approx(m, rel=1e-12)
        assert rows[fw].metrics["test_loss"].std == pytest.approx(s, rel=1e-12)
        accs = [100 * r.train_acc[-1] for r in exp.results if r.framework == fw]
        assert rows[fw].metrics["train_acc"].mean == pytest.approx(sum(accs) / 3)
        assert rows[fw].time_median_s == stats.median(
            [r.train_time_s for r in exp.results if r.framework == fw])
    # A controlled pair per seed: same data, weights and batches, so float32 rounding only.
    a, b = (exp.runs("ce-sgd", fw) for fw in ("minidl", "torch.nn"))
    for ra, rb in zip(a, b, strict=True):
        assert ra.seed == rb.seed
        assert ra.test_loss[-1] == pytest.approx(rb.test_loss[-1], abs=1e-5)
    md = report.markdown_table(exp)
    assert "| minidl |" in md and "| torch.nn |" in md and "per-sample means" in md


def test_cancel_keeps_partial_results() -> None:
    cancel = threading.Event()
    seen = []

    def on_result(result, done, total):
        seen.append(result)
        if done == 3:
            cancel.set()

    exp = run_experiment(_tiny(("ce-sgd", "mse-mom")), 4, workers=1, on_result=on_result,
                         cancel=cancel)
    assert exp.partial and len(exp.results) == 3 and list(exp.results) == seen
    assert report.markdown_table(exp).startswith("**PARTIAL RESULTS**")
    assert report.results_to_dict(exp)["partial"] is True


def test_process_pool_matches_in_process_and_cancels() -> None:
    configs = _tiny(("mse-mom",), epochs=2)
    local = run_experiment(configs, 2, workers=1)
    pooled = run_experiment(configs, 2, workers=2)
    key = lambda r: (r.framework, r.seed)  # noqa: E731
    for a, b in zip(sorted(local.results, key=key), sorted(pooled.results, key=key),
                    strict=True):
        assert (a.train_loss, a.test_acc) == (b.train_loss, b.test_acc)
    cancel = threading.Event()
    exp = run_experiment(_tiny(epochs=200), 50, workers=2, cancel=cancel,
                         on_result=lambda r, d, t: cancel.set())
    assert exp.partial and 1 <= len(exp.results) < 100


def test_diverged_runs_are_flagged_not_averaged() -> None:
    bad = ExperimentConfig("boom", dataclasses.replace(
        make_config("mse-mom", 30).spec, optimizer=OptimizerSpec(lr=100.0, momentum=0.9)))
    exp = run_experiment((bad,), 2, workers=1)
    assert all(r.diverged for r in exp.results)
    row = report.table_rows(exp)[0]
    assert row.n_ok == 0 and row.n_diverged == 2 and row.metrics["test_loss"].n == 0
    assert "(+2 diverged)" in report.markdown_table(exp)
    json.dumps(report.results_to_dict(exp), allow_nan=False)  # NaN stored as null


def test_results_file_round_trips_and_reruns_identically(tmp_path) -> None:
    exp = run_experiment(_tiny(("ce-mom",), epochs=2), 2, base_seed=11, workers=1)
    paths = report.write_outputs(tmp_path, exp)
    assert sorted(p.name for p in paths) == ["curves.csv", "paired_diffs.csv", "results.json",
                                             "table.csv", "table.md"]
    loaded = report.load_results(tmp_path / "results.json")
    assert loaded == exp
    again = run_experiment(loaded.configs, loaded.n_runs, base_seed=loaded.base_seed, workers=1)
    assert [r.test_loss for r in again.results] == [r.test_loss for r in exp.results]
    one = run_one(loaded.configs[0].spec, "minidl", 12, label="ce-mom")
    assert one.test_loss == exp.runs("ce-mom", "minidl")[1].test_loss
    curves = (tmp_path / "curves.csv").read_text().splitlines()
    assert curves[0].startswith("framework,config,seed,epoch") and len(curves) == 1 + 4 * 2
    with pytest.raises(ValueError, match="not a minidl-studio compare results"):
        report.results_from_dict({"kind": "other"})


@pytest.mark.parametrize("argv, message", [
    (["--runs", "0"], "between 1 and 1000"), (["--runs", "5000"], "between 1 and 1000"),
    (["--configs", ","], "no configuration"), (["--configs", "nope"], "unknown configuration"),
    (["--runs", "x"], "invalid int")])
def test_cli_refuses_bad_input(argv, message, capsys, tmp_path) -> None:
    assert compare_cli.main([*argv, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_cli_writes_table_and_files(capsys, tmp_path) -> None:
    called = []

    def png_writer(out, exp):
        called.append(exp)
        return []

    rc = compare_cli.main(["--runs", "2", "--epochs", "2", "--configs", "ce-sgd,mse-sgd",
                           "--workers", "1", "--out", str(tmp_path)], png_writer=png_writer)
    assert rc == 0 and len(called) == 1 and len(called[0].results) == 8
    out = capsys.readouterr().out
    assert "Table: CrossEntropy loss" in out and "Table: MSE loss" in out
    assert (tmp_path / "table.md").read_text() in out
    rc = compare_cli.main(["--rerun", str(tmp_path / "results.json"), "--workers", "1",
                           "--out", str(tmp_path / "again"), "--quiet"])
    assert rc == 0
    assert (tmp_path / "again" / "curves.csv").read_text() == (tmp_path / "curves.csv").read_text()
