"""What a mini-batch step minimizes, beyond the reconstruction's MSE, and how its input is
corrupted.

  denoising  the input is x + noise * N(0, 1) (fresh every step), then each feature zeroed with
             probability `masking`, independently per sample and step; the target stays x
  code_l1    + lambda * (mean over the batch's rows of sum_j |code_j|)        (CodeL1)
  VAE        + beta * (mean over the batch's rows of KL(N(mean, exp(logvar)) || N(0, 1)))
             KL = -1/2 sum_j (1 + logvar_j - mean_j^2 - exp(logvar_j))          (KL)
  decay      + weight_decay, applied by the optimizer (see optim.py)

Each term is one object, its value beside its gradient (as micrograd keeps each operation
beside its derivative): `value` is what a run records for the term, unweighted, over all data
after an epoch; `gradient` is d(weight * value)/d(its inputs) over a mini-batch, which
`Autoencoder.backward` adds where the term's inputs are. The random numbers come from their own
streams, seeded from the training seed, so a denoising or variational run shuffles its batches
exactly as the plain run with the same seed.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

import numpy as np

from aeviz.settings import Experiment

CORRUPTION_STREAM, SAMPLING_STREAM = 1, 2  # spawn keys beside the shuffling's seed


class CodeL1(NamedTuple):
    """weight * the mean over rows of sum_j |code_j|, on the code layer's activations
    (outputs[layer]; a VAE's sampled code)."""

    weight: float
    layer: int
    name: ClassVar[str] = "code_l1"

    @staticmethod
    def value(code: np.ndarray) -> float:
        """The mean over rows of sum |code|, in float64."""
        return float(np.abs(np.asarray(code, float)).sum() / len(code))

    def gradient(self, code: np.ndarray) -> np.ndarray:
        """d(weight * value)/dcode: weight * sign(code) / rows (0 at code = 0, as PyTorch)."""
        return np.sign(code) * (self.weight / len(code))


class KL(NamedTuple):
    """weight (beta) * the mean over rows of KL(N(mean, exp(logvar)) || N(0, 1)), at a
    variational code layer."""

    weight: float
    name: ClassVar[str] = "kl"

    @staticmethod
    def value(mean: np.ndarray, logvar: np.ndarray) -> float:
        """The mean over rows of KL(N(mean, exp(logvar)) || N(0, 1)), summed over code
        neurons, in float64."""
        mean, logvar = np.asarray(mean, float), np.asarray(logvar, float)
        return float(np.sum(-0.5 * (1 + logvar - mean**2 - np.exp(logvar))) / len(mean))

    def gradient(self, mean: np.ndarray, logvar: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """d(weight * value)/dmean and /dlogvar: weight * mean / rows and
        weight * (exp(logvar) - 1) / (2 rows), with exp(logvar) as the sampling's std^2."""
        scale = self.weight / len(mean)
        std = np.exp(0.5 * logvar)
        return scale * mean, scale * 0.5 * (std * std - 1.0)


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

    @property
    def code_l1_term(self) -> CodeL1 | None:
        return CodeL1(self.code_l1, self.code_layer) if self.code_l1 else None

    @property
    def kl_term(self) -> KL | None:
        return None if self.beta is None else KL(self.beta)

    def penalties(self) -> tuple[CodeL1 | KL, ...]:
        """The objective's terms beyond the reconstruction's MSE, in recording order."""
        return tuple(term for term in (self.code_l1_term, self.kl_term) if term is not None)

    def terms(self) -> tuple[str, ...]:
        """The names of the objective's recorded terms beyond the reconstruction RMSE."""
        return tuple(term.name for term in self.penalties())


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
