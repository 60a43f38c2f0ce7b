"""The training loop: mini-batch epochs, one RMSE evaluation per epoch, snapshots as it goes.

Both ways of training are one: training appends its snapshots to a record, and the record closes
into the result. `train` keeps them in memory (a `MemoryRecord`) and returns a Trajectory;
`train_to_file` streams them to disk as they are taken (a `StreamingRecord`: memory stays flat
however many epochs are recorded), writes the .npz and returns what it saved.

Snapshots taken inside an epoch (`record.batches`) are held until the epoch completes and only
then committed to the record, so the record never holds a state that training then abandoned:
on Ctrl-C the unfinished epoch's snapshots are simply dropped.
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import NamedTuple

import numpy as np

from aeviz.errors import AevizError
from aeviz.settings import Experiment
from aeviz.signals import saving
from aeviz.training.budget import check_size
from aeviz.training.data import Dataset, load_data
from aeviz.training.model import Autoencoder, halves_of, split_logvar
from aeviz.training.objectives import (
    CORRUPTION_STREAM,
    KL,
    SAMPLING_STREAM,
    CodeL1,
    Objective,
    corrupt,
    stream,
)
from aeviz.training.optim import make_optimizer
from aeviz.training.recorder import MemoryRecord, StreamingRecord
from aeviz.training.threads import SERIAL, Lanes, thread_plan, training_threads
from aeviz.trajectory import RunRecord, Trajectory
from aeviz.trajectory.meta import Meta, Seeds
from aeviz.version import __version__

EpochCallback = Callable[[int, float], None]
StepCallback = Callable[[int, int], None]  # (samples trained on so far, at most in all)
Record = MemoryRecord | StreamingRecord


class Snapshot(NamedTuple):
    epoch: int
    step: int
    rmse: float
    codes: np.ndarray    # [N, 2] float32
    params: np.ndarray   # flat float32 copy of all weights and biases
    terms: np.ndarray | None = None           # [K] the objective's other terms, if any
    logvar_weights: np.ndarray | None = None  # [2, in] a variational run's log-variance layer
    logvar_biases: np.ndarray | None = None   # [2]


def recordable(snapshot: Snapshot) -> bool:
    """Finite loss, codes, weights and the objective's arrays (stored as float32, so an
    overflowing cast shows as inf): a trajectory holds only what can be drawn and loaded, and a
    VAE whose KL term overflows has diverged, as one whose loss does."""
    return (math.isfinite(snapshot.rmse) and bool(np.isfinite(snapshot.codes).all())
            and bool(np.isfinite(snapshot.params).all())
            and all(bool(np.isfinite(array).all()) for array in (
                snapshot.terms, snapshot.logvar_weights, snapshot.logvar_biases)
                    if array is not None))


PLAIN = Objective()
# The least evaluation (samples x parameters) worth doing on the helper while the next epoch
# trains: about 3 ms of one thread's work. Below it the look ahead's own cost (copies of the
# parameters and optimizer state, waking the helper, the threads taking turns at Python's
# lock) outweighs it: the small reference workload (600 x 152) ran half again as long with it.
LOOK_AHEAD_SIZE = 1 << 27
# The least mini-batch (rows x parameters) whose step runs in halves on the lanes. Measured on
# 2 cores with the large benchmark's network: 64 rows (28M) took as long in halves as whole, 96
# rows (42M) 7 % less, 256 rows (112M) 26 % less; 784-128-2-128-784: 64 rows (13M) 5 % more.
HALVES_SIZE = 1 << 25


class Ahead(NamedTuple):
    """An epoch's end evaluated on the helper while the next epoch trains, and what training
    goes back to if that end stops it."""

    end: Future              # the end's Snapshot
    held: list[Snapshot]     # the epoch's snapshots taken within it
    params: np.ndarray       # the parameters at the end
    optimizer: dict          # the optimizer's state (Stepper.state)
    streams: list            # (generator, its state) for each random stream
    steps: int               # the steps taken by the end


class Stopped(Exception):
    """Training stops at an epoch's end that was evaluated while the next epoch trained."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def minibatch_step(net: Autoencoder, optimizer, batch: np.ndarray,
                   objective: Objective = PLAIN, inputs: np.ndarray | None = None,
                   noise: np.ndarray | None = None, lanes: Lanes = SERIAL,
                   halves: bool = False) -> float:
    """Forward, backward, update: one optimizer step on one mini-batch. Returns its MSE.

    `inputs`: what the network reads instead of `batch` (a corrupted copy; the target stays
    `batch`); `noise`: a variational network's standard normal draws for its codes.

    With two lanes, the forward pass runs in two halves of the rows, one on each lane, if
    `halves` (see `Training.halved_sizes`), and the work on large layers is shared with the
    helper (see `Autoencoder.backward`); every number is the one-thread one.
    """
    halves = halves and lanes.parallel
    forward_pass = net.forward_into(batch if inputs is None else inputs, noise,
                                    lanes.later if halves else None, target=batch)
    lanes.wait()  # backward reads every row
    optimizer.start_step()
    mse = net.backward(forward_pass, None, objective.code_l1_term,
                       objective.kl_term, lanes.later,
                       lambda part: optimizer.update(net.params, net.grads, part), halves)
    lanes.wait()  # the next step reads every parameter
    return mse


