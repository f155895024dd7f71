"""What the screenshot scripts share: wait in a live event loop, and pause a run to grab it.

Imported by the ``docs/take_*.py`` scripts (run as ``python docs/take_….py``, so this folder
is on ``sys.path``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

__all__ = ["pause_at_epoch", "wait_until"]


def wait_until(condition: Callable[[], bool], *, poll_ms: int = 20,
               timeout_ms: int | None = None) -> bool:
    """Run a real event loop until ``condition()`` holds (or ``timeout_ms`` passed).

    A real loop, not a busy wait: the run's worker thread needs the GIL and the window its
    queued signals. Returns whether the condition held.
    """
    loop = QEventLoop()
    poll = QTimer(interval=poll_ms)
    poll.timeout.connect(lambda: condition() and loop.quit())
    poll.start()
    if timeout_ms is not None:
        QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    poll.stop()
    QCoreApplication.processEvents()
    return bool(condition())


def pause_at_epoch(window, epoch: int, grab: Callable[[], None]) -> None:
    """Start ``window``'s run in 0.8 s, pause it once ``epoch`` is reported, ``grab`` 1.5 s later.

    The delays let the window lay itself out before the run, and the paused frame (antialiased,
    fitted) draw before the grab. Call it before ``app.exec()``.
    """
    controller = window.controller
    timer = QTimer(window, interval=1)

    def poll() -> None:
        reports = controller.reports
        if reports and reports[-1].epoch >= epoch:
            controller.pause()
            timer.stop()
            QTimer.singleShot(1500, grab)

    timer.timeout.connect(poll)
    QTimer.singleShot(800, controller.start)
    QTimer.singleShot(800, timer.start)
