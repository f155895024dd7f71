"""JSON forms of the history's records, for the session file's manifest.

Curves are stored by column (``{"epoch": [...], "test_acc": [...]}``): compact and still
readable. Every reader checks what it gets and raises :class:`SessionFileError` naming the
part (``"runs[1].reports.test_acc: ..."``), so a hand-edited or damaged manifest is refused
with a message, never half-loaded.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from studio.core.records import EpochReport
from studio.core.spec import RunSpec, SpecError, from_dict, to_dict

from .runs import ForkMarker, RunRecord

__all__ = ["REPORT_COLUMNS", "SessionFileError", "field", "read_reports", "read_run",
           "read_spec", "write_reports", "write_run"]

#: The report fields a manifest stores per epoch (the grid is recomputed from weights).
REPORT_COLUMNS = ("epoch", "train_loss", "test_loss", "train_acc", "test_acc", "elapsed_s",
                  "steps", "steps_per_s", "diverged", "message")
_INTS, _BOOLS, _STRS = {"epoch", "steps"}, {"diverged"}, {"message"}


class SessionFileError(ValueError):
    """A session file is damaged or not one; ``str(error)`` names the file and the part."""


def field(raw: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``raw[key]`` checked to be a ``kind``; SessionFileError names ``where.key``."""
    if not isinstance(raw, Mapping):
        raise SessionFileError(f"{where}: must be an object")
    if key not in raw:
        raise SessionFileError(f"{where}.{key}: missing")
    value = raw[key]
    # bool is an int: a `true` epoch must not pass as 1.
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _tuple(kind)):
        names = "/".join(k.__name__ for k in _tuple(kind))
        raise SessionFileError(f"{where}.{key}: must be {names}, got {type(value).__name__}")
    return value


def _tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def read_spec(raw: Any, where: str) -> RunSpec:
    """A spec from its JSON dict; SpecError becomes SessionFileError at ``where``."""
    try:
        return from_dict(raw)
    except SpecError as exc:
        raise SessionFileError(f"{where}: {exc}") from None


def write_reports(reports: tuple[EpochReport, ...] | list[EpochReport]) -> dict[str, list]:
    """Reports as columns (floats exact: JSON writes ``repr``; NaN for a diverged loss)."""
    return {name: [getattr(r, name) for r in reports] for name in REPORT_COLUMNS}


def read_reports(raw: Any, where: str) -> tuple[EpochReport, ...]:
    """Inverse of :func:`write_reports`, checking every column's length and types."""
    columns = {name: field(raw, name, list, where) for name in REPORT_COLUMNS}
    n = len(columns["epoch"])
    for name, values in columns.items():
        if len(values) != n:
            raise SessionFileError(f"{where}.{name}: {len(values)} values, expected {n}")
        kind = (bool if name in _BOOLS else str if name in _STRS
                else numbers.Integral if name in _INTS else numbers.Real)
        for i, value in enumerate(values):
            if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
                raise SessionFileError(f"{where}.{name}[{i}]: must be {kind.__name__}, "
                                       f"got {type(value).__name__}")
    epochs = columns["epoch"]
    if any(b <= a for a, b in zip(epochs, epochs[1:], strict=False)):
        raise SessionFileError(f"{where}.epoch: epochs must increase")
    return tuple(EpochReport(grid=None, **{name: columns[name][i] for name in REPORT_COLUMNS})
                 for i in range(n))


def write_run(run: RunRecord) -> dict[str, Any]:
    """A run as a JSON-able dict."""
    return {"run_id": run.run_id, "name": run.name, "spec": to_dict(run.spec),
            "diff": list(run.diff), "parent": run.parent,
            "start_elapsed_s": run.start_elapsed_s, "reports": write_reports(run.reports),
            "markers": [{"epoch": m.epoch, "label": m.label, "spec": to_dict(m.spec)}
                        for m in run.markers]}


def read_run(raw: Any, where: str) -> RunRecord:
    """Inverse of :func:`write_run`."""
    parent = raw.get("parent") if isinstance(raw, Mapping) else None
    if parent is not None:
        parent = field(raw, "parent", int, where)
    diff = field(raw, "diff", list, where)
    if not all(isinstance(d, str) for d in diff):
        raise SessionFileError(f"{where}.diff: must be a list of strings")
    markers = []
    for i, m in enumerate(field(raw, "markers", list, where)):
        at = f"{where}.markers[{i}]"
        markers.append(ForkMarker(field(m, "epoch", int, at), field(m, "label", str, at),
                                  read_spec(field(m, "spec", dict, at), f"{at}.spec")))
    return RunRecord(run_id=field(raw, "run_id", int, where), name=field(raw, "name", str, where),
                     spec=read_spec(field(raw, "spec", dict, where), f"{where}.spec"),
                     diff=tuple(diff),
                     reports=read_reports(field(raw, "reports", dict, where), f"{where}.reports"),
                     markers=tuple(markers), parent=parent,
                     start_elapsed_s=float(field(raw, "start_elapsed_s", numbers.Real, where)))
