"""The README's promises that a test can keep: its minidl example runs and learns."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_minidl_example_runs_and_learns_the_disk() -> None:
    example = _python_blocks()[0]
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    minidl, model = namespace["minidl"], namespace["model"]
    x, y = minidl.data.disk(1000, seed=1)
    accuracy = (model.eval()(x).argmax(1) == y).float().mean().item()
    assert accuracy > 0.9


def test_the_install_lines_pin_the_local_torch_wheel() -> None:
    text = README.read_text(encoding="utf-8")
    installs = [line for line in text.splitlines() if "pip install" in line]
    assert len(installs) >= 2 and all("torch==2.13.0" in line for line in installs)


def test_the_session_example_runs_continues_forks_and_restores() -> None:
    example = _python_blocks()[1]
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    session, snap, slower = namespace["session"], namespace["snap"], namespace["slower"]
    assert session.epoch == snap.epoch == 250 and slower.epoch == 250
    assert slower.spec.optimizer.lr == 0.01
    assert len(namespace["more"]) == 50 and namespace["grid"].shape == (64, 64)
    assert [h.shape[0] for h in namespace["hidden"]] == [8] * len(session.model)
