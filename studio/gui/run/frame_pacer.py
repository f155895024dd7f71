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
from collections.abc import Callable, Iterator

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QGraphicsView, QWidget

from studio.gui.pacing import CostEstimate

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
    the estimate (a :class:`~studio.gui.pacing.CostEstimate`: the rule the Look-inside views
    follow too).
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
        self.estimate = CostEstimate(initial_cost_s)  # of one frame
        self._pending_s = 0.0  # recorded since the last tick

    @property
    def cost_s(self) -> float:
        """The estimated cost of one frame, in seconds."""
        return self.estimate.cost_s

    def record(self, seconds: float) -> None:
        """Add ``seconds`` of drawing work to the frame in progress."""
        self._pending_s += max(0.0, seconds)

    def reset(self) -> None:
        """Forget the measurements (e.g. when a new run starts in a resized window)."""
        self.estimate.reset()
        self._pending_s = 0.0

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
            self.estimate.update(cost)
        if not busy:
            return self.base_interval_ms
        wanted = round(1000.0 * self.estimate.spacing_s(self.budget, self.max_interval_ms / 1000))
        return max(self.base_interval_ms, wanted)


#: Passes of posted layout requests a paint settles first: a child's new size hint reaches
#: its parent's layout one pass later (a label, its group box, the box's column).
LAYOUT_PASSES = 4


class FrameClock(QObject):
    """Call ``draw`` from a repeating timer whose interval a :class:`FramePacer` sets.

    Parameters
    ----------
    draw : callable
        Updates the views (``setData`` and friends). It may return an iterator: the frame
        is then drawn in pieces, one per step of the iterator, each painted at once and an
        event-loop turn apart from the next.
    base_interval_ms : int
        The frame interval when idle or when frames are cheap.
    window : QWidget
        The top-level window (also the Qt parent), which the clock repaints after ``draw``.
    budget : float
        Largest share of wall time frames may take while busy (see :class:`FramePacer`).

    Notes
    -----
    Each tick paints the window at once, inside the tick, and the pacer is fed the tick's
    time: draw plus paint, the whole cost of a frame. Left to the event loop, the paint is
    several passes (the scenes' dirty regions, then auto-ranged axes, then resized labels),
    and every call from them into Python must take the GIL back from the training thread:
    on 2 cores a 5 ms frame then cost the worker ~15 ms.

    A frame drawn in pieces costs the same, but the event loop (input, timers) is served
    between the pieces: a whole frame of the main window took 20-35 ms of CPU, and twice
    that in wall time while the training thread competes for the GIL, a visible stall.
    """

    def __init__(self, draw: Callable[[], None], base_interval_ms: int, window: QWidget,
                 budget: float = 0.05) -> None:
        super().__init__(window)
        self.pacer = FramePacer(base_interval_ms, budget=budget)
        self.busy = False
        self._draw = draw
        self._window = window
        self._timer = QTimer(self, interval=base_interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._pieces: Iterator | None = None  # the rest of a frame drawn in pieces
        self._cost = 0.0  # seconds the frame in pieces took so far
        self._views: list | None = None  # the window's plots, looked up once per frame
        self._piece_timer = QTimer(self, singleShot=True, interval=0)
        self._piece_timer.timeout.connect(self._on_piece_timer_timeout)

    @property
    def interval_ms(self) -> int:
        """The current wait between frames."""
        return self._timer.interval()

    def set_active(self, active: bool, *, busy: bool = False) -> None:
        """Start (``busy``: a run competes with drawing, so pace it) or stop the frames."""
        self.busy = busy
        if not active:
            self._timer.stop()
            self.finish_frame()
        elif not self._timer.isActive():
            self.pacer.reset()  # the window may have been resized since the last run
            self._timer.start(self.pacer.next_interval_ms(busy=busy))

    def set_busy(self, busy: bool) -> None:
        """Pace frames by their cost (``busy``) or draw at the base rate, from now on."""
        self.busy = busy
        if self._timer.isActive():  # the new interval at once, not after the next frame
            self._timer.start(self.pacer.next_interval_ms(busy=busy))

    @property
    def in_frame(self) -> bool:
        """Whether a frame drawn in pieces is still in progress."""
        return self._pieces is not None

    def paint_now(self) -> None:
        """Lay out and paint what changed in the window, now.

        Posted layout requests first (a label grown by new text resizes the plots beside it:
        laid out later, that is a second paint of every view), then the queued scene
        updates, then the window.
        """
        for _ in range(LAYOUT_PASSES):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        views = self._views if self._views is not None else self._window.findChildren(
            QGraphicsView)
        for view in views:
            if shiboken6.isValid(view):  # a view closed between two pieces of a frame
                QCoreApplication.sendPostedEvents(view.scene(), QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(self._window, QEvent.Type.UpdateRequest)

    def finish_frame(self) -> None:
        """Draw the rest of a frame in pieces now, in one go (before the window changes)."""
        while self._pieces is not None:
            self._piece()

    def _on_timer_timeout(self) -> None:
        if self._pieces is not None:
            return  # the previous frame is still being drawn: this tick is skipped
        start = time.perf_counter()
        self._views = self._window.findChildren(QGraphicsView)  # ~0.6 ms: not every piece
        pieces = self._draw()
        self.paint_now()
        self._cost = time.perf_counter() - start
        if pieces is None:
            self._end_frame()
            return
        self._pieces = iter(pieces)
        self._piece_timer.start()

    def _on_piece_timer_timeout(self) -> None:
        if self._pieces is not None:
            self._piece()
            if self._pieces is not None:
                self._piece_timer.start()

    def _piece(self) -> None:
        start = time.perf_counter()
        try:
            done = next(self._pieces, True)
        except BaseException:
            self._pieces = None
            raise
        self.paint_now()
        self._cost += time.perf_counter() - start
        if done is True:
            self._pieces = None
            self._end_frame()

    def _end_frame(self) -> None:
        self._views = None
        self.pacer.record(self._cost)
        self._cost = 0.0
        self._timer.setInterval(self.pacer.next_interval_ms(busy=self.busy))
