"""The open file: path, dirty flag, atomic save/save-as, recent files (no window needed)."""

from __future__ import annotations

import dataclasses

import pytest

from studio.core import RunSpec, load_spec
from studio.gui.document import MAX_RECENT, Document, RecentFiles
from studio.gui.setup.spec_model import SpecModel


@pytest.fixture
def document(qtbot) -> Document:
    return Document(SpecModel(RunSpec()))


def test_dirty_flag_follows_edits_and_saves(document, qtbot, tmp_path):
    assert not document.is_dirty and document.title() == "untitled — minidl-studio"
    with qtbot.waitSignal(document.changed, timeout=1000):
        document.model.set_spec(dataclasses.replace(document.model.spec, epochs=7))
    assert document.is_dirty and document.title() == "untitled* — minidl-studio"
    with qtbot.waitSignal(document.changed, timeout=1000):
        document.save_as(tmp_path / "a.json")
    assert not document.is_dirty
    document.model.undo_stack.undo()  # back past the save: unsaved again
    assert document.is_dirty


def test_save_as_sets_the_path_and_writes_the_spec(document, tmp_path, monkeypatch):
    document.model.set_spec(dataclasses.replace(document.model.spec, name="mine"))
    monkeypatch.chdir(tmp_path)
    document.save_as("mine.json")  # a relative path is remembered absolute
    assert document.path == (tmp_path / "mine.json").resolve()
    assert load_spec(document.path) == document.model.spec
    assert document.title() == "mine.json — minidl-studio"
    assert document.stem() == "mine" and document.suggested_path() == str(document.path)
    assert list(tmp_path.iterdir()) == [tmp_path / "mine.json"]  # no temp file left behind


def test_save_of_an_untitled_document_needs_a_path(document):
    with pytest.raises(ValueError, match="save_as"):
        document.save()


def test_an_unwritable_path_keeps_the_document_as_it_was(document, tmp_path):
    document.model.set_spec(dataclasses.replace(document.model.spec, epochs=3))
    with pytest.raises(OSError):
        document.save_as(tmp_path / "missing_dir" / "x.json")
    assert document.path is None and document.is_dirty
    assert document.recent.paths() == []


def test_replace_with_an_example_is_untitled_and_clean(document):
    document.model.set_spec(dataclasses.replace(document.model.spec, epochs=3))
    document.replace(RunSpec(epochs=5), example="seed_a")
    assert document.path is None and not document.is_dirty
    assert document.model.spec.epochs == 5
    assert document.display_name() == "seed_a (example)"
    assert document.suggested_path() == "seed_a.json"


def test_recent_list_is_newest_first_without_duplicates_and_bounded(document, tmp_path):
    paths = [tmp_path / f"{i}.json" for i in range(3)]
    for path in paths:
        document.save_as(path)
    document.replace(RunSpec(), paths[0])  # opening an older file moves it to the front
    assert document.recent.paths() == [str(paths[0]), str(paths[2]), str(paths[1])]
    recent = RecentFiles()
    for i in range(MAX_RECENT + 3):
        recent.add(tmp_path / f"r{i}.json")
    assert len(recent.paths()) == MAX_RECENT
    assert recent.paths()[0] == str(tmp_path / f"r{MAX_RECENT + 2}.json")
