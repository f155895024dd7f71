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
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .records import CSV_COLUMNS, CurveRow, EpochReport
from .spec import RunSpec, SpecError, from_json, to_json

__all__ = ["CSV_COLUMNS", "CurveRow", "StudioIOError", "atomic_write_bytes", "atomic_write_text",
           "load_spec", "read_curves_csv", "save_spec", "write_curves_csv"]

PathLike = str | os.PathLike


class StudioIOError(OSError):
    """A file could not be read or written; ``str(error)`` says which and why."""


def atomic_write_bytes(path: PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file in the same directory + ``os.replace``).

    On any error the temporary file is removed and an existing ``path`` is left untouched.
    A replaced file keeps its permission bits; a new one gets ``0o644``.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    # Same directory: os.replace is only atomic within one file system.
    tmp = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
                                      delete=False)
    try:
        with tmp:
            # NamedTemporaryFile creates 0o600; keep the replaced file's mode (0o644 if new).
            os.chmod(tmp.name, mode)
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())  # the data is on disk before the rename makes it visible
        os.replace(tmp.name, path)
    except BaseException:  # KeyboardInterrupt too: never leave a stray temp file
        try:
            os.unlink(tmp.name)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode(encoding))


def save_spec(path: PathLike, spec: RunSpec) -> None:
    """Save ``spec`` as versioned JSON (:func:`~studio.core.spec.to_json`), atomically."""
    atomic_write_text(path, to_json(spec))


def _read_text(path: PathLike, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError("", f"{what} {os.fspath(path)!r} is not UTF-8 text "
                        f"(byte {exc.start})") from None
    except OSError as exc:
        error = StudioIOError(f"cannot read {what} {os.fspath(path)!r}: "
                              f"{exc.strerror or exc}")
        error.errno = exc.errno  # str() stays the plain message; callers can still branch
        raise error from None


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
    text = _read_text(path, "curves file")
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
