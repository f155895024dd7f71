"""The ``results.json`` of an experiment: written by ``compare``, read back by ``--rerun``.

Reading validates every field before anything is built: a hand-edited or damaged file gives a
``ValueError`` naming the field (``results[3].seed: ...``), never a traceback, and nothing in
it can start more work than a fresh ``compare`` could (runs, seeds, epochs, configurations
are held to the same limits).
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Any

from ..io import MAX_DATA_BYTES, StudioIOError, read_limited
from ..jsontext import JSONProblem, clip, describe, loads_strict
from ..records import METRICS
from ..spec import SpecError, from_dict, to_dict
from .configs import (
    FRAMEWORKS,
    MAX_RUNS,
    MAX_WORKERS,
    ExperimentConfig,
    ExperimentResult,
    RunResult,
)

__all__ = ["MAX_BASE_SEED", "MAX_CONFIGS", "RESULTS_KIND", "RESULTS_VERSION", "load_results",
           "results_from_dict", "results_to_dict"]

RESULTS_KIND = "minidl-studio compare results"
RESULTS_VERSION = 1
#: Same bound as ``compare --seed``.
MAX_BASE_SEED = 2**40
#: More configurations than anyone compares at once; bounds the work a file can ask for.
MAX_CONFIGS = 64


def _num(x: float) -> float | None:
    return x if math.isfinite(x) else None  # JSON has no NaN: null reads back as NaN


def results_to_dict(exp: ExperimentResult) -> dict:
    """Every setting and seed, and every curve: enough to rerun and to re-render."""
    return {
        "kind": RESULTS_KIND, "version": RESULTS_VERSION,
        "partial": exp.partial, "n_runs": exp.n_runs, "base_seed": exp.base_seed,
        "seeds": list(exp.seeds), "seed_rule": "run i: spec.seed = data.seed = base_seed + i",
        "frameworks": list(FRAMEWORKS), "workers": exp.workers, "wall_time_s": exp.wall_time_s,
        "environment": exp.environment,
        "configs": [{"label": c.label, "title": c.title, "spec": to_dict(c.spec)}
                    for c in exp.configs],
        "results": [{"framework": r.framework, "config": r.config, "seed": r.seed,
                     "train_time_s": r.train_time_s, "diverged": r.diverged,
                     "message": r.message,
                     **{m: [_num(v) for v in getattr(r, m)] for m in METRICS}}
                    for r in exp.results],
    }


def _bad(path: str, message: str) -> ValueError:
    return ValueError(f"{path}: {message}")


def _get(obj: dict, path: str, key: str, default: Any = ...) -> Any:
    if key not in obj:
        if default is ...:
            raise _bad(f"{path}.{key}" if path else key, "missing")
        return default
    return obj[key]


def _object(path: str, value: Any) -> dict:
    if not isinstance(value, dict):
        raise _bad(path, f"must be an object, got {describe(value)}")
    return value


def _list(path: str, value: Any, most: int) -> list:
    if not isinstance(value, list):
        raise _bad(path, f"must be a list, got {describe(value)}")
    if len(value) > most:
        raise _bad(path, f"has {len(value)} entries, at most {most} make sense here")
    return value


def _int(path: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(path, f"must be a whole number, got {describe(value)}")
    if not lo <= value <= hi:
        raise _bad(path, f"must be in [{lo}, {hi}], got {describe(value)}")
    return value


def _real(path: str, value: Any, *, nullable: bool = False) -> float:
    if value is None and nullable:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _bad(path, f"must be a number, got {describe(value)}")
    try:
        value = float(value)
    except OverflowError:
        raise _bad(path, "must be finite, got a huge integer") from None
    if not math.isfinite(value) or (not nullable and value < 0):
        raise _bad(path, f"must be a finite number >= 0, got {value}")
    return value


def _flag(path: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _bad(path, f"must be true or false, got {describe(value)}")
    return value


def _configs(raw: Any) -> tuple[ExperimentConfig, ...]:
    configs, labels = [], set()
    for i, item in enumerate(_list("configs", raw, MAX_CONFIGS)):
        where = f"configs[{i}]"
        item = _object(where, item)
        label = _get(item, where, "label")
        if not isinstance(label, str) or not 0 < len(label) <= 40 or label in labels:
            raise _bad(f"{where}.label", "must be a unique, non-empty string of at most 40 "
                       f"characters, got {describe(label)}")
        labels.add(label)
        try:
            spec = from_dict(_get(item, where, "spec"))
        except SpecError as exc:
            raise _bad(exc.under(f"{where}.spec").path, exc.message) from None
        configs.append(ExperimentConfig(label, spec))
    if not configs:
        raise _bad("configs", "must name at least one configuration")
    return tuple(configs)


def _result(where: str, raw: Any, epochs: dict[str, int], seeds: range) -> RunResult:
    item = _object(where, raw)
    framework = _get(item, where, "framework")
    if framework not in FRAMEWORKS:
        raise _bad(f"{where}.framework", f"must be one of {', '.join(FRAMEWORKS)}, got "
                   f"{describe(framework)}")
    label = _get(item, where, "config")
    if not isinstance(label, str) or label not in epochs:
        raise _bad(f"{where}.config", f"must be the label of a configuration, got "
                   f"{describe(label)}")
    seed = _int(f"{where}.seed", _get(item, where, "seed"), seeds.start, seeds.stop - 1)
    diverged = _flag(f"{where}.diverged", _get(item, where, "diverged"))
    message = _get(item, where, "message", "")
    if not isinstance(message, str):
        raise _bad(f"{where}.message", f"must be a string, got {describe(message)}")
    curves = []
    for m in METRICS:
        values = _list(f"{where}.{m}", _get(item, where, m), epochs[label])
        curves.append(tuple(_real(f"{where}.{m}[{j}]", v, nullable=True)
                            for j, v in enumerate(values)))
    lengths = {len(c) for c in curves}
    if len(lengths) != 1 or (not diverged and lengths != {epochs[label]}):
        raise _bad(where, f"curves must have one value per epoch ({epochs[label]}, fewer only "
                   f"for a diverged run), got lengths {sorted(len(c) for c in curves)}")
    seconds = _real(f"{where}.train_time_s", _get(item, where, "train_time_s"))
    return RunResult(framework, label, seed, *curves, train_time_s=seconds, diverged=diverged,
                     message=clip(message, 1000))


def results_from_dict(data: Any) -> ExperimentResult:
    """Inverse of :func:`results_to_dict`, validating every field.

    Raises
    ------
    ValueError
        The message names the field, e.g. ``"n_runs: must be in [1, 1000], got int 0"``.
    """
    if not isinstance(data, dict) or data.get("kind") != RESULTS_KIND:
        raise ValueError("not a minidl-studio compare results file")
    version = data.get("version")
    if type(version) is not int or version != RESULTS_VERSION:
        raise _bad("version", f"unsupported results version {clip(repr(version))}")
    n_runs = _int("n_runs", _get(data, "", "n_runs"), 1, MAX_RUNS)
    base_seed = _int("base_seed", _get(data, "", "base_seed"), 0, MAX_BASE_SEED)
    configs = _configs(_get(data, "", "configs"))
    epochs = {c.label: c.spec.epochs for c in configs}
    seeds = range(base_seed, base_seed + n_runs)
    raw = _list("results", _get(data, "", "results"), n_runs * len(configs) * len(FRAMEWORKS))
    results = tuple(_result(f"results[{i}]", r, epochs, seeds) for i, r in enumerate(raw))
    keys = [(r.framework, r.config, r.seed) for r in results]
    if len(set(keys)) != len(keys):
        raise _bad("results", "lists a run (framework, configuration, seed) twice")
    environment = _object("environment", _get(data, "", "environment", {}))
    return ExperimentResult(configs, n_runs, base_seed, results,
                            partial=_flag("partial", _get(data, "", "partial")),
                            workers=_int("workers", _get(data, "", "workers"), 1, MAX_WORKERS),
                            wall_time_s=_real("wall_time_s", _get(data, "", "wall_time_s", 0.0)),
                            environment=dict(environment))


def load_results(path: str | os.PathLike) -> ExperimentResult:
    """Read a ``results.json`` written by ``report.write_outputs``.

    Raises
    ------
    ValueError
        The file cannot be read (missing, not a regular file, over 64 MB), is not strict JSON,
        or a field is wrong; the message names the file and the field.
    """
    name = os.fspath(path)
    try:
        text = read_limited(path, "results file", MAX_DATA_BYTES).decode("utf-8")
        return results_from_dict(loads_strict(text))
    except StudioIOError as exc:  # the CLI reports bad input as ValueError: exit 2
        raise ValueError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{name!r} is not UTF-8 text (byte {exc.start})") from None
    except JSONProblem as exc:
        raise ValueError(f"{name!r}: {exc}") from None
    except ValueError as exc:
        raise ValueError(f"{name!r}: {exc}") from None
