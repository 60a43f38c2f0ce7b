"""Text stays readable at small sizes: the smallest text of any frame is at least 11 px at
640x360 and 13.5 px at 1280x720 (font size; DejaVu's digits are 0.73 of it: 8 and 10 px), and
no text is cut off by the frame's edge."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.colors import same_color
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath

from aeviz import trajectory
from aeviz.batch import split_comparisons
from aeviz.renderer import run_views
from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, parse_at, positions_of
from aeviz.renderer.frames import Frame, plan_frames
from aeviz.renderer.panels import placement
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.settings.comparison import load_comparison
from aeviz.training.loop import train
from tests.conftest import tiny_text
from tests.helpers import (
    SMALL_SIZE,
    SMALLEST_PX,
    assert_inside_and_apart,
    assert_legible,
    drawn_text_boxes,
    drawn_texts,
    overlap,
    png_size,
    scene_frame,
    trained,
    write_csv,
)
from tests.strategies import examples


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("runs, panels", [(1, ("code", "loss", "weights")),
                                          (1, ("code", "loss", "weights", "recon")),
                                          (2, ("code", "loss", "weights")),
                                          (4, ("code", "loss"))])
def test_smallest_text_and_nothing_cut_off(tiny_run_path, size, runs, panels, monkeypatch):
    run = trajectory.load(tiny_run_path)
    assert_legible([run] * runs, size, panels, monkeypatch)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("panels", [("code", "loss", "weights", "recon"),
                                    ("code", "loss", "weights")])
def test_wide_network_on_images_stays_legible(wide_image_run, size, panels, monkeypatch):
    texts = assert_legible([wide_image_run], size, panels, monkeypatch)
    shown = [text for text, _, _ in texts]
    assert "code\n2" in shown  # the code layer is always labelled
    if "recon" in panels:
        assert shown.count("data") == shown.count("output") >= 1


CAPTION = ("The codes spread out as the network learns to tell the clusters apart; the loss "
           "falls in steps as each cluster splits off. " * 60)[:4096]


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("runs, panels", [(1, ("code", "loss", "weights")),
                                          (1, ("code", "loss", "weights", "recon")),
                                          (2, ("code", "loss", "weights")),
                                          (4, ("code", "loss"))])
@pytest.mark.parametrize("caption", ["Short.", CAPTION])
def test_a_caption_is_legible_under_the_panels(tiny_run_path, size, runs, panels, caption,
                                               monkeypatch):
    run = trajectory.load(tiny_run_path)
    scenes: list = []
    texts = assert_legible([run] * runs, size, panels, monkeypatch, caption, scenes)
    renderer = scenes[0].figure.canvas.get_renderer()
    lines = [(text.get_text(), text.get_window_extent(renderer))
             for text in scenes[0].caption_lines]
    assert lines[0][0].startswith(caption[:6])
    assert len(lines) == (1 if caption == "Short." or size == "640x360" else 2)
    # Whole sentences where they fit (two lines hold the long caption's first), else cut.
    assert lines[-1][0].endswith("." if caption == "Short." or size == "1280x720" else "…")
    others = [box for text, _, box in texts if text not in {line for line, _ in lines}]
    assert max(box.y1 for _, box in lines) <= min(box.y0 for box in others) + 1  # under all


TALL_MATH = (r"The loss is $\frac{1}{n}\sum_i \|x_i - \hat{x}_i\|^2$, the mean of "
             r"squared errors $\hat{X}$ over the data. The codes spread out as the network "
             "learns to tell the clusters apart.")


def _caption_glyph_boxes(scene) -> list[tuple[float, float]]:
    """(bottom, top) in pixels of each caption line's glyphs as drawn (their outlines: a
    text's own extent misses a sum's limits)."""
    boxes = []
    for text in scene.caption_lines:
        _, baseline = text.get_transform().transform(text.get_position())
        outline = TextPath((0, 0), text.get_text(),
                           prop=FontProperties(size=text.get_fontsize())).get_extents()
        scale = scene.figure.dpi / 72
        boxes.append((baseline + outline.y0 * scale, baseline + outline.y1 * scale))
    return boxes


@pytest.mark.parametrize("size", ["640x360", "1024x768", "1280x720"])
def test_a_caption_with_tall_math_is_drawn_whole_in_its_strip(tiny_run_path, size):
    """A fraction and a sum's limits are taller than a line: the strip grows to hold them
    (the sum's "i" ran into the next line at 1024x768 and below the frame at 640x360)."""
    run = trajectory.load(tiny_run_path)
    view = RunView(run)
    options = RenderOptions(size=size, caption=TALL_MATH)
    scene = Scene([view], options, (0, float(run.epoch[-1])))
    scene.draw_full(scene_frame(view))
    renderer = scene.figure.canvas.get_renderer()
    boxes = _caption_glyph_boxes(scene)
    assert boxes and boxes[-1][0] >= 0
    for upper, lower in zip(boxes, boxes[1:]):
        assert lower[1] <= upper[0], (upper, lower)
    panels = min(ax.get_tightbbox(renderer).y0 for ax in scene.figure.axes
                 if ax.get_visible())
    assert boxes[0][1] <= panels + 1


def test_a_two_line_caption_at_1280x720_is_whole_at_1024x768(tiny_run_path):
    """The same height, a narrower page: a third line, not the last sentence dropped."""
    run = trajectory.load(tiny_run_path)
    view = RunView(run)
    caption = " ".join(load_experiment(EXAMPLES / "iris.toml").render.caption.split())
    shown = {}
    for size in ("1280x720", "1024x768"):
        scene = Scene([view], RenderOptions(size=size, caption=caption),
                      (0, float(run.epoch[-1])))
        shown[size] = [text.get_text() for text in scene.caption_lines]
    assert len(shown["1280x720"]) == 2 and " ".join(shown["1280x720"]) == caption
    assert len(shown["1024x768"]) == 3 and " ".join(shown["1024x768"]) == caption


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_a_vae_comparisons_key_and_run_names_are_all_drawn(example_runs, size, monkeypatch):
    """vae-vs-ae with --panels code,loss: at 640x360 the digits' key lost its "0" off the
    frame's left and the VAE's plane lost its name "VAE" to the circles' key."""
    runs = [example_runs["vae-vs-ae-ae"], example_runs["vae-vs-ae-vae"]]
    views = [RunView(run, name) for run, name in zip(runs, ("plain AE", "VAE"))]
    end = float(runs[0].epoch[-1])
    scene = Scene(views, RenderOptions(size=size, panels=("code", "loss")), (0, end))
    texts = drawn_texts(scene, Frame(end, (end, end)), monkeypatch)
    renderer = scene.figure.canvas.get_renderer()
    (key,) = scene.figure.legends
    entries = {t.get_text(): t.get_window_extent(renderer) for t in key.get_texts()}
    assert sorted(entries) == list("0123456789")
    for digit, box in entries.items():
        assert 0 <= box.x0 and box.x1 <= scene.figure.bbox.width, digit
    shown = [text for text, _, _ in texts]
    assert "plain AE" in shown and "VAE" in shown
    for i, (text, _, box) in enumerate(texts):
        for other, _, other_box in texts[i + 1:]:
            assert not overlap(box, other_box), (text, other)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_four_differing_runs_stay_legible(tmp_path, size, monkeypatch):
    # Long differing keys in the header beside the clusters' legend; a narrow loss panel.
    runs = []
    for optimizer, rate in (("sgd", 0.1), ("momentum", 0.1), ("rmsprop", 0.01), ("adam", 0.01)):
        path = tmp_path / f"{optimizer}.toml"
        path.write_text(tiny_text(train={"optimizer": optimizer, "learning_rate": rate,
                                         "dampening": 0.0, "epochs": 4}))
        runs.append(train(load_experiment(path)))
    texts = assert_legible(runs, size, ("code", "loss"), monkeypatch)
    # In words, whole: the longest form that fits, never a cut key.
    forms = ("optimizer and learning rate differ", "2 settings differ")
    shown = [text for text, _, _ in texts if text in forms]
    assert shown == [forms[0]] if size == "1280x720" else len(shown) == 1, shown
    assert not any("…" in text for text, _, _ in texts)


def test_eight_runs_at_640_name_their_stacked_planes_apart(tmp_path, monkeypatch):
    """Eight runs at 640x360 stack three rows of 50 px planes: each "code neuron 2" ran into
    the next row's. A name no longer than its plane is tall: "code 2"."""
    runs = []
    for number in range(8):
        path = tmp_path / f"run{number}.toml"
        path.write_text(tiny_text(train={"learning_rate": 0.01 * (number + 1), "epochs": 2}))
        runs.append(train(load_experiment(path)))
    texts = assert_legible(runs, "640x360", ("code", "loss"), monkeypatch)
    names = [text for text, _, _ in texts if text.startswith("code") and "1" not in text]
    assert names and set(names) == {"code 2"}, names


# Every example, as a clip (first, middle and last frame) and as a handout: no two texts
# overlap, none is cut off, at both sizes. Examples train briefly (a few epochs), which keeps
# their layout (names, layers, classes, a blow-up) and the suite quick.
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_FILES, EXAMPLE_COMPARISONS = split_comparisons(sorted(EXAMPLES.glob("*.toml")))


class ExampleRuns(dict):
    """The examples' runs by name, each trained (for at most 6 epochs) when first asked for."""

    def __missing__(self, name: str):
        path = EXAMPLES / f"{name}.toml"
        epochs = min(load_experiment(path).train.epochs, 6)
        self[name] = train(load_experiment(path, {"train.epochs": epochs}))
        return self[name]


@pytest.fixture(scope="module")
def example_runs() -> ExampleRuns:
    return ExampleRuns()


# The sets drawn in the default run: a comparison of four optimizers, a VAE beside a plain
# autoencoder with the decoder, image data. The others are marked slow (CI draws them all).
QUICK_SETS = {"optimizers", "vae-vs-ae", "digits"}


def example_sets() -> list:
    """(name, runs' names): every example alone, and every comparison of the folder."""
    sets = [(path.stem, [path.stem]) for path in EXAMPLE_FILES]
    for path in EXAMPLE_COMPARISONS:
        sets.append((path.stem, list(load_comparison(path).compare.runs)))
    return [pytest.param(name, members, id=name,
                         marks=() if name in QUICK_SETS else pytest.mark.slow)
            for name, members in sets]


def render_table(name: str, runs: list):
    """The [render] a batch draws the set with: a comparison's own, else its run's."""
    comparisons = {path.stem: path for path in EXAMPLE_COMPARISONS}
    if name in comparisons:
        return load_comparison(comparisons[name]).render
    return runs[0].experiment.render


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("name, members", example_sets())
def test_every_example_clip_has_no_overlapping_text(example_runs, name, members, size,
                                                    monkeypatch):
    """The clip's frames at 0, 10, 30, 60 and 100 % and the still (the last snapshot over the
    whole run): no text cut off, none overlapping another, none crossed by a curve."""
    runs = [example_runs[member] for member in members]
    options = dataclasses.replace(render_table(name, runs), size=size)
    views = run_views(runs, options)
    frames = plan_frames([v.timeline for v in views], options)
    moving = frames[:len(frames) - round(options.hold * options.fps)] or frames
    scene = Scene(views, options, (frames[0].position, frames[-1].position))
    shown = [moving[round(share * (len(moving) - 1))] for share in (0, 0.1, 0.3, 0.6, 1)]
    timelines = [v.timeline for v in views]
    still = Scene(views, options, (min(t[0] for t in timelines), max(t[-1] for t in timelines)))
    for drawn, frame in [(scene, frame) for frame in shown] + [(still, frames[-1])]:
        texts = drawn_texts(drawn, frame, monkeypatch)
        monkeypatch.undo()
        width, height = options.pixels
        for text, _, box in texts:
            assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and \
                box.y1 <= height + 1, (text, box)
        for i, (text, _, box) in enumerate(texts):
            for other, _, other_box in texts[i + 1:]:
                assert not overlap(box, other_box), (text, other, frame)
        assert_no_curve_crosses_a_label(drawn)


class WholeRuns(dict):
    """Examples trained as the README trains them (all epochs: the digits' 40 take about a
    second): their [render] caption kept (an override of the epochs drops it) and their
    planes' shapes the ones a lecturer sees."""

    def __missing__(self, name: str):
        self[name] = train(load_experiment(EXAMPLES / f"{name}.toml"))
        return self[name]


@pytest.fixture(scope="module")
def whole_runs() -> WholeRuns:
    return WholeRuns()


@pytest.fixture(scope="module")
def whole_vae_run(whole_runs):
    return whole_runs["vae-vs-ae-vae"]


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("name", ["vae-vs-ae-vae", "vae-vs-ae-ae"])
def test_every_mark_a_single_clips_plane_draws_is_keyed(whole_runs, name, size):
    """At 640x360 the single VAE and plain-AE clips drew the decoder's "+" grid points on
    the code plane without keying them (the 1280x720 clips and the page did): every mark the
    description gives the plane is named in a key, by its MARK_NAMES name, at every size."""
    from matplotlib.legend import Legend

    from aeviz.renderer.description import MARK_NAMES, plane_marks

    run = whole_runs[name]
    options = dataclasses.replace(run.experiment.render, size=size)
    scene = Scene(run_views([run], options), options, (0, float(run.epoch[-1])))
    (plane,) = [panel for panel in scene.description.panels if panel.name == "code"]
    marks = plane_marks(plane.layers)
    assert "grid" in marks  # the decoder panel's grid points are drawn on the plane
    keyed = {text.get_text() for legend in scene.figure.findobj(Legend)
             for text in legend.get_texts()}
    for mark in marks:
        assert keyed & set(MARK_NAMES[mark]), (mark, sorted(keyed))


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_the_single_vae_clips_key_overlaps_no_text(whole_vae_run, size, monkeypatch):
    """At 640x360 the circles' key "N(0,1) 1σ 2σ / σ" stood over the header's "Adam,
    learning rate 0.003, batch 32" on every frame: the key is drawn, and no text (keys'
    included) overlaps another, at 0, 10, 30, 60 and 100 % of the clip."""
    options = dataclasses.replace(whole_vae_run.experiment.render, size=size)
    assert options.caption  # the clip as rendered, caption and all
    views = run_views([whole_vae_run], options)
    frames = plan_frames([v.timeline for v in views], options)
    scene = Scene(views, options, (frames[0].position, frames[-1].position))
    keys = {"N(0,1): 1σ, 2σ", "N(0,1) 1σ 2σ"}
    for share in (0, 0.1, 0.3, 0.6, 1):
        texts = drawn_texts(scene, frames[round(share * (len(frames) - 1))], monkeypatch)
        monkeypatch.undo()
        assert keys & {text for text, _, _ in texts}, share
        for i, (text, _, box) in enumerate(texts):
            assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= options.pixels[0] + 1 and \
                box.y1 <= options.pixels[1] + 1, (text, box)
            for other, _, other_box in texts[i + 1:]:
                assert not overlap(box, other_box), (text, other, share)


def test_a_comparison_without_a_loss_panel_is_centred_between_header_and_caption(
        whole_runs):
    """vae-vs-ae at 1280x720 (four square panels in a row, the planes' own scales): the
    panels filled the body's top and left 112 px of the frame empty above the caption, 18
    under the header. Now no band across the frame between the header and the caption is
    empty for more than 15 % of its height, and the room is split above and below."""
    from aeviz.renderer.layout import caption_inches_most, header_fraction

    (path,) = [path for path in EXAMPLE_COMPARISONS if path.stem == "vae-vs-ae"]
    runs = [whole_runs[name] for name in load_comparison(path).compare.runs]
    options = dataclasses.replace(render_table("vae-vs-ae", runs), size="1280x720")
    assert options.caption and "loss" not in options.panels
    views = run_views(runs, options)
    end = float(runs[0].epoch[-1])
    scene = Scene(views, options, (0, end))
    scene.draw_full(Frame(end, (end, end)))
    pixels = np.asarray(scene.canvas.buffer_rgba())[..., :3].astype(int)
    height = pixels.shape[0]
    page_in = scene.figure.get_size_inches()[1]
    top = round(header_fraction(page_in) * height)
    bottom = height - round(caption_inches_most(page_in) * scene.figure.dpi)
    background = pixels[-1, -1]
    empty = (np.abs(pixels[top:bottom] - background).sum(axis=2) < 30).all(axis=1)
    drawn = np.flatnonzero(~empty)
    above, below = drawn[0], len(empty) - 1 - drawn[-1]
    bands = np.diff(np.flatnonzero(np.diff(np.concatenate([[0], empty, [0]]))))[::2]
    assert bands.max() <= 0.15 * height, (bands.max(), above, below)
    assert abs(above - below) <= 0.05 * height, (above, below)


def assert_no_curve_crosses_a_label(scene: Scene) -> None:
    """The loss panel's labels (reference lines' labels, value labels) touch no curve drawn
    in it: the RMSE, the training objective, the terms, every run's."""
    from matplotlib.lines import Line2D

    from aeviz.renderer.panels import LossPanel

    renderer = scene.figure.canvas.get_renderer()
    for loss in (p for p, _ in scene.panels if isinstance(p, LossPanel)):
        axes = [ax for ax in scene.figure.axes if ax.bbox.bounds == loss.ax.bbox.bounds]
        curves = [line for ax in axes for line in ax.get_lines()  # reference lines too
                  if isinstance(line, Line2D) and len(line.get_xdata()) >= 2
                  and line.get_visible()]
        points = []
        for line in curves:
            xy = line.get_transform().transform(np.column_stack(
                [np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)]))
            xy = xy[np.isfinite(xy).all(axis=1)]
            if len(xy) < 2:
                continue
            steps = np.linspace(0, 1, 8)[:, None, None]  # along each segment too
            points.append((xy[:-1][None] + steps * np.diff(xy, axis=0)[None]).reshape(-1, 2))
        if not points:
            continue
        points = np.concatenate(points)
        labels = [t for ax in axes for t in ax.texts if t.get_visible() and t.get_text()]
        labels += [label for label in loss.values if label.get_text()]
        for label in labels:
            box = label.get_window_extent(renderer)
            inside = ((points[:, 0] > box.x0 + 1) & (points[:, 0] < box.x1 - 1)
                      & (points[:, 1] > box.y0 + 1) & (points[:, 1] < box.y1 - 1))
            assert not inside.any(), (label.get_text(), points[inside][:3])


