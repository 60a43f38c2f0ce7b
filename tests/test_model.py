"""The autoencoder's gradients against central finite differences, for every activation."""

import numpy as np
import pytest

from aeviz.training.model import (
    ACTIVATIONS,
    DERIVATIVES,
    Autoencoder,
    forward,
    parameter_count,
    split_params,
)


def batch_mse(net: Autoencoder, x: np.ndarray) -> float:
    return float(np.mean((net.forward(x)[-1] - x) ** 2))


@pytest.mark.parametrize("hidden", ["identity", "sigmoid", "tanh", "relu", "leaky_relu"])
@pytest.mark.parametrize("output", ["identity", "sigmoid", "tanh", "leaky_relu"])
def test_gradient_matches_finite_differences(hidden, output):
    rng = np.random.default_rng(7)
    layers = [3, 5, 2, 4, 3]
    net = Autoencoder(layers, [hidden] * 3 + [output], rng)
    net.params += rng.normal(0, 0.3, net.params.shape)  # nonzero biases too
    x = rng.uniform(-0.9, 0.9, (6, 3))
    if output == "sigmoid":
        x = (x + 1) / 2  # inside the output's range
    mse = net.backward(net.forward(x))
    assert mse == pytest.approx(batch_mse(net, x))
    analytic = net.grads.copy()
    numeric = np.zeros_like(analytic)
    h = 1e-6
    for i in range(len(net.params)):
        saved = net.params[i]
        net.params[i] = saved + h
        up = batch_mse(net, x)
        net.params[i] = saved - h
        down = batch_mse(net, x)
        net.params[i] = saved
        numeric[i] = (up - down) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-9)


def test_loss_is_mean_over_rows_and_units():
    # With identity layers and zero weights the reconstruction is 0: MSE = mean(x^2).
    net = Autoencoder([2, 2, 2], ["identity", "identity"], np.random.default_rng(0))
    net.params[:] = 0
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert net.backward(net.forward(x)) == pytest.approx((1 + 4 + 9 + 16) / 4)
    # bias gradient of the output layer is the mean over rows of 2 * (0 - x) / units
    np.testing.assert_allclose(net.bias_grads[-1], [-(1 + 3) / 2, -(2 + 4) / 2])
    assert net.evaluate(x, 1)[0] == pytest.approx(np.sqrt(7.5))


def test_derivatives_are_written_in_terms_of_the_output():
    z = np.linspace(-3, 3, 12)  # not 0, where relu's kink has no derivative
    for name, act in ACTIVATIONS.items():
        h = 1e-6
        numeric = (act(z + h) - act(z - h)) / (2 * h)
        np.testing.assert_allclose(DERIVATIVES[name](act(z)), numeric, rtol=1e-6, atol=1e-9)


def test_sigmoid_does_not_overflow():
    with np.errstate(all="raise"):
        assert ACTIVATIONS["sigmoid"](np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]


def test_weights_are_views_of_the_flat_parameter_vector():
    net = Autoencoder([4, 3, 2, 3, 4], ["tanh"] * 4, np.random.default_rng(0))
    assert len(net.params) == parameter_count([4, 3, 2, 3, 4]) == 15 + 8 + 9 + 16
    net.params[:] = np.arange(len(net.params))
    assert net.weights[0].shape == (3, 4) and net.weights[0][0, 1] == 1
    assert net.biases[0].tolist() == [12, 13, 14]
    stacked = np.stack([net.params, net.params * 2])
    weights, biases = split_params(stacked, [4, 3, 2, 3, 4])
    assert weights[3].shape == (2, 4, 3) and biases[3].shape == (2, 4)
    np.testing.assert_array_equal(weights[3][1], 2 * net.weights[3])


def test_forward_of_one_layer_by_hand():
    w, b = np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([0.5, -1.0])
    x = np.array([[3.0, 1.0]])
    outputs = forward(x, [w], [b], ["sigmoid"])
    # z = [3 - 2 + 0.5, 1.5 - 1] = [1.5, 0.5]
    assert len(outputs) == 2 and outputs[0] is x
    np.testing.assert_allclose(outputs[1], 1 / (1 + np.exp(-np.array([[1.5, 0.5]]))))


def test_the_network_and_a_recorded_snapshot_share_one_forward_pass():
    net = Autoencoder([3, 4, 2, 4, 3], ["tanh", "sigmoid", "identity", "tanh"],
                      np.random.default_rng(3))
    x = np.random.default_rng(4).uniform(-1, 1, (5, 3))
    # A snapshot as the trajectory stores it: the flat parameters, split again.
    weights, biases = split_params(net.params.copy(), net.layer_sizes)
    pure = forward(x, weights, biases, net.activations)
    assert len(pure) == 5
    for layer, expected in zip(pure, net.forward(x)):
        np.testing.assert_array_equal(layer, expected)
