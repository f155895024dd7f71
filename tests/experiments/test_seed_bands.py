"""N-seed bands of one setup, and two setups compared paired by seed."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np

from studio.core.compare.experiment import run_one
from studio.core.experiments.seeds import (
    bands_csv,
    compare_bands,
    run_seeds,
    summary_markdown,
)
from studio.core.spec import OptimizerSpec


def test_bands_are_mean_and_std_of_the_seeded_runs(tiny) -> None:
    seen = []
    bands = run_seeds(tiny, n=3, workers=1, on_result=lambda r, d, n: seen.append((d, n)))
    assert seen == [(1, 3), (2, 3), (3, 3)] and not bands.partial
    assert [r.seed for r in bands.runs] == [0, 1, 2]
    curves = np.array([run_one(tiny, "minidl", s).test_loss for s in (0, 1, 2)])
    assert np.array_equal(bands.mean["test_loss"], curves.mean(0))
    assert np.array_equal(bands.std["test_loss"], curves.std(0, ddof=1))
    assert bands.final_test_acc.shape == (3,) and bands.epochs.tolist() == [1.0, 2.0, 3.0]
    assert bands_csv(bands).splitlines()[0].startswith("epoch,train_loss_mean,train_loss_std")
    assert "3 seeds of 'tiny'" in summary_markdown(bands)


def test_the_pool_gives_the_same_bands_and_cancel_keeps_what_finished(tiny) -> None:
    pooled = run_seeds(tiny, n=2, workers=2)
    local = run_seeds(tiny, n=2, workers=1)
    assert np.array_equal(pooled.mean["train_loss"], local.mean["train_loss"])
    cancel = threading.Event()
    part = run_seeds(tiny, n=5, workers=1, cancel=cancel, on_result=lambda *a: cancel.set())
    assert part.partial and len(part.runs) == 1


def test_compare_bands_pairs_matching_seeds(tiny) -> None:
    a = run_seeds(tiny, n=3, workers=1)
    same = compare_bands(a, run_seeds(tiny, n=3, workers=1))
    assert same.paired and same.n_pairs == 3
    assert all(v.text == "identical in every run" for v in same.verdicts.values())
    other = dataclasses.replace(tiny, optimizer=OptimizerSpec(lr=0.5, momentum=0.2))
    diff = compare_bands(a, run_seeds(other, n=3, workers=1))
    assert diff.paired and not diff.verdicts["train_loss"].identical
    moved = compare_bands(a, run_seeds(dataclasses.replace(tiny, seed=100), n=3, workers=1))
    assert not moved.paired and set(moved.welch_p) == set(a.mean)


def test_cli_seeds_writes_bands_and_summary(tiny, tmp_path, capsys) -> None:
    from studio.__main__ import main
    from studio.core.io import save_spec

    save_spec(tmp_path / "s.json", tiny)
    assert main(["seeds", str(tmp_path / "s.json"), "--n", "2", "--workers", "1",
                 "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert "2 seeds of 'tiny'" in capsys.readouterr().out
    assert len((tmp_path / "o" / "bands.csv").read_text().splitlines()) == 1 + 3
    assert main(["seeds", str(tmp_path / "missing.json"), "--out", str(tmp_path / "x")]) == 2
