"""One run record: what training produces (`RunRecord`, and with its arrays `Trajectory`) is
what a trajectory file holds and what `load` gives back, through one set of array keys; every
array a run can hold is checked on load (finite values, shapes against the right layer, the VAE's
arrays exactly when the stored model is variational); saving has the command line's output
checks."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from aeviz import api, trajectory
from aeviz.errors import AevizError
from aeviz.settings import load_experiment
from aeviz.training.loop import train, train_to_file
from aeviz.trajectory import Meta, RunRecord, Trajectory
from aeviz.trajectory.archive import write_archive

from .conftest import tiny_text

FIXTURES = Path(__file__).parent / "fixtures"
VAE_MODEL = {"activation": ["tanh", "identity", "tanh", "identity"], "variational": True}


def experiment(tmp_path: Path, **changes):
    path = tmp_path / "exp.toml"
    path.write_text(tiny_text(**changes))
    return load_experiment(path)


def stored(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}


def rewritten(path, out, drop=(), **arrays):
    write_archive(out, {k: v for k, v in stored(path).items() if k not in drop} | arrays)
    return out


@pytest.fixture(scope="module")
def vae_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("vae")
    exp = experiment(folder, model=VAE_MODEL, train={"code_l1": 0.01, "epochs": 4})
    train_to_file(exp, folder / "vae.npz")
    return folder / "vae.npz"


def test_the_streamed_record_is_the_trajectorys_record(tmp_path):
    exp = experiment(tmp_path, model=VAE_MODEL, train={"code_l1": 0.01, "epochs": 4})
    saved = train_to_file(exp, tmp_path / "run.npz")
    in_memory, loaded = train(exp), trajectory.load(tmp_path / "run.npz")
    assert type(saved) is RunRecord and isinstance(loaded, Trajectory)
    assert isinstance(saved.meta, Meta) and saved.path == str(tmp_path / "run.npz")
    for field in dataclasses.fields(RunRecord):
        if field.name in ("meta", "path"):
            continue
        for run in (in_memory, loaded):
            mine, theirs = getattr(saved, field.name), getattr(run, field.name)
            if isinstance(mine, np.ndarray):
                np.testing.assert_array_equal(mine, theirs)
            else:
                assert mine == theirs, field.name
    assert loaded.term_names == ("code_l1", "kl") and loaded.variational
    for key in ("terms", "logvar_weights", "logvar_biases", "codes"):
        np.testing.assert_array_equal(getattr(in_memory, key), getattr(loaded, key))
    assert json.loads(saved.meta.to_json())["source"] == str(tmp_path / "exp.toml")


def test_a_run_record_is_frozen(run):
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.config = "changed"


@pytest.mark.parametrize("name", ["v1-default", "v1-csv-labels", "v1-batches"])
def test_the_first_formats_files_load_and_save_unchanged(name, tmp_path):
    run = trajectory.load(FIXTURES / f"{name}.npz")
    run.save(tmp_path / "again.npz")
    again = stored(tmp_path / "again.npz")
    for key, array in stored(FIXTURES / f"{name}.npz").items():
        assert again[key].tobytes() == array.tobytes() and again[key].dtype == array.dtype, key


def test_terms_that_are_not_finite_are_refused_on_load(vae_path, tmp_path):
    terms = stored(vae_path)["terms"].copy()
    terms[-1, 1] = np.inf  # a diverging VAE's KL
    bad = rewritten(vae_path, tmp_path / "bad.npz", terms=terms)
    with pytest.raises(AevizError, match=r"^.*bad.npz: terms: holds NaN or infinite values$"):
        trajectory.load(bad)


@pytest.mark.parametrize("key", ["W_logvar", "b_logvar"])
def test_logvar_values_that_are_not_finite_are_refused_on_load(vae_path, tmp_path, key):
    array = stored(vae_path)[key].copy()
    array[0].flat[0] = np.nan
    bad = rewritten(vae_path, tmp_path / "bad.npz", **{key: array})
    with pytest.raises(AevizError, match=rf"bad.npz: {key}: holds NaN or infinite values$"):
        trajectory.load(bad)


def test_w_logvar_is_checked_against_the_layer_that_feeds_the_code(tmp_path):
    """Two hidden layers of 2, the code the second: W_logvar reads the layer of 4 before it,
    and 3 inputs (those of the other layer of 2) are refused."""
    exp = experiment(tmp_path, model={"layers": [3, 2, 4, 2, 3], "code_layer": 3,
                                      "activation": ["tanh", "tanh", "identity", "identity"],
                                      "variational": True}, train={"epochs": 2})
    train_to_file(exp, tmp_path / "vae.npz")
    weights = stored(tmp_path / "vae.npz")["W_logvar"]
    assert weights.shape[1:] == (2, 4)
    bad = rewritten(tmp_path / "vae.npz", tmp_path / "bad.npz",
                    W_logvar=np.zeros((len(weights), 2, 3), np.float32))
    with pytest.raises(AevizError, match=r"W_logvar, b_logvar: expected \[3, 2, 4\] and "):
        trajectory.load(bad)


def test_the_vae_arrays_are_present_exactly_when_the_model_is_variational(vae_path, run,
                                                                         tmp_path):
    missing = rewritten(vae_path, tmp_path / "missing.npz", drop=("W_logvar", "b_logvar"))
    with pytest.raises(AevizError, match="W_logvar: missing, but the stored config's "
                       "model.variational is true"):
        trajectory.load(missing)
    arrays = stored(vae_path)
    snapshots = len(run)
    extra = rewritten(run.path, tmp_path / "extra.npz", W_logvar=np.zeros(
        (snapshots, 2, 4), np.float32), b_logvar=np.zeros((snapshots, 2), np.float32))
    with pytest.raises(AevizError, match="W_logvar: present, but the stored config's model "
                       "is not variational"):
        trajectory.load(extra)
    assert arrays["W_logvar"].shape[1:] == (2, 4)


def test_save_refuses_the_runs_own_files(tmp_path):
    exp_path = tmp_path / "exp.toml"
    exp_path.write_text(tiny_text(train={"epochs": 2}))
    run = api.train(exp_path)
    before = exp_path.read_text()
    with pytest.raises(AevizError, match=rf"^{exp_path}: cannot write: it is the input "):
        run.save(exp_path)
    assert exp_path.read_text() == before
    run.save(tmp_path / "run.npz")
    loaded = trajectory.load(tmp_path / "run.npz")
    with pytest.raises(AevizError, match="cannot write: it is the input"):
        loaded.save(tmp_path / "run.npz")
    with pytest.raises(AevizError, match="cannot write: it is a folder"):
        loaded.save(tmp_path)


def test_a_diverging_run_records_only_finite_terms(tmp_path):
    exp = experiment(tmp_path, model=VAE_MODEL, train={"learning_rate": 1e6, "epochs": 5})
    run = train(exp)
    assert run.stop_reason == "diverged"
    assert np.isfinite(run.terms).all() and np.isfinite(run.logvar_weights).all()
    run.save(tmp_path / "run.npz")
    trajectory.load(tmp_path / "run.npz")  # loads: nothing recorded that load refuses
