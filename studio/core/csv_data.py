"""Your own data: points from a CSV file (x, y, label[, split]) and back.

A file is checked whole before anything changes: a bad one raises
:class:`~studio.core.points_data.CsvDataError` naming the line and the column (1-based), and
the caller's spec is left as it was. Accepted:

* columns ``x, y, label`` and an optional ``split`` (``train``/``test``), in that order, or
  in any order under a header row naming them (a header is recognised by its first two
  fields not being numbers);
* coordinates: finite numbers, any range;
* labels: integers ``0..k-1``, or any strings, numbered in order of first appearance;
  2 to :data:`~studio.core.limits.MAX_CLASSES` classes;
* at most :data:`~studio.core.limits.MAX_POINTS` points and :data:`MAX_CSV_BYTES` bytes.
"""

from __future__ import annotations

import csv
import io
import math
import os

import numpy as np

from .io import StudioIOError, atomic_write_text, read_limited
from .limits import MAX_CLASSES, MAX_POINTS
from .points_data import CsvDataError, PointsData

__all__ = ["COLUMNS", "MAX_CSV_BYTES", "CsvDataError", "PointsData", "load_csv_data",
           "write_csv_data"]

#: The columns of a points file; ``split`` is optional.
COLUMNS = ("x", "y", "label", "split")
#: Largest file read (checked before reading): far above 100,000 points of any sane format.
MAX_CSV_BYTES = 50 * 2**20


