"""CSV points: valid files import, every bad file names its line and column, export reloads."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from studio.core import DataSpec, StudioIOError, make_data
from studio.core import csv_data as cd
from studio.core.csv_data import CsvDataError, PointsData, load_csv_data, write_csv_data


def _file(tmp_path: Path, content: bytes | str, name: str = "p.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize("text", ["0.1,0.2,0\n0.9,0.8,1\n0.5,0.4,1\n",
                                  "x,y,label\n0.1,0.2,0\n0.9,0.8,1\n0.5,0.4,1\n",
                                  "\ufefflabel,y,x\r\n0,0.2,0.1\r\n1,0.8,0.9\r\n\r\n1,0.4,0.5\r\n"])
def test_with_or_without_a_header(tmp_path: Path, text: str) -> None:
    data = load_csv_data(_file(tmp_path, text))
    assert np.array_equal(data.x, [[0.1, 0.2], [0.9, 0.8], [0.5, 0.4]])
    assert data.labels.tolist() == [0, 1, 1] and data.class_names == ("0", "1")
    assert data.split is None and not data.x.flags.writeable and data.x.dtype == np.float64


def test_string_labels_number_in_order_of_appearance_and_split(tmp_path: Path) -> None:
    data = load_csv_data(_file(tmp_path, "x,y,label,split\n1,2,dog,train\n3,4,cat,test\n"
                                         "-5,6e2,bird,Train\n7,8,dog,test\n"))
    assert data.class_names == ("dog", "cat", "bird") and data.labels.tolist() == [0, 1, 2, 0]
    assert data.split.tolist() == [False, True, False, True]
    spec = data.to_spec(DataSpec(features=("x", "y", "xy")))
    assert spec.name == "custom" and spec.classes == 3 and spec.features == ("x", "y", "xy")
    assert spec.points[2] == (-5.0, 600.0, 2, "train") and spec.class_names == data.class_names
    made = make_data(spec, "float64")
    assert made.x_train.shape == (2, 3) and made.x_test.shape == (2, 3)
    x0, x1, y0, y1 = data.extent()
    assert x0 < -5 and x1 > 7 and y0 < 2 and y1 > 600


def test_export_reloads_exactly(tmp_path: Path) -> None:
    made = make_data(DataSpec(name="spiral", classes=3, n_train=50, n_test=30), "float64")
    exported = PointsData(
        x=np.concatenate((made.raw_train.numpy(), made.raw_test.numpy())),
        labels=np.concatenate((made.y_train.numpy(), made.y_test.numpy())),
        class_names=("a", "b", "c"), split=np.arange(80) >= 50)
    path = tmp_path / "out.csv"
    write_csv_data(path, exported)
    back = load_csv_data(path)
    assert np.array_equal(back.x, exported.x) and np.array_equal(back.split, exported.split)
    assert [back.class_names[i] for i in back.labels] == [
        exported.class_names[i] for i in exported.labels]
    spec = DataSpec(name="custom", classes=3, points=((0.5, 0.5, 2), (0.1, 0.1, 0)))
    write_csv_data(path, PointsData.from_spec(spec))
    assert path.read_text().splitlines() == ["x,y,label", "0.5,0.5,2", "0.1,0.1,0"]


BAD = [
    (b"", 1, 1, "no points"),
    (b"\n\n", 1, 1, "no points"),
    (b"x,y,label\n", 2, 1, "only a header"),
    (b"0.1,0.2,0\n0.5,abc,1\n", 2, 2, "'abc' is not a finite number"),
    (b"0.1,0.2,0\n0.5,nan,1\n", 2, 2, "not a finite number"),
    (b"x,y\n0.1,0.2\n", 1, 3, "missing column 'label'"),
    (b"x,y,colour\n0.1,0.2,0\n", 1, 3, "unknown column 'colour'"),
    (b"0.1,0.2\n0.5,0.3\n", 1, 3, "expected 3 or 4 values"),
    (b"0.1,0.2,0\n0.2,0.3,0\n0.3,0.1,0\n", 3, 3, "at least two classes"),
    (b"x,y,label\n" + b"".join(b"0.5,0.5,%d\n" % i for i in range(9)), 10, 3,
     "at most 8 classes"),
    (b"0,0,a\n" + b"".join(b"0.5,0.5,c%d\n" % i for i in range(8)), 9, 3, "9th class"),
    (b"0.1,0.2,0\n0.5,0.3\n", 2, 3, "expected 3 values like the first row, got 2"),
    (b"0.1,0.2,0\n0.5,0.3,1,test\n", 2, 4, "expected 3 values like the first row, got 4"),
    (b"0.1,0.2,0,train\n0.5,0.3,1,val\n", 2, 4, "split must be train or test"),
    (b"0.1,0.2,0,train\n0.5,0.3,1,train\n", 2, 4, "at least one train and one test"),
    (b"0.1,0.2,0\n0.5,\x000.3,1\n", 2, 5, "binary"),
    (b"0.1,0.2,0\n0.5,0.3,\xff\n", 2, 9, "not UTF-8"),
]


@pytest.mark.parametrize(("content", "line", "column", "words"), BAD)
def test_bad_files_name_the_line_and_column(tmp_path: Path, content: bytes, line: int,
                                             column: int, words: str) -> None:
    path = _file(tmp_path, content)
    with pytest.raises(CsvDataError) as info:
        load_csv_data(path)
    error = info.value
    assert (error.line, error.column) == (line, column) and words in error.message
    assert str(error).startswith(f"{path}, line {line}, column {column}: ")
    assert path.read_bytes() == content  # nothing changed


def test_too_big_is_refused_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = _file(tmp_path, "0.1,0.2,0\n0.5,0.3,1\n")
    monkeypatch.setattr(cd, "MAX_CSV_BYTES", 8)
    monkeypatch.setattr("builtins.open", lambda *a, **k: pytest.fail("the file was read"))
    with pytest.raises(CsvDataError, match="at most 0 MB") as info:
        load_csv_data(path)
    assert info.value.line is None


def test_too_many_points(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cd, "MAX_POINTS", 2)
    with pytest.raises(CsvDataError, match="more than 2 points") as info:
        load_csv_data(_file(tmp_path, "0,0,0\n1,1,1\n2,2,1\n"))
    assert (info.value.line, info.value.column) == (3, 1)


def test_a_missing_file_is_an_io_error(tmp_path: Path) -> None:
    with pytest.raises(StudioIOError, match="cannot read"):
        load_csv_data(tmp_path / "nope.csv")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "points.csv"
    os.mkfifo(fifo)  # open() would block until a writer came: the GUI froze
    with pytest.raises(StudioIOError, match="not a regular file"):
        load_csv_data(fifo)
