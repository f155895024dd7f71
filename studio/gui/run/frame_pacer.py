"""Frame pacing by cost: drawing may take at most a fixed share of wall time during a run.

Drawing happens on the GUI thread and, being Python and QPainter calls that hold the GIL,
stalls the training thread for as long as it takes: on a 2-core machine a 30 Hz redraw of the
curves cost the worker three quarters of its speed. A fixed frame rate cannot fix this, since
a frame's cost depends on the window size, the screen and the number of points. The pacer
measures what frames really cost and spaces them so that drawing stays within ``budget``.

:class:`FramePacer` is the rule (no Qt in it); :class:`FrameClock` is the window's frame timer,
which draws and paints each frame in one go, measures it, and follows the rule.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QGraphicsView, QWidget

__all__ = ["FrameClock", "FramePacer"]


class FramePacer:
    """Choose the wait before the next frame from the measured cost of the last ones.

    Parameters
    ----------
    base_interval_ms : int
        The interval when drawing is cheap enough, and always when not busy.
    budget : float
        Largest share of wall time drawing may take while busy, in (0, 1].
    max_interval_ms : int
        Never wait longer than this, however costly a frame: the views must stay live.
    initial_cost_s : float
        The assumed cost of a frame until one is measured (and after :meth:`reset`): the
        first frames of a run build caches and cost the most, so do not start at full rate.

    Notes
    -----
    Call :meth:`record` with the seconds of every piece of drawing work (the frame handler,
    the paint events it triggers), and :meth:`next_interval_ms` once per frame tick. The costs
    recorded between two ticks are one frame's; ticks with nothing recorded (no new data) keep
    the estimate. The estimate rises at once and decays by halves, so one cheap frame does not
    bring back a rate that the expensive ones could not afford.
    """

    def __init__(self, base_interval_ms: int = 33, budget: float = 0.05,
                 max_interval_ms: int = 1000, initial_cost_s: float = 0.01) -> None:
        if base_interval_ms < 1:
            raise ValueError(f"base_interval_ms must be >= 1, got {base_interval_ms}")
        if not 0.0 < budget <= 1.0:
            raise ValueError(f"budget must be in (0, 1], got {budget}")
        if max_interval_ms < base_interval_ms:
            raise ValueError(f"max_interval_ms must be >= base_interval_ms, got {max_interval_ms}")
        self.base_interval_ms = base_interval_ms
        self.budget = budget
        self.max_interval_ms = max_interval_ms
        self.initial_cost_s = initial_cost_s
        self.cost_s = initial_cost_s  # the estimated cost of one frame
        self._pending_s = 0.0  # recorded since the last tick

    def record(self, seconds: float) -> None:
        """Add ``seconds`` of drawing work to the frame in progress."""
        self._pending_s += max(0.0, seconds)

    def reset(self) -> None:
        """Forget the measurements (e.g. when a new run starts in a resized window)."""
        self.cost_s, self._pending_s = self.initial_cost_s, 0.0

    def next_interval_ms(self, *, busy: bool) -> int:
        """Close the frame in progress and return how long to wait before the next one.

        Parameters
        ----------
        busy : bool
            Whether drawing competes with work (a run in progress); when not, frames come at
            the base rate.

        Returns
        -------
        int
            ``clip(cost / budget, base_interval_ms, max_interval_ms)`` when busy, else
            ``base_interval_ms``.
        """
        cost, self._pending_s = self._pending_s, 0.0
        if cost > 0.0:
            self.cost_s = cost if cost >= self.cost_s else 0.5 * (self.cost_s + cost)
        if not busy:
            return self.base_interval_ms
        wanted = round(1000.0 * self.cost_s / self.budget)
        return int(min(self.max_interval_ms, max(self.base_interval_ms, wanted)))


class FrameClock(QObject):
    """Call ``draw`` from a repeating timer whose interval a :class:`FramePacer` sets.

    Parameters
    ----------
    draw : callable
        Updates the views (``setData`` and friends).
    base_interval_ms : int
        The frame interval when idle or when frames are cheap.
    window : QWidget
        The top-level window (also the Qt parent), which the clock repaints after ``draw``.

    Notes
    -----
    Each tick paints the window at once, inside the tick, and the pacer is fed the tick's
    time: draw plus paint, the whole cost of a frame. Left to the event loop, the paint is
    several passes (the scenes' dirty regions, then auto-ranged axes, then resized labels),
    and every call from them into Python must take the GIL back from the training thread:
    on 2 cores a 5 ms frame then cost the worker ~15 ms.
    """

    def __init__(self, draw: Callable[[], None], base_interval_ms: int, window: QWidget) -> None:
        super().__init__(window)
        self.pacer = FramePacer(base_interval_ms)
        self.busy = False
        self._draw = draw
        self._window = window
        self._timer = QTimer(self, interval=base_interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def interval_ms(self) -> int:
        """The current wait between frames."""
        return self._timer.interval()

    def set_active(self, active: bool, *, busy: bool = False) -> None:
        """Start (``busy``: a run competes with drawing, so pace it) or stop the frames."""
        self.busy = busy
        if not active:
            self._timer.stop()
        elif not self._timer.isActive():
            self.pacer.reset()  # the window may have been resized since the last run
            self._timer.start(self.pacer.next_interval_ms(busy=busy))

    def paint_now(self) -> None:
        """Paint what changed in the window, now: the queued scene updates, then the window."""
        for view in self._window.findChildren(QGraphicsView):
            QCoreApplication.sendPostedEvents(view.scene(), QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(self._window, QEvent.Type.UpdateRequest)

    def _on_timer_timeout(self) -> None:
        start = time.perf_counter()
        self._draw()
        self.paint_now()
        self.pacer.record(time.perf_counter() - start)
        self._timer.setInterval(self.pacer.next_interval_ms(busy=self.busy))
