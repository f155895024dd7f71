"""Issue 13: special and huge files on read, temporary files and messages on save."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from studio.core.io import (
    MAX_SPEC_BYTES,
    StudioIOError,
    atomic_write_text,
    load_spec,
    save_spec,
)
from studio.core.spec import RunSpec


def _load_within(path: Path, seconds: float = 5.0) -> BaseException | None:
    """``load_spec(path)`` in a thread; the exception it raised (None: it hung)."""
    outcome: list[BaseException] = []

    def target() -> None:
        try:
            load_spec(path)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive() and path.is_fifo():  # unblock the old, hanging open()
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        thread.join(5)
    return outcome[0] if outcome else None


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "config.json"
    os.mkfifo(fifo)
    start = time.perf_counter()
    error = _load_within(fifo)
    assert isinstance(error, StudioIOError), error
    assert "not a regular file" in str(error) and str(fifo) in str(error)
    assert time.perf_counter() - start < 5.0


def test_a_device_is_refused() -> None:
    with pytest.raises(StudioIOError, match="not a regular file"):
        load_spec("/dev/zero")


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(MAX_SPEC_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(StudioIOError, match="larger than 16 MB") as info:
        load_spec(big)
    assert info.value.errno is not None


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    text = '{"schema_version": 1}'
    path = tmp_path / "ok.json"
    path.write_text(text + " " * (MAX_SPEC_BYTES - len(text)))
    assert load_spec(path) == RunSpec()


def test_a_failed_save_names_the_destination_not_the_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "spec.json"
    with pytest.raises(StudioIOError) as info:
        atomic_write_text(target, "x")
    assert str(target) in str(info.value) and ".tmp" not in str(info.value)
    assert isinstance(info.value, OSError) and info.value.errno is not None


def test_a_save_removes_temp_files_left_by_a_killed_save(tmp_path: Path) -> None:
    target = tmp_path / "spec.json"
    dead = tmp_path / ".spec.json.studio-999999999-abcd.tmp"  # no such PID
    ancient = tmp_path / f".spec.json.studio-{os.getppid()}-old.tmp"  # alive, but a day old
    alive = tmp_path / f".spec.json.studio-{os.getppid()}-live.tmp"  # a save in progress
    other = tmp_path / ".other.json.studio-999999999-abcd.tmp"  # another file's: not ours
    for path in (dead, ancient, alive, other):
        path.write_text("partial")
    os.utime(ancient, (time.time() - 86400, time.time() - 86400))
    save_spec(target, RunSpec())
    assert not dead.exists() and not ancient.exists()
    assert alive.exists() and other.exists()
    assert load_spec(target) == RunSpec()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".spec.json")]
    assert leftovers == [alive.name]


def test_temp_files_carry_a_recognisable_prefix(tmp_path: Path, monkeypatch) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(src, dst):
        seen.append(os.path.basename(src))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    save_spec(tmp_path / "a.json", RunSpec())
    assert seen and seen[0].startswith(f".a.json.studio-{os.getpid()}-")
