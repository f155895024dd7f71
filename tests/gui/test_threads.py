"""The shared worker-thread plumbing: start, cooperative stop, bounded shutdown."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from studio.gui.threads import WorkerBase, WorkerThread


class _Spinner(WorkerBase):
    finished = Signal()

    @Slot()
    def run(self) -> None:
        self.stop_event.wait(30)  # until stopped (the engine would poll between steps)
        self.finished.emit()


def test_stop_ends_the_worker_and_the_thread(qtbot):
    owner = QObject()
    job = WorkerThread(_Spinner(), name="spinner", parent=owner)
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.start()
        qtbot.waitUntil(job.is_running, timeout=2000)
        assert not job.worker.is_stopping
        job.stop()
    assert job.worker.is_stopping and not job.is_running()
    job.dispose()


def test_shutdown_is_bounded_and_reports_success(qtbot):
    owner = QObject()
    job = WorkerThread(_Spinner(), name="spinner", parent=owner)
    job.start()
    qtbot.waitUntil(job.is_running, timeout=2000)
    assert job.shutdown(5000)
    assert not job.is_running()
    assert job.shutdown(1)  # nothing left to stop
    job.dispose()