@pytest.mark.parametrize("name, members", example_sets())
def test_every_example_handout_has_no_overlapping_text(example_runs, name, members,
                                                       monkeypatch):
    """As clips are tested: the bounding boxes of every text drawn (tick labels included),
    at the default moments and width, and at a narrow width with more moments."""
    runs = [example_runs[member] for member in members]
    options = runs[0].experiment.render
    views = run_views(runs, options)
    for at, width in ((None, TEXT_WIDTH), ("0,0.02,0.05,0.1,0.5,last", 5.0)):
        positions = positions_of(parse_at(at), views)
        handout = HandoutFigure(views, options, positions, width)
        boxes = drawn_text_boxes(handout.figure, monkeypatch)
        assert len(boxes) > 10
        for i, (text, box) in enumerate(boxes):
            for other, other_box in boxes[i + 1:]:
                assert not overlap(box, other_box), (text, other, at)
        titles = [ax.get_title(loc="left") for ax in handout.figure.axes if
                  ax.get_title(loc="left")]
        recorded = {run.moment(i) for run in runs for i in range(len(run))}
        for title in titles:  # "(b) epoch 1, batch 9/13": a recorded moment, never a float
            assert title.split(") ", 1)[1].replace(",\n", ", ") in recorded, title


@pytest.mark.parametrize("width, height, caption", [(854, 480, 0.0), (800, 600, 0.1),
                                                     (720, 540, 0.1), (1024, 768, 0.2)])
