"""The loss axis shows a lesson at its true scale, and the reference labels keep clear of the
curves and of the marker that travels them.

The activations comparison is the case: sigmoid starts at 0.59, tanh ends at 0.037 against
PCA's 0.085. On a linear axis from 0 to 0.6 that lesson was about 10 px at 1280x720; on the
log axis the 10x rule chooses it is several times that, in clip, still, handout and page
(all read the description's limits)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.text import Text

from aeviz.renderer import run_views
from aeviz.renderer.description import describe
from aeviz.renderer.frames import plan_frames
from aeviz.renderer.panels import LossPanel
from aeviz.renderer.panels.loss import MARKER_RADIUS_PT
from aeviz.renderer.scales import wants_log_loss
from aeviz.renderer.scene import Scene
from aeviz.settings import load_experiment
from aeviz.training.loop import train
from tests.browser import chromium_driver, js, open_page  # noqa: F401 (a fixture)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ACTIVATIONS = ("activations-identity", "activations-sigmoid", "activations-tanh")


def test_the_loss_axis_is_log_where_the_losses_span_more_than_ten_times():
    assert wants_log_loss(np.array([0.59, 0.2, 0.037]), None)  # 16x
    assert not wants_log_loss(np.array([0.17, 0.1, 0.035]), None)  # 4.9x
    assert not wants_log_loss(np.array([0.5, 0.05]), None)  # 10x exactly: linear
    assert not wants_log_loss(np.array([0.59, 0.037]), False)  # asked: linear
    assert wants_log_loss(np.array([0.17, 0.1]), True)  # asked: log
    assert not wants_log_loss(np.array([0.0, np.inf, np.nan]), None)  # nothing to span


@settings(max_examples=60, deadline=None)
@given(losses=st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                                 st.floats(1e-300, 1e300)), max_size=30),
       asked=st.sampled_from([None, False, True]))
def test_the_log_rule_holds_for_any_losses(losses, asked):
    """Whatever a trajectory holds (zeros, negatives, NaN, inf, none): asked wins, else the
    finite positive losses' span decides, and no warning or error is raised."""
    values = np.array(losses, dtype=float)
    positive = values[np.isfinite(values) & (values > 0)]
    expected = asked if asked is not None else bool(
        positive.size and np.log10(positive.max()) - np.log10(positive.min()) > 1)
    assert wants_log_loss(values, asked) == expected


@settings(max_examples=200, deadline=None)
@given(largest=st.floats(1e-6, 1e6), headroom=st.floats(1.0, 20.0),
       axis_pt=st.floats(1.0, 400.0))
def test_the_terms_axis_gets_two_numbers_or_none(largest, headroom, axis_pt):
    """A lone terms tick was read as its curve's value (sparse-codes at 640x360: "0.5" 6 px
    over a curve at 0.22): fitted_ticks gives none or two at least, from 0, the last at or
    above the terms and at most ROUND_TOP_MOST times them (higher, their curve reads flat),
    each label TICK_ROOM of its size from the next."""
    from aeviz.renderer.panels.terms import ROUND_TOP_MOST, TICK_ROOM, fitted_ticks

    top = largest * headroom
    ticks = fitted_ticks(largest, top, axis_pt, 10.5)
    assert len(ticks) != 1, ticks
    if ticks:
        assert ticks[0] == 0 and largest <= ticks[-1] <= min(top, ROUND_TOP_MOST * largest)
        steps = np.diff(ticks) / top * axis_pt
        assert (steps >= TICK_ROOM * 10.5 - 1e-9).all(), (ticks, steps)


def test_the_sparse_penalty_at_640x360_is_numbered_0_and_1():
    """The case: the penalty's curve reaches 0.444 on an axis to 2.24 drawn 49 pt tall,
    where "0.0" and "0.5" would touch: 0 and 1, not a lone 0.5."""
    from aeviz.renderer.panels.terms import fitted_ticks

    assert fitted_ticks(0.444, 2.236, 49.3, 10.5) == [0.0, 1.0]
    assert fitted_ticks(0.444, 2.236, 30.0, 10.5) == []  # not even those: none


