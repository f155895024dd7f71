"""Every epoch of a run, kept as a compact snapshot, in bounded memory.

A :class:`Timeline` receives each epoch's frozen :class:`~studio.core.records.EpochReport`
and the weights after it (read-only numpy arrays, as :meth:`Session.weights
<studio.core.session.Session.weights>` gives them). The metrics of every epoch are kept; the
weights are *thinned* when the timeline grows past its memory bound:

**Thinning rule.** A snapshot keeps its weights while its epoch is a multiple of the
timeline's *stride* (1 at first), or it is the first recorded epoch, the latest one, or a
fork point (:meth:`Timeline.mark_fork`). Whenever :attr:`Timeline.nbytes` exceeds the bound,
the stride doubles and every snapshot the rule no longer keeps drops its weights: every other
old snapshot goes, the survivors stay evenly spaced, and the result depends only on the
epochs and array sizes recorded (never on timing). Metrics are never dropped, and the
first/latest/fork snapshots are pinned, so those alone can exceed a bound too small for them.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from studio.core.records import EpochReport
from studio.core.snapshot import frozen_array

__all__ = ["ARRAY_OVERHEAD", "DEFAULT_BOUND", "ENTRY_OVERHEAD", "Timeline", "TimelineEntry",
           "freeze_weights"]

#: Default memory bound of a timeline: 64 MiB.
DEFAULT_BOUND = 64 * 2**20
#: Bytes one epoch costs besides its weights: the report and entry objects (measured with
#: tracemalloc on CPython 3.11: about 0.5 KB with the report's floats; rounded up).
ENTRY_OVERHEAD = 640
#: Bytes one stored array costs besides its data (numpy's header, the mapping slot).
ARRAY_OVERHEAD = 256


def freeze_weights(weights: Mapping[str, object]) -> Mapping[str, np.ndarray]:
    """Read-only numpy copies of ``weights`` (arrays or CPU/GPU tensors), in a read-only map.

    Arrays that are already read-only are shared, not copied (they cannot change).
    """
    out = {}
    for name, value in weights.items():
        if hasattr(value, "detach"):  # a torch tensor: a read-only CPU copy
            value = frozen_array(value)
        array = np.asarray(value)
        if array.flags.writeable:
            array = array.copy()
            array.flags.writeable = False
        out[name] = array
    return MappingProxyType(out)


def _weights_bytes(weights: Mapping[str, np.ndarray]) -> int:
    return sum(a.nbytes + ARRAY_OVERHEAD for a in weights.values())


@dataclass(frozen=True, eq=False)
class TimelineEntry:
    """One epoch of the timeline.

    Attributes
    ----------
    epoch : int
        The epoch number (1-based, as in the report).
    report : EpochReport
        Its metrics (without the grid: a grid is recomputed from weights when needed).
    weights : Mapping[str, numpy.ndarray] or None
        The state dict after the epoch as read-only arrays; None once thinned away.
    fork : bool
        The run's settings changed after this epoch (the snapshot is pinned).
    """

    epoch: int
    report: EpochReport
    weights: Mapping[str, np.ndarray] | None
    fork: bool = False

    @property
    def kept(self) -> bool:
        """Whether the weights of this epoch are still stored."""
        return self.weights is not None


class Timeline:
    """The epochs of the current run with weights thinned to a memory bound (see module doc).

    Not thread-safe: feed it and read it from one thread (the GUI thread receives frozen
    reports and weights from the worker). Every entry it hands out is frozen.

    Parameters
    ----------
    bound_bytes : int
        Memory bound of :attr:`nbytes` (default :data:`DEFAULT_BOUND`).
    """

    def __init__(self, bound_bytes: int = DEFAULT_BOUND) -> None:
        if bound_bytes < 1:
            raise ValueError(f"bound_bytes must be >= 1, got {bound_bytes}")
        self.bound_bytes = int(bound_bytes)
        self._entries: list[TimelineEntry] = []
        self._index: dict[int, int] = {}  # epoch -> position in _entries
        self._kept: list[int] = []  # epochs that still have weights, ascending
        self._stride = 1
        self._weight_bytes = 0

    # -- recording -------------------------------------------------------------------------
    def record(self, report: EpochReport, weights: Mapping[str, object]) -> TimelineEntry:
        """Add ``report``'s epoch with the ``weights`` after it; thin if over the bound.

        Raises
        ------
        ValueError
            The epoch is not after the latest recorded one.
        """
        if self._entries and report.epoch <= self._entries[-1].epoch:
            raise ValueError(f"epoch {report.epoch} is not after the latest recorded epoch "
                             f"{self._entries[-1].epoch}")
        frozen = freeze_weights(weights)
        if report.grid is not None:  # replace() is slow, and most reports come without a grid
            report = dataclasses.replace(report, grid=None)
        entry = TimelineEntry(report.epoch, report, frozen)
        previous = self._entries[-1] if self._entries else None
        self._index[entry.epoch] = len(self._entries)
        self._entries.append(entry)
        self._kept.append(entry.epoch)
        self._weight_bytes += _weights_bytes(frozen)
        # The previous latest was pinned only for being the latest.
        if previous is not None and previous.kept and not self._keeps(previous):
            self._drop(previous)
            self._kept.pop(-2)
        while self.nbytes > self.bound_bytes and self._stride <= self._entries[-1].epoch:
            self._stride *= 2
            kept = []
            for epoch in self._kept:
                if self._keeps(self.entry(epoch)):
                    kept.append(epoch)
                else:
                    self._drop(self.entry(epoch))
            self._kept = kept
        return self._entries[-1]

    def mark_fork(self, epoch: int | None = None) -> TimelineEntry:
        """Pin ``epoch`` (default: the latest) as a fork point: its weights are never thinned.

        Raises
        ------
        KeyError
            The epoch was not recorded.
        """
        epoch = self._entries[-1].epoch if epoch is None and self._entries else epoch
        entry = self.entry(epoch)
        marked = dataclasses.replace(entry, fork=True)
        self._entries[self._index[epoch]] = marked
        return marked

    def _keeps(self, entry: TimelineEntry) -> bool:
        return (entry.fork or entry.epoch % self._stride == 0
                or entry is self._entries[0] or entry is self._entries[-1])

    def _drop(self, entry: TimelineEntry) -> None:
        self._weight_bytes -= _weights_bytes(entry.weights)
        self._entries[self._index[entry.epoch]] = dataclasses.replace(entry, weights=None)

    # -- reading ---------------------------------------------------------------------------
    def entry(self, epoch: int) -> TimelineEntry:
        """The entry of ``epoch`` (its weights may be thinned); KeyError if never recorded."""
        try:
            return self._entries[self._index[epoch]]
        except (KeyError, TypeError):
            raise KeyError(f"epoch {epoch} is not in the timeline") from None

    def nearest(self, epoch: int) -> TimelineEntry | None:
        """The kept snapshot closest to ``epoch`` at or before it; None if there is none."""
        i = bisect.bisect_right(self._kept, epoch) - 1
        return self.entry(self._kept[i]) if i >= 0 else None

    @property
    def entries(self) -> tuple[TimelineEntry, ...]:
        """Every recorded epoch, in order."""
        return tuple(self._entries)

    @property
    def reports(self) -> tuple[EpochReport, ...]:
        """Every recorded epoch's report (grid-free), in order: the curves."""
        return tuple(e.report for e in self._entries)

    @property
    def kept_epochs(self) -> tuple[int, ...]:
        """Epochs whose weights are stored, ascending."""
        return tuple(self._kept)

    @property
    def latest(self) -> TimelineEntry | None:
        """The most recent entry (always kept), or None when empty."""
        return self._entries[-1] if self._entries else None

    @property
    def stride(self) -> int:
        """Current thinning stride: epochs that are multiples of it keep their weights."""
        return self._stride

    @property
    def nbytes(self) -> int:
        """Estimated memory: stored weights plus :data:`ENTRY_OVERHEAD` per epoch."""
        return self._weight_bytes + ENTRY_OVERHEAD * len(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def from_entries(cls, entries, bound_bytes: int = DEFAULT_BOUND,
                     stride: int = 1) -> Timeline:
        """Rebuild a timeline (e.g. from a session file) as it was, without re-thinning."""
        timeline = cls(bound_bytes)
        timeline._stride = max(1, int(stride))
        for entry in entries:
            if timeline._entries and entry.epoch <= timeline._entries[-1].epoch:
                raise ValueError(f"timeline epochs must increase, got {entry.epoch} after "
                                 f"{timeline._entries[-1].epoch}")
            if entry.weights is not None:
                entry = dataclasses.replace(entry, weights=freeze_weights(entry.weights))
                timeline._kept.append(entry.epoch)
                timeline._weight_bytes += _weights_bytes(entry.weights)
            timeline._index[entry.epoch] = len(timeline._entries)
            timeline._entries.append(entry)
        return timeline
