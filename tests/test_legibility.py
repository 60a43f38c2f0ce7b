"""Text stays readable at small sizes: the smallest text of any frame is at least 11 px at
640x360 and 13.5 px at 1280x720 (font size; DejaVu's digits are 0.73 of it: 8 and 10 px), and
no text is cut off by the frame's edge."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from matplotlib.text import Text

from aeviz import trajectory
from aeviz.batch import split_comparisons
from aeviz.renderer import run_views
from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, parse_at, positions_of
from aeviz.renderer.frames import Frame, plan_frames
from aeviz.renderer.labels import PathLabel
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.settings.comparison import load_comparison
from aeviz.settings.tomlwriter import dump_toml
from aeviz.training.loop import train
from tests.conftest import tiny_text
from tests.helpers import drawn_text_boxes

SMALLEST_PX = {"640x360": 11.0, "1280x720": 13.5}
# A wide network on 8x8 images in ten classes, like examples/digits.toml: elided layers,
# long layer labels, a mixed activation list and an image strip.
WIDE_IMAGES = {
    "title": "wide",
    "data": {"file": "x.npy", "label_file": "y.npy", "normalize": "none", "image_shape": [8, 8]},
    "model": {"layers": [64, 64, 16, 2, 16, 64, 64],
              "activation": ["tanh", "tanh", "identity", "tanh", "tanh", "sigmoid"]},
    "train": {"epochs": 2},
}


@pytest.fixture(scope="module")
def wide_image_run(tmp_path_factory):
    """A trajectory of the wide network on 200 random 8x8 images of classes 0 to 9."""
    folder = tmp_path_factory.mktemp("wide")
    rng = np.random.default_rng(0)
    np.save(folder / "x.npy", rng.uniform(0, 1, (200, 64)).astype(np.float32))
    np.save(folder / "y.npy", np.arange(200) % 10)
    (folder / "e.toml").write_text(dump_toml(WIDE_IMAGES))
    return train(load_experiment(folder / "e.toml"))


def drawn_texts(scene: Scene, frame: Frame, monkeypatch) -> list[tuple[str, float, object]]:
    """(text, font size in pixels, extent) of every text a full redraw of `frame` draws (tick
    labels outside the limits exist but are not drawn), and of the changing labels."""
    drawn = []
    draw = Text.draw

    def recording(text: Text, renderer) -> None:
        if text.get_visible() and text.get_text():
            drawn.append(text)
        draw(text, renderer)

    monkeypatch.setattr(Text, "draw", recording)
    scene.draw_full(frame)
    renderer = scene.figure.canvas.get_renderer()
    found = [(t.get_text(), t.get_fontsize(), t.get_window_extent(renderer)) for t in drawn]
    found += [(label.get_text(), label._font.get_size_in_points(),
               label.get_window_extent(renderer))
              for label in scene.figure.findobj(PathLabel) if label.get_text()]
    return [(text, points * scene.figure.dpi / 72, box) for text, points, box in found]


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
    texts = assert_legible([run] * runs, size, panels, monkeypatch, caption)
    (shown,) = [(text, box) for text, _, box in texts if text.startswith(caption[:6])]
    lines = shown[0].split("\n")
    assert len(lines) == (1 if caption == "Short." or size == "640x360" else 2)
    # Whole sentences where they fit (two lines hold the long caption's first), else cut.
    assert lines[-1].endswith("." if caption == "Short." or size == "1280x720" else "…")
    others = [box for text, _, box in texts if text != shown[0]]
    assert shown[1].y1 <= min(box.y0 for box in others) + 1  # under everything else


def assert_legible(runs, size: str, panels: tuple[str, ...], monkeypatch,
                   caption: str | None = None) -> list:
    """Render the last epoch of `runs`: no text under the guaranteed size, none cut off by the
    frame, no two overlapping. Returns the texts drawn."""
    views = [RunView(run, f"run {i + 1}") for i, run in enumerate(runs)]
    end = float(runs[0].epoch[-1])
    options = RenderOptions(size=size, panels=panels, caption=caption)
    scene = Scene(views, options, (0, end))
    texts = drawn_texts(scene, Frame(end, (end,) * len(runs)), monkeypatch)
    assert len(texts) > 20
    smallest = min(texts, key=lambda t: t[1])
    assert smallest[1] >= SMALLEST_PX[size], smallest[:2]
    width, height = options.pixels
    for text, _, box in texts:
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, (
            text, box)
    for i, (text, _, box) in enumerate(texts):
        for other, _, other_box in texts[i + 1:]:
            assert not _overlap(box, other_box), (text, other)
    return texts


def _overlap(a, b) -> bool:
    """Whether two boxes share more than a pixel's width both ways (touching is allowed)."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1


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


# Every example, as a clip (first, middle and last frame) and as a handout: no two texts
# overlap, none is cut off, at both sizes. Examples train briefly (a few epochs), which keeps
# their layout (names, layers, classes, a blow-up) and the suite quick.
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_FILES, EXAMPLE_COMPARISONS = split_comparisons(sorted(EXAMPLES.glob("*.toml")))


@pytest.fixture(scope="module")
def example_runs() -> dict:
    """Each example of the folder, trained for at most 6 epochs."""
    runs = {}
    for path in EXAMPLE_FILES:
        exp = load_experiment(path)
        epochs = min(exp.train.epochs, 6)
        runs[path.stem] = train(load_experiment(path, {"train.epochs": epochs}))
    return runs


def example_sets() -> list[tuple[str, list[str]]]:
    """(name, runs' names): every example alone, and every comparison of the folder."""
    sets = [(path.stem, [path.stem]) for path in EXAMPLE_FILES]
    for path in EXAMPLE_COMPARISONS:
        sets.append((path.stem, list(load_comparison(path).compare.runs)))
    return sets


def render_table(name: str, runs: list):
    """The [render] a batch draws the set with: a comparison's own, else its run's."""
    comparisons = {path.stem: path for path in EXAMPLE_COMPARISONS}
    if name in comparisons:
        return load_comparison(comparisons[name]).render
    return runs[0].experiment.render


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
@pytest.mark.parametrize("name, members", example_sets(), ids=[n for n, _ in example_sets()])
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
                assert not _overlap(box, other_box), (text, other, frame)
        assert_no_curve_crosses_a_label(drawn)


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


@pytest.mark.parametrize("name, members", example_sets(), ids=[n for n, _ in example_sets()])
def test_every_example_handout_has_no_overlapping_text(example_runs, name, members,
                                                       monkeypatch):
    """As clips are tested: the bounding boxes of every text drawn (tick labels included),
    at the default moments and width, and at a narrow width with more moments."""
    runs = [example_runs[member] for member in members]
    options = runs[0].experiment.render
    views = run_views(runs, options)
    for at, width in ((None, TEXT_WIDTH), ("0,0.02,0.05,0.1,0.5,last", 5.0)):
        positions = positions_of(parse_at(at), [v.timeline for v in views])
        handout = HandoutFigure(views, options, positions, width)
        boxes = drawn_text_boxes(handout.figure, monkeypatch)
        assert len(boxes) > 10
        for i, (text, box) in enumerate(boxes):
            for other, other_box in boxes[i + 1:]:
                assert not _overlap(box, other_box), (text, other, at)
        titles = [ax.get_title(loc="left") for ax in handout.figure.axes if
                  ax.get_title(loc="left")]
        recorded = {run.moment(i) for run in runs for i in range(len(run))}
        for title in titles:  # "(b) epoch 1, batch 9/13": a recorded moment, never a float
            assert title.split(") ", 1)[1].replace(",\n", ", ") in recorded, title


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
