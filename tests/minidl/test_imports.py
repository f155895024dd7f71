"""minidl never imports torch.nn, torch.nn.functional, torch.optim or torch.autograd.

Parsed with ``ast``, so a forbidden import cannot hide in a function body or behind an alias;
string mentions in docstrings do not count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import minidl

SOURCE_DIR = Path(minidl.__file__).resolve().parent
FORBIDDEN = ("torch.nn", "torch.optim", "torch.autograd")


def _imported_modules(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            # "from torch import nn" imports torch.nn too
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def _forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)


@pytest.mark.parametrize("path", sorted(SOURCE_DIR.rglob("*.py")), ids=lambda p: p.name)
def test_no_torch_nn_optim_or_autograd_imports(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [name for name in _imported_modules(tree) if _forbidden(name)]
    assert not bad, f"{path.name} imports {bad}"


def test_attribute_access_to_forbidden_namespaces_is_also_absent() -> None:
    """``torch.nn.functional.relu(...)`` needs no import statement: catch attribute chains."""
    for path in sorted(SOURCE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                chain = f"{node.value.id}.{node.attr}"
                assert not _forbidden(chain), f"{path.name} uses {chain}"


def test_the_scanner_sees_a_forbidden_import() -> None:
    samples = ["import torch.nn as nn", "from torch import optim",
               "from torch.autograd import grad", "def f():\n    import torch.nn.functional as F\n"]
    for text in samples:
        assert any(_forbidden(n) for n in _imported_modules(ast.parse(text))), text
    assert not any(_forbidden(n) for n in _imported_modules(ast.parse("import torch")))
