"""Optimizers. Each holds its state as arrays shaped like the parameters; `step` updates in place.

theta are all parameters, g the mini-batch gradient, t the step count starting at 1:
  SGD       theta -= lr * g
  Momentum  m = beta1 m + (1 - dampening) g;     theta -= lr * m
            (dampening = beta1 by default: a running average; 0: classical heavy-ball momentum,
            torch.optim.SGD(momentum=beta1))
  RMSProp   v = beta2 v + (1 - beta2) g^2;        theta -= lr * g / (sqrt(v) + eps)
  Adam      m, v as above;  theta -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
  AdamW     theta *= 1 - lr * weight_decay (decoupled decay), then Adam's step

Weight decay (L2) for the first four is coupled, as PyTorch's `weight_decay`: g += wd * theta
before the update, on every parameter, biases included.

Every update is elementwise, so a step may be taken part by part: `start_step()` once, then
`update(params, grads, part)` for slices that cover the parameters, in any order and on any
thread (the parts must not overlap); each number comes out as the whole step computes it.
`step(params, grads)` is the two in one, on all parameters.
"""

from __future__ import annotations

import numpy as np

from aeviz.settings import Train

EVERYTHING = slice(None)
# An update makes about a dozen passes over its part of the parameters, the gradients and the
# optimizer's state. Taken a block at a time, a block stays in the core's cache from one pass
# to the next instead of coming from memory each time (Adam on the large benchmark's 434,432
# parameters: 1.1 ms a step in one piece, 0.8 ms in blocks). Each number is the same.
BLOCK = 65536


class Stepper:
    """What every optimizer shares: `step` is `start_step` then `update` on everything, and
    `update` takes its part a block at a time (`update_block`, each optimizer's own).
    `STATE` names what its steps change besides the parameters (`state`, `restore`)."""

    STATE: tuple[str, ...] = ()

    def state(self) -> dict:
        """A copy of what the steps so far changed: `restore` goes back to it."""
        values = {name: getattr(self, name) for name in self.STATE}
        return {name: value.copy() if isinstance(value, np.ndarray) else value
                for name, value in values.items()}

    def restore(self, state: dict) -> None:
        for name, value in state.items():
            if isinstance(value, np.ndarray):
                getattr(self, name)[...] = value
            else:
                setattr(self, name, value)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.start_step()
        self.update(params, grads, EVERYTHING)

    def start_step(self) -> None:
        """Count the step (for the optimizers whose update depends on it)."""

    def update(self, params: np.ndarray, grads: np.ndarray, part: slice) -> None:
        start, stop, _ = part.indices(len(params))
        for begin in range(start, stop, BLOCK):
            self.update_block(params, grads, slice(begin, min(begin + BLOCK, stop)))


class SGD(Stepper):
    def __init__(self, params: np.ndarray, learning_rate: float, weight_decay: float = 0.0):
        self.learning_rate, self.weight_decay = learning_rate, weight_decay
        self.scratch = np.empty_like(params)  # every step's temporary, reused
        self.decayed = np.empty_like(params) if weight_decay else None

    @classmethod
    def configured(cls, params: np.ndarray, train: Train) -> SGD:
        return cls(params, train.learning_rate, train.decay)

    def update_block(self, params: np.ndarray, grads: np.ndarray, part: slice) -> None:
        params, grads = params[part], _coupled(self, params, grads, part)
        params -= np.multiply(grads, self.learning_rate, out=self.scratch[part])


class Momentum(Stepper):
    STATE = ("m",)

    def __init__(self, params: np.ndarray, learning_rate: float, beta1: float,
                 dampening: float | None = None, weight_decay: float = 0.0):
        self.learning_rate, self.beta1, self.weight_decay = learning_rate, beta1, weight_decay
        self.dampening = beta1 if dampening is None else dampening
        self.m = np.zeros_like(params)
        self.scratch = np.empty_like(params)
        self.decayed = np.empty_like(params) if weight_decay else None

    @classmethod
    def configured(cls, params: np.ndarray, train: Train) -> Momentum:
        return cls(params, train.learning_rate, train.beta1, train.dampening, train.decay)

    def update_block(self, params: np.ndarray, grads: np.ndarray, part: slice) -> None:
        params, grads = params[part], _coupled(self, params, grads, part)
        m, scratch = self.m[part], self.scratch[part]
        _decay_into(m, self.beta1, grads, scratch, 1 - self.dampening)
        params -= np.multiply(m, self.learning_rate, out=scratch)


