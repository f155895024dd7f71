"""Run picklable tasks in this thread or on a pool of ``spawn`` worker processes.

The one process pool of the studio: experiments, seed bands and sweeps all hand it a
top-level function and argument tuples. ``fn(*args, stop=event)`` must return ``None`` when
``stop`` was set before it finished; results stream back in this thread as they finish.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any

import torch

__all__ = ["run_tasks"]

_WORKER_STOP = None  # the pool's shared stop event, set by the initializer in each process


def _init_worker(stop) -> None:
    global _WORKER_STOP
    _WORKER_STOP = stop
    # Ctrl+C reaches the whole process group: the parent alone handles it (sets ``stop``),
    # so a worker ends its task quietly instead of dying with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    torch.set_num_threads(1)  # one core per process: N processes use N cores, no oversubscription


def _call(fn: Callable[..., Any], args: tuple) -> Any:
    return fn(*args, stop=_WORKER_STOP)


def run_tasks(fn: Callable[..., Any], tasks: Sequence[tuple], *, workers: int,
              cancel: threading.Event | None, collect: Callable[[Any], None]) -> bool:
    """Run ``fn(*task, stop=...)`` for each task; ``collect(result)`` as each finishes.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled by name for the workers).
    tasks : sequence of tuple
        Started in order.
    workers : int
        1 runs everything in this thread; more start that many ``spawn`` processes.
    cancel : threading.Event, optional
        When set: nothing more starts, running tasks see ``stop`` set.
    collect : callable
        Called in this thread with each result (``None`` included: a stopped task).

    Returns
    -------
    bool
        True when cancelled.
    """
    if workers == 1:
        for args in tasks:
            if cancel is not None and cancel.is_set():
                return True
            collect(fn(*args, stop=cancel))
        return cancel is not None and cancel.is_set()
    return _run_pool(fn, tasks, workers, cancel, collect)


def _run_pool(fn, tasks, workers, cancel, collect) -> bool:
    ctx = multiprocessing.get_context("spawn")  # fork + torch threads can deadlock
    stop = ctx.Event()
    pending = list(reversed(tasks))
    running: set[cf.Future] = set()
    cancelled = False
    with cf.ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker,
                                initargs=(stop,)) as pool:
        try:
            while pending or running:
                if cancel is not None and cancel.is_set():
                    cancelled = True
                    stop.set()  # running tasks return None at their next batch
                    break
                # A short queue per worker: cancel then only has little to throw away.
                while pending and len(running) < 2 * workers:
                    running.add(pool.submit(_call, fn, pending.pop()))
                finished, running = cf.wait(running, timeout=0.05,
                                            return_when=cf.FIRST_COMPLETED)
                for future in finished:
                    collect(future.result())
        finally:
            if cancelled or pending or running:
                stop.set()
                for future in running:
                    future.cancel()
    # The pool has shut down: tasks that finished while we were cancelling still count.
    for future in running:
        if future.done() and not future.cancelled() and future.exception() is None:
            collect(future.result())
    return cancelled
