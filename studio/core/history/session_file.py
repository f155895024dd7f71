"""Session files (``.mdls``): the spec, the runs, the timeline and the live run, in one zip.

Layout (a plain zip archive; nothing in it is executed or unpickled)::

    manifest.json        {"format": "minidl-studio session", "schema_version": 1, "spec": ...,
                          "runs": [...], "timeline": {...}, "live": {...} | null}
    live.safetensors     the live run: "weights/<name>", "optimizer/<i>/<key>", "rng"
    timeline.safetensors the kept snapshots: "<epoch>/<name>"

The manifest holds the curves (by column), names, diffs, fork markers, counters and the
optimiser's settings; tensors go to safetensors files (the real ``safetensors`` package).
The archive is built in memory and written atomically
(:func:`~studio.core.io.atomic_write_bytes`). Restoring ``live`` and training on gives the
same numbers, bit for bit, as never having closed the file. :func:`load_any` also opens the
single-spec JSON files of earlier versions.
"""

from __future__ import annotations

import io
import json
import numbers
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import safetensors.numpy
import torch

from studio.core.build import Dataset
from studio.core.io import atomic_write_bytes, load_spec
from studio.core.session import Session, Snapshot
from studio.core.spec import RunSpec, to_dict

from . import codec
from .codec import SessionFileError, read_reports, read_run, read_spec, write_reports, write_run
from .runs import RunHistory
from .timeline import Timeline, TimelineEntry

__all__ = ["FORMAT", "MAX_MEMBER_BYTES", "SESSION_SCHEMA_VERSION", "SUFFIX", "SessionDocument",
           "SessionFileError", "load_any", "load_session", "save_session"]

FORMAT = "minidl-studio session"
SESSION_SCHEMA_VERSION = 1
SUFFIX = ".mdls"
#: Largest member we inflate: a damaged or hostile size field must not exhaust memory.
MAX_MEMBER_BYTES = 2**31
_MEMBERS = ("manifest.json", "live.safetensors", "timeline.safetensors")


@dataclass(frozen=True)
class SessionDocument:
    """What a session file holds (and what the window shows after opening one).

    Attributes
    ----------
    spec : RunSpec
        The spec in the editor.
    history : RunHistory
        Every run of the session.
    timeline : Timeline
        The current run's epochs and kept snapshots.
    live : Snapshot or None
        Where the live run stands; :meth:`resume` continues it. None for an old spec file.
    """

    spec: RunSpec
    history: RunHistory = field(default_factory=RunHistory)
    timeline: Timeline = field(default_factory=Timeline)
    live: Snapshot | None = None

    @classmethod
    def capture(cls, session: Session, history: RunHistory | None = None,
                timeline: Timeline | None = None) -> SessionDocument:
        """A document of ``session`` as it stands now (with its history and timeline)."""
        return cls(session.spec, history or RunHistory(), timeline or Timeline(),
                   session.snapshot())

    def resume(self, data: Dataset | None = None) -> Session:
        """A session restored to :attr:`live`: ``run(more)`` continues it exactly.

        Raises
        ------
        SessionFileError
            There is no live run, or its tensors do not fit its spec's model.
        """
        if self.live is None:
            raise SessionFileError("this document has no live run to continue")
        session = Session(self.live.spec, data=data)
        try:
            session.restore(self.live)
        except (RuntimeError, ValueError, KeyError) as exc:
            raise SessionFileError(f"live.safetensors: does not fit the spec: {exc}") from None
        return session


# -- writing ----------------------------------------------------------------------------------
def _live(snap: Snapshot) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    tensors = {f"weights/{k}": v.numpy() for k, v in snap.weights.items()}
    tensors["rng"] = snap.rng_state.numpy()
    scalars: dict[str, dict[str, float]] = {}
    for i, state in snap.optimizer_state["state"].items():
        for key, value in state.items():
            if value.dim() > 0:
                tensors[f"optimizer/{i}/{key}"] = value.detach().cpu().numpy()
            else:  # torch keeps step counts as 0-d tensors; a JSON number is enough
                scalars.setdefault(str(i), {})[key] = value.item()
    groups = [{k: list(v) if isinstance(v, tuple) else v for k, v in g.items()}
              for g in snap.optimizer_state["param_groups"]]
    meta = {"spec": to_dict(snap.spec), "epoch": snap.epoch, "steps": snap.steps,
            "elapsed_s": snap.elapsed_s, "batch_index": snap.batch_index,
            "optimizer": {"param_groups": groups, "scalars": scalars}}
    return meta, tensors


