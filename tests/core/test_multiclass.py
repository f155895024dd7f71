"""k classes, noise in class-gap units, inline custom points, schema v1 files, boundaries."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

import minidl.data
from studio.core import DataSpec, RunSpec, Session, SpecError, from_json, load_spec, make_data
from studio.core.boundary import true_boundary
from studio.core.build import noise_scale, targets_for
from studio.core.examples import load_example
from studio.core.spec import to_dict

V1_SEED_A = Path(__file__).parent / "data" / "seed_a_v1.json"


def test_three_arm_spiral_trains_with_the_default_net() -> None:
    spec = RunSpec(data=DataSpec(name="spiral", classes=3))  # 3x25 ReLU, SGD 0.1/0.2, 200 ep.
    assert spec.sizes == (2, 25, 25, 25, 3)
    reports = list(Session(spec).run(grid_every=50))
    assert reports[-1].test_acc > 0.95
    last = reports[-1]
    assert last.grid is None  # P(class 1) means nothing for three classes
    assert last.class_grid.shape == (64, 64) and last.class_grid.dtype == np.uint8
    assert set(np.unique(last.class_grid)) == {0, 1, 2}
    assert last.confidence_grid.dtype == np.float32 and not last.confidence_grid.flags.writeable
    assert float(last.confidence_grid.min()) >= 1 / 3 - 1e-6


def test_mse_regresses_one_hot_k_targets() -> None:
    spec = RunSpec(loss="mse", data=DataSpec(name="gaussians", classes=4, n_train=400,
                                             n_test=400), epochs=30)
    session = Session(spec)
    assert session.t_train.shape == (400, 4)
    assert torch.equal(session.t_train.argmax(1), session.data.y_train)
    assert list(session.run(grid_every=0))[-1].test_acc > 0.9
    assert targets_for("cross_entropy", session.data.y_train) is session.data.y_train


def test_two_classes_keep_the_p1_grid_and_agree_with_the_class_grid() -> None:
    session = Session(dataclasses.replace(load_example("seed_a"), epochs=3))
    report = list(session.run(grid_every=3, grid_size=32))[-1]
    assert np.array_equal(report.grid, session.predict_grid(32))
    classes, confidence = session.predict_classes(32)
    assert np.array_equal(classes, report.class_grid)
    assert np.array_equal(classes == 1, report.grid > 0.5)
    assert np.allclose(confidence, np.maximum(report.grid, 1 - report.grid), atol=1e-6)


@pytest.mark.parametrize("name", ["disk", "xor"])
def test_disk_and_xor_have_two_classes(name: str) -> None:
    with pytest.raises(SpecError, match=f"the {name} set has 2 classes, got 3") as info:
        from_json(json.dumps({"schema_version": 2, "data": {"name": name, "classes": 3}}))
    assert info.value.path == "data.classes"


def test_a_version_1_file_loads_identically() -> None:
    assert json.loads(V1_SEED_A.read_text("utf-8"))["schema_version"] == 1
    old = load_spec(V1_SEED_A)
    assert old == load_example("seed_a")
    assert to_dict(old)["schema_version"] == 2 and from_json(json.dumps(to_dict(old))) == old


def test_noise_zero_is_the_original_data_and_noise_is_in_class_gaps() -> None:
    data = make_data(DataSpec(name="spiral"), "float64")
    raw, _ = minidl.data.spiral(1000, seed=0, dtype=torch.float64)
    assert torch.equal(data.raw_train, raw)
    assert noise_scale("disk") == minidl.data.DISK_RADIUS and noise_scale("xor") == 0.5
    assert noise_scale("spiral", 2) == pytest.approx(0.4 / 3)
    assert noise_scale("spiral", 4) == pytest.approx(0.4 / 6)
    assert noise_scale("gaussians", 2) == pytest.approx(0.4 * math.sqrt(2))
    # Jitter std = noise x the class gap: a clean and a noisy draw differ by exactly that.
    noisy = make_data(DataSpec(name="spiral", noise=0.5), "float64")
    jitter = (noisy.raw_train - raw).std()
    assert float(jitter) == pytest.approx(0.5 * 0.4 / 3, rel=0.05)


def _points(n: int = 200, split: bool = False) -> tuple:
    rng = np.random.default_rng(0)
    xy = rng.uniform(-3.0, 5.0, size=(n, 2))
    labels = (xy[:, 0] > 1.0).astype(int) + (xy[:, 1] > 1.0).astype(int)  # 3 bands
    return tuple((float(x), float(y), int(c)) + (("test" if i % 4 == 0 else "train",)
                                                 if split else ())
                 for i, ((x, y), c) in enumerate(zip(xy, labels, strict=True)))


def test_custom_points_train_and_split_by_seeded_fraction() -> None:
    spec = DataSpec(name="custom", classes=3, points=_points(), test_fraction=0.25, seed=7)
    data = make_data(spec, "float64")
    assert (data.x_train.shape[0], data.x_test.shape[0]) == (150, 50)
    again = make_data(spec, "float64")
    assert torch.equal(data.raw_test, again.raw_test)  # seeded: always the same split
    x0, x1, y0, y1 = data.extent
    assert x0 < float(data.raw_train[:, 0].min()) and x1 > float(data.raw_train[:, 0].max())
    assert x1 - x0 == pytest.approx(y1 - y0)  # a square view
    run = RunSpec(data=spec, epochs=60, optimizer=dataclasses.replace(RunSpec().optimizer))
    assert list(Session(run).run(grid_every=0))[-1].test_acc > 0.9
    back = from_json(json.dumps(to_dict(run)))
    assert back == run and back.data.points == spec.points


def test_custom_points_with_their_own_split() -> None:
    spec = DataSpec(name="custom", classes=3, points=_points(split=True))
    data = make_data(spec, "float64")
    assert data.x_test.shape[0] == 50


@pytest.mark.parametrize(("data", "path", "words"), [
    ({"name": "custom", "points": [[0, 0, 0], [1, 1, 0]]}, "data.points",
     "at least two classes"),
    ({"name": "custom", "points": [[0, 0, 0]]}, "data.points", "one training and one test"),
    ({"name": "disk", "points": [[0, 0, 0]]}, "data.points", "only a 'custom' data set"),
    ({"name": "custom", "points": [[0, "a", 0]]}, "data.points[0]", "must be numbers"),
    ({"name": "custom", "points": [[0, 0, 0, "val"]]}, "data.points[0]", "split must be"),
    ({"name": "custom", "class_names": ["a"]}, "data.class_names", "all 2 classes or none"),
])
def test_bad_custom_data(data: dict, path: str, words: str) -> None:
    with pytest.raises(SpecError, match=words) as info:
        make_data(from_json(json.dumps({"schema_version": 2, "data": data})).data)
    assert info.value.path == path


def test_inline_points_are_capped(monkeypatch) -> None:
    from studio.core import points
    monkeypatch.setattr(points, "MAX_POINTS", 3)
    with pytest.raises(SpecError, match="holds 4 points; at most 3"):
        DataSpec(name="custom", points=[[0, 0, 0]] * 4)


def test_true_boundaries() -> None:
    (circle,) = true_boundary("disk")
    radius = np.hypot(circle[:, 0] - 0.5, circle[:, 1] - 0.5)
    assert np.allclose(radius, minidl.data.DISK_RADIUS) and not circle.flags.writeable
    assert np.array_equal(circle[0], circle[-1])
    vertical, horizontal = true_boundary("xor")
    assert np.all(vertical[:, 0] == 0.5) and np.all(horizontal[:, 1] == 0.5)
    assert true_boundary("spiral") == () and true_boundary("custom") == ()
