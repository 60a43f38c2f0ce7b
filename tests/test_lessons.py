"""Every example's lesson, checked where a student sees it: the panels a clip draws and the
numbers behind them. Each example is trained as its file says (seconds each), drawn at
640x360 (the smallest slide), and its key visual asserted from what the scene draws and the
run's data: a lesson that is true in numbers but not drawn, or drawn but not true, fails."""

from __future__ import annotations

import copy
import dataclasses
import re
from itertools import combinations, groupby
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from matplotlib import colors as mcolors
from matplotlib.text import Text

from aeviz.batch import split_comparisons
from aeviz.renderer import run_views
from aeviz.renderer.decoding import decode, sheet_region
from aeviz.renderer.description import MARK_NAMES
from aeviz.renderer.frames import plan_frames
from aeviz.renderer.naming import comparison_detail_forms
from aeviz.renderer.panels import CodePanel, LossPanel, WeightPanel
from aeviz.renderer.panels.decoder import SheetPanel
from aeviz.renderer.panels.placement import (
    READABLE_PAGE_S,
    caption_page,
    quick_pages_note,
    wrap_sentences,
)
from aeviz.renderer.panels.sparsity import SparsityOverlay, silent_shares
from aeviz.renderer.panels.variational import VariationalOverlay
from aeviz.renderer.scales import short_number
from aeviz.renderer.scene import Scene
from aeviz.renderer.theme import THEMES
from aeviz.settings import RenderOptions, load_experiment
from aeviz.settings.comparison import load_comparison
from aeviz.settings.fields import size_allowed
from aeviz.training.loop import train
from aeviz.training.model import forward
from tests.colors import COLOR_ROOM, faded, green_classes, hue_angles, lab
from tests.helpers import commented_captions, read_key
from tests.strategies import examples

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FILES, COMPARISONS = split_comparisons(sorted(EXAMPLES.glob("*.toml")))


@pytest.fixture(scope="module")
def runs() -> dict:
    """The examples a lesson below looks at, trained as their files say."""
    names = ("decoder-manifold", "denoising", "denoising-plain", "vae-vs-ae-ae", "vae-vs-ae-vae",
             "sparse-codes", "too-high-learning-rate", "seed-default", "linear-vs-pca")
    return {name: train(load_experiment(EXAMPLES / f"{name}.toml")) for name in names}


def scene_of(runs: list, options, size: str = "640x360") -> tuple[Scene, list]:
    """The clip's scene as batch draws it, and its frames."""
    if size_allowed(*map(int, size.split("x"))):
        options = dataclasses.replace(options, size=size)
    else:  # a viewer window's size (640x400), which no clip may have: set past the check
        options = copy.copy(options)
        object.__setattr__(options, "size", size)
    views = run_views(runs, options)
    frames = plan_frames([v.timeline for v in views], options)
    return Scene(views, options, (frames[0].position, frames[-1].position)), frames


def default_handout(run):
    """`aeviz figure RUN.npz` of one run: its [render] options at the default moments."""
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, figure_positions

    views = run_views([run], run.experiment.render)
    return HandoutFigure(views, run.experiment.render, figure_positions(None, views),
                         TEXT_WIDTH)


def panel(scene: Scene, kind: type):
    return next(p for p, _ in scene.panels if isinstance(p, kind))


def header(scene: Scene) -> str:
    return scene.details.get_text()


# Every example: a caption of two or three sentences whose first, the lesson in brief, is
# what a 640x360 clip shows whole.

def _caption(path: Path) -> str:
    if path in COMPARISONS:
        return load_comparison(path).render.caption
    return load_experiment(path).render.caption


def _comment_captions() -> list[str]:
    """The --caption of every command in the examples' comments."""
    return sorted({caption for path in EXAMPLES.glob("*.toml")
                   for caption in commented_captions(path)})


@pytest.mark.parametrize("caption", [_caption(p) for p in FILES + COMPARISONS]
                         + _comment_captions())
def test_every_example_tells_its_lesson_in_a_caption(caption):
    """Each file's caption and each --caption of a command in the examples' comments (the
    activations comparison's, the denoising one beside the plain run): two or three
    sentences, the first, the lesson in brief, whole on the one line a 640x360 clip shows."""
    sentences = re.split(r"(?<=[.!?]) +", " ".join(caption.split()))
    assert 2 <= len(sentences) <= 3, sentences
    room_640 = 0.97 * 8 * 72 - 2 * 11.5  # the caption strip of a 640x360 clip (scene)
    assert wrap_sentences(caption, 11.5, room_640, 1) == [sentences[0].strip()]


@pytest.mark.parametrize("caption", [_caption(p) for p in FILES + COMPARISONS]
                         + _comment_captions())
def test_captions_are_true_of_a_handout_and_a_page_too(caption):
    """A caption is shown in clip, handout and page alike: none speaks of what only a clip
    has ("The first epochs, which log pace stretches, ...", "a mini-batch per frame")."""
    clip_only = r"\b(frames?|pace|clips?|seconds?|video|playback|slow motion|stretch\w*)\b"
    assert not re.search(clip_only, caption.lower()), caption


@pytest.mark.parametrize("caption", [_caption(p) for p in FILES + COMPARISONS]
                         + _comment_captions())
def test_captions_name_panels_not_places(caption):
    # A clip lays its panels out in a row, a handout in rows of moments: "top right" or
    # "(left)" is true in one and false in the other.
    places = r"\b(top|bottom)\b|\((left|right)\)|\b(left|right) panel|on the (left|right)"
    assert not re.search(places, caption.lower()), caption


@pytest.mark.parametrize("path", FILES + COMPARISONS, ids=lambda path: path.stem)
def test_every_examples_caption_pages_stay_long_enough_to_read_at_640x360(runs, path):
    """A 640x360 clip shows its caption a page at a time: every example's clip is long
    enough for each page to stay as long as a room takes to read it (17 characters a second,
    READABLE_PAGE_S at least; a look found pages of 60 to 90 characters gone after 2.4 s,
    unread), and nothing is said."""
    options = dataclasses.replace(
        (load_comparison(path) if path in COMPARISONS else load_experiment(path)).render,
        size="640x360")
    stand_in = runs["seed-default"]  # pages and a fitted clip's frames are the run's alike
    timed = stand_in if options.duration else runs[path.stem]  # one frame a snapshot
    frames = len(plan_frames([v.timeline for v in run_views([timed], options)], options))
    text_only = RenderOptions(size="640x360", caption=options.caption)
    scene = Scene(run_views([stand_in], text_only), text_only, (0.0, 1.0))
    texts = [" ".join(line.get_text() for line in page) for page in scene.caption_pages]
    assert len(texts) >= 2  # (else nothing takes turns: the test would say nothing)
    shown = [caption_page(number, frames, scene.caption_seconds) for number in range(frames)]
    for page, text in enumerate(texts):
        turns = [len(list(run)) for shown_page, run in groupby(shown) if shown_page == page]
        assert turns[0] / options.fps >= max(READABLE_PAGE_S, len(text) / 17), (page, text)
    assert quick_pages_note(scene.caption_seconds, frames, options.fps, "at 640x360") is None


# decoder-manifold: the decoded sheet where the codes are lies on the data; the decoder's
# extrapolation beyond them is faint.

def test_decoder_manifold_draws_the_sheet_where_the_codes_are_on_the_data(runs):
    run = runs["decoder-manifold"]
    scene, frames = scene_of([run], run.experiment.render)
    scene.draw_full(frames[-1])
    sheet = panel(scene, SheetPanel)
    view = scene.views[0]
    state = view.state(len(view) - 1)
    grid = sheet.described
    region = sheet_region(state.codes, grid.extent, grid.side, grid.steps).ravel()
    decoded = decode(view, sheet.grid, state)
    x = run.x.astype(float)
    near = np.sqrt(((decoded[region][:, None] - x[None]) ** 2).sum(-1)).min(axis=1)
    assert (near < 0.1).mean() >= 0.8  # the drawn sheet lies on the half-pipe
    everywhere = np.sqrt(((decoded[:, None] - x[None]) ** 2).sum(-1)).min(axis=1)
    assert (everywhere < 0.1).mean() < 0.5  # the whole grid would not: the region matters
    # The strong mesh holds only decoded points of the region; the rest is faint.
    drawn = np.column_stack(sheet.mesh.get_data())
    drawn = drawn[~np.isnan(drawn[:, 0])]
    projected = (decoded[region] - sheet.center) @ sheet.axes
    assert len(drawn) and all(np.abs(projected - point).sum(axis=1).min() < 1e-9
                              for point in drawn)
    assert sheet.outside.get_alpha() <= 0.2 < sheet.mesh.get_alpha()
    # Its first epochs, where the sheet unfolds, are recorded batch by batch.
    assert (view.timeline[view.timeline < 2] % 1 > 0).sum() >= 30


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_decoder_manifold_names_its_axes_off_the_data_and_its_sides_in_order(runs, size):
    """The data's axes (arrows named x, y, z) stand in a corner free of the data (at 640x360
    their names sat on the points), and the sides' key reads left, middle, right."""
    run = runs["decoder-manifold"]
    scene, frames = scene_of([run], run.experiment.render, size)
    scene.draw_full(frames[-1])
    sheet = panel(scene, SheetPanel)
    renderer = scene.figure.canvas.get_renderer()
    flat = (run.x.astype(float) - sheet.center) @ sheet.axes
    shown = sheet.ax.transData.transform(flat)
    names = [t for t in sheet.ax.texts if t.get_text() in ("x", "y", "z")]
    assert len(names) == 3
    for name in names:
        box = name.get_window_extent(renderer).padded(2)
        inside = ((shown[:, 0] > box.x0) & (shown[:, 0] < box.x1)
                  & (shown[:, 1] > box.y0) & (shown[:, 1] < box.y1))
        assert not inside.any(), name.get_text()
    legend = panel(scene, CodePanel).ax.get_legend()
    # the decoder's "+" grid points keyed after the sides, apart from them (short at 640):
    # first, they stood under the label column's name "side" as if a side
    assert [t.get_text() for t in legend.get_texts()] == [
        "left", "middle", "right", MARK_NAMES["grid"][size == "640x360"]]
    # the name "side" over the first side's column, not beside it
    heading = legend.get_title().get_window_extent(renderer)
    columns = [handle.get_window_extent(renderer) for handle in legend.legend_handles]
    assert legend.get_title().get_text() == "side"
    assert columns[0].x0 - 1 <= heading.x0 and heading.x1 <= columns[1].x0, heading


def test_the_arcs_parts_are_keyed_as_the_arc_reads(runs):
    """denoising's classes, keyed in the handout left, top, right (they were keyed in the
    data file's order: right, top, left), "left" being the part with the smallest x."""
    run = runs["denoising"]
    assert list(run.label_names) == ["left", "top", "right"]
    means = [float(run.x[run.labels == n, 0].mean()) for n in range(3)]
    assert means == sorted(means)
    handout = default_handout(run)
    (key,) = handout.figure.legends
    classes = ("left", "top", "right")  # its own columns, then the marks' (reading_order)
    assert [name for name, _ in read_key(key) if name in classes] == list(classes)


# denoising: the noisy inputs beside the network's output for them, the noise level in the
# header, the training objective beside the clean RMSE, and no PCA line on 2-D data.

def test_denoising_draws_noisy_inputs_and_the_objective_beside_the_clean_rmse(runs):
    run = runs["denoising"]
    scene, frames = scene_of([run], run.experiment.render)
    scene.draw_full(frames[-1])
    assert "input noise std 0.3" in header(scene)
    sheet = panel(scene, SheetPanel)
    noise = sheet.noisy - run.x.astype(float)[np.linspace(0, len(run.x) - 1, len(sheet.noisy))
                                              .round().astype(int)]
    assert len(sheet.noisy) >= 20 and 0.2 < noise.std() < 0.4
    noisy_points = [c for c in sheet.ax.collections if len(c.get_offsets()) == len(sheet.noisy)]
    assert noisy_points  # drawn
    # Each link ends at the network's output for its noisy input, back near the clean point.
    ends = np.column_stack(sheet.links.get_data()).reshape(-1, 3, 2)[:, 1]
    weights = [w[-1].astype(float) for w in run.weights]
    biases = [b[-1].astype(float) for b in run.biases]
    output = forward(sheet.noisy, weights, biases, run.activations)[-1]
    np.testing.assert_allclose(ends, output, atol=1e-9)
    clean = run.x.astype(float)[np.linspace(0, len(run.x) - 1, len(sheet.noisy)).round()
                                .astype(int)]
    assert np.linalg.norm(output - clean, axis=1).mean() < \
        0.5 * np.linalg.norm(sheet.noisy - clean, axis=1).mean()
    loss = panel(scene, LossPanel)
    assert loss.objective_value.get_text().startswith("noisy inputs 0.")
    assert np.nanmean(loss.objective) > run.loss[1:].mean()  # harder than the clean RMSE
    assert not [t for t in loss.ax.texts if t.get_text().startswith("PCA")]


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_a_sheets_data_sample_is_drawn_in_its_classes_colors(runs, size):
    """The denoising clip colors the arc's three parts and keyed "data" with a grey dot, a
    color drawn nowhere: its key's data sample is a dot of each class's color, as the points
    are drawn (in a sheet's key beside each run of the comparison too)."""
    from matplotlib.lines import Line2D

    from aeviz.renderer.panels.style import cluster_color

    run = runs["denoising"]
    options = dataclasses.replace(run.experiment.render, size=size)
    scene, frames = scene_of([run], options)
    scene.draw_full(frames[-1])
    sheet = panel(scene, SheetPanel)
    drawn = [mcolors.to_hex(cluster_color(scene.theme, label)) for label in range(3)]
    points = next(c for c in sheet.ax.collections if len(c.get_offsets()) == len(run.x))
    assert {mcolors.to_hex(c) for c in points.get_facecolors()} == set(drawn)
    key = sheet.ax.get_legend()
    assert "data" in [text.get_text() for text in key.get_texts()]
    dots = [line for line in key.findobj(Line2D) if line.get_marker() == "o"]
    assert [mcolors.to_hex(dot.get_color()) for dot in dots] == drawn
    renderer = scene.canvas.get_renderer()
    boxes = [dot.get_window_extent(renderer) for dot in dots]
    assert all(box.width >= 3 for box in boxes)  # seen, each apart from the next
    assert all(a.x1 <= b.x0 + 0.5 for a, b in zip(boxes, boxes[1:])), boxes


def test_denoising_vs_plain_styles_its_runs_apart_from_the_objective_and_keys_its_marks(runs):
    """In the denoising clip a dashed curve is the error on noisy inputs (and PCA's line is
    dashed): the comparison's two runs, apart and told apart by their colors, are both solid
    (the denoising run's jagged dash-dot read as a smeared band, or as that objective); each
    run's name above its panel is in its color (they were black); the handout's key names
    the noisy inputs' x marks."""
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure

    comparison = load_comparison(EXAMPLES / "denoising-vs-plain.toml")
    pair = [runs["denoising-plain"], runs["denoising"]]
    options = dataclasses.replace(comparison.render, labels=comparison.compare.labels)
    scene, frames = scene_of(pair, options)
    scene.draw_full(frames[-1])
    styles = [run.style for run in scene.description.runs]
    assert styles == ["-", "-"]
    assert [line.get_linestyle() for line in panel(scene, LossPanel).lines] == styles
    sheets = [p for p, _ in scene.panels if isinstance(p, SheetPanel)]
    colors = [run.color for run in scene.description.runs]
    titles = [next(t for t in s.ax.get_children() if hasattr(t, "get_text")
                   and t.get_text() == s.ax.get_title(loc="left")) for s in sheets]
    assert [s.ax.get_title(loc="left") for s in sheets] == list(comparison.compare.labels)
    assert [mcolors.to_hex(t.get_color()) for t in titles] == [c.lower() for c in colors]
    views = run_views(pair, options)
    handout = HandoutFigure(views, options, [0.0, float(pair[0].epoch[-1])], TEXT_WIDTH)
    _, names = handout._key()
    assert "noisy input → output" in names


def test_the_denoising_handouts_key_reads_its_classes_in_order_on_one_row(runs):
    """The denoising-vs-plain handout's key, on two rows, read "left top / right": the arc's
    three classes now share the first row, in order, the marks beside them."""
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure

    comparison = load_comparison(EXAMPLES / "denoising-vs-plain.toml")
    pair = [runs["denoising-plain"], runs["denoising"]]
    options = dataclasses.replace(comparison.render, labels=comparison.compare.labels)
    for handout in (HandoutFigure(run_views(pair, options), options, [0.0, 200.0], TEXT_WIDTH),
                    default_handout(runs["denoising"])):
        handout.figure.canvas.draw()
        (key,) = handout.figure.legends
        boxes = {t.get_text(): t.get_window_extent() for t in key.get_texts() if t.get_text()}
        classes = [boxes[name] for name in ("left", "top", "right")]
        assert len({round(box.y0) for box in classes}) == 1  # one row
        assert classes[0].x1 < classes[1].x0 and classes[1].x1 < classes[2].x0  # in order
        assert max(round(box.y0) for box in boxes.values()) == round(classes[0].y0)  # the top


