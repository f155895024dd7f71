"""Input features: computed once from raw points, for training, test and grids alike."""

from __future__ import annotations

import math

import pytest
import torch

import minidl.data
from studio.core import DataSpec, RunSpec, Session, from_json, make_data, to_json
from studio.core.evaluation import grid_points
from studio.core.examples import load_example
from studio.core.features import UNIT_FRAME, FeatureMap, Frame, frame_of
from studio.core.spec import SpecError

ALL = ("x", "y", "x2", "y2", "xy", "sin_x", "sin_y")


def _by_hand(points: torch.Tensor, frame: Frame = UNIT_FRAME) -> torch.Tensor:
    rows = []
    for px, py in points.tolist():
        u, v = (px - frame.cx) / frame.half, (py - frame.cy) / frame.half
        rows.append([px, py, u * u, v * v, u * v, math.sin(math.pi * u), math.sin(math.pi * v)])
    return torch.tensor(rows, dtype=torch.float64)


def test_feature_map_equals_a_hand_computation() -> None:
    points = torch.tensor([[0.0, 0.0], [0.5, 0.5], [0.25, 0.9], [1.3, -0.2]], dtype=torch.float64)
    torch.testing.assert_close(FeatureMap(ALL)(points), _by_hand(points), rtol=0, atol=1e-15)
    frame = Frame(2.0, -1.0, 3.0)
    torch.testing.assert_close(FeatureMap(ALL, frame)(points), _by_hand(points, frame),
                               rtol=0, atol=1e-15)
    assert FeatureMap(("x2", "sin_y"))(points).shape == (4, 2)
    assert FeatureMap()(points) is points  # the default is the raw input itself


def test_frame_of_is_the_bounding_square() -> None:
    assert frame_of(torch.tensor([[0.0, 1.0], [4.0, 2.0]])) == Frame(2.0, 1.5, 2.0)
    assert frame_of(torch.tensor([[3.0, 3.0]])) == Frame(3.0, 3.0, 0.5)


def test_make_data_standardises_the_features_of_the_raw_points() -> None:
    spec = DataSpec(name="spiral", classes=3, features=["sin_x", "x", "x2"], n_train=300,
                    n_test=200)
    assert spec.features == ("x", "x2", "sin_x")  # stored in one order, whatever was typed
    data = make_data(spec, "float64")
    hand = _by_hand(data.raw_train)[:, [0, 2, 5]]
    mean, std = hand.mean(0), hand.std(0)
    torch.testing.assert_close(data.x_train, (hand - mean) / std, rtol=0, atol=1e-12)
    hand_test = _by_hand(data.raw_test)[:, [0, 2, 5]]
    torch.testing.assert_close(data.x_test, (hand_test - mean) / std, rtol=0, atol=1e-12)
    assert RunSpec(data=spec).sizes == (3, 25, 25, 25, 3)


def test_grid_points_go_through_the_same_features() -> None:
    data = make_data(DataSpec(features=("x", "y", "xy", "y2")), "float64")
    size = 5
    centres = (torch.arange(size, dtype=torch.float64) + 0.5) / size
    ys, xs = torch.meshgrid(centres, centres, indexing="ij")
    pixels = torch.stack((xs.reshape(-1), ys.reshape(-1)), 1)
    hand = _by_hand(pixels)[:, [0, 1, 3, 4]]  # stored order: x, y, y2, xy
    expected = (hand - data.mean) / data.std
    torch.testing.assert_close(data.grid_inputs(size), expected, rtol=0, atol=1e-12)
    torch.testing.assert_close(data.model_inputs(pixels), expected, rtol=0, atol=1e-12)


def test_default_features_keep_the_original_inputs_bitwise() -> None:
    data = make_data(DataSpec(), "float32")
    raw, _ = minidl.data.disk(1000, seed=0, dtype=torch.float64)
    _, _, x_train = minidl.data.standardize(raw)
    assert torch.equal(data.x_train, x_train.float())
    assert torch.equal(data.grid_inputs(16), grid_points(16, data.mean, data.std))
    centres = (torch.arange(16, dtype=torch.float64) + 0.5) / 16
    ys, xs = torch.meshgrid(centres, centres, indexing="ij")
    old = torch.stack((xs.reshape(-1), ys.reshape(-1)), 1).float()
    assert torch.equal(data.grid_inputs(16), (old - data.mean) / data.std)


def test_features_and_classes_round_trip_through_json() -> None:
    spec = RunSpec(data=DataSpec(name="gaussians", classes=6, features=("y2", "x", "xy"),
                                 noise=0.25, test_fraction=0.3))
    back = from_json(to_json(spec))
    assert back == spec and back.data.features == ("x", "y2", "xy") and back.sizes[0] == 3


@pytest.mark.parametrize(("features", "words"), [
    ([], "at least one feature"), (["x", "x"], "lists a feature twice"),
    (["x", "z"], "unknown feature 'z'"), ("x", "must be a list of features")])
def test_bad_features_are_spec_errors(features, words: str) -> None:
    with pytest.raises(SpecError, match=words) as info:
        DataSpec(features=features)
    assert info.value.path == "features"


def test_a_circle_is_linearly_separable_in_x2_y2() -> None:
    spec = load_example("x2_y2")
    assert spec.layers == () and spec.data.features == ("x2", "y2") and spec.sizes == (2, 2)
    report = list(Session(spec).run(grid_every=0))[-1]
    assert report.test_acc > 0.95
    no_features = RunSpec(layers=(), data=DataSpec(), epochs=spec.epochs,
                          optimizer=spec.optimizer)
    assert list(Session(no_features).run(grid_every=0))[-1].test_acc < 0.8  # x, y: a line
