"""A dense autoencoder in numpy: forward pass, backward pass, MSE.

Layer l computes z = a_prev @ W.T + b and a = act(z), with W of shape [out, in]. All weights and
biases live in one flat vector `params` (W and b are views into it), and so do their gradients:
an optimizer then updates the whole network with a handful of array operations per step.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from aeviz.training.objectives import KL, CodeL1

Later = Callable[..., None]  # later(work, *args): runs work(*args) now, or hands it to a thread
# Parameters of a layer from which the work on them (its weight gradient, its update) is worth
# handing to another thread: a handoff costs tens of microseconds, a small layer's work less.
HANDOFF_SIZE = 32768

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


class Activation(NamedTuple):
    """An activation and its derivative, the latter as a function of the activation's output."""

    function: Callable[..., np.ndarray]
    derivative: Callable[..., np.ndarray]


# The one table of activations, by the names configs use (aeviz.settings.names lists them,
# with their titles; a test checks that the two agree).
ACTIVATIONS = {"identity": Activation(identity, identity_derivative),
               "sigmoid": Activation(sigmoid, sigmoid_derivative),
               "tanh": Activation(tanh, tanh_derivative),
               "relu": Activation(relu, relu_derivative),
               "leaky_relu": Activation(leaky_relu, leaky_relu_derivative)}


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


def logvar_count(layer_sizes: Sequence[int], code_layer: int) -> int:
    """Parameters of a variational code layer's log-variance half: W [code, in] and b [code]."""
    return layer_sizes[code_layer] * (layer_sizes[code_layer - 1] + 1)


def split_logvar(flat: np.ndarray, layer_sizes: Sequence[int],
                 code_layer: int) -> tuple[np.ndarray, np.ndarray]:
    """Views of the log-variance layer's (W, b) in a flat vector (or [T, P] snapshots): the
    last logvar_count entries, after every layer of the plain network."""
    n_out, n_in = layer_sizes[code_layer], layer_sizes[code_layer - 1]
    start = parameter_count(layer_sizes)
    lead = flat.shape[:-1]
    weight = flat[..., start:start + n_out * n_in].reshape(lead + (n_out, n_in))
    return weight, flat[..., start + n_out * n_in:start + n_out * (n_in + 1)]


def forward(x: np.ndarray, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray],
            activations: Sequence[str]) -> list[np.ndarray]:
    """Every layer's activations, from the input x (outputs[0]) to the reconstruction.

    A pure function of the parameters, so the renderer can run any recorded snapshot through
    the very arithmetic the trainer used.
    """
    outputs = [x]
    for w, b, name in zip(weights, biases, activations):
        outputs.append(ACTIVATIONS[name].function(outputs[-1] @ w.T + b))
    return outputs


def code_gradients(codes: np.ndarray, x: np.ndarray, weights: Sequence[np.ndarray],
                   biases: Sequence[np.ndarray], activations: Sequence[str]) -> np.ndarray:
    """d(each sample's reconstruction MSE)/d(its code) [N, code]: the decoder (`weights`,
    `biases`, `activations` from the code layer on) run on `codes`, its error against x
    backpropagated to the code. Where training pulls each code is minus this."""
    outputs = forward(codes, weights, biases, activations)
    delta = (outputs[-1] - x) * (2.0 / x.shape[1])
    for layer in range(len(weights) - 1, -1, -1):
        delta = delta * ACTIVATIONS[activations[layer]].derivative(outputs[layer + 1])
        delta = delta @ weights[layer]
    return delta


EVALUATION_ROWS = 1024  # rows per chunk of the full-data evaluation: its memory is bounded
# Random draws on which halves_agree compares a split step's numbers: at least HALVES_DRAWS,
# and as many as give HALVES_ROWS rows in all (small batches cost little to draw again).
HALVES_DRAWS, HALVES_ROWS = 3, 256


def _update_each(update: Callable[[slice], None], parts: list[slice]) -> None:
    for part in parts:
        update(part)


def _joined(parts: list[slice]) -> list[slice]:
    """The parts as few slices as cover them (neighbours joined): fewer, longer updates."""
    joined: list[slice] = []
    for part in sorted(parts, key=lambda part: part.start):
        if joined and joined[-1].stop == part.start:
            joined[-1] = slice(joined[-1].start, part.stop)
        else:
            joined.append(part)
    return joined


