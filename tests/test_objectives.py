"""The objective's terms, each one object (its value beside its gradient), and runs with a
regularized or variational objective: what they record, and what they leave as it was (the
shuffling, a plain run's trajectory)."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

from aeviz import trajectory
from aeviz.errors import AevizError, SettingError
from aeviz.settings import experiment_from_dict, load_experiment, parse_toml
from aeviz.training import loop
from aeviz.training.loop import Training, train, train_to_file
from aeviz.training.objectives import KL, CodeL1, Objective, corrupt
from tests.conftest import TINY_EXPERIMENT, tiny_text
from tests.strategies import ObjectiveKeys, examples, objective_settings, toml_values

VAE_MODEL = {"activation": ["tanh", "identity", "tanh", "identity"], "variational": True}


def tiny(tmp_path: Path, **changes):
    path = tmp_path / "changed.toml"
    path.write_text(tiny_text(**changes))
    return load_experiment(path)


def test_a_plain_run_stores_none_of_the_new_keys(tiny_toml):
    run = train(load_experiment(tiny_toml))
    for key in ("noise", "masking", "code_l1", "weight_decay", "beta", "variational", "pull"):
        assert f"\n{key} =" not in run.config
    assert run.terms is None and run.logvar_weights is None and run.term_names == ()


@pytest.mark.parametrize("train_keys", [{"noise": 0.3}, {"masking": 0.5},
                                        {"noise": 0.2, "masking": 0.2}])
def test_corruption_leaves_the_shuffling_as_the_plain_runs(tmp_path, train_keys):
    plain = Training(tiny(tmp_path), _data(tmp_path))
    noisy = Training(tiny(tmp_path, train=train_keys), _data(tmp_path))
    plain.run_epoch(1)
    noisy.run_epoch(1)
    assert plain.rng.bit_generator.state == noisy.rng.bit_generator.state
    assert plain.step_losses != noisy.step_losses  # the corruption did change the steps


def _data(tmp_path):
    from aeviz.training.data import load_data
    return load_data(tiny(tmp_path)).x


def test_corrupt_adds_noise_then_masks():
    class Fixed:
        def standard_normal(self, shape):
            return np.ones(shape)

        def random(self, shape):
            return np.array([[0.1, 0.9], [0.5, 0.2]])

    batch = np.array([[1.0, 2.0], [3.0, 4.0]])
    out = corrupt(batch, Fixed(), 0.5, 0.3, np.empty_like(batch))
    np.testing.assert_array_equal(out, [[0.0, 2.5], [3.5, 0.0]])
    np.testing.assert_array_equal(batch, [[1.0, 2.0], [3.0, 4.0]])  # the target stays clean


def test_a_code_l1_run_records_its_term_beside_the_rmse(tmp_path):
    run = train(tiny(tmp_path, train={"code_l1": 0.01}))
    assert run.term_names == ("code_l1",)
    expected = np.abs(run.codes.astype(float)).sum(axis=2).mean(axis=1)
    np.testing.assert_allclose(run.terms[:, 0], expected, rtol=1e-5)
    assert run.loss.shape == (len(run),)  # the RMSE stays the recorded loss


def test_a_variational_run_saves_and_loads_with_format_version_2(tmp_path):
    exp = tiny(tmp_path, model=VAE_MODEL, train={"beta": 0.5})
    assert exp.model.activations == ("tanh", "identity", "tanh", "identity")
    path = tmp_path / "vae.npz"
    summary = train_to_file(exp, path)
    with np.load(path, allow_pickle=False) as archive:
        assert int(archive["format_version"]) == 2
        assert archive["W_logvar"].shape == (len(summary), 2, 4)
    run = trajectory.load(path)
    assert run.variational and run.term_names == ("kl",)
    assert (run.terms[:, 0] >= 0).all()  # a KL divergence
    in_memory = train(exp)
    np.testing.assert_array_equal(in_memory.logvar_weights, run.logvar_weights)
    np.testing.assert_array_equal(in_memory.terms, run.terms)
    np.testing.assert_array_equal(in_memory.codes, run.codes)


def test_a_plain_run_keeps_format_version_1(tmp_path, tiny_toml):
    path = tmp_path / "plain.npz"
    train_to_file(load_experiment(tiny_toml), path)
    with np.load(path, allow_pickle=False) as archive:
        assert int(archive["format_version"]) == 1
        assert "W_logvar" not in archive.files and "terms" not in archive.files


def test_the_recorded_codes_of_a_vae_are_its_means(tmp_path):
    from aeviz.training.model import forward

    run = train(tiny(tmp_path, model=VAE_MODEL))
    last = -1
    means = forward(run.x.astype(float), [w[last].astype(float) for w in run.weights],
                    [b[last].astype(float) for b in run.biases], run.activations)[2]
    np.testing.assert_allclose(run.codes[last], means, rtol=1e-4, atol=1e-5)


def test_a_damaged_logvar_array_is_one_line(tmp_path):
    exp = tiny(tmp_path, model=VAE_MODEL)
    path = tmp_path / "vae.npz"
    train(exp).save(path)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    arrays["W_logvar"] = arrays["W_logvar"][:, :1]
    broken = tmp_path / "broken.npz"
    np.savez(broken, **arrays)
    with pytest.raises(Exception, match=r"W_logvar, b_logvar: expected \[13, 2, 4\]"):
        trajectory.load(broken)


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
@pytest.mark.parametrize("train_keys, model_keys", [({"code_l1": 0.01}, {}),
                                                    ({"beta": 0.5}, VAE_MODEL)])
def test_the_terms_axis_is_legible(tmp_path, size, train_keys, model_keys, monkeypatch):
    from tests.helpers import assert_legible

    run = train(tiny(tmp_path, train=train_keys, model=model_keys))
    texts = [text for text, _, _ in assert_legible([run], size, ("code", "loss", "weights"),
                                                   monkeypatch)]
    # The axis's name, or (a plot too short for the axis) the readout it begins
    name = "KL to N(0, 1)" if "beta" in train_keys else "mean Σ|code|"
    assert any(text == name or text.startswith(name + " ") for text in texts), texts


def numeric_gradient(value, array: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central finite differences of value() with respect to each entry of array."""
    gradient = np.empty_like(array)
    for index in np.ndindex(array.shape):
        keep = array[index]
        array[index] = keep + h
        up = value()
        array[index] = keep - h
        down = value()
        array[index] = keep
        gradient[index] = (up - down) / (2 * h)
    return gradient


