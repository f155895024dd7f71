"""Saving and loading: specs (JSON) and learning curves (CSV), written atomically.

Every write goes to a temporary file in the destination's directory, is flushed and fsynced,
then ``os.replace``-d over the destination: a crash or an error leaves either the old file or
the new one, never half of one.

Errors: problems with a file's *content* raise :class:`~studio.core.spec.SpecError`; problems
reaching the file (missing, unreadable, a directory) raise :class:`StudioIOError`, an
``OSError`` whose message names the file and the reason.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from .records import CSV_COLUMNS, CurveRow, EpochReport
from .spec import RunSpec, SpecError, from_json, to_json

__all__ = ["CSV_COLUMNS", "MAX_DATA_BYTES", "MAX_SPEC_BYTES", "CurveRow", "StudioIOError",
           "atomic_write_bytes", "atomic_write_text", "load_spec", "read_curves_csv",
           "read_limited", "save_spec", "write_curves_csv"]

PathLike = str | os.PathLike


#: Largest spec file read: a spec is a few KB; without a limit /dev/zero or a 3 GB file was
#: read whole (MemoryError, no dialog).
MAX_SPEC_BYTES = 16 * 2**20
#: Largest curves CSV / results file read (100 000 epochs of curves fit in a few MB each).
MAX_DATA_BYTES = 64 * 2**20
#: A temporary file of a save is ``.<name>.studio-<pid>-<random>.tmp``: recognisable, so one
#: left by a killed process (SIGKILL skips every cleanup) can be removed by the next save.
_TMP_TAG = ".studio-"
#: Age after which a leftover temporary file is removed even if its PID is alive (reused).
_STALE_S = 3600.0


class StudioIOError(OSError):
    """A file could not be read or written; ``str(error)`` says which and why."""


def _io_error(action: str, path: PathLike, exc: OSError) -> StudioIOError:
    # Name the user's file, never the hidden temporary one (exc.filename of a failed save).
    error = StudioIOError(f"cannot {action} {os.fspath(path)!r}: {exc.strerror or exc}")
    error.errno = exc.errno  # str() stays the plain message; callers can still branch
    return error


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: someone else's live process
        return True
    return True


def _remove_stale_temps(path: Path) -> None:
    """Remove temporary files of earlier saves of ``path`` whose process is gone."""
    prefix = f".{path.name}{_TMP_TAG}"
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return  # the save itself will report the directory
    now = time.time()
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        pid_text = entry.name[len(prefix):].split("-", 1)[0]
        try:
            stale = (not pid_text.isdigit() or not _pid_alive(int(pid_text))
                     or now - entry.stat(follow_symlinks=False).st_mtime > _STALE_S)
            if stale and pid_text != str(os.getpid()):  # never a save in progress here
                os.unlink(entry.path)
        except OSError:
            pass  # gone already, or not ours to remove: never fail a save over a leftover


def atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file in the same directory + ``os.replace``).

    On any error the temporary file is removed and an existing ``path`` is left untouched.
    A replaced file keeps its permission bits; a new one gets ``0o644``. Temporary files left
    by a killed earlier save of ``path`` are removed first.

    Raises
    ------
    StudioIOError
        The file cannot be written; the message names ``path`` (not the temporary file).
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    except OSError as exc:
        raise _io_error("write", path, exc) from None
    _remove_stale_temps(path)
    # Same directory: os.replace is only atomic within one file system.
    try:
        tmp = tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False,
                                          prefix=f".{path.name}{_TMP_TAG}{os.getpid()}-")
    except OSError as exc:
        raise _io_error("write", path, exc) from None
    try:
        with tmp:
            # NamedTemporaryFile creates 0o600; keep the replaced file's mode (0o644 if new).
            os.chmod(tmp.name, mode)
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())  # the data is on disk before the rename makes it visible
        os.replace(tmp.name, path)
    except BaseException as exc:  # KeyboardInterrupt too: never leave a stray temp file
        try:
            os.unlink(tmp.name)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, StudioIOError):
            raise _io_error("write", path, exc) from None
        raise


def atomic_write_text(path: PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode(encoding))


def save_spec(path: PathLike, spec: RunSpec) -> None:
    """Save ``spec`` as versioned JSON (:func:`~studio.core.spec.to_json`), atomically."""
    atomic_write_text(path, to_json(spec))


def read_limited(path: PathLike, what: str, limit: int = MAX_SPEC_BYTES) -> bytes:
    """The bytes of regular file ``path``, refusing anything else or anything over ``limit``.

    A FIFO would block ``open()`` forever (the GUI froze, the CLI waited for Ctrl+C) and a
    device such as ``/dev/zero`` never ends: the file is opened non-blocking and checked with
    ``fstat`` before a byte is read, and at most ``limit + 1`` bytes are ever read.

    Raises
    ------
    StudioIOError
        Missing, unreadable, not a regular file, or larger than ``limit``.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _io_error(f"read {what}", path, exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            why = ("Is a directory" if stat.S_ISDIR(info.st_mode)
                   else "not a regular file (a pipe, socket or device)")
            raise _io_error(f"read {what}", path, OSError(errno.EISDIR if stat.S_ISDIR(
                info.st_mode) else errno.EINVAL, why))
        chunks, size = [], 0
        while size <= limit:  # st_size can lie (a growing file, /proc): count what is read
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except StudioIOError:
        raise
    except OSError as exc:
        raise _io_error(f"read {what}", path, exc) from None
    finally:
        os.close(fd)
    if size > limit:
        raise _io_error(f"read {what}", path, OSError(
            errno.EFBIG, f"larger than {limit // 2**20} MB, the most a {what} may be"))
    return b"".join(chunks)


def _read_text(path: PathLike, what: str, limit: int = MAX_SPEC_BYTES) -> str:
    data = read_limited(path, what, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError("", f"{what} {os.fspath(path)!r} is not UTF-8 text "
                        f"(byte {exc.start})") from None


def load_spec(path: PathLike) -> RunSpec:
    """Load a spec saved by :func:`save_spec` (or written by hand).

    Raises
    ------
    SpecError
        The file is not valid JSON, not UTF-8, or not a valid spec (the message names the field).
    StudioIOError
        The file cannot be read (missing, a directory, no permission).
    """
    text = _read_text(path, "spec file")
    try:
        return from_json(text)
    except SpecError as exc:  # same path, plus which file: the CLI and GUI show it as is
        raise SpecError(exc.path, f"{exc.message} (in {os.fspath(path)!r})") from None


def write_curves_csv(path: PathLike, reports: Iterable[EpochReport | CurveRow]) -> None:
    """Write ``epoch,train_loss,test_loss,train_acc,test_acc,elapsed_s`` rows atomically.

    Floats are written with ``repr`` so reading them back gives the same values.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for report in reports:
        writer.writerow([report.epoch, *(repr(float(getattr(report, name)))
                                         for name in CSV_COLUMNS[1:])])
    atomic_write_text(path, buffer.getvalue())


def read_curves_csv(path: PathLike) -> list[CurveRow]:
    """Read a file written by :func:`write_curves_csv`.

    Raises
    ------
    ValueError
        The header or a value is malformed (the message gives the line).
    StudioIOError
        The file cannot be read.
    """
    text = _read_text(path, "curves file", MAX_DATA_BYTES)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(rows[0]) != CSV_COLUMNS:
        raise ValueError(f"{os.fspath(path)!r} line 1: expected header {','.join(CSV_COLUMNS)}")
    out = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(CSV_COLUMNS):
            raise ValueError(f"{os.fspath(path)!r} line {line}: expected {len(CSV_COLUMNS)} "
                             f"values, got {len(row)}")
        try:
            values = [int(row[0]), *(float(v) for v in row[1:])]
        except ValueError as exc:
            raise ValueError(f"{os.fspath(path)!r} line {line}: {exc}") from None
        out.append(CurveRow(*values))
    return out
