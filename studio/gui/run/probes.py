"""Probes: questions other views ask of the live session, answered in the worker thread.

A probe is a function ``fn(session, report) -> payload`` registered with
:meth:`RunController.add_probe <studio.gui.run.run_controller.RunController.add_probe>`. The
worker calls it on the session it trains, between two epochs (the model is not changing),
either whenever it computes a decision grid (the redraw pace: every epoch at a set pace, a
few times a second at Max, and when the run pauses or stops) or, with ``every_epoch``, after
every epoch. The payload must be frozen (read-only numpy arrays, tuples, numbers): it crosses
to the GUI thread as is, in ``RunController.probe_ready(name, epoch, payload)``.

A probe that raises is reported once as ``(name, epoch, ProbeError)`` and dropped for the rest
of the run: a broken view must not end the training it watches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from studio.core import EpochReport, Session

__all__ = ["Probe", "ProbeError", "run_probes"]


@dataclass(frozen=True)
class Probe:
    """A named question to the live session (see the module doc)."""

    name: str
    fn: Callable[[Session, EpochReport], object]
    every_epoch: bool = False


@dataclass(frozen=True)
class ProbeError:
    """What a failed probe delivers instead of its payload (``message``: the exception)."""

    message: str


def run_probes(probes: tuple[Probe, ...], session: Session,
               report: EpochReport) -> list[tuple[str, int, object]]:
    """Ask each probe; return ``(name, epoch, payload)`` triples (a ``ProbeError`` on raise)."""
    out = []
    for probe in probes:
        try:
            payload = probe.fn(session, report)
        except Exception as exc:  # noqa: BLE001 - the probe's fault, reported to its view
            payload = ProbeError(f"{type(exc).__name__}: {exc}")
        out.append((probe.name, report.epoch, payload))
    return out
