"""The seed experiment: 2->25->25->25->2 ReLU on the disk reaches >= 96% test accuracy.

1000 training and 1000 test points, inputs standardised with the training set's statistics,
batches of 100, 200 epochs, SGD lr 0.1 momentum 0.2, for CE and for MSE on one-hot targets,
averaged over 5 seeds. 10 runs x 2000 steps: this is also a speed check on minidl.
"""

from __future__ import annotations

import time

import pytest
import torch

import minidl
import minidl.data
import minidl.optim

SEEDS = [0, 1, 2, 3, 4]
EPOCHS = 200


def _run(seed: int, loss_name: str) -> float:
    x_train, y_train = minidl.data.disk(1000, seed=1000 + seed)
    x_test, y_test = minidl.data.disk(1000, seed=2000 + seed)
    _, _, x_train, x_test = minidl.data.standardize(x_train, x_test)
    model = minidl.Sequential(minidl.Linear(2, 25), minidl.ReLU(), minidl.Linear(25, 25),
                              minidl.ReLU(), minidl.Linear(25, 25), minidl.ReLU(),
                              minidl.Linear(25, 2))
    gen = torch.Generator().manual_seed(seed)
    for layer in model:
        if isinstance(layer, minidl.Linear):
            layer.reset_parameters(gen)
    opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.2)
    if loss_name == "ce":
        crit: minidl.Module = minidl.CrossEntropyLoss()
        targets = y_train
    else:
        crit = minidl.MSELoss()
        targets = minidl.data.one_hot(y_train, 2)
    batches = minidl.data.BatchIterator(x_train, targets, 100, seed=3000 + seed)
    for _ in range(EPOCHS):
        for xb, tb in batches:
            opt.zero_grad()
            crit(model(xb), tb)
            model.backward(crit.backward())
            opt.step()
    model.eval()
    predictions = model(x_test).argmax(1)
    return float((predictions == y_test).double().mean())


@pytest.mark.slow
@pytest.mark.parametrize("loss_name", ["ce", "mse"])
def test_seed_experiment_accuracy(loss_name: str) -> None:
    start = time.perf_counter()
    accuracies = [_run(seed, loss_name) for seed in SEEDS]
    elapsed = time.perf_counter() - start
    mean = sum(accuracies) / len(accuracies)
    assert mean >= 0.96, f"{loss_name}: test accuracies {accuracies} (mean {mean:.4f})"
    assert min(accuracies) >= 0.9, f"{loss_name}: a seed failed to learn: {accuracies}"
    # No hard time limit (a loaded 2-core runner is noisy); pytest-timeout guards hangs.
    print(f"{loss_name}: 5 runs x {EPOCHS} epochs in {elapsed:.2f} s, mean test acc {mean:.4f}")


def test_untrained_model_is_near_chance() -> None:
    """The accuracy bar above is meaningful: an untrained network does not pass it."""
    x_test, y_test = minidl.data.disk(1000, seed=2000)
    model = minidl.Sequential(minidl.Linear(2, 25), minidl.ReLU(), minidl.Linear(25, 2))
    model[0].reset_parameters(torch.Generator().manual_seed(0))
    model[2].reset_parameters(torch.Generator().manual_seed(1))
    accuracy = float((model(x_test).argmax(1) == y_test).double().mean())
    assert accuracy < 0.9
