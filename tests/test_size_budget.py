"""The size budget counts every array a run stores: what `train` refuses up front is what the
trajectory would weigh, a VAE's log-variance layer and the objective's terms included."""

from __future__ import annotations

import numpy as np
import pytest

from aeviz.settings import load_experiment
from aeviz.training import budget
from aeviz.training.loop import train_to_file

from .conftest import tiny_text

PER_SNAPSHOT_KEYS = ("codes", "terms", "W_logvar", "b_logvar")


@pytest.mark.parametrize("model, objective", [
    ({}, {}),
    ({"activation": ["tanh", "identity", "tanh", "identity"], "variational": True}, {}),
    ({}, {"code_l1": 0.01}),
    ({"activation": ["tanh", "identity", "tanh", "identity"], "variational": True},
     {"code_l1": 0.01, "beta": 0.5}),
])
def test_the_estimate_of_a_snapshot_is_what_it_stores(tmp_path, model, objective):
    path = tmp_path / "exp.toml"
    path.write_text(tiny_text(model=model, train={"epochs": 3, **objective}))
    exp = load_experiment(path)
    train_to_file(exp, tmp_path / "run.npz")
    with np.load(tmp_path / "run.npz", allow_pickle=False) as run:
        snapshots = len(run["epoch"])
        per_snapshot = sum(run[key].nbytes for key in run.files if key in PER_SNAPSHOT_KEYS
                           or key[0] in "Wb" and key[1:].isdigit()) // snapshots
        per_snapshot += sum(run[key].itemsize for key in ("epoch", "step", "loss"))
    assert budget.estimate(exp, 40, 3).snapshot_bytes == per_snapshot


def test_a_wide_vae_is_refused_for_its_log_variance_layer(tmp_path, monkeypatch):
    """The plain network fits the cap; its VAE, with a log-variance layer as wide as the
    encoder's last, does not."""
    layers = [3, 2000, 2, 3, 3]
    plain = load_experiment_text(tmp_path, model={"layers": layers}, train={"epochs": 100})
    vae = load_experiment_text(tmp_path, model={
        "layers": layers, "activation": ["tanh", "identity", "tanh", "identity"],
        "variational": True}, train={"epochs": 100})
    cap = (budget.estimate(plain, 40, 3).total + budget.estimate(vae, 40, 3).total) // 2
    monkeypatch.setattr(budget, "MAX_TRAJECTORY_BYTES", cap)
    budget.check_size(plain, 40, 3)
    with pytest.raises(Exception, match="record.every: the trajectory would hold 102 snapshots"):
        budget.check_size(vae, 40, 3)


def load_experiment_text(tmp_path, **changes):
    path = tmp_path / "exp.toml"
    path.write_text(tiny_text(**changes))
    return load_experiment(path)
