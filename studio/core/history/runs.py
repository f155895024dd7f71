"""The runs of a studio session: names, what changed, curves, fork markers, durations.

:func:`spec_diff` says in words what differs between two specs (``"lr 0.1 → 0.03"``), with
the labels and display names of :data:`~studio.core.limits.LIMITS`. A :class:`RunHistory`
keeps one frozen :class:`RunRecord` per run; a fork (new optimiser settings while paused)
adds a :class:`ForkMarker` to the run it continues, which the curves draw as a labelled line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from studio.core.limits import LIMITS
from studio.core.records import EpochReport
from studio.core.spec import RunSpec

__all__ = ["ForkMarker", "RunHistory", "RunRecord", "spec_diff"]

#: Short names where the form label is long; every other field reads as its label, lowercase.
_SHORT = {"optimizer.lr": "lr"}
#: Optimiser settings each update rule reads (others are not worth a word when they differ).
_READS = {"sgd": {"lr", "momentum", "dampening", "nesterov", "weight_decay"},
          "adam": {"lr", "beta1", "beta2", "eps", "weight_decay"}}


def _name(path: str) -> str:
    return _SHORT.get(path) or LIMITS[path].label.lower()


def _value(path: str, value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str) and path in LIMITS:
        return LIMITS[path].show(value)
    return str(value)


def _change(label: str, path: str, old: object, new: object) -> str:
    return f"{label} {_value(path, old)} → {_value(path, new)}"


def spec_diff(a: RunSpec, b: RunSpec) -> list[str]:
    """What changed from ``a`` to ``b``, one phrase per change; the run name is ignored.

    Examples: ``"lr 0.1 → 0.03"``, ``"optimizer SGD → Adam"``, ``"layer 2 width 25 → 50"``,
    ``"+1 layer"``, ``"dataset Disk → XOR"``.
    """
    out: list[str] = []
    for i, (la, lb) in enumerate(zip(a.layers, b.layers, strict=False), start=1):
        for name in ("width", "activation", "init"):
            old, new = getattr(la, name), getattr(lb, name)
            if old != new:
                path = f"layers[].{name}"
                out.append(_change(f"layer {i} {_name(path)}", path, old, new))
    if len(a.layers) != len(b.layers):
        n = len(b.layers) - len(a.layers)
        out.append(f"{n:+d} layer{'s' if abs(n) > 1 else ''}")
    oa, ob = a.optimizer, b.optimizer
    reads = _READS[oa.name] | _READS[ob.name]
    for f in dataclasses.fields(oa):
        old, new = getattr(oa, f.name), getattr(ob, f.name)
        if old != new and (f.name == "name" or f.name in reads):
            path = f"optimizer.{f.name}"
            out.append(_change(_name(path), path, old, new))
    for f in dataclasses.fields(a.data):
        old, new = getattr(a.data, f.name), getattr(b.data, f.name)
        if old != new:
            path = f"data.{f.name}"
            out.append(_change(_name(path), path, old, new))
    for name in ("loss", "batch_size", "epochs", "seed", "device", "dtype"):
        old, new = getattr(a, name), getattr(b, name)
        if old != new:
            out.append(_change(_name(name), name, old, new))
    return out


@dataclass(frozen=True)
class ForkMarker:
    """Settings changed after ``epoch`` (drawn at that epoch); ``label`` says how."""

    epoch: int
    label: str
    spec: RunSpec  # the spec from here on


@dataclass(frozen=True, eq=False)
class RunRecord:
    """One run of the session, frozen (the history replaces it as the run grows).

    Attributes
    ----------
    run_id : int
        Unique within the session, increasing.
    name : str
        Editable display name (``"Run 3"`` by default).
    spec : RunSpec
        The spec the run started with (see :attr:`current_spec` for after its forks).
    diff : tuple of str
        What differs from the previous run's spec (:func:`spec_diff`); empty for the first.
    reports : tuple of EpochReport
        Its epochs (grid-free): the curves.
    markers : tuple of ForkMarker
        Settings changes during the run, in order.
    parent : int or None
        The run this one continued from (a fork into a new run), else None.
    start_elapsed_s : float
        The session clock when the run started (0 for a fresh one).
    """

    run_id: int
    name: str
    spec: RunSpec
    diff: tuple[str, ...] = ()
    reports: tuple[EpochReport, ...] = ()
    markers: tuple[ForkMarker, ...] = ()
    parent: int | None = None
    start_elapsed_s: float = 0.0

    @property
    def current_spec(self) -> RunSpec:
        """The spec after the last fork (what Continue trains)."""
        return self.markers[-1].spec if self.markers else self.spec

    @property
    def final(self) -> EpochReport | None:
        """The last epoch's report (final metrics), None before the first epoch."""
        return self.reports[-1] if self.reports else None

    @property
    def duration_s(self) -> float:
        """Training time of this run (the session clock from its start to its last epoch)."""
        return self.reports[-1].elapsed_s - self.start_elapsed_s if self.reports else 0.0