class RMSProp(Stepper):
    STATE = ("v",)

    def __init__(self, params: np.ndarray, learning_rate: float, beta2: float, eps: float,
                 weight_decay: float = 0.0):
        self.learning_rate, self.beta2, self.eps = learning_rate, beta2, eps
        self.weight_decay = weight_decay
        self.v = np.zeros_like(params)
        self.scratch = np.empty_like(params)
        self.decayed = np.empty_like(params) if weight_decay else None

    @classmethod
    def configured(cls, params: np.ndarray, train: Train) -> RMSProp:
        return cls(params, train.learning_rate, train.beta2, train.eps, train.decay)

    def update_block(self, params: np.ndarray, grads: np.ndarray, part: slice) -> None:
        params, grads = params[part], _coupled(self, params, grads, part)
        v, scratch = self.v[part], self.scratch[part]
        _decay_into(v, self.beta2, np.square(grads, out=scratch), scratch)
        denominator = np.sqrt(v, out=scratch)
        denominator += self.eps
        step = np.divide(grads, denominator, out=denominator)
        step *= self.learning_rate
        params -= step


class Adam(Stepper):
    STATE = ("m", "v", "t")

    def __init__(self, params: np.ndarray, learning_rate: float, beta1: float, beta2: float,
                 eps: float, weight_decay: float = 0.0):
        self.learning_rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.weight_decay = weight_decay
        self.m = np.zeros_like(params)
        self.v = np.zeros_like(params)
        self.t = 0
        self.scratch = np.empty_like(params)
        self.decayed = np.empty_like(params) if weight_decay else None

    @classmethod
    def configured(cls, params: np.ndarray, train: Train) -> Adam:
        return cls(params, train.learning_rate, train.beta1, train.beta2, train.eps,
                   train.decay)

    def start_step(self) -> None:
        self.t += 1

    def update_block(self, params: np.ndarray, grads: np.ndarray, part: slice) -> None:
        self._adam_update(params[part], _coupled(self, params, grads, part), part)

    def _adam_update(self, params: np.ndarray, grads: np.ndarray, part: slice) -> None:
        m, v, scratch = self.m[part], self.v[part], self.scratch[part]
        _decay_into(m, self.beta1, grads, scratch)
        _decay_into(v, self.beta2, np.square(grads, out=scratch), scratch)
        # lr * m_hat / (sqrt(v_hat) + eps), with the bias corrections as scalars.
        denominator = np.divide(v, 1 - self.beta2**self.t, out=scratch)
        np.sqrt(denominator, out=denominator)
        denominator += self.eps
        step = np.divide(m, denominator, out=denominator)
        step *= self.learning_rate / (1 - self.beta1**self.t)
        params -= step


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter): the parameters shrink by
    lr * weight_decay of themselves before the step; the gradient is left as it is."""

    def update_block(self, params: np.ndarray, grads: np.ndarray, part: slice) -> None:
        params = params[part]
        if self.weight_decay:
            params *= 1 - self.learning_rate * self.weight_decay
        self._adam_update(params, grads[part], part)


def _coupled(optimizer, params: np.ndarray, grads: np.ndarray, part: slice) -> np.ndarray:
    """g + weight_decay * theta (PyTorch's coupled L2), or g itself without decay, on part."""
    if not optimizer.weight_decay:
        return grads[part]
    decayed = np.multiply(params[part], optimizer.weight_decay, out=optimizer.decayed[part])
    decayed += grads[part]
    return decayed


def _decay_into(average: np.ndarray, beta: float, value: np.ndarray, scratch: np.ndarray,
                weight: float | None = None) -> None:
    """average = beta * average + weight * value, in place (value may be scratch); the weight
    is 1 - beta unless given (momentum's 1 - dampening)."""
    average *= beta
    average += np.multiply(value, 1 - beta if weight is None else weight, out=scratch)


Optimizer = SGD | Momentum | RMSProp | Adam | AdamW

# The one table of optimizers, by the names configs use (aeviz.settings.names lists them, with
# their titles; a test checks that the two agree).
OPTIMIZERS: dict[str, type] = {"sgd": SGD, "momentum": Momentum, "rmsprop": RMSProp,
                               "adam": Adam, "adamw": AdamW}


def make_optimizer(params: np.ndarray, train: Train) -> Optimizer:
    """The optimizer named by `train.optimizer`, with its hyper-parameters from `train`."""
    return OPTIMIZERS[train.optimizer].configured(params, train)
