"""What a mini-batch step minimizes, beyond the reconstruction's MSE, and how its input is
corrupted.

  denoising  the input is x + noise * N(0, 1) (fresh every step), then each feature zeroed with
             probability `masking`, independently per sample and step; the target stays x
  code_l1    + lambda * (mean over the batch's rows of sum_j |code_j|)
  VAE        + beta * (mean over the batch's rows of KL(N(mean, exp(logvar)) || N(0, 1)))
             KL = -1/2 sum_j (1 + logvar_j - mean_j^2 - exp(logvar_j))
  decay      + weight_decay, applied by the optimizer (see optim.py)

The gradients are in `Autoencoder.backward`. The random numbers come from their own streams,
seeded from the training seed, so a denoising or variational run shuffles its batches exactly
as the plain run with the same seed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from aeviz.settings import Experiment

CORRUPTION_STREAM, SAMPLING_STREAM = 1, 2  # spawn keys beside the shuffling's seed


class Objective(NamedTuple):
    """A run's objective and corruption settings, with the defaults for left-out keys."""

    noise: float = 0.0
    masking: float = 0.0
    code_l1: float = 0.0
    beta: float | None = None  # the KL weight of a variational run; None: plain
    code_layer: int = 0

    @classmethod
    def of(cls, exp: Experiment) -> Objective:
        train = exp.train
        return cls(train.noise or 0.0, train.masking or 0.0, train.code_l1 or 0.0,
                   (1.0 if train.beta is None else train.beta) if exp.model.variational
                   else None, exp.code_layer)

    @property
    def corrupts(self) -> bool:
        return bool(self.noise or self.masking)

    def terms(self) -> tuple[str, ...]:
        """The names of the objective's recorded terms beyond the reconstruction RMSE."""
        return (("code_l1",) if self.code_l1 else ()) + (("kl",) if self.beta is not None
                                                          else ())


def stream(seed: int, key: int) -> np.random.Generator:
    """A random stream of its own for `key`, from the training seed."""
    return np.random.default_rng([seed, key])


def corrupt(batch: np.ndarray, rng: np.random.Generator, noise: float, masking: float,
            out: np.ndarray) -> np.ndarray:
    """The batch with Gaussian noise of std `noise` added, then each entry zeroed with
    probability `masking`, into `out`. Draws (normal, then uniform) only for what is on."""
    np.copyto(out, batch)
    if noise:
        out += noise * rng.standard_normal(batch.shape)
    if masking:
        out[rng.random(batch.shape) < masking] = 0.0
    return out


def kl_divergence(mean: np.ndarray, logvar: np.ndarray) -> float:
    """The mean over rows of KL(N(mean, exp(logvar)) || N(0, 1)), summed over code neurons."""
    mean, logvar = np.asarray(mean, float), np.asarray(logvar, float)
    return float(np.sum(-0.5 * (1 + logvar - mean**2 - np.exp(logvar))) / len(mean))


def code_l1_term(codes: np.ndarray) -> float:
    """The mean over rows of sum |code|."""
    return float(np.abs(np.asarray(codes, float)).sum() / len(codes))
