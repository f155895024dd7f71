"""Shared test setup: headless Qt, isolated settings, and no leaked threads.

``QT_QPA_PLATFORM`` is set here, at import time, because Qt reads it once when the
``QApplication`` is created (pytest-qt creates it lazily, after conftest imports).
"""

from __future__ import annotations

import os
import threading
import time
import traceback
import weakref

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"

_THREAD_GRACE_S = 2.0  # a finished run's thread gets this long to wind down


def _qthread_class():
    try:
        from PySide6.QtCore import QThread
    except ImportError:  # core/minidl tests run without the GUI extra
        return None
    return QThread


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    """Run the suite with one torch thread (restored afterwards).

    The models are tiny: on a loaded 2-core machine torch's intra-op threads spin and a 100x25
    matmul was seen ~250x slower. One thread keeps the suite fast and its timings stable.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory):
    """Point QSettings (recent files) at a temporary directory for each test."""
    try:
        from PySide6.QtCore import QSettings
    except ImportError:
        yield
        return
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path_factory.mktemp("settings")))
    yield


@pytest.fixture(autouse=True)
def _no_leaked_threads(monkeypatch):
    """Fail a test that leaves a running QThread or a new Python thread behind.

    QThreads are recorded as they start (as napari's ``_dangling_qthreads`` does), each gets a
    bounded wait, and any still running is stopped (quit + wait) before the test fails, so one
    leak does not cascade into the next test.
    """
    before = set(threading.enumerate())
    qthread = _qthread_class()
    started: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    if qthread is not None:
        original_start = qthread.start

        def start_and_record(self, *args, **kwargs):
            started[self] = "".join(traceback.format_stack(limit=6)[:-1])
            return original_start(self, *args, **kwargs)

        monkeypatch.setattr(qthread, "start", start_and_record)
    yield
    leaks = []
    for thread, where in list(started.items()):
        try:
            if thread.isRunning() and not thread.wait(int(_THREAD_GRACE_S * 1000)):
                leaks.append(f"QThread {thread.objectName()!r} started at:\n{where}")
                thread.quit()
                thread.wait(int(_THREAD_GRACE_S * 1000))
        except RuntimeError:  # the C++ object is already deleted: it is not running
            continue
    deadline = time.monotonic() + _THREAD_GRACE_S
    for thread in set(threading.enumerate()) - before:
        if isinstance(thread, threading._DummyThread):  # a QThread seen by Python: above
            continue
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            leaks.append(f"Python thread {thread.name!r}")
    if leaks:
        pytest.fail("test leaked running threads:\n" + "\n".join(leaks), pytrace=False)


@pytest.fixture(autouse=True)
def dialog_calls(monkeypatch) -> list[tuple[str, tuple]]:
    """Replace every modal dialog helper with a recorder, so no test can block on a modal.

    Defaults: errors, warnings, infos and About are recorded, URLs "open", "unsaved changes?"
    answers "discard", file dialogs are cancelled. Tests monkeypatch a helper again to answer
    differently.
    """
    calls: list[tuple[str, tuple]] = []
    try:
        from studio.gui import dialogs
    except ImportError:
        return calls
    answers = {"show_error": None, "show_warning": None, "show_info": None, "show_about": None,
               "open_url": True, "ask_save_changes": "discard", "get_open_path": None,
               "get_save_path": None}
    for name, answer in answers.items():
        def record(*args, _name=name, _answer=answer, **kwargs):
            calls.append((_name, args))
            return _answer
        monkeypatch.setattr(dialogs, name, record)
    return calls