@pytest.mark.parametrize("scale, expected", [(1e-9, "e−9"), (1.0, None)])
def test_the_terms_axis_numbers_say_their_magnitude(scale, expected):
    """Terms of 2.5e-9 were numbered "0 1 2 3" (matplotlib's offset text, which the twin
    axis does not show, held the "1e-9"; a tester's): numbered as the page numbers them."""
    from matplotlib.figure import Figure

    from aeviz.renderer.panels.terms import number_axis

    twin = Figure(figsize=(4, 3), dpi=100).add_subplot()
    values = np.linspace(0.5, 2.5, 20)[:, None] * scale
    ticks = number_axis(twin, values, 3.5 * scale)
    labels = [label.get_text() for label in twin.get_yticklabels()]
    assert len(ticks) >= 2 and labels[0] == "0"
    if expected:
        assert all(label.endswith(expected) for label in labels[1:]), labels
    else:
        assert labels[1:] == [f"{tick:g}" for tick in ticks[1:]]


@pytest.fixture(scope="module")
def activations() -> list:
    return [train(load_experiment(EXAMPLES / f"{name}.toml")) for name in ACTIVATIONS]


def drawn(runs: list, size: str, labels=None) -> tuple[Scene, list]:
    options = dataclasses.replace(runs[0].experiment.render, size=size, labels=labels)
    views = run_views(runs, options)
    frames = plan_frames([v.timeline for v in views], options)
    return Scene(views, options, (frames[0].position, frames[-1].position)), frames


def loss_panel(scene: Scene) -> LossPanel:
    return next(p for p, _ in scene.panels if isinstance(p, LossPanel))


@pytest.mark.parametrize("size, least_px", [("640x360", 25), ("1280x720", 40)])
def test_tanh_ends_visibly_below_pcas_line_in_the_activations_comparison(activations, size,
                                                                         least_px):
    scene, frames = drawn(activations, size, ACTIVATIONS)
    scene.draw_full(frames[-1])
    loss = loss_panel(scene)
    assert loss.ax.get_yscale() == "log" and loss.limits.log
    (pca,) = [r.level for r in loss.limits.references if r.style == "--"]
    tanh = float(activations[2].loss[-1])
    assert tanh < 0.5 * pca  # the lesson in numbers: 0.037 against 0.085
    to_px = loss.ax.transData.transform
    gap = to_px((0, pca))[1] - to_px((0, tanh))[1]
    assert gap >= least_px, gap  # about 10 px on the old linear axis at 1280x720
    # The ticks name plain values (0.05, 0.1, 0.2), more than the decades alone.
    names = [t.get_text() for t in loss.ax.get_yticklabels()
             if loss.ax.get_ylim()[0] <= t.get_position()[1] <= loss.ax.get_ylim()[1]]
    assert len(names) >= 3 and "0.1" in names and all("^" not in n for n in names), names


def test_the_page_and_the_handout_draw_the_activations_loss_on_a_log_axis(activations):
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, parse_at, positions_of

    options = dataclasses.replace(activations[0].experiment.render, labels=ACTIVATIONS)
    views = run_views(activations, options)
    span = (0.0, max(float(v.timeline[-1]) for v in views))
    description = describe(views, options, span)
    assert description.panel("loss").loss.log  # what the page's panel-loss.js reads
    positions = positions_of(parse_at(None), views)
    handout = HandoutFigure(views, options, positions, TEXT_WIDTH)
    (ax,) = [a for a in handout.figure.axes if a.get_ylabel().startswith("RMSE")]
    assert ax.get_yscale() == "log"


def test_a_single_run_of_small_span_keeps_its_linear_axis_from_zero():
    run = train(load_experiment(EXAMPLES / "activations-tanh.toml"))  # 0.17 to 0.037: 4.6x
    scene, frames = drawn([run], "640x360")
    scene.draw_full(frames[-1])
    loss = loss_panel(scene)
    assert loss.ax.get_yscale() == "linear" and loss.ax.get_ylim()[0] == 0


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
@pytest.mark.parametrize("which", ["sigmoid", "comparison"])
def test_pcas_label_keeps_clear_of_every_curve_and_its_marker_at_every_frame(
        activations, size, which):
    """The marker (7 pt) travels the whole curve: at 1280x720, 30 % into the sigmoid clip it
    ran into "PCA, 2 components", which had kept only 3 pt from the line."""
    runs = [activations[1]] if which == "sigmoid" else activations
    scene, frames = drawn(runs, size, None if which == "sigmoid" else ACTIVATIONS)
    scene.draw_full(frames[-1])
    loss = loss_panel(scene)
    renderer = scene.figure.canvas.get_renderer()
    (label,) = [t for t in loss.ax.texts if t.get_text().startswith("PCA")]
    box = label.get_window_extent(renderer)
    radius_px = MARKER_RADIUS_PT * scene.figure.dpi / 72
    for view in scene.views:  # every recorded snapshot is where the marker is at some frame
        centers = loss.ax.transData.transform(np.column_stack([view.timeline, view.run.loss]))
        dx = np.maximum(np.maximum(box.x0 - centers[:, 0], centers[:, 0] - box.x1), 0)
        dy = np.maximum(np.maximum(box.y0 - centers[:, 1], centers[:, 1] - box.y1), 0)
        nearest = float(np.hypot(dx, dy).min())
        assert nearest >= radius_px, (view.label, nearest, radius_px)


