"""aeviz's training steps against PyTorch's, for every optimizer and objective term.

The fixtures in tests/fixtures/torch were written by tests/perf/torch_reference.py (which needs
torch; the suite does not): a few steps of a small float64 network from set parameters, with
the random numbers each step used. aeviz takes the same steps from the same numbers and must
land on the same parameters (relative error <= 1e-6).
"""

import json
from pathlib import Path

import numpy as np
import pytest

from aeviz.settings import Train
from aeviz.training.loop import minibatch_step
from aeviz.training.model import Autoencoder, parameter_count
from aeviz.training.objectives import KL, CodeL1, Objective, corrupt
from aeviz.training.optim import make_optimizer

FIXTURES = Path(__file__).parent / "fixtures" / "torch"
CASES = sorted(path.stem for path in FIXTURES.glob("*.npz"))


def load(name: str) -> dict:
    with np.load(FIXTURES / f"{name}.npz", allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


class Replayed:
    """A random generator that hands out the fixture's draws, in the order aeviz asks."""

    def __init__(self, normal: np.ndarray, uniform: np.ndarray):
        self.normal, self.uniform = normal, uniform

    def standard_normal(self, shape):
        assert shape == self.normal.shape
        return self.normal

    def random(self, shape):
        assert shape == self.uniform.shape
        return self.uniform


def relative_error(ours: np.ndarray, theirs: np.ndarray) -> float:
    return float(np.linalg.norm(ours - theirs) / np.linalg.norm(theirs))


def test_every_optimizer_and_objective_has_a_fixture():
    assert {"sgd", "momentum", "rmsprop", "adam", "adamw", "sgd_weight_decay",
            "adam_weight_decay", "code_l1", "denoising", "vae"} <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_steps_match_pytorch(name):
    fixture = load(name)
    setup = json.loads(str(fixture["setup"]))
    layers, code_layer = setup["layers"], setup["code_layer"]
    variational = "beta" in setup
    net = Autoencoder(layers, setup["activations"], np.random.default_rng(0), np.float64,
                      code_layer if variational else None)
    net.params[:] = fixture["params"][0]
    # Momentum against torch.optim.SGD(momentum=beta1, dampening=0): torch's first step sets
    # the buffer to g, which aeviz's m = 0 + (1 - dampening) g equals only without dampening.
    keys = {key: setup[key] for key in ("beta1", "beta2", "eps", "weight_decay") if key in setup}
    train = Train(optimizer=setup["optimizer"], learning_rate=setup["learning_rate"],
                  dampening=0.0, **keys)
    optimizer = make_optimizer(net.params, train)
    objective = Objective(setup.get("noise", 0.0), setup.get("masking", 0.0),
                          setup.get("code_l1", 0.0), setup.get("beta"), code_layer)
    for step in range(len(fixture["mse"])):
        batch = fixture["x"][step]
        inputs = None
        if objective.corrupts:
            inputs = corrupt(batch, Replayed(fixture["normal"][step], fixture["uniform"][step]),
                             objective.noise, objective.masking, np.empty_like(batch))
            np.testing.assert_allclose(inputs, fixture["inputs"][step], rtol=1e-12)
        noise = fixture["noise"][step] if variational else None
        check_term_values(net, fixture, step, batch if inputs is None else inputs, noise,
                          code_layer)
        mse = minibatch_step(net, optimizer, batch, objective, inputs, noise)
        assert mse == pytest.approx(fixture["mse"][step], rel=1e-9)
        assert relative_error(net.params, fixture["params"][step + 1]) <= 1e-6, step
    moved = relative_error(fixture["params"][0], fixture["params"][-1])
    assert moved > 1e-3  # the steps did something to compare


def check_term_values(net, fixture, step, inputs, noise, code_layer) -> None:
    """Each objective term's value on the step's forward pass, as PyTorch computed it."""
    outputs, sample, _ = net.forward_into(inputs, noise)
    if "code_l1" in fixture:
        assert CodeL1.value(outputs[code_layer]) == pytest.approx(fixture["code_l1"][step],
                                                                  rel=1e-9)
    if "kl" in fixture:
        assert KL.value(sample.mean, sample.logvar) == pytest.approx(fixture["kl"][step],
                                                                     rel=1e-9)


def test_the_fixtures_of_the_terms_hold_their_values():
    assert {name for name in CASES if "code_l1" in load(name)} == {"code_l1",
                                                                   "vae_l1_denoising"}
    assert {name for name in CASES if "kl" in load(name)} == {"vae", "vae_l1_denoising"}


def test_variational_parameters_follow_the_plain_ones():
    net = Autoencoder([5, 4, 2, 4, 5], ["tanh"] * 4, np.random.default_rng(0), np.float64, 2)
    assert len(net.params) == parameter_count([5, 4, 2, 4, 5]) + 2 * (4 + 1)
    plain = Autoencoder([5, 4, 2, 4, 5], ["tanh"] * 4, np.random.default_rng(0), np.float64)
    # The plain layers are drawn first: a VAE starts from the plain network's weights.
    np.testing.assert_array_equal(net.params[:len(plain.params)], plain.params)
