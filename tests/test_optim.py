"""One step of each optimizer against values worked out by hand."""

import numpy as np
import pytest

from aeviz.settings import OPTIMIZER_NAMES, OPTIMIZER_TITLES, Train
from aeviz.training.optim import (
    OPTIMIZERS,
    SGD,
    Adam,
    AdamW,
    Momentum,
    RMSProp,
    make_optimizer,
)

THETA = np.array([1.0, -2.0])
GRAD = np.array([0.5, -4.0])


def step(optimizer, grads=GRAD, times=1):
    theta = THETA.copy()
    for _ in range(times):
        optimizer.step(theta, grads)
    return theta


def test_sgd():
    # theta - 0.1 * g
    np.testing.assert_allclose(step(SGD(THETA, 0.1)), [0.95, -1.6])


def test_momentum_two_steps():
    opt = Momentum(THETA, 0.1, beta1=0.9)
    # m1 = 0.1 g = [0.05, -0.4];  theta1 = theta - 0.1 m1 = [0.995, -1.96]
    # m2 = 0.9 m1 + 0.1 g = [0.095, -0.76];  theta2 = theta1 - 0.1 m2 = [0.9855, -1.884]
    np.testing.assert_allclose(step(opt, times=2), [0.9855, -1.884])


def test_rmsprop():
    opt = RMSProp(THETA, 0.01, beta2=0.9, eps=1e-8)
    # v = 0.1 g^2 = [0.025, 1.6]; sqrt v = [0.158113883, 1.264911064]
    # theta -= 0.01 * g / sqrt v = [0.031622776, -0.031622776]
    np.testing.assert_allclose(step(opt), [1 - 0.0316227766, -2 + 0.0316227766], rtol=1e-7)


def test_adam_first_step_moves_by_the_learning_rate():
    opt = Adam(THETA, 0.001, beta1=0.9, beta2=0.999, eps=1e-8)
    # m_hat = g, v_hat = g^2: step = lr * g / (|g| + eps) = lr * sign(g) (up to eps)
    np.testing.assert_allclose(step(opt), [1 - 0.001, -2 + 0.001], rtol=1e-7)


def test_adam_second_step_with_a_new_gradient():
    opt = Adam(THETA, 0.1, beta1=0.5, beta2=0.75, eps=0.0)
    theta = THETA.copy()
    opt.step(theta, np.array([1.0, 1.0]))
    opt.step(theta, np.array([3.0, -1.0]))
    # step 2: m = 0.5*0.5*1 + 0.5*g2 -> [1.75, -0.25]; m_hat = m / 0.75 = [2.3333, -0.3333]
    #         v = 0.75*0.25*1 + 0.25*g2^2 -> [2.4375, 0.4375]; v_hat = v / 0.4375 = [5.5714, 1]
    # theta = theta - 0.1 - 0.1 * m_hat / sqrt(v_hat)
    expected = THETA - 0.1 - 0.1 * np.array([(1.75 / 0.75) / np.sqrt(2.4375 / 0.4375),
                                             (-0.25 / 0.75) / 1.0])
    np.testing.assert_allclose(theta, expected)
    assert opt.t == 2


@pytest.mark.parametrize("name, kind", [("sgd", SGD), ("momentum", Momentum),
                                        ("rmsprop", RMSProp), ("adam", Adam),
                                        ("adamw", AdamW)])
def test_make_optimizer_by_name(name, kind):
    opt = make_optimizer(THETA, Train(optimizer=name, learning_rate=0.5))
    assert isinstance(opt, kind) and opt.learning_rate == 0.5


# Unusual and all different, so that a swapped or dropped hyper-parameter changes the result.
UNUSUAL = {"learning_rate": 0.1, "beta1": 0.5, "beta2": 0.75, "eps": 0.25}
GRAD2 = np.array([1.0, 1.0])
M2 = np.array([0.625, -0.5])      # 0.5 * (0.5 GRAD) + 0.5 GRAD2
V2 = np.array([0.296875, 3.25])   # 0.75 * (0.25 GRAD^2) + 0.25 GRAD2^2