def test_a_loss_below_three_planes_leaves_them_an_inch_of_plot(width, height, caption):
    """Squareness alone put the loss below three planes whose plots were 0.5 to 0.8 in tall
    (beside, 3.4 to 3.9): such a loss goes beside them."""
    from aeviz.renderer.layout import (
        LOSS_BELOW_LEAVES_IN,
        PANEL_MARGINS_IN,
        comparison_slots,
        header_fraction,
        page_height_inches,
    )

    page_high = page_height_inches(height)
    page = (width / height * page_high, page_high)
    body = 1 - header_fraction(page_high) - caption
    slots = comparison_slots(["code"], 3, True, body, page)
    planes = [rect for name, rect, _ in slots if name == "code"]
    assert min(h for _, _, _, h in planes) * page_high - PANEL_MARGINS_IN[1] \
        >= LOSS_BELOW_LEAVES_IN


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("runs, panels", [(2, ("code", "loss", "weights")), (4, ("code", "loss")),
                                          (3, ("code", "loss", "weights", "recon"))])
def test_a_comparison_loss_plot_is_a_third_of_the_frame_with_three_ticks(tiny_run_path, size,
                                                                          runs, panels):
    run = trajectory.load(tiny_run_path)
    views = [RunView(run, f"run {i + 1}") for i in range(runs)]
    end = float(run.epoch[-1])
    options = RenderOptions(size=size, panels=panels)
    scene = Scene(views, options, (0, end))
    scene.draw_full(Frame(end, (end,) * runs))
    loss = [panel for panel, number in scene.panels if number is None][0]
    assert loss.ax.get_window_extent().height >= options.pixels[1] / 3
    low, high = loss.ax.get_ylim()
    assert len([t for t in loss.ax.get_yticks() if low <= t <= high]) >= 3


