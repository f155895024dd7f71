"""What the window remembers of a session's runs: the run history and the current timeline.

:class:`RunLog` is plain Python, fed in the GUI thread by the run controller with the
worker's frozen reports and weights. It keeps a :class:`~studio.core.history.RunHistory`
(every run: name, spec, what changed, curves, fork markers) and the current run's
:class:`~studio.core.history.Timeline`. Weights arrive just before their reports
(``weights_recorded`` precedes ``epochs_finished``) and wait in ``_pending`` until then.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from studio.core import EpochReport, RunSpec
from studio.core.history import ForkMarker, RunHistory, SessionDocument, Timeline

__all__ = ["RunLog"]


class RunLog:
    """The session's run history and the current run's timeline (GUI thread only)."""

    def __init__(self) -> None:
        self.history = RunHistory()
        self.timeline = Timeline()
        self.run_id: int | None = None  # the run the reports go to
        self._pending: dict[int, Mapping[str, np.ndarray]] = {}

    def start(self, spec: RunSpec) -> None:
        """A fresh run: a new history entry and an empty timeline."""
        self.run_id = self.history.start(spec).run_id
        self.timeline = Timeline()
        self._pending = {}

    def record_weights(self, pairs) -> None:
        """Keep ``(epoch, weights)`` pairs until their reports arrive."""
        self._pending.update(pairs)

    def accept_many(self, reports: Sequence[EpochReport]) -> None:
        """Add ``reports`` (oldest first) to the current run, the history growing once; each
        joins the timeline when its weights came."""
        if self.run_id is None or not reports:
            return
        self.history.extend(self.run_id, reports)
        for report in reports:
            weights = self._pending.pop(report.epoch, None)
            latest = self.timeline.latest
            if weights is not None and (latest is None or report.epoch > latest.epoch):
                self.timeline.record(report, weights)

    def fork(self, epoch: int, spec: RunSpec) -> ForkMarker | None:
        """The current run goes on with ``spec`` after ``epoch``: a marker, a pinned snapshot."""
        if self.run_id is None:
            return None
        marker = self.history.fork(self.run_id, spec, epoch)
        if self.timeline.latest is not None and epoch in self.timeline.kept_epochs:
            self.timeline.mark_fork(epoch)
        return marker

    def delete(self, run_id: int) -> None:
        """Forget run ``run_id`` (the current one keeps recording into a fresh entry)."""
        runs = tuple(r for r in self.history.runs if r.run_id != run_id)
        self.history = RunHistory(runs)
        if run_id == self.run_id:
            self.run_id = None

    def load(self, doc: SessionDocument) -> None:
        """Show a session file: its history, and its timeline as the current run's."""
        self.history, self.timeline, self._pending = doc.history, doc.timeline, {}
        current = doc.history.current
        self.run_id = current.run_id if current is not None else None

    @property
    def reports(self) -> list[EpochReport]:
        """The current run's reports (grid-free), oldest first."""
        if self.run_id is None:
            return []
        return list(self.history[self.run_id].reports)
