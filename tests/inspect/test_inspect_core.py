"""Neuron maps and layer health against hand computations on small nets."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from studio.core import Session
from studio.core.examples import load_example
from studio.core.inspect import PERCENTILES, HealthTracker, edge_weights, neuron_maps
from studio.core.spec import DataSpec, LayerSpec, OptimizerSpec, RunSpec

TINY = RunSpec(layers=(LayerSpec(5, "relu"), LayerSpec(4, "tanh")), epochs=3,
               data=DataSpec(n_train=60, n_test=40), batch_size=20)


def test_neuron_maps_equal_a_direct_forward_of_the_grid_per_unit() -> None:
    session = Session(load_example("seed_a"))
    list(session.run(2, grid_every=0))
    maps = neuron_maps(session, size=12, max_units=7)
    grid = session.data.grid_inputs(12)
    x, direct = grid, [grid]  # modules: Linear ReLU Linear ReLU Linear ReLU Linear
    with torch.no_grad():
        session.model.eval()
        for i, module in enumerate(session.model):
            x = module(x)
            if i in (1, 3, 5, 6):
                direct.append(x)
        session.model.train()
    assert [layer.name for layer in maps.layers] == ["input", "hidden 1", "hidden 2",
                                                     "hidden 3", "output"]
    assert [layer.activation for layer in maps.layers] == ["input", "relu", "relu", "relu",
                                                           "scores"]
    for layer, full in zip(maps.layers, direct, strict=True):
        assert layer.maps.shape == (len(layer.shown), 12, 12) and layer.maps.dtype == np.float32
        assert not layer.maps.flags.writeable
        for j in layer.shown:
            # Row-major grid: unit j's map is its column of the (size², width) output.
            expected = full[:, j].reshape(12, 12).numpy()
            np.testing.assert_allclose(layer.maps[j], expected, rtol=1e-6, atol=1e-7)
    hidden = maps.layers[1]
    assert hidden.width == 25 and hidden.shown == tuple(range(7)) and hidden.hidden_count == 18
    np.testing.assert_array_equal(hidden.weights, session.model[0].weight.data[:7].numpy())
    np.testing.assert_array_equal(hidden.bias, session.model[0].bias.data[:7].numpy())
    # Edges into a layer join its shown units to the previous layer's shown units.
    np.testing.assert_array_equal(edge_weights(maps, 2), session.model[2].weight.data[:7, :7])
    assert maps.layers[4].width == 2 and maps.extent == (0.0, 1.0, 0.0, 1.0)


def test_health_matches_hand_computations() -> None:
    session = Session(TINY)
    tracker = HealthTracker()
    first = tracker(session, next(session.run(1, grid_every=0)))
    before = [p.data.clone().double() for p in session.model.parameters()]
    report = next(session.run(2, grid_every=0))
    sample = tracker(session, report)
    assert first.epoch == 1 and sample.epoch == 2
    assert all(math.isnan(layer.update_ratio) for layer in first.layers)
    linears = [session.model[0], session.model[2], session.model[4]]
    for k, (layer, linear) in enumerate(zip(sample.layers, linears, strict=True)):
        g = torch.cat([linear.weight.grad.reshape(-1), linear.bias.grad]).double()
        assert layer.grad_norm == pytest.approx(float(g.norm()), rel=1e-12)
        w = torch.cat([linear.weight.data.reshape(-1), linear.bias.data]).double()
        w0 = torch.cat([before[2 * k].reshape(-1), before[2 * k + 1]])
        assert layer.update_ratio == pytest.approx(float((w - w0).norm() / w.norm()), rel=1e-9)
        np.testing.assert_allclose(layer.weight_pct,
                                   np.percentile(linear.weight.data.double().numpy(), PERCENTILES))
        np.testing.assert_allclose(layer.grad_pct,
                                   np.percentile(linear.weight.grad.double().numpy(), PERCENTILES))
    assert [layer.activation for layer in sample.layers] == ["relu", "tanh", "scores"]
    assert math.isnan(sample.layers[0].saturated_share) and math.isnan(sample.layers[1].dead_share)
    assert math.isnan(sample.layers[2].dead_share) and math.isnan(sample.layers[2].saturated_share)


def test_a_relu_layer_forced_dead_reports_100_percent_and_a_saturated_tanh_too() -> None:
    session = Session(TINY)
    with torch.no_grad():
        session.model[0].bias.data.fill_(-100.0)   # never positive on any training point
        session.model[2].weight.data.mul_(1e4)     # tanh pinned at ±1
        session.model[2].bias.data.fill_(50.0)
    sample = HealthTracker()(session)
    assert sample.layers[0].dead_share == 1.0
    assert sample.layers[1].saturated_share == 1.0
    # Hand count on a healthy layer: units never positive on the training set.
    fresh = Session(TINY)
    with torch.no_grad():
        fresh.model[0].bias.data[:2] = -100.0
        pre = fresh.model[0](fresh.data.x_train)
    dead = float((~(pre > 0).any(0)).double().mean())
    assert HealthTracker()(fresh).layers[0].dead_share == pytest.approx(dead) and dead >= 0.4


def test_the_tracker_starts_over_for_a_new_run() -> None:
    tracker = HealthTracker()
    a = Session(TINY)
    tracker(a, next(a.run(1, grid_every=0)))
    b = Session(dataclasses.replace(TINY, optimizer=OptimizerSpec(lr=0.5)))
    sample = tracker(b, next(b.run(1, grid_every=0)))
    assert all(math.isnan(layer.update_ratio) for layer in sample.layers)


@pytest.mark.parametrize("name", ["vanishing_sigmoid", "dead_relu"])
def test_the_lessons_show_what_they_teach(name: str) -> None:
    session = Session(dataclasses.replace(load_example(name), epochs=8))
    tracker = HealthTracker()
    for report in session.run(grid_every=0):
        sample = tracker(session, report)
    layers = sample.layers
    if name == "vanishing_sigmoid":
        # The first layer's gradient is orders of magnitude below the last hidden layer's.
        assert layers[0].grad_norm < 1e-3 * layers[-2].grad_norm
    else:
        assert max(layer.dead_share for layer in layers[:-1]) >= 0.5
