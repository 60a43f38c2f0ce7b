"""The page's maths (live/nn.js) against PyTorch: the replay fixtures of tests/fixtures/torch,
which check aeviz's numpy steps (tests/test_torch_reference.py), check the page's float64 steps
the same way (relative error <= 1e-6), in headless Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.browser import chromium_driver, load_scripts  # noqa: F401 (a fixture)

FIXTURES = Path(__file__).parent / "fixtures" / "torch"
CASES = sorted(path.stem for path in FIXTURES.glob("*.npz"))


def load(name: str) -> dict:
    with np.load(FIXTURES / f"{name}.npz", allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def relative_error(ours: np.ndarray, theirs: np.ndarray) -> float:
    return float(np.linalg.norm(ours - theirs) / np.linalg.norm(theirs))

# The fixture's steps replayed by nn.js: its draws handed out in the order the page asks.
REPLAY = """
const [setup, params0, xs, normals, uniforms, noises] = arguments;
const variational = "beta" in setup;
const net = new aevizNet.Autoencoder(setup.layers, setup.activations,
                                     aevizRandom.defaultRng(0),
                                     variational ? setup.code_layer : null);
net.params.set(params0);
const train = Object.assign({dampening: 0.0, beta1: 0.9, beta2: 0.999, eps: 1e-8}, setup);
const optimizer = aevizNet.makeOptimizer(net.params.length, train);
const result = {mse: [], params: [], inputs: []};
for (let s = 0; s < xs.length; s++) {
  const rows = xs[s].length, batch = Float64Array.from(xs[s].flat());
  let inputs = null;
  if (setup.noise || setup.masking) {
    let normal = 0, uniform = 0;
    const replayed = {standardNormal: () => normals[s].flat()[normal++],
                      random: () => uniforms[s].flat()[uniform++]};
    inputs = aevizNet.corrupt(batch, replayed, setup.noise || 0, setup.masking || 0);
    result.inputs.push(Array.from(inputs));
  }
  const noise = variational ? Float64Array.from(noises[s].flat()) : null;
  const outputs = net.forward(inputs === null ? batch : inputs, rows, noise);
  result.mse.push(net.backward(outputs, rows, inputs === null ? null : batch,
                               setup.code_l1 || 0, setup.code_layer, setup.beta || 0));
  optimizer.step(net.params, net.grads);
  result.params.push(Array.from(net.params));
}
return result;
"""


@pytest.fixture(scope="module")
def page(browser):
    load_scripts(browser, "rng.js", "nn.js")
    return browser


def test_every_optimizer_and_objective_has_a_fixture():
    assert {"sgd", "momentum", "rmsprop", "adam", "adamw", "sgd_weight_decay",
            "adam_weight_decay", "code_l1", "denoising", "vae"} <= set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_page_steps_match_pytorch(page, name):
    fixture = load(name)
    setup = json.loads(str(fixture["setup"]))
    steps = len(fixture["mse"])
    empty = [[]] * steps
    result = page.execute_script(
        REPLAY, setup, fixture["params"][0].tolist(), fixture["x"].tolist(),
        fixture["normal"].tolist() if "normal" in fixture else empty,
        fixture["uniform"].tolist() if "uniform" in fixture else empty,
        fixture["noise"].tolist() if "noise" in fixture else empty)
    for step in range(steps):
        if result["inputs"]:
            np.testing.assert_allclose(result["inputs"][step], fixture["inputs"][step].ravel(),
                                       rtol=1e-12)
        assert result["mse"][step] == pytest.approx(fixture["mse"][step], rel=1e-9)
        assert relative_error(np.array(result["params"][step]),
                              fixture["params"][step + 1]) <= 1e-6, step
    assert relative_error(fixture["params"][0], fixture["params"][-1]) > 1e-3  # it moved


def test_every_activation_and_its_slope(page):
    # Each activation and its derivative (in terms of the output) as aeviz's, at points that
    # cover both signs, zero and saturation; to a few ulps (the browser's Math.tanh is not
    # numpy's tanh, bit for bit).
    from aeviz.training.model import ACTIVATIONS

    z = np.array([-40.0, -3.0, -0.5, -1e-9, 0.0, 1e-9, 0.25, 2.0, 40.0])
    ours = page.execute_script("""
        return Object.entries(aevizNet.ACTIVATIONS).map(([name, act]) => {
            const a = arguments[0].map(act.fn);
            return [name, a, a.map(act.slope)];
        });""", z.tolist())
    assert sorted(name for name, _, _ in ours) == sorted(ACTIVATIONS)
    for name, values, slopes in ours:
        expected = ACTIVATIONS[name].function(z.copy())
        np.testing.assert_allclose(values, expected, rtol=1e-14, atol=1e-300)
        np.testing.assert_allclose(slopes, ACTIVATIONS[name].derivative(expected), rtol=1e-14)
