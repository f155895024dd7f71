"""Issue 13 item 9: a twin run that fails with any error still ends (finished is emitted)."""

from __future__ import annotations

import pytest

from studio.core.spec import RunSpec
from studio.gui.compare import compare_window, compare_workers


@pytest.mark.parametrize("error", [RuntimeError("boom"), MemoryError(), KeyError("x"),
                                   ValueError("bad layer")])
def test_any_error_ends_the_twin_run(monkeypatch, error: Exception) -> None:
    def failing(spec, stop=None):
        yield from ()
        raise error

    monkeypatch.setattr(compare_workers, "twin_train", failing)
    worker = compare_window.TwinWorker(RunSpec())
    messages: list[str] = []
    worker.finished.connect(messages.append)
    worker.run()
    assert len(messages) == 1
    assert messages[0].startswith(("Failed: ", "Cannot run: "))


def test_the_butterfly_worker_ends_the_same_way(monkeypatch) -> None:
    def failing(spec, stop=None):
        yield from ()
        raise RuntimeError("boom")

    monkeypatch.setattr(compare_workers, "butterfly_run", failing)
    worker = compare_workers.ButterflyWorker(RunSpec())
    messages: list[str] = []
    worker.finished.connect(messages.append)
    worker.run()
    assert messages == ["Butterfly failed: RuntimeError: boom"]
