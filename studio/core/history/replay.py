"""Questions about a stored snapshot, answered without touching the training session.

The scrubber shows the region of an old epoch while the worker keeps training: the stored
weights are loaded into a *scratch* :class:`~studio.core.session.Session` of the same spec
(its own model, never the worker's) and asked there, with the same code the live session
uses, so a replayed grid equals the one reported at that epoch bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch

from studio.core.build import Dataset
from studio.core.session import Session
from studio.core.spec import RunSpec

__all__ = ["SnapshotViewer", "grid_at"]


class SnapshotViewer:
    """A scratch model of ``spec`` into which stored weights are loaded on demand.

    Build one per run and reuse it (building costs a model and, without ``data``, the data
    sets). Use it from one thread at a time.

    Parameters
    ----------
    spec : RunSpec
        The run's spec (the architecture, dtype, device and data of the snapshots).
    data : Dataset, optional
        The run's data (for the standardisation); drawn from ``spec.data`` when omitted.
    """

    def __init__(self, spec: RunSpec, data: Dataset | None = None) -> None:
        self._session = Session(spec, data=data)

    @property
    def spec(self) -> RunSpec:
        """The spec the scratch model was built from."""
        return self._session.spec

    def load(self, weights: Mapping[str, object]) -> Session:
        """Load ``weights`` (arrays or tensors by state-dict name); return the scratch session.

        Raises
        ------
        RuntimeError
            The names do not match the spec's model (a snapshot of another architecture).
        """
        # np.array copies: torch.from_numpy of a read-only array would warn, and the model
        # copies the values into its own tensors anyway.
        tensors = {name: value if isinstance(value, torch.Tensor)
                   else torch.from_numpy(np.array(value)) for name, value in weights.items()}
        with torch.no_grad():
            self._session.model.load_state_dict(tensors)
        return self._session

    def predict_grid(self, weights: Mapping[str, object], size: int = 64) -> np.ndarray:
        """The ``(size, size)`` read-only float32 P(class 1) grid of ``weights``."""
        return self.load(weights).predict_grid(size)

    def layer_outputs(self, weights: Mapping[str, object],
                      points: torch.Tensor) -> tuple[np.ndarray, ...]:
        """Each module's ``(N, width)`` output for raw ``(N, 2)`` points under ``weights``."""
        return self.load(weights).layer_outputs(points)


def grid_at(spec: RunSpec, data: Dataset | None, weights: Mapping[str, object],
            size: int = 64) -> np.ndarray:
    """The decision grid of a stored snapshot (one-off; reuse a :class:`SnapshotViewer`).

    Parameters
    ----------
    spec : RunSpec
        The run's spec.
    data : Dataset or None
        The run's data; drawn from ``spec.data`` when None.
    weights : Mapping[str, numpy.ndarray]
        A snapshot's state dict (:attr:`TimelineEntry.weights
        <studio.core.history.timeline.TimelineEntry.weights>`).
    size : int
        Pixels per side.

    Returns
    -------
    numpy.ndarray
        ``(size, size)`` float32, read-only, as :meth:`Session.predict_grid` gives it.
    """
    return SnapshotViewer(spec, data).predict_grid(weights, size)
