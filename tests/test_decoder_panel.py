"""The decoder panel: the decoded grid of the code plane as a mosaic (images) or a sheet (any
other data), legible at both clip sizes and drawn exactly by blitting."""

from __future__ import annotations

import numpy as np
import pytest

from aeviz import trajectory
from aeviz.renderer.frames import Frame
from aeviz.renderer.panels.code import CodePanel
from aeviz.renderer.panels.decoder import MESH_SIDE, MOSAIC_SIDE, MosaicPanel, SheetPanel
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.training.loop import train
from aeviz.training.model import forward
from tests.conftest import tiny_text
from tests.helpers import SMALLEST_PX, assert_blitting_exact, assert_legible

PANELS = [("decoder", "code", "loss"), ("code", "loss", "weights", "decoder")]


def clusters_run(tmp_path, dims: int):
    """The tiny experiment's two clusters, in `dims` dimensions."""
    means = ([0.5] + [0.0] * (dims - 1), [-0.5, 0.3] + [0.1] * (dims - 2))
    text = tiny_text(data={"seed": 1, "clusters": [{"n": 20, "mean": m, "std": 0.1}
                                                   for m in means]},
                     model={"layers": [dims, 4, 2, 4, dims]}, train={"epochs": 6})
    path = tmp_path / f"d{dims}.toml"
    path.write_text(text)
    return train(load_experiment(path))


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("dims", [2, 3, 6])
@pytest.mark.parametrize("panels", PANELS)
def test_the_sheet_is_legible(tmp_path, dims, size, panels, monkeypatch):
    assert_legible([clusters_run(tmp_path, dims)], size, panels, monkeypatch)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("panels", [("code", "decoder", "loss"),
                                    ("code", "loss", "weights", "decoder")])
def test_the_mosaic_is_legible(wide_image_run, size, panels, monkeypatch):  # noqa: F811
    assert_legible([wide_image_run], size, panels, monkeypatch)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_a_comparison_with_decoders_is_legible(tiny_run_path, size, monkeypatch):
    run = trajectory.load(tiny_run_path)
    assert_legible([run, run], size, ("code", "decoder", "loss"), monkeypatch)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_a_comparison_of_mosaics_is_legible(wide_image_run, size, monkeypatch):  # noqa: F811
    assert_legible([wide_image_run] * 2, size, ("code", "decoder"), monkeypatch)


def test_the_mosaic_shows_each_grid_points_decoded_image(wide_image_run):  # noqa: F811
    view = RunView(wide_image_run)
    scene = Scene([view], RenderOptions(size="1280x720", panels=("code", "decoder")),
                  (0, 2))
    scene.draw_full(Frame(2.0, (2.0,)))
    mosaic = next(p for p, _ in scene.panels if isinstance(p, MosaicPanel))
    shown = mosaic.image.get_array()
    assert mosaic.side == MOSAIC_SIDE  # room for all at 1280x720
    # A blank pixel (masked: drawn in the background) between the images.
    assert shown.shape == (MOSAIC_SIDE * 9 - 1, MOSAIC_SIDE * 9 - 1)
    assert np.ma.getmaskarray(shown)[8, :].all() and np.ma.getmaskarray(shown)[:, 8].all()
    last = len(view) - 1
    code_layer = wide_image_run.code_layer
    decoded = forward(mosaic.grid, [w[last].astype(float) for w in wide_image_run.weights]
                      [code_layer:], [b[last].astype(float) for b in wide_image_run.biases]
                      [code_layer:], wide_image_run.activations[code_layer:])[-1]
    # Row 1, column 3 of the mosaic: grid point 1 * side + 3, its code 2 below the top row's.
    np.testing.assert_allclose(shown[9:17, 27:35], decoded[MOSAIC_SIDE + 3].reshape(8, 8))
    assert mosaic.grid[0, 1] > mosaic.grid[MOSAIC_SIDE, 1]  # the top row has the largest code 2
    # The grid spans the codes of the whole clip, and the code plane shows it faintly.
    assert mosaic.grid[:, 0].min() < view.codes[..., 0].min()
    assert mosaic.grid[:, 0].max() > view.codes[..., 0].max()
    plane = next(p for p, _ in scene.panels if isinstance(p, CodePanel))
    faint = [line for line in plane.ax.lines if len(line.get_xdata()) == MOSAIC_SIDE ** 2]
    assert len(faint) == 1


