"""Trained weights as safetensors: round trip, compatibility with the real library, bad files."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from studio.core import RunSpec
from studio.core.build import build_model
from studio.core.weights import WeightsError, load_weights, load_weights_metadata, save_weights


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
    (b"abc", "header too small"),
    (struct.pack("<Q", 10**9) + b"{}", "header too large"),
    (_file(b"nope"), "invalid JSON"),
    (_file(b"[]"), "invalid JSON"),
    (_file(b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', b"x"), "not fully covered"),
    (_file(b'{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', b"x" * 8),
     "invalid shape, data type, or offset"),
    (_file(b'{"w":{"dtype":"Q32","shape":[2],"data_offsets":[0,8]}}', b"x" * 8),
     "unknown variant `Q32`"),
    (_file(b'{"w":{"shape":[2]}}'), "missing field `dtype`"),
    (_file(b'{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}', b"x" * 4),
     "w: dtype float16 is not supported"),
])
def test_malformed_files_raise_a_clear_error(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(WeightsError, match=words) as error:
        load_weights(path)
    assert str(error.value).startswith("bad.safetensors: ")  # the dialog names the file


def test_a_missing_file_is_a_weights_error(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="gone.safetensors: cannot be read"):
        load_weights(tmp_path / "gone.safetensors")


def test_order_and_metadata_survive_and_files_without_an_order_load_in_file_order(
        tmp_path: Path) -> None:
    tensors = {"z.weight": torch.ones(2), "a.bias": torch.zeros(3, dtype=torch.float64)}
    save_weights(tmp_path / "ours.safetensors", tensors, {"epochs_trained": "7"})
    assert list(load_weights(tmp_path / "ours.safetensors")) == ["z.weight", "a.bias"]
    assert load_weights_metadata(tmp_path / "ours.safetensors") == {"epochs_trained": "7"}
    save_file(tensors, str(tmp_path / "plain.safetensors"))  # no order recorded
    assert sorted(load_weights(tmp_path / "plain.safetensors")) == ["a.bias", "z.weight"]
