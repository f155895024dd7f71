"""The one rule for pacing drawing by its cost (Qt-free; the run tab's frames and the
Look-inside views both follow it).

Drawing runs on the GUI thread and holds the GIL, so each millisecond of it is taken from the
training thread; a fixed rate cannot bound that, since the cost depends on the window and the
data. So the cost is measured and the drawing spaced to stay within a share of wall time.
"""

from __future__ import annotations

__all__ = ["CostEstimate"]


class CostEstimate:
    """The estimated cost of one redraw: rises at once to a dearer one, decays by halves.

    So one cheap redraw does not bring back a rate the expensive ones could not afford.

    Parameters
    ----------
    initial_s : float
        The estimate before anything is measured (and after :meth:`reset`).
    """

    def __init__(self, initial_s: float = 0.0) -> None:
        self.initial_s = initial_s
        self.cost_s = initial_s

    def update(self, seconds: float) -> None:
        """Take in the cost of the redraw that just ended."""
        seconds = max(0.0, seconds)
        self.cost_s = seconds if seconds >= self.cost_s else 0.5 * (self.cost_s + seconds)

    def spacing_s(self, budget: float, longest_s: float) -> float:
        """Seconds between redraws that keep them within ``budget`` of wall time, capped at
        ``longest_s`` (the view must stay live)."""
        return min(self.cost_s / budget, longest_s)

    def reset(self) -> None:
        """Forget the measurements."""
        self.cost_s = self.initial_s
