"""Optimizers. Each holds its state as arrays shaped like the parameters; `step` updates in place.

theta are all parameters, g the mini-batch gradient, t the step count starting at 1:
  SGD       theta -= lr * g
  Momentum  m = beta1 m + (1 - dampening) g;     theta -= lr * m
            (dampening = beta1 by default: a running average; 0: classical heavy-ball momentum,
            torch.optim.SGD(momentum=beta1))
  RMSProp   v = beta2 v + (1 - beta2) g^2;        theta -= lr * g / (sqrt(v) + eps)
  Adam      m, v as above;  theta -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
"""

from __future__ import annotations

import numpy as np

from aeviz.settings import Train


class SGD:
    def __init__(self, params: np.ndarray, learning_rate: float):
        self.learning_rate = learning_rate
        self.scratch = np.empty_like(params)  # every step's temporary, reused

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        params -= np.multiply(grads, self.learning_rate, out=self.scratch)


class Momentum:
    def __init__(self, params: np.ndarray, learning_rate: float, beta1: float,
                 dampening: float | None = None):
        self.learning_rate, self.beta1 = learning_rate, beta1
        self.dampening = beta1 if dampening is None else dampening
        self.m = np.zeros_like(params)
        self.scratch = np.empty_like(params)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        _decay_into(self.m, self.beta1, grads, self.scratch, 1 - self.dampening)
        params -= np.multiply(self.m, self.learning_rate, out=self.scratch)


class RMSProp:
    def __init__(self, params: np.ndarray, learning_rate: float, beta2: float, eps: float):
        self.learning_rate, self.beta2, self.eps = learning_rate, beta2, eps
        self.v = np.zeros_like(params)
        self.scratch = np.empty_like(params)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        _decay_into(self.v, self.beta2, np.square(grads, out=self.scratch), self.scratch)
        denominator = np.sqrt(self.v, out=self.scratch)
        denominator += self.eps
        step = np.divide(grads, denominator, out=denominator)
        step *= self.learning_rate
        params -= step


class Adam:
    def __init__(self, params: np.ndarray, learning_rate: float, beta1: float, beta2: float,
                 eps: float):
        self.learning_rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.m = np.zeros_like(params)
        self.v = np.zeros_like(params)
        self.t = 0
        self.scratch = np.empty_like(params)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.t += 1
        _decay_into(self.m, self.beta1, grads, self.scratch)
        _decay_into(self.v, self.beta2, np.square(grads, out=self.scratch), self.scratch)
        # lr * m_hat / (sqrt(v_hat) + eps), with the bias corrections as scalars.
        denominator = np.divide(self.v, 1 - self.beta2**self.t, out=self.scratch)
        np.sqrt(denominator, out=denominator)
        denominator += self.eps
        step = np.divide(self.m, denominator, out=denominator)
        step *= self.learning_rate / (1 - self.beta1**self.t)
        params -= step


def _decay_into(average: np.ndarray, beta: float, value: np.ndarray, scratch: np.ndarray,
                weight: float | None = None) -> None:
    """average = beta * average + weight * value, in place (value may be scratch); the weight
    is 1 - beta unless given (momentum's 1 - dampening)."""
    average *= beta
    average += np.multiply(value, 1 - beta if weight is None else weight, out=scratch)


def make_optimizer(params: np.ndarray, train: Train) -> SGD | Momentum | RMSProp | Adam:
    """The optimizer named by `train.optimizer`, with its hyper-parameters from `train`."""
    lr = train.learning_rate
    if train.optimizer == "sgd":
        return SGD(params, lr)
    if train.optimizer == "momentum":
        return Momentum(params, lr, train.beta1, train.dampening)
    if train.optimizer == "rmsprop":
        return RMSProp(params, lr, train.beta2, train.eps)
    return Adam(params, lr, train.beta1, train.beta2, train.eps)
