"""A run that diverges: it stops with its last finite state, whichever number overflowed (the
loss, the weights, a VAE's KL term), and the advice names the setting that can be at fault,
not only the learning rate."""

import numpy as np
import pytest

from aeviz.settings import experiment_from_dict
from aeviz.training.advice import divergence_advice
from aeviz.training.data import load_data
from aeviz.training.loop import Training, recordable
from tests.conftest import TINY_EXPERIMENT, tiny_text


def experiment(**train):
    return experiment_from_dict({**TINY_EXPERIMENT, "train": {**TINY_EXPERIMENT["train"],
                                                              **train}}, "exp.toml")


@pytest.mark.parametrize("train, advice", [
    ({"learning_rate": 0.5}, "Try a lower train.learning_rate (now 0.5)."),
    ({"learning_rate": 0.5, "noise": 3.0}, "Try a lower train.learning_rate (now 0.5), or a "
     "smaller train.noise (now 3)."),
    ({"noise": 3.0, "code_l1": 2.0, "weight_decay": 0.5}, "Try a lower train.learning_rate "
     "(now 0.01), or a smaller train.noise (now 3), train.code_l1 (now 2) or "
     "train.weight_decay (now 0.5)."),
    ({"optimizer": "sgd", "learning_rate": 0.1, "weight_decay": 100.0},
     "train.learning_rate x train.weight_decay is 10, at least 2: with sgd the decay alone "
     "makes the weights grow step after step; lower train.weight_decay (now 100) below 20."),
    ({"optimizer": "adamw", "learning_rate": 0.5, "weight_decay": 5.0},
     "train.learning_rate x train.weight_decay is 2.5, at least 2: with adamw the decay alone "
     "makes the weights grow step after step; lower train.weight_decay (now 5) below 4."),
    # momentum 0.9, dampening 0.9: unstable from 2 (1 + 0.9) / 0.1 = 38
    ({"optimizer": "momentum", "learning_rate": 0.005, "weight_decay": 8000.0},
     "train.learning_rate x train.weight_decay is 40, at least 38: with momentum the decay "
     "alone makes the weights grow step after step; lower train.weight_decay (now 8000) "
     "below 7.6e+03."),
    ({"optimizer": "momentum", "learning_rate": 0.005, "weight_decay": 7000.0},
     "Try a lower train.learning_rate (now 0.005), or a smaller train.weight_decay (now "
     "7000)."),
])
def test_the_advice_names_what_can_be_at_fault(train, advice):
    assert divergence_advice(experiment(**train)) == advice


def test_the_advice_names_the_kl_weight_of_a_vae():
    exp = experiment_from_dict({**TINY_EXPERIMENT, "model": {
        **TINY_EXPERIMENT["model"], "activation": ["tanh", "identity", "tanh", "tanh"],
        "variational": True}, "train": {**TINY_EXPERIMENT["train"], "beta": 4.0}}, "exp.toml")
    assert divergence_advice(exp).endswith("or a smaller train.beta (now 4).")


@pytest.mark.parametrize("decay, diverges", [(7000.0, False), (9000.0, True)])
def test_the_momentum_bound_is_where_training_diverges(decay, diverges):
    exp = experiment(optimizer="momentum", learning_rate=0.005, weight_decay=decay, epochs=100)
    with np.errstate(over="ignore", invalid="ignore"):
        stop = Training(exp, load_data(exp).x).run(None)
    assert (stop == "diverged") == diverges


def test_the_cli_gives_the_weight_decay_advice(tmp_path, monkeypatch, run_cli):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "exp.toml").write_text(tiny_text(train={
        "optimizer": "sgd", "learning_rate": 0.1, "weight_decay": 100.0}))
    result = run_cli("train", "exp.toml")
    assert result.exit_code == 0
    assert "lower train.weight_decay (now 100) below 20." in result.stderr
    assert "Try a lower train.learning_rate" not in result.stderr


def test_a_vae_whose_kl_overflows_is_not_recorded_and_stops_as_diverged():
    exp = experiment_from_dict({**TINY_EXPERIMENT, "model": {
        **TINY_EXPERIMENT["model"], "activation": ["tanh", "identity", "tanh", "tanh"],
        "variational": True}}, "exp.toml")
    with np.errstate(over="ignore", invalid="ignore"):
        run = Training(exp, load_data(exp).x)
        assert recordable(run.last)
        run.net.logvar[1][:] = 100.0  # exp(100) is past float32's largest number
        overflowing = run.snapshot(0)
        assert np.isfinite(overflowing.params).all() and np.isfinite(overflowing.codes).all()
        assert np.isinf(overflowing.terms).all()
        assert not recordable(overflowing)
        assert run.run(None) == "diverged" and run.diverged_at == 1
        run.finish()
    assert all(np.isfinite(s.terms).all() for s in run.record.snapshots)