def save_session(path: str | os.PathLike, doc: SessionDocument) -> None:
    """Write ``doc`` to ``path`` (conventionally ``*.mdls``) atomically."""
    timeline = doc.timeline
    manifest: dict[str, Any] = {
        "format": FORMAT, "schema_version": SESSION_SCHEMA_VERSION, "spec": to_dict(doc.spec),
        "runs": [write_run(run) for run in doc.history.runs],
        "timeline": {"bound_bytes": timeline.bound_bytes, "stride": timeline.stride,
                     "reports": write_reports(timeline.reports),
                     "forks": [e.epoch for e in timeline.entries if e.fork],
                     "kept": list(timeline.kept_epochs)},
        "live": None}
    snapshots = {f"{e.epoch}/{k}": np.ascontiguousarray(v)
                 for e in timeline.entries if e.weights is not None for k, v in e.weights.items()}
    live: dict[str, np.ndarray] = {}
    if doc.live is not None:
        manifest["live"], live = _live(doc.live)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # JSON compresses well; float tensors barely do, so they are stored as they are.
        archive.writestr("manifest.json", json.dumps(manifest, indent=1),
                         compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("live.safetensors", safetensors.numpy.save(live))
        archive.writestr("timeline.safetensors", safetensors.numpy.save(snapshots))
    atomic_write_bytes(path, buffer.getvalue())


# -- reading ----------------------------------------------------------------------------------
def _members(path: str | os.PathLike) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as archive:
            out = {}
            for name in _MEMBERS:
                try:
                    info = archive.getinfo(name)
                except KeyError:
                    raise SessionFileError(f"{name}: missing from the archive") from None
                if info.file_size > MAX_MEMBER_BYTES:
                    raise SessionFileError(f"{name}: {info.file_size} bytes is over the "
                                           f"{MAX_MEMBER_BYTES}-byte limit")
                try:
                    out[name] = archive.read(name)
                except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                    raise SessionFileError(f"{name}: damaged ({exc})") from None
            return out
    except zipfile.BadZipFile as exc:
        raise SessionFileError(f"not a session file: not a complete zip archive ({exc})") from None


def _tensors(data: bytes, member: str) -> dict[str, np.ndarray]:
    try:
        return safetensors.numpy.load(data)
    except Exception as exc:  # SafetensorError has no public import path
        raise SessionFileError(f"{member}: not a valid safetensors file ({exc})") from None


def _tensor(tensors: Mapping[str, np.ndarray], key: str, member: str) -> torch.Tensor:
    if key not in tensors:
        raise SessionFileError(f"{member}: tensor {key!r} missing")
    return torch.from_numpy(np.array(tensors[key]))


def _index(text: str, where: str) -> int:
    if not text.isdigit():
        raise SessionFileError(f"{where}: {text!r} is not a parameter index")
    return int(text)


def _read_live(raw: Any, tensors: dict[str, np.ndarray]) -> Snapshot:
    where, member = "manifest.json: live", "live.safetensors"
    spec = read_spec(codec.field(raw, "spec", dict, where), f"{where}.spec")
    opt = codec.field(raw, "optimizer", dict, where)
    groups = []
    for i, group in enumerate(codec.field(opt, "param_groups", list, f"{where}.optimizer")):
        codec.field({"group": group}, "group", dict, f"{where}.optimizer.param_groups[{i}]")
        # JSON has no tuples: betas come back as a list.
        groups.append({k: tuple(v) if isinstance(v, list) and k != "params" else v
                       for k, v in group.items()})
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key in tensors:
        if key.startswith("optimizer/"):
            _, index, name = (*key.split("/", 2), "")[:3]
            state.setdefault(_index(index, f"{member}: {key}"), {})[name] = _tensor(
                tensors, key, member)
    scalars = codec.field(opt, "scalars", dict, f"{where}.optimizer")
    for index, values in scalars.items():
        at = f"{where}.optimizer.scalars.{index}"
        for name in codec.field(scalars, index, dict, f"{where}.optimizer.scalars"):
            number = codec.field(values, name, numbers.Real, at)
            state.setdefault(_index(index, at), {})[name] = torch.tensor(float(number))
    weights = {k.removeprefix("weights/"): _tensor(tensors, k, member)
               for k in tensors if k.startswith("weights/")}
    return Snapshot(spec=spec, epoch=codec.field(raw, "epoch", int, where),
                    steps=codec.field(raw, "steps", int, where),
                    elapsed_s=float(codec.field(raw, "elapsed_s", numbers.Real, where)),
                    batch_index=codec.field(raw, "batch_index", int, where),
                    weights=MappingProxyType(weights),
                    optimizer_state={"state": state, "param_groups": groups},
                    rng_state=_tensor(tensors, "rng", member))


def _read_timeline(raw: Any, tensors: dict[str, np.ndarray]) -> Timeline:
    where = "manifest.json: timeline"
    reports = read_reports(codec.field(raw, "reports", dict, where), f"{where}.reports")
    forks = set(codec.field(raw, "forks", list, where))
    kept = set(codec.field(raw, "kept", list, where))
    weights: dict[int, dict[str, np.ndarray]] = {}
    for key, array in tensors.items():
        epoch, _, name = key.partition("/")
        if not epoch.isdigit() or int(epoch) not in kept:
            raise SessionFileError(f"timeline.safetensors: tensor {key!r} is not a kept epoch")
        weights.setdefault(int(epoch), {})[name] = array
    missing = kept - set(weights)
    if missing:
        raise SessionFileError(f"timeline.safetensors: no weights for epoch {min(missing)}")
    entries = [TimelineEntry(r.epoch, r, weights.get(r.epoch), r.epoch in forks)
               for r in reports]
    try:
        return Timeline.from_entries(entries, codec.field(raw, "bound_bytes", int, where),
                                     codec.field(raw, "stride", int, where))
    except ValueError as exc:
        raise SessionFileError(f"{where}: {exc}") from None


def load_session(path: str | os.PathLike) -> SessionDocument:
    """Read a file written by :func:`save_session`.

    Raises
    ------
    SessionFileError
        Not a zip, a member missing or damaged, another format or version, or a manifest
        entry of the wrong shape; the message names the file and the part.
    OSError
        The file cannot be read.
    """
    try:
        members = _members(path)
        try:
            manifest = json.loads(members["manifest.json"])
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise SessionFileError(f"manifest.json: not valid JSON ({exc})") from None
        if codec.field(manifest, "format", str, "manifest.json") != FORMAT:
            raise SessionFileError(f"manifest.json: format is not {FORMAT!r}")
        version = codec.field(manifest, "schema_version", int, "manifest.json")
        if version != SESSION_SCHEMA_VERSION:
            raise SessionFileError(f"manifest.json: schema_version {version} is not supported "
                                   f"(this studio reads {SESSION_SCHEMA_VERSION})")
        spec = read_spec(codec.field(manifest, "spec", dict, "manifest.json"),
                         "manifest.json: spec")
        runs = tuple(read_run(run, f"manifest.json: runs[{i}]") for i, run
                     in enumerate(codec.field(manifest, "runs", list, "manifest.json")))
        timeline = _read_timeline(codec.field(manifest, "timeline", dict, "manifest.json"),
                                  _tensors(members["timeline.safetensors"],
                                           "timeline.safetensors"))
        live = manifest.get("live")
        if live is not None:
            live = _read_live(live, _tensors(members["live.safetensors"], "live.safetensors"))
    except SessionFileError as exc:
        raise SessionFileError(f"{os.fspath(path)!r}: {exc}") from None
    return SessionDocument(spec, RunHistory(runs), timeline, live)


def load_any(path: str | os.PathLike) -> SessionDocument:
    """Open a session file, or an old single-spec JSON file as a document with no runs.

    Raises
    ------
    SessionFileError
        A damaged session file.
    SpecError, StudioIOError
        A bad or unreadable spec file (:func:`~studio.core.io.load_spec`).
    """
    try:
        with open(path, "rb") as fh:
            is_zip = fh.read(4) == b"PK\x03\x04"
    except OSError:
        is_zip = False  # load_spec reports the problem with its usual message
    return load_session(path) if is_zip else SessionDocument(load_spec(path))
