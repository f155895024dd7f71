"""Trained weights as safetensors: round trip, compatibility with the real library, bad files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from studio.core import RunSpec
from studio.core.build import build_model
from studio.core.weights import WeightsError, load_weights, save_weights


def test_round_trip_of_a_model_state_dict(tmp_path: Path) -> None:
    sd = build_model(RunSpec()).state_dict()
    path = tmp_path / "w.safetensors"
    save_weights(path, sd, {"spec": "seed"})
    back = load_weights(path)
    assert list(back) == list(sd)
    for name, value in sd.items():
        assert back[name].dtype == value.dtype and torch.equal(back[name], value)


def test_files_open_in_the_reference_reader_both_ways(tmp_path: Path) -> None:
    tensors = {"a": torch.randn(3, 4, dtype=torch.float64), "b": torch.arange(5),
               "c": torch.randn(7)}
    ours = tmp_path / "ours.safetensors"
    save_weights(ours, tensors)
    theirs = load_file(str(ours))
    assert all(torch.equal(theirs[k], v) for k, v in tensors.items())
    reference = tmp_path / "ref.safetensors"
    save_file(tensors, str(reference))
    mine = load_weights(reference)
    assert all(torch.equal(mine[k], v) for k, v in tensors.items())


def test_a_torch_nn_twin_loads_the_file(tmp_path: Path) -> None:
    model = build_model(RunSpec())
    save_weights(tmp_path / "w.safetensors", model.state_dict())
    nn = torch.nn
    twin = nn.Sequential(nn.Linear(2, 25), nn.ReLU(), nn.Linear(25, 25), nn.ReLU(),
                         nn.Linear(25, 25), nn.ReLU(), nn.Linear(25, 2))
    twin.load_state_dict(load_weights(tmp_path / "w.safetensors"))
    x = torch.rand(8, 2)
    assert torch.equal(twin(x).detach(), model(x))


def _file(header: bytes, body: bytes = b"") -> bytes:
    return struct.pack("<Q", len(header)) + header + body


@pytest.mark.parametrize("content, words", [
    (b"abc", "too short"),
    (struct.pack("<Q", 10**9) + b"{}", "runs past the end"),
    (_file(b"nope"), "not valid JSON"),
    (_file(b"[]"), "JSON object"),
    (_file(b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', b"x"), "data_offsets"),
    (_file(b'{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', b"x" * 8),
     "data_offsets"),
    (_file(b'{"w":{"dtype":"Q32","shape":[2],"data_offsets":[0,8]}}', b"x" * 8),
     "supported dtype"),
    (_file(b'{"w":{"shape":[2]}}'), "supported dtype"),
])
def test_malformed_files_raise_a_clear_error(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(WeightsError, match=words):
        load_weights(path)
