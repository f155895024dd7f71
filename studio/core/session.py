"""One run, built once: the object every caller drives.

A :class:`Session` is built from a :class:`~studio.core.spec.RunSpec` and owns everything a
run has: data, targets, the batch order and its RNG, model, loss, optimiser, and the epoch,
step and clock counters. The GUI worker, the CLI, the torch.nn twin, experiments and tests all
drive one; none of them assembles a run itself.

It can train epochs as a generator of frozen reports (:meth:`Session.run`), train one batch
(:meth:`Session.run_batch`), continue past the planned epochs, take a frozen
:class:`Snapshot` and restore one, :meth:`~Session.fork` with new optimiser settings, and
answer questions about the current model (decision grid, each layer's outputs, weights;
those live in :mod:`studio.core.session_queries`).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import threading
import time
from collections.abc import Callable, Iterator
from types import MappingProxyType

import torch

import minidl
import minidl.data

from .budget import check_fits
from .build import Dataset, build_loss, build_model, build_optimizer, make_data, targets_for
from .evaluation import GRID_SIZE, RunStopped, epoch_metrics, grid_predictions
from .records import EpochReport
from .session_queries import ModelQuestions
from .snapshot import Snapshot, forked_optimizer_state
from .spec import OptimizerSpec, RunSpec

__all__ = ["Session", "Snapshot"]  # Snapshot lives in .snapshot


class Session(ModelQuestions):
    """A run of ``spec`` with minidl; see the module docstring.

    Parameters
    ----------
    spec : RunSpec
        What to train. Everything is built here, eagerly: a bad device raises
        :class:`~studio.core.spec.SpecError` now, not at the first report.
    data : Dataset, optional
        ``make_data(spec.data, spec.dtype, spec.device)`` when the caller already has it.
    model : optional
        Train this model (moved to the spec's device and dtype) instead of a fresh one.
    """

    def __init__(self, spec: RunSpec, *, data: Dataset | None = None, model=None) -> None:
        check_fits(spec)  # refuse a spec needing more memory than there is, before allocating
        self.spec = spec
        self.data = data if data is not None else make_data(spec.data, spec.dtype, spec.device)
        dtype = self.data.x_train.dtype
        self.model = self._build_model(model)
        self.loss_fn = self._build_loss()
        self.optimizer = self._build_optimizer()
        self.t_train = targets_for(spec.loss, self.data.y_train, dtype, spec.output_size)
        self.t_test = targets_for(spec.loss, self.data.y_test, dtype, spec.output_size)
        self.batches = minidl.data.BatchIterator(self.data.x_train, self.t_train,
                                                 spec.batch_size, seed=spec.seed)
        self.epoch = 0
        self.steps = 0
        self.elapsed_s = 0.0
        self._epoch_batches: Iterator | None = None  # the unfinished epoch's remaining batches
        self._epoch_rng: torch.Tensor | None = None  # generator state before its permutation
        self._batch_index = 0
        self._backward = self._make_backward()
        self._step = self._make_step()

    # -- what differs between minidl and its torch.nn twin --------------------------------
    def _build_model(self, model):
        if model is None:
            model = build_model(self.spec)
        else:
            model = model.to(device=self.data.x_train.device, dtype=self.data.x_train.dtype)
        if isinstance(model, minidl.Sequential):
            model.input_grad = False  # nothing here reads d loss / d input: one matmul less
        return model

    def _build_loss(self):
        return build_loss(self.spec)

    def _build_optimizer(self):
        return build_optimizer(self.spec, self.model.parameters())

    def _make_backward(self) -> Callable[[torch.Tensor, torch.Tensor], None]:
        # Bound methods hoisted out of the hot loop: a step is a handful of tensor calls, and
        # attribute look-ups would be a visible share of it.
        zero_grad = self.optimizer.zero_grad
        forward, backward = self.model.forward, self.model.backward
        loss_fn, loss_backward = self.loss_fn, self.loss_fn.backward

        def gradients(xb: torch.Tensor, tb: torch.Tensor) -> None:
            zero_grad()
            loss_fn(forward(xb), tb)
            backward(loss_backward())

        return gradients

    def _make_step(self) -> Callable[[torch.Tensor, torch.Tensor], None]:
        gradients, update = self._backward, self.optimizer.step

        def train_step(xb: torch.Tensor, tb: torch.Tensor) -> None:
            gradients(xb, tb)
            update()

        return train_step

    def _grad_mode(self):
        """The grad mode of a training step (minidl never needs autograd)."""
        return torch.no_grad()

    # -- training --------------------------------------------------------------------------
    @property
    def batches_per_epoch(self) -> int:
        """Optimiser steps in one epoch."""
        return len(self.batches)

    def _next_batch(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """The next batch of the unfinished epoch, starting one if needed; None at its end."""
        if self._epoch_batches is None:
            self._epoch_rng = self.batches.generator.get_state()
            self._epoch_batches = iter(self.batches)
            self._batch_index = 0
        batch = next(self._epoch_batches, None)
        if batch is not None:
            self._batch_index += 1
        return batch

    def compute_gradients(self) -> None:
        """Take the next batch and compute every parameter's gradient; no update yet.

        With :meth:`apply_update` this is one step in two halves, so a caller (the twin) can
        look at the gradients before the optimiser uses them.
        """
        batch = self._next_batch()
        if batch is None:
            raise RuntimeError("the epoch's batches are done: call run() to report the epoch")
        with self._grad_mode():
            self._backward(*batch)

    def apply_update(self) -> None:
        """Apply the optimiser to the gradients of :meth:`compute_gradients`."""
        with torch.no_grad():
            self.optimizer.step()
        self.steps += 1

    def run_batch(self) -> None:
        """One optimiser step on the next batch (the epoch is reported by :meth:`run`)."""
        start = time.perf_counter()
        self.compute_gradients()
        self.apply_update()
        self.elapsed_s += time.perf_counter() - start

    def run(self, until: int | None = None, *, stop: threading.Event | None = None,
            grid_size: int = GRID_SIZE, grid_every: int = 1,
            grid_interval_s: float | None = None) -> Iterator[EpochReport]:
        """Train up to epoch ``until`` and yield an :class:`EpochReport` after every epoch.

        Parameters
        ----------
        until : int, optional
            The epoch to stop after (default ``spec.epochs``). A later epoch continues the
            run: a run continued from where it stopped equals one planned that long.
        stop : threading.Event, optional
            Checked before every batch and evaluation chunk; when set, the generator returns
            without a report for the unfinished epoch (which a later call finishes).
        grid_size : int
            Side of the decision grid (:func:`~studio.core.evaluation.predict_grid`).
        grid_every : int
            Compute the grid every this many epochs and on epoch ``until``; 0 never.
        grid_interval_s : float, optional
            Also skip a due grid unless this many seconds of training passed since the last
            one; the first grid and the last epoch's are never skipped (for live views).

        Yields
        ------
        EpochReport
            One per epoch; after a ``diverged`` report (NaN/inf loss) the generator returns.
        """
        until = self.spec.epochs if until is None else until
        if grid_size < 1:
            raise ValueError(f"grid_size must be >= 1, got {grid_size}")
        if grid_every < 0:
            raise ValueError(f"grid_every must be >= 0, got {grid_every}")
        if grid_interval_s is not None and not grid_interval_s >= 0:
            raise ValueError(f"grid_interval_s must be >= 0, got {grid_interval_s}")
        grid_inputs = self.data.grid_inputs(grid_size) if grid_every else None
        return self._run(until, stop, grid_inputs, grid_size, grid_every, grid_interval_s or 0.0)

    def _run(self, until, stop, grid_inputs, grid_size, grid_every,
             grid_interval_s) -> Iterator[EpochReport]:
        is_stopped = stop.is_set if stop is not None else (lambda: False)
        train_step, next_batch = self._step, self._next_batch
        last_grid_at = -math.inf  # clock of the last grid: the first due grid is never skipped
        while self.epoch < until:
            start = time.perf_counter()
            try:
                # Grad mode is thread-local and this is a generator: enter it per epoch, in the
                # thread that resumes us, never across a yield.
                with self._grad_mode():
                    # Stop is checked before a batch is taken, so a stopped run resumes with
                    # exactly the batch it did not train.
                    while not is_stopped():
                        batch = next_batch()
                        if batch is None:
                            break
                        train_step(*batch)
                        self.steps += 1
                    else:
                        raise RunStopped
                metrics = epoch_metrics(self.model, self.loss_fn, self.data, self.t_train,
                                        self.t_test, stop)
            except RunStopped:
                self.elapsed_s += time.perf_counter() - start
                return
            self.epoch += 1
            self._epoch_batches = None
            epoch = self.epoch
            train_loss, test_loss, train_acc, test_acc = metrics
            diverged = not (math.isfinite(train_loss) and math.isfinite(test_loss))
            grid = classes = confidence = None
            if grid_inputs is not None and not diverged:
                now = self.elapsed_s + time.perf_counter() - start
                if epoch == until or (epoch % grid_every == 0
                                      and now - last_grid_at >= grid_interval_s):
                    grid, classes, confidence = grid_predictions(self.model, grid_inputs,
                                                                 grid_size)
                    last_grid_at = now
            self.elapsed_s += time.perf_counter() - start
            message = ""
            if diverged:
                bad = train_loss if not math.isfinite(train_loss) else test_loss
                message = (f"Loss became {bad} at epoch {epoch}: lower the learning rate "
                           f"(now {self.spec.optimizer.lr:g}).")
            elapsed = self.elapsed_s
            yield EpochReport(epoch=epoch, train_loss=train_loss, test_loss=test_loss,
                              train_acc=train_acc, test_acc=test_acc, elapsed_s=elapsed,
                              steps=self.steps,
                              steps_per_s=self.steps / elapsed if elapsed > 0 else 0.0,
                              grid=grid, diverged=diverged, message=message,
                              class_grid=classes, confidence_grid=confidence)
            if diverged:
                return

    def _replay(self, rng: torch.Tensor, index: int) -> None:
        """Position the batch order ``index`` batches into the epoch that starts at ``rng``."""
        self._epoch_batches = None
        self._batch_index = 0
        self.batches.generator.set_state(rng)
        for _ in range(index):  # none at a boundary: the next epoch draws its order from rng
            self._next_batch()

    # -- snapshots, restore, fork ----------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """A frozen copy of where the run is: weights, optimiser state, batch order, clock."""
        at_boundary = self._epoch_batches is None
        rng = self.batches.generator.get_state() if at_boundary else self._epoch_rng.clone()
        weights = MappingProxyType({k: v.detach().to("cpu", copy=True)
                                    for k, v in self.model.state_dict().items()})
        return Snapshot(spec=self.spec, epoch=self.epoch, steps=self.steps,
                        elapsed_s=self.elapsed_s,
                        batch_index=0 if at_boundary else self._batch_index, weights=weights,
                        optimizer_state=copy.deepcopy(self.optimizer.state_dict()),
                        rng_state=rng)

    def restore(self, snapshot: Snapshot) -> None:
        """Put the session back where ``snapshot`` was taken (same model structure)."""
        self.model.load_state_dict(dict(snapshot.weights))
        self.optimizer.load_state_dict(copy.deepcopy(snapshot.optimizer_state))
        self.epoch, self.steps, self.elapsed_s = snapshot.epoch, snapshot.steps, snapshot.elapsed_s
        self._replay(snapshot.rng_state, snapshot.batch_index)

    def fork(self, optimizer: OptimizerSpec | None = None, *,
             epochs: int | None = None) -> Session:
        """A new session that goes on from here with other optimiser settings.

        The weights, batch order and counters are copied (this session is left as it is).
        With the same optimiser kind its state (momentum buffers, Adam moments) carries over
        and only the settings change, as editing ``param_groups`` in torch would.
        """
        changes = {}
        if optimizer is not None:
            changes["optimizer"] = optimizer
        if epochs is not None:
            changes["epochs"] = epochs
        spec = dataclasses.replace(self.spec, **changes)
        snap = self.snapshot()
        child = type(self)(spec, data=self.data)
        state = forked_optimizer_state(snap.optimizer_state, child.optimizer.state_dict(),
                                       same_kind=spec.optimizer.name == self.spec.optimizer.name)
        child.restore(dataclasses.replace(snap, spec=spec, optimizer_state=state))
        return child
