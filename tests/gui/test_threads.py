"""The shared worker-thread plumbing: start, cooperative stop, bounded shutdown."""

from __future__ import annotations

import gc
import weakref

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal, Slot

from studio.gui.threads import WorkerBase, WorkerThread, running_threads


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


def test_disposed_worker_is_freed(qtbot):
    # Issue 13: worker.deleteLater() after its thread ended never ran, so every run leaked
    # its worker (and the model it held).
    owner = QObject()
    worker = _Spinner()
    alive = weakref.ref(worker)
    job = WorkerThread(worker, name="spinner", parent=owner)
    del worker
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.start()
        job.stop()
    job.dispose()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    assert alive() is None


def test_deleting_the_owner_never_destroys_a_running_thread(qtbot):
    owner = QObject()
    job = WorkerThread(_Spinner(), name="spinner", parent=owner)
    job.start()
    qtbot.waitUntil(job.is_running, timeout=2000)
    worker = job.worker
    del owner, job  # the owner goes first: Qt would have destroyed a running child thread
    gc.collect()
    assert running_threads() == 1
    worker.stop()
    qtbot.waitUntil(lambda: running_threads() == 0, timeout=5000)