def _take(x: np.ndarray, rows: np.ndarray, out: np.ndarray) -> None:
    """x's rows into out. (mode="clip": the rows are a permutation's, always in range; "raise"
    would gather into a temporary first and then copy it, a quarter of a millisecond a step on
    the large benchmark.)"""
    np.take(x, rows, axis=0, out=out, mode="clip")


class Training:
    """A run in progress: the network, its optimizer and shuffling, and the record so far."""

    def __init__(self, exp: Experiment, x: np.ndarray,
                 record: Record | None = None, lanes: Lanes = SERIAL):
        self.exp, self.x, self.lanes = exp, x, lanes
        self.rng = np.random.default_rng(exp.train.seed)
        self.objective = objective = Objective.of(exp)
        variational = objective.beta is not None
        self.net = Autoencoder(exp.model.layers, exp.model.activations, self.rng,
                               np.dtype(exp.train.dtype).type,
                               exp.code_layer if variational else None)
        self.optimizer = make_optimizer(self.net.params, exp.train)
        self.steps_per_epoch = math.ceil(len(x) / exp.train.batch_size)
        self.batch = np.empty((min(exp.train.batch_size, len(x)), x.shape[1]), x.dtype)
        # Their own random streams: the shuffling stays that of the plain run.
        self.corruption = (stream(exp.train.seed, CORRUPTION_STREAM) if objective.corrupts
                           else None)
        self.corrupted = np.empty_like(self.batch) if objective.corrupts else None
        self.sampling = stream(exp.train.seed, SAMPLING_STREAM) if variational else None
        self.step_losses: list[float] = []  # every mini-batch's MSE, an unfinished epoch's too
        # committed snapshots, in step order
        self.record = MemoryRecord() if record is None else record
        self.on_step: StepCallback | None = None
        self.blow_up: list[Snapshot] = []   # the held snapshots of a diverging epoch
        self.diverged_at: int | None = None
        self.on_epoch: EpochCallback | None = None
        self.ahead: Ahead | None = None     # an epoch's end evaluated while the next trains
        # The end of the last completed epoch (None until the untrained network is recorded).
        self.last: Snapshot | None = None
        if self.may_look_ahead(0):  # the untrained network, evaluated while epoch 1 trains
            self.look_ahead(0, [])
        else:
            self.begin(self.snapshot(0))
        self.halved = self.halved_sizes()

    def begin(self, start: Snapshot) -> None:
        """Record the untrained network (epoch 0), or refuse data on which it is not finite:
        then there would be nothing finite to draw."""
        if not recordable(start):
            raise self.exp.error("data", "the untrained network's loss or codes on this data "
                                 "are not finite numbers in float arithmetic; scale the data "
                                 'down (data.normalize = "global")')
        self.last = start
        self.commit([start])

    def halved_sizes(self) -> set[int]:
        """The mini-batch sizes (rows) whose forward pass runs in halves on the two lanes:
        large ones (HALVES_SIZE) where this machine's BLAS and numpy give the halves the whole
        step's numbers (checked once for each size: `Autoencoder.halves_agree`)."""
        size = self.exp.train.batch_size
        sizes = {len(self.batch), len(self.x) % size} - {0}
        return {rows for rows in sizes if self.lanes.parallel
                and rows * len(self.net.params) >= HALVES_SIZE
                and self.net.halves_agree(rows)}

    @property
    def step(self) -> int:
        """Optimizer steps taken so far."""
        return len(self.step_losses)

    def snapshot(self, epoch: int, net: Autoencoder | None = None, step: int | None = None,
                 threads: int | None = None) -> Snapshot:
        """The network now (or `net`, a frozen copy of it taken at `step`): its RMSE over x,
        and float32 copies of its codes and parameters."""
        net = self.net if net is None else net
        rmse, codes = net.evaluate(self.x, self.exp.code_layer, self.lanes.evaluation_threads
                                   if threads is None else threads)
        # astype copies: later in-place updates of the weights must not leak into the record.
        params = net.params.astype(np.float32)
        return Snapshot(epoch, self.step if step is None else step, rmse, codes, params,
                        *self._extras(net, codes, params))

    def _extras(self, net: Autoencoder, codes: np.ndarray, params: np.ndarray) -> tuple:
        """The objective's other terms over all of x, and a variational run's log-variance
        layer (weights, biases): None where a run has none (a plain run's record is as it
        always was)."""
        names = self.objective.terms()
        if not names:
            return None, None, None
        values = {"code_l1": lambda: CodeL1.value(codes), "kl": lambda: KL.value(
            *net.code_distribution(self.x, self.exp.code_layer))}
        terms = np.array([values[name]() for name in names], np.float32)
        if self.objective.beta is None:
            return terms, None, None
        return (terms, *split_logvar(params, self.exp.model.layers, self.exp.code_layer))

    def commit(self, snapshots: list[Snapshot]) -> None:
        """Add the finite ones to the record, in step order."""
        self.record.extend([s for s in snapshots if recordable(s)])

    def run(self, on_epoch: EpochCallback | None) -> str:
        """Train epoch after epoch until a stopping rule holds; return the stop reason.

        With two lanes, an epoch's end is evaluated on the helper while the next epoch trains
        (`look_ahead`); if that end stops training, the steps taken since are undone, so the
        result is the one-thread one, number for number."""
        self.on_epoch = on_epoch
        try:
            for epoch in range(1, self.exp.train.epochs + 1):
                held = self.run_epoch(epoch)
                reason = self.settle()
                if reason is not None:
                    return reason
                if self.may_look_ahead(epoch):
                    self.look_ahead(epoch, held)
                    continue
                reason = self.conclude(self.snapshot(epoch), held)
                if reason is not None:
                    return reason
            return "epochs"
        except Stopped as stop:
            return stop.reason
        except KeyboardInterrupt:
            # The epoch whose end is being evaluated is complete: record it (or stop where
            # one thread would have stopped) before the interrupt ends training.
            reason = self.settle()
            if reason is not None:
                return reason
            raise

    def conclude(self, end: Snapshot, held: list[Snapshot]) -> str | None:
        """Commit a finished epoch, or say why training stops there."""
        if not recordable(end):
            self.diverged_at, self.blow_up = end.epoch, held
            return "diverged"
        self.complete(end, held)
        if self.on_epoch is not None:
            self.on_epoch(end.epoch, end.rmse)
        if end.rmse <= self.exp.train.epsilon:
            return "converged"
        return None

    def may_look_ahead(self, epoch: int) -> bool:
        """Whether this epoch's end may be evaluated while the next one trains: with a helper,
        an evaluation large enough, a next epoch, and one that takes no snapshots of its own
        (`record.batches`)."""
        return (self.lanes.parallel and len(self.x) * len(self.net.params) >= LOOK_AHEAD_SIZE
                and epoch < self.exp.train.epochs and epoch + 1 > self.exp.record.batches)

    def look_ahead(self, epoch: int, held: list[Snapshot]) -> None:
        """Start evaluating this epoch's end on the helper, keeping what is needed to come
        back to it (`settle`)."""
        net = self.net.frozen()
        streams = [s for s in (self.rng, self.corruption, self.sampling) if s is not None]
        self.ahead = Ahead(self.lanes.aside(self.snapshot, epoch, net, self.step, 1), held,
                           net.params, self.optimizer.state(),
                           [(s, s.bit_generator.state) for s in streams], self.step)

    def settle(self) -> str | None:
        """Conclude the epoch end evaluated ahead, if any. If it stops training, go back to
        it: its parameters, optimizer state, random streams and step count."""
        ahead = self.ahead
        if ahead is None:
            return None
        end = ahead.end.result()
        if end.epoch == 0:
            self.begin(end)
            self.ahead = None  # only now: an interrupt before leaves it to `finish`
            return None
        self.ahead = None
        reason = self.conclude(end, ahead.held)
        if reason is not None:
            self.net.params[...] = ahead.params
            self.optimizer.restore(ahead.optimizer)
            for generator, state in ahead.streams:
                generator.bit_generator.state = state
            del self.step_losses[ahead.steps:]
        return reason

    def run_epoch(self, epoch: int) -> list[Snapshot]:
        """One optimizer step per mini-batch of a fresh shuffle. Returns the snapshots taken
        after each mini-batch but the last (that one is the epoch's end), if `record.batches`
        covers this epoch. The last epoch's end evaluated ahead is settled as soon as it is
        done; if it stops training, so does this epoch."""
        x, size = self.x, self.exp.train.batch_size
        order = self.rng.permutation(len(x))
        held = []
        for start in range(0, len(x), size):
            rows = order[start:start + size]
            # While the helper evaluates an epoch's end, the step is this thread's alone: work
            # handed to the helper would only be taken back, and halves cost more than whole.
            alone = self.ahead is not None and not self.ahead.end.done()
            halves = not alone and len(rows) in self.halved
            batch = self.gather(rows, halves)
            inputs = (None if self.corruption is None else
                      corrupt(batch, self.corruption, self.objective.noise,
                              self.objective.masking, self.corrupted[:len(rows)]))
            noise = (None if self.sampling is None else self.sampling.standard_normal(
                (len(rows), 2)).astype(batch.dtype))
            self.step_losses.append(minibatch_step(
                self.net, self.optimizer, batch, self.objective, inputs, noise,
                SERIAL if alone else self.lanes, halves))
            if self.on_step is not None:
                self.on_step((epoch - 1) * len(x) + start + len(rows),
                             self.exp.train.epochs * len(x))
            if epoch <= self.exp.record.batches and start + size < len(x):
                held.append(self.snapshot(epoch))
            if self.ahead is not None and self.ahead.end.done():
                reason = self.settle()
                if reason is not None:
                    raise Stopped(reason)
        return held

    def gather(self, rows: np.ndarray, halves: bool) -> np.ndarray:
        """The mini-batch of these rows of x. For a step in halves (where nothing but the
        forward pass reads the batch first: no corruption), the helper gathers the rows of
        its half while this thread gathers the others: it starts its half of the forward pass
        at once (see minibatch_step: the wait after the forward pass is after both)."""
        batch = self.batch[:len(rows)]
        if halves and self.corruption is None:
            mine, theirs = halves_of(len(rows))  # as Autoencoder.forward_into splits them
            self.lanes.later(_take, self.x, rows[theirs], batch[theirs])
            _take(self.x, rows[mine], batch[mine])
        else:
            _take(self.x, rows, batch)
        return batch

    def complete(self, end: Snapshot, held: list[Snapshot]) -> None:
        """Commit a completed epoch: its held snapshots, and its end if `record` keeps it."""
        # `last` first: should a Ctrl-C fall between the two lines, `finish` still adds this
        # epoch's end after everything committed so far, and the record stays in step order.
        self.last = end
        keep_end = end.epoch % self.exp.record.every == 0 or end.epoch <= self.exp.record.batches
        self.commit(held + [end] if keep_end else held)

    def finish(self) -> str | None:
        """Close the record. An end evaluated ahead and not settled yet (a second interrupt
        came while training waited for it) is settled first, and its stop reason returned,
        if it stops training. The last completed epoch is always in the record, even where
        `record.every` skipped it; after divergence the diverging epoch's finite snapshots
        follow it: they show the blow-up."""
        reason = self.settle()
        if self.record.last_step != self.last.step:
            self.record.append(self.last)
        self.commit(self.blow_up)
        return reason


