"""The training loop as a generator: ``train(spec)`` is a fresh :class:`Session` run.

:func:`train` yields one frozen :class:`~studio.core.records.EpochReport` per epoch. The
consumer drives it: pausing is not pulling, single-stepping is pulling once, stopping is
setting the event. Callers that need more (continue, snapshots, forks, questions about the
model) hold the :class:`~studio.core.session.Session` itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import minidl

from .build import Dataset
from .evaluation import GRID_SIZE
from .records import EpochReport
from .session import Session
from .spec import RunSpec

__all__ = ["train"]


def train(spec: RunSpec, *, stop: threading.Event | None = None, grid_size: int = GRID_SIZE,
          grid_every: int = 1, model: minidl.Module | None = None,
          grid_interval_s: float | None = None,
          data: Dataset | None = None) -> Iterator[EpochReport]:
    """Train ``spec`` for its planned epochs and yield an :class:`EpochReport` after each.

    Parameters
    ----------
    spec : RunSpec
        What to train. Model, data and optimiser are built here (eagerly, so a bad device
        raises :class:`~studio.core.spec.SpecError` at the call, not at the first pull).
    stop : threading.Event, optional
        Checked before every batch and evaluation chunk; when set, the generator returns
        without a report for the unfinished epoch.
    grid_size, grid_every, grid_interval_s
        The decision grid's side, period and minimum interval (see :meth:`Session.run`).
    model : minidl.Module, optional
        Train this model (moved to the spec's device and dtype) instead of a fresh one.
    data : Dataset, optional
        The data of ``spec`` when the caller already has it.

    Yields
    ------
    EpochReport
        One per epoch; after a ``diverged`` report (NaN/inf loss) the generator returns.
    """
    session = Session(spec, data=data, model=model)
    return session.run(stop=stop, grid_size=grid_size, grid_every=grid_every,
                       grid_interval_s=grid_interval_s)