def test_denoising_keys_cover_no_data(runs):
    """The decoder panel's key sat on the arc's lower end (denoising, 640x360) and on the
    arc's end and noisy inputs (denoising-vs-plain): the key's box, in display coordinates,
    holds none of the drawn data points or noisy inputs, nor any within 3 px of it, alone
    and in the comparison, at 640x360 and 1280x720."""
    comparison = load_comparison(EXAMPLES / "denoising-vs-plain.toml")
    paired = dataclasses.replace(comparison.render, labels=comparison.compare.labels)
    alone = runs["denoising"].experiment.render
    for pair, options in (([runs["denoising"]], alone),
                          ([runs["denoising-plain"], runs["denoising"]], paired)):
        for size in ("640x360", "1280x720"):
            scene, frames = scene_of(pair, options, size)
            scene.draw_full(frames[len(frames) // 3])
            renderer = scene.figure.canvas.get_renderer()
            for sheet in (p for p, _ in scene.panels if isinstance(p, SheetPanel)):
                key = sheet.ax.get_legend()
                assert key is not None and key.get_texts()
                box = key.get_window_extent(renderer).padded(3)
                drawn = np.concatenate([c.get_offset_transform().transform(c.get_offsets())
                                        for c in sheet.ax.collections])
                assert len(drawn) > 100  # the data, and a denoising run's noisy inputs
                inside = ((drawn[:, 0] > box.x0) & (drawn[:, 0] < box.x1)
                          & (drawn[:, 1] > box.y0) & (drawn[:, 1] < box.y1))
                assert not inside.any(), (size, sheet.ax.get_title(loc="left"),
                                          int(inside.sum()))


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_denoising_vs_plain_gives_its_planes_the_room_and_keys_them_outside(runs, size):
    """At 640x360 each plane was 113 x 175 px: the arc 65 px wide, the lower half of the
    plane its key, the limits grown to fill a tall box. Each plane now shows what it holds
    (its limits those of the data, the strong sheet and the noisy inputs, grown only along
    x where the box is wider), as wide as its slot allows past its y axis's numbers, its
    key outside it, under its x axis's name, inside the slot."""
    comparison = load_comparison(EXAMPLES / "denoising-vs-plain.toml")
    pair = [runs["denoising-plain"], runs["denoising"]]
    scene, frames = scene_of(pair, dataclasses.replace(
        comparison.render, labels=comparison.compare.labels), size)
    scene.draw_full(frames[-1])
    renderer = scene.figure.canvas.get_renderer()
    described = [d for d in scene.description.panels if d.name == "decoder"]
    sheets = [p for p, _ in scene.panels if isinstance(p, SheetPanel)]
    dpi_scale = scene.figure.dpi / 80  # 640x360: 80 dpi
    for sheet, panel_described in zip(sheets, described):
        frame = sheet.ax.get_window_extent(renderer)
        grid = panel_described.decoder
        assert sheet.ax.get_ylim() == pytest.approx(grid.y, abs=1e-9)  # not grown
        assert frame.width >= 130 * dpi_scale, frame.width  # 113 px at 640 before
        key = sheet.ax.get_legend().get_window_extent(renderer)
        assert key.y1 <= sheet.ax.xaxis.get_tightbbox(renderer).y0 + 1  # under the x name
        slot_bottom = panel_described.rect[1] * scene.figure.bbox.height
        assert key.y0 >= slot_bottom - 1
        # The arc (the data) across more of the plane's pixels than before.
        x = (pair[0].x - sheet.center) @ sheet.axes
        shown = sheet.ax.transData.transform(x)
        assert np.ptp(shown[:, 0]) >= 75 * dpi_scale, np.ptp(shown[:, 0])  # 65 px before


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_denoising_vs_plain_gives_its_sheets_the_width_a_narrower_loss_leaves(runs, size):
    """Its planes keep one unit as long on both axes, so width sizes them: beside a loss
    0.36 of the page wide, their left margins fitted to numbers a taller box drew ("−0.5"),
    each was 135 px wide at 640x360 (313 at 1280x720). The loss beside sheets alone is
    narrower (layout.LOSS_SIDE_SHEETS) and the margin refitted to the numbers drawn: each
    plane wider, the loss's title and readouts still whole, inside the frame."""
    comparison = load_comparison(EXAMPLES / "denoising-vs-plain.toml")
    pair = [runs["denoising-plain"], runs["denoising"]]
    scene, frames = scene_of(pair, dataclasses.replace(
        comparison.render, labels=comparison.compare.labels), size)
    scene.draw_full(frames[-1])
    renderer = scene.figure.canvas.get_renderer()
    sheets = [p for p, _ in scene.panels if isinstance(p, SheetPanel)]
    assert len(sheets) == 2
    for sheet in sheets:
        width = sheet.ax.get_window_extent(renderer).width
        assert width >= {"640x360": 160, "1280x720": 335}[size], width  # was 135, 313
    loss_ax = next(p for p, _ in scene.panels if isinstance(p, LossPanel)).ax
    page_width = scene.figure.bbox.width
    texts = [child for child in loss_ax.get_children() if isinstance(child, Text)]
    assert any(text.get_text() == "reconstruction error" for text in texts)
    for text in texts:
        if text.get_visible() and text.get_text():
            assert "…" not in text.get_text(), text.get_text()
            assert text.get_window_extent(renderer).x1 <= page_width, text.get_text()


def test_denoising_beside_the_plain_run_shares_its_scale_and_names_each_panel(runs):
    from aeviz import api

    plain = train(load_experiment(EXAMPLES / "denoising.toml", {"train.noise": 0}))
    noisy = runs["denoising"]
    options = api.options_of([plain, noisy], {"panels": ["decoder", "loss"]})
    assert options.caption is None  # not the denoising run's "dashed curve" for both
    for size in ("640x360", "1280x720"):
        scene, frames = scene_of([plain, noisy], options, size)
        scene.draw_full(frames[-1])
        sheets = [p for p, _ in scene.panels if isinstance(p, SheetPanel)]
        assert len(sheets) == 2
        # one scale (boxes on whole pixels may differ by a pixel: 1 %)
        assert sheets[0].ax.get_xlim() == pytest.approx(sheets[1].ax.get_xlim(), rel=0.01)
        assert sheets[0].ax.get_ylim() == pytest.approx(sheets[1].ax.get_ylim(), rel=0.01)
        renderer = scene.figure.canvas.get_renderer()
        for sheet, name in zip(sheets, ("noise 0", "noise 0.3")):
            assert sheet.ax.get_title(loc="left") == name  # the run's name stays
            legend = sheet.ax.get_legend().get_window_extent(renderer)
            points = [sheet.noisy] if sheet.noisy is not None else []
            for drawn in points:  # no noisy input under the legend
                shown = sheet.ax.transData.transform((drawn - sheet.center) @ sheet.axes)
                assert not ((shown[:, 0] > legend.x0) & (shown[:, 0] < legend.x1)
                            & (shown[:, 1] > legend.y0) & (shown[:, 1] < legend.y1)).any()


# denoising-plain: without noise the network nearly copies its input, and its decoded sheet
# spans the plane around the arc (the denoising run's folds onto it).

def _sheet_flatness(run) -> float:
    """The decoder's two stretches at the data's codes, the lesser over the greater (median):
    near 1 a sheet spread over the plane, near 0 one folded onto a curve."""
    weights = [w[-1].astype(float) for w in run.weights]
    biases = [b[-1].astype(float) for b in run.biases]
    code = forward(run.x.astype(float), weights[:2], biases[:2], run.activations[:2])[-1]

    def decoded(at):
        return forward(at, weights[2:], biases[2:], run.activations[2:])[-1]

    step = 1e-5
    jacobian = np.stack([(decoded(code + step * e) - decoded(code - step * e)) / (2 * step)
                         for e in np.eye(2)], axis=-1)
    stretches = np.linalg.svd(jacobian, compute_uv=False)
    return float(np.median(stretches[:, 1] / stretches[:, 0]))


def test_the_plain_run_nearly_copies_its_input_and_its_sheet_crosses_the_arc(runs):
    plain, noisy = runs["denoising-plain"], runs["denoising"]
    caption = plain.experiment.render.caption
    assert f"({plain.loss[-1]:.1g})" in caption and plain.loss[-1] < noisy.loss[-1] / 5
    assert _sheet_flatness(plain) > 0.6 and _sheet_flatness(noisy) < 0.4
    # what the clip shows, said so: a dark zigzag band along the data where the codes are,
    # only the faint grid beyond them spread over the plane (not "the grid spreads")
    assert ("decoded grid is a dark zigzag band along the data, and only the faint part beyond "
            "the codes spreads over the plane") in " ".join(caption.split())


# vae-vs-ae: the N(0, 1) circles over the codes, the codes' σ by default with a key, and the
# VAE's means really inside them.

def test_the_vae_draws_its_circles_over_its_codes_and_its_means_fill_them(runs):
    comparison = load_comparison(EXAMPLES / "vae-vs-ae.toml")
    pair = [runs["vae-vs-ae-ae"], runs["vae-vs-ae-vae"]]
    options = dataclasses.replace(comparison.render, labels=comparison.compare.labels)
    scene, frames = scene_of(pair, options)
    scene.draw_full(frames[-1])
    planes = [p for p, _ in scene.panels if isinstance(p, CodePanel)]
    vae = next(p for p in planes if p.view.run.variational)
    (overlay,) = [o for o in vae.overlays if isinstance(o, VariationalOverlay)]
    points = vae.points if vae.dense is None else [vae.dense.image]
    assert overlay.circles.get_zorder() > max(p.get_zorder() for p in points)
    assert overlay.ellipses is not None  # σ shown without asking
    keys = [t.get_text() for legend in vae.ax.artists + vae.ax.get_children()
            if hasattr(legend, "get_texts") for t in legend.get_texts()]
    assert "N(0,1): 1σ, 2σ" in keys and "codes' σ" in keys
    means = np.asarray(pair[1].codes[-1], float)
    assert (np.linalg.norm(means, axis=1) <= 2).mean() >= 0.8
    plain = np.asarray(pair[0].codes[-1], float)
    assert (np.linalg.norm(plain, axis=1) <= 2).mean() < 0.5  # the plain AE's do not
    assert comparison_detail_forms(pair)[0] == "variational code and KL weight β differ"


@pytest.mark.parametrize("name", ["vae-vs-ae-ae", "vae-vs-ae-vae"])
def test_a_single_runs_decoder_mosaic_uses_the_frame_at_640(runs, name):
    """Code plane, decoder and loss of one run: three columns as tall as the body. Stacked
    beside the plane, the mosaic had half the height: 4 x 4 digits, 60 px at
    640x360; now 5 x 5 or more, each digit 20 px or more, and no panel overlaps another."""
    from aeviz.renderer.panels.decoder import MosaicPanel

    run = runs[name]
    scene, frames = scene_of([run], run.experiment.render)
    scene.draw_full(frames[-1])
    described = scene.description.panel("decoder")
    assert described.decoder.kind == "mosaic" and described.decoder.side >= 5
    drawn = panel(scene, MosaicPanel)
    box = drawn.ax.get_window_extent(scene.figure.canvas.get_renderer())
    assert min(box.width, box.height) * 8 / (drawn.side * 9 - 1) >= 20  # a gap between each
    mosaic = scene.description.panel("decoder").rect
    assert mosaic[3] == pytest.approx(max(p.rect[3] for p in scene.description.panels))
    rects = [p.rect for p in scene.description.panels]
    for (a, b) in combinations(rects, 2):
        assert a[0] + a[2] <= b[0] + 1e-9 or b[0] + b[2] <= a[0] + 1e-9 \
            or a[1] + a[3] <= b[1] + 1e-9 or b[1] + b[3] <= a[1] + 1e-9


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_the_vae_key_stays_above_the_codes_in_a_blitted_clip(runs, size):
    """The key naming the circles and ellipses sits inside the plane in the comparison: it is
    redrawn with the codes each frame (not left in the background under them), and a blitted
    frame equals a full redraw."""
    comparison = load_comparison(EXAMPLES / "vae-vs-ae.toml")
    pair = [runs["vae-vs-ae-ae"], runs["vae-vs-ae-vae"]]
    options = dataclasses.replace(comparison.render, labels=comparison.compare.labels,
                                  scales="shared")
    scene, frames = scene_of(pair, options, size)
    vae = next(p for p, _ in scene.panels if isinstance(p, CodePanel) and p.view.run.variational)
    (overlay,) = [o for o in vae.overlays if isinstance(o, VariationalOverlay)]
    (key,) = [a for a in overlay.artists if hasattr(a, "get_texts")]
    assert key in scene.artists
    points = vae.points if vae.dense is None else [vae.dense.image]
    assert key.get_zorder() > max(p.get_zorder() for p in points)
    blitted = np.array(scene.draw(frames[-1]))
    fresh, _ = scene_of(pair, options, size)
    np.testing.assert_array_equal(blitted, np.array(fresh.draw_full(frames[-1])))


def vae_comparison_drawn(runs, size: str = "640x360") -> tuple[Scene, object]:
    """The vae-vs-ae comparison's scene at its last frame, drawn, and its renderer."""
    comparison = load_comparison(EXAMPLES / "vae-vs-ae.toml")
    scene, frames = scene_of([runs["vae-vs-ae-ae"], runs["vae-vs-ae-vae"]],
                             comparison.options, size)
    scene.draw_full(frames[-1])
    return scene, scene.figure.canvas.get_renderer()


def test_the_vae_comparison_at_640_draws_its_planes_and_mosaics_large_the_key_off_the_codes(
        runs):
    """At 640x360 the two runs' code planes and mosaics stand in one row, each as wide as a
    quarter of the page allows (stacked in two rows they were 45 to 60 px: a mosaic of 5 x 5
    digits no one at the back reads), and the VAE's key sits under its plane, not on it."""
    from aeviz.renderer.panels.decoder import MosaicPanel

    scene, renderer = vae_comparison_drawn(runs)
    shown = [p for p, _ in scene.panels if isinstance(p, (CodePanel, MosaicPanel))]
    boxes = [p.ax.get_window_extent(renderer) for p in shown]
    assert len(boxes) == 4 and max(b.y0 for b in boxes) < min(b.y1 for b in boxes)  # one row
    assert all(min(b.width, b.height) >= 64 for b in boxes), [b.bounds for b in boxes]
    assert min(p.side for p in shown if isinstance(p, MosaicPanel)) >= 4
    vae = next(p for p in shown if isinstance(p, CodePanel) and p.view.run.variational)
    (overlay,) = [o for o in vae.overlays if isinstance(o, VariationalOverlay)]
    (key,) = [a for a in overlay.artists if hasattr(a, "get_texts")]
    assert key.get_window_extent(renderer).y1 <= vae.ax.get_window_extent(renderer).y0
    # Its lines drawn wide enough to see at 80 dpi (a 0.6 pt ellipse was 0.7 px there, lost
    # among the codes), in the key as on the plane.
    px = scene.figure.dpi / 72
    assert overlay.ellipses.get_linewidth() * px >= 1.2
    assert overlay.circles.get_linewidth() * px >= 1.8
    assert overlay.ellipses.get_alpha() >= 0.8  # (dark: a light grey pixel was lost)
    # the circles in a halo of the background (the 1σ circle was lost in the cloud), as the
    # page draws them
    (halo,) = overlay.circles.get_path_effects()
    assert halo._gc["foreground"] == scene.theme.background
    assert halo._gc["linewidth"] > overlay.circles.get_linewidth()
    assert [h.get_linewidth() for h in key.legend_handles] == [
        overlay.circles.get_linewidth(), overlay.ellipses.get_linewidth()]
    assert key.get_window_extent(renderer).y0 >= 0  # on the page


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_the_vae_key_is_no_smaller_than_the_tick_labels(runs, size):
    """The key under the VAE plane ("N(0,1): 1σ, 2σ", "codes' σ") read about 7 px tall at
    640x360, smaller than the tick labels beside it: its type is a tick label's size, in the
    comparison and alone, and it stays whole on the page."""
    comparison = load_comparison(EXAMPLES / "vae-vs-ae.toml")
    alone = runs["vae-vs-ae-vae"]
    for pair, options in (([runs["vae-vs-ae-ae"], alone], comparison.options),
                          ([alone], alone.experiment.render)):
        scene, frames = scene_of(pair, options, size)
        scene.draw_full(frames[-1])
        renderer = scene.figure.canvas.get_renderer()
        vae = next(p for p, _ in scene.panels
                   if isinstance(p, CodePanel) and p.view.run.variational)
        (overlay,) = [o for o in vae.overlays if isinstance(o, VariationalOverlay)]
        (key,) = [a for a in overlay.artists if hasattr(a, "get_texts")]
        ticks = [t for t in vae.ax.get_xticklabels() + vae.ax.get_yticklabels() if t.get_text()]
        assert ticks and key.get_texts()
        tick_pt = max(t.get_fontsize() for t in ticks)
        for text in key.get_texts():
            assert text.get_fontsize() >= tick_pt, (text.get_text(), text.get_fontsize())
        # on the page, whole
        box, page = key.get_window_extent(renderer), scene.figure.bbox
        assert box.x0 >= 0 and box.y0 >= 0 and box.x1 <= page.x1 and box.y1 <= page.y1


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_the_vae_comparisons_planes_take_the_room_of_the_mosaics_y_label(runs, size):
    """Four panels in a row are as wide as the page's quarters less their margins: the mosaic
    beside its own plane leaves the y axis's name to the plane (its ticks stay, it has its own
    limits), and the plane is wider by that room: at 640x360 at least 100 px (it was 85). The
    row stands at the top of its room: the empty band under the header goes below it."""
    from aeviz.renderer.panels.decoder import MosaicPanel

    scene, renderer = vae_comparison_drawn(runs, size)
    planes = [p for p, _ in scene.panels if isinstance(p, CodePanel)]
    mosaics = [p for p, _ in scene.panels if isinstance(p, MosaicPanel)]
    smallest = 100 if size == "640x360" else 200
    for plane in planes:
        box = plane.ax.get_window_extent(renderer)
        assert min(box.width, box.height) >= smallest, box.bounds
        assert plane.ax.get_ylabel() == "code neuron 2"
    for mosaic in mosaics:
        assert mosaic.ax.get_ylabel() == ""
        assert [t.get_text() for t in mosaic.ax.get_yticklabels() if t.get_text()]
    # ...and the mosaics keep their digits: as many and as large as before.
    assert min(m.side for m in mosaics) >= (4 if size == "640x360" else 10)
    # No empty band between the classes' legend and the panels (it was 0.75 in at 640x360):
    # the row stands at the top of its room, only the panels' titles between; lowered only
    # by half the room left under it (centred: at 1280x720 120 px stood empty above the
    # caption, see test_legibility), hardly at 640x360, which has little room left.
    legend = scene.figure.legends[0].get_window_extent(renderer)
    assert scene.lowered_in <= 0.15 if size == "640x360" else scene.lowered_in > 0.3, (
        scene.lowered_in)
    for shown in planes + mosaics:
        gap_in = (legend.y0 - shown.ax.get_window_extent(renderer).y1) / scene.figure.dpi
        assert 0 < gap_in - scene.lowered_in <= 0.5, (gap_in, scene.lowered_in)


# sparse-codes: the axes drawn, and a readout of how many codes sit on them.

def on_an_axis(codes: np.ndarray) -> float:
    """The share of codes that use one code neuron only (the other under 15 % of it)."""
    size = np.abs(np.asarray(codes, float))
    return float((size.min(axis=1) < 0.15 * size.max(axis=1)).mean())


def test_sparse_codes_show_their_silent_neuron(runs):
    run = runs["sparse-codes"]
    scene, frames = scene_of([run], run.experiment.render)
    scene.draw_full(frames[-1])
    assert "code L1 0.004" in header(scene) and "weight decay 0.004" in header(scene)
    plane = panel(scene, CodePanel)
    (overlay,) = [o for o in plane.overlays if isinstance(o, SparsityOverlay)]
    shares = silent_shares(run.codes[-1])
    assert shares[1] >= 0.3  # code neuron 2 is near zero for many samples
    # The last frame, the slide's, shows the codes on the axes as clearly as the middle does
    # (at 300 epochs the clusters had tilted off them again: 45 % on an axis, 50 % at 100).
    assert on_an_axis(run.codes[-1]) >= 0.48
    for share in (0.3, 0.6):
        assert on_an_axis(run.codes[-1]) >= on_an_axis(run.codes[int(share * (len(run) - 1))])
    assert f"{100 * shares[1]:.0f} %" in overlay.text.get_text()
    # Each share says whose it is, at 640x360 too, and the title is whole.
    assert re.search(r"(neuron|code) 1 \d+ %,?\s+(neuron|code) 2 \d+ %", overlay.text.get_text())
    assert not scene.title.get_text().endswith("…")
    # The penalty's curve (right axis) is not drawn in the dashes of PCA's line.
    loss = panel(scene, LossPanel)
    references = {line.get_linestyle() for line in loss.ax.lines if len(line.get_ydata()) == 2
                  and line.get_ydata()[0] == line.get_ydata()[1]}
    assert references and loss.terms is not None
    assert {line.get_linestyle() for line in loss.terms.lines}.isdisjoint(references)
    axes_lines = [line for line in plane.ax.lines
                  if np.allclose(line.get_ydata(), 0) or np.allclose(line.get_xdata(), 0)]
    assert len(axes_lines) == 2


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_the_sparse_readout_is_whole_and_read_from_the_back(runs, size):
    """At 640x360 the readout "near 0: code 1 20 %, code 2 37 %" was in the smallest muted
    text (a lecturer could not read it); larger, it was cut ("code 2…"): it is as large as a
    panel's label, in the foreground color, whole (over the y axis's margin where the title
    gave way), inside the frame."""
    from aeviz.renderer.panels.style import FONT

    run = runs["sparse-codes"]
    options = dataclasses.replace(run.experiment.render, size=size)
    scene, frames = scene_of([run], options)
    scene.draw_full(frames[-1])
    (overlay,) = [o for o in panel(scene, CodePanel).overlays if isinstance(o, SparsityOverlay)]
    text = overlay.text
    shares = silent_shares(run.codes[-1])
    assert text.get_text().endswith(f"code 2 {100 * shares[1]:.0f} %") or \
        text.get_text().endswith(f"neuron 2 {100 * shares[1]:.0f} %")
    assert text.get_fontsize() >= FONT["label"]
    assert mcolors.to_hex(text.get_color()) == mcolors.to_hex(scene.theme.foreground)
    box = text.get_window_extent(scene.canvas.get_renderer())
    assert box.x0 >= 0 and box.x1 <= scene.figure.bbox.width


def test_the_sparse_caption_says_what_the_last_frame_shows(runs):
    """The caption's lesson is true of the last frame (the one a slide, the handout's last
    moment and the page's end show): it said "pulls the codes onto the axes: many samples use
    one code neuron only" while one cluster of four stood on an axis."""
    run = runs["sparse-codes"]
    caption = " ".join(run.experiment.render.caption.split())
    codes = np.asarray(run.codes[-1], float)
    labels = np.asarray(run.labels)
    on_axis = {}
    for label in np.unique(labels):
        size = np.abs(codes[labels == label])
        share = (size[:, 1] < 0.15 * size[:, 0]).mean(), (size[:, 0] < 0.15 * size[:, 1]).mean()
        on_axis[int(label) + 1] = max(range(2), key=lambda n: share[n]) + 1 if max(
            share) >= 0.9 else None
    # The caption names the clusters on an axis, and only those.
    named = {int(c): int(n) for c, n in re.findall(r"cluster (\d) sits on code neuron (\d)'s axis",
                                                     caption, re.IGNORECASE)}
    assert named and named == {c: n for c, n in on_axis.items() if n}, (named, on_axis)
    # "Onto the axes" only where most clusters stand on one.
    if "onto the axes" in caption:
        assert sum(n is not None for n in on_axis.values()) > len(on_axis) / 2, on_axis
    # "code 2 is near zero for over a third of the samples": the readout's share.
    assert "code 2 is near zero for over a third" in caption
    assert silent_shares(codes)[1] > 1 / 3
    # Its cost against the plain run (seed-default) at the same epoch: the plain run's 0.035
    # was its end, at epoch 296, and made the cost look twice what it is.
    cost, plain, epoch = re.search(r"\((0\.\d+) against the plain run's (0\.\d+) at epoch "
                                   r"(\d+)\)", caption).groups()
    assert int(epoch) == run.epoch[-1] and f"{run.loss[-1]:.3f}" == cost
    demo = runs["seed-default"]
    assert f"{demo.loss[list(demo.epoch).index(int(epoch))]:.3f}" == plain


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_the_sparse_penalty_runs_clear_of_pcas_line_which_is_named(runs, size):
    """The penalty's curve (right axis) lies under PCA's dashed line and the RMSE, well
    apart from them (at 640x360 it ran along PCA's line: one line to a student), and PCA's
    line keeps its label, in the plot or as a key under it."""
    run = runs["sparse-codes"]
    scene, frames = scene_of([run], run.experiment.render, size)
    scene.draw_full(frames[-1])
    loss = panel(scene, LossPanel)
    (pca,) = [r.level for r in loss.limits.references if r.style == "--"]
    pca_y = loss.ax.transData.transform((0, pca))[1]
    rmse_y = loss.ax.transData.transform((0, float(np.min(run.loss))))[1]
    curve = loss.terms.twin.transData.transform(
        np.column_stack([scene.views[0].timeline, run.terms[:, 0]]))
    px_per_pt = scene.figure.dpi / 72
    assert curve[:, 1].max() < min(pca_y, rmse_y) - 12 * px_per_pt  # 12 pt under, at least
    texts = [t.get_text() for t in loss.ax.texts]
    assert any(t.startswith("PCA") and t.endswith(f"{pca:.4f}") for t in texts), texts
    # The penalty's axis, drawn and numbered, fits its curve: at 640x360 it ran 0-3 for a
    # curve under 0.45 (room kept for PCA's label under its line, which went elsewhere);
    # where the plot cannot hold two numbers and the name beside them, the penalty's value
    # is a readout instead (test_the_terms_axis_is_numbered_apart_and_named_beside_its_numbers).
    twin, largest = loss.terms.twin, float(np.nanmax(run.terms))
    if loss.terms.readout is None:
        ticks = [t for t in twin.get_yticks() if 0 <= t <= twin.get_ylim()[1]]
        bounds = twin.spines["right"].get_bounds() or twin.get_ylim()
        assert len(ticks) >= 2 and ticks[0] == 0, ticks
        assert largest <= ticks[-1] <= 2.5 * largest and ticks[-2] < largest, ticks
        assert bounds == (0, ticks[-1]), bounds
        # Its numbers in the penalty's color, as its name: a gray "1" level with PCA's line
        # at the plot's right edge was read as PCA's value.
        numbers = [label for label in twin.get_yticklabels() if label.get_text()]
        assert numbers and all(mcolors.same_color(label.get_color(), loss.terms.colors[0])
                               for label in numbers)
        name = twin.yaxis.label
    else:
        name = loss.terms.readout
        assert name.get_text() == f"mean Σ|code| {short_number(float(run.terms[-1, 0]), 3)}"
    assert name.get_text().startswith("mean Σ|code|")
    color = name.get_facecolor() if name is loss.terms.readout else name.get_color()
    assert mcolors.same_color(color, loss.terms.colors[0])
    # PCA's label sits by its line: no curve or line between them (at 640x360 it stood over
    # the RMSE curve, read as its name), or it is a key under the plot.
    renderer = scene.figure.canvas.get_renderer()
    (label,) = [t for t in loss.ax.texts if t.get_text().startswith("PCA")]
    box = label.get_window_extent(renderer)
    plot = loss.ax.get_window_extent(renderer)
    if box.y0 >= plot.y0:
        rmse = loss.ax.transData.transform(
            np.column_stack([scene.views[0].timeline, run.loss]))
        across = rmse[(rmse[:, 0] >= box.x0) & (rmse[:, 0] <= box.x1)]
        low, high = sorted([pca_y, box.y0 if box.y0 > pca_y else box.y1])
        assert not ((across[:, 1] > low) & (across[:, 1] < high)).any()
        assert not ((curve[:, 1] > low) & (curve[:, 1] < high)
                    & (curve[:, 0] >= box.x0) & (curve[:, 0] <= box.x1)).any()


# too-high-learning-rate: "|w| up to" is the frame's largest weight (not the largest so far),
# and nothing gives the ending away.

def test_divergence_reads_out_the_largest_weight_and_hides_the_future(runs):
    run = runs["too-high-learning-rate"]
    assert run.stop_reason == "diverged"
    scene, frames = scene_of([run], run.experiment.render)
    graph = panel(scene, WeightPanel)
    for frame in frames[:len(run)]:
        scene.draw_full(frame)
        snapshot = int(frame.indexes[0])
        largest = max(float(np.abs(w[snapshot]).max()) for w in run.weights)  # this frame's
        assert graph.ax.get_title(loc="left").endswith(f"|w| up to {short_number(largest)}")
    loss = panel(scene, LossPanel)
    assert not [line for line in loss.ax.lines if line.get_alpha() == 0.25]  # no future curve
    scene.draw_full(frames[0])  # nor an axis reaching to the blow-up before it happens
    assert loss.ax.get_ylim()[1] < 10 * float(run.loss[0])
    scene.draw_full(frames[len(run) - 1])
    assert loss.ax.get_ylim()[1] > float(run.loss[-1])
    # The end dot, at the top right, clear of "RMSE 7.683e+27" (top left beside a blow-up).
    renderer = scene.figure.canvas.get_renderer()
    label = loss.values[0].get_window_extent(renderer)
    dot = loss.markers[0].get_window_extent(renderer)
    assert dot.y1 <= label.y0 or dot.x1 <= label.x0 or label.x1 <= dot.x0


def test_the_divergence_handouts_letters_and_last_dot_are_clear_of_the_curve_and_frame(runs):
    """The handout's "d" sat on the rising curve and the last moment's dot on the loss axes'
    top line: each letter now has no point of the curve in its box, and every dot is inside."""
    from aeviz.renderer.panels.placement import curve_points

    run = runs["too-high-learning-rate"]
    handout = default_handout(run)
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    ax = handout.figure.axes[-1]  # the loss panel
    assert ax.get_ylabel() == "RMSE"
    curve = ax.lines[0]
    (dots,) = [line for line in ax.lines if line.get_marker() == "o"]  # one run's, whole
    points = curve_points(ax, [(curve.get_xdata(), curve.get_ydata())])
    to_axes = ax.transAxes.inverted()
    letters = [t for t in ax.texts if t.get_text().strip() in "abcde"]
    assert len(letters) == 5
    for letter in letters:
        (x0, y0), (x1, y1) = to_axes.transform(letter.get_window_extent(renderer))
        inside = (points[:, 0] > x0) & (points[:, 0] < x1) & (points[:, 1] > y0) & \
            (points[:, 1] < y1)
        assert not inside.any(), letter.get_text()
    frame = ax.get_window_extent(renderer)
    radius = dots.get_markersize() / 2 * handout.figure.dpi / 72
    dot_y = ax.transData.transform(np.column_stack([dots.get_xdata(), dots.get_ydata()]))[:, 1]
    assert (dot_y + radius <= frame.y1).all() and dot_y.max() > frame.y1 - 3 * radius
    # A curve that starts on a letter's own dotted line (a steep first drop) moves no letter
    # down onto the curve: linear-vs-pca's letters stay at the top.
    run = runs["linear-vs-pca"]
    handout = default_handout(run)
    ax = handout.figure.axes[-1]
    assert [t.get_position()[1] for t in ax.texts if t.get_text().strip() in "abcd"] == [0.98] * 4


# A caption that states a number states the recorded run's.

def test_the_divergence_caption_states_the_recorded_errors(runs):
    run = runs["too-high-learning-rate"]
    caption = " ".join(run.experiment.render.caption.split())
    loss = np.asarray(run.loss, float)
    assert len(loss) == 13 and run.stop_reason == "diverged"  # 12 steps, the 13th overflows
    assert (f"rises unevenly from {loss[0]:.2g} over nine steps" in caption
            and "recorded after every mini-batch" in caption)
    assert loss[9] > 5 * loss[0]  # it does rise: no "nothing looks wrong"
    # ... unevenly: one step down, at batch 7 (0.87 to 0.39), where "creeps up" was said
    assert list(np.flatnonzero(np.diff(loss[:10]) < 0) + 1) == [7] and loss[7] < loss[6] / 2
    assert loss[10] > 2 * loss[9]  # ... and runs away after the ninth
    assert "nothing looks wrong" not in caption
    # The caption is under every frame from the first: it says what to watch, never how it
    # ends (it said "then to 7.7e27 in three more" at frame 0).
    stated = {float(n) for n in re.findall(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?", caption)}
    assert not stated & {float(f"{v:.2g}") for v in loss[1:]}, stated
    assert "overflow" not in caption and "blows up" not in caption


def test_the_divergence_handout_shows_the_blow_up_by_default(runs):
    """Its default moments were epoch 0 and batches 1, 4 and 12: batches 1 and 4 looked like
    epoch 0 and the blow-up's steps were missing. `aeviz figure` of a run that diverged shows
    its start, its last step before the blow-up (batch 9: the nine steps' rise the caption
    names) and each step of the blow-up (10, 11, 12), each plane's ticks growing."""
    run = runs["too-high-learning-rate"]
    handout = default_handout(run)
    steps = run.meta.steps_per_epoch
    assert [round(p * steps) for p in handout.positions] == [0, 9, 10, 11, 12]
    loss = np.asarray(run.loss, float)
    assert all(loss[i] > 2 * loss[i - 1] for i in (10, 11, 12)) and loss[9] < 2 * loss[8]
    planes = handout.figure.axes[:5]
    reach = [max(np.abs(ax.get_xlim()).max(), np.abs(ax.get_ylim()).max()) for ax in planes]
    assert all(later > earlier for earlier, later in zip(reach[1:], reach[2:])), reach
    assert "batch 9/13" in planes[1].get_title(loc="left")
    # Each plane's recorded RMSE above it: on an axis 28 decades tall the nine steps' rise
    # from 0.18 is flat, the readouts show it (0.1764, 1.0900, 2.7399, 6178, 7.683e+27),
    # inside the page.
    from aeviz.renderer.panels.loss import format_loss

    handout.figure.canvas.draw()
    readouts = [text for ax in planes for text in ax.texts]
    assert [t.get_text().removeprefix("RMSE ") for t in readouts] == [
        format_loss(loss[i]) for i in (0, 9, 10, 11, 12)]
    # named in every plane or, where a name does not fit every one, in the first alone
    named = [t.get_text().startswith("RMSE ") for t in readouts]
    assert named[0] and (all(named) or not any(named[1:])), named
    page = handout.figure.bbox
    for text in readouts:
        box = text.get_window_extent()
        assert page.x0 <= box.x0 and box.x1 <= page.x1, text.get_text()


def test_the_divergence_handout_shows_the_first_steps_rise_on_a_linear_inset(runs):
    """A lecturer: on the handout's log axis, 1 to 1e27, batches 0 to 9 (0.18 to 1.09, with
    batch 7's fall) lay flat, against the caption's "rises unevenly". An inset above them
    draws the same steps on a linear scale, each over its own batch; the log axis's numbers
    beside it are left out (they would read as its scale)."""
    run = runs["too-high-learning-rate"]
    handout = default_handout(run)
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    ax = handout.figure.axes[-1]  # the loss panel
    (inset,) = ax.child_axes
    assert inset.get_yscale() == "linear" and ax.get_yscale() == "log"
    loss = np.asarray(run.loss, float)
    (curve,) = [line for line in inset.lines if len(line.get_ydata()) > 2]
    assert np.array_equal(curve.get_ydata(), loss[:10])  # batches 0 to 9, as recorded
    assert np.array_equal(curve.get_xdata(), run_views([run], run.experiment.render)[0]
                          .timeline[:10])
    # each point over its own batch on the loss panel's x axis
    for x in curve.get_xdata()[[0, -1]]:
        assert abs(inset.transData.transform((x, 0))[0]
                   - ax.transData.transform((x, 1))[0]) < 0.5
    # batch 7's fall is a drop a student sees: a tenth of the inset's height at least
    heights = inset.transData.transform(np.column_stack([curve.get_xdata(), loss[:10]]))[:, 1]
    assert heights[6] - heights[7] > 0.1 * inset.bbox.height
    # its numbers read (two at least, inside it, its curve through none of them: a lecturer
    # read "0.4" outside it, on the log axis's unnamed 1e9 line, as that line's), the log
    # axis's beside it do not
    box = inset.get_window_extent(renderer)
    numbers = [t for t in inset.texts if re.fullmatch(r"[\d.]+", t.get_text())]
    assert len(numbers) >= 2
    drawn = inset.transData.transform(np.column_stack([curve.get_xdata(), loss[:10]]))
    for number in numbers:
        label = number.get_window_extent(renderer)
        assert box.x0 <= label.x0 and label.x1 <= box.x1 and box.y0 <= label.y0 <= box.y1
        assert not ((drawn[:, 0] > label.x0 - 2) & (drawn[:, 0] < label.x1 + 2)
                    & (drawn[:, 1] > label.y0 - 2) & (drawn[:, 1] < label.y1 + 2)).any()
    beside = [t for t in ax.get_yticklabels() if t.get_text()
              and box.y0 <= t.get_window_extent(renderer).y0 <= box.y1]
    assert not beside, [t.get_text() for t in beside]
    # nothing of the log curve under it
    points = ax.transData.transform(np.column_stack([ax.lines[0].get_xdata(),
                                                     ax.lines[0].get_ydata()]))
    assert not ((points[:, 0] > box.x0) & (points[:, 0] < box.x1) & (points[:, 1] > box.y0)
                & (points[:, 1] < box.y1)).any()
    # a run that did not diverge has none
    assert not default_handout(runs["seed-default"]).figure.axes[-1].child_axes


def test_the_divergence_handout_insets_its_calm_steps_on_a_linear_loss_axis_too(runs):
    """A tester: with --no-log-loss the steps before the blow-up lay flat at 0 under 8e27
    with no inset. The inset is there on a linear axis too, and the axis keeps its numbers
    above and below it, its "1e27" multiplier with them (the blanking wraps its formatter)."""
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, figure_positions

    run = runs["too-high-learning-rate"]
    options = dataclasses.replace(run.experiment.render, log_loss=False)
    views = run_views([run], options)
    handout = HandoutFigure(views, options, figure_positions(None, views), TEXT_WIDTH)
    handout.figure.canvas.draw()
    ax = handout.figure.axes[-1]
    assert ax.get_yscale() == "linear" and len(ax.child_axes) == 1
    (inset,) = ax.child_axes
    box = inset.get_window_extent()
    shown = [t for t in ax.get_yticklabels() if t.get_text()]
    heights = [t.get_window_extent().y0 for t in shown]
    assert any(h < box.y0 for h in heights) and any(h > box.y1 for h in heights), [
        t.get_text() for t in shown]
    assert ax.yaxis.get_offset_text().get_text() == "1e27"
    # its name whole over it, on a background the moments' dotted lines pass under; over a
    # linear axis it enlarges them ("on a linear scale" said nothing new there)
    (name,) = [t for t in inset.texts if t.get_text() == "the same steps, enlarged"]
    assert name.get_window_extent().width <= box.width and name.get_bbox_patch() is not None


def test_a_diverged_runs_end_note_stays_in_its_plane_beside_a_longer_run(runs):
    """A tester: beside a run of 300 epochs, the diverged run's planes after its end said
    "epoch 1, batch 12/13 (its end)" in one line wider than the plane, into the next one's.
    Each note within its plane, on lines of whole words."""
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, figure_positions

    pair = [runs["too-high-learning-rate"], runs["seed-default"]]
    options = dataclasses.replace(pair[0].experiment.render, labels=("too high", "default"))
    views = run_views(pair, options)
    handout = HandoutFigure(views, options, figure_positions(None, views), TEXT_WIDTH)
    handout.figure.canvas.draw()
    notes = [(ax, text) for ax in handout.figure.axes for text in ax.texts
             if "(its end)" in text.get_text()]
    assert len(notes) >= 2
    for ax, text in notes:
        plane, box = ax.get_window_extent(), text.get_window_extent()
        assert plane.x0 <= box.x0 and box.x1 <= plane.x1, (text.get_text(), box, plane)
        assert "…" not in text.get_text() and "batch 12/13" in text.get_text()


@given(calm=st.lists(st.floats(1e-3, 50), min_size=3, max_size=12),
       climbs=st.lists(st.floats(2.5, 1e9), max_size=9))
@examples(0.1)
def test_a_diverged_handouts_inset_shows_its_calm_steps_over_their_own(runs, calm, climbs):
    """Any diverged run's handout: where it insets the steps before the blow-up, the inset
    draws those recorded values, over their own steps, above the log curve (none of it under
    the inset), and the log axis names no value beside it; where the blow-up spans more
    than a million times the calm steps' largest error, there is an inset."""
    run = runs["too-high-learning-rate"]
    steps = len(run.loss)
    loss = list(calm)[:steps]
    for climb in climbs:
        loss.append(loss[-1] * climb)
    loss = (loss + [loss[-1] * 3.0 ** (n + 1) for n in range(steps)])[:steps]
    loss = np.array(loss, dtype=run.loss.dtype)
    assume(np.isfinite(loss).all())
    handout = default_handout(dataclasses.replace(run, loss=loss))
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    ax = handout.figure.axes[-1]
    from aeviz.renderer.figure import calm_end

    end = calm_end(loss)
    if not ax.child_axes:
        assert ax.get_yscale() != "log" or end < 2 or loss.max() < 1e6 * loss[:end + 1].max()
        return
    (inset,) = ax.child_axes
    (curve,) = [line for line in inset.lines if len(line.get_ydata()) > 2]
    assert np.array_equal(curve.get_ydata(), loss[:end + 1])
    box = inset.get_window_extent(renderer)
    for x in curve.get_xdata()[[0, -1]]:
        assert abs(inset.transData.transform((x, 1))[0] - ax.transData.transform((x, 1))[0]) \
            < 0.5
    points = ax.transData.transform(np.column_stack([ax.lines[0].get_xdata(),
                                                     ax.lines[0].get_ydata()]))
    assert not ((points[:, 0] > box.x0) & (points[:, 0] < box.x1) & (points[:, 1] > box.y0)
                & (points[:, 1] < box.y1)).any()
    assert not [t for t in ax.get_yticklabels() if t.get_text()
                and box.y0 <= t.get_window_extent(renderer).y0 <= box.y1]
    page = handout.figure.bbox
    for label in [*inset.get_yticklabels(), *inset.texts]:
        if label.get_text():
            drawn = label.get_window_extent(renderer)
            assert page.x0 <= drawn.x0 and drawn.x1 <= page.x1


@pytest.mark.parametrize("kind", [".pdf", ".svg", ".png"])
def test_the_divergence_handout_is_written_in_every_format(runs, tmp_path, kind):
    """Its planes' following ticks measure their labels while a .pdf or .svg is saved, when
    the figure's canvas is that format's (it lends no renderer: a traceback, once)."""
    from aeviz.renderer.figure import draw_figure

    run = runs["too-high-learning-rate"]
    output = tmp_path / f"handout{kind}"
    draw_figure([run], output, run.experiment.render)
    head = output.read_bytes()[:8]
    assert head.startswith({".pdf": b"%PDF", ".svg": b"<?xml", ".png": b"\x89PNG"}[kind])


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_the_divergences_following_ticks_stay_inside_the_plane(runs, size, monkeypatch):
    """A lecturer at 640x360: on the last frame "1.2e14" stood centred on the code plane's
    right edge, half of it past the plane, by the loss panel's "RMSE". Its limits follow the
    codes frame by frame, ending anywhere: at every recorded step, each of the plane's tick
    labels lies within the plane's side (an x label a pixel clear of its ends), two at least
    on each axis, inside the frame and over no other text."""
    from tests.helpers import drawn_texts, overlap

    run = runs["too-high-learning-rate"]
    options = dataclasses.replace(run.experiment.render, size=size)
    scene, frames = scene_of([run], options, size)
    code = panel(scene, CodePanel)
    steps = {}  # one frame per recorded step (the end is held for several)
    for frame in frames:
        steps.setdefault(frame.position, frame)
    assert len(steps) == len(run.loss)
    for frame in steps.values():
        with monkeypatch.context() as patched:
            texts = drawn_texts(scene, frame, patched)
        renderer = scene.canvas.get_renderer()
        plane = code.ax.get_window_extent(renderer)
        for axis, (low, high) in ((code.ax.xaxis, code.ax.get_xlim()),
                                  (code.ax.yaxis, code.ax.get_ylim())):
            labels = [label for tick, label in zip(axis.get_majorticklocs(),
                                                   axis.get_majorticklabels())
                      if low <= tick <= high and label.get_text()]
            assert len(labels) >= 2, (frame.position, [t.get_text() for t in labels])
            for label in labels:
                box = label.get_window_extent(renderer)
                if axis is code.ax.xaxis:
                    assert plane.x0 + 1 <= box.x0 and box.x1 <= plane.x1 - 1, (
                        frame.position, label.get_text(), box, plane)
                else:
                    assert plane.y0 - 0.5 <= box.y0 and box.y1 <= plane.y1 + 0.5, (
                        frame.position, label.get_text(), box, plane)
                assert box.x0 >= 0 and box.x1 <= scene.figure.bbox.width
                for text, _, other in texts:
                    assert other.bounds == box.bounds or not overlap(box, other), (
                        label.get_text(), text)


def test_the_sgd_caption_says_what_its_curve_shows():
    """"Still above PCA's line after 300 epochs" was true by 0.0014, a pixel at 640: what a
    student sees is the curve on the line."""
    from aeviz.renderer.geometry import pca

    run = train(load_experiment(EXAMPLES / "optimizers-sgd.toml"))
    loss, level = np.asarray(run.loss, float), pca(run.x)[0]
    caption = " ".join(run.experiment.render.caption.split())
    assert f"still sits on PCA's line ({loss[-1]:.2g} against {level:.2g})" in caption
    assert 0 < loss[-1] - level < 0.02 * loss.max()  # on the line, as drawn
    assert "above PCA's line" not in caption


def test_the_sigmoid_captions_say_what_its_curve_shows():
    """"Still above PCA's line after 300 epochs" was true (0.0874 against 0.0845) and under
    a pixel at 640: the captions say what a student sees, how long sigmoid takes to come down
    near PCA's line, in the recorded numbers."""
    from aeviz.renderer.geometry import pca

    run = train(load_experiment(EXAMPLES / "activations-sigmoid.toml"))
    loss, level = np.asarray(run.loss, float), pca(run.x)[0]
    near = loss <= 1.15 * level  # near PCA's line: within 15 % of it
    captions = [" ".join(run.experiment.render.caption.split())]
    captions += commented_captions(EXAMPLES / "activations-sigmoid.toml")
    for caption in captions:
        epochs = int(re.search(r"about (\d+) epochs to come down near PCA's line", caption)[1])
        assert near[epochs] and not near[epochs // 2], epochs
        # A claim about the end only where the end shows it: 2 % of the axis is 2 px at 640.
        if "above PCA's line" in caption:
            assert loss[-1] - level >= 0.02 * loss.max()
    assert (f"falls from {loss[0]:.2g} to {loss[epochs]:.2g} by epoch {epochs}, then only to "
            f"{loss[-1]:.2g} (PCA's {level:.2g})") in captions[0]


def test_the_divergence_header_says_what_its_last_frame_shows(runs):
    """The last frame shows the last finite snapshot, its RMSE a number: the header says the
    run diverged in that epoch and that this is its last finite state, never that the loss
    shown is not finite."""
    run = runs["too-high-learning-rate"]
    scene, frames = scene_of([run], run.experiment.render)
    scene.draw_full(frames[-1])
    assert np.isfinite(run.loss[-1]) and int(run.epoch[-1]) == run.meta.diverged_at == 1
    assert scene.status.get_text() == "diverged in epoch 1: last finite state shown"
    assert "not finite" not in scene.status.get_text()


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_the_divergence_loss_axis_does_not_give_its_end_away(runs, share):
    """The run diverges in epoch 1 (its last snapshot at 0.923 epochs): the loss axis spans
    0 to 1 from the first frame (it spanned 0 to 0.92, telling when the run would stop), and
    the description (which the page reads) says the same."""
    run = runs["too-high-learning-rate"]
    scene, frames = scene_of([run], run.experiment.render)
    scene.draw_full(frames[round(share * (len(frames) - 1))])
    last = float(run.step[-1] / run.meta.steps_per_epoch)
    assert 0.5 < last < 1
    assert panel(scene, LossPanel).ax.get_xlim() == pytest.approx((0.0, 1.0))
    assert scene.description.panel("loss").loss.x == pytest.approx((0.0, 1.0))


def test_a_still_of_the_divergence_refuses_an_epoch_in_the_headers_words(runs, tmp_path):
    """Its frames name the last snapshot "epoch 1, batch 12/13" and draw it at 0.923 epochs
    completed: --epoch 1.92 (the header's epoch and batch read as a number) is refused with
    both names of that snapshot, and 0.92 shows it."""
    from aeviz.errors import AevizError
    from aeviz.renderer import render

    run = runs["too-high-learning-rate"]
    options = dataclasses.replace(run.experiment.render, size="320x180")
    with pytest.raises(AevizError) as refused:
        render([run], tmp_path / "a.png", options, epoch=1.92)
    assert str(refused.value) == (
        "epoch: 1.92 is outside the run (epochs 0 to 0.923; counted in epochs completed, as "
        "on the loss panel's axis: epoch 1, batch 12/13 is 0.923)")
    frames = render([run], tmp_path / "a.png", options, epoch=0.92)
    assert run.moment(int(frames[0].indexes[0])) == "epoch 1, batch 12/13"
    # A handout's --at is refused alike (it said "epochs 0 to 0.923077", no more).
    from aeviz.renderer.figure import draw_figure

    with pytest.raises(AevizError) as refused:
        draw_figure([run], tmp_path / "a.pdf", options, at="0,1")
    assert str(refused.value) == (
        "at: epoch 1 is outside the run (epochs 0 to 0.923; counted in epochs completed, "
        "as on the loss panel's axis: epoch 1, batch 12/13 is 0.923)")
    assert not (tmp_path / "a.pdf").exists()


def test_the_digits_caption_says_when_the_error_drops_below_pcas():
    from aeviz.renderer.geometry import pca

    exp = load_experiment(EXAMPLES / "digits.toml")
    caption = " ".join(exp.render.caption.split())
    stated = int(re.search(r"below PCA's at epoch (\d+)", caption)[1])
    run = train(load_experiment(EXAMPLES / "digits.toml", {"train.epochs": stated}))
    level = pca(run.x)[0]
    below = [int(e) for e, value in zip(run.epoch, run.loss) if value < level]
    assert below and below[0] == stated  # the first recorded epoch below PCA's line


def test_no_caption_promises_a_panel_the_handout_leaves_out():
    """The digits caption said "the reconstructions go from one gray blur to digits", under
    a handout that draws no reconstructions: a caption (shown in clip, handout and page) says
    only what every output shows."""
    from aeviz.renderer.figure import UNDRAWN

    # the panels' pictures (not "weight decay", nor "reconstruction error", which the loss
    # panel shows)
    words = {"recon": "the reconstructions", "weights": "the weights"}
    assert set(UNDRAWN) <= set(words)
    checked = 0
    for path in sorted(EXAMPLES.glob("*.toml")):
        if "[compare]" in path.read_text():
            continue
        render = load_experiment(path).render
        caption = " ".join((render.caption or "").lower().split())
        for name in UNDRAWN:
            assert words[name] not in caption, (path.name, name)
        checked += bool(caption)
    assert checked >= 10


def test_the_iris_caption_says_setosa_is_apart_before_training():
    exp = load_experiment(EXAMPLES / "iris.toml")
    assert "apart from epoch 0" in " ".join(exp.render.caption.split())
    run = train(load_experiment(EXAMPLES / "iris.toml", {"train.epochs": 1}))
    codes, setosa = run.codes[0].astype(float), run.labels == 0
    assert run.label_names[0] == "setosa"
    direction = codes[~setosa].mean(axis=0) - codes[setosa].mean(axis=0)
    along = codes @ direction
    assert along[setosa].max() < along[~setosa].min()  # a line parts them, untrained


def test_the_iris_caption_states_its_end_against_pcas_line():
    """A lecturer: "PCA's line is hard to beat" read as if the autoencoder beat it; it ends
    just above it. The caption's two numbers are the run's last error and PCA's."""
    from aeviz.renderer.geometry import pca

    run = train(load_experiment(EXAMPLES / "iris.toml"))
    caption = " ".join(run.experiment.render.caption.split())
    ends, level = re.search(r"PCA.s line \((\d\.\d+) against (\d\.\d+)\)", caption).groups()
    assert f"{run.loss[-1]:.3f}" == ends and f"{pca(run.x)[0]:.3f}" == level
    assert run.loss[-1] > pca(run.x)[0]


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_pcas_line_is_drawn_over_a_curve_that_settles_on_it(size):
    """A lecturer: iris's curve lies on PCA's error from epoch 10 on and hid its dashed line
    (a key named a line no one could find). The line is drawn over the curves, in a halo of
    the background, in a blitted clip's frame as in a full drawing: along the curve's stretch
    on the line, the line's row shows the line's dashes and their halo, not the curve."""
    import matplotlib.colors as mcolors

    from aeviz.renderer.geometry import pca
    from aeviz.renderer.panels.loss import LossPanel

    run = train(load_experiment(EXAMPLES / "iris.toml"))
    scene, frames = scene_of([run], run.experiment.render, size)
    pixels = np.asarray(scene.draw(frames[-1]))[..., :3].astype(int)  # blitted
    loss = panel(scene, LossPanel)
    level = pca(run.x)[0]
    height = pixels.shape[0]
    late = run.epoch >= 50  # the curve within a pixel of the line there
    x0, y = loss.ax.transData.transform((run.epoch[late][0], level))
    x1, _ = loss.ax.transData.transform((run.epoch[late][-1], level))
    row = height - 1 - int(round(y))
    rows = pixels[row - 2:row + 3, int(x0) + 2:int(x1) - 8]  # (the line's rows, give or take)

    # (of each row's pixels: the line's dark grey, antialiased at its edges, and the curve's)
    line = ((np.ptp(rows, axis=2) < 30) & (rows.mean(axis=2) < 170)).mean(axis=1)
    accent = np.array(mcolors.to_rgb(scene.theme.accent)) * 255
    curve = (np.abs(rows - accent).sum(axis=2) < 60).mean(axis=1)
    best = int(np.argmax(line))
    assert line[best] > 0.5 and curve[best] < 0.4, (line, curve)  # its dashes over the curve


# A handout's moment lines (b, c) cross no reference line's label.

def test_no_handout_moment_line_crosses_a_reference_label(runs):
    run = runs["seed-default"]
    handout = default_handout(run)
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    (loss,) = [ax for ax in handout.figure.axes if ax.get_xlabel() == "epoch"]
    labels = [t for t in loss.texts if t.get_text().startswith(("PCA", "stop"))]
    assert len(labels) == 2
    moments = [line for line in loss.lines if line.get_linestyle() == ":"
               and len(set(np.asarray(line.get_xdata(), float))) == 1]
    assert len(moments) == len(handout.positions)
    for label in labels:
        box = label.get_window_extent(renderer)
        for line in moments:
            x = loss.transData.transform((float(line.get_xdata()[0]), 0))[0]
            assert not box.x0 - 1 < x < box.x1 + 1, (label.get_text(), line.get_xdata())


def test_the_linear_vs_pca_handout_names_its_rings(runs):
    """The handout's planes draw PCA's projection as rings, as the clip does: its key names
    them (it named only the clusters, so a ring read as a class)."""
    run = runs["linear-vs-pca"]
    assert run.experiment.render.pca_ghost
    handout = default_handout(run)
    (key,) = handout.figure.legends
    names = [t.get_text() for t in key.get_texts()]
    # the classes first, then the rings, as the clip's key has them
    assert names == [f"cluster {n}" for n in range(1, 5)] + ["PCA"]
    ring = key.legend_handles[4]
    assert ring.get_markerfacecolor() == "none" and ring.get_marker() == "o"
    planes = [ax for ax in handout.figure.axes if ax.get_title(loc="left").startswith("(")]
    assert planes and all(any(mark.get_label() == "PCA"
                              for mark in [*ax.lines, *ax.collections]) for ax in planes)


@pytest.mark.parametrize("size", ["640x360", "1280x720", "handout"])
def test_the_linear_vs_pca_rings_never_pile_up_into_a_disk(runs, size):
    """On the tight cluster 4 the rings of PCA's projection piled up into a solid dark-gray
    disk in the handout (and milder in the clip), which the key's one hollow ring does not
    name: a fifth class. Drawn alone at epoch 0, no pixel of the rings is darker than a
    few rings' worth (a solid ring of the muted gray is; the old rings reached all of it),
    while a lone ring stays as dark as before."""
    run = runs["linear-vs-pca"]
    if size == "handout":
        handout = default_handout(run)
        figure = handout.figure
        axes = [ax for ax in figure.axes if ax.get_title(loc="left").startswith("(a)")]
    else:
        scene, frames = scene_of([run], run.experiment.render, size)
        scene.update(frames[0])
        figure = scene.figure
        axes = [panel(scene, CodePanel).ax]
    (ax,) = axes
    for artist in ax.get_children():  # the rings alone: no points, grid, spines or text
        is_ghost = getattr(artist, "get_label", lambda: "")() == "PCA"
        artist.set_visible(is_ghost or artist is ax.patch)
    for other in figure.axes:
        if other is not ax:
            other.set_visible(False)
    for text in figure.texts + list(figure.legends):
        text.set_visible(False)
    (rings,) = [mark for mark in [*ax.lines, *ax.collections] if mark.get_label() == "PCA"]
    rings.set_animated(False)
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3].astype(float) / 255
    box = ax.get_window_extent()
    height = pixels.shape[0]
    inside = pixels[int(height - box.y1) + 2:int(height - box.y0) - 2,
                    int(box.x0) + 2:int(box.x1) - 2]
    background = np.asarray(mcolors.to_rgb(THEMES["light"].background))
    muted = np.asarray(mcolors.to_rgb(THEMES["light"].muted))
    darkness = np.abs(inside - background).sum(axis=-1) / np.abs(muted - background).sum()
    assert darkness.max() <= 0.75, darkness.max()  # never a solid disk
    from aeviz.renderer.panels.code import GHOST_ALPHA

    assert rings.get_offsets().shape[0] == len(run.x)
    # a lone ring (far from the others) keeps its full opacity
    assert np.isclose(rings.get_edgecolor()[:, 3].max(), GHOST_ALPHA)


def test_the_divergence_handout_counts_its_x_axis_in_the_batches_its_titles_name(runs):
    run = runs["too-high-learning-rate"]
    handout = default_handout(run)
    (loss,) = [ax for ax in handout.figure.axes if ax.get_ylabel().startswith("RMSE")]
    assert loss.get_xlabel() == "batch of epoch 1 (of 13)"
    titles = " ".join(ax.get_title(loc="left") for ax in handout.figure.axes)
    for tick, label in zip(loss.get_xticks(), loss.get_xticklabels()):
        assert label.get_text() == f"{round(tick * 13)}"  # tick k is "batch k/13"
    assert "batch 9/13" in titles and "9" in [t.get_text() for t in loss.get_xticklabels()]


def test_a_comparisons_code_planes_at_640_are_planes_not_tall_strips():
    names = ("activations-identity", "activations-sigmoid", "activations-tanh")
    runs = [train(load_experiment(EXAMPLES / f"{name}.toml")) for name in names]
    scene, frames = scene_of(runs, runs[0].experiment.render)
    scene.draw_full(frames[-1])
    codes = np.concatenate([run.codes.reshape(-1, 2) for run in runs]).astype(float)
    reach = codes.max(axis=0) - codes.min(axis=0)
    for plane in [p for p, _ in scene.panels if isinstance(p, CodePanel)]:
        (x0, x1), (y0, y1) = plane.ax.get_xlim(), plane.ax.get_ylim()
        assert y1 - y0 < 4 * max(reach)  # was 6 times: y from -5 to 5 for codes within 1.5
        assert x1 - x0 < 4 * max(reach)


# Words that state a setting never outlive it: an override of what is trained drops the
# file's title and caption; a comparison never shows its first run's caption for all.

def test_an_override_of_what_is_trained_drops_the_files_title_and_caption():
    as_written = load_experiment(EXAMPLES / "denoising.toml")
    assert "std 0.3" in as_written.render.caption and "noisy" in as_written.title.lower()
    plain = load_experiment(EXAMPLES / "denoising.toml", {"train.noise": 0})
    assert plain.train.noise == 0
    assert plain.render.caption is None and "noisy" not in plain.title.lower()
    redrawn = load_experiment(EXAMPLES / "denoising.toml", {"render.fps": 10})  # not trained
    assert (redrawn.title, redrawn.render.caption) == (as_written.title,
                                                       as_written.render.caption)
    named = load_experiment(EXAMPLES / "denoising.toml",
                            {"train.noise": 0, "title": "Plain", "render.caption": "No noise."})
    assert (named.title, named.render.caption) == ("Plain", "No noise.")


def test_a_comparison_shows_its_own_caption_or_none(runs):
    from aeviz import api

    ae, vae = runs["vae-vs-ae-ae"], runs["vae-vs-ae-vae"]
    assert ae.experiment.render.caption != vae.experiment.render.caption
    assert api.options_of([ae, vae], {}).caption is None
    assert api.options_of([ae, vae], {"caption": "Two codes."}).caption == "Two codes."
    assert api.options_of([ae, ae], {}).caption == ae.experiment.render.caption
    assert api.options_of([vae], {}).caption == vae.experiment.render.caption


# No readout that was not recorded: log pace blends epochs between frames, but the counter,
# the loss value and the loss curve show recorded snapshots only.

@pytest.mark.parametrize("name", ["seed-default", "linear-vs-pca", "decoder-manifold"])
def test_no_frame_shows_a_number_that_was_not_recorded(runs, name):
    run = runs[name]
    scene, frames = scene_of([run], run.experiment.render)
    moments = {run.moment(i) for i in range(len(run))}
    view = scene.views[0]
    loss = panel(scene, LossPanel) if "loss" in run.experiment.render.panels else None
    blended = 0
    for frame in frames[:60:3]:
        scene.update(frame)
        blended += frame.indexes[0] % 1 > 0
        assert scene.counter.get_text() in moments
        if loss is None:
            continue
        snapshot = int(np.floor(frame.indexes[0]))
        assert loss.values[0].get_text() == f"RMSE {run.loss[snapshot]:.4f}"
        y = loss.lines[0].get_ydata()
        assert set(np.asarray(y, float)) <= set(np.asarray(run.loss, float))
        assert loss.markers[0].get_xdata()[0] == view.timeline[snapshot]
    assert blended  # these frames do move the points between snapshots


# Run colors: a family no one takes for a class.

def _hue_gaps(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Degrees between the hue angles of CIELAB colors `a` and `b`, [a, b]."""
    hue = lambda lab: np.degrees(np.arctan2(lab[:, 2], lab[:, 1]))  # noqa: E731
    return np.abs((hue(a)[:, None] - hue(b)[None] + 180) % 360 - 180)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_run_colors_are_far_from_every_class_color_and_each_other(theme):
    palette, room = THEMES[theme], COLOR_ROOM[theme]
    runs_lab = lab(palette.runs)
    drawn = palette.clusters + faded(palette.clusters, palette.background, 0.45) \
        + faded(palette.clusters, palette.background, 0.85)  # the alphas points are drawn at
    classes_lab = lab(drawn)
    assert np.linalg.norm(runs_lab[:, None] - classes_lab[None], axis=2).min() >= room["classes"]
    assert min(np.linalg.norm(a - b) for a, b in combinations(runs_lab, 2)) >= room["runs"]
    # A run's name is drawn in its color beside text in the theme's: never near that color.
    assert np.linalg.norm(runs_lab - lab((palette.foreground,)), axis=1).min() >= room["classes"]
    # Neither near-black nor washed out: a run reads as its color (the near-black Momentum and
    # RMSProp read alike).
    low, high = room["lightness"]
    assert np.all((runs_lab[:, 0] >= low) & (runs_lab[:, 0] <= high)), np.round(runs_lab[:, 0])
    assert np.hypot(runs_lab[:, 1], runs_lab[:, 2]).min() >= room["chroma"]
    # Out of every class's hue family (the blue run that read as the class blue), unless far
    # from every class as drawn; and far in hue from the class green whatever the distance (the
    # teal and leaf-green runs read as the class green on a washed-out projector).
    classes = lab(palette.clusters)
    colored = classes[np.hypot(classes[:, 1], classes[:, 2]) > 15]
    far = np.linalg.norm(runs_lab[:, None] - classes_lab[None], axis=2).min(axis=1) \
        >= room["far"]
    assert np.all(far | (_hue_gaps(runs_lab, colored).min(axis=1) >= room["class hue"]))
    greens = green_classes(classes)
    assert len(greens) == 1  # the class green #009E73
    from_green = np.abs((hue_angles(runs_lab)[:, None] - greens[None] + 180) % 360 - 180)
    assert from_green.min() >= room["green hue"], np.round(from_green)
    # No two runs of one hue family unless far apart in lightness too.
    hues, lightness = _hue_gaps(runs_lab, runs_lab), np.abs(
        runs_lab[:, 0][:, None] - runs_lab[:, 0][None])
    apart = (hues >= room["run hue"]) | ((hues >= 25) & (lightness >= 20))
    assert apart[np.triu_indices(len(runs_lab), 1)].all(), np.round(hues)


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_the_example_comparisons_runs_are_hues_apart(theme):
    """The near hues (wine beside red, far apart in lightness) only for a fourth run: the
    examples' comparisons of two or three, by their runs' names, get hues 40 degrees apart
    (SGD and RMSProp were near-black twins); the four optimizers: the wine and the red 25
    degrees of hue and 20 of lightness apart."""
    from aeviz.renderer.theme import run_colors

    # The files' comparisons, and the labels the commands in the examples' comments get (the
    # setting that differs, or the activation).
    comparisons = [list(load_comparison(path).compare.labels) for path in COMPARISONS]
    for labels in comparisons + [["identity", "sigmoid", "tanh"], ["noise 0", "noise 0.3"]]:
        colors = lab(tuple(run_colors(THEMES[theme], labels)))
        pairs = np.triu_indices(len(labels), 1)
        gaps = _hue_gaps(colors, colors)[pairs]
        lighter = np.abs(colors[:, 0][:, None] - colors[:, 0][None])[pairs]
        if len(labels) <= 3:
            assert gaps.min() >= 40, labels
        else:
            assert np.all((gaps >= 40) | ((gaps >= 25) & (lighter >= 20))), labels
    np.testing.assert_allclose(lab(("#FFFFFF", "#FF0000")), [[100, 0, 0], [53.24, 80.09, 67.20]],
                               atol=0.05)  # known values: the conversion is right


def test_comparison_subtitles_are_words():
    runs = [train(load_experiment(EXAMPLES / f"optimizers-{name}.toml", {"train.epochs": 1}))
            for name in ("sgd", "momentum", "rmsprop", "adam")]
    forms = comparison_detail_forms(runs)
    # (not "dampening": Momentum alone reads it; the others' betas and eps are their own too)
    assert forms[0] == "optimizer and learning rate differ"
    assert all("_" not in form and "…" not in form for form in forms)
    # At 640x360 too, after the classes' row (beside the title only "2 settings differ"
    # fitted: a lecturer could not tell which two), clear of the key, inside the frame.
    options = load_comparison(EXAMPLES / "optimizers.toml").render
    scene, _ = scene_of(runs, options, "640x360")
    renderer = scene.canvas.get_renderer()
    details = scene.details.get_window_extent(renderer)
    key = scene.figure.legends[0].get_window_extent(renderer)
    assert scene.details.get_text() == forms[0]
    assert details.x0 >= key.x1 and details.x1 <= scene.figure.bbox.width
    assert key.y0 <= (details.y0 + details.y1) / 2 <= key.y1  # on the key's row


# What the examples' comments and README say about the tool, against what it does.

def test_option_lists_in_example_comments_name_every_option():
    from aeviz.settings import ACTIVATION_NAMES, OPTIMIZER_NAMES

    for path in FILES:
        for line in path.read_text().splitlines():
            listed = re.findall(r'"(\w+)" \|', line)
            if not listed:
                continue
            names = set(re.findall(r'"(\w+)"', line.split("#", 1)[1]))
            if line.startswith("optimizer"):
                assert names == set(OPTIMIZER_NAMES), (path.name, line)
            if line.startswith("activation"):
                assert names == set(ACTIVATION_NAMES), (path.name, line)


def test_the_readme_divergence_numbers_are_the_runs(runs):
    """README's "the largest code goes 2.1, 3.9, 800, 1.4e14 and the largest weight 1.5, 3.1,
    22, 8.5e7": the recorded batches 9 to 12 of examples/too-high-learning-rate.toml."""
    run = runs["too-high-learning-rate"]
    readme = " ".join((EXAMPLES.parent / "README.md").read_text().split())
    codes = [float(np.abs(run.codes[i]).max()) for i in range(9, 13)]
    weights = [max(float(np.abs(w[i]).max()) for w in run.weights) for i in range(9, 13)]

    def spelled(values):  # two significant digits, as the README writes them: 800, 8.5e7
        return ", ".join(f"{float(f'{v:.2g}'):g}".replace("e+0", "e").replace("e+", "e")
                         for v in values)

    assert f"the largest code goes {spelled(codes)}" in readme
    assert f"the largest weight {spelled(weights)}" in readme


@pytest.mark.parametrize("size", ["640x360", "640x400", "1280x720"])
def test_the_vae_runs_own_clip_keys_its_circles_off_its_codes_and_titles_its_mosaic_whole(
        runs, size):
    """The single VAE run: its key ("N(0,1) 1σ 2σ", the codes' σ) stands outside the plane (at
    640x360 it was drawn inside, over the top half of the codes and of the 2σ circle), and
    the decoder panel's title is whole (it was cut to "decoder over the cod…")."""
    from aeviz.renderer.panels.decoder import MosaicPanel

    run = runs["vae-vs-ae-vae"]
    scene, frames = scene_of([run], run.experiment.render, size)
    scene.draw_full(frames[-1])
    renderer = scene.figure.canvas.get_renderer()
    vae = panel(scene, CodePanel)
    (overlay,) = [o for o in vae.overlays if isinstance(o, VariationalOverlay)]
    (key,) = [a for a in overlay.artists if hasattr(a, "get_texts")]
    texts = [t.get_text() for t in key.get_texts()]
    assert len(texts) == 2 and texts[0].startswith("N(0,1)") and "σ" in texts[1]
    plane, box = vae.ax.get_window_extent(renderer), key.get_window_extent(renderer)
    assert box.y0 >= plane.y1 - 1 or box.y1 <= plane.y0 + 1 or box.x0 >= plane.x1 - 1, (
        box.bounds, plane.bounds)
    assert box.x0 >= 0 and box.x1 <= scene.figure.bbox.width  # whole on the frame
    mosaic = panel(scene, MosaicPanel)
    title = mosaic.ax.title if mosaic.ax.get_title() else mosaic.ax._left_title
    assert "…" not in title.get_text() and title.get_text().startswith("decoder")
    assert title.get_window_extent(renderer).x1 <= scene.figure.bbox.width + 1


@pytest.mark.parametrize("name", ["vae-vs-ae-vae", "vae-vs-ae-ae"])
def test_a_single_runs_code_plane_beside_its_decoder_is_large_at_640(runs, name):
    """The single VAE and plain-AE clips at 640x360: the classes' key, the grid points' and
    the circles' under the plane took the column's lower half, and the plane was 112 x 90 px
    (VAE) and 150 x 114 (plain AE): the dashed N(0, 1) circles and the σ ellipses, the
    lesson, hard to read on a projector. The key is a strip under the plane and its decoder
    (the classes in one row, the marks and the VAE's key in a second): the plane is at least
    140 px tall, the VAE's the frame's largest panel, and every key under it, whole."""
    from matplotlib.legend import Legend

    run = runs[name]
    scene, frames = scene_of([run], run.experiment.render)
    scene.draw_full(frames[-1])
    renderer = scene.figure.canvas.get_renderer()
    plane = panel(scene, CodePanel)
    box = plane.ax.get_window_extent(renderer)
    assert box.height >= 140 and box.width >= 140, box.bounds  # was 90 (VAE), 114 (AE)
    areas = {type(p).__name__: p.ax.get_window_extent(renderer) for p, _ in scene.panels}
    if run.variational:
        assert all(box.width * box.height >= other.width * other.height
                   for other in areas.values()), {k: b.bounds for k, b in areas.items()}
    keys = [key for key in scene.figure.findobj(Legend) if key.axes is plane.ax]
    texts = {t.get_text() for key in keys for t in key.get_texts()}
    assert {"digit", "0", "9", MARK_NAMES["grid"][0]} <= texts, texts
    if run.variational:
        assert "N(0,1): 1σ, 2σ" in texts and "codes' σ" in texts
    label = plane.ax.xaxis.label.get_window_extent(renderer)
    caption_top = max(line.get_window_extent(renderer).y1 for line in scene.caption_lines)
    for key in keys:
        drawn = key.get_window_extent(renderer)
        assert drawn.y1 <= label.y0 + 1 and drawn.y0 >= caption_top - 1, (
            [t.get_text() for t in key.get_texts()], drawn.bounds, label.bounds)
        assert drawn.x0 >= 0 and drawn.x1 <= scene.figure.bbox.width


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_the_vae_comparisons_planes_and_mosaics_fill_their_slots_with_readable_digits(
        runs, size):
    """Each decoded digit of the comparison's mosaics is 20 px or more (at 640x360 there were
    6 x 6 digits of 12 px, then 5 x 5 of 16 px, hard to read on a projector), and the planes
    and mosaics take their slots, not margins sized for the widest tick label anywhere (0.9 in
    of a 2 in slot: 68 px planes, 72 px mosaics at 640x360)."""
    from aeviz.renderer.panels.decoder import MosaicPanel

    scene, renderer = vae_comparison_drawn(runs, size)
    mosaics = [p for p, _ in scene.panels if isinstance(p, MosaicPanel)]
    planes = [p for p, _ in scene.panels if isinstance(p, CodePanel)]
    assert len(mosaics) == len(planes) == 2
    for mosaic in mosaics:
        box = mosaic.ax.get_window_extent(renderer)
        digit = min(box.width, box.height) * 8 / (mosaic.side * 9 - 1)  # a pixel's gap each
        assert digit >= 20, (box.bounds, mosaic.side)
    quarter = scene.figure.bbox.width / 4
    for shown in mosaics + planes:
        assert shown.ax.get_window_extent(renderer).width >= 0.48 * quarter
    texts = [t for p in mosaics + planes for t in p.ax.get_yticklabels() + [p.ax.yaxis.label]
             if t.get_text()]
    for p in mosaics + planes:  # the labels left of a panel stay clear of the one before it
        left = p.ax.yaxis.get_tightbbox(renderer).x0
        others = [q.ax.get_window_extent(renderer).x1 for q in mosaics + planes
                  if q.ax.get_window_extent(renderer).x1 < p.ax.get_window_extent(renderer).x0]
        assert left >= 0 and all(left > x1 for x1 in others), (left, others)
    assert texts


def test_the_vae_handout_keys_its_circles_and_ellipses_and_fits_a_page(runs):
    """The README's vae-vs-ae handout (code and decoder rows, at 0, 5 and the end): its key
    names the dashed N(0, 1) circles and the codes' σ ellipses as the clip's does (it named
    the digits only), and it fits a page's text block (it was 6.3 x 10.9 in)."""
    from aeviz.renderer.figure import MOST_HEIGHT, TEXT_WIDTH, HandoutFigure, parse_at, positions_of
    from aeviz.renderer.panels.variational import KEY_TEXTS

    comparison = load_comparison(EXAMPLES / "vae-vs-ae.toml")
    pair = [runs["vae-vs-ae-ae"], runs["vae-vs-ae-vae"]]
    options = dataclasses.replace(comparison.options, panels=("code", "decoder"))
    views = run_views(pair, options)
    positions = positions_of(parse_at("0,5,last"), views)
    handout = HandoutFigure(views, options, positions, TEXT_WIDTH)
    width, height = handout.figure.get_size_inches()
    # (fitted to MOST_HEIGHT in floats: within a billionth of an inch of it)
    assert width <= TEXT_WIDTH and height <= MOST_HEIGHT + 1e-9 and MOST_HEIGHT <= 9.0, (
        width, height)
    (key,) = handout.figure.legends
    names, handles = zip(*read_key(key))
    first = names.index(KEY_TEXTS[0])  # after the digits, as in the clip's key
    assert list(names[first:first + 2]) == list(KEY_TEXTS)
    assert [name for name in names if name.isdigit()] == list("0123456789")
    circles, ellipses = handles[first:first + 2]
    assert circles.get_linestyle() == "--" and ellipses.get_linestyle() == "-"
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    box = key.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= handout.figure.bbox.width


def _vae_panels_drawn(runs, size: str) -> tuple[list, list]:
    """The vae-vs-ae comparison drawn at `size`: its code planes' and mosaics' boxes (pixels,
    in drawing order: the plain AE's plane and mosaic, then the VAE's) and the mosaics."""
    from aeviz.renderer.panels.decoder import MosaicPanel

    scene, renderer = vae_comparison_drawn(runs, size)
    shown = [p for p, _ in scene.panels if isinstance(p, (CodePanel, MosaicPanel))]
    return ([p.ax.get_window_extent(renderer) for p in shown],
            [p for p in shown if isinstance(p, MosaicPanel)])


@pytest.mark.parametrize(("size", "plane", "mosaic", "rows"),
                         [("640x360", 100, 90, 1), ("1280x720", 240, 230, 1),
                          ("1024x768", 190, 190, 2)])  # its caption whole: 3 lines
def test_the_vae_comparison_takes_the_arrangement_with_the_largest_panels(
        runs, monkeypatch, size, plane, mosaic, rows):
    """Four in a row or each run a row of its plane and mosaic, whichever leaves the larger
    panels: on a 16:9 frame four in a row (two rows gave 193 px mosaics at 1280x720 against
    235), on a 4:3 one two rows; the panels as large as measured at each size, each mosaic's
    digits 20 px or more (16 px at 640x360 were hard to read on a projector)."""
    from aeviz.renderer import layout

    boxes, mosaics = _vae_panels_drawn(runs, size)
    tops = {round(b.y1, -1) for b in boxes[::2]}  # the planes' rows (each at its row's top)
    assert len(tops) == rows, [b.bounds for b in boxes]
    for box, each in zip(boxes[1::2], boxes[::2]):  # a mosaic right of its own plane
        assert box.x0 > each.x1 and box.y0 < each.y1 and each.y0 < box.y1
    planes = [min(b.width, b.height) for b in boxes[::2]]
    shown = [min(b.width, b.height) for b in boxes[1::2]]
    assert min(planes) >= plane and min(shown) >= mosaic, (planes, shown)
    for drawn, side in zip(shown, [m.side for m in mosaics]):
        assert drawn * 8 / (side * 9 - 1) >= 20, (drawn, side)  # a pixel's gap between each
    # The other arrangement (a layout whose margins make it win) gives smaller mosaics.
    other = (6.0, 0.0) if rows == 1 else (0.0, 6.0)  # two rows / one row win
    monkeypatch.setattr(layout, "PANEL_MARGINS_IN", other)
    boxes_other, _ = _vae_panels_drawn(runs, size)
    assert len({round(b.y1, -1) for b in boxes_other[::2]}) != rows
    assert max(min(b.width, b.height) for b in boxes_other[1::2]) < min(shown)


def test_the_vae_handouts_mosaics_follow_the_clips_rule_and_its_planes_mark_them(runs):
    """The handout's mosaics count their images by the clip's rule in the PNG's pixels (they
    were 15 x 15 always, 16 px digits at the default width, while the planes above them
    marked the clip's 10 x 10 grid): the planes' grid points are the mosaic's images."""
    from aeviz.renderer.figure import PNG_DPI, TEXT_WIDTH, HandoutFigure, parse_at, positions_of

    comparison = load_comparison(EXAMPLES / "vae-vs-ae.toml")
    pair = [runs["vae-vs-ae-ae"], runs["vae-vs-ae-vae"]]
    views = run_views(pair, comparison.options)
    positions = positions_of(parse_at("0,5,last"), views)
    for width in (TEXT_WIDTH, 3.5):
        handout = HandoutFigure(views, comparison.options, positions, width)
        handout.figure.canvas.draw()
        renderer = handout.figure.canvas.get_renderer()
        scale = PNG_DPI / handout.figure.dpi  # the PNG's pixels per figure pixel
        images = [im for ax in handout.figure.axes for im in ax.get_images()]
        assert len(images) == 6  # two runs at three moments
        for image in images:
            side = (image.get_array().shape[0] + 1) // 9
            box = image.axes.get_window_extent(renderer)
            assert 3 <= side <= 15
            digit = min(box.width, box.height) * scale * 8 / (side * 9 - 1)
            assert 20 <= digit < 20 * (side + 1) / side + 1, (width, side, digit)
        marks = [len(line.get_xdata()) for ax in handout.figure.axes if not ax.get_images()
                 for line in ax.get_lines() if line.get_marker() == "+"]
        assert len(marks) == 6 and set(marks) == {side * side}, (marks, side)


def _segments_cross_box(points: np.ndarray, box) -> bool:
    """Whether a polyline of display points [N, 2] (NaN: a break) enters `box`, sampled."""
    for a, b in zip(points[:-1], points[1:]):
        if np.isnan(a).any() or np.isnan(b).any():
            continue
        for t in np.linspace(0, 1, 9):
            x, y = a + t * (b - a)
            if box.x0 < x < box.x1 and box.y0 < y < box.y1:
                return True
    return False


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
@pytest.mark.parametrize("share", [0.1, 1.0])
def test_decoder_manifolds_key_and_triad_stay_off_its_sheet_and_data(runs, size, share):
    """The key ("data", "decoded grid", and the faint sheet beyond the codes, keyed) covers no
    data point and no line of the sheet, at 10 % and at the end (it sat on both inside the
    panel); the axes' arrows and names cross no data point and stay inside the panel (the "z"
    was cut at its top, the "x" arrow lay over the right arm)."""
    run = runs["decoder-manifold"]
    scene, frames = scene_of([run], run.experiment.render, size)
    frame = frames[round(share * (len(frames) - 1))]
    scene.draw_full(frame)
    sheet = panel(scene, SheetPanel)
    renderer = scene.figure.canvas.get_renderer()
    ax = sheet.ax
    legend = ax.get_legend()
    # Read as a student reads, row by row (on two rows it read "data, beyond the codes /
    # decoded grid"): data, decoded grid, beyond the codes.
    names, handles = zip(*read_key(legend))
    assert list(names[:2]) == ["data", "decoded grid"] and len(names) == 3 \
        and "beyond" in names[2]
    faint = handles[2]
    assert faint.get_alpha() is not None and faint.get_alpha() < 0.5
    flat = (run.x.astype(float) - sheet.center) @ sheet.axes
    shown = ax.transData.transform(flat)
    box = legend.get_window_extent(renderer)
    assert not ((shown[:, 0] > box.x0) & (shown[:, 0] < box.x1)
                & (shown[:, 1] > box.y0) & (shown[:, 1] < box.y1)).any()
    for line in (sheet.mesh, sheet.outside):
        drawn = ax.transData.transform(np.column_stack(line.get_data()))
        frame_box = ax.get_window_extent(renderer)
        inside = ((drawn[:, 0] >= frame_box.x0) & (drawn[:, 0] <= frame_box.x1)
                  & (drawn[:, 1] >= frame_box.y0) & (drawn[:, 1] <= frame_box.y1))
        drawn[~inside] = np.nan  # the axes clip what lies beyond them
        assert not _segments_cross_box(drawn, box)
    plane = ax.get_window_extent(renderer)
    texts = [t for t in ax.texts if t.get_text() in ("x", "y", "z")]
    arrows = [child for child in ax.get_children()
              if type(child).__name__ == "Annotation" and not child.get_text()]
    assert len(texts) == 3 and len(arrows) == 3
    for name in texts:
        name_box = name.get_window_extent(renderer)
        assert plane.x0 <= name_box.x0 and name_box.x1 <= plane.x1
        assert plane.y0 <= name_box.y0 and name_box.y1 <= plane.y1, name.get_text()
    for arrow in arrows:
        ends = ax.transData.transform([arrow.xy, arrow.xyann])
        near = np.linalg.norm(shown[:, None] - np.linspace(ends[0], ends[1], 7)[None],
                              axis=2).min(axis=1)
        assert (near > 3).all()  # no data point within 3 px of an arrow


def test_the_decoder_manifold_handout_keys_its_sheet_and_grid_and_ticks_its_planes(runs):
    """The handout keys the dark sheet (where the codes are), the faint one beyond them and
    the decoder's "+" grid points on the planes, and its planes, each above a decoded row,
    carry x tick labels (they had none: no scale for the codes)."""
    run = runs["decoder-manifold"]
    handout = default_handout(run)
    (key,) = handout.figure.legends
    names = [t.get_text() for t in key.get_texts()]
    assert {"decoded grid", "beyond the codes", "decoder's grid points"} <= set(names)
    handles = dict(zip(names, key.legend_handles))
    assert handles["beyond the codes"].get_alpha() < handles["decoded grid"].get_alpha()
    assert handles["decoder's grid points"].get_marker() == "+"
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    planes = [ax for ax in handout.figure.axes if ax.get_title(loc="left").startswith("(")]
    assert len(planes) == len(handout.positions)
    first = planes[0]
    labels = [t for t in first.get_xticklabels() if t.get_visible() and t.get_text()]
    assert len(labels) >= 2 and first.get_xlabel() == "code neuron 1"
    decoded = [ax for ax in handout.figure.axes if ax.get_ylabel() == "decoded grid"]
    assert decoded
    for label in labels + [first.xaxis.label]:  # above the decoded row, not on it
        assert label.get_window_extent(renderer).y0 >= decoded[0].get_window_extent(
            renderer).y1
    key_box = key.get_window_extent(renderer)
    assert key_box.x0 >= 0 and key_box.x1 <= handout.figure.bbox.width


def test_the_decoder_manifold_handout_names_its_3d_axes_as_the_clip_does(runs):
    """The clip's 3-D panel names the data's axes with an x/y/z triad; the handout's decoded
    row had none (a camera's view without ticks or names): its first cell carries the triad,
    inside the cell, the other cells none (the camera is the same)."""
    run = runs["decoder-manifold"]
    handout = default_handout(run)
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    first = [ax for ax in handout.figure.axes if ax.get_ylabel() == "decoded grid"]
    assert len(first) == 1
    names = sorted(t.get_text() for t in first[0].texts if t.get_text() in ("x", "y", "z"))
    assert names == ["x", "y", "z"]
    box = first[0].get_window_extent(renderer)
    for text in first[0].texts:
        name_box = text.get_window_extent(renderer)
        assert box.x0 <= name_box.x0 and name_box.x1 <= box.x1
        assert box.y0 <= name_box.y0 and name_box.y1 <= box.y1
    named = [ax for ax in handout.figure.axes
             if any(t.get_text() in ("x", "y", "z") for t in ax.texts)]
    assert named == first


def _data_under_names(ax, renderer) -> dict:
    """How many of the data's drawn dots (each the scatter's, its radius included) lie on
    each of the triad's names' boxes."""
    from matplotlib.collections import PathCollection

    (data,) = [c for c in ax.collections if isinstance(c, PathCollection)
               and len(c.get_offsets()) > 100]
    dots = data.get_offset_transform().transform(data.get_offsets())
    radius = np.sqrt(data.get_sizes().max()) / 2 * ax.figure.dpi / 72
    counts = {}
    for name in [t for t in ax.texts if t.get_text() in ("x", "y", "z")]:
        box = name.get_window_extent(renderer)
        counts[name.get_text()] = int(((dots[:, 0] > box.x0 - radius)
                                       & (dots[:, 0] < box.x1 + radius)
                                       & (dots[:, 1] > box.y0 - radius)
                                       & (dots[:, 1] < box.y1 + radius)).sum())
    return counts


@pytest.mark.parametrize("where", ["handout", "640x360", "1280x720"])
def test_the_triads_names_stand_clear_of_the_data(runs, where):
    """A lecturer's look at the decoder-manifold handout: the "x" of the axes' arrows stood on
    six dots of the arc's right arm (every corner of the small cell had data near it, and
    the names were counted only within a quarter arrow of their centres). Each name's box,
    as drawn, covers no dot of the data, in the handout's first decoded cell and in the clip
    (the data is fixed; the sheet that moves passes under the names' halo)."""
    run = runs["decoder-manifold"]
    if where == "handout":
        handout = default_handout(run)
        figure = handout.figure
        figure.canvas.draw()
        (ax,) = [ax for ax in figure.axes if ax.get_ylabel() == "decoded grid"]
    else:
        scene, frames = scene_of([run], run.experiment.render, where)
        scene.draw_full(frames[-1])
        figure, ax = scene.figure, panel(scene, SheetPanel).ax
    counts = _data_under_names(ax, figure.canvas.get_renderer())
    assert sorted(counts) == ["x", "y", "z"] and not any(counts.values()), counts


# Keys: every drawn mark keyed by one name (description.MARK_NAMES) in clip and handout, where
# the room allows, and a key never over a tick label or into the next panel.

def _tick_labels(ax, renderer) -> list:
    return [label.get_window_extent(renderer)
            for axis in (ax.xaxis, ax.yaxis) for label in axis.get_ticklabels()
            if label.get_visible() and label.get_text()]


def denoising_scenes(runs, size: str) -> list:
    """Every denoising sheet as drawn at `size`: the comparison, each run alone, and each as
    the site index's poster (no caption: the plane taller, its key under it, where the short
    forms came back); (scene, frames) each."""
    comparison = load_comparison(EXAMPLES / "denoising-vs-plain.toml")
    pair = [runs["denoising-plain"], runs["denoising"]]
    scenes = [scene_of(pair, dataclasses.replace(comparison.render,
                                                 labels=comparison.compare.labels), size)]
    for name in ("denoising", "denoising-plain"):
        render = runs[name].experiment.render
        scenes += [scene_of([runs[name]], render, size),
                   scene_of([runs[name]], dataclasses.replace(render, caption=None), size)]
    return scenes


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_a_sheets_key_names_every_mark_inside_its_panel_and_off_its_ticks(runs, size):
    """denoising-vs-plain, denoising and denoising-plain: each sheet's key names the data,
    the decoded grid, the faint sheet beyond the codes (the clips left it unkeyed, the page
    and handout keyed it) and a denoising run's noisy inputs, in the long or short names of
    MARK_NAMES (the faint sheet's name may go only beside a panel that names it, where the key
    has no room clear of the data); it lies inside its panel or above it, never over a tick
    label (at 640 the denoising plane's key reached left over its "-2" and "-1"), and each run
    keeps its name."""
    from aeviz.renderer.description import sheet_marks

    labels = load_comparison(EXAMPLES / "denoising-vs-plain.toml").compare.labels
    for scene, frames in denoising_scenes(runs, size):
        scene.draw_full(frames[-1])
        renderer = scene.figure.canvas.get_renderer()
        keyed = []  # each sheet's key's names, in order
        for number, (sheet, described) in enumerate(
                (p, d) for (p, _), d in zip(scene.panels, scene.description.panels)
                if isinstance(p, SheetPanel)):
            marks = sheet_marks(described.decoder)
            assert "beyond" in marks and ("noisy" in marks) == (sheet.noisy is not None)
            legend = sheet.ax.get_legend()
            names = [" ".join(name.split()) for name, _ in read_key(legend)]
            if number and len(names) == len(marks) - 1:
                # A key with no room clear of the data drops the faint sheet (key_forms), only
                # beside a panel that keys it (the comparison's plain run, at 640).
                marks = tuple(mark for mark in marks if mark != "beyond")
                assert any(name in MARK_NAMES["beyond"] for name in keyed[0]), keyed
            assert [name in MARK_NAMES[mark] for mark, name in zip(marks, names)] \
                == [True] * len(marks), names
            assert len(names) == len(marks)
            keyed.append(names)
            box = legend.get_window_extent(renderer)
            frame = sheet.ax.get_window_extent(renderer)
            inside = (box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1
                      and box.y0 >= frame.y0 - 1 and box.y1 <= frame.y1 + 1)
            # Inside, above, or under the x axis's name (a plane shrunk to what it shows).
            under = box.y1 <= sheet.ax.xaxis.get_tightbbox(renderer).y0 + 1
            assert inside or box.y0 >= frame.y1 - 1 or under, (box, frame)
            for tick in _tick_labels(sheet.ax, renderer):
                assert not box.overlaps(tick), (size, names)
            if len(scene.views) > 1:
                assert sheet.ax.get_title(loc="left") == labels[number]


def test_the_triads_names_are_haloed_and_drawn_over_the_moving_sheet(runs):
    """decoder-manifold: the faint sheet crossed the x, y and z at 640 (they were drawn into
    the still background, the sheet over them): each name has a halo of the background's
    color and is drawn with the sheet, after it."""
    from matplotlib import patheffects

    run = runs["decoder-manifold"]
    scene, frames = scene_of([run], run.experiment.render)
    sheet = panel(scene, SheetPanel)
    names = [t for t in sheet.ax.texts if t.get_text() in ("x", "y", "z")]
    assert len(names) == 3
    for name in names:
        (halo,) = name.get_path_effects()
        assert isinstance(halo, patheffects.withStroke)
        assert mcolors.to_hex(halo._gc["foreground"]) == mcolors.to_hex(scene.theme.background)
        assert name in sheet.artists and name.get_zorder() > sheet.mesh.get_zorder()
        assert name.get_zorder() > sheet.outside.get_zorder()


def test_the_decoders_grid_points_are_keyed_in_the_comparison_clip_and_handout(runs):
    """vae-vs-ae: the "+" grid points on both planes are keyed in the clip's key above the
    planes (only the handout keyed them), after the classes; in the handout the marks stand
    in columns of their own, left of every class (the "0" stood under "decoder's grid
    points", apart from 1-9)."""
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, parse_at, positions_of
    from aeviz.renderer.panels.variational import KEY_TEXTS

    scene, _ = vae_comparison_drawn(runs)
    (key,) = scene.figure.legends
    names = [t.get_text() for t in key.get_texts()]
    # after the classes, apart from them (the clip's key is one row: first, they read as one)
    assert names[-1] in MARK_NAMES["grid"] and names[:-1] == [str(n) for n in range(10)]
    renderer = scene.figure.canvas.get_renderer()
    box = key.get_window_extent(renderer)
    assert box.x0 >= 0 and box.x1 <= scene.figure.bbox.width
    assert not box.overlaps(scene.title.get_window_extent(renderer))
    pair = [runs["vae-vs-ae-ae"], runs["vae-vs-ae-vae"]]
    options = load_comparison(EXAMPLES / "vae-vs-ae.toml").options
    views = run_views(pair, options)
    positions = positions_of(parse_at(None), views)
    handout = HandoutFigure(views, options, positions, TEXT_WIDTH)
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    (key,) = handout.figure.legends
    texts = {t.get_text(): t.get_window_extent(renderer) for t in key.get_texts()}
    marks = [texts[name] for name in texts if name in
             {MARK_NAMES["grid"][0], *KEY_TEXTS}]
    assert len(marks) == 3
    classes = [texts[str(n)] for n in range(10)]
    assert max(c.x1 for c in classes) < min(m.x0 for m in marks)  # after them, as the clip's


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_the_code_planes_key_stays_in_its_slot_clear_of_the_weights(runs, size):
    """linear-vs-pca: the clusters' key, centered on the plane's slot, ends inside it; at
    640 "cluster 4" stood 8 px from the weights' "input 4"."""
    run = runs["linear-vs-pca"]
    scene, frames = scene_of([run], run.experiment.render, size)
    scene.draw_full(frames[-1])
    renderer = scene.figure.canvas.get_renderer()
    code = panel(scene, CodePanel)
    legend = code.ax.get_legend().get_window_extent(renderer)
    weights = panel(scene, WeightPanel)
    em = 10.5 * scene.figure.dpi / 72
    inputs = [t for t in weights.ax.texts if t.get_text().startswith("input")]
    assert inputs and legend.x0 >= 0
    for text in inputs:
        assert text.get_window_extent(renderer).x0 - legend.x1 >= em


# A single clip's caption says first what that clip shows (not what only a comparison shows).

def test_the_adam_caption_states_its_plateau_and_end():
    """optimizers-adam's clip shows Adam alone: its caption gives its plateau, when it leaves
    it and where it ends, not "later than RMSProp" (only the comparison shows RMSProp)."""
    run = train(load_experiment(EXAMPLES / "optimizers-adam.toml"))
    caption = " ".join(run.experiment.render.caption.split())
    assert caption.startswith("Adam's error sits on a plateau near 0.085 until about epoch "
                              "60, then falls to 0.035.") and "RMSProp here" not in caption
    loss, epoch = np.asarray(run.loss, float), np.asarray(run.epoch)
    plateau = loss[(epoch >= 10) & (epoch <= 55)]
    assert np.abs(plateau - 0.085).max() < 0.003  # on the plateau, near 0.085
    left = epoch[np.argmax(loss < 0.075)]  # off it: well below
    assert 55 <= left <= 75 and f"{loss[-1]:.2g}" == "0.035"


def test_the_seed_default_caption_says_when_the_clusters_part(runs):
    """seed-default: "most of the learning is in the first epochs" was true of the RMSE
    (down to PCA's line by epoch 10) but the clusters part between epochs 60 and 150, as
    the RMSE falls again: the worst-separated pair of clusters' overlap (Fisher's line
    between them) at least halves there, and the caption says so first."""
    run = runs["seed-default"]
    caption = " ".join(run.experiment.render.caption.split())
    assert caption.startswith("Four clusters in 4-D come apart in a 2-neuron code between "
                              "epochs 60 and 150.")
    loss, epoch = np.asarray(run.loss, float), np.asarray(run.epoch)
    codes, labels = np.asarray(run.codes, float), np.asarray(run.labels)

    def overlap(at: int) -> float:
        """The largest share of two clusters' codes on the wrong side of Fisher's line."""
        c = codes[int(np.argmin(np.abs(epoch - at)))]
        worst = 0.0
        for i, j in combinations(np.unique(labels), 2):
            a, b = c[labels == i], c[labels == j]
            w = np.linalg.solve(np.cov(a.T) + np.cov(b.T) + 1e-12 * np.eye(2),
                                a.mean(0) - b.mean(0))
            middle = (a.mean(0) + b.mean(0)) @ w / 2
            worst = max(worst, ((a @ w < middle).sum() + (b @ w > middle).sum())
                        / (len(a) + len(b)))
        return worst

    assert overlap(60) >= 2 * overlap(150) and overlap(150) < 0.05
    assert loss[np.argmin(np.abs(epoch - 10))] < 0.09 < loss[0]  # the first drop: early
    at = {e: loss[np.argmin(np.abs(epoch - e))] for e in (60, 150)}
    assert at[60] > 0.08 and at[150] < 0.05  # the second drop: when they part


def test_a_sheets_key_inside_the_panel_is_drawn_over_the_moving_sheet(runs):
    """denoising-plain at 640x360, frame 0: the key sat inside the panel, framed, and the
    faint "beyond the codes" grid (redrawn each frame, over the saved background holding
    the key) crossed its text: the key is drawn each frame after the sheet's lines. (That
    key now stands under its plane, shrunk to the arc; denoising's, whose box has no room
    under it, is inside where its key fits there with the sheet's whole names, else under
    its plane made smaller.)"""
    plain = panel(scene_of([runs["denoising-plain"]], runs["denoising-plain"].experiment.render,
                           "640x360")[0], SheetPanel)
    renderer = plain.ax.figure.canvas.get_renderer()
    assert plain.ax.get_legend().get_window_extent(renderer).y1 <= \
        plain.ax.get_window_extent(renderer).y0  # under the plane: no moving line reaches it
    run = runs["denoising"]
    scene, frames = scene_of([run], run.experiment.render, "640x360")
    sheet = panel(scene, SheetPanel)
    key = sheet.ax.get_legend()
    assert key is not None
    if not key.get_frame_on():  # under the plane: no moving line reaches it
        assert key.get_window_extent(renderer).y1 <= sheet.ax.get_window_extent(renderer).y0
        return
    assert key in sheet.artists  # inside, over the sheet
    lines = [sheet.outside, sheet.mesh]
    assert all(key.get_zorder() > line.get_zorder() for line in lines)
    drawn = sorted(scene.update(frames[0]), key=lambda artist: artist.get_zorder())
    assert drawn.index(key) > max(drawn.index(line) for line in lines)


# activations and optimizers: PCA's label stands by its line with no curve between them.

@pytest.fixture(scope="module")
def compared() -> dict:
    """The activations and optimizers comparisons' runs, trained as their files say, and
    their comparison options."""
    return {name: ([train(load_experiment(path))
                    for path in sorted(EXAMPLES.glob(f"{name}-*.toml"))],
                   load_comparison(EXAMPLES / f"{name}.toml").options)
            for name in ("activations", "optimizers")}


def _pca_label(ax) -> tuple:
    """PCA's label in `ax` once drawn, its window box, and whether it stands under the plot
    (a key there)."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    (label,) = [t for t in ax.texts if t.get_text().startswith("PCA")]
    box = label.get_window_extent(renderer)
    return label, box, box.y0 < ax.get_window_extent(renderer).y0


def _line_row(ax, label, curve_pt: float) -> tuple[float, float]:
    """The pixel row of the line `label` names (its value, the text's last word), and half a
    curve's width `curve_pt` in pixels."""
    level = float(label.get_text().rsplit(" ", 1)[1])
    return ax.transData.transform((0, level))[1], curve_pt / 2 * ax.figure.dpi / 72


def _rows_at(ax, curve: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """The pixel rows of `curve` (data coordinates) at pixel `columns` (NaN past its ends)."""
    xy = ax.transData.transform(curve)
    return np.interp(columns, xy[:, 0], xy[:, 1], left=np.nan, right=np.nan)


def assert_nothing_between_pcas_label_and_line(ax, curves: list[np.ndarray],
                                               curve_pt: float) -> None:
    """PCA's label in `ax` (else a key under the plot) has no point of `curves` (data
    coordinates) between it and its line, under or over its width; a curve drawn over the
    line (within half its width `curve_pt`) runs along it."""
    label, box, under = _pca_label(ax)
    if under:  # a key under the plot
        return
    x, y = label.get_position()  # in axes fractions, as reference_line draws it
    if any(line.get_transform() == ax.transAxes and 0 < x - max(line.get_xdata()) < 0.1
           and abs(line.get_ydata()[0] - y) < 0.1 for line in ax.lines):
        return  # a key in the plot: the line's sample names it, wherever it stands
    line_y, hug = _line_row(ax, label, curve_pt)
    low, high = sorted([line_y, box.y0 if box.y0 > line_y else box.y1])
    columns = np.linspace(box.x0, box.x1, 200)
    for curve in curves:
        y = _rows_at(ax, curve, columns)
        between = (y > low) & (y < high) & (np.abs(y - line_y) > hug)
        assert not between.any(), (label.get_text(), float(np.nanmin(np.abs(y - line_y))))


@pytest.mark.parametrize("name", ["activations", "optimizers"])
@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_pcas_label_has_no_curve_between_it_and_its_line(compared, name, size):
    """At 1280x720 "PCA, 2 components: 0.0845" stood above sigmoid's curve (0.0874, 2 px
    over the line, which identity's 0.0847 covers) and read as naming sigmoid's; at 640 it
    stood above SGD's. Only a curve drawn over the line runs along it."""
    from aeviz.renderer.panels.loss import CURVE_PT

    runs, options = compared[name]
    scene, frames = scene_of(runs, options, size)
    scene.draw_full(frames[-1])
    loss = panel(scene, LossPanel)
    curves = [np.column_stack([view.timeline, view.run.loss]) for view in scene.views]
    assert_nothing_between_pcas_label_and_line(loss.ax, curves, CURVE_PT)


@pytest.mark.parametrize("name", ["activations", "optimizers"])
def test_the_handouts_pca_label_has_no_curve_between_it_and_its_line(compared, name):
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, figure_positions

    runs, options = compared[name]
    views = run_views(runs, options)
    handout = HandoutFigure(views, options, figure_positions(None, views), TEXT_WIDTH)
    ax = handout.figure.axes[-1]
    assert ax.get_ylabel() == "RMSE"
    curves = [np.column_stack([view.timeline, view.run.loss]) for view in views]
    assert_nothing_between_pcas_label_and_line(ax, curves, 1.1)


def _samples(ax, line, label, box) -> bool:
    """Whether `line` is a key's sample of a line before the label whose window box is
    `box` (`label`'s): drawn in axes fractions, ending within 1.5 ems left of the label, at a height
    within the label's (a short plot's label box is a third of the axes tall)."""
    if line.get_transform() != ax.transAxes:
        return False
    xy = ax.transAxes.transform(np.column_stack([line.get_xdata(), line.get_ydata()]))
    em = 1.5 * label.get_fontsize() * ax.figure.dpi / 72
    return bool(0 <= box.x0 - xy[:, 0].max() <= em and (box.y0 <= xy[:, 1]).all()
                and (xy[:, 1] <= box.y1).all())


def assert_pcas_bare_label_names_a_line_seen(ax, curves: list[np.ndarray],
                                             curve_pt: float) -> bool:
    """PCA's label in `ax`, where it has no sample of its line (a key under the plot or in
    it has one), stands where its line is seen: no point of `curves` (data coordinates)
    within half a curve's width `curve_pt` of the line, under or over the label's width (a
    curve drawn over the line there hides it, and the label reads as that curve's name).
    Returns whether the label is bare (False: a key)."""
    label, box, under = _pca_label(ax)
    if under:  # a key under the plot
        return False
    if any(_samples(ax, line, label, box) for line in ax.lines):
        return False  # a key in the plot
    line_y, hug = _line_row(ax, label, curve_pt)
    columns = np.linspace(box.x0, box.x1, 200)
    for curve in curves:
        y = _rows_at(ax, curve, columns)
        hiding = np.abs(y - line_y) <= hug
        assert not hiding.any(), (label.get_text(), float(np.nanmin(np.abs(y - line_y))))
    return True


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_pcas_bare_label_stands_where_its_line_is_seen(compared, runs, size):
    """Found by a lecturer's look: in the activations-sigmoid clip at 640x360 (its last
    frame) sigmoid's curve (0.0874) lay 0.2 px above PCA's dashed line (0.0845), hiding it,
    and "PCA, 2 components: 0.0845" just above read as naming the curve. Where a curve
    hides the line, the label is a key (a sample of the dashed line before it); the same in
    the comparisons and the other single runs with PCA's line, and in the handouts."""
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, figure_positions
    from aeviz.renderer.panels.loss import CURVE_PT

    sigmoid = next(run for run in compared["activations"][0]
                   if run.experiment.title.endswith("sigmoid hidden layers"))
    cases = [([sigmoid], sigmoid.experiment.render)] + list(compared.values()) + [
        ([runs[name]], runs[name].experiment.render) for name in ("seed-default", "linear-vs-pca")]
    for shown, options in cases:
        scene, frames = scene_of(shown, options, size)
        scene.draw_full(frames[-1])
        curves = [np.column_stack([view.timeline, view.run.loss]) for view in scene.views]
        bare = assert_pcas_bare_label_names_a_line_seen(panel(scene, LossPanel).ax, curves,
                                                        CURVE_PT)
        if shown == [sigmoid] and size == "640x360":
            assert not bare  # the case found: a key now
    for shown, options in cases[1:3]:  # the comparisons' handouts (scale 0.6: 1.3 pt curves)
        views = run_views(shown, options)
        handout = HandoutFigure(views, options, figure_positions(None, views), TEXT_WIDTH)
        ax = handout.figure.axes[-1]
        curves = [np.column_stack([view.timeline, view.run.loss]) for view in views]
        assert_pcas_bare_label_names_a_line_seen(ax, curves, 1.1)


@pytest.mark.parametrize("name", ["activations", "optimizers"])
def test_the_key_under_the_loss_plot_stands_apart_from_the_axis_name(compared, name):
    """At 640x360 the key "-- PCA: 0.0845" under the loss plot ended half an em before the
    x axis's name and read "PCA: 0.0845 epoch": two em apart at least, the name whole."""
    runs, options = compared[name]
    scene, frames = scene_of(runs, options, "640x360")
    scene.draw_full(frames[-1])
    ax = panel(scene, LossPanel).ax
    renderer = scene.figure.canvas.get_renderer()
    (key,) = [t for t in ax.texts if t.get_text().startswith("PCA")]
    box, plot = key.get_window_extent(renderer), ax.get_window_extent(renderer)
    assert box.y1 < plot.y0  # under the plot (no room in it at 640x360)
    name_box = ax.xaxis.label.get_window_extent(renderer)
    assert ax.xaxis.label.get_text() == "epoch"
    assert name_box.x0 - box.x1 >= 2 * key.get_fontsize() * scene.figure.dpi / 72
    assert name_box.x1 <= scene.figure.bbox.x1


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_the_sheets_key_names_the_grid_and_the_faint_sheet_whole(runs, size):
    """The 640x360 denoising clip and the index's poster keyed "grid" and "beyond" (short
    forms meaning nothing to a student): every denoising sheet keys "decoded grid" and
    "beyond the codes" whole (one line or two), with every other mark, clear of the frame's
    other texts."""
    for scene, frames in denoising_scenes(runs, size):
        scene.draw_full(frames[-1])
        renderer = scene.figure.canvas.get_renderer()
        sheets = [p for p, _ in scene.panels if isinstance(p, SheetPanel)]
        keys = [sheet.ax.get_legend() for sheet in sheets]
        names = {" ".join(name.split()) for key in keys if key is not None
                 for name, _ in read_key(key)}
        assert {"decoded grid", "beyond the codes"} <= names, names
        assert not {"grid", "beyond"} & names, names
        if sheets[0].noisy is not None:
            assert names & {"noisy input → output", "noisy → output"}, names
        boxes = [key.get_window_extent(renderer) for key in keys if key is not None]
        frame = scene.figure.bbox
        texts = [t for t in scene.figure.findobj(Text) if t.get_visible() and t.get_text()
                 and not any(t in key.get_texts() for key in keys if key is not None)]
        for box in boxes:
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
            for text in texts:
                assert not box.overlaps(text.get_window_extent(renderer)), text.get_text()


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
@pytest.mark.parametrize("name", ["denoising-plain", "denoising"])
def test_the_sheets_limits_hold_the_grid_where_the_codes_are_at_every_snapshot(runs, name,
                                                                                size):
    """denoising-plain's plane was cut to the final data and sheet (y >= -0.3): its epoch-0
    decoded grid ran off the bottom edge. The limits hold the data and, at every snapshot,
    the grid where that snapshot's codes are (the part drawn strong)."""
    from aeviz.renderer.decoding import sheet

    run = runs[name]
    scene, _ = scene_of([run], run.experiment.render, size)
    panel_ = panel(scene, SheetPanel)
    view, grid = scene.views[0], panel_.described
    (x0, x1), (y0, y1) = panel_.ax.get_xlim(), panel_.ax.get_ylim()
    for snapshot in range(len(view)):
        state = view.state(snapshot)
        strong = sheet(view, panel_.grid, state)[
            sheet_region(state.codes, grid.extent, grid.side, grid.steps)]
        assert (strong[:, 0] >= x0).all() and (strong[:, 0] <= x1).all(), snapshot
        assert (strong[:, 1] >= y0).all() and (strong[:, 1] <= y1).all(), snapshot


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_denoising_vs_plains_loss_fits_its_readouts_and_title_without_tripling_its_axis(
        runs, size):
    """At 640x360 the loss axis ran to 3.3 for values of 0.59 at most (room for readouts
    wider than the plot) and "reconstruction error" touched the frame's right edge: the axis
    now tops out under twice the largest value, the readouts inside the plot, no curve
    through them, and the title a few pixels clear of the edge."""
    from aeviz.renderer.panels.placement import curve_points

    comparison = load_comparison(EXAMPLES / "denoising-vs-plain.toml")
    pair = [runs["denoising-plain"], runs["denoising"]]
    scene, frames = scene_of(pair, dataclasses.replace(
        comparison.render, labels=comparison.compare.labels), size)
    scene.draw_full(frames[-1])
    loss = panel(scene, LossPanel)
    ax, renderer = loss.ax, scene.figure.canvas.get_renderer()
    largest = max(float(np.nanmax(run.loss)) for run in pair)
    assert ax.get_ylim()[1] < 2 * largest, ax.get_ylim()
    plot = ax.get_window_extent(renderer)
    points = ax.transAxes.transform(curve_points(ax, loss.curves))
    readouts = [t for t in loss.values if t.get_text()]
    assert len(readouts) == 2
    for readout in readouts:
        box = readout.get_window_extent(renderer)
        assert plot.x0 <= box.x0 and box.x1 <= plot.x1, (readout.get_text(), box, plot)
        inside = ((points[:, 0] > box.x0) & (points[:, 0] < box.x1)
                  & (points[:, 1] > box.y0) & (points[:, 1] < box.y1))
        assert not inside.any(), readout.get_text()
    (title,) = [t for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()]
    assert title.get_text() == "reconstruction error"
    gap = scene.figure.bbox.x1 - title.get_window_extent(renderer).x1
    assert gap >= 4 * scene.figure.dpi / 72, gap


def test_the_sparse_handouts_penalty_axis_is_numbered_in_its_color(runs):
    """The handout's own terms axis (figure.py) numbered it in gray under a purple name, as
    the clip had: a gray number at PCA's level read as PCA's value."""
    handout = default_handout(runs["sparse-codes"])
    handout.figure.canvas.draw()
    (twin,) = [ax for ax in handout.figure.axes if ax.yaxis.get_label_position() == "right"
               and ax.get_ylabel()]
    color = twin.yaxis.label.get_color()
    numbers = [label for label in twin.get_yticklabels() if label.get_text()]
    assert numbers and all(mcolors.same_color(label.get_color(), color) for label in numbers)
    assert not mcolors.same_color(color, "#57606a")  # the theme's gray: the penalty's own


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
@pytest.mark.parametrize("name", ["sparse-codes", "vae-vs-ae-vae"])
def test_the_terms_axis_is_numbered_apart_and_named_beside_its_numbers(runs, name, size):
    """A lecturer at 640x360: the sparse run's penalty axis fell to one number, "0.5", 6 px
    over its curve at 0.22 (read as the curve's value), its name "mean Σ|code|" on the title
    row 50 px away; earlier "0.5" over "0.0" stood 1 em apart; at 1280x720 the VAE's "KL to
    N(0, 1)" stood beside the RMSE's range while its ticks 0-4 filled the lower half. Now, at
    the clip's start, 30 % and end: two numbers at least, each drawn level with its value,
    1.8 of their size apart, the name beside them within the plot's height; or, where the
    plot cannot hold that, no axis and the term's current value on the title row, inside the
    frame, clear of the panel's title and of every other text."""
    from aeviz.renderer.panels.style import FONT
    from tests.helpers import drawn_texts, overlap

    run = runs[name]
    options = dataclasses.replace(run.experiment.render, size=size)
    scene, frames = scene_of([run], options, size)
    loss = panel(scene, LossPanel)
    twin = loss.terms.twin
    (term,) = run.term_names
    title = scene.description.runs[0].terms[0].title
    em_px = FONT["tick"] * scene.figure.dpi / 72
    monkeypatch = pytest.MonkeyPatch()
    for frame in (frames[0], frames[int(0.3 * (len(frames) - 1))], frames[-1]):
        with monkeypatch.context() as patched:
            texts = drawn_texts(scene, frame, patched)
        renderer = scene.canvas.get_renderer()
        box = twin.get_window_extent(renderer)
        numbers = [label for label in twin.get_yticklabels()
                   if label.get_visible() and label.get_text()
                   and 0 <= label.get_position()[1] <= twin.get_ylim()[1]]
        if loss.terms.readout is None:  # the axis: two numbers at least, each at its level
            assert len(numbers) >= 2, [n.get_text() for n in numbers]
            levels = []
            for number in numbers:
                drawn = number.get_window_extent(renderer)
                level = twin.transData.transform((0, number.get_position()[1]))[1]
                assert drawn.y0 < level < drawn.y1, (number.get_text(), drawn, level)
                assert float(number.get_text()) == pytest.approx(number.get_position()[1])
                levels.append(level)
            assert all(b - a >= 1.8 * em_px - 0.01 for a, b in zip(levels, levels[1:])), levels
            label = twin.yaxis.label
            assert label.get_text() == title  # beside the plot, within its height
            name_box = label.get_window_extent(renderer)
            assert name_box.y0 >= box.y0 - 0.5 and name_box.y1 <= box.y1 + 0.5, (name_box, box)
            assert name_box.x0 >= max(n.get_window_extent(renderer).x1 for n in numbers)
            middle = (name_box.y0 + name_box.y1) / 2
            if name_box.height <= levels[-1] - levels[0]:
                assert levels[0] <= middle <= levels[-1], (middle, levels)
            continue
        # The readout in the axis's place: no numbers, no spine, no name off by itself.
        assert not numbers and not twin.spines["right"].get_visible()
        assert not twin.get_ylabel() and not twin.get_title("right")
        value = float(run.terms[int(np.floor(frame.indexes[0])), 0])
        readout = loss.terms.readout
        assert readout.get_text() == f"{title} {short_number(value, 3)}"
        drawn = readout.get_window_extent(renderer)
        margin = 4 * scene.figure.dpi / 72
        assert drawn.y0 >= box.y1 and drawn.x0 >= margin
        assert drawn.x1 <= min(box.x1, scene.figure.bbox.width - margin) + 0.5, (drawn, box)
        panel_title = loss.ax._left_title.get_window_extent(renderer)
        assert drawn.x0 - panel_title.x1 >= 0.5 * em_px, (drawn, panel_title)
        for text, _, other in texts:
            assert other.bounds == drawn.bounds or not overlap(drawn, other), text


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_the_sparse_readout_leaves_the_title_and_stays_inside(runs, size):
    """At 640x360 the readout "near 0: code 1 20 %, code 2 37 %" took the place of the
    "code layer" title and, over the y axis's numbers, came to the frame's edge. Now the
    title stays, whole; the readout stands beside it on its line or inside the plane, clear of
    the title, at least a margin inside the frame, and says both shares."""
    run = runs["sparse-codes"]
    options = dataclasses.replace(run.experiment.render, size=size)
    scene, frames = scene_of([run], options, size)
    renderer = scene.canvas.get_renderer()
    code = panel(scene, CodePanel)
    (overlay,) = [o for o in code.overlays if isinstance(o, SparsityOverlay)]
    for frame in (frames[0], frames[len(frames) // 2], frames[-1]):
        scene.draw_full(frame)
        assert code.ax.get_title("left") == "code layer"
        text = overlay.text
        words = " ".join(text.get_text().split())
        assert re.search(r"code 1 \d+ %.* code 2 \d+ %$", words), words
        if frame is frames[-1]:
            shares = silent_shares(run.codes[-1])
            assert f"code 1 {100 * shares[0]:.0f} %" in words and \
                f"code 2 {100 * shares[1]:.0f} %" in words, words
        box = text.get_window_extent(renderer)
        title = code.ax._left_title.get_window_extent(renderer)
        assert not box.overlaps(title), (box, title)
        margin = 4 * scene.figure.dpi / 72
        assert box.x0 >= margin and box.x1 <= scene.figure.bbox.width - margin
        plane = code.ax.get_window_extent(renderer)
        on_title_row = box.y0 >= plane.y1 - 0.5
        assert on_title_row or (plane.x0 <= box.x0 and box.x1 <= plane.x1
                                and plane.y0 <= box.y0 and box.y1 <= plane.y1), (box, plane)
