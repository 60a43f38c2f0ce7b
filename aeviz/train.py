"""The training loop: mini-batch epochs, one RMSE evaluation per epoch, snapshots as it goes."""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from aeviz import __version__
from aeviz.config import Experiment
from aeviz.data import Dataset, load_data
from aeviz.model import Autoencoder, split_params
from aeviz.optim import make_optimizer
from aeviz.trajectory import Trajectory

EpochCallback = Callable[[int, float], None]


class Snapshot(NamedTuple):
    epoch: int
    step: int
    rmse: float
    codes: np.ndarray    # [N, 2] float32
    params: np.ndarray   # flat float32 copy of all weights and biases


class Recorder:
    """Collects snapshots of the network as training goes."""

    def __init__(self, code_layer: int):
        self.code_layer = code_layer
        self.snapshots: list[Snapshot] = []

    def add(self, epoch: int, step: int, rmse: float, outputs: list[np.ndarray],
            params: np.ndarray) -> None:
        # One append, so a Ctrl-C can never leave half a snapshot behind. astype copies: later
        # in-place updates of the weights must not leak into the record.
        self.snapshots.append(Snapshot(epoch, step, rmse,
                                       outputs[self.code_layer].astype(np.float32),
                                       params.astype(np.float32)))

    def drop_after(self, step: int) -> None:
        """Forget snapshots of an epoch that did not complete."""
        self.snapshots = [s for s in self.snapshots if s.step <= step]

    def drop_non_finite(self) -> None:
        self.snapshots = [s for s in self.snapshots if recordable(s.rmse, s.codes, s.params)]

    def steps(self) -> list[int]:
        return [s.step for s in self.snapshots]


def recordable(rmse: float, codes: np.ndarray, params: np.ndarray) -> bool:
    """Finite loss, and codes and weights that stay finite when stored as float32."""
    with np.errstate(over="ignore"):
        return (math.isfinite(rmse) and np.isfinite(codes.astype(np.float32)).all()
                and np.isfinite(params.astype(np.float32)).all())


def minibatch_step(net: Autoencoder, optimizer, batch: np.ndarray) -> float:
    """Forward, backward, update: one optimizer step on one mini-batch. Returns its MSE."""
    mse = net.backward(net.forward(batch))
    optimizer.step(net.params, net.grads)
    return mse


def train(exp: Experiment, on_epoch: EpochCallback | None = None) -> Trajectory:
    """Train the experiment's autoencoder and return its recorded trajectory.

    Stops after `train.epochs`, when the RMSE reaches `train.epsilon` ("converged"), when the
    loss or weights stop being finite ("diverged": the last finite state is kept) or on Ctrl-C
    ("interrupted": the last completed epoch is kept). `on_epoch(epoch, rmse)` is called after
    every epoch, for progress display.
    """
    started = time.perf_counter()
    data = load_data(exp)
    rng = np.random.default_rng(exp.train.seed)
    net = Autoencoder(exp.model.layers, exp.model.activations, rng)
    optimizer = make_optimizer(net.params, exp.train)
    recorder = Recorder(exp.code_layer)
    x, batch_size = data.x, exp.train.batch_size
    steps_per_epoch = math.ceil(len(x) / batch_size)
    step_losses: list[float] = []
    last_good = net.params.copy()  # the weights at the end of the last completed epoch
    completed, step, diverged_at, stop_reason = 0, 0, None, "epochs"

    def snapshot(epoch: int, outputs: list[np.ndarray] | None = None,
                 rmse: float | None = None) -> None:
        if outputs is None:
            rmse, outputs = net.rmse(x)
        recorder.add(epoch, step, rmse, outputs, net.params)

    snapshot(0)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected, not warned
        try:
            for epoch in range(1, exp.train.epochs + 1):
                shuffled = x[rng.permutation(len(x))]
                record_batches = epoch <= exp.record.batches
                for start in range(0, len(x), batch_size):
                    batch = shuffled[start:start + batch_size]
                    step_losses.append(minibatch_step(net, optimizer, batch))
                    step += 1
                    if record_batches and start + batch_size < len(x):
                        snapshot(epoch)
                rmse, outputs = net.rmse(x)
                if not recordable(rmse, outputs[exp.code_layer], net.params):
                    diverged_at, stop_reason = epoch, "diverged"
                    break
                completed = epoch
                last_good[:] = net.params
                if epoch % exp.record.every == 0 or record_batches:
                    snapshot(epoch, outputs, rmse)
                if on_epoch is not None:
                    on_epoch(epoch, rmse)
                if rmse <= exp.train.epsilon:
                    stop_reason = "converged"
                    break
        except KeyboardInterrupt:
            stop_reason = "interrupted"
    # Epoch 0 and the last completed epoch are always recorded, with finished-epoch weights.
    # After an interrupt, snapshots of the unfinished epoch go; after divergence, its finite
    # within-epoch snapshots stay: they show the blow-up.
    if stop_reason == "interrupted":
        recorder.drop_after(completed * steps_per_epoch)
    recorder.drop_non_finite()
    net.params[:] = last_good
    step = completed * steps_per_epoch
    if step not in recorder.steps():
        snapshot(completed)
        recorder.snapshots.sort(key=lambda s: s.step)
    return _trajectory(exp, data, recorder, step_losses, {
        "stop_reason": stop_reason, "epochs_run": completed, "diverged_at": diverged_at,
        "steps_per_epoch": steps_per_epoch, "wall_seconds": time.perf_counter() - started,
    })


def _trajectory(exp: Experiment, data: Dataset, recorder: Recorder, step_losses: list[float],
                run_meta: dict) -> Trajectory:
    snapshots = recorder.snapshots
    params = np.stack([s.params for s in snapshots])
    weights, biases = split_params(params, exp.model.layers)
    meta = {
        "aeviz_version": __version__, "numpy_version": np.__version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "seed": {"data": exp.data.seed, "train": exp.train.seed},
        "source": exp.source, **run_meta,
    }
    return Trajectory(
        config=exp.to_toml(), meta=meta, x=data.x, labels=data.labels,
        label_names=data.label_names, layer_sizes=tuple(exp.model.layers),
        activations=exp.model.activations, epoch=np.array([s.epoch for s in snapshots]),
        step=np.array([s.step for s in snapshots]), loss=np.array([s.rmse for s in snapshots]),
        codes=np.stack([s.codes for s in snapshots]),
        weights=[np.ascontiguousarray(w) for w in weights],
        biases=[np.ascontiguousarray(b) for b in biases], step_loss=np.array(step_losses))
