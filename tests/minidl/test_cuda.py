"""On a CUDA machine, a model moved with .to("cuda") trains exactly like on the CPU."""

from __future__ import annotations

import pytest
import torch

import minidl
import minidl.data
import minidl.optim

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")

F64 = torch.float64


def _model() -> minidl.Sequential:
    model = minidl.Sequential(minidl.Linear(2, 25, dtype=F64), minidl.Tanh(),
                              minidl.Linear(25, 25, dtype=F64), minidl.ReLU(),
                              minidl.Linear(25, 2, dtype=F64))
    gen = torch.Generator().manual_seed(0)
    for layer in model:
        if isinstance(layer, minidl.Linear):
            layer.reset_parameters(gen)
    return model


@pytest.mark.parametrize("opt_name", ["SGD", "Adam"])
@pytest.mark.parametrize("loss_name", ["ce", "mse"])
def test_cuda_step_matches_cpu(loss_name: str, opt_name: str) -> None:
    x, y = minidl.data.disk(100, seed=1, dtype=F64)
    results = {}
    for device in ("cpu", "cuda"):
        model = _model().to(device=device)
        assert all(p.data.device.type == device for p in model.parameters())
        assert all(p.grad.device.type == device for p in model.parameters())
        cfg = {"lr": 0.1, "momentum": 0.2} if opt_name == "SGD" else {"lr": 1e-2}
        opt = getattr(minidl.optim, opt_name)(model.parameters(), **cfg)
        if loss_name == "ce":
            crit: minidl.Module = minidl.CrossEntropyLoss()
            target = y.to(device)
        else:
            crit = minidl.MSELoss()
            target = minidl.data.one_hot(y, 2, dtype=F64).to(device)
        xb = x.to(device)
        losses = []
        for _ in range(2):
            opt.zero_grad()
            loss = crit(model(xb), target)
            assert loss.device.type == device
            model.backward(crit.backward())
            opt.step()
            losses.append(loss.cpu())
        results[device] = (losses, {k: v.cpu() for k, v in model.state_dict().items()})
    cpu_losses, cpu_state = results["cpu"]
    gpu_losses, gpu_state = results["cuda"]
    for a, b in zip(gpu_losses, cpu_losses, strict=True):
        torch.testing.assert_close(a, b, atol=1e-10, rtol=1e-10)
    for key, value in cpu_state.items():
        torch.testing.assert_close(gpu_state[key], value, atol=1e-10, rtol=1e-10, msg=key)


def test_data_on_cuda() -> None:
    x, y = minidl.data.disk(10, seed=0, device="cuda")
    assert x.device.type == "cuda" and y.device.type == "cuda"
    cpu_x, cpu_y = minidl.data.disk(10, seed=0)
    assert torch.equal(x.cpu(), cpu_x) and torch.equal(y.cpu(), cpu_y)
    batches = list(minidl.data.BatchIterator(x, y, 4, seed=0))
    assert all(xb.device.type == "cuda" for xb, _ in batches)


@pytest.mark.parametrize("call", ["zero_grad", "step"])
def test_moving_to_cuda_after_the_optimizer_raises_naming_the_devices(call: str) -> None:
    model = _model()
    opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.2)
    model.to("cuda")
    with pytest.raises(RuntimeError, match=r"replaced after this optimizer was created \(it is "
                       r"now torch.float64 on cuda:0, was torch.float64 on cpu: model.to\(\)"):
        getattr(opt, call)()
