"""Guards against a Qt binding release that corrupts Python reference counts.

PySide6 6.12.0 drops one reference to ``True`` on every ``Signal.emit``; the app then aborts
with "Fatal Python error: bool_dealloc" after a few hundred training epochs. pyproject.toml
excludes that release; this test fails loudly if CI ever installs a binding with the bug.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    happened = Signal(object)


def test_signal_emit_keeps_reference_counts(qapp) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.happened.connect(received.append)
    before_true, before_none = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(50):
        emitter.happened.emit(i)
    assert received == list(range(50))
    # A few references may come and go elsewhere; a leak of one per emit would show as -50.
    assert abs(sys.getrefcount(True) - before_true) < 10
    assert abs(sys.getrefcount(None) - before_none) < 10
