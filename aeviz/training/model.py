"""A dense autoencoder in numpy: forward pass, backward pass, MSE.

Layer l computes z = a_prev @ W.T + b and a = act(z), with W of shape [out, in]. All weights and
biases live in one flat vector `params` (W and b are views into it), and so do their gradients:
an optimizer then updates the whole network with a handful of array operations per step.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

LEAK = 0.01  # leaky_relu's slope for negative inputs, as torch.nn.LeakyReLU's default

# Each activation maps z to a = act(z), into `out` when given (which may be z itself: the hot
# loop works in place); each derivative is written in terms of the output a, which the forward
# pass keeps anyway.


def identity(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    if out is None or out is z:
        return z
    np.copyto(out, z)
    return out


def identity_derivative(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.ones_like(a) if out is None else _filled(out, 1.0)


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # 1 / (1 + exp(-z)) = (1 + tanh(z / 2)) / 2: one tanh, which cannot overflow, in place.
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def sigmoid_derivative(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    out = np.subtract(1.0, a, out=out)
    out *= a
    return out


def tanh(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.tanh(z, out=out)


def tanh_derivative(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    out = np.multiply(a, a, out=out)
    np.subtract(1.0, out, out=out)
    return out


def relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.maximum(z, 0.0, out=out)


def relu_derivative(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    # 0 at z = 0, as PyTorch takes it.
    return _where_positive(a, 1.0, 0.0, out)


def leaky_relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return np.maximum(z, LEAK * z, out=out)  # max(z, 0.01 z) is z for z > 0, else 0.01 z


def leaky_relu_derivative(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    return _where_positive(a, 1.0, LEAK, out)  # a has the sign of z: the slope is positive


def _where_positive(a: np.ndarray, positive: float, other: float,
                    out: np.ndarray | None) -> np.ndarray:
    # The two values in a's precision: np.where then makes no float64 temporary.
    slope = np.where(a > 0, a.dtype.type(positive), a.dtype.type(other))
    if out is None:
        return slope
    np.copyto(out, slope)
    return out


def _filled(out: np.ndarray, value: float) -> np.ndarray:
    out.fill(value)
    return out


ACTIVATIONS = {"identity": identity, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
               "leaky_relu": leaky_relu}
DERIVATIVES = {"identity": identity_derivative, "sigmoid": sigmoid_derivative,
               "tanh": tanh_derivative, "relu": relu_derivative,
               "leaky_relu": leaky_relu_derivative}


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


EVALUATION_ROWS = 1024  # rows per chunk of the full-data evaluation: its memory is bounded


class Autoencoder:
    """Dense layers with per-layer activations; trained on the mean squared reconstruction error.

    `dtype` is the precision of the parameters and of all arithmetic (float32 as PyTorch, or
    float64). The training loop's arrays are reused from step to step: `forward_into` and
    `backward` allocate nothing once the first mini-batch has sized the buffers.
    """

    def __init__(self, layer_sizes: Sequence[int], activations: Sequence[str],
                 rng: np.random.Generator, dtype: type = np.float64):
        self.layer_sizes = tuple(layer_sizes)
        self.activations = tuple(activations)
        self.params = np.zeros(parameter_count(layer_sizes), dtype=dtype)
        self.grads = np.zeros_like(self.params)
        self.weights, self.biases = split_params(self.params, layer_sizes)
        self.weight_grads, self.bias_grads = split_params(self.grads, layer_sizes)
        self._local = threading.local()  # each thread's scratch arrays (see _buffer)
        for w in self.weights:
            # Glorot/Xavier uniform: keeps tanh and sigmoid layers out of saturation at the start.
            # Drawn in float64 either way, so both precisions start from the same weights.
            limit = np.sqrt(6.0 / (w.shape[0] + w.shape[1]))
            w[...] = rng.uniform(-limit, limit, size=w.shape)

    def forward(self, x: np.ndarray) -> list[np.ndarray]:
        """Every layer's activations, from the input x (outputs[0]) to the reconstruction."""
        return forward(x, self.weights, self.biases, self.activations)

    def forward_into(self, x: np.ndarray) -> list[np.ndarray]:
        """The same as forward(), computed in place in reused buffers: valid until the next
        call."""
        outputs = [x]
        for layer, (w, b, name) in enumerate(zip(self.weights, self.biases, self.activations)):
            z = np.matmul(outputs[-1], w.T, out=self._buffer(f"a{layer}", len(x), w.shape[0]))
            z += b
            outputs.append(ACTIVATIONS[name](z, out=z))
        return outputs

    def backward(self, outputs: list[np.ndarray]) -> float:
        """Fill self.grads with the gradient of the batch MSE; return that MSE.

        MSE = mean over rows and output units of (a_N - x)^2, as torch.nn.MSELoss() computes.
        """
        x, reconstruction = outputs[0], outputs[-1]
        rows, units = x.shape
        delta = np.subtract(reconstruction, x, out=self._buffer("error", rows, units))
        squares = np.square(delta, out=self._buffer("slope", rows, units))
        mse = float(squares.sum()) / delta.size
        # dMSE/da_N, then through the output activation: the output delta.
        delta *= 2.0 / delta.size
        self._times_derivative(delta, reconstruction, len(self.weights) - 1)
        for layer in range(len(self.weights) - 1, -1, -1):
            a_prev = outputs[layer]
            np.matmul(delta.T, a_prev, out=self.weight_grads[layer])
            np.sum(delta, axis=0, out=self.bias_grads[layer])
            if layer > 0:
                delta = np.matmul(delta, self.weights[layer],
                                  out=self._buffer(f"delta{layer}", rows, a_prev.shape[1]))
                self._times_derivative(delta, a_prev, layer - 1)
        return mse

    def evaluate(self, x: np.ndarray, code_layer: int) -> tuple[float, np.ndarray]:
        """The RMSE over x and every sample's code ([N, 2] float32), from one forward pass
        taken in chunks of EVALUATION_ROWS rows, so memory does not grow with N.

        The chunks run on as many threads as there are CPUs (numpy lets go of the GIL in its
        loops and its BLAS), which wait for each other once per pass, not once per matrix
        product. A chunk's numbers do not depend on the thread that computes it, and the
        chunks' squared errors are added in chunk order: the result is the same every time.
        """
        codes = np.empty((len(x), self.layer_sizes[code_layer]), np.float32)

        def squared_error(start: int) -> float:
            part = x[start:start + EVALUATION_ROWS]
            outputs = self.forward_into(part)
            codes[start:start + len(part)] = outputs[code_layer]
            error = np.subtract(outputs[-1], part, out=outputs[-1])
            return float(np.square(error, out=error).sum())

        starts = range(0, len(x), EVALUATION_ROWS)
        if len(starts) == 1:  # small data: not worth starting threads
            return float(np.sqrt(squared_error(0) / x.size)), codes
        with ThreadPoolExecutor(min(os.cpu_count() or 1, len(starts))) as pool:
            squared = sum(pool.map(squared_error, starts))
        return float(np.sqrt(squared / x.size)), codes

    def _times_derivative(self, delta: np.ndarray, a: np.ndarray, layer: int) -> None:
        """delta *= the derivative of `layer`'s activation at its output a, in place."""
        name = self.activations[layer]
        if name != "identity":
            delta *= DERIVATIVES[name](a, out=self._buffer("slope", *a.shape))

    def _buffer(self, name: str, rows: int, columns: int) -> np.ndarray:
        """A reusable [rows, columns] scratch array (the leading rows of one kept at the
        largest size asked for): the hot loop does not allocate. Each thread has its own, so
        that evaluate's threads do not write into each other's."""
        buffers = self._local.__dict__.setdefault("buffers", {})
        buffer = buffers.get((name, columns))
        if buffer is None or len(buffer) < rows:
            buffer = buffers[(name, columns)] = np.empty((rows, columns), self.params.dtype)
        return buffer[:rows]