def _no_update(part: slice) -> None:
    pass


def at_once(work: Callable[..., None], *args: object) -> None:
    """The `later` of one thread: the work, now."""
    work(*args)


def halves_of(count: int) -> tuple[slice, slice]:
    """A batch's rows, or a layer's units, in two (the helper thread always takes the
    second): split near the middle, at a multiple of 8 from 16 on. (OpenBLAS computes rows in
    blocks, and a half that begins inside a block may be summed otherwise: on its SkylakeX
    kernels 100 rows agree as 48 + 52, not as 50 + 50; see Autoencoder.halves_agree.)"""
    middle = count // 2 if count < 16 else 8 * round(count / 16)
    return slice(0, middle), slice(middle, count)


def _in_halves(whole: np.ndarray, compute: Callable[[slice, np.ndarray], object]) -> bool:
    """Whether `compute(part, out)`, which writes a part (of the first axis) of a result into
    out, gives in two halves (`halves_of`) each number of `whole`, bit for bit."""
    halves = np.empty_like(whole)
    for part in halves_of(len(whole)):
        compute(part, halves[part])
    as_bits = f"u{whole.itemsize}"  # (compared as integers: bit for bit, NaN too, no copies)
    return np.array_equal(halves.view(as_bits), whole.view(as_bits))


def _applied(function: Callable[..., np.ndarray], z: np.ndarray,
             out: np.ndarray) -> np.ndarray:
    """An activation applied to a copy of z in out, in place, as training applies it."""
    np.copyto(out, z)
    return function(out, out=out)


class Sample(NamedTuple):
    """A variational code layer's draw in one forward pass: code = mean + std * noise, with
    std = exp(logvar / 2) (the reparameterization trick)."""

    mean: np.ndarray
    logvar: np.ndarray
    std: np.ndarray
    noise: np.ndarray


class Error(NamedTuple):
    """The reconstruction's error against its target: each entry's square (the MSE's terms)
    and the output layer's delta, dMSE/dz."""

    squares: np.ndarray
    delta: np.ndarray


class Pass(NamedTuple):
    """One forward pass: every layer's activations, from the input (outputs[0]) to the
    reconstruction, a variational network's sample at its code, if it drew one, and the
    reconstruction's error, if the pass was given a target."""

    outputs: list[np.ndarray]
    sample: Sample | None = None
    error: Error | None = None


