"""A denoising run's training objective, as the loss panel draws it beside the clean RMSE."""

from __future__ import annotations

import numpy as np

OBJECTIVE_LABEL = "noisy inputs"  # the objective's value label in the loss panel


def objective_rmse(run) -> np.ndarray | None:
    """A denoising run's training objective per snapshot, as an RMSE: the root of the mean
    mini-batch MSE (corrupted input, clean target) since the snapshot before; NaN at the
    first. None for a run trained on its clean inputs (there the RMSE is the objective)."""
    train = run.experiment.train
    if not (train.noise or train.masking) or run.step_loss is None or not len(run.step_loss):
        return None
    sums = np.concatenate([[0.0], np.cumsum(np.asarray(run.step_loss, float))])
    ends = np.clip(np.asarray(run.step, int), 0, len(run.step_loss))
    starts = np.concatenate([[0], ends[:-1]])
    counts = ends - starts
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (sums[ends] - sums[starts]) / counts
    return np.where(counts > 0, np.sqrt(np.maximum(mean, 0)), np.nan)
