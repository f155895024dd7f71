"""The same tasks on an existing Dask cluster (``minidl-studio sweep --scheduler ADDRESS``).

Dask is optional (``pip install minidl-studio[cluster]``) and imported only here, only when a
scheduler address is given. The workers need this package importable (installed, or on their
``PYTHONPATH``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from ..compare.configs import ExperimentError

__all__ = ["run_on_cluster"]


def run_on_cluster(fn: Callable[..., Any], tasks: Sequence[tuple], address: str, *,
                   cancel: threading.Event | None, collect: Callable[[Any], None]) -> bool:
    """Submit ``fn(*task)`` for every task to the scheduler at ``address``; ``collect`` each
    result in this thread as it finishes. Returns True when cancelled (pending tasks are
    cancelled on the cluster; a running task finishes there and is dropped)."""
    try:
        from distributed import Client, wait
    except ImportError:
        raise ExperimentError("--scheduler needs Dask: pip install 'minidl-studio[cluster]'"
                              ) from None
    try:
        client = Client(address, timeout="10s")
    except OSError as exc:
        raise ExperimentError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        # pure=False: two identical tasks (never here, but a user's grid may repeat a value)
        # must both run, not be merged by Dask's hashing.
        pending = {client.submit(fn, *task, pure=False) for task in tasks}
        while pending:
            if cancel is not None and cancel.is_set():
                client.cancel(list(pending))
                return True
            try:
                finished, pending = wait(pending, timeout=0.2, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished yet: look at cancel again
                continue
            pending = set(pending)
            for future in finished:
                collect(future.result())
    return False