def old_fit_text(text: str, size: float, room_pt: float) -> str:
    """The fitting this replaced: one character off at a time (quadratic in the length)."""
    if placement.text_width(text, size) <= room_pt:
        return text
    while len(text) > 1 and placement.text_width(text + "…", size) > room_pt:
        text = text[:-1].rstrip()
    return text + "…"


@pytest.mark.parametrize("text, room_pt", [
    ("Linear autoencoder vs PCA on three clusters", 120.0),
    ("Linear autoencoder vs PCA on three clusters", 400.0),
    ("a b c d e f g h i j k l m n o p", 33.0),
    ("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", 10.0),
    ("iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii", 50.0),
])
def test_fit_text_cuts_where_the_old_one_did(text, room_pt):
    assert placement.fit_text(text, 10, room_pt) == old_fit_text(text, 10, room_pt)


def test_fit_text_measures_a_bounded_amount_of_text_for_any_length(monkeypatch):
    measured = []
    width = placement.text_width
    monkeypatch.setattr(placement, "text_width",
                        lambda text, size, bold=False: measured.append(len(text))
                        or width(text, size, bold))
    fitted = placement.fit_text("W" * 100_000, 17, 500, bold=True)
    assert fitted.endswith("…") and width(fitted, 17, True) <= 500
    assert len(measured) <= 10 and max(measured) <= placement.most_chars(17, 500) + 1


