"""How big a run will be, estimated before training: refused up front, with the estimate and
how to cut it, when the trajectory would pass the cap or training would not fit in memory."""

from __future__ import annotations

import math
from typing import NamedTuple

from aeviz.limits import (
    MAX_TRAJECTORY_BYTES,
    TRAINING_MEMORY_FACTOR,
    available_memory,
    size_text,
)
from aeviz.settings import Experiment
from aeviz.training.objectives import Objective

FLOAT32, FLOAT64 = 4, 8
SNAPSHOT_OVERHEAD = 300   # bytes of Python objects around each snapshot's arrays in training
STEP_OVERHEAD = 32        # bytes of a Python float in the list of mini-batch losses


class Estimate(NamedTuple):
    snapshots: int
    snapshot_bytes: int     # codes and parameters of one snapshot, as stored
    fixed_bytes: int        # data, labels and every mini-batch's loss
    steps: int              # optimizer steps in all

    @property
    def total(self) -> int:
        """The trajectory's bytes."""
        return self.snapshots * self.snapshot_bytes + self.fixed_bytes

    @property
    def memory(self) -> int:
        """Training's peak: the record as Python objects, then stacked into arrays to save."""
        return (TRAINING_MEMORY_FACTOR * self.total + self.snapshots * SNAPSHOT_OVERHEAD
                + self.steps * STEP_OVERHEAD)


def estimate(exp: Experiment, samples: int, features: int) -> Estimate:
    """The trajectory's bytes: snapshots x (codes + parameters + the arrays only some runs
    have) + data + step losses."""
    # + epoch, step and loss of each snapshot
    per_snapshot = FLOAT32 * (samples * 2 + stored_parameters(exp)) + 3 * FLOAT64
    epochs, steps = exp.train.epochs, math.ceil(samples / exp.train.batch_size)
    within = min(exp.record.batches, epochs) * max(steps - 1, 0)
    snapshots = epochs // exp.record.every + 2 + within  # epoch 0, the last, the batches
    fixed = FLOAT64 * (samples * (features + 1) + epochs * steps)
    return Estimate(snapshots, per_snapshot, fixed, epochs * steps)


def stored_parameters(exp: Experiment) -> int:
    """The values a snapshot stores besides the codes: every weight and bias, a variational
    run's log-variance layer (W_logvar, b_logvar) and the objective's other terms."""
    layers = exp.model.layers
    parameters = sum(n_out * (n_in + 1) for n_in, n_out in zip(layers, layers[1:]))
    if exp.model.variational:
        parameters += 2 * (layers[exp.code_layer - 1] + 1)
    return parameters + len(Objective.of(exp).terms())


def check_size(exp: Experiment, samples: int, features: int) -> None:
    """Refuse a run whose trajectory would pass MAX_TRAJECTORY_BYTES or whose training would
    need more memory than is free."""
    size = estimate(exp, samples, features)
    needed = size.memory
    free = available_memory()
    if size.total <= MAX_TRAJECTORY_BYTES and (free is None or needed <= free):
        return
    limit = (f"at most {size_text(MAX_TRAJECTORY_BYTES)}" if size.total > MAX_TRAJECTORY_BYTES
             else f"training needs about {size_text(needed)}, {size_text(free)} is free")
    budget = min(MAX_TRAJECTORY_BYTES, (free or MAX_TRAJECTORY_BYTES) / TRAINING_MEMORY_FACTOR)
    room = (budget - size.fixed_bytes) / size.snapshot_bytes
    if room >= 10:
        every = math.ceil(exp.train.epochs / room)
        cut = f"record fewer snapshots (record.every = {every:,} or more) or lower train.epochs"
    else:
        cut = "lower train.epochs (the loss of every mini-batch is kept)"
    raise exp.error("record.every", f"the trajectory would hold {size.snapshots:,} snapshots, "
                    f"about {size_text(size.total)} ({limit}); {cut}")