# sparse-codes' handout: the lesson drawn as the clip draws it, not only in the caption.

def test_the_sparse_codes_handout_draws_its_penalty_and_its_near_zero_readouts():
    from aeviz.renderer.description import TERM_STYLE
    from aeviz.renderer.figure import TEXT_WIDTH, HandoutFigure, parse_at, positions_of
    from aeviz.renderer.frames import nearest_snapshot
    from aeviz.renderer.panels.sparsity import silent_shares

    run = train(load_experiment(EXAMPLES / "sparse-codes.toml"))
    views = run_views([run], run.experiment.render)
    positions = positions_of(parse_at(None), views)
    handout = HandoutFigure(views, run.experiment.render, positions, TEXT_WIDTH)
    assert not any("terms" in note for note in handout.notes), handout.notes
    figure = handout.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    # Each plane's readout: the shares of its own snapshot, "40 %" on the last.
    planes = [ax for ax in figure.axes if ax.get_title(loc="left").startswith("(")]
    assert len(planes) == len(positions)
    for ax, position in zip(planes, positions):
        shares = silent_shares(run.codes[nearest_snapshot(views[0].timeline, position)])
        (readout,) = [t for t in ax.texts if "|code| < 0.03" in t.get_text()]
        one, two = (f"{100 * share:.0f} %" for share in shares)
        assert f"1 {one}, " in readout.get_text() and f"2 {two}" in readout.get_text()
        box = readout.get_window_extent(renderer)
        (title,) = [child.get_window_extent(renderer) for child in ax.get_children()
                    if isinstance(child, Text) and child.get_text() == ax.get_title(loc="left")]
        plane = ax.get_window_extent(renderer)
        assert box.y0 >= plane.y1 and title.y0 >= box.y1 - 0.5  # between plane and title
        assert plane.x0 - 1 <= box.x0 and box.x1 <= plane.x1 + 1  # within the plane's width
    last = [t for t in planes[-1].texts if "|code|" in t.get_text()][0].get_text()
    assert int(last.rsplit("code 2 ", 1)[1].rstrip(" %")) > 100 / 3  # the caption's "over a third"
    # The penalty on its own right axis, dash-dot, named in its color, clear of PCA's label.
    (loss,) = [ax for ax in figure.axes if ax.get_ylabel() == "RMSE"]
    (twin,) = [ax for ax in figure.axes if ax is not loss and ax.bbox.bounds == loss.bbox.bounds]
    (penalty,) = twin.lines
    assert penalty.get_linestyle() == TERM_STYLE
    assert np.allclose(penalty.get_ydata(), run.terms[:, 0])
    # Its axis drawn and numbered over the penalty's range (it ran 0-1.25 beside a curve
    # under 0.45), as the clip's.
    ticks = [t for t in twin.get_yticks() if 0 <= t <= twin.get_ylim()[1]]
    largest = float(np.nanmax(run.terms))
    assert ticks[0] == 0 and largest <= ticks[-1] <= 2.5 * largest, ticks
    assert twin.spines["right"].get_bounds() == (0, ticks[-1])
    assert twin.get_ylabel() == "mean Σ|code|" and twin.yaxis.label.get_color() == \
        penalty.get_color()
    (label,) = [t for t in loss.texts if t.get_text().startswith("PCA")]
    box = label.get_window_extent(renderer)
    points = twin.transData.transform(np.column_stack(penalty.get_data()))
    inside = ((points[:, 0] >= box.x0) & (points[:, 0] <= box.x1)
              & (points[:, 1] >= box.y0 - 1) & (points[:, 1] <= box.y1 + 1))
    assert not inside.any()
    # The penalty runs under PCA's line (never along its dashes).
    (pca,) = [line for line in loss.lines if line.get_linestyle() == "--"]
    pca_y = loss.transData.transform((0, pca.get_ydata()[0]))[1]
    assert points[:, 1].max() < pca_y - 5