def test_a_caption_costs_the_same_at_any_length(monkeypatch):
    counts = {}
    width = placement.text_width
    outline = placement.outline_width
    for length in (4096, 100_000):
        measured: list[int] = []
        monkeypatch.setattr(placement, "text_width", lambda text, size, bold=False, m=measured:
                            m.append(len(text)) or width(text, size, bold))
        monkeypatch.setattr(placement, "outline_width", lambda text, size, bold=False,
                            m=measured: m.append(len(text)) or outline(text, size, bold))
        lines = placement.wrap_text("a caption that goes on " * (length // 23 + 1), 11.5,
                                    600, 2)
        assert len(lines) == 2 and lines[-1].endswith("…")
        assert all(width(line, 11.5) <= 600 for line in lines)
        counts[length] = (len(measured), max(measured))
    assert counts[4096] == counts[100_000]
    assert counts[4096][1] <= 2 * placement.most_chars(11.5, 600) + 2


@given(st.text(max_size=400), st.floats(40, 900), st.integers(1, 3))
@examples(1)
def test_wrapped_lines_fit_and_keep_the_text_in_order(text, room_pt, lines):
    wrapped = placement.wrap_text(text, 11.5, room_pt, lines)
    assert len(wrapped) <= lines
    assert all(placement.text_width(line, 11.5) <= room_pt + 1e-6 for line in wrapped)
    flat = " ".join(text.split())
    shown = " ".join(wrapped)
    if shown.endswith("…") and not flat.startswith(shown):
        shown = shown[:-1].rstrip()
    # Each line starts where the last stopped (a break eats only the space it falls on).
    assert flat.replace(" ", "").startswith(shown.replace(" ", ""))
    assert bool(wrapped) == bool(flat)


def test_a_2000_character_title_is_cut_to_the_header(run_cli, tmp_path):
    clusters = [{"n": 20, "mean": [0.5, 0, 0.2], "std": 0.1}]
    path = trained(tmp_path, "title", {"seed": 1, "clusters": clusters}, [3, 2, 3],
                   title="W" * 2000)
    out = tmp_path / "title.png"
    result = run_cli("render", path, "-o", out, *SMALL_SIZE)
    assert result.exit_code == 0 and png_size(out) == (320, 180)


def test_long_feature_names_are_cut_under_their_axes(run_cli, tmp_path):
    x = np.random.default_rng(0).normal(size=(30, 6))
    names = [f"feature{i}" + "x" * 3000 for i in range(6)]
    data = {"file": write_csv(tmp_path / "f.csv", x, header=names)}
    path = trained(tmp_path, "features", data, [6, 2, 6])
    out = tmp_path / "features.png"
    result = run_cli("render", path, "-o", out, "--panels", "code,loss,weights,recon")
    assert result.exit_code == 0 and png_size(out) == (1280, 720)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("name", ["optimizers", "activations"])
def test_a_comparisons_planes_name_their_axes_on_the_outer_planes_only(example_runs, name,
                                                                        size, monkeypatch):
    """At 640x360 each of the four optimizer planes was about 100x45 px and each of the three
    activation planes 50x105, every one repeating "code neuron 1", "code neuron 2" and its
    ticks: with shared scales the outer planes alone carry them (label_outer), the others
    get the room; every plane still titled with its run's name in its color, all one size."""
    comparison = load_comparison(EXAMPLES / f"{name}.toml")
    runs = [example_runs[member] for member in comparison.compare.runs]
    labels = list(comparison.compare.labels)
    views = [RunView(run, label) for run, label in zip(runs, labels)]
    end = float(runs[0].epoch[-1])
    options = RenderOptions(size=size, panels=("code", "loss"),
                            caption=comparison.render.caption)
    scene = Scene(views, options, (0, end))
    texts = drawn_texts(scene, Frame(end, (end,) * len(runs)), monkeypatch)
    planes = [panel.ax for panel, run in scene.panels if run is not None]
    by_title = {ax.get_title("left"): ax for ax in planes}
    assert sorted(by_title) == sorted(labels)
    for run in scene.description.runs:
        assert same_color(by_title[run.name]._left_title.get_color(), run.color)
    boxes = [ax.get_window_extent() for ax in planes]
    assert len({(round(b.width), round(b.height)) for b in boxes}) == 1, boxes
    scale = 1 if size == "640x360" else 2
    # The planes' area: twice what each had when every plane named its axes.
    assert boxes[0].width * boxes[0].height >= {"optimizers": 9000, "activations": 10000}[
        name] * scale ** 2, boxes[0]
    lefts = min(round(b.x0) for b in boxes)
    bottoms = {round(b.x0): min(round(other.y0) for other in boxes
                                if abs(other.x0 - b.x0) < 2) for b in boxes}
    for ax, box in zip(planes, boxes):
        outer_y, outer_x = round(box.x0) == lefts, round(box.y0) == bottoms[round(box.x0)]
        assert (ax.get_ylabel() == "code neuron 2") == outer_y, ax.get_title("left")
        assert (ax.get_xlabel() == "code neuron 1") == outer_x, ax.get_title("left")
        # shared scales: the numbers only where the names are
        assert ax.yaxis.get_major_ticks()[0].label1.get_visible() == outer_y
        assert ax.xaxis.get_major_ticks()[0].label1.get_visible() == outer_x
    for i, (text, _, box) in enumerate(texts):
        for other, _, other_box in texts[i + 1:]:
            assert not overlap(box, other_box), (text, other)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("name", ["optimizers", "activations"])
def test_a_comparisons_key_above_its_planes_names_every_class_whole(example_runs, name, size,
                                                                     monkeypatch):
    """The classes' key above a comparison's planes has their whole width: at 640x360 the
    four optimizer planes' key read "cluste…" four times (its names cut to fit one plane's
    slot), with room for all four names whole in one row."""
    comparison = load_comparison(EXAMPLES / f"{name}.toml")
    runs = [example_runs[member] for member in comparison.compare.runs]
    views = [RunView(run, label) for run, label in zip(runs, comparison.compare.labels)]
    end = float(runs[0].epoch[-1])
    options = RenderOptions(size=size, panels=tuple(comparison.render.panels or ("code", "loss")),
                            caption=comparison.render.caption)
    scene = Scene(views, options, (0, end))
    drawn_texts(scene, Frame(end, (end,) * len(runs)), monkeypatch)
    renderer = scene.figure.canvas.get_renderer()
    (key,) = scene.figure.legends
    boxes = {t.get_text(): t.get_window_extent(renderer) for t in key.get_texts()}
    assert sorted(boxes) == [f"cluster {number}" for number in range(1, 5)]
    for text, box in boxes.items():
        assert 0 <= box.x0 and box.x1 <= scene.figure.bbox.width, text
    assert len({round(box.y0) for box in boxes.values()}) == 1  # one row, as before


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_a_comparisons_key_of_long_class_names_stays_inside_the_frame(example_runs, size,
                                                                      monkeypatch):
    """Names cut only where even folded into two rows they are wider than the frame: with
    the key's room the planes' whole width, 68-character names ran 455 px off 1280x720's
    left edge."""
    names = tuple(f"class {number} " + "x" * 60 for number in range(4))
    runs = [dataclasses.replace(example_runs[f"optimizers-{name}"], label_names=names)
            for name in ("sgd", "momentum", "rmsprop", "adam")]
    views = [RunView(run, label) for run, label in zip(runs, ("SGD", "Momentum", "RMSProp",
                                                               "Adam"))]
    end = float(runs[0].epoch[-1])
    scene = Scene(views, RenderOptions(size=size, panels=("code", "loss")), (0, end))
    drawn_texts(scene, Frame(end, (end,) * len(runs)), monkeypatch)
    renderer = scene.figure.canvas.get_renderer()
    (key,) = scene.figure.legends
    texts = [t.get_text() for t in key.get_texts()]
    assert sorted(text.split(" x")[0] for text in texts) == [f"class {n}" for n in range(4)]
    box = key.get_window_extent(renderer)
    assert 0 <= box.x0 and box.x1 <= scene.figure.bbox.width, (box, texts)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("name", ["vae-vs-ae-vae", "vae-vs-ae-ae"])
def test_a_single_digits_plane_keeps_its_title_and_its_room(whole_runs, name, size):
    """At 640x360 the VAE's plane was 104x83 px and its "N(0,1) 1σ 2σ / σ" key took the
    place of the "code layer" title, 2 px under the header; the plain AE's plane 122x90:
    the ten digits' key in a row, the circles' key a row under it (or beside the title
    where it fits), the title kept, the planes larger."""
    from matplotlib.legend import Legend

    from aeviz.renderer.panels.code import CodePanel
    from aeviz.renderer.panels.variational import KEY_TEXTS, SHORT_KEY_TEXTS

    run = whole_runs[name]
    options = dataclasses.replace(run.experiment.render, size=size)
    scene = Scene(run_views([run], options), options, (0, float(run.epoch[-1])))
    scene.canvas.draw()
    renderer = scene.canvas.get_renderer()
    (plane,) = [panel for panel, _ in scene.panels if isinstance(panel, CodePanel)]
    assert plane.ax.get_title("left") == "code layer"
    box = plane.ax.get_window_extent(renderer)
    scale = 1 if size == "640x360" else 2
    wide, high = {"vae-vs-ae-vae": (110, 88), "vae-vs-ae-ae": (140, 105)}[name]
    assert box.width >= wide * scale and box.height >= high * scale, box
    header = scene.details.get_window_extent(renderer)
    keys = [legend for legend in plane.ax.findobj(Legend)
            if legend.get_texts()[0].get_text() in (KEY_TEXTS[0], SHORT_KEY_TEXTS[0])]
    assert len(keys) == int(run.variational)
    for key in keys:
        extent = key.get_window_extent(renderer)
        assert extent.y1 < header.y0 - 4, (extent, header)  # clear of the header
        assert not overlap(extent, plane.ax._left_title.get_window_extent(renderer))
        if size == "640x360":  # too narrow beside the title: under the classes' row, and
            # beside the grid points' key on its own row (test_lessons: the key strip)
            others = [legend for legend in plane.ax.findobj(Legend) if legend not in keys]
            classes = [c for c in others if "0" in [t.get_text() for t in c.get_texts()]]
            assert classes and all(extent.y1 <= c.get_window_extent(renderer).y0 + 1
                                   for c in classes)
            assert not any(overlap(extent, c.get_window_extent(renderer)) for c in others)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_ten_digits_keyed_beside_a_short_plane_give_it_their_rows(whole_runs, size):
    """At 640x360 the digits' ten classes in two rows and their name under the plane left it
    115 px tall: 1 and 7, 5 and 9 hard to tell apart at the back of a room. Keyed in a column
    right of it, 0 to 9 downwards, the plane is 150 px tall or more; at 1280x720, where the rows
    cost the plane less, they stay under it. The key inside the frame, clear of the panels
    beside it."""
    from matplotlib.legend import Legend

    from aeviz.renderer.panels.code import CodePanel

    run = whole_runs["digits"]
    options = dataclasses.replace(run.experiment.render, size=size)
    scene = Scene(run_views([run], options), options, (0, float(run.epoch[-1])))
    scene.canvas.draw()
    renderer = scene.canvas.get_renderer()
    (plane,) = [panel for panel, _ in scene.panels if isinstance(panel, CodePanel)]
    (key,) = plane.ax.findobj(Legend)
    box, extent = plane.ax.get_window_extent(renderer), key.get_window_extent(renderer)
    texts = [text.get_text() for text in key.get_texts()]
    assert sorted(texts) == [str(digit) for digit in range(10)]
    if size == "640x360":
        assert texts == sorted(texts)
        assert box.height >= 150, box
        assert extent.x0 > box.x1 and extent.x1 <= scene.figure.bbox.width, (extent, box)
        rows = [text.get_window_extent(renderer).y0 for text in key.get_texts()]
        assert rows == sorted(rows, reverse=True)  # 0 on top
        for other, _ in scene.panels:
            if other is not plane:
                axes = other.ax.get_window_extent(renderer)
                assert not overlap(extent, axes), (type(other).__name__, extent, axes)
    else:
        assert extent.y1 < box.y0, (extent, box)  # under the plane, as it was


@pytest.mark.parametrize("classes, columns", [(20, 2), (50, 0)])
def test_many_classes_at_640x360_key_beside_in_columns_or_not_at_all(tmp_path, classes,
                                                                    columns, monkeypatch):
    """Twenty classes keyed in rows under a 640x360 plane left it 15 px tall; fifty ran
    their key off the frame's top, over the header. Twenty: two columns beside the plane;
    fifty, no key (a note says so, and that a larger size keys them); the plane 60 px tall
    or more, every text inside the frame and apart."""
    from matplotlib.legend import Legend

    from aeviz.renderer.panels.code import CodePanel

    names = [f"c{i:02d}xyz" for i in range(classes)]
    rng = np.random.default_rng(0)
    labels = [names[i % classes] for i in range(4 * classes)]
    file = write_csv(tmp_path / "d.csv", rng.uniform(0, 1, (len(labels), 16)),
                     [f'"{name}"' for name in labels])
    (tmp_path / "e.toml").write_text(
        f'title = "t"\n[data]\nfile = "{file}"\nlabel_column = "label"\nnormalize = "none"\n'
        '[model]\nlayers = [16, 8, 2, 8, 16]\n[train]\nepochs = 2\nbatch_size = 32\n')
    run = train(load_experiment(tmp_path / "e.toml"))
    options = RenderOptions(size="640x360", panels=("code", "loss", "weights"))
    scene = Scene([RunView(run, "run 1")], options, (0, 2.0))
    texts = drawn_texts(scene, Frame(2.0, (2.0,)), monkeypatch)
    assert_inside_and_apart(texts, options.pixels)
    (plane,) = [panel for panel, _ in scene.panels if isinstance(panel, CodePanel)]
    renderer = scene.canvas.get_renderer()
    box = plane.ax.get_window_extent(renderer)
    assert box.height >= 60, box
    keys = plane.ax.findobj(Legend)
    if columns:
        (key,) = keys
        assert key._ncols == columns and key.get_window_extent(renderer).x0 > box.x1
        assert not any("no key" in note for note in scene.notes)
    else:
        assert keys == []
        assert f"{classes} classes: the code plane has no key at 640x360 (it would leave " \
            "the plane under 0.75 in); a larger --size keys them" in scene.notes


@pytest.mark.parametrize("size", ["640x360", "854x480"])
@pytest.mark.parametrize("classes, length", [(3, 5), (10, 1), (10, 30), (16, 3)])
def test_a_plane_keyed_beside_or_under_keeps_every_text_apart(tmp_path, size, classes,
                                                             length, monkeypatch):
    """Whichever place the classes' key takes (a column beside a short plane, rows under it),
    with few or many classes, short or long names: every text inside the frame, over no other,
    the key clear of the plane."""
    names = [f"{i:x}" + "n" * (length - 1) for i in range(classes)]
    assert_key_whole(tmp_path, size, names, False, {}, monkeypatch,
                     panels=("code", "loss", "weights"))


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_a_reconstruction_panels_key_never_crosses_its_title(example_runs, size):
    """iris with --panels code,recon,loss at 640x360: the key "— data -- reconstruction",
    measured 2.5 ems short, drew its first sample across the title's last letter. The key
    as drawn and the title (where it is kept) apart."""
    from matplotlib.legend import Legend

    run = example_runs["iris"]
    options = dataclasses.replace(run.experiment.render, size=size,
                                  panels=("code", "recon", "loss"))
    scene = Scene(run_views([run], options), options, (0, float(run.epoch[-1])))
    scene.canvas.draw()
    renderer = scene.canvas.get_renderer()
    keyed = [ax for ax in scene.figure.axes for legend in ax.findobj(Legend)
             if "reconstruction" in [t.get_text() for t in legend.get_texts()]]
    assert keyed
    for ax in keyed:
        if ax.get_title("left"):
            title = ax._left_title.get_window_extent(renderer)
            for legend in ax.findobj(Legend):
                assert not overlap(legend.get_window_extent(renderer), title), size


@pytest.mark.parametrize("scales", ["follow", "own"])
def test_planes_on_scales_of_their_own_each_carry_their_numbers(example_runs, scales):
    """With scales = "follow" every plane's limits grow on their own, frame by frame: the outer
    planes' numbers are not the others' (the optimizers under "follow" hid most planes' tick
    numbers, as shared scales may). The axis names stay on the outer planes."""
    comparison = load_comparison(EXAMPLES / "optimizers.toml")
    runs = [example_runs[member] for member in comparison.compare.runs]
    views = [RunView(run, label) for run, label in zip(runs, comparison.compare.labels)]
    end = float(runs[0].epoch[-1])
    scene = Scene(views, RenderOptions(size="640x360", panels=("code", "loss"), scales=scales),
                  (0, end))
    scene.draw(Frame(end, (end,) * len(runs)))
    planes = [panel.ax for panel, run in scene.panels if run is not None]
    assert len(planes) == 4
    for ax in planes:
        assert ax.yaxis.get_major_ticks()[0].label1.get_visible(), ax.get_title("left")
        assert ax.xaxis.get_major_ticks()[0].label1.get_visible(), ax.get_title("left")
    assert sum(ax.get_ylabel() == "code neuron 2" for ax in planes) == 2


@pytest.mark.parametrize("scales", ["own", "follow"])
def test_a_handouts_rows_on_scales_of_their_own_each_carry_their_x_numbers(example_runs,
                                                                           scales):
    """A handout of runs on scales of their own showed x numbers under its last row alone
    (read as every row's); under "follow" each row's numbers ran into the next row's planes.
    Each row carries its own, clear of the row below."""
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, parse_at, positions_of

    runs = [example_runs[name] for name in ("optimizers-sgd", "optimizers-adam")]
    options = RenderOptions(panels=("code", "loss"), scales=scales)
    views = [RunView(run, label) for run, label in zip(runs, ("SGD", "Adam"))]
    positions = positions_of(parse_at(None), views)
    handout = HandoutFigure(views, options, positions, TEXT_WIDTH)
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    planes = [ax for ax in handout.figure.axes if ax.name == "rectilinear"
              and ax.get_xlabel() != "epoch" and ax.bbox.height < ax.figure.bbox.height / 3]
    rows = sorted({round(ax.get_position().y0, 3) for ax in planes}, reverse=True)
    assert len(rows) == 2, rows
    upper = [ax for ax in planes if round(ax.get_position().y0, 3) == rows[0]]
    lower_top = max(ax.get_window_extent(renderer).y1 for ax in planes
                    if round(ax.get_position().y0, 3) == rows[1])
    for ax in upper:
        numbers = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
        assert numbers, "a row without its x numbers"
        assert min(t.get_window_extent(renderer).y0 for t in numbers) > lower_top


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("classes", [4, 16])
def test_a_plane_beside_its_decoder_keys_its_classes_in_a_row_where_they_fit(
        tmp_path, size, classes, monkeypatch):
    """One run's code plane, its decoder beside it and the loss: classes that fit one row
    under the plane and the decoder are keyed there (the digits' strip, see test_lessons;
    sixteen at 1280x720), more in the plane's own column, rows of them, as before (sixteen at
    640x360); legible either way."""
    from matplotlib.legend import Legend

    from aeviz.renderer.panels.code import CodePanel
    from tests.helpers import image_experiment

    labels = np.arange(120) % classes
    run = train(load_experiment(image_experiment(tmp_path, labels=labels, samples=120)))
    scenes: list = []
    assert_legible([run], size, ("code", "decoder", "loss"), monkeypatch, scenes=scenes)
    (scene,) = scenes
    renderer = scene.figure.canvas.get_renderer()
    plane = next(panel for panel, _ in scene.panels if isinstance(panel, CodePanel))
    (code,) = [rect for name, rect, _ in scene.slots if name == "code"]
    (decoder,) = [rect for name, rect, _ in scene.slots if name == "decoder"]
    width = scene.figure.bbox.width
    key = plane.ax.get_legend()
    texts = [t.get_text() for t in key.get_texts() if t.get_text()]
    assert sorted(texts, key=int) == [str(label) for label in range(classes)]
    box = key.get_window_extent(renderer)
    if classes == 4 or size == "1280x720":  # one row; the strip (its marks too) centered
        assert key._ncols == classes
        rows = [legend.get_window_extent(renderer) for legend in plane.ax.findobj(Legend)]
        assert (min(r.x0 for r in rows) + max(r.x1 for r in rows)) / 2 == pytest.approx(
            (code[0] + (code[2] + decoder[2]) / 2) * width, abs=2)
    else:  # rows of them in the plane's column
        assert key._ncols < classes and box.x1 <= (code[0] + code[2]) * width + 1


MATH_NAMES = [r"$\frac{\frac{a}{b}}{\frac{c}{d}}$", r"$\sum_{i=0}^{N}x_i$",
              r"$x^{2^{2^{2}}}$", "b"]
LONG_NAMES = ["class-number-00-with-a-very-long-name-xx",
              "class-number-01-with-a-very-long-name-xx"]
RTL_NAMES = ["שלום עולם 0 مرحبا بالعالم", "שלום עולם 1 مرحبا بالعالم"]


@pytest.mark.parametrize("size", ["640x360", "854x480", "1024x768", "1280x720", "3840x2160"])
@pytest.mark.parametrize("names, variational, extras", [
    (MATH_NAMES, False, {}), (MATH_NAMES, True, {}),
    (LONG_NAMES, True, {"pca_ghost": True, "ellipses": True}),
    (LONG_NAMES, False, {"pca_ghost": True}), (RTL_NAMES, True, {"pca_ghost": True})])
def test_a_planes_key_of_tall_or_long_class_names_stays_whole_and_apart(
        tmp_path, size, names, variational, extras, monkeypatch):
    """Class names in math (a fraction of fractions, a sum with limits: taller than a line)
    and long ones (40 characters, Hebrew and Arabic) keyed under one run's plane beside its
    decoder: the tall names' row pushed the strip's second row ("+ decoder's grid points")
    into the sum's limits; a long name's key ran off the frame's left edge ("abel" for the
    label column's name). Every text inside the frame, over no other, above the caption."""
    assert_key_whole(tmp_path, size, names, variational, extras, monkeypatch)


@pytest.mark.parametrize("size", ["854x480", "1024x768", "1280x720"])
def test_sixteen_long_class_names_keep_the_plane_in_the_frame(tmp_path, size, monkeypatch):
    """Sixteen 40-character names: in one column the key pushed the plane up over the
    header (854x480, 1024x768); cut to fit a few columns instead, and kept in the frame.
    (At 640x360 a name keeps at least NAME_EMS: the slot holds one column; not yet whole.)"""
    names = [f"class-number-{i:02d}-with-a-very-long-name-xx" for i in range(16)]
    assert_key_whole(tmp_path, size, names, True, {"pca_ghost": True, "ellipses": True},
                     monkeypatch)


def assert_key_whole(tmp_path, size, names, variational, extras, monkeypatch,
                     panels=("code", "decoder", "loss")) -> None:
    """A run of 80 samples labelled `names` in turn, its plane beside its decoder (or the
    `panels` given): every text inside the frame, over no other; the classes' key clear of
    the plane."""
    rng = np.random.default_rng(0)
    labels = [names[i % len(names)] for i in range(80)]
    quoted = [f'"{name}"' for name in labels]
    file = write_csv(tmp_path / "d.csv", rng.uniform(0, 1, (80, 16)), quoted)
    (tmp_path / "e.toml").write_text(
        f'title = "t"\n[data]\nfile = "{file}"\nlabel_column = "label"\nnormalize = "none"\n'
        f'image_shape = [4, 4]\n[model]\nlayers = [16, 8, 2, 8, 16]\n'
        f'variational = {str(variational).lower()}\n[train]\nepochs = 2\nbatch_size = 32\n')
    run = train(load_experiment(tmp_path / "e.toml"))
    options = RenderOptions(size=size, panels=panels,
                            caption="A caption under the panels.", **extras)
    scene = Scene([RunView(run, "run 1")], options, (0, 2.0))
    texts = drawn_texts(scene, Frame(2.0, (2.0,)), monkeypatch)
    assert "label" in [text for text, _, _ in texts]
    assert_inside_and_apart(texts, options.pixels)
    from matplotlib.legend import Legend

    from aeviz.renderer.panels.code import CodePanel

    (plane,) = [panel for panel, _ in scene.panels if isinstance(panel, CodePanel)]
    renderer = scene.canvas.get_renderer()
    box = plane.ax.get_window_extent(renderer)
    for key in plane.ax.findobj(Legend):
        assert not overlap(key.get_window_extent(renderer), box)


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_run_names_in_the_loss_readout_lose_their_detail_before_their_words(example_runs,
                                                                            size):
    """The optimizers comparison's runs named with their learning rates ("Adam (lr 0.005)",
    a lecturer's: a student read "Adam beats SGD" not knowing its steps) read "Adam (lr 0.…
    0.0460" in the 640x360 loss readout: there each name drops its parenthesis, every run's
    alike, and keeps its words; at 1280x720 all of it."""
    from aeviz.renderer.panels import LossPanel

    labels = ("SGD (lr 0.1)", "Momentum (lr 0.1)", "RMSProp (lr 0.005)", "Adam (lr 0.005)")
    runs = [example_runs[f"optimizers-{name}"] for name in ("sgd", "momentum", "rmsprop",
                                                             "adam")]
    views = [RunView(run, label) for run, label in zip(runs, labels)]
    end = float(runs[0].epoch[-1])
    scene = Scene(views, RenderOptions(size=size, panels=("code", "loss")), (0, end))
    (loss,) = [panel for panel, _ in scene.panels if isinstance(panel, LossPanel)]
    expected = labels if size == "1280x720" else tuple(label.split(" (")[0] for label in labels)
    assert tuple(loss.names) == expected
