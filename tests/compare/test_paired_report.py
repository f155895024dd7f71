"""The paired verdicts in table.md: identical twins, a biased framework, no runs at all."""

from __future__ import annotations

import threading

import numpy as np

from studio.core.compare import report
from studio.core.compare.experiment import (
    ExperimentResult,
    RunResult,
    make_config,
    run_experiment,
)


def _exp(torch_scale: float, n: int = 12) -> ExperimentResult:
    """minidl finals with a large seed spread; torch.nn = minidl × ``torch_scale``."""
    config = make_config("ce-sgd", 2)
    rng = np.random.default_rng(1)
    results = []
    for seed in range(n):
        loss, acc = 0.3 + 0.05 * rng.standard_normal(), 0.9 + 0.02 * rng.standard_normal()
        for fw, k in (("minidl", 1.0), ("torch.nn", torch_scale)):
            results.append(RunResult(fw, config.label, seed, (1.0, loss * k), (1.0, loss * k),
                                     (0.5, acc), (0.5, acc), train_time_s=0.01))
    return ExperimentResult((config,), n, 0, tuple(results))


def test_identical_twins_say_so_instead_of_testing_zeros() -> None:
    md = report.markdown_table(_exp(1.0))
    assert md.count("identical in every run") == 4  # the four metrics of the verdict row
    assert "nan" not in md.lower()
    comp = report.comparisons(_exp(1.0))[0]
    assert all(v.identical and v.equivalent for v in comp.verdicts.values())


def test_biased_second_framework_is_not_shown_equivalent() -> None:
    exp = _exp(1.1)  # a deliberately biased torch.nn: losses 10 % higher (~0.03)
    comp = report.comparisons(exp)[0]
    loss = comp.verdicts["test_loss"]
    assert not loss.equivalent and loss.text.startswith("equivalence not shown within ±0.005")
    assert "torch.nn higher (Wilcoxon, Holm p =" in loss.text
    assert comp.verdicts["test_acc"].identical  # accuracy was left alone
    assert loss.ci_high < 0 and loss.max_abs_diff > 0.005
    md = report.markdown_table(exp, {"loss": 0.05, "acc": 0.005})
    assert "loss ±0.05, accuracy ±0.005" in md  # the declared margins are shown
    assert "equivalent within ±0.05" in md


def test_cancel_before_any_run_shows_no_nan(tmp_path) -> None:
    cancel = threading.Event()
    cancel.set()
    exp = run_experiment((make_config("ce-sgd", 2), make_config("mse-mom", 2)), 3, workers=1,
                         cancel=cancel)
    assert exp.partial and not exp.results
    md = report.markdown_table(exp)
    assert "nan" not in md.lower() and "no runs" in md
    paths = report.write_outputs(tmp_path, exp)
    assert "paired_diffs.csv" in [p.name for p in paths]


def test_header_says_what_is_trained_and_what_varies() -> None:
    md = report.markdown_table(_exp(1.0))
    assert md.splitlines()[0].startswith("Trained: 2→25→25→25→2 MLP (relu, relu, relu), "
                                         "CrossEntropy, SGD lr 0.1")


def test_strip_plot_data_and_csv() -> None:
    exp = _exp(1.1, n=4)
    seeds, diffs = report.paired_differences(exp, "ce-sgd", "test_loss")
    assert seeds.tolist() == [0, 1, 2, 3] and np.all(diffs < 0)
    rows = report.paired_diffs_csv(exp).splitlines()
    assert rows[0] == "config,seed,train_loss_diff,test_loss_diff,train_acc_diff,test_acc_diff"
    assert len(rows) == 5
