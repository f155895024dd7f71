"""The torch.nn twin with k classes and input features: still torch.nn, to 1e-10 in float64."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from studio.core import DataSpec, LayerSpec, OptimizerSpec, RunSpec, Session
from studio.core.compare.twin import TorchSession, build_torch_twin, twin_train

FEATURES = ("x", "y", "x2", "y2", "xy", "sin_x", "sin_y")


@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
@pytest.mark.parametrize("optimizer", [OptimizerSpec(), OptimizerSpec(name="adam", lr=0.01)])
def test_twin_equals_torch_nn_with_five_classes_and_features(loss: str,
                                                             optimizer: OptimizerSpec) -> None:
    spec = RunSpec(layers=(LayerSpec(12), LayerSpec(8, "tanh")), loss=loss, optimizer=optimizer,
                   data=DataSpec(name="spiral", classes=5, features=FEATURES, n_train=300,
                                 n_test=200, noise=0.2),
                   batch_size=50, epochs=3, dtype="float64")
    assert spec.sizes == (7, 12, 8, 5)
    twin = build_torch_twin(spec, Session(spec).model)
    assert isinstance(twin[0], nn.Linear) and (twin[0].in_features, twin[-1].out_features) == (7, 5)
    reports = list(twin_train(spec, grid_size=16))
    assert len(reports) == 3
    for report in reports:
        assert report.max_abs_weight_diff <= 1e-10
        assert report.rel_grad_diff <= 1e-10
        assert abs(report.minidl_test_loss - report.torch_test_loss) <= 1e-10
        assert report.disagreement.shape == (16, 16)


def test_torch_session_on_custom_points_matches_minidl() -> None:
    points = tuple((i / 40, (i * 7 % 40) / 40, i % 3) for i in range(40))
    spec = RunSpec(data=DataSpec(name="custom", classes=3, points=points, features=("x", "y2")),
                   epochs=2, batch_size=8, dtype="float64")
    mini, torch_run = Session(spec), TorchSession(spec)
    a, b = list(mini.run(grid_every=0)), list(torch_run.run(grid_every=0))
    assert abs(a[-1].train_loss - b[-1].train_loss) <= 1e-10
    for p, q in zip(mini.model.parameters(), torch_run.model.parameters(), strict=True):
        assert torch.allclose(p.data, q.data, rtol=0, atol=1e-10)