class RunHistory:
    """Every run of a studio session, in order; hands out frozen :class:`RunRecord`\\ s.

    Use from one thread (the GUI thread, fed with the worker's frozen reports).
    """

    def __init__(self, runs: tuple[RunRecord, ...] = ()) -> None:
        self._runs: list[RunRecord] = list(runs)

    def start(self, spec: RunSpec, *, name: str | None = None, parent: int | None = None,
              start_elapsed_s: float = 0.0) -> RunRecord:
        """Begin a new run of ``spec``; its diff is against the previous run's current spec."""
        run_id = self._runs[-1].run_id + 1 if self._runs else 1
        diff = tuple(spec_diff(self._runs[-1].current_spec, spec)) if self._runs else ()
        record = RunRecord(run_id, name if name is not None else f"Run {run_id}", spec, diff,
                           parent=parent, start_elapsed_s=start_elapsed_s)
        self._runs.append(record)
        return record

    def append(self, run_id: int, report: EpochReport) -> RunRecord:
        """Add an epoch's report (its grid is dropped) to run ``run_id``."""
        return self.extend(run_id, (report,))

    def extend(self, run_id: int, reports: Sequence[EpochReport]) -> RunRecord:
        """Add several epochs' reports (grids dropped) to run ``run_id``, oldest first.

        The same as :meth:`append` for each, with one new record for the whole batch: a run's
        reports are a tuple, so appending one by one would copy it once per report.
        """
        run = self[run_id]
        # replace() is slow and most reports come without a grid: copy only those with one.
        added = tuple(dataclasses.replace(r, grid=None) if r.grid is not None else r
                      for r in reports)
        return self._replace(dataclasses.replace(run, reports=run.reports + added))

    def fork(self, run_id: int, spec: RunSpec, epoch: int | None = None) -> ForkMarker:
        """Record that run ``run_id`` goes on with ``spec`` after ``epoch`` (default: its last).

        The marker's label joins :func:`spec_diff` of the old and new settings with ``", "``
        (``"lr 0.1 → 0.03, momentum 0.2 → 0.5"``).
        """
        run = self[run_id]
        if epoch is None:
            epoch = run.final.epoch if run.final else 0
        label = ", ".join(spec_diff(run.current_spec, spec)) or "no change"
        marker = ForkMarker(epoch, label, spec)
        self._replace(dataclasses.replace(run, markers=(*run.markers, marker)))
        return marker

    def rename(self, run_id: int, name: str) -> RunRecord:
        """Give run ``run_id`` a new display name."""
        return self._replace(dataclasses.replace(self[run_id], name=str(name)))

    def _replace(self, record: RunRecord) -> RunRecord:
        for i, run in enumerate(self._runs):
            if run.run_id == record.run_id:
                self._runs[i] = record
        return record

    @property
    def runs(self) -> tuple[RunRecord, ...]:
        """Every run, oldest first."""
        return tuple(self._runs)

    @property
    def current(self) -> RunRecord | None:
        """The latest run, None before the first."""
        return self._runs[-1] if self._runs else None

    def __getitem__(self, run_id: int) -> RunRecord:
        for run in self._runs:
            if run.run_id == run_id:
                return run
        raise KeyError(f"no run with id {run_id}")

    def __len__(self) -> int:
        return len(self._runs)

    def __iter__(self) -> Iterator[RunRecord]:
        return iter(tuple(self._runs))
