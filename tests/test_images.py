"""Image data: strips of one sample per class, their arrangement, and many classes on the
code plane."""

from __future__ import annotations

import numpy as np
import pytest

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
from aeviz.training.loop import train
from tests.helpers import assert_blitting_exact, image_experiment


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
