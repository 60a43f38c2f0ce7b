"""MNIST-sized work and image data: float32, streaming records, labels and images from .npy
files, dense code planes, many classes."""

from __future__ import annotations

import numpy as np
import pytest

from aeviz import trajectory
from aeviz.cli.options import TrainingStatus, clock_text
from aeviz.errors import AevizError
from aeviz.renderer import render
from aeviz.renderer.frames import Frame
from aeviz.renderer.panels.images import (
    SMALLEST_IMAGE_IN,
    ImageStripPanel,
    image_grid,
    strip_samples,
)
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.training import model
from aeviz.training.loop import Snapshot, train, train_to_file
from aeviz.training.recorder import RunInfo, StreamingRecord
from tests.helpers import assert_blitting_exact

IMAGES = """title = "images"
[data]
file = "x.npy"
label_file = "y.npy"
normalize = "none"
image_shape = [3, 4]
[model]
layers = [12, 6, 2, 6, 12]
output_activation = "sigmoid"
[train]
batch_size = 16
epochs = 4
[render]
size = "480x270"
panels = ["code", "recon"]
"""


def image_experiment(tmp_path, labels=None, text=IMAGES, samples=60):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "x.npy", rng.uniform(0, 1, (samples, 12)).astype(np.float32))
    np.save(tmp_path / "y.npy", np.arange(samples) % 4 + 3 if labels is None else labels)
    (tmp_path / "e.toml").write_text(text)
    return tmp_path / "e.toml"


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
        np.testing.assert_array_equal(net.forward_into(x[:rows])[-1], net.forward(x[:rows])[-1])


def test_streamed_file_equals_the_in_memory_trajectory(tmp_path):
    exp = load_experiment(image_experiment(tmp_path), ["record.batches=1"])
    summary = train_to_file(exp, tmp_path / "run.npz")
    streamed, kept = trajectory.load(tmp_path / "run.npz"), train(exp)
    assert summary.snapshots == len(kept) == 4 + 4  # epoch 0, 3 batches of epoch 1, 4 ends
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
    saved = record.close(RunInfo(config="", meta={}, x=np.zeros((4, 3)), labels=np.zeros(
        4, int), label_names=(), feature_names=(), layer_sizes=(3, 2, 3),
        activations=("tanh", "tanh"), step_loss=np.zeros(5)))
    assert (saved.snapshots, saved.ends_at) == (2, "epoch 1")
    record.discard()
    with np.load(tmp_path / "r.npz", allow_pickle=False) as archive:
        np.testing.assert_array_equal(archive["codes"], [codes, codes * 2])
        np.testing.assert_array_equal(archive["W1"][1], 2 * params[8:14].reshape(3, 2))
        assert archive["step"].tolist() == [0, 5]


@pytest.mark.parametrize("labels, message", [
    (np.arange(59), "y.npy has 59 labels but x.npy has 60 rows; they must match"),
    (np.zeros(60), "y.npy must hold a 1-D array of integers or strings, got shape (60,) of "
                   "float64"),
    (np.array([{"a": 1}] * 60, dtype=object), "y.npy must hold a 1-D array of integers or "
                                              "strings, got shape (60,) of object (Python "
                                              "objects)"),
])
def test_bad_label_file(tmp_path, labels, message):
    path = image_experiment(tmp_path, labels)
    with pytest.raises(AevizError, match="e.toml: data.label_file: .*" + re_escape(message)):
        train(load_experiment(path))


def re_escape(text: str) -> str:
    import re
    return re.escape(text)


def test_label_values_keep_their_numbers_and_strings_their_order(tmp_path):
    run = train(load_experiment(image_experiment(tmp_path)))  # classes 3, 4, 5, 6
    assert run.labels[:5].tolist() == [3, 4, 5, 6, 3]
    assert run.label_names == ("0", "1", "2", "3", "4", "5", "6")
    words = np.array(["cat", "dog"] * 30)
    run = train(load_experiment(image_experiment(tmp_path, words)))
    assert run.labels[:3].tolist() == [0, 1, 0] and run.label_names == ("cat", "dog")