def train(exp: Experiment, on_epoch: EpochCallback | None = None, *,
          data: Dataset | None = None) -> Trajectory:
    """Train the experiment's autoencoder and return its recorded trajectory.

    `data` is the experiment's data if already loaded (`load_data(exp)`); else it is loaded
    here. Stops after `train.epochs`, when the RMSE reaches `train.epsilon` ("converged"),
    when the loss or weights stop being finite ("diverged": the last finite state is kept) or
    on Ctrl-C ("interrupted": the last completed epoch is kept). `on_epoch(epoch, rmse)` is
    called after every epoch, for progress display.
    """
    return record_training(exp, MemoryRecord(), data, on_epoch)


def train_to_file(exp: Experiment, path: str | Path, on_epoch: EpochCallback | None = None,
                  on_step: StepCallback | None = None, *,
                  data: Dataset | None = None) -> RunRecord:
    """Train as `train` does, streaming the snapshots to disk; write the .npz at `path`
    atomically and return its record (`path` set). `on_step(samples_done, samples_at_most)`
    is called after every mini-batch; `data` as for `train`."""
    record = StreamingRecord(path, exp.model.layers)
    try:
        return record_training(exp, record, data, on_epoch, on_step)
    except OSError as error:  # a full disk or a quota, while streaming or zipping: one line
        raise AevizError(f"{path}: cannot write: {error.strerror or error}") from None
    finally:
        record.discard()  # the old file at `path`, if any, stays as it was


