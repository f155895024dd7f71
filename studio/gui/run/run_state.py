"""Run states and the timing constants of live runs (shared by the controller and views)."""

from __future__ import annotations

import enum

__all__ = ["DEFAULT_PACE", "GRID_INTERVAL_S", "REPORT_INTERVAL_S", "RunState", "STOP_WAIT_MS"]

#: Epochs per second by default: the 200-epoch seed run lasts ~13 s, its region redrawn every
#: epoch, slow enough to watch the boundary form (``None`` would be Max).
DEFAULT_PACE: float | None = 15.0

#: Seconds of training between decision grids during a run. Every epoch would cost the seed
#: network ~40% of its speed (the 64x64 grid is four times its 1,000-point epoch); a grid every
#: 0.15 s still animates the region smoothly at the rates the window draws it.
GRID_INTERVAL_S = 0.15
#: Seconds the worker gathers reports before sending them: below the frame interval, so the
#: views lose nothing, while the GUI thread wakes (and takes the GIL) ~50 times a second
#: instead of once per epoch (~1,000 a second for the seed network).
REPORT_INTERVAL_S = 0.02
#: How long the GUI thread may block waiting for a stopped run (Reset, opening a file,
#: closing). Small runs stop within milliseconds; a 12x1024 network on a 20,000-point batch
#: can take seconds, and the GUI must not freeze that long: the action then waits for
#: ``run_ended`` instead (the state stays ``STOPPING`` meanwhile).
STOP_WAIT_MS = 1000


class RunState(enum.Enum):
    """Where the run is; the buttons enable themselves from it."""

    IDLE = "idle"          # no reports (never started, or reset)
    RUNNING = "running"
    PAUSED = "paused"
    STOPPING = "stopping"  # stop asked, worker thread still finishing its batch
    ENDED = "ended"        # finished, stopped, diverged or failed: the curves stay