def _read(path: str) -> str:
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise StudioIOError(exc.errno, f"cannot read {path!r}: {exc.strerror or exc}") from None
    if size > MAX_CSV_BYTES:  # before reading: a huge file must not fill the memory
        raise CsvDataError(path, None, None, f"is {size / 2**20:.1f} MB; at most "
                           f"{MAX_CSV_BYTES // 2**20} MB of points can be imported")
    # read_limited refuses a FIFO or device (open() would block the GUI) and a file that
    # grew past the limit since the stat.
    data = read_limited(path, "points file", MAX_CSV_BYTES)

    def at(offset: int) -> tuple[int, int]:
        start = data.rfind(b"\n", 0, offset) + 1
        return data.count(b"\n", 0, offset) + 1, offset - start + 1

    if b"\0" in data:
        raise CsvDataError(path, *at(data.index(b"\0")), "a NUL byte: this is a binary "
                           "file, not CSV text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvDataError(path, *at(exc.start), "not UTF-8 text") from None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _columns(path: str, header: list[str] | None, width: int) -> tuple[int, ...]:
    """Field index of x, y, label (and split, or -1) under ``header`` (None: by position)."""
    if header is None:
        if width not in (3, 4):
            raise CsvDataError(path, 1, min(width, 3) + 1, f"expected 3 or 4 values "
                               f"(x, y, label[, split]), got {width}")
        return (0, 1, 2, 3 if width == 4 else -1)
    names = [h.strip().lower() for h in header]
    for i, name in enumerate(names):
        if name not in COLUMNS or names.index(name) != i:
            what = "a second" if name in COLUMNS else "an unknown"
            raise CsvDataError(path, 1, i + 1, f"{what} column {header[i]!r} (columns are "
                               "x, y, label and an optional split)")
    for name in COLUMNS[:3]:
        if name not in names:
            raise CsvDataError(path, 1, len(names) + 1, f"missing column {name!r} (the "
                               f"header has {', '.join(names)})")
    return tuple(names.index(n) if n in names else -1 for n in COLUMNS)


def _parse(path: str, text: str) -> PointsData:
    rows = ((reader.line_num, row) for reader in [csv.reader(io.StringIO(text))]
            for row in reader if any(field.strip() for field in row))
    line = 0
    try:
        first = next(rows, None)
        if first is None:
            raise CsvDataError(path, 1, 1, "no points: expected rows of x, y, label")
        line, row = first
        header = row if _number(row[0]) is None and (len(row) < 2 or
                                                   _number(row[1]) is None) else None
        cols = _columns(path, header, len(row))
        width = len(row)
        data = rows if header is not None else iter([(line, row), *rows])
        xs: list[tuple[float, float]] = []
        labels: list[str] = []
        tests: list[bool] = []
        where: list[int] = []
        for line, row in data:
            if len(row) != width:
                raise CsvDataError(path, line, min(len(row), width) + 1,
                                   f"expected {width} values like the first row, got {len(row)}")
            if len(xs) == MAX_POINTS:
                raise CsvDataError(path, line, 1, f"more than {MAX_POINTS} points")
            point = []
            for axis in (0, 1):
                value = _number(row[cols[axis]])
                if value is None:
                    raise CsvDataError(path, line, cols[axis] + 1, f"{row[cols[axis]]!r} is not "
                                       f"a finite number ({COLUMNS[axis]} coordinate)")
                point.append(value)
            xs.append((point[0], point[1]))
            labels.append(row[cols[2]].strip())
            where.append(line)
            if cols[3] >= 0:
                split = row[cols[3]].strip().lower()
                if split not in ("train", "test"):
                    raise CsvDataError(path, line, cols[3] + 1, f"split must be train or test, "
                                       f"got {row[cols[3]]!r}")
                tests.append(split == "test")
    except csv.Error as exc:
        raise CsvDataError(path, line + 1, 1, f"malformed CSV: {exc}") from None
    if not xs:
        raise CsvDataError(path, line + 1, 1, "no points: the file has only a header")
    return _points(path, cols, xs, labels, tests if cols[3] >= 0 else None, where)


def _points(path: str, cols: tuple[int, ...], xs: list, labels: list[str],
            tests: list[bool] | None, where: list[int]) -> PointsData:
    integer = all(label.isdigit() for label in labels)  # isdigit: no sign, no decimal point
    names: dict[str, int] = {}
    codes = []
    for label, line in zip(labels, where, strict=True):
        if integer:
            code = int(label)
            if code >= MAX_CLASSES:
                raise CsvDataError(path, line, cols[2] + 1, f"label {code}: at most "
                                   f"{MAX_CLASSES} classes, labelled 0 to {MAX_CLASSES - 1}")
        else:
            code = names.setdefault(label, len(names))
            if code >= MAX_CLASSES:
                raise CsvDataError(path, line, cols[2] + 1, f"label {label!r} is a "
                                   f"{MAX_CLASSES + 1}th class; at most {MAX_CLASSES} are "
                                   "allowed")
        codes.append(code)
    if len(set(codes)) < 2:
        raise CsvDataError(path, where[-1], cols[2] + 1, f"every point has label "
                           f"{labels[0]!r}: at least two classes are needed")
    if tests is not None and (all(tests) or not any(tests)):
        raise CsvDataError(path, where[-1], cols[3] + 1, "the split column must mark at "
                           "least one train and one test point")
    count = max(codes) + 1
    class_names = tuple(names) if not integer else tuple(str(i) for i in range(count))
    frozen = [np.array(a) for a in (xs, codes)] + ([np.array(tests)] if tests else [])
    for array in frozen:
        array.flags.writeable = False
    return PointsData(x=frozen[0].astype(np.float64, copy=False).reshape(-1, 2),
                      labels=frozen[1].astype(np.int64, copy=False), class_names=class_names,
                      split=frozen[2] if tests else None)


def load_csv_data(path: str | os.PathLike) -> PointsData:
    """Read a points file (see the module docstring for the format).

    Raises
    ------
    CsvDataError
        Bad content: empty, binary, not UTF-8, too big, a non-numeric or non-finite
        coordinate, a missing column, ragged rows, one class only, more than eight classes,
        too many points, a bad split. The message names the line and column.
    StudioIOError
        The file cannot be read.
    """
    path = os.fspath(path)
    return _parse(path, _read(path))


def write_csv_data(path: str | os.PathLike, data: PointsData) -> None:
    """Write ``data`` as ``x,y,label[,split]`` with a header, atomically.

    Coordinates are written exactly (shortest round-trip form); labels as the class names.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS if data.split is not None else COLUMNS[:3])
    for i, ((x, y), label) in enumerate(zip(data.x.tolist(), data.labels.tolist(),
                                            strict=True)):
        row = [repr(x), repr(y), data.class_names[label]]
        if data.split is not None:
            row.append("test" if data.split[i] else "train")
        writer.writerow(row)
    atomic_write_text(path, out.getvalue())