@pytest.mark.parametrize("width", [1280, 640])
@pytest.mark.parametrize("which", ["sigmoid", "comparison"])
def test_the_pages_pca_label_keeps_clear_of_the_marker_on_every_curve(
        activations, browser, which, width, tmp_path):
    """The page reads the description's log axis, and places PCA's label as the clip does:
    no snapshot's dot (radius 4 px) within reach of the label anywhere along the curves."""
    import aeviz

    runs = [activations[1]] if which == "sigmoid" else activations
    labels = {} if which == "sigmoid" else {"labels": ACTIVATIONS}
    page = aeviz.render(runs, tmp_path / "loss.html", notify=lambda message: None, **labels)
    browser.set_window_size(width, 900)
    try:
        driver = open_page(browser, page)
        js(driver, "aeviz.seek(aeviz.steps() - 1)")
        loss = js(driver, "aeviz.drawn('loss')")
        log = js(driver, "aeviz.description().find((p) => p.name === 'loss').loss.log")
    finally:
        browser.set_window_size(1280, 900)
    assert log == (which == "comparison")
    left, top, w, h = loss["box"]
    (x0, x1), (y0, y1) = loss["xlim"], loss["ylim"]
    (label,) = [item for item in loss["labels"] if item["text"].startswith("PCA")]
    bx0, by0, bx1, by1 = label["box"]
    for run in runs:
        timeline = run_views([run], run.experiment.render)[0].timeline
        values = np.log10(run.loss) if log else run.loss
        px = left + (timeline - x0) / (x1 - x0) * w
        py = top + (1 - (values - y0) / (y1 - y0)) * h
        dx = np.maximum(np.maximum(bx0 - px, px - bx1), 0)
        dy = np.maximum(np.maximum(by0 - py, py - by1), 0)
        assert float(np.hypot(dx, dy).min()) >= 4, (label, float(np.hypot(dx, dy).min()))


# too-high-learning-rate: a blow-up's log axis tops out just above its largest value (it ran
# to 1e43 against 7.7e27 when the room above was a share of the decades spanned).

