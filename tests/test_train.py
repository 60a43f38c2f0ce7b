"""Training runs: determinism, stopping rules, and the recorded trajectory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aeviz import trajectory
from aeviz.cli.progress import TrainingStatus, clock_text
from aeviz.settings import Experiment, load_experiment
from aeviz.training import loop as trainer
from aeviz.training.data import load_data
from aeviz.training.loop import Snapshot, Training, train, train_to_file
from aeviz.training.model import Autoencoder, Pass
from aeviz.training.optim import make_optimizer
from aeviz.training.recorder import StreamingRecord
from aeviz.trajectory import Meta, RunRecord
from tests import strategies as fuzz
from tests.conftest import tiny_text
from tests.helpers import (
    assert_exit_0_or_2,
    data_experiment,
    image_experiment,
    invoke_checked,
    limited_aeviz,
)
from tests.strategies import csv_files, examples, npy_files

# `aeviz.train` is the API function; the module is reached through the import system.


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def tiny(tmp_path: Path, **changes) -> Experiment:
    """The tiny experiment with `tiny_text` changes: 40 samples, 5 mini-batches an epoch."""
    path = tmp_path / "changed.toml"
    path.write_text(tiny_text(**changes))
    return load_experiment(path)


def arrays_of(run):
    keys = ["x", "labels", "epoch", "step", "loss", "codes", "step_loss"]
    return [getattr(run, k) for k in keys] + run.weights + run.biases


def test_same_experiment_gives_bit_identical_trajectories(tiny_toml):
    first, second = (train(load_experiment(tiny_toml)) for _ in range(2))
    for a, b in zip(arrays_of(first), arrays_of(second)):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert first.config == second.config


def test_another_seed_gives_another_run(tiny_toml):
    first = train(load_experiment(tiny_toml))
    other = train(load_experiment(tiny_toml, ["train.seed=4"]))
    assert not np.array_equal(first.codes, other.codes)
    np.testing.assert_array_equal(first.x, other.x)  # data has its own seed


def test_trajectory_shapes_and_records(tiny_toml):
    run = train(load_experiment(tiny_toml, ["record.every=5"]))
    assert run.epoch.tolist() == [0, 5, 10, 12]  # 0 and the last epoch always
    assert run.step.tolist() == [0, 25, 50, 60]  # 40 samples in batches of 8
    assert run.codes.shape == (4, 40, 2) and run.codes.dtype == np.float32
    assert [w.shape for w in run.weights] == [(4, 4, 3), (4, 2, 4), (4, 4, 2), (4, 3, 4)]
    assert [b.shape for b in run.biases] == [(4, 4), (4, 2), (4, 4), (4, 3)]
    assert run.step_loss.shape == (60,)
    assert run.labels.tolist() == [0] * 20 + [1] * 20
    assert run.meta.stop_reason == "epochs" and run.meta.epochs_run == 12
    assert np.abs(run.x).max() == pytest.approx(1.0)  # global normalization


def test_snapshots_match_an_independent_replay(tiny_toml):
    """Replaying the documented algorithm by hand gives the recorded weights and loss."""
    exp = load_experiment(tiny_toml, ["train.epochs=3", 'train.dtype="float64"'])
    run = train(exp)
    x = load_data(exp).x  # the float64 data trained on (the trajectory stores float32)
    rng = np.random.default_rng(exp.train.seed)
    net = Autoencoder(exp.model.layers, exp.model.activations, rng)
    optimizer = make_optimizer(net.params, exp.train)
    for epoch in range(1, 4):
        order = rng.permutation(len(x))
        for start in range(0, len(x), 8):
            net.backward(Pass(net.forward(x[order[start:start + 8]])))
            optimizer.step(net.params, net.grads)
        np.testing.assert_array_equal(run.weights[1][epoch], net.weights[1].astype(np.float32))
        rmse = np.sqrt(np.mean((net.forward(x)[-1] - x) ** 2))
        assert run.loss[epoch] == pytest.approx(rmse, rel=1e-12)
        np.testing.assert_array_equal(run.codes[epoch], net.forward(x)[2].astype(np.float32))


def test_snapshots_do_not_alias_the_live_weights(tiny_toml):
    exp = load_experiment(tiny_toml)
    training = Training(exp, load_data(exp).x)
    first = training.snapshot(0)
    recorded = first.params.copy()
    training.run_epoch(1)  # updates the live weights in place
    assert not np.allclose(training.net.params, recorded)
    np.testing.assert_array_equal(first.params, recorded)


def test_converges_at_epsilon(tiny_toml):
    full = train(load_experiment(tiny_toml))
    target = float(full.loss[6])
    run = train(load_experiment(tiny_toml, [f"train.epsilon={target!r}"]))
    assert run.meta.stop_reason == "converged"
    assert run.epoch[-1] == 6 and run.loss[-1] <= target


def test_divergence_keeps_the_last_finite_snapshot(tiny_toml):
    run = train(load_experiment(tiny_toml, [
        'train.optimizer="sgd"', "train.learning_rate=1e6", 'model.activation="identity"',
        "train.epochs=50"]))
    assert run.meta.stop_reason == "diverged"
    assert run.meta.diverged_at == run.epoch[-1] + 1
    assert np.isfinite(run.loss).all() and np.isfinite(run.codes).all()
    assert all(np.isfinite(w).all() for w in run.weights)


def test_interrupt_keeps_the_completed_epochs(tiny_toml):
    def interrupt_at_epoch_4(epoch, rmse):
        if epoch == 4:
            raise KeyboardInterrupt

    run = train(load_experiment(tiny_toml), on_epoch=interrupt_at_epoch_4)
    assert run.meta.stop_reason == "interrupted"
    assert run.epoch.tolist() == [0, 1, 2, 3, 4]


def test_within_epoch_snapshots(tiny_toml):
    run = train(load_experiment(tiny_toml, ["record.batches=2", "record.every=4"]))
    # epochs 1 and 2 have a snapshot after each of their 5 batches
    assert run.step.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20, 40, 60]
    assert run.epoch.tolist() == [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 4, 8, 12]


def test_trajectory_round_trips_without_pickle(tiny_toml, tmp_path):
    run = train(load_experiment(tiny_toml))
    path = tmp_path / "run.npz"
    run.save(path)
    with np.load(path, allow_pickle=False) as raw:
        assert str(raw["format"]) == "aeviz-trajectory" and int(raw["format_version"]) == 1
        assert {"config", "meta", "W3", "b3", "codes", "step_loss"} <= set(raw.files)
    loaded = trajectory.load(path)
    for a, b in zip(arrays_of(run), arrays_of(loaded)):
        np.testing.assert_array_equal(a, b)
    assert loaded.meta == run.meta and loaded.config == run.config
    assert loaded.code_layer == 2 and loaded.title == "tiny"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.npz", "tiny.toml"]  # no temp


def interrupt_after(steps: int, monkeypatch) -> None:
    """Make the mini-batch step after `steps` of them raise KeyboardInterrupt (a Ctrl-C)."""
    real, taken = trainer.minibatch_step, []

    def step(*args):
        if len(taken) == steps:
            raise KeyboardInterrupt
        taken.append(1)
        return real(*args)
    monkeypatch.setattr(trainer, "minibatch_step", step)


@pytest.mark.parametrize("record, steps, epochs_run", [
    ({"batches": 3}, 12, 2),               # in epoch 3, which records its mini-batches
    ({"batches": 4, "every": 5}, 17, 3),   # in epoch 4, which records its mini-batches
    ({"batches": 3, "every": 7}, 15, 3),   # just before epoch 4: nothing of it was taken
])
def test_interrupt_mid_epoch_drops_the_unfinished_epoch(tmp_path, monkeypatch, record, steps,
                                                        epochs_run):
    interrupt_after(steps, monkeypatch)
    run = train(tiny(tmp_path, record=record))
    assert run.meta.stop_reason == "interrupted" and run.meta.epochs_run == epochs_run
    # Every completed epoch records each of its 5 mini-batches (and so its end), none after.
    assert run.step.tolist() == list(range(5 * epochs_run + 1))
    assert run.epoch.tolist() == [0] + [e for e in range(1, epochs_run + 1) for _ in range(5)]
    assert len(run.step_loss) == steps  # the unfinished epoch's mini-batch losses stay


def test_interrupt_keeps_an_epoch_that_every_skipped(tmp_path):
    def interrupt_at_epoch_5(epoch, rmse):
        if epoch == 5:
            raise KeyboardInterrupt

    run = train(tiny(tmp_path, record={"batches": 1, "every": 3}), on_epoch=interrupt_at_epoch_5)
    assert run.epoch.tolist() == [0, 1, 1, 1, 1, 1, 3, 5]
    assert run.step.tolist() == [0, 1, 2, 3, 4, 5, 15, 25]


def test_divergence_within_the_first_epoch_keeps_its_finite_mini_batches():
    # float64, as a reference: float32 overflows a mini-batch sooner. At learning rate 1.6
    # (the example now uses 1.52, which runs away more slowly).
    run = train(load_experiment(EXAMPLES / "too-high-learning-rate.toml",
                                ['train.dtype="float64"', "train.learning_rate=1.6"]))
    assert run.meta.stop_reason == "diverged" and run.meta.diverged_at == 1
    assert run.meta.epochs_run == 0
    # 13 mini-batches an epoch; after the 9th the numbers are no longer finite
    assert run.epoch.tolist() == [0] + [1] * 9 and run.step.tolist() == list(range(10))
    assert np.isfinite(run.loss).all() and run.loss[-1] > 1e15  # the blow-up, shown
    assert len(run.step_loss) == 13


# tiny diverges in epoch 3 (in float64; float32 overflows a step sooner)
SGD_BLOWUP = {"optimizer": "sgd", "learning_rate": 1.2, "dtype": "float64"}


def test_divergence_after_completed_epochs_keeps_the_blow_up_after_them(tmp_path):
    run = train(tiny(tmp_path, model={"activation": "identity"}, train=SGD_BLOWUP,
                     record={"batches": 5, "every": 3}))
    assert run.meta.stop_reason == "diverged" and run.meta.diverged_at == 3
    assert run.epoch.tolist() == [0] + [1] * 5 + [2] * 5 + [3] * 3
    assert run.step.tolist() == list(range(14))  # step 14 of epoch 3 is not finite


def test_divergence_keeps_the_last_completed_epoch_that_every_skipped(tmp_path):
    run = train(tiny(tmp_path, model={"activation": "identity"}, train=SGD_BLOWUP,
                     record={"batches": 1, "every": 5}))
    assert run.meta.stop_reason == "diverged" and run.meta.epochs_run == 2
    assert run.epoch.tolist() == [0, 1, 1, 1, 1, 1, 2]
    assert run.step.tolist() == [0, 1, 2, 3, 4, 5, 10]


def test_train_takes_loaded_data_and_leaves_it_as_it_was(tiny_toml, monkeypatch):
    exp = load_experiment(tiny_toml)
    data = load_data(exp)
    before = data.x.copy()
    fresh = train(exp)
    monkeypatch.setattr(trainer, "load_data", lambda exp: pytest.fail("the data loaded again"))
    run = train(exp, data=data)
    np.testing.assert_array_equal(data.x, before)
    np.testing.assert_array_equal(run.codes, fresh.codes)
    np.testing.assert_array_equal(run.weights[0], fresh.weights[0])


def test_streamed_file_equals_the_in_memory_trajectory(tmp_path):
    exp = load_experiment(image_experiment(tmp_path), ["record.batches=1"])
    summary = train_to_file(exp, tmp_path / "run.npz")
    streamed, kept = trajectory.load(tmp_path / "run.npz"), train(exp)
    assert len(summary) == len(kept) == 4 + 4  # epoch 0, 3 batches of epoch 1, 4 ends
    for key in ("x", "labels", "epoch", "step", "loss", "codes", "step_loss"):
        np.testing.assert_array_equal(getattr(streamed, key), getattr(kept, key))
    for mine, theirs in zip(streamed.weights + streamed.biases, kept.weights + kept.biases):
        np.testing.assert_array_equal(mine, theirs)
    assert streamed.x.dtype == np.float32 and streamed.codes.dtype == np.float32
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e.toml", "run.npz", "x.npy", "y.npy"]
    with np.load(tmp_path / "run.npz", allow_pickle=False) as archive:
        assert {"format", "config", "meta", "x", "W0", "b3", "step_loss"} <= set(archive.files)


def test_a_streamed_append_cut_short_is_left_out(tmp_path):
    record = StreamingRecord(tmp_path / "r.npz", [3, 2, 3])
    params = np.arange(17, dtype=np.float32)
    codes = np.ones((4, 2), np.float32)
    record.append(Snapshot(0, 0, 1.0, codes, params))
    record.files["codes"].write(b"\xff" * 20)  # what an interrupted append left behind
    record.append(Snapshot(1, 5, 0.5, codes * 2, params * 2))
    empty = np.empty(0)
    saved = record.close(RunRecord(config="", meta=Meta(), x=np.zeros((4, 3)), labels=np.zeros(
        4, int), label_names=(), layer_sizes=(3, 2, 3), activations=("tanh", "tanh"),
        epoch=empty, step=empty, loss=empty, step_loss=np.zeros(5)))
    assert (len(saved), saved.moment(-1)) == (2, "epoch 1")
    record.discard()
    with np.load(tmp_path / "r.npz", allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive["codes"], [codes, codes * 2])
        np.testing.assert_array_equal(archive["W1"][1], 2 * params[8:14].reshape(3, 2))
        assert archive["step"].tolist() == [0, 5]


def test_training_status_line():
    status = TrainingStatus(lambda *args: None, clock=lambda: 0.0)
    status.epoch(3, 0.04123)
    assert status.text(30_000, 100_000, 6.0) == "RMSE 0.0412  5,000 samples/s  0:14 left"
    assert clock_text(3725) == "1:02:05" and clock_text(65) == "1:05"


@examples(0.3)
@given(document=fuzz.mutated_experiments())
def test_train_writes_a_loadable_run_or_nothing(scratch, document, outcomes):
    from aeviz.settings.tomlwriter import dump_toml

    path, output = scratch / "train.toml", scratch / "train.npz"
    output.unlink(missing_ok=True)
    try:
        path.write_text(dump_toml(document), encoding="utf-8", errors="surrogatepass")
    except (TypeError, ValueError):  # no TOML for it: not an input
        return
    result = invoke_checked("train", path, "-o", output, "--set", "train.epochs=1")
    if result.exit_code == 2:
        assert not output.exists()
        assert not [p for p in scratch.iterdir() if p.name.startswith(".train.")]
        return outcomes.refused()
    outcomes.accepted()
    run = trajectory.load(output)
    assert len(run) == 2 and run.epoch.tolist() == [0, 1]


@pytest.mark.slow
@examples(0.2)
@given(csv=csv_files(), npy=npy_files(), use_csv=st.booleans())
def test_train_of_any_data_file_saves_a_run_or_exits_2_writing_nothing(csv, npy, use_csv,
                                                                        outcomes):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if use_csv:
            (folder / "d.csv").write_bytes(csv.content)
            data_experiment(folder, "d.csv", csv.columns, label_column=csv.label)
        else:
            (folder / "d.npy").write_bytes(npy.content)
            data_experiment(folder, "d.npy", 3)
        inputs = {os.fsdecode(name) for name in os.listdir(folder)}
        result = limited_aeviz("train", "e.toml", "-o", "run.npz", "-q", cwd=folder)
        assert_exit_0_or_2(result, folder, inputs)
        if result.returncode == 2:
            assert (csv if use_csv else npy).expected is None, result.stderr
            return outcomes.refused()
        outcomes.accepted()
        run = trajectory.load(folder / "run.npz")
        expected = (csv if use_csv else npy).expected
        assert len(run) >= 2 and (expected is None or run.x.shape == expected.shape)
