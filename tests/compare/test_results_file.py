"""Issue 13 item 9: ``compare --rerun`` with a malformed results.json, and Ctrl+C in compare."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest

from studio import compare_cli
from studio.core.compare import experiment as ex
from studio.core.compare import report
from studio.core.compare.experiment import ExperimentResult, RunResult, make_config


def _valid() -> dict:
    config = make_config("ce-sgd", 2)
    runs = tuple(RunResult(fw, "ce-sgd", seed, (0.5, 0.4), (0.5, 0.4), (0.7, 0.8), (0.7, 0.8),
                           train_time_s=0.1) for fw in ex.FRAMEWORKS for seed in (3, 4))
    exp = ExperimentResult((config,), 2, 3, runs, workers=1)
    return report.results_to_dict(exp)


def _set(path: list, value) -> dict:
    data = copy.deepcopy(_valid())
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


_DELETE = object()
BAD_DOCS = {
    "n_runs huge": _set(["n_runs"], 10**12),
    "n_runs zero": _set(["n_runs"], 0),
    "n_runs float": _set(["n_runs"], 2.5),
    "n_runs string": _set(["n_runs"], "2"),
    "n_runs bool": _set(["n_runs"], True),
    "n_runs missing": _set(["n_runs"], _DELETE),
    "base_seed negative": _set(["base_seed"], -1),
    "base_seed huge": _set(["base_seed"], 2**70),
    "base_seed null": _set(["base_seed"], None),
    "configs not a list": _set(["configs"], {"a": 1}),
    "configs empty": _set(["configs"], []),
    "configs too many": _set(["configs"], [_valid()["configs"][0]] * 1000),
    "config not an object": _set(["configs", 0], 7),
    "config label missing": _set(["configs", 0, "label"], _DELETE),
    "config label number": _set(["configs", 0, "label"], 3),
    "config spec missing": _set(["configs", 0, "spec"], _DELETE),
    "config spec bad lr": _set(["configs", 0, "spec", "optimizer", "lr"], -1),
    "config spec list": _set(["configs", 0, "spec"], []),
    "results not a list": _set(["results"], "none"),
    "results too many": _set(["results"], _valid()["results"] * 10),
    "result not an object": _set(["results", 0], None),
    "result framework": _set(["results", 0, "framework"], "jax"),
    "result config unknown": _set(["results", 0, "config"], "nope"),
    "result seed outside": _set(["results", 0, "seed"], 99),
    "result seed string": _set(["results", 0, "seed"], "3"),
    "result curve not list": _set(["results", 0, "test_loss"], 0.5),
    "result curve too long": _set(["results", 0, "test_loss"], [0.1] * 10**5),
    "result curve short": _set(["results", 0, "test_loss"], [0.1]),
    "result curve string": _set(["results", 0, "test_acc"], ["x", "y"]),
    "result time negative": _set(["results", 0, "train_time_s"], -1.0),
    "result diverged string": _set(["results", 0, "diverged"], "no"),
    "result message list": _set(["results", 0, "message"], []),
    "result twice": _set(["results", 1], _valid()["results"][0]),
    "partial missing": _set(["partial"], _DELETE),
    "workers zero": _set(["workers"], 0),
    "environment list": _set(["environment"], []),
    "version 2": _set(["version"], 2),
    "wrong kind": _set(["kind"], "other"),
    "top level list": [1, 2],
}
BAD_TEXTS = {
    "not json": "{nope",
    "empty": "",
    "NaN": json.dumps(_valid()).replace('"wall_time_s": 0.0', '"wall_time_s": NaN'),
    "duplicate n_runs": json.dumps(_valid()).replace('"n_runs": 2', '"n_runs": 2, "n_runs": 999'),
    "5000-digit seed": json.dumps(_valid()).replace('"base_seed": 3', '"base_seed": ' + "9" * 5000),
    "not utf-8": b"\xff\xfe{}",
    "deep nesting": "[" * 100_000,
}


def test_the_valid_document_round_trips() -> None:
    assert report.results_from_dict(_valid()).n_runs == 2


@pytest.mark.parametrize("name", [*BAD_DOCS, *BAD_TEXTS])
def test_a_malformed_results_file_is_refused_by_rerun(name: str, tmp_path: Path,
                                                      capsys) -> None:
    path = tmp_path / "results.json"
    content = BAD_TEXTS.get(name, None)
    if content is None:
        content = json.dumps(BAD_DOCS[name])
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    start = time.perf_counter()
    code = compare_cli.main(["--rerun", str(path), "--out", str(tmp_path / "o"), "--workers",
                             "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "error:" in err and "Traceback" not in err and len(err) < 600
    assert time.perf_counter() - start < 5
    assert not (tmp_path / "o").exists()


def test_rerun_refuses_special_files(tmp_path: Path, capsys) -> None:
    assert compare_cli.main(["--rerun", "/dev/zero", "--out", str(tmp_path)]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_compare_refuses_an_empty_out(capsys) -> None:
    assert compare_cli.main(["--out", "", "--runs", "1"]) == 2
    assert "--out" in capsys.readouterr().err


def test_ctrl_c_keeps_the_finished_runs_marked_partial(tmp_path: Path, monkeypatch,
                                                       capsys) -> None:
    real, calls = ex.run_one, []

    def interrupt_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(ex, "run_one", interrupt_third)
    out = tmp_path / "o"
    code = compare_cli.main(["--runs", "2", "--epochs", "2", "--configs", "ce-sgd",
                             "--workers", "1", "--out", str(out), "--quiet"])
    assert code == 130
    saved = report.load_results(out / "results.json")
    assert saved.partial and len(saved.results) == 2
    assert "PARTIAL" in (out / "table.md").read_text()
    assert "interrupted after 2 finished run(s)" in capsys.readouterr().err
