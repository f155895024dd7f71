"""Watching a run learn, Qt-free: the timeline of a run and the history of a session's runs.

* :class:`Timeline` keeps every epoch's metrics and its weights, thinned to a memory bound;
  :class:`SnapshotViewer` / :func:`grid_at` replay a stored epoch without touching training.
* :class:`RunHistory` keeps the session's runs (:class:`RunRecord`): names, curves, what
  changed (:func:`spec_diff`), fork markers.
"""

from __future__ import annotations

from .replay import SnapshotViewer, grid_at
from .runs import ForkMarker, RunHistory, RunRecord, spec_diff
from .timeline import DEFAULT_BOUND, Timeline, TimelineEntry

__all__ = ["DEFAULT_BOUND", "ForkMarker", "RunHistory", "RunRecord", "SnapshotViewer",
           "Timeline", "TimelineEntry", "grid_at", "spec_diff"]