def test_the_code_l1_gradient_is_its_values():
    rng = np.random.default_rng(5)
    term = CodeL1(weight=0.3, layer=2)
    code = rng.normal(size=(7, 2))
    code[np.abs(code) < 0.01] = 0.5  # away from the kink at 0
    numeric = numeric_gradient(lambda: term.weight * CodeL1.value(code), code)
    np.testing.assert_allclose(term.gradient(code), numeric, rtol=1e-6, atol=1e-10)


def test_the_kl_gradient_is_its_values():
    rng = np.random.default_rng(6)
    term = KL(weight=0.7)
    mean, logvar = rng.normal(size=(5, 2)), rng.normal(0, 1.5, size=(5, 2))
    d_mean, d_logvar = term.gradient(mean, logvar)
    value = lambda: term.weight * KL.value(mean, logvar)  # noqa: E731
    np.testing.assert_allclose(d_mean, numeric_gradient(value, mean), rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(d_logvar, numeric_gradient(value, logvar), rtol=1e-6,
                               atol=1e-10)


def test_the_terms_values_by_hand():
    assert CodeL1.value(np.array([[1.0, -2.0], [0.0, 0.5]])) == 1.75  # (3 + 0.5) / 2 rows
    assert KL.value(np.zeros((3, 2)), np.zeros((3, 2))) == 0.0  # N(0, 1) itself
    # One row, mean (1, 2), variance (1, 2): KL = 1/2 sum(var + mean^2 - 1 - log var)
    # = 1/2 ((1 + 1 - 1 - 0) + (2 + 4 - 1 - log 2)) = 3 - log(2) / 2
    assert KL.value(np.array([[1.0, 2.0]]), np.array([[0.0, np.log(2.0)]])) == pytest.approx(
        3 - np.log(2) / 2, rel=1e-15)


def test_the_objective_names_its_terms_in_recording_order():
    assert Objective().penalties() == () and Objective().terms() == ()
    both = Objective(code_l1=0.2, beta=0.5, code_layer=3)
    assert both.penalties() == (CodeL1(0.2, 3), KL(0.5)) and both.terms() == ("code_l1", "kl")
    assert Objective(beta=0.0).kl_term == KL(0.0)  # a VAE with beta 0 still samples


def test_the_recorded_kl_is_the_hand_computed_one(tmp_path):
    """The last snapshot's KL over all data, recomputed by hand from the stored weights: the
    encoder's tanh layer, the mean and log-variance layers, the closed form."""
    run = train(tiny(tmp_path, model=VAE_MODEL, train={"beta": 0.5}))
    x = run.x.astype(float)
    hidden = np.tanh(x @ run.weights[0][-1].T.astype(float) + run.biases[0][-1])
    mean = hidden @ run.weights[1][-1].T.astype(float) + run.biases[1][-1]
    logvar = hidden @ run.logvar_weights[-1].T.astype(float) + run.logvar_biases[-1]
    by_hand = np.mean(np.sum(np.exp(logvar) + mean**2 - 1 - logvar, axis=1) / 2)
    assert run.terms[-1, 0] == pytest.approx(by_hand, rel=1e-5)
    assert run.terms[-1, 0] != pytest.approx(run.terms[0, 0], rel=1e-2)  # it did change


def test_the_recorded_values_come_from_the_terms_value_functions(tmp_path, monkeypatch):
    monkeypatch.setattr(loop.KL, "value", staticmethod(lambda mean, logvar: 4.5))
    monkeypatch.setattr(loop.CodeL1, "value", staticmethod(lambda codes: 2.25))
    run = train(tiny(tmp_path, model=VAE_MODEL, train={"beta": 0.5, "code_l1": 0.1}))
    assert run.term_names == ("code_l1", "kl")
    assert (run.terms == [2.25, 4.5]).all()


def experiment(keys: ObjectiveKeys):
    raw = {**TINY_EXPERIMENT, "train": {**TINY_EXPERIMENT["train"], **keys.train, "epochs": 2},
           "model": {**TINY_EXPERIMENT["model"], **keys.model}, "render": keys.render}
    return experiment_from_dict(raw, "fuzz.toml")


@examples(2)
@given(keys=objective_settings(toml_values))
def test_any_value_builds_or_gets_one_line_naming_its_key(keys, outcomes):
    try:
        exp = experiment(keys)
    except SettingError as error:
        message = str(error)
        assert not keys.valid, message
        assert "\n" not in message and message.startswith("fuzz.toml: ")
        assert any(key in message for key in (*keys.train, *keys.model, *keys.render, "train.",
                                              "model."))
        return outcomes.refused()
    outcomes.accepted()
    if keys.valid:  # every key as written
        for table, values in (("train", keys.train), ("model", keys.model),
                              ("render", keys.render)):
            for key, value in values.items():
                held = getattr(getattr(exp, table), key)
                assert (list(held) if isinstance(held, tuple) else held) == value, key


@examples(0.4)
@given(keys=objective_settings())
def test_any_allowed_objective_trains_saves_and_loads(tmp_path, keys, outcomes):
    try:
        exp = experiment(keys)
    except SettingError:
        assert not keys.valid
        return outcomes.refused()  # said in one line (see above)
    with np.errstate(all="ignore"):
        try:
            run = train_and_save(exp, tmp_path)
        except AevizError as error:  # a run that is not finite from the start: one line
            assert "\n" not in str(error)
            return outcomes.refused()
    outcomes.accepted()
    assert np.isfinite(run.loss).all()
    assert (run.logvar_weights is not None) == bool(exp.model.variational)
    # The stored config rebuilds the same experiment: nothing of the objective is lost.
    assert experiment_from_dict(parse_toml(run.config, "x"), "x") == exp


def train_and_save(exp, folder):
    path = folder / "fuzz.npz"
    train(exp).save(path)
    return trajectory.load(path)