def test_the_sheet_is_the_decoded_grid_in_data_space(tmp_path):
    run = clusters_run(tmp_path, 2)
    view = RunView(run)
    scene = Scene([view], RenderOptions(size="640x360", panels=("decoder", "loss")), (0, 6))
    scene.draw_full(Frame(6.0, (6.0,)))
    sheet = next(p for p, _ in scene.panels if isinstance(p, SheetPanel))
    xs, ys = sheet.outside.get_data()  # the whole decoded grid (faint beyond the codes)
    points = np.column_stack([xs, ys])
    points = points[~np.isnan(points[:, 0])]
    strong = np.column_stack(sheet.mesh.get_data())  # the part where the codes are
    strong = strong[~np.isnan(strong[:, 0])]
    assert 0 < len(strong) < len(points)
    assert all(np.abs(points - point).sum(axis=1).min() < 1e-9 for point in strong)
    decoded = forward(sheet.grid_points, [w[-1].astype(float) for w in run.weights][2:],
                      [b[-1].astype(float) for b in run.biases][2:], run.activations[2:])[-1]
    # 2-D data is drawn in its own coordinates: every grid node is on the mesh.
    for node in decoded:
        assert np.abs(points - node).sum(axis=1).min() < 1e-9
    assert np.isnan(xs).sum() == 2 * MESH_SIDE  # one curve per grid line


@pytest.mark.parametrize("dims", [3, 6])
def test_the_decoder_panel_blits_exactly(tmp_path, dims):
    view = RunView(clusters_run(tmp_path, dims))
    assert_blitting_exact([view], RenderOptions(size="320x180",
                                                panels=("code", "decoder")),
                          [Frame(0.0, (0.0,)), Frame(2.5, (2.5,)), Frame(6.0, (6.0,))])


def test_the_mosaic_blits_exactly(wide_image_run):  # noqa: F811
    view = RunView(wide_image_run)
    assert_blitting_exact([view], RenderOptions(size="320x180", panels=("decoder", "loss")),
                          [Frame(0.0, (0.0,)), Frame(1.5, (1.5,)), Frame(2.0, (2.0,))])


def test_a_small_mosaic_has_fewer_larger_images(wide_image_run):  # noqa: F811
    scene = Scene([RunView(wide_image_run)],
                  RenderOptions(size="640x360", panels=("code", "loss", "weights", "decoder")),
                  (0, 2))
    mosaic = next(p for p, _ in scene.panels if isinstance(p, MosaicPanel))
    assert 4 <= mosaic.side < MOSAIC_SIDE
    assert mosaic.image.get_array().shape == (mosaic.side * 9 - 1, mosaic.side * 9 - 1)
    # Each 8 x 8 image 20 px or more on screen, the one-pixel gaps between them counted.
    box = mosaic.ax.get_window_extent(scene.figure.canvas.get_renderer())
    assert min(box.width, box.height) * 8 / (mosaic.side * 9 - 1) >= 20


def test_a_sheets_key_inside_its_panel_in_two_columns_reads_row_by_row():
    """matplotlib fills a key column by column: three entries in two columns read "data,
    beyond the codes / decoded grid". Each row reads left to right, the blank at the end."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    from aeviz.renderer.panels.decoder import _place_inside
    from aeviz.renderer.theme import THEMES

    figure = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    names = ["data", "decoded grid", "beyond the codes"]
    handles = [Line2D([], [], marker="o", label=name) for name in names]
    _place_inside(ax, THEMES["light"], handles, ("upper left", 2))
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    drawn = [(-round(t.get_window_extent(renderer).y0), t.get_window_extent(renderer).x0,
              t.get_text()) for t in ax.get_legend().get_texts() if t.get_text()]
    assert [text for _, _, text in sorted(drawn)] == names
    assert len({y for y, _, _ in drawn}) == 2


@pytest.mark.parametrize("spread", [0.1, 0.001])
def test_a_sheet_of_flat_data_is_never_flatter_than_two_to_one(tmp_path, spread):
    """A sheet's box is cut to what it shows, its key under it, but flat data (x over +-1, y
    over +-`spread`) keep a box at most twice as wide as tall, their limits grown to fill it
    (cut to the data's shape, a line of data drew a box 3 px tall)."""
    means = ([-0.6, 0.0], [0.6, spread])
    text = tiny_text(data={"seed": 1, "clusters": [
        {"n": 20, "mean": m, "cov": [[0.1, 0], [0, spread ** 2]]} for m in means]},
        model={"layers": [2, 4, 2, 4, 2]}, train={"epochs": 3})
    path = tmp_path / "flat.toml"
    path.write_text(text)
    scene = Scene([RunView(train(load_experiment(path)))],
                  RenderOptions(size="640x360", panels=("decoder", "loss")), (0, 3))
    scene.draw_full(Frame(3.0, (3.0,)))
    sheet = next(p for p, _ in scene.panels if isinstance(p, SheetPanel))
    box = sheet.ax.get_window_extent()
    assert box.width <= 2.0 * box.height + 1
