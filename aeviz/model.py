"""A dense autoencoder in numpy: forward pass, backward pass, MSE.

Layer l computes z = a_prev @ W.T + b and a = act(z), with W of shape [out, in]. All weights and
biases live in one flat vector `params` (W and b are views into it), and so do their gradients:
an optimizer then updates the whole network with a handful of array operations per step.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def identity(z: np.ndarray) -> np.ndarray:
    return z


def identity_derivative(a: np.ndarray) -> np.ndarray:
    return np.ones_like(a)


def sigmoid(z: np.ndarray) -> np.ndarray:
    # The tanh form equals 1 / (1 + exp(-z)) and cannot overflow.
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_derivative(a: np.ndarray) -> np.ndarray:
    return a * (1.0 - a)


def tanh(z: np.ndarray) -> np.ndarray:
    return np.tanh(z)


def tanh_derivative(a: np.ndarray) -> np.ndarray:
    return 1.0 - a * a


# Derivatives are written in terms of the activation's output a = act(z), which the forward
# pass keeps anyway.
ACTIVATIONS = {"identity": identity, "sigmoid": sigmoid, "tanh": tanh}
DERIVATIVES = {"identity": identity_derivative, "sigmoid": sigmoid_derivative,
               "tanh": tanh_derivative}


def parameter_shapes(layer_sizes: Sequence[int]) -> list[tuple[tuple[int, int], tuple[int]]]:
    """[(W shape, b shape)] per weight layer."""
    return [((n_out, n_in), (n_out,)) for n_in, n_out in zip(layer_sizes, layer_sizes[1:])]


def split_params(flat: np.ndarray, layer_sizes: Sequence[int]) -> tuple[list, list]:
    """Views of a flat vector (or of [T, P] snapshots) as weight and bias arrays per layer."""
    weights, biases, offset = [], [], 0
    lead = flat.shape[:-1]
    for w_shape, b_shape in parameter_shapes(layer_sizes):
        size = w_shape[0] * w_shape[1]
        weights.append(flat[..., offset:offset + size].reshape(lead + w_shape))
        offset += size
        biases.append(flat[..., offset:offset + b_shape[0]])
        offset += b_shape[0]
    return weights, biases


def parameter_count(layer_sizes: Sequence[int]) -> int:
    return sum(n_out * (n_in + 1) for n_in, n_out in zip(layer_sizes, layer_sizes[1:]))


def forward(x: np.ndarray, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray],
            activations: Sequence[str]) -> list[np.ndarray]:
    """Every layer's activations, from the input x (outputs[0]) to the reconstruction.

    A pure function of the parameters, so the renderer can run any recorded snapshot through
    the very arithmetic the trainer used.
    """
    outputs = [x]
    for w, b, name in zip(weights, biases, activations):
        outputs.append(ACTIVATIONS[name](outputs[-1] @ w.T + b))
    return outputs


class Autoencoder:
    """Dense layers with per-layer activations; trained on the mean squared reconstruction error."""

    def __init__(self, layer_sizes: Sequence[int], activations: Sequence[str],
                 rng: np.random.Generator):
        self.layer_sizes = tuple(layer_sizes)
        self.activations = tuple(activations)
        self.params = np.zeros(parameter_count(layer_sizes))
        self.grads = np.zeros_like(self.params)
        self.weights, self.biases = split_params(self.params, layer_sizes)
        self.weight_grads, self.bias_grads = split_params(self.grads, layer_sizes)
        for w in self.weights:
            # Glorot/Xavier uniform: keeps tanh and sigmoid layers out of saturation at the start.
            limit = np.sqrt(6.0 / (w.shape[0] + w.shape[1]))
            w[...] = rng.uniform(-limit, limit, size=w.shape)

    def forward(self, x: np.ndarray) -> list[np.ndarray]:
        """Every layer's activations, from the input x (outputs[0]) to the reconstruction."""
        return forward(x, self.weights, self.biases, self.activations)

    def backward(self, outputs: list[np.ndarray]) -> float:
        """Fill self.grads with the gradient of the batch MSE; return that MSE.

        MSE = mean over rows and output units of (a_N - x)^2, as torch.nn.MSELoss() computes.
        """
        x, reconstruction = outputs[0], outputs[-1]
        error = reconstruction - x
        mse = float(np.mean(error * error))
        # dMSE/da_N, then through the output activation: the output delta.
        delta = (2.0 / error.size) * error * DERIVATIVES[self.activations[-1]](reconstruction)
        for layer in range(len(self.weights) - 1, -1, -1):
            a_prev = outputs[layer]
            np.matmul(delta.T, a_prev, out=self.weight_grads[layer])
            np.sum(delta, axis=0, out=self.bias_grads[layer])
            if layer > 0:
                delta = (delta @ self.weights[layer]) * DERIVATIVES[self.activations[layer - 1]](
                    a_prev)
        return mse

    def rmse(self, x: np.ndarray) -> tuple[float, list[np.ndarray]]:
        """Root mean squared reconstruction error over x, with every layer's activations."""
        outputs = self.forward(x)
        return float(np.sqrt(np.mean((outputs[-1] - x) ** 2))), outputs
