"""Image data: strips of one sample per class, their arrangement, and many classes on the
code plane."""

from __future__ import annotations

import numpy as np
import pytest

from aeviz import trajectory
from aeviz.renderer import render
from aeviz.renderer.frames import Frame
from aeviz.renderer.panels import code
from aeviz.renderer.panels.images import (
    SMALLEST_IMAGE_IN,
    ImageStripPanel,
    image_grid,
    strip_samples,
)
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.training.loop import train
from tests.helpers import (
    SMALL_SIZE,
    assert_blitting_exact,
    image_experiment,
    png_size,
    trained,
    write_csv,
)


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


def test_classes_groups_samples_in_one_sort():
    labels = np.array([3, 1, 3, 0, 1, 3])
    values, members = code.classes(labels)
    assert values.tolist() == [0, 1, 3]
    assert [m.tolist() for m in members] == [[3], [1, 4], [0, 2, 5]]
    many = np.random.default_rng(0).integers(0, 100_000, 300_000)
    values, members = code.classes(many)
    assert sum(map(len, members)) == len(many)
    assert all((many[m] == v).all() for v, m in zip(values[:50], members[:50]))


def test_past_fifty_classes_the_code_plane_has_no_legend(run_cli, tmp_path):
    x = np.random.default_rng(0).normal(size=(240, 3))
    labels = [f"c{i % 60:02d}" for i in range(240)]
    data = {"file": write_csv(tmp_path / "l.csv", x, labels), "label_column": "label"}
    path = trained(tmp_path, "labels", data, [3, 2, 3], epochs=1)
    out = tmp_path / "labels.png"
    result = run_cli("render", path, "-o", out, *SMALL_SIZE)
    assert result.exit_code == 0 and png_size(out) == (320, 180)
    assert result.stderr == ("note: 60 classes: the code plane has no legend (it names at "
                             "most 50); colors repeat across classes\n")
    view = RunView(trajectory.load(path))
    scene = Scene([view], RenderOptions(size="320x180"), (0, 1))
    panel = scene.panels[0][0]
    assert panel.ax.get_legend() is None
    assert len(panel.points) == 20  # one per look: ten colors, filled and hollow
    assert sorted(np.concatenate(panel.members).tolist()) == list(range(240))