@pytest.mark.parametrize("name, expected", [
    # theta1 = theta - 0.1 * 0.5 GRAD = [0.975, -1.8];  theta2 = theta1 - 0.1 M2
    ("momentum", [0.975 - 0.0625, -1.8 + 0.05]),
    # v1 = 0.25 GRAD^2 = [0.0625, 4]: theta1 = theta - 0.1 GRAD / ([0.25, 2] + 0.25)
    # theta2 = theta1 - 0.1 GRAD2 / (sqrt(V2) + 0.25)
    ("rmsprop", np.array([0.9, -2 + 0.4 / 2.25]) - 0.1 / (np.sqrt(V2) + 0.25)),
    # step 1: m_hat = GRAD, v_hat = GRAD^2: theta1 = theta - 0.1 GRAD / (|GRAD| + 0.25)
    # step 2: m_hat = M2 / (1 - 0.5^2), v_hat = V2 / (1 - 0.75^2)
    ("adam", np.array([1 - 0.05 / 0.75, -2 + 0.4 / 4.25])
     - 0.1 * (M2 / 0.75) / (np.sqrt(V2 / 0.4375) + 0.25)),
])
def test_make_optimizer_passes_the_hyper_parameters(name, expected):
    theta = THETA.copy()
    optimizer = make_optimizer(theta, Train(optimizer=name, **UNUSUAL))
    for grads in (GRAD, GRAD2):
        optimizer.step(theta, grads)
    np.testing.assert_allclose(theta, expected, rtol=1e-12)


def test_momentum_dampening_zero_is_classical_heavy_ball():
    # torch.optim.SGD(momentum=0.9): m1 = g = [0.5, -4];  theta1 = theta - 0.1 m1 = [0.95, -1.6]
    # m2 = 0.9 m1 + g = [0.95, -7.6];  theta2 = theta1 - 0.1 m2 = [0.855, -0.84]
    opt = Momentum(THETA, 0.1, beta1=0.9, dampening=0.0)
    np.testing.assert_allclose(step(opt, times=2), [0.855, -0.84])


def test_momentum_dampening_defaults_to_beta1_in_the_config():
    assert Train().resolved().dampening == 0.9
    assert Train(beta1=0.5).resolved().dampening == 0.5
    classical = make_optimizer(THETA.copy(), Train(optimizer="momentum", dampening=0.0,
                                                   learning_rate=0.1))
    np.testing.assert_allclose(step(classical), [0.95, -1.6])  # first step = SGD's


def test_the_registry_and_the_names_a_config_may_use_agree():
    assert tuple(OPTIMIZERS) == OPTIMIZER_NAMES == tuple(OPTIMIZER_TITLES)


def test_coupled_weight_decay_adds_to_the_gradient():
    # g' = g + 0.5 theta = [1.0, -5.0]: theta - 0.1 g' = [0.9, -1.5]
    np.testing.assert_allclose(step(SGD(THETA, 0.1, weight_decay=0.5)), [0.9, -1.5])
    opt = make_optimizer(THETA, Train(optimizer="adam", learning_rate=0.1, weight_decay=0.5,
                                      eps=0.0))
    # Adam's first step moves every entry by lr * sign(g'): g' = [1, -5]
    np.testing.assert_allclose(step(opt), [0.9, -1.9])


def test_adamw_decays_the_weights_apart_from_the_gradient():
    opt = make_optimizer(THETA, Train(optimizer="adamw", learning_rate=0.1, eps=0.0))
    assert opt.weight_decay == 0.01  # PyTorch's default
    # theta * (1 - 0.1 * 0.01), then Adam's first step: - lr * sign(g)
    np.testing.assert_allclose(step(opt), THETA * 0.999 - 0.1 * np.sign(GRAD))
    strong = make_optimizer(THETA, Train(optimizer="adamw", learning_rate=0.1, eps=0.0,
                                         weight_decay=2.0))
    np.testing.assert_allclose(step(strong), THETA * 0.8 - 0.1 * np.sign(GRAD))


def test_no_weight_decay_unless_asked_or_adamw():
    assert Train().decay == 0.0 and Train(optimizer="sgd").decay == 0.0
    assert Train(optimizer="adamw").decay == 0.01
    assert Train(optimizer="adamw", weight_decay=0.0).decay == 0.0


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_an_update_taken_block_by_block_is_the_whole_one(monkeypatch, name):
    """`update` takes its part in blocks (to stay in cache): each number is the one-piece
    update's, whatever the block size and wherever the part starts and ends."""
    from aeviz.training import optim

    rng = np.random.default_rng(4)
    start = rng.standard_normal(1000).astype(np.float32)
    gradients = [rng.standard_normal(1000).astype(np.float32) for _ in range(3)]
    results = []
    for block in (1_000_000, 7, 64):
        monkeypatch.setattr(optim, "BLOCK", block)
        theta = start.copy()
        optimizer = make_optimizer(theta, Train(optimizer=name, weight_decay=0.01))
        for grads in gradients:
            optimizer.start_step()
            for part in (slice(300, 1000), slice(0, 300)):
                optimizer.update(theta, grads, part)
        results.append(theta.tobytes())
    assert results[0] != start.tobytes()
    assert results[1] == results[0] and results[2] == results[0]
