"""Session.weights() copies a packed minidl model's buffer once; the values are unchanged."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from studio.core import RunSpec, Session
from studio.core.snapshot import frozen_array, frozen_arrays, packed_layout


def _expected(session: Session) -> dict[str, np.ndarray]:
    return {name: frozen_array(t) for name, t in session.model.state_dict().items()}


def test_weights_equal_per_tensor_copies_and_are_read_only():
    session = Session(RunSpec())
    assert packed_layout(session.model.state_dict()) is not None  # the fast path is taken
    weights, expected = session.weights(), _expected(session)
    assert list(weights) == list(expected)
    for name, array in weights.items():
        assert array.shape == expected[name].shape and array.dtype == expected[name].dtype
        np.testing.assert_array_equal(array, expected[name])
        assert not array.flags.writeable
        with pytest.raises(ValueError):
            array[...] = 0


def test_weights_are_a_copy_that_training_does_not_change():
    session = Session(RunSpec())
    before = session.weights()
    saved = {name: array.copy() for name, array in before.items()}
    session.run_batch()
    for name, array in before.items():
        np.testing.assert_array_equal(array, saved[name])
    after = session.weights()
    assert any(not np.array_equal(after[n], saved[n]) for n in saved)
    for name, array in _expected(session).items():
        np.testing.assert_array_equal(after[name], array)


def test_weights_follow_rebound_parameters():
    session = Session(RunSpec())
    session.weights()  # caches the layout
    session.model.to(dtype=torch.float64)  # new tensors (repacked): the layout is found again
    weights = session.weights()
    for name, array in _expected(session).items():
        assert weights[name].dtype == np.float64
        np.testing.assert_array_equal(weights[name], array)


def test_unpacked_tensors_are_copied_one_by_one():
    tensors = {"a": torch.arange(6.0).view(2, 3), "b": torch.ones(3)}
    assert packed_layout(tensors) is None
    arrays = frozen_arrays(tensors)
    np.testing.assert_array_equal(arrays["a"], tensors["a"].numpy())
    assert not arrays["b"].flags.writeable
    big = torch.zeros(10_000)  # views of a big parent are not worth copying whole
    assert packed_layout({"x": big[:3], "y": big[3:6]}) is None