def record_training(exp: Experiment, record: Record, data: Dataset | None,
                    on_epoch: EpochCallback | None,
                    on_step: StepCallback | None = None) -> Trajectory | RunRecord:
    """Train into `record` and close it: what the record closes into.

    Once training has stopped, whatever stopped it, the finished work is saved under
    `saving()`: a stop signal then waits for the save to end (a third one aborts it).
    """
    started = time.perf_counter()
    if data is None:
        data = load_data(exp)
    check_size(exp, *data.x.shape)
    plan = thread_plan()  # see aeviz.training.threads
    # divergence is detected, not warned
    with np.errstate(over="ignore", invalid="ignore"), training_threads(plan), \
            Lanes(plan.lanes, plan.evaluation) as lanes:
        run = Training(exp, data.x, record, lanes)
        run.on_step = on_step
        try:
            stop_reason = run.run(on_epoch)
        except KeyboardInterrupt:
            stop_reason = "interrupted"
        with saving():
            stop_reason = run.finish() or stop_reason
            return record.close(run_record(exp, data, run, Meta(
                aeviz_version=__version__, numpy_version=np.__version__,
                created=datetime.datetime.now(datetime.timezone.utc).isoformat(
                    timespec="seconds"),
                seed=Seeds(data=exp.data.seed, train=exp.train.seed), source=exp.source,
                stop_reason=stop_reason, epochs_run=run.last.epoch,
                diverged_at=run.diverged_at, steps_per_epoch=run.steps_per_epoch,
                wall_seconds=time.perf_counter() - started)))


def run_record(exp: Experiment, data: Dataset, run: Training, meta: Meta) -> RunRecord:
    """The trajectory's keys that are not per snapshot (the record fills in epoch, step and
    loss when it closes)."""
    empty = np.empty(0)
    return RunRecord(config=exp.to_toml(), meta=meta, x=data.x.astype(np.float32, copy=False),
                     labels=data.labels, label_names=data.label_names,
                     feature_names=data.feature_names,
                     layer_sizes=tuple(exp.model.layers), activations=exp.model.activations,
                     epoch=empty, step=empty, loss=empty,
                     step_loss=np.array(run.step_losses), term_names=run.objective.terms())