class Autoencoder:
    """Dense layers with per-layer activations; trained on the mean squared reconstruction error.

    `dtype` is the precision of the parameters and of all arithmetic (float32 as PyTorch, or
    float64). The training loop's arrays are reused from step to step: `forward_into` and
    `backward` allocate nothing once the first mini-batch has sized the buffers.
    """

    def __init__(self, layer_sizes: Sequence[int], activations: Sequence[str],
                 rng: np.random.Generator, dtype: type = np.float64,
                 variational_code: int | None = None):
        """`variational_code`: the code layer's index, for a variational autoencoder (its
        log-variance layer's parameters follow all the others in `params`); None: plain."""
        self.layer_sizes = tuple(layer_sizes)
        self.activations = tuple(activations)
        self.variational_code = variational_code
        plain = parameter_count(layer_sizes)
        extra = 0 if variational_code is None else logvar_count(layer_sizes, variational_code)
        self.params = np.zeros(plain + extra, dtype=dtype)
        self.grads = np.zeros_like(self.params)
        self.weights, self.biases = split_params(self.params, layer_sizes)
        self.weight_grads, self.bias_grads = split_params(self.grads, layer_sizes)
        # Each layer's (W, b) as one slice of `params`, and the log-variance layer's: what an
        # optimizer may update once backward is done with that layer.
        ends = np.cumsum([0] + [n_out * (n_in + 1) for n_in, n_out
                                in zip(layer_sizes, layer_sizes[1:])])
        self.parts = [slice(int(a), int(b)) for a, b in zip(ends, ends[1:])]
        self.logvar_part = slice(plain, plain + extra)
        self._local = threading.local()  # each thread's scratch arrays (see _buffer)
        layers = list(self.weights)
        if variational_code is not None:
            self.logvar = split_logvar(self.params, layer_sizes, variational_code)
            self.logvar_grads = split_logvar(self.grads, layer_sizes, variational_code)
            layers.append(self.logvar[0])  # drawn after all the others: plain runs unchanged
        for w in layers:
            # Glorot/Xavier uniform: keeps tanh and sigmoid layers out of saturation at the start.
            # Drawn in float64 either way, so both precisions start from the same weights.
            limit = np.sqrt(6.0 / (w.shape[0] + w.shape[1]))
            w[...] = rng.uniform(-limit, limit, size=w.shape)

    def frozen(self) -> Autoencoder:
        """The network with a copy of its parameters as they are now: evaluated on another
        thread while this one trains on. (It shares the scratch arrays, which are each
        thread's own, and is not to be trained.)"""
        twin = copy.copy(self)
        twin.params = self.params.copy()
        twin.weights, twin.biases = split_params(twin.params, self.layer_sizes)
        if self.variational_code is not None:
            twin.logvar = split_logvar(twin.params, self.layer_sizes, self.variational_code)
        return twin

    def forward(self, x: np.ndarray) -> list[np.ndarray]:
        """Every layer's activations, from the input x (outputs[0]) to the reconstruction."""
        return forward(x, self.weights, self.biases, self.activations)

    def forward_into(self, x: np.ndarray, noise: np.ndarray | None = None,
                     halves: Later | None = None, target: np.ndarray | None = None) -> Pass:
        """The same as forward(), computed in place in reused buffers: valid until the next
        call. A variational network decodes its means unless `noise` ([rows, code] standard
        normal draws) is given: then it decodes a sample (see `Sample`), which the pass keeps
        for backward. Given the `target` (x itself, or the clean batch of a corrupted x), it
        works out the reconstruction's `Error` too, for backward.

        `halves(work, *args)`, if given, takes the pass over the second half of the rows (to
        another thread: `Lanes.later`, whose `wait` the caller then calls) while this thread
        computes the first half. Each row's numbers are those of the whole pass where the BLAS
        and numpy's functions compute halves as they do the whole (`halves_agree`): the caller
        splits only such a batch. The second half of x (and of the target) may itself still be
        being gathered by work handed to `halves` before (Training.gather): until the caller's
        wait, this thread reads only the first half's rows."""
        rows = len(x)
        outputs = [x] + [self._buffer(f"a{layer}", rows, w.shape[0])
                         for layer, w in enumerate(self.weights)]
        sample = None
        if noise is not None:  # the mean in the layer's buffer, the drawn code in its own
            logvar = self._buffer("logvar", rows, self.logvar[0].shape[0])
            sample = Sample(outputs[self.variational_code], logvar,
                            self._buffer("std", *logvar.shape), noise)
            outputs[self.variational_code] = self._buffer("code", *logvar.shape)
        error = None if target is None else self._error_arrays(target.shape)
        forward_pass = Pass(outputs, sample, error)
        if halves is None:
            self._forward_rows(forward_pass, target, slice(0, rows))
        else:
            first, second = halves_of(rows)
            halves(self._forward_rows, forward_pass, target, second)
            self._forward_rows(forward_pass, target, first)
        return forward_pass

    def _error_arrays(self, shape: tuple[int, int]) -> Error:
        """A batch's `Error`, in reused buffers."""
        return Error(self._buffer("squares", *shape), self._buffer("error", *shape))

    def _forward_rows(self, forward_pass: Pass, target: np.ndarray | None, rows: slice) -> None:
        """The forward pass of some rows, into the pass's arrays (their error too, given a
        target)."""
        outputs, sample, error = forward_pass
        below = outputs[0][rows]
        for layer, (w, b, name) in enumerate(zip(self.weights, self.biases, self.activations)):
            sampled = sample is not None and layer + 1 == self.variational_code
            z = np.matmul(below, w.T, out=(sample.mean if sampled else outputs[layer + 1])[rows])
            z += b
            ACTIVATIONS[name].function(z, out=z)
            if sampled:
                z = self._sample(below, z, sample, rows, outputs[layer + 1][rows])
            below = z
        if error is not None:
            self._error_rows(error, below, target, rows)

    def _error_rows(self, error: Error, reconstruction: np.ndarray, target: np.ndarray,
                    rows: slice) -> None:
        """Some rows' squared errors and output delta, from their reconstruction."""
        delta = np.subtract(reconstruction, target[rows], out=error.delta[rows])
        np.square(delta, out=error.squares[rows])
        # dMSE/da_N (N: all entries of the batch), then through the output activation.
        delta *= 2.0 / error.delta.size
        self._times_derivative(delta, reconstruction, len(self.weights) - 1)

    def _sample(self, a_prev: np.ndarray, mean: np.ndarray, sample: Sample, rows: slice,
                out: np.ndarray) -> np.ndarray:
        """The drawn code of some rows, into `out`: mean + std * noise, with the log-variance
        and std into the sample's arrays."""
        w, b = self.logvar
        logvar = np.matmul(a_prev, w.T, out=sample.logvar[rows])
        logvar += b
        std = np.multiply(logvar, 0.5, out=sample.std[rows])
        np.exp(std, out=std)
        code = np.multiply(std, sample.noise[rows], out=out)
        code += mean
        return code

    def halves_agree(self, rows: int) -> bool:
        """Whether a step on `rows` rows gives each number in halves as it does whole: each
        product the step splits (a layer's and a variational code's log-variance by rows, the
        first layer's weight gradient by units) and each activation (and exp) on half of its
        array. In exact arithmetic a product's row depends on its own row alone, and a function's
        number on its own; but a BLAS may compute fewer rows with another kernel that sums in
        another order (OpenBLAS does for some shapes: a row or two, or the rows at the ends of
        its blocks, as in 77 x 385 x 2), and a vectorized function may treat an array's tail
        otherwise. So each is compared bit for bit, before an activation could round a difference
        away, on random numbers with full mantissas, in the layout of the arrays training uses.
        Two sums in different orders agree by chance now and then, the more often the fewer
        numbers differ: on OpenBLAS's float64 kernels a split of 10 to 13 rows may sum only the
        last number of a row otherwise, which agreed in up to 5 of 12 draws; so a small batch is
        drawn more often (HALVES_DRAWS, HALVES_ROWS)."""
        rng = np.random.default_rng(0)
        # Each product on random inputs and the network's own weights; each activation on its
        # layer's product (whose size, with Glorot's weights, keeps it from saturating).
        layers = list(zip(self.weights, [ACTIVATIONS[name].function
                                         for name in self.activations]))
        if self.variational_code is not None:
            layers.append((self.logvar[0], np.exp))
        for _ in range(max(HALVES_DRAWS, -(-HALVES_ROWS // rows))):
            for layer, (w, function) in enumerate(layers):
                a = rng.standard_normal((rows, w.shape[1]), self.params.dtype)
                z = np.matmul(a, w.T)
                activated = _applied(function, z, np.empty_like(z))
                if not (_in_halves(z, lambda part, out, a=a, w=w: np.matmul(a[part], w.T, out=out))
                        and _in_halves(activated, lambda part, out, z=z, f=function: _applied(
                            f, z[part], out))):
                    return False
                if layer == 0 and not _in_halves(  # its weight gradient, by units: delta^T x
                        np.matmul(z.T, a), lambda part, out, a=a, z=z: np.matmul(
                            z[:, part].T, a, out=out)):
                    return False
        return True

    def backward(self, forward_pass: Pass, target: np.ndarray | None = None,
                 code_l1: CodeL1 | None = None, kl: KL | None = None, later: Later = at_once,
                 update: Callable[[slice], None] | None = None, halves: bool = False) -> float:
        """Fill self.grads with the gradient of the batch objective; return the batch MSE.

        MSE = mean over rows and output units of (a_N - target)^2, as torch.nn.MSELoss()
        computes; `target` is the input outputs[0] unless given (a denoising autoencoder
        reconstructs the clean data from a corrupted input), and neither is read where the pass
        carries its `Error` (forward_into was given the target). The objective adds the terms
        given (see `aeviz.training.objectives`): `code_l1` on the code, and `kl` on a
        variational network's sample (weight 0 if not given).

        `update(part)`, if given, updates the parameters in `part` (a slice of `params`) from
        their gradients, elementwise (an optimizer's update): it is called for each layer as
        soon as backward is done with that layer's weights, so the whole step is taken here.

        Each layer's weight gradient (delta^T a) is independent of the delta passed down
        (delta W): `later(work, *args)` may run the former on another thread (`Lanes.later`,
        see aeviz.training.threads) while this thread computes the latter, and then that
        layer's update after it. The small layers' updates wait, to be handed over together
        once backward is past them. The first layer passes nothing down: its update is split,
        half handed over, half here; with `halves`, its gradient too, half of its units each
        (where the BLAS agrees: `halves_agree`). Work on fewer than HANDOFF_SIZE parameters
        stays here.
        """
        outputs, sample, error = forward_pass
        if error is None:
            target = outputs[0] if target is None else target
            error = self._error_arrays(target.shape)
            self._error_rows(error, outputs[-1], target, slice(0, len(target)))
        rows = len(outputs[0])
        delta = error.delta
        update = update or _no_update
        waiting: list[slice] = []  # the parts whose updates wait: small ones, or all on one thread
        logvar_delta = None  # the log-variance half's delta, at the code of a sample
        for layer in range(len(self.weights) - 1, 0, -1):
            a_prev, part = outputs[layer], self.parts[layer]
            large = self._handed(part, later)
            if large:
                later(self._layer_gradient, layer, delta, a_prev)
            else:
                self._layer_gradient(layer, delta, a_prev)
            delta = np.matmul(delta, self.weights[layer],
                              out=self._buffer(f"delta{layer}", rows, a_prev.shape[1]))
            if logvar_delta is not None:  # the layer into the code: its log-variance half's
                delta += logvar_delta @ self.logvar[0]
                if self._handed(self.logvar_part, later):
                    later(update, self.logvar_part)
                else:
                    waiting.append(self.logvar_part)
                logvar_delta = None
            if code_l1 is not None and layer == code_l1.layer:
                delta += code_l1.gradient(a_prev)
            if sample is not None and layer == self.variational_code:
                logvar_delta = self._sample_backward(delta, sample, outputs[layer - 1],
                                                     kl or KL(0.0), later)
            self._times_derivative(delta, a_prev, layer - 1)
            if large:
                later(update, part)
            else:
                waiting.append(part)
        # (The batch's MSE only now: the other thread has its work before this thread sums.)
        mse = float(error.squares.sum()) / error.delta.size
        # The first layer passes nothing down: its weight gradient is all that is left here.
        first = self.parts[0]
        if not self._handed(first, later):  # one thread, or a small network: the rest here
            self._layer_gradient(0, delta, outputs[0])
            everything = len(waiting) == len(self.parts) - 1 + (self.logvar_part.stop >
                                                                self.logvar_part.start)
            for part in [slice(0, len(self.params))] if everything else _joined(waiting + [first]):
                update(part)
            return mse
        if halves:  # its weights' gradient and update in two halves of its units, one on
            # each lane; here, its biases' with the small layers' (neighbours in `params`)
            units = self.weights[0].shape[0]
            mine, theirs = halves_of(units)
            later(self._first_units, delta, outputs[0], theirs, update)
            self._first_units(delta, outputs[0], mine, update)
            np.sum(delta, axis=0, out=self.bias_grads[0])
            _update_each(update, _joined(waiting + [slice(first.stop - units, first.stop)]))
            return mse
        if waiting:  # handed over together while the first layer's gradient is computed here
            together = sum(part.stop - part.start for part in waiting)
            if self._handed(slice(0, together), later):
                later(_update_each, update, _joined(waiting))
            else:
                _update_each(update, _joined(waiting))
        self._layer_gradient(0, delta, outputs[0])
        half = (first.start + first.stop) // 2  # half of its update to the other thread
        later(update, slice(first.start, half))
        update(slice(half, first.stop))
        return mse

    @staticmethod
    def _handed(part: slice, later: Later) -> bool:
        """Whether the work on a part of the parameters goes to `later`'s other thread: if
        there is one, and the part is large."""
        return later is not at_once and part.stop - part.start >= HANDOFF_SIZE

    def _layer_gradient(self, layer: int, delta: np.ndarray, a_prev: np.ndarray) -> None:
        np.matmul(delta.T, a_prev, out=self.weight_grads[layer])
        np.sum(delta, axis=0, out=self.bias_grads[layer])

    def _first_units(self, delta: np.ndarray, x: np.ndarray, units: slice,
                     update: Callable[[slice], None]) -> None:
        """The first layer's weight gradient for some of its units (rows of W), and their
        update."""
        np.matmul(delta[:, units].T, x, out=self.weight_grads[0][units])
        n_in = self.layer_sizes[0]
        update(slice(self.parts[0].start + units.start * n_in,
                     self.parts[0].start + units.stop * n_in))

    def _sample_backward(self, delta: np.ndarray, sample: Sample, a_prev: np.ndarray, kl: KL,
                         later: Later) -> np.ndarray:
        """At the sampled code: turn `delta` (dL/dcode) into dL/dmean and return dL/dlogvar,
        both with the KL term's share; the log-variance layer's gradients are handed to
        `later`."""
        kl_mean, kl_logvar = kl.gradient(sample.mean, sample.logvar)
        # code = mean + std * noise with std = exp(logvar / 2): dcode/dlogvar = noise * std / 2
        d_logvar = delta * sample.noise * sample.std * 0.5
        d_logvar += kl_logvar
        if self._handed(self.logvar_part, later):
            later(self._logvar_gradient, d_logvar, a_prev)
        else:
            self._logvar_gradient(d_logvar, a_prev)
        delta += kl_mean  # dcode/dmean = 1
        return d_logvar

    def _logvar_gradient(self, d_logvar: np.ndarray, a_prev: np.ndarray) -> None:
        w_grad, b_grad = self.logvar_grads
        np.matmul(d_logvar.T, a_prev, out=w_grad)
        np.sum(d_logvar, axis=0, out=b_grad)

    def _times_derivative(self, delta: np.ndarray, a: np.ndarray, layer: int) -> None:
        """delta *= the derivative of `layer`'s activation at its output a, in place."""
        name = self.activations[layer]
        if name != "identity":
            delta *= ACTIVATIONS[name].derivative(a, out=self._buffer("slope", *a.shape))

    def evaluate(self, x: np.ndarray, code_layer: int,
                 threads: int = 1) -> tuple[float, np.ndarray]:
        """The RMSE over x and every sample's code ([N, 2] float32), from one forward pass
        taken in chunks of EVALUATION_ROWS rows, so memory does not grow with N.

        The chunks run on `threads` threads (numpy lets go of the GIL in its
        loops and its BLAS), which wait for each other once per pass, not once per matrix
        product. A chunk's numbers do not depend on the thread that computes it, and the
        chunks' squared errors are added in chunk order: the result is the same every time.
        """
        codes = np.empty((len(x), self.layer_sizes[code_layer]), np.float32)
        errors = np.geterr()

        def squared_error(start: int) -> float:
            part = x[start:start + EVALUATION_ROWS]
            with np.errstate(**errors):  # the caller's: each thread has its own
                outputs = self.forward_into(part).outputs
                codes[start:start + len(part)] = outputs[code_layer]
                error = np.subtract(outputs[-1], part, out=outputs[-1])
                return float(np.square(error, out=error).sum())

        starts = range(0, len(x), EVALUATION_ROWS)
        if len(starts) == 1 or threads == 1:  # small data: not worth starting threads
            return float(np.sqrt(sum(map(squared_error, starts)) / x.size)), codes
        with ThreadPoolExecutor(min(threads, len(starts))) as pool:
            squared = sum(pool.map(squared_error, starts))
        return float(np.sqrt(squared / x.size)), codes

    def code_distribution(self, x: np.ndarray,
                          code_layer: int) -> tuple[np.ndarray, np.ndarray]:
        """A variational network's code distribution for every row of x: its mean and
        log-variance [N, code], in float64 (what the recorded KL is computed from)."""
        encoder = code_layer - 1
        a_prev = forward(x, self.weights[:encoder], self.biases[:encoder],
                         self.activations[:encoder])[-1].astype(float)
        mean = a_prev @ self.weights[encoder].T.astype(float) + self.biases[encoder]
        logvar = a_prev @ self.logvar[0].T.astype(float) + self.logvar[1]
        return mean, logvar

    def _buffer(self, name: str, rows: int, columns: int) -> np.ndarray:
        """A reusable [rows, columns] scratch array (the leading rows of one kept at the
        largest size asked for): the hot loop does not allocate. Each thread has its own, so
        that evaluate's threads do not write into each other's."""
        buffers = self._local.__dict__.setdefault("buffers", {})
        buffer = buffers.get((name, columns))
        if buffer is None or len(buffer) < rows:
            buffer = buffers[(name, columns)] = np.empty((rows, columns), self.params.dtype)
        return buffer[:rows]
