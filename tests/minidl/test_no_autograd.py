"""minidl never touches autograd: nothing it returns or stores requires grad or has a grad_fn."""

from __future__ import annotations

import io
import re
import threading
import tokenize
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import torch

import minidl
import minidl.data
import minidl.optim

F64 = torch.float64
SOURCE_DIR = Path(minidl.__file__).resolve().parent


def _assert_plain(t: torch.Tensor, what: str) -> None:
    assert not t.requires_grad, f"{what} requires grad"
    assert t.grad_fn is None, f"{what} has grad_fn {t.grad_fn}"


def _model(act: Callable[[], minidl.Module] = minidl.ReLU) -> minidl.Sequential:
    gen = torch.Generator().manual_seed(0)
    model = minidl.Sequential(minidl.Linear(2, 25, dtype=F64), act(),
                              minidl.Linear(25, 25, dtype=F64), act(),
                              minidl.Linear(25, 2, dtype=F64))
    for layer in model:
        if isinstance(layer, minidl.Linear):
            layer.reset_parameters(gen)
    return model


def _train_step(model: minidl.Module, opt: minidl.optim.Optimizer, crit: minidl.Module,
                x: torch.Tensor, target: torch.Tensor) -> dict[str, torch.Tensor]:
    """One full step with grad mode on; returns every tensor a caller could see."""
    with torch.enable_grad():
        assert torch.is_grad_enabled()
        opt.zero_grad()
        out = model(x)
        loss = crit(out, target)
        grad_out = crit.backward()
        grad_in = model.backward(grad_out)
        opt.step()
    seen = {"output": out, "loss": loss, "grad_output": grad_out, "grad_input": grad_in}
    for name, p in model.named_parameters():
        seen[f"{name}.data"] = p.data
        seen[f"{name}.grad"] = p.grad
    for i, entry in opt.state_dict()["state"].items():
        for key, value in entry.items():
            seen[f"optimizer state {i}.{key}"] = value
    return seen


def _targets(kind: str, y: torch.Tensor) -> tuple[minidl.Module, torch.Tensor]:
    if kind == "ce":
        return minidl.CrossEntropyLoss(), y
    return minidl.MSELoss(), minidl.data.one_hot(y, 2, dtype=F64)


OPTIMIZERS: dict[str, Callable[[Iterator[minidl.Parameter]], minidl.optim.Optimizer]] = {
    "sgd": lambda p: minidl.optim.SGD(p, lr=0.1, momentum=0.2, weight_decay=1e-3),
    "adam": lambda p: minidl.optim.Adam(p, lr=1e-2, weight_decay=1e-3),
}


@pytest.mark.parametrize("input_requires_grad", [False, True])
@pytest.mark.parametrize("opt_name", list(OPTIMIZERS))
@pytest.mark.parametrize("loss_kind", ["ce", "mse"])
def test_training_step_with_grad_mode_on(loss_kind: str, opt_name: str,
                                         input_requires_grad: bool) -> None:
    model = _model()
    opt = OPTIMIZERS[opt_name](model.parameters())
    x, y = minidl.data.disk(32, seed=1, dtype=F64)
    crit, target = _targets(loss_kind, y)
    x_in = x.clone().requires_grad_(input_requires_grad)
    before = [p.data.clone() for p in model.parameters()]
    for _ in range(2):  # second step: optimizer state exists and is used
        seen = _train_step(model, opt, crit, x_in, target)
        for what, t in seen.items():
            _assert_plain(t, what)
    assert x_in.grad is None  # minidl never back-propagated into the caller's graph
    assert any(not torch.equal(b, p.data) for b, p in zip(before, model.parameters(),
                                                          strict=True))


@pytest.mark.parametrize("act", [minidl.ReLU, minidl.Tanh, minidl.Sigmoid, minidl.LeakyReLU,
                                 minidl.Identity])
def test_model_starting_with_an_activation_given_a_grad_requiring_input(
        act: Callable[[], minidl.Module]) -> None:
    """Even when the first layer is not a Linear, no graph is built from the caller's tensor."""
    model = minidl.Sequential(act(), minidl.Linear(3, 2, dtype=F64), act())
    x = torch.randn(4, 3, dtype=F64, generator=torch.Generator().manual_seed(0))
    x.requires_grad_(True)
    with torch.enable_grad():
        out = model(x)
        grad_in = model.backward(torch.ones(4, 2, dtype=F64))
    _assert_plain(out, "output")
    _assert_plain(grad_in, "grad_input")
    for name, p in model.named_parameters():
        _assert_plain(p.grad, name + ".grad")


