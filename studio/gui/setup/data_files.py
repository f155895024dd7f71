"""File > Import data… and File > Export data…: points from and to CSV files.

Each command asks for a path (through :mod:`studio.gui.dialogs`, so tests replace the
dialogs), then reads or writes through :mod:`studio.core.csv_data`. An import is checked whole
before anything changes: a bad file is refused with its line and column and the setup stays
as it was; a good one becomes one undoable edit (``data.name = "custom"``, points inline).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QWidget

from studio.core.csv_data import CsvDataError, load_csv_data, write_csv_data
from studio.core.io import StudioIOError
from studio.gui import dialogs
from studio.gui.setup.data_edits import data_points, with_points
from studio.gui.setup.spec_model import SpecModel

__all__ = ["CSV_FILTER", "export_data", "import_data"]

CSV_FILTER = "CSV points (*.csv);;All files (*)"


def import_data(parent: QWidget | None, model: SpecModel, path: str | None = None) -> bool:
    """Replace the data of ``model.spec`` by the points of a CSV file (asked when ``path`` is
    None). Returns whether the spec changed.

    A file that cannot be used shows an error naming the file, line and column; nothing
    changes. During a run the setup is locked and the import is refused.
    """
    if model.locked:
        dialogs.show_warning(parent, "Import data", "Stop the run before importing data: "
                             "it trains the data it started with.")
        return False
    if path is None:
        path = dialogs.get_open_path(parent, "Import data", "", CSV_FILTER)
        if path is None:
            return False
    try:
        points = load_csv_data(path)
    except CsvDataError as exc:
        where = "" if exc.line is None else (
            f"line {exc.line}" + ("" if exc.column is None else f", column {exc.column}"))
        dialogs.show_error(parent, "Import data", f"Cannot import {Path(exc.path).name}"
                           f"{': ' + where if where else ''}:\n{exc.message}")
        return False
    except StudioIOError as exc:
        dialogs.show_error(parent, "Import data", str(exc))
        return False
    error = model.edit(lambda spec: with_points(spec, points),
                       f"Import data from {Path(path).name}")
    if error is not None:  # e.g. more classes than the spec allows: say so, change nothing
        dialogs.show_error(parent, "Import data", f"Cannot use {Path(path).name}: {error}")
        return False
    return True


def export_data(parent: QWidget | None, model: SpecModel, path: str | None = None,
                stem: str = "data") -> bool:
    """Write the data set of ``model.spec`` (generated or custom, with its train/test split)
    as a CSV file (asked when ``path`` is None; ``.csv`` added when it has no suffix).
    Returns whether a file was written."""
    if path is None:
        path = dialogs.get_save_path(parent, "Export data", f"{stem}.csv", CSV_FILTER)
        if path is None:
            return False
        path = dialogs.with_suffix(path, ".csv")
    points, _extent = data_points(model.spec.data)
    if len(points.x) == 0:
        dialogs.show_warning(parent, "Export data", "There are no points to export.")
        return False
    try:
        write_csv_data(path, points)
    except (StudioIOError, OSError) as exc:
        dialogs.show_error(parent, "Export data", f"Cannot write {os.fspath(path)}: {exc}")
        return False
    return True
