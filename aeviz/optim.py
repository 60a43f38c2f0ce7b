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

from aeviz.config import Train


class SGD:
    def __init__(self, params: np.ndarray, learning_rate: float):
        self.learning_rate = learning_rate

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        params -= self.learning_rate * grads


class Momentum:
    def __init__(self, params: np.ndarray, learning_rate: float, beta1: float,
                 dampening: float | None = None):
        self.learning_rate, self.beta1 = learning_rate, beta1
        self.dampening = beta1 if dampening is None else dampening
        self.m = np.zeros_like(params)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.m = self.beta1 * self.m + (1 - self.dampening) * grads
        params -= self.learning_rate * self.m


class RMSProp:
    def __init__(self, params: np.ndarray, learning_rate: float, beta2: float, eps: float):
        self.learning_rate, self.beta2, self.eps = learning_rate, beta2, eps
        self.v = np.zeros_like(params)

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.v = self.beta2 * self.v + (1 - self.beta2) * grads * grads
        params -= self.learning_rate * grads / (np.sqrt(self.v) + self.eps)


class Adam:
    def __init__(self, params: np.ndarray, learning_rate: float, beta1: float, beta2: float,
                 eps: float):
        self.learning_rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.m = np.zeros_like(params)
        self.v = np.zeros_like(params)
        self.t = 0

    def step(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.t += 1
        self.m = self.beta1 * self.m + (1 - self.beta1) * grads
        self.v = self.beta2 * self.v + (1 - self.beta2) * grads * grads
        m_hat = self.m / (1 - self.beta1**self.t)
        v_hat = self.v / (1 - self.beta2**self.t)
        params -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)


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
