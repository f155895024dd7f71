"""A sweep: a grid over any spec fields (by path) × seeds, read from a JSON file.

File format (``kind`` and ``version`` required)::

    {"kind": "minidl-studio sweep", "version": 1, "name": "lr-width",
     "base": {"schema_version": 1, "epochs": 50},      # a spec, or a spec file's path
     "grid": {"optimizer.lr": [0.1, 0.03], "layers[].width": [25, 50]},
     "seeds": 3}

``base`` may be a path relative to the sweep file. Every grid path is one of
:func:`~studio.core.specpaths.set_path`'s (``"depth"``, ``"optimizer.name"``,
``"layers[].activation"`` ...). A cell is one combination of grid values; cell ``c`` with seed
``s`` trains :func:`~studio.core.compare.configs.seeded` ``(cell spec, base.seed + s)``.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compare.configs import ExperimentError
from ..io import MAX_SPEC_BYTES, read_limited
from ..jsontext import JSONProblem, describe, loads_strict
from ..spec import RunSpec, SpecError, from_dict, from_json, to_dict
from ..specpaths import with_values

__all__ = ["MAX_SWEEP_RUNS", "SWEEP_KIND", "Sweep", "load_sweep", "sweep_from_dict",
           "sweep_to_dict"]

SWEEP_KIND = "minidl-studio sweep"
#: Cells × seeds: a bound on the work one file can ask for.
MAX_SWEEP_RUNS = 10_000


@dataclass(frozen=True)
class Sweep:
    """The grid: ``grid`` is ``((path, (value, ...)), ...)`` in file order."""

    base: RunSpec
    grid: tuple[tuple[str, tuple[Any, ...]], ...]
    seeds: int = 1
    name: str = "sweep"

    @property
    def paths(self) -> tuple[str, ...]:
        """The swept paths (the axes)."""
        return tuple(path for path, _ in self.grid)

    def cells(self) -> list[dict[str, Any]]:
        """Every combination of grid values, ``{path: value}``, in row-major file order."""
        return [dict(zip(self.paths, combo, strict=True))
                for combo in itertools.product(*(values for _, values in self.grid))]

    def cell_spec(self, values: dict[str, Any]) -> RunSpec:
        """The spec of one cell (:class:`SpecError` names the path of a refused value)."""
        return with_values(self.base, values)


def _bad(path: str, message: str) -> ExperimentError:
    return ExperimentError(f"{path}: {message}")


def sweep_from_dict(data: Any, base_dir: Path | None = None) -> Sweep:
    """Build and validate a :class:`Sweep` (every cell's spec is built once here)."""
    if not isinstance(data, dict) or data.get("kind") != SWEEP_KIND:
        raise ExperimentError(f"not a sweep file (needs \"kind\": \"{SWEEP_KIND}\")")
    if data.get("version") != 1:
        raise _bad("version", f"unsupported sweep version {describe(data.get('version'))}")
    unknown = set(data) - {"kind", "version", "name", "base", "grid", "seeds"}
    if unknown:
        raise _bad(sorted(unknown)[0], "unknown key (known: name, base, grid, seeds)")
    base = _base(data.get("base", {"schema_version": 1}), base_dir)
    grid = data.get("grid")
    if not isinstance(grid, dict) or not grid:
        raise _bad("grid", f"must be an object of path: [values], got {describe(grid)}")
    axes = []
    for path, values in grid.items():
        if not isinstance(values, list) or not values:
            raise _bad(f"grid.{path}", f"must be a non-empty list, got {describe(values)}")
        axes.append((path, tuple(values)))
    seeds = data.get("seeds", 1)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or not 1 <= seeds <= 1000:
        raise _bad("seeds", f"must be a whole number in [1, 1000], got {describe(seeds)}")
    name = data.get("name", "sweep")
    if not isinstance(name, str):
        raise _bad("name", f"must be a string, got {describe(name)}")
    sweep = Sweep(base, tuple(axes), seeds, name)
    n_cells = 1
    for _, values in axes:
        n_cells *= len(values)
    if n_cells * seeds > MAX_SWEEP_RUNS:
        raise _bad("grid", f"{n_cells} cells × {seeds} seeds is more than {MAX_SWEEP_RUNS} runs")
    for cell in sweep.cells():
        try:
            sweep.cell_spec(cell)
        except SpecError as exc:
            raise _bad(f"grid.{exc.path}", f"{exc.message} (cell {cell})") from None
    return sweep


def _base(raw: Any, base_dir: Path | None) -> RunSpec:
    try:
        if isinstance(raw, str):
            path = Path(raw) if base_dir is None else base_dir / raw
            return from_json(read_limited(path, "spec file", MAX_SPEC_BYTES).decode("utf-8"))
        return from_dict(raw)
    except SpecError as exc:
        raise _bad(exc.under("base").path, exc.message) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad("base", str(exc)) from None


def sweep_to_dict(sweep: Sweep) -> dict:
    """The file form (the base spec inline), as the results file records it."""
    return {"kind": SWEEP_KIND, "version": 1, "name": sweep.name, "base": to_dict(sweep.base),
            "grid": {path: list(values) for path, values in sweep.grid}, "seeds": sweep.seeds}


def load_sweep(path: str | os.PathLike) -> Sweep:
    """Read a sweep file (strict JSON, at most 1 MB); :class:`ExperimentError` says why not."""
    try:
        text = read_limited(path, "sweep file", MAX_SPEC_BYTES).decode("utf-8")
        return sweep_from_dict(loads_strict(text), Path(path).parent)
    except JSONProblem as exc:
        raise ExperimentError(f"{os.fspath(path)!r}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExperimentError(str(exc)) from None
