"""TrainingWorker in a real QThread, without the window.

The worker's signals are emitted in its own thread, so these tests record them with direct
connections and wait with ``qtbot.waitUntil``: ``qtbot.waitSignal`` on a cross-thread signal
would stop its timeout timer from the worker thread (a Qt warning, which fails the test).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QThread
from window_helpers import RUN_TIMEOUT_MS, SMALL

from studio.core import train
from studio.gui.run.worker import TrainingWorker


@pytest.fixture
def started(qtbot):
    threads = []

    def start(worker: TrainingWorker):
        thread = QThread()
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        received, finished = [], []
        worker.epoch_finished.connect(received.append, Qt.ConnectionType.DirectConnection)
        worker.finished.connect(lambda: finished.append(True), Qt.ConnectionType.DirectConnection)
        threads.append((thread, worker))
        thread.start()
        return received, finished

    yield start
    for thread, worker in threads:
        worker.stop()
        assert thread.wait(5000)


def test_worker_emits_the_engine_reports(qtbot, started):
    worker = TrainingWorker(SMALL)
    received, finished = started(worker)
    qtbot.waitUntil(lambda: bool(finished), timeout=RUN_TIMEOUT_MS)
    # Same seed => the same run, report for report (timings aside).
    def key(r):
        return (r.epoch, r.train_loss, r.test_loss, r.train_acc, r.test_acc, r.steps,
                r.grid.tobytes())

    assert [key(r) for r in received] == [key(r) for r in train(SMALL)]


def test_paused_worker_pulls_only_on_step_and_stops_promptly(qtbot, started):
    worker = TrainingWorker(SMALL, start_paused=True)
    received, finished = started(worker)
    qtbot.wait(100)
    assert received == []
    worker.step()
    qtbot.waitUntil(lambda: len(received) == 1, timeout=RUN_TIMEOUT_MS)
    qtbot.wait(100)
    assert [r.epoch for r in received] == [1]
    worker.stop()
    qtbot.waitUntil(lambda: bool(finished), timeout=RUN_TIMEOUT_MS)
    assert len(received) == 1


def test_engine_errors_become_failed(qtbot, started, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("studio.gui.run.worker.Session", broken)
    worker = TrainingWorker(SMALL)
    messages = []
    worker.failed.connect(messages.append, Qt.ConnectionType.DirectConnection)
    _, finished = started(worker)
    qtbot.waitUntil(lambda: bool(finished), timeout=RUN_TIMEOUT_MS)
    assert messages == ["RuntimeError: boom"]
