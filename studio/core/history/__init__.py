"""Watching a run learn, Qt-free: the timeline, the run history, session files, animations.

* :class:`Timeline` keeps every epoch's metrics and its weights, thinned to a memory bound;
  :class:`SnapshotViewer` / :func:`grid_at` replay a stored epoch without touching training.
* :class:`RunHistory` keeps the session's runs (:class:`RunRecord`): names, curves, what
  changed (:func:`spec_diff`), fork markers.
* :func:`save_session` / :func:`load_session` / :func:`load_any` read and write ``.mdls``
  session files (zip of JSON + safetensors, atomic).
* :func:`write_animation` renders the region's evolution as a GIF (or MP4 when
  ``imageio-ffmpeg`` is installed).
"""

from __future__ import annotations

from .animation import (
    MAX_FRAMES,
    AnimationFrame,
    AnimationUnavailable,
    frame_stride,
    render_frame,
    thin_frames,
    write_animation,
    write_gif,
    write_mp4,
)
from .codec import SessionFileError
from .replay import SnapshotViewer, grid_at
from .runs import ForkMarker, RunHistory, RunRecord, spec_diff
from .session_file import SUFFIX, SessionDocument, load_any, load_session, save_session
from .timeline import DEFAULT_BOUND, Timeline, TimelineEntry

__all__ = [
    "DEFAULT_BOUND", "MAX_FRAMES", "SUFFIX", "AnimationFrame", "AnimationUnavailable",
    "ForkMarker", "RunHistory", "RunRecord", "SessionDocument", "SessionFileError",
    "SnapshotViewer", "Timeline", "TimelineEntry", "frame_stride", "grid_at", "load_any",
    "load_session", "render_frame", "save_session", "spec_diff", "thin_frames",
    "write_animation", "write_gif", "write_mp4",
]