def test_image_shape_must_match_the_input(tmp_path):
    path = image_experiment(tmp_path, text=IMAGES.replace("[3, 4]", "[3, 5]"))
    with pytest.raises(AevizError, match=re_escape(
            "e.toml: data.image_shape: 3 x 5 = 15 pixels, but the input layer has 12 neurons; "
            "they must match")):
        load_experiment(path)


def test_image_strip_shows_one_sample_per_class_on_a_fixed_scale(tmp_path):
    run = train(load_experiment(image_experiment(tmp_path)))
    assert strip_samples(run.labels, 12) == [0, 1, 2, 3]
    assert strip_samples(np.full(100, -1), 5) == [0, 25, 50, 74, 99]
    options = RenderOptions(size="480x270", panels=("code", "recon"))
    frames = [Frame(float(i), (float(i),)) for i in (0, 2, 4)]
    scene = assert_blitting_exact([RunView(run)], options, frames, (0, 4))
    panel = next(p for p, _ in scene.panels if isinstance(p, ImageStripPanel))
    assert (panel.grid.rows, panel.grid.columns) == (2, 2)  # a half-frame panel: 2 x 2 pairs
    strip = panel.recons[0].get_array()
    assert strip.shape == (3, 2 * 4 + 1)  # two 3x4 images, a one-pixel gap
    assert panel.recons[0].get_clim() == (float(run.x.min()), float(run.x.max()))
    render([run], tmp_path / "strip.png", options, epoch=4)


def test_image_pairs_are_arranged_to_be_largest_and_fewer_when_small():
    # Ten 8x8 digits: one row in a wide room, two rows of five in a square one.
    wide, square = image_grid(10, (8, 8), (6.4, 2.7), 0.2), image_grid(10, (8, 8), (3.2, 3), 0.2)
    assert (wide.rows, wide.columns, square.rows, square.columns) == (1, 10, 2, 5)
    assert wide.image_in == pytest.approx(6.4 / (10 * 1.125 - 0.125))  # fills the width
    assert square.image_in == pytest.approx(3.2 / (5 * 1.125 - 0.125))
    assert square.size_in[1] == pytest.approx(2 * (square.image_in * 2.125 + 0.2))
    # A room too small for ten images of SMALLEST_IMAGE_IN: the first few samples only.
    small = image_grid(10, (8, 8), (1.0, 0.8), 0.2)
    assert (small.count, small.rows) == (3, 1) and small.image_in >= SMALLEST_IMAGE_IN
    # The second row's images sit a whole row of pairs below the first's.
    assert square.corner(5, output=False)[1] == pytest.approx(
        square.corner(0, output=False)[1] - square.pair_in)


def test_cluster_colors_follow_label_values_and_many_points_are_painted(tmp_path):
    run = train(load_experiment(image_experiment(tmp_path, samples=20_000)))
    options = RenderOptions(size="480x270", panels=("code",))
    scene = Scene([RunView(run)], options, (0, 4))
    panel = scene.panels[0][0]
    theme_colors = scene.theme.clusters
    assert [p.get_markerfacecolor() for p in panel.points] == [
        theme_colors[label] for label in (3, 4, 5, 6)]
    assert panel.dense is not None and panel.artists[-1] is panel.dense.image
    frame = Frame(4.0, (4.0,))
    np.testing.assert_array_equal(np.array(scene.draw(frame)),
                                  np.array(Scene([RunView(run)], options, (0, 4)).draw_full(
                                      frame)))
    painted = panel.dense.image.pixels
    assert painted.shape[:2] == panel.dense.size and painted[..., 3].max() > 0


def test_training_status_line():
    status = TrainingStatus(lambda *args: None, clock=lambda: 0.0)
    status.epoch(3, 0.04123)
    assert status.text(30_000, 100_000, 6.0) == "RMSE 0.0412  5,000 samples/s  0:14 left"
    assert clock_text(3725) == "1:02:05" and clock_text(65) == "1:05"
