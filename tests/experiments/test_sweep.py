"""Sweeps: grid × seeds from a file, the table and heatmap, resume after a kill, Dask."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from studio.core.compare.configs import ExperimentError
from studio.core.experiments.sweep import load_sweep, sweep_from_dict, sweep_to_dict
from studio.core.experiments.sweep_run import RESULTS_NAME, run_sweep
from studio.core.experiments.sweep_table import heatmap, sweep_markdown, sweep_rows
from studio.core.spec import to_dict


def _sweep(tiny, **grid):
    grid = grid or {"optimizer.lr": [0.1, 0.03], "layers[].width": [4, 6]}
    return sweep_from_dict({"kind": "minidl-studio sweep", "version": 1, "name": "t",
                            "base": to_dict(tiny), "grid": grid, "seeds": 2})


def test_file_grid_cells_and_refusals(tiny, tmp_path) -> None:
    (tmp_path / "base.json").write_text(json.dumps(to_dict(tiny)))
    (tmp_path / "s.json").write_text(json.dumps({
        "kind": "minidl-studio sweep", "version": 1, "base": "base.json",
        "grid": {"depth": [1, 2], "optimizer.name": ["sgd", "adam"],
                 "layers[].activation": ["relu", "tanh"]}}))
    sweep = load_sweep(tmp_path / "s.json")
    assert sweep.base == tiny and len(sweep.cells()) == 8 and sweep.seeds == 1
    assert sweep.cell_spec(sweep.cells()[-1]).layers[-1].activation == "tanh"
    with pytest.raises(ExperimentError, match=r"grid\.optimizer\.lr"):
        _sweep(tiny, **{"optimizer.lr": [0.1, -1.0]})
    with pytest.raises(ExperimentError, match="not a sweep file"):
        sweep_from_dict({"grid": {}})


def test_table_heatmap_and_resume_after_a_cancel(tiny, tmp_path) -> None:
    sweep = _sweep(tiny)
    full = run_sweep(sweep, workers=1)
    assert not full.partial and len(full.runs) == 8
    rows = sweep_rows(full)
    assert [r.values for r in rows][:2] == [{"optimizer.lr": 0.1, "layers[].width": 4},
                                            {"optimizer.lr": 0.1, "layers[].width": 6}]
    assert all(r.n_ok == 2 for r in rows)
    xs, ys, z = heatmap(full, "layers[].width", "optimizer.lr")
    assert xs == [4, 6] and ys == [0.1, 0.03] and z.shape == (2, 2)
    assert z[1, 0] == rows[2].metrics["test_acc"].mean
    # Killed after 3 runs: the file keeps them; the rerun runs only the other 5.
    path, cancel, ran = tmp_path / RESULTS_NAME, threading.Event(), []

    def stop_after_3(run, done, total):
        if done == 3:
            cancel.set()

    part = run_sweep(sweep, results_path=path, workers=1, cancel=cancel, on_result=stop_after_3)
    assert part.partial and len(part.runs) == 3
    resumed = run_sweep(sweep, results_path=path, workers=1,
                        on_result=lambda r, d, t: ran.append((r.cell, r.seed)))
    assert len(ran) == 5 and not {(r.cell, r.seed) for r in part.runs} & set(ran)
    assert resumed.runs == full.runs and sweep_markdown(resumed) == sweep_markdown(full)
    again = []
    run_sweep(sweep, results_path=path, workers=1, on_result=lambda *a: again.append(a))
    assert again == []  # finished: nothing reruns
    with pytest.raises(ExperimentError, match="another sweep"):
        run_sweep(_sweep(tiny, depth=[1]), results_path=path, workers=1)


def test_cli_sweep_writes_the_table(tiny, tmp_path, capsys) -> None:
    from studio.__main__ import main

    (tmp_path / "s.json").write_text(json.dumps({
        "kind": "minidl-studio sweep", "version": 1, "name": "cli", "base": to_dict(tiny),
        "grid": {"optimizer.momentum": [0.0, 0.5]}}))
    assert main(["sweep", str(tmp_path / "s.json"), "--workers", "1", "--quiet",
                 "--out", str(tmp_path / "o")]) == 0
    assert "# Sweep 'cli'" in capsys.readouterr().out
    names = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert names == [RESULTS_NAME, "sweep_table.csv", "sweep_table.md"]


_CLUSTER_SCRIPT = """
import json, sys
from distributed import LocalCluster
from studio.core.experiments.sweep import sweep_from_dict
from studio.core.experiments.sweep_run import run_sweep

sweep = sweep_from_dict(json.loads(sys.argv[1]))
with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                  dashboard_address=None, silence_logs=40) as cluster:
    result = run_sweep(sweep, scheduler=cluster.scheduler_address)
print(json.dumps([[r.cell, r.seed, r.finals] for r in result.runs]))
"""


def test_dask_cluster_gives_the_local_results(tiny) -> None:
    pytest.importorskip("distributed")
    sweep = _sweep(tiny, **{"optimizer.lr": [0.1, 0.03]})
    local = run_sweep(sweep, workers=1)
    # A real scheduler and two worker processes on loopback, in a child process: Dask keeps
    # helper threads alive for the life of the process, which the suite counts as leaks.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-c", _CLUSTER_SCRIPT,
                           json.dumps(sweep_to_dict(sweep))], capture_output=True, text=True,
                          timeout=110, env=env, check=True)
    remote = json.loads(done.stdout.splitlines()[-1])
    assert remote == [[r.cell, r.seed, r.finals] for r in local.runs]
