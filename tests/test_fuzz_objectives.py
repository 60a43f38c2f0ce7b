"""Fuzzing the new keys: whatever a TOML file gives the objective, VAE, decoder and pull keys,
aeviz builds the experiment or says what is wrong in one line naming the key; and training a
tiny experiment with any allowed objective ends with a trajectory that loads."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from aeviz import trajectory
from aeviz.errors import AevizError, SettingError
from aeviz.settings import experiment_from_dict, parse_toml
from aeviz.training.loop import train
from tests.conftest import TINY_EXPERIMENT
from tests.strategies import model_keys, objective_keys, render_keys, toml_values

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def experiment(train: dict, model: dict, render: dict):
    raw = {**TINY_EXPERIMENT, "train": {**TINY_EXPERIMENT["train"], **train, "epochs": 2},
           "model": {**TINY_EXPERIMENT["model"], **model}, "render": render}
    return experiment_from_dict(raw, "fuzz.toml")


@FUZZ
@given(objective_keys(toml_values), model_keys(toml_values), render_keys(toml_values))
def test_any_value_builds_or_gets_one_line_naming_its_key(train, model, render):
    try:
        experiment(train, model, render)
    except SettingError as error:
        message = str(error)
        assert "\n" not in message and message.startswith("fuzz.toml: ")
        assert any(key in message for key in (*train, *model, *render, "train.", "model."))


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(objective_keys(), model_keys(), render_keys())
def test_any_allowed_objective_trains_saves_and_loads(tmp_path, train, model, render):
    try:
        exp = experiment(train, model, render)
    except SettingError:
        return  # said in one line (see above)
    with np.errstate(all="ignore"):
        try:
            run = train_and_save(exp, tmp_path)
        except AevizError as error:  # a run that is not finite from the start: one line
            assert "\n" not in str(error)
            return
    assert np.isfinite(run.loss).all()
    assert (run.logvar_weights is not None) == bool(exp.model.variational)
    # The stored config rebuilds the same experiment: nothing of the objective is lost.
    assert experiment_from_dict(parse_toml(run.config, "x"), "x") == exp


def train_and_save(exp, folder):
    path = folder / "fuzz.npz"
    train(exp).save(path)
    return trajectory.load(path)


@pytest.mark.parametrize("key, value", [("W_logvar", np.full((13, 2, 4), np.nan, np.float32)),
                                        ("b_logvar", np.zeros((13, 3), np.float32)),
                                        ("terms", np.zeros((12, 1), np.float32)),
                                        ("term_names", np.array(1))])
def test_tampered_objective_arrays_get_one_line(tmp_path, key, value):
    raw = {**TINY_EXPERIMENT, "model": {"layers": [3, 4, 2, 4, 3],
                                        "activation": ["tanh", "identity", "tanh", "tanh"],
                                        "variational": True}}
    run = train(experiment_from_dict(raw, "vae.toml"))
    path = tmp_path / "vae.npz"
    run.save(path)
    with np.load(path, allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays[key] = value
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(AevizError) as caught:
        trajectory.load(tmp_path / "bad.npz")
    assert "\n" not in str(caught.value) and key.split("_")[0] in str(caught.value)
