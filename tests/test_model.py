"""The autoencoder's gradients against central finite differences, for every activation."""

from __future__ import annotations

import numpy as np
import pytest

from aeviz.training import model
from aeviz.training.model import (
    ACTIVATIONS,
    Autoencoder,
    Pass,
    forward,
    parameter_count,
    split_params,
)
from aeviz.training.objectives import KL, CodeL1


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
    mse = net.backward(Pass(net.forward(x)))
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
    assert net.backward(Pass(net.forward(x))) == pytest.approx((1 + 4 + 9 + 16) / 4)
    # bias gradient of the output layer is the mean over rows of 2 * (0 - x) / units
    np.testing.assert_allclose(net.bias_grads[-1], [-(1 + 3) / 2, -(2 + 4) / 2])
    assert net.evaluate(x, 1)[0] == pytest.approx(np.sqrt(7.5))


def test_derivatives_are_written_in_terms_of_the_output():
    z = np.linspace(-3, 3, 12)  # not 0, where relu's kink has no derivative
    for act, derivative in ACTIVATIONS.values():
        h = 1e-6
        numeric = (act(z + h) - act(z - h)) / (2 * h)
        np.testing.assert_allclose(derivative(act(z)), numeric, rtol=1e-6, atol=1e-9)


def test_sigmoid_does_not_overflow():
    with np.errstate(all="raise"):
        assert ACTIVATIONS["sigmoid"].function(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]


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


def _objective(net, x, target, noise, code_l1, beta, code_layer=2):
    """The full objective, computed forward only, from the terms' values (for finite
    differences)."""
    outputs, sample, _ = net.forward_into(x, noise)
    value = float(np.mean((outputs[-1] - target) ** 2))
    value += code_l1 * CodeL1.value(outputs[code_layer])
    if sample is not None:
        value += beta * KL.value(sample.mean, sample.logvar)
    return value


@pytest.mark.parametrize("code_l1, beta, corrupted", [
    (0.3, None, False), (0.0, None, True), (0.0, 0.7, False), (0.2, 1.0, True)])
def test_objective_gradients_match_finite_differences(code_l1, beta, corrupted):
    """The code's L1 penalty, a corrupted input with a clean target, and a VAE's sampled code
    with its KL term: backward's gradient is the objective's, entry by entry."""
    rng = np.random.default_rng(3)
    variational = beta is not None
    net = Autoencoder([4, 3, 2, 3, 4], ["tanh", "identity", "sigmoid", "identity"], rng,
                      np.float64, 2 if variational else None)
    target = rng.normal(size=(5, 4))
    x = target + rng.normal(0, 0.3, target.shape) if corrupted else target
    noise = rng.standard_normal((5, 2)) if variational else None
    forward_pass = net.forward_into(x, noise)
    net.backward(forward_pass, target if corrupted else None,
                 CodeL1(code_l1, 2) if code_l1 else None, KL(beta) if variational else None)
    analytic = net.grads.copy()
    numeric = np.empty_like(analytic)
    h = 1e-6
    for i in range(len(net.params)):
        keep = net.params[i]
        net.params[i] = keep + h
        up = _objective(net, x, target, noise, code_l1, beta)
        net.params[i] = keep - h
        down = _objective(net, x, target, noise, code_l1, beta)
        net.params[i] = keep
        numeric[i] = (up - down) / (2 * h)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)
    if variational:  # the log-variance layer has gradients too
        assert np.abs(analytic[parameter_count(net.layer_sizes):]).min() > 0


def test_a_variational_network_decodes_its_means_without_noise():
    rng = np.random.default_rng(0)
    net = Autoencoder([4, 3, 2, 3, 4], ["tanh", "identity", "tanh", "identity"], rng,
                      np.float64, 2)
    x = rng.normal(size=(6, 4))
    plain = forward(x, net.weights, net.biases, net.activations)
    assert net.forward_into(x).sample is None
    np.testing.assert_array_equal(net.forward_into(x).outputs[-1], plain[-1])
    sampled = net.forward_into(x, np.zeros((6, 2)))  # zero noise: the code is the mean
    np.testing.assert_allclose(sampled.outputs[2], plain[2])
    np.testing.assert_array_equal(sampled.sample.mean, plain[2])


def test_the_activation_registry_and_the_names_a_config_may_use_agree():
    from aeviz.settings import ACTIVATION_NAMES, ACTIVATION_TITLES

    assert tuple(ACTIVATIONS) == ACTIVATION_NAMES == tuple(ACTIVATION_TITLES)


def test_leaky_relu_by_hand():
    z = np.array([-2.0, 0.0, 3.0])
    assert model.leaky_relu(z).tolist() == [-0.02, 0.0, 3.0]
    assert model.relu(z).tolist() == [0.0, 0.0, 3.0]
    assert model.leaky_relu_derivative(model.leaky_relu(z)).tolist() == [0.01, 0.01, 1.0]


def test_float32_network_and_chunked_evaluation(monkeypatch):
    monkeypatch.setattr(model, "EVALUATION_ROWS", 7)  # several chunks, the last one short
    rng = np.random.default_rng(1)
    net = model.Autoencoder([5, 4, 2, 4, 5], ["tanh", "relu", "leaky_relu", "sigmoid"], rng,
                            np.float32)
    x = rng.uniform(0, 1, (30, 5)).astype(np.float32)
    outputs = net.forward(x)
    assert net.params.dtype == np.float32 and outputs[-1].dtype == np.float32
    rmse, codes = net.evaluate(x, 2)
    assert rmse == pytest.approx(np.sqrt(np.mean((outputs[-1] - x) ** 2)), rel=1e-6)
    np.testing.assert_array_equal(codes, outputs[2])
    # The in-place pass on reused buffers gives the pure pass's numbers, batch after batch.
    for rows in (16, 9, 16):
        np.testing.assert_array_equal(net.forward_into(x[:rows]).outputs[-1],
                                      net.forward(x[:rows])[-1])