@pytest.mark.parametrize("loss_kind", ["ce", "mse"])
def test_losses_given_grad_requiring_tensors(loss_kind: str) -> None:
    logits = torch.randn(5, 2, dtype=F64, generator=torch.Generator().manual_seed(0))
    logits.requires_grad_(True)
    crit, target = _targets(loss_kind, torch.tensor([0, 1, 1, 0, 1]))
    with torch.enable_grad():
        loss = crit(logits, target)
        grad = crit.backward()
    _assert_plain(loss, "loss")
    _assert_plain(grad, "loss gradient")


def test_training_in_a_fresh_thread_matches_the_main_thread() -> None:
    x, y = minidl.data.disk(64, seed=2, dtype=F64)
    results: dict[str, dict[str, torch.Tensor]] = {}
    errors: list[BaseException] = []

    def run(key: str) -> None:
        try:
            model = _model(minidl.Tanh)
            opt = minidl.optim.SGD(model.parameters(), lr=0.1, momentum=0.2)
            crit, target = _targets("ce", y)
            for _ in range(3):
                seen = _train_step(model, opt, crit, x, target)
            results[key] = {k: v.clone() for k, v in seen.items()}
            for what, t in seen.items():
                _assert_plain(t, what)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            errors.append(exc)

    thread = threading.Thread(target=run, args=("thread",))
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive()
    if errors:
        raise errors[0]
    run("main")
    if errors:
        raise errors[0]
    assert set(results) == {"thread", "main"}
    for key, value in results["main"].items():
        torch.testing.assert_close(results["thread"][key], value, atol=0.0, rtol=0.0, msg=key)


def test_autograd_entry_points_are_never_called(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("minidl called autograd")

    monkeypatch.setattr(torch.Tensor, "backward", forbidden)
    monkeypatch.setattr(torch.autograd, "backward", forbidden)
    monkeypatch.setattr(torch.autograd, "grad", forbidden)
    model = _model(minidl.Sigmoid)
    for opt_factory in OPTIMIZERS.values():
        opt = opt_factory(model.parameters())
        for kind in ("ce", "mse"):
            x, y = minidl.data.disk(16, seed=3, dtype=F64)
            crit, target = _targets(kind, y)
            _train_step(model, opt, crit, x, target)


def _python_sources() -> list[Path]:
    files = sorted(SOURCE_DIR.rglob("*.py"))
    assert len(files) >= 5, f"minidl sources not found under {SOURCE_DIR}"
    return files


def _code_only(text: str) -> str:
    """The source with comments and string literals (docstrings included) removed."""
    kept = []
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in (tokenize.COMMENT, tokenize.STRING):
            continue
        if tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
            continue
        kept.append(tok.string)
    return " ".join(kept)


FORBIDDEN_TEXT = ["requires_grad=True", "requires_grad = True", "requires_grad_(",
                  "torch.autograd", "from torch import autograd", "enable_grad",
                  "set_grad_enabled", "retain_grad", ".grad_fn"]


@pytest.mark.parametrize("path", _python_sources(), ids=lambda p: p.name)
def test_source_never_uses_autograd(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for needle in FORBIDDEN_TEXT:
        assert needle not in text, f"{path.name} contains {needle!r}"
    code = _code_only(text)
    # tensor.backward() on a scalar loss takes no argument; minidl's module backward always
    # receives grad_output, so any argument-less .backward() call in code is autograd.
    assert not re.search(r"\.\s*backward\s*\(\s*\)", code), f"{path.name} calls .backward()"
    assert not re.search(r"\bautograd\b", code), f"{path.name} mentions autograd in code"


def test_code_scanner_would_catch_a_tensor_backward() -> None:
    """The scanner above is not vacuous: it sees a real call and ignores docstrings."""
    sample = '"""loss.backward() in a docstring"""\nloss = x.sum()\nloss.backward()\n'
    assert re.search(r"\.\s*backward\s*\(\s*\)", _code_only(sample))
    assert not re.search(r"\.\s*backward\s*\(\s*\)", _code_only('"""loss.backward()"""\n'))
