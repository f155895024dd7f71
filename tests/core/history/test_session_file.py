"""Session files: everything comes back, Continue is bit-identical, bad files are refused."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from studio.core import LayerSpec, OptimizerSpec, RunSpec, Session, SpecError, save_spec
from studio.core.history import (
    RunHistory,
    SessionDocument,
    SessionFileError,
    Timeline,
    load_any,
    load_session,
    save_session,
)

SPEC = RunSpec(layers=(LayerSpec(8), LayerSpec(8, "tanh")), epochs=15, batch_size=48,
               name="small")
ADAM = dataclasses.replace(SPEC, optimizer=OptimizerSpec(name="adam", lr=0.01))
METRICS = ("epoch", "train_loss", "test_loss", "train_acc", "test_acc", "steps")


def _metrics(reports) -> list[tuple]:
    return [tuple(getattr(r, m) for m in METRICS) for r in reports]


def _weights_equal(a: Session, b: Session) -> bool:
    wa, wb = a.model.state_dict(), b.model.state_dict()
    return wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)


@pytest.mark.parametrize("spec", [SPEC, ADAM], ids=["sgd-momentum", "adam"])
@pytest.mark.parametrize("extra_batches", [0, 3], ids=["epoch-end", "mid-epoch"])
def test_save_load_continue_equals_one_straight_run(tmp_path: Path, spec: RunSpec,
                                                    extra_batches: int) -> None:
    straight = Session(spec)
    expected = list(straight.run(15))
    session = Session(spec)
    list(session.run(10))
    for _ in range(extra_batches):  # stopped inside an epoch: the file keeps the position
        session.run_batch()
    save_session(tmp_path / "run.mdls", SessionDocument.capture(session))
    del session
    resumed = load_session(tmp_path / "run.mdls").resume()
    assert _metrics(resumed.run(15)) == _metrics(expected[10:])
    assert _weights_equal(resumed, straight)


def _document() -> tuple[SessionDocument, Session]:
    session = Session(SPEC)
    history, timeline = RunHistory(), Timeline(bound_bytes=10_000)  # forces thinning
    run = history.start(SPEC)
    for until in (3, 6):
        for report in session.run(until, grid_every=0):
            history.append(run.run_id, report)
            timeline.record(report, session.weights())
        if until == 3:  # settings change after epoch 3: a marker, a pinned snapshot
            timeline.mark_fork()
            history.fork(run.run_id, dataclasses.replace(SPEC, optimizer=OptimizerSpec(lr=0.03)))
    history.rename(run.run_id, "first try")
    second = history.start(dataclasses.replace(SPEC, epochs=20))
    history.append(second.run_id, next(iter(session.run(7, grid_every=0))))
    return SessionDocument.capture(session, history, timeline), session


def test_runs_timeline_and_spec_come_back(tmp_path: Path) -> None:
    doc, _ = _document()
    path = tmp_path / "s.mdls"
    save_session(path, doc)
    with zipfile.ZipFile(path) as archive:  # JSON and safetensors only: nothing executable
        assert sorted(archive.namelist()) == ["live.safetensors", "manifest.json",
                                              "timeline.safetensors"]
    back = load_session(path)
    assert back.spec == doc.spec
    for a, b in zip(doc.history.runs, back.history.runs, strict=True):
        assert (a.run_id, a.name, a.spec, a.diff, a.markers, a.parent) == \
               (b.run_id, b.name, b.spec, b.diff, b.markers, b.parent)
        assert a.reports == b.reports and a.duration_s == b.duration_s
    assert back.history[1].markers[0].label == "lr 0.1 → 0.03"
    assert back.history[2].diff == ("lr 0.03 → 0.1", "epochs 15 → 20")
    tl, tb = doc.timeline, back.timeline
    assert tb.kept_epochs == tl.kept_epochs and 3 in tb.kept_epochs and tl.stride > 1
    assert tb.reports == tl.reports and tb.stride == tl.stride and tb.nbytes == tl.nbytes
    assert [e.fork for e in tb.entries] == [e.fork for e in tl.entries]
    for epoch in tl.kept_epochs:
        for name, array in tl.entry(epoch).weights.items():
            assert tb.entry(epoch).weights[name].tobytes() == array.tobytes()


def _rewrite(path: Path, member: str, change) -> None:
    """Rewrite one member of the archive with ``change(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    if change is None:
        del members[member]
    else:
        members[member] = change(members[member])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def _manifest(edit):
    def change(data: bytes) -> bytes:
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()
    return change


@pytest.mark.parametrize(("member", "change", "words"), [
    ("manifest.json", _manifest(lambda m: m.update(schema_version=99)), "schema_version 99"),
    ("manifest.json", _manifest(lambda m: m.pop("runs")), "manifest.json.runs: missing"),
    ("manifest.json", _manifest(lambda m: m.update(format="other")), "format"),
    ("manifest.json", lambda d: d[:-20], "manifest.json: not valid JSON"),
    ("manifest.json", _manifest(lambda m: m["runs"][0]["reports"]["test_acc"].pop()),
     "runs[0].reports.test_acc: 5 values, expected 6"),
    ("manifest.json", _manifest(lambda m: m["runs"][1].update(name=3)), "runs[1].name"),
    ("manifest.json", _manifest(lambda m: m["spec"]["optimizer"].update(lr=-1)),
     "spec: optimizer.lr"),
    ("manifest.json", _manifest(lambda m: m["live"].update(epoch="10")), "live.epoch"),
    ("manifest.json", _manifest(lambda m: m["timeline"]["kept"].append(99)),
     "no weights for epoch 99"),
    ("live.safetensors", lambda d: d[:-5], "live.safetensors: not a valid safetensors"),
    ("timeline.safetensors", None, "timeline.safetensors: missing"),
])
def test_damaged_files_raise_an_error_naming_the_part(tmp_path: Path, member, change,
                                                      words) -> None:
    path = tmp_path / "s.mdls"
    save_session(path, _document()[0])
    _rewrite(path, member, change)
    with pytest.raises(SessionFileError) as info:
        load_session(path)
    assert words in str(info.value) and "s.mdls" in str(info.value)


def test_a_truncated_or_foreign_file_is_not_a_session(tmp_path: Path) -> None:
    path = tmp_path / "s.mdls"
    save_session(path, _document()[0])
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(SessionFileError, match="not a complete zip archive"):
        load_session(path)
    path.write_bytes(b"hello")
    with pytest.raises(SessionFileError, match="not a complete zip"):
        load_session(path)


def test_live_weights_of_another_architecture_are_refused_on_resume(tmp_path: Path) -> None:
    doc, _ = _document()
    wider = dataclasses.replace(doc.live, spec=dataclasses.replace(SPEC, layers=(LayerSpec(9),)))
    path = tmp_path / "s.mdls"
    save_session(path, dataclasses.replace(doc, live=wider))
    with pytest.raises(SessionFileError, match="does not fit the spec"):
        load_session(path).resume()


def test_load_any_opens_old_spec_files_and_session_files(tmp_path: Path) -> None:
    save_spec(tmp_path / "old.json", SPEC)
    old = load_any(tmp_path / "old.json")
    assert old.spec == SPEC and len(old.history) == 0 and old.live is None
    assert len(old.timeline) == 0
    with pytest.raises(SessionFileError, match="no live run"):
        old.resume()
    doc, session = _document()
    save_session(tmp_path / "s.mdls", doc)
    back = load_any(tmp_path / "s.mdls")
    assert len(back.history) == 2 and back.live.epoch == session.epoch
    (tmp_path / "bad.json").write_text("{nope")
    with pytest.raises(SpecError, match="invalid JSON"):
        load_any(tmp_path / "bad.json")


def test_saving_replaces_the_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "s.mdls"
    save_session(path, SessionDocument(SPEC))
    save_session(path, _document()[0])
    assert len(load_session(path).history) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["s.mdls"]  # no temp file left
    assert np.asarray(load_session(path).live.rng_state).dtype == np.uint8