@pytest.fixture(scope="module")
def divergence():
    return train(load_experiment(EXAMPLES / "too-high-learning-rate.toml"))


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_a_blow_ups_loss_axis_tops_out_just_above_its_largest_value(divergence, size):
    scene, frames = drawn([divergence], size)
    largest = float(np.nanmax(divergence.loss))
    assert largest > 1e20  # the lesson: a run-away by many decades
    renderer = scene.figure.canvas.get_renderer()
    for frame in (frames[len(frames) * 3 // 10], frames[len(frames) * 6 // 10], frames[-1]):
        scene.draw_full(frame)
        loss = loss_panel(scene)
        low, high = loss.ax.get_ylim()
        known = int(np.floor(frame.indexes[0])) + 1
        seen = float(np.nanmax(divergence.loss[:known]))
        # "follow" scales: the top just above the largest value recorded so far.
        assert seen <= high < 10 * seen, (frame, seen, high)
        inside = [t.get_text() for t in loss.ax.get_yticklabels()
                  if low <= t.get_position()[1] <= high and t.get_visible()]
        assert len(inside) >= 2 and all("+" not in n and "^" not in n for n in inside), inside
        # PCA's 0.0845 beside a blow-up teaches nothing: its line and label both left out.
        assert not [r for r in loss.limits.references if r.style == "--"]
        assert not [t for t in loss.ax.texts if t.get_text().startswith("PCA")]
        # The value label (top left beside a blow-up) is crossed by no curve.
        value = loss.values[0]
        box = value.get_window_extent(renderer)
        seen_points = loss.ax.transData.transform(np.column_stack(
            [loss.views[0].timeline, divergence.loss])[:known])
        crossing = ((seen_points[:, 0] >= box.x0) & (seen_points[:, 0] <= box.x1)
                    & (seen_points[:, 1] >= box.y0) & (seen_points[:, 1] <= box.y1))
        assert value.get_text().startswith("RMSE") and not crossing.any()
    assert high < 10 * largest  # the last frame: within a decade of 7.7e27, not 1e43


@pytest.mark.parametrize("size", ["640x360", "1280x720"])
def test_end_dots_at_one_place_read_as_two(tiny_run_path, size):
    """activations at epoch 300: identity's end dot hid under sigmoid's (0.0847 and 0.0874);
    then sigmoid's, drawn smaller inside identity's, read as one ring. Two runs ending at one
    place: one dot in halves, the first run's color left of the centre, the second's right;
    runs apart keep their full dots; a third at that place sits inside, smaller."""
    from aeviz import trajectory
    from aeviz.renderer.frames import Frame
    from aeviz.renderer.panels.loss import MARKER_PT, NESTED_SHARE, SPLIT_PT, end_dot_looks
    from aeviz.renderer.views import RunView
    from aeviz.settings import RenderOptions

    run = trajectory.load(tiny_run_path)
    views = [RunView(run, "first"), RunView(run, "second")]
    end = float(run.epoch[-1])
    scene = Scene(views, RenderOptions(size=size, panels=("code", "loss")), (0, end))
    scene.draw_full(Frame(end, (end, end)))
    (loss,) = [panel for panel, _ in scene.panels if isinstance(panel, LossPanel)]
    pixels = np.asarray(scene.canvas.buffer_rgba())[..., :3].astype(int)
    x, y = loss.ax.transData.transform(np.ravel(loss.markers[0].get_data()))
    row = pixels.shape[0] - round(y)
    reach = round(SPLIT_PT / 2 * scene.figure.dpi / 72)
    # Right of the centre, where the curves (ending there) draw nothing: only the second
    # run's color; left of it (over the curves' ends), the first's.
    left = pixels[row - 1:row + 2, round(x) - reach:round(x) - 1]
    right = pixels[row - 1:row + 2, round(x) + 2:round(x) + reach]
    for marker, near, other in zip(loss.markers, (left, right), (right, left)):
        rgb = np.array([int(marker.get_color()[i:i + 2], 16) for i in (1, 3, 5)])
        assert (np.abs(near - rgb).sum(axis=2) < 40).sum() >= 2, marker.get_color()
        assert not (np.abs(other - rgb).sum(axis=2) < 40).any(), marker.get_color()
    assert [m.get_fillstyle() for m in loss.markers] == ["left", "right"]
    # apart (more than a dot's radius): full dots; nearer: halves, a third inside them
    assert end_dot_looks(np.array([[0.0, 0.0], [10.0, 0.0]]), 1.0) == [(MARKER_PT, "full")] * 2
    assert end_dot_looks(np.zeros((3, 2)), 1.0) == [
        (SPLIT_PT, "left"), (SPLIT_PT, "right"), (NESTED_SHARE * MARKER_PT, "full")]


def test_a_log_axis_draws_no_reference_under_its_floor(tmp_path):
    """3-D data in a plane: PCA's 2 components reconstruct it exactly, RMSE 0, which a log
    axis cannot draw; the label (or key) had named a line that was nowhere."""
    from aeviz.settings import experiment_from_dict, parse_toml
    from tests.conftest import tiny_text

    flat = [[0.02, 0, 0], [0, 0.02, 0], [0, 0, 0]]
    text = tiny_text(data={"seed": 1, "clusters": [
        {"n": 20, "mean": [0.5, 0.0, 0.0], "cov": flat},
        {"n": 20, "mean": [-0.5, 0.3, 0.0], "cov": flat}]}, train={"epochs": 3})
    run = train(experiment_from_dict(parse_toml(text, "flat.toml"), "flat.toml"))
    for log_loss, drawn_pca in [(True, False), (False, True)]:
        options = dataclasses.replace(run.experiment.render, log_loss=log_loss)
        views = run_views([run], options)
        frames = plan_frames([v.timeline for v in views], options)
        limits = describe(views, options, (frames[0].position, frames[-1].position)).panels
        (loss,) = [panel.loss for panel in limits if panel.name == "loss"]
        assert loss.log == log_loss
        assert any(r.texts[0].startswith("PCA") for r in loss.references) == drawn_pca
        assert all(r.level >= loss.y[0] for r in loss.references)
