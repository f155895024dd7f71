"""Cost-paced redraws for the Look-inside views: each may take at most a share of wall time.

A view's redraw runs on the GUI thread and holds the GIL, so every millisecond of it is taken
from the training thread. A fixed redraw rate cannot bound that (the cost depends on the
window size and the number of units), so the gate measures what redraws cost and spaces them
so that one view's drawing stays within ``budget`` of wall time: the rule of
:class:`~studio.gui.pacing.CostEstimate`, which the run tab's frames follow too.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from studio.gui.pacing import CostEstimate

__all__ = ["CostGate"]


class CostGate:
    """Say whether a redraw may run now, from the measured cost of the previous ones.

    Parameters
    ----------
    budget : float
        Largest share of wall time the redraws may take, in (0, 1].
    max_wait_s : float
        Never hold a redraw back longer than this after the previous one: the view stays live.
    clock : callable
        Seconds, monotonic (a fake in tests).

    Notes
    -----
    The cost estimate rises at once and decays by halves (:class:`CostEstimate`).
    """

    def __init__(self, budget: float = 0.05, max_wait_s: float = 2.0,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        if not 0.0 < budget <= 1.0:
            raise ValueError(f"budget must be in (0, 1], got {budget}")
        self.budget = budget
        self.max_wait_s = max_wait_s
        self.estimate = CostEstimate()
        self._clock = clock
        self._last_end: float | None = None

    def wait_s(self) -> float:
        """Seconds until the next redraw is within the budget (0: draw now)."""
        if self._last_end is None:
            return 0.0
        spacing = self.estimate.spacing_s(self.budget, self.max_wait_s)
        return max(0.0, self._last_end + spacing - self._clock())

    @property
    def cost_s(self) -> float:
        """The estimated cost of one redraw, in seconds."""
        return self.estimate.cost_s

    def record(self, seconds: float) -> None:
        """Note that a redraw just ended, after ``seconds`` of work."""
        self.estimate.update(seconds)
        self._last_end = self._clock()

    def run(self, redraw: Callable[[], None]) -> None:
        """Call ``redraw`` now and record what it cost."""
        start = self._clock()
        try:
            redraw()
        finally:
            self.record(self._clock() - start)

    def reset(self) -> None:
        """Forget the measurements (a new run, a resized view)."""
        self.estimate.reset()
        self._last_end = None
