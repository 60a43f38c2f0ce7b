"""`aeviz figure`: handout figures with one and several runs, and their --at moments."""

import dataclasses
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest

import aeviz
from aeviz import AevizError
from aeviz.renderer import run_views
from aeviz.renderer.description import MOSAIC_SIDE, mosaic_side_for
from aeviz.renderer.figure import (
    FONT,
    PNG_DPI,
    TEXT_WIDTH,
    HandoutFigure,
    parse_at,
    positions_of,
)
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.settings.comparison import load_comparison
from aeviz.training.loop import train
from aeviz.training.model import forward
from aeviz.trajectory import load
from tests.helpers import drawn_text_boxes, overlap

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(path) -> list[str]:
    return [element.text for element in ET.parse(path).iter(f"{SVG}text")]


def test_one_run_as_pdf(run_cli, tiny_run_path, tmp_path):
    out = tmp_path / "fig.pdf"
    result = run_cli("figure", tiny_run_path, "-o", out, "--at", "0,5,last")
    assert result.exit_code == 0 and result.stdout == f"wrote {out}\n"
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(re.findall(rb"/Type /Page\b(?!s)", data)) == 1
    run_cli("figure", tiny_run_path, "-o", tmp_path / "again.pdf", "--at", "0,5,last")
    assert (tmp_path / "again.pdf").read_bytes() == data


def test_several_runs_as_svg_one_row_each(tiny_run_path, tmp_path):
    out = aeviz.figure([tiny_run_path, tiny_run_path], tmp_path / "fig.svg", at="0,0.5,last",
                       labels=["first", "second"])
    texts = svg_texts(out)
    for title in ("(a) epoch 0", "(b) epoch 6", "(c) epoch 12"):  # 0.5 of 12 epochs is 6
        assert texts.count(title) == 1  # over the top row only
    assert {"first", "second", "epoch", "RMSE", "code neuron 1"} <= set(texts)
    # 2 rows x 3 moments, 2 clusters each, plus the legend's: the points are vectors
    assert len(list(ET.parse(out).iter(f"{SVG}use"))) >= 2 * 3 * 40


@pytest.mark.parametrize("length", [60, 4000])
def test_a_long_run_name_is_cut_to_fit_and_said(run_cli, tiny_run_path, tmp_path, length):
    """A tester: a 4,000-character label gave the loss plot a negative width (a traceback);
    one of 60 ran up its row past the page's top. Each name as long as it fits, with an
    ellipsis, beside its row and at its curve's end; a note says so; the rest as drawn."""
    name = ("A run named at length " * 200)[:length]
    out = tmp_path / "fig.svg"
    result = run_cli("figure", tiny_run_path, tiny_run_path, "-o", out,
                     "--labels", f"{name},short")
    assert result.exit_code == 0, result.output
    assert "cut to fit 6.3 inches" in result.stderr and "run name A run named" in result.stderr
    texts = svg_texts(out)
    cut = [t for t in texts if t.startswith("A run named") and t.endswith("\u2026")]
    assert len(cut) == 2 and "short" in texts  # beside its row and at its curve's end
    width, height = (float(ET.parse(out).getroot().get(side).removesuffix("pt"))
                     for side in ("width", "height"))
    assert width == pytest.approx(6.3 * 72) and height <= 9 * 72


def test_a_long_title_is_cut_to_the_page_and_said(run_cli, tiny_run_path, tmp_path):
    """A tester: a 103-character comparison title ran past the page's edge, unsaid."""
    title = ("Four optimizers on one plateau: SGD, momentum, RMSProp and Adam at their own "
             "learning rates, 300 epochs")
    out = tmp_path / "fig.svg"
    result = run_cli("figure", tiny_run_path, "-o", out, "--title", title)
    assert result.exit_code == 0, result.output
    assert "note: handout: its title is cut to fit 6.3 inches" in result.stderr
    (shown,) = [t for t in svg_texts(out) if t.startswith("Four optimizers")]
    assert shown.endswith("\u2026") and title.startswith(shown[:-1].rstrip())


def test_a_fourth_runs_curve_is_not_dashed_like_pcas_line(tiny_run_path):
    """The fourth run of a comparison drew its curve dashed, as PCA's line is: in clip and
    handout the four curves have four dash patterns, none PCA's (the fourth dash-dot-dot)."""
    from aeviz.renderer.panels.loss import LossPanel
    from aeviz.renderer.scene import Scene

    run = load(tiny_run_path)
    views = [RunView(run, name) for name in ("one", "two", "three", "four")]

    def dashes(lines) -> list:  # the pattern matplotlib strokes, before scaling by width
        return [line._unscaled_dash_pattern for line in lines]

    def references(ax) -> set:  # PCA's line: level, across the axes
        return set(dashes(line for line in ax.lines if len(line.get_ydata()) == 2
                          and line.get_ydata()[0] == line.get_ydata()[1]))

    handout = HandoutFigure(views, RenderOptions(), [0.0, float(run.epoch[-1])], TEXT_WIDTH)
    assert [r.style for r in handout.description.runs] == ["-", "-.", ":", "-.."]
    (loss,) = [ax for ax in handout.figure.axes if ax.get_xlabel() == "epoch"]
    curves = dashes(line for line in loss.lines if len(line.get_xdata()) == len(run.epoch))
    assert len(curves) == 4 and len(set(curves)) == 4
    assert references(loss) and references(loss).isdisjoint(curves)
    scene = Scene(views, RenderOptions(), (0.0, float(run.epoch[-1])))
    (clip_loss,) = [panel for panel, _ in scene.panels if isinstance(panel, LossPanel)]
    assert dashes(clip_loss.lines) == curves
    assert references(clip_loss.ax) and references(clip_loss.ax).isdisjoint(curves)


def test_a_handouts_runs_have_the_clips_line_styles(tiny_run_path):
    """Identity's curve vanished under sigmoid's in the activations handout, every run solid;
    the clip draws each run in its own style: the handout draws the same, from the picture
    description."""
    from aeviz.renderer.panels.loss import LossPanel
    from aeviz.renderer.scene import Scene

    run = load(tiny_run_path)
    views = [RunView(run, name) for name in ("identity", "sigmoid", "tanh")]
    handout = HandoutFigure(views, RenderOptions(), [0.0, float(run.epoch[-1])], TEXT_WIDTH)
    (loss,) = [ax for ax in handout.figure.axes if ax.get_xlabel() == "epoch"]
    curves = [line for line in loss.lines if len(line.get_xdata()) == len(run.epoch)]
    assert [line.get_linestyle() for line in curves] == ["-", "-.", ":"]
    described = [r.style for r in handout.description.runs]
    assert described == ["-", "-.", ":"]
    scene = Scene(views, RenderOptions(), (0.0, float(run.epoch[-1])))
    (clip_loss,) = [panel for panel, _ in scene.panels if isinstance(panel, LossPanel)]
    assert [line.get_linestyle() for line in clip_loss.lines] == described


def test_png_is_the_text_width_at_200_dpi(tiny_run_path, tmp_path):
    out = aeviz.figure(tiny_run_path, tmp_path / "fig.png", at=[0, "last"])
    height, width, _ = iio.imread(out).shape
    assert width == 1260 and height > 500


@pytest.mark.parametrize("args, message", [
    (["--at", "0,99"], "--at: epoch 99 is outside the run (epochs 0 to 12)"),
    (["--at", "0,2.5"], "--at: '2.5' is not a moment: give whole epochs (50), fractions of "
                        "the run from 0 to 1 (0.5) or last"),
    (["--at", ",".join(["0"] * 9)], "--at: give 1 to 8 moments, got 9"),
    (["--labels", "a,b"], "--labels: got 2 names for 1 runs; give one per run, "
                          "comma-separated"),
])
def test_bad_figure_requests(run_cli, tiny_run_path, tmp_path, args, message):
    result = run_cli("figure", tiny_run_path, "-o", tmp_path / "f.pdf", *args)
    assert result.exit_code == 2 and result.stderr == f"Error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_figure_format_is_checked_first(tiny_run_path, tmp_path):
    with pytest.raises(AevizError, match=re.escape(
            "f.mp4: unknown figure format '.mp4' (allowed: .pdf, .svg, .png)")):
        aeviz.figure(tiny_run_path, tmp_path / "f.mp4")


def test_a_caption_goes_under_the_handout(tiny_run_path, tmp_path):
    plain = aeviz.figure(tiny_run_path, tmp_path / "plain.png", at=[0, "last"])
    caption = ("Codes at the start and the end. " * 200)[:4096]  # three lines of whole
    # sentences (a caption that does not fit ends with its last whole sentence that does)
    run = load(tiny_run_path)
    options = RenderOptions(caption=caption)
    handout = HandoutFigure([RunView(run, None)], options, [0.0, float(run.epoch[-1])],
                            TEXT_WIDTH)
    lines = [t.get_text() for t in handout.figure.texts if t.get_text().startswith("Codes")]
    shown = "\n".join(lines)  # one text per line
    assert shown.count("\n") == 2 and shown.endswith("end.") and len(shown) < len(caption) // 10
    with_caption = aeviz.figure(tiny_run_path, tmp_path / "fig.png", at=[0, "last"],
                                caption="One line.")
    (plain_height, width, _), (height, same_width, _) = (iio.imread(plain).shape,
                                                         iio.imread(with_caption).shape)
    assert same_width == width and plain_height < height < plain_height + 80  # one line more


# The slide every course shows: a plain AE and a VAE, each row of code planes with, below it,
# the decoder's mosaic over a grid of the code plane.
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def vae_vs_ae():
    """The runs examples/vae-vs-ae.toml compares, trained for 3 epochs."""
    members = load_comparison(EXAMPLES / "vae-vs-ae.toml").compare.runs
    return [train(load_experiment(EXAMPLES / f"{name}.toml", {"train.epochs": 3}))
            for name in members]


def test_the_vae_vs_ae_slide_decodes_the_grid(vae_vs_ae, tmp_path, run_cli):
    paths = []
    for number, run in enumerate(vae_vs_ae):
        paths.append(tmp_path / f"run{number}.npz")
        run.save(paths[-1])
    out = tmp_path / "slide.png"
    result = run_cli("figure", *paths, "-o", out, "--panels", "code,decoder", "--at", "0,last")
    assert result.exit_code == 0, result.stderr
    height, width, _ = iio.imread(out).shape
    assert width == 1260 and height > 1200  # four rows of planes above the loss
    options = dataclasses.replace(vae_vs_ae[0].experiment.render, panels=("code", "decoder"))
    views = run_views(vae_vs_ae, options)
    positions = positions_of(parse_at("0,last"), views)
    handout = HandoutFigure(views, options, positions, TEXT_WIDTH)
    images = [image for ax in handout.figure.axes for image in ax.get_images()]
    assert len(images) == 2 * 2  # runs x moments, row by row
    texts = {t.get_text() for t in handout.figure.texts} | {
        ax.get_ylabel() for ax in handout.figure.axes}
    assert {"plain AE, decoded", "VAE, decoded"} <= texts
    height, width = vae_vs_ae[0].experiment.data.image_shape
    for number, image in enumerate(images):
        view, snapshot = views[number // 2], [0, -1][number % 2]
        run = view.run
        # the clip's grid (one region for both runs, as their code planes), as many images
        # as a cell holds by the clip's rule (PNG pixels): the same for every cell
        described = handout.description.panel("decoder", number // 2).decoder
        assert described == handout.description.panel("decoder", 0).decoder
        room = handout.cell * PNG_DPI
        side = mosaic_side_for((room, room), (height, width))
        assert 3 <= side <= MOSAIC_SIDE
        grid = dataclasses.replace(described, side=side).points()
        layer = run.code_layer
        decoded = forward(grid, [w[snapshot].astype(float) for w in run.weights[layer:]],
                          [b[snapshot].astype(float) for b in run.biases[layer:]],
                          run.activations[layer:])[-1]
        # image row r, column c of the mosaic: the grid's point r * side + c, the images one
        # pixel apart as in clips (NaN: the background), or the digits merge into stripes
        tiles = np.pad(decoded.reshape(side, side, height, width),
                       ((0, 0), (0, 0), (0, 1), (0, 1)), constant_values=np.nan)
        expected = tiles.transpose(0, 2, 1, 3).reshape(side * (height + 1), -1)[:-1, :-1]
        np.testing.assert_allclose(np.ma.filled(image.get_array(), np.nan), expected,
                                   rtol=1e-12)
    assert not np.allclose(images[0].get_array(), images[1].get_array())  # it trained


def test_no_decoder_row_unless_asked(vae_vs_ae):
    options = dataclasses.replace(vae_vs_ae[0].experiment.render, panels=("code", "loss"))
    views = run_views(vae_vs_ae, options)
    handout = HandoutFigure(views, options, [0.0], TEXT_WIDTH)
    assert not any(ax.get_images() for ax in handout.figure.axes)
    assert len(handout.figure.axes) == 2 + 1  # two planes and the loss


def test_the_decoder_row_of_a_handout_has_no_overlapping_text(vae_vs_ae, monkeypatch):
    options = dataclasses.replace(vae_vs_ae[0].experiment.render, panels=("code", "decoder"))
    views = run_views(vae_vs_ae, options)
    positions = positions_of(parse_at(None), views)
    handout = HandoutFigure(views, options, positions, 5.0)
    boxes = drawn_text_boxes(handout.figure, monkeypatch)
    assert "VAE, decoded" in [text for text, _ in boxes]
    for i, (text, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1:]:
            assert not overlap(box, other_box), (text, other)


def test_tick_labels_of_neighbouring_planes_keep_a_space_between_them():
    """Found by a lecturer's look: the digits handout's planes sit close, and the "5" at one
    plane's right edge and the "−10" at the next one's left, a word space apart, read as
    one label, "5 −10". A label nearer than an em to one drawn before it is hidden, as one
    overlapping it is; a label beyond its axis's limits, not drawn, hides none."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from aeviz.renderer.figure import FONT, hide_colliding_ticks

    figure = Figure(figsize=(4, 1), dpi=200)
    FigureCanvasAgg(figure)
    left = figure.add_axes((0.05, 0.5, 0.4, 0.4))
    right = figure.add_axes((0.55, 0.5, 0.4, 0.4))
    for ax in (left, right):
        ax.set_xlim(-10, 5)
        ax.set_xticks([-15, -10, -5, 0, 5, 10])  # as a locator places them: some beyond
        ax.set_xlim(-10, 5)
        ax.tick_params(labelsize=FONT["tick"], labelleft=False)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    five = left.xaxis.get_major_ticks()[-2].label1
    ten = right.xaxis.get_major_ticks()[1].label1
    # The right plane moved so its "−10" starts a word space (3 pt) after the left one's "5"
    # ends, as in the digits handout.
    space = 3 * figure.dpi / 72
    shift = (five.get_window_extent(renderer).x1 + space - ten.get_window_extent(renderer).x0)
    box = right.get_position()
    right.set_position((box.x0 + shift / figure.bbox.width, box.y0, box.width, box.height))
    figure.canvas.draw()
    apart = ten.get_window_extent(renderer).x0 - five.get_window_extent(renderer).x1
    assert space - 1 < apart < space + 1
    hide_colliding_ticks(figure)
    assert five.get_visible() and not ten.get_visible()
    shown = [t.label1.get_text() for ax in (left, right) for t in ax.xaxis.get_major_ticks()
             if t.label1.get_visible() and -10 <= t.get_loc() <= 5]
    # The others stay: the labels beyond the limits (not drawn) hide none of them.
    assert shown == ["−10", "−5", "0", "5", "−5", "0", "5"]


def test_the_handouts_key_lists_classes_then_marks_as_the_clip_does_each_clear_of_its_name(
        tiny_run_path):
    """The handout's key put "decoder's grid points" before the classes, where the clip's code
    plane puts it after them; a line's sample touched its name ("——decoded grid")."""
    run = load(tiny_run_path)
    options = RenderOptions(panels=("code", "decoder"))
    handout = HandoutFigure(run_views([run], options), options, [0.0, float(run.epoch[-1])],
                            TEXT_WIDTH)
    _, names = handout._key()
    classes = [name for name in names if name.startswith("cluster")]
    assert classes and names[:len(classes)] == classes  # the classes first ...
    marks = names[len(classes):]
    assert marks[0] == "decoder's grid points" and "decoded grid" in marks  # ... then the marks
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    (legend,) = handout.figure.legends
    em = FONT["label"] * handout.figure.dpi / 72
    for handle, text in zip(legend.legend_handles, legend.get_texts()):
        if text.get_text() and handle.get_linestyle() not in ("None", ""):  # a line's sample
            gap = text.get_window_extent(renderer).x0 - handle.get_window_extent(renderer).x1
            assert gap >= 0.4 * em, (text.get_text(), gap)


def test_a_handouts_key_folded_in_two_rows_reads_left_to_right(vae_vs_ae):
    """Found by a lecturer's look: matplotlib fills a key column by column, so the vae-vs-ae
    key folded in two rows read "0 2 4 6 8 / 1 3 5 7 9". Read row by row, as drawn, the
    classes come in order, each row's marks after its classes."""
    options = dataclasses.replace(vae_vs_ae[0].experiment.render, panels=("code", "decoder"))
    views = run_views(vae_vs_ae, options)
    handout = HandoutFigure(views, options, [0.0], TEXT_WIDTH)
    handout.figure.canvas.draw()
    renderer = handout.figure.canvas.get_renderer()
    (legend,) = handout.figure.legends
    drawn = [(round(box.y0), box.x0, text.get_text()) for text in legend.get_texts()
             if text.get_text() for box in [text.get_window_extent(renderer)]]
    rows = sorted({y for y, _, _ in drawn}, reverse=True)
    assert len(rows) == 2
    read = [[name for y, _, name in sorted(drawn, key=lambda d: d[1]) if y == row]
            for row in rows]
    _, names = handout._key()
    classes = names[:handout.key_classes]
    assert [name for row in read for name in row if name in classes] == classes
    for row in read:  # the classes first, then the marks
        kinds = [name in classes for name in row]
        assert kinds == sorted(kinds, reverse=True), row


def test_a_clips_code_plane_key_folded_in_rows_reads_left_to_right(vae_vs_ae):
    """The code plane's key of ten digits at 640x360 folds into rows: each reads left to
    right ("0 1 2 3 / 4 5 6 7 / 8 9"), not down the columns ("0 3 6 9 / 1 4 7")."""
    from aeviz.renderer.frames import Frame
    from aeviz.renderer.panels.code import CodePanel
    from aeviz.renderer.scene import Scene

    run = vae_vs_ae[0]
    end = float(run.epoch[-1])
    options = dataclasses.replace(run.experiment.render, size="640x360",
                                  panels=("code", "loss", "recon"))
    scene = Scene([RunView(run, "plain AE")], options, (0, end))
    scene.draw_full(Frame(end, (end,)))
    (code,) = [panel for panel, _ in scene.panels if isinstance(panel, CodePanel)]
    renderer = scene.canvas.get_renderer()
    drawn = [(-round(t.get_window_extent(renderer).y0), t.get_window_extent(renderer).x0,
              t.get_text()) for t in code.ax.get_legend().get_texts() if t.get_text()]
    assert len({y for y, _, _ in drawn}) >= 2  # folded
    assert [text for _, _, text in sorted(drawn)] == [str(d) for d in range(10)]


def test_a_comparisons_classes_key_folded_in_two_rows_reads_left_to_right(vae_vs_ae):
    """The classes' key above a comparison's planes folds into two rows where one is wider
    than the frame: each row reads left to right, as the handout's key."""
    from matplotlib.lines import Line2D

    from aeviz.renderer.scene import Scene

    end = float(vae_vs_ae[0].epoch[-1])
    options = dataclasses.replace(vae_vs_ae[0].experiment.render, size="640x360")
    scene = Scene([RunView(run, name) for run, name in zip(vae_vs_ae, ("AE", "VAE"))],
                  options, (0, end))
    for legend in list(scene.figure.legends):
        legend.remove()
    names = [f"class {n}" for n in range(24)]  # too many for one row at 640 px
    scene._classes_key([Line2D([], [], marker="o", ls="") for _ in names], names, 0.9)
    (legend,) = scene.figure.legends
    scene.canvas.draw()
    renderer = scene.canvas.get_renderer()
    drawn = [(-round(t.get_window_extent(renderer).y0), t.get_window_extent(renderer).x0,
              t.get_text()) for t in legend.get_texts() if t.get_text()]
    assert len({y for y, _, _ in drawn}) == 2
    assert [text for _, _, text in sorted(drawn)] == names


def test_the_first_and_last_moments_dots_are_drawn_whole(tiny_run_path):
    """linear-vs-pca's handout: the dots of (a) at epoch 0 and (d) at the last epoch sit on
    the loss axes' left and right edges and were cut in half there: drawn whole, each
    dot's outer half shows in the margin beyond the axes."""
    run = load(tiny_run_path)
    views = [RunView(run, "run")]
    handout = HandoutFigure(views, RenderOptions(), [0.0, float(run.epoch[-1])], TEXT_WIDTH)
    handout.figure.set_dpi(400)  # a dot 18 pixels wide
    canvas = handout.figure.canvas
    canvas.draw()
    (loss,) = [ax for ax in handout.figure.axes if ax.get_xlabel() == "epoch"]
    (dots,) = [line for line in loss.lines if line.get_marker() == "o"]
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].astype(int)
    rgb = np.array([int(dots.get_color()[i:i + 2], 16) for i in (1, 3, 5)])
    frame = loss.get_window_extent()
    radius = dots.get_markersize() / 2 * handout.figure.dpi / 72
    for x, y in loss.transData.transform(np.column_stack([dots.get_xdata(),
                                                          dots.get_ydata()])):
        row = pixels.shape[0] - round(y)
        beyond = slice(round(frame.x0 - radius / 2) - 2, round(frame.x0) - 2) \
            if x < frame.x1 / 2 else slice(round(frame.x1) + 2, round(frame.x1 + radius / 2) + 2)
        near = pixels[row - 1:row + 2, beyond]
        assert (np.abs(near - rgb).sum(axis=2) < 60).any(), (x, y)


def test_runs_whose_curves_are_apart_are_solid_and_close_ones_dashed(tiny_run_path):
    """denoising-vs-plain: the denoising run's jagged curve, drawn dash-dot, read as a smeared
    band (and, after the denoising clip, as its dashed objective). Runs whose curves lie
    apart are told apart by their colors: both solid; a run whose curve runs on an earlier
    one's is dashed, so both stay seen; handout and clip draw what the description says."""
    from aeviz.renderer.panels.loss import LossPanel
    from aeviz.renderer.scene import Scene

    run = load(tiny_run_path)
    apart = dataclasses.replace(run, loss=np.asarray(run.loss) * 3 + 0.2)
    for runs, styles in (([run, apart], ["-", "-"]), ([run, run], ["-", "-."]),
                         ([run, apart, run], ["-", "-", ":"])):
        views = [RunView(r, name) for r, name in zip(runs, ("one", "two", "three"))]
        handout = HandoutFigure(views, RenderOptions(), [0.0, float(run.epoch[-1])],
                                TEXT_WIDTH)
        assert [r.style for r in handout.description.runs] == styles
        (loss,) = [ax for ax in handout.figure.axes if ax.get_xlabel() == "epoch"]
        curves = [line for line in loss.lines if len(line.get_xdata()) == len(run.epoch)]
        assert [line.get_linestyle() for line in curves] == styles
        scene = Scene(views, RenderOptions(), (0.0, float(run.epoch[-1])))
        (clip_loss,) = [panel for panel, _ in scene.panels if isinstance(panel, LossPanel)]
        assert [line.get_linestyle() for line in clip_loss.lines] == styles


def test_figure_takes_pca_ghost_as_its_table_does(tmp_path, run_cli, tiny_run_path):
    """README lists --pca-ghost for handouts (the rings are drawn by the clip's own overlay),
    but `aeviz figure` said "No such option": only `[render] pca_ghost` reached it."""
    out = tmp_path / "rings.png"
    result = run_cli("figure", tiny_run_path, "-o", out, "--pca-ghost", "-q")
    assert result.exit_code == 0 and out.is_file(), result.output


def loss_axes(handout):
    (loss,) = [ax for ax in handout.figure.axes if ax.get_xlabel() == "epoch"]
    return loss


def test_each_runs_name_stays_by_its_own_curves_end(tiny_run_path):
    """optimizers' handout: the names at the curves' right ends, moved apart bottom up, put
    "RMSProp" beside Momentum's red dot (0.054), none beside RMSProp's (0.042), "Momentum"
    above both. Names keep their curves' ends' order, and each is nearer its own end than
    any other's or joined to its own end by a line in its color (a grey print tells them)."""
    run = load(tiny_run_path)
    ends = {"SGD": 0.087, "Momentum": 0.054, "RMSProp": 0.042, "Adam": 0.035}
    fall = np.linspace(0, 1, len(run.loss)) ** 0.2
    runs = [dataclasses.replace(run, loss=0.17 - (0.17 - end) * fall) for end in ends.values()]
    views = [RunView(r, name) for r, name in zip(runs, ends)]
    handout = HandoutFigure(views, RenderOptions(), [0.0, float(run.epoch[-1])], TEXT_WIDTH)
    loss = loss_axes(handout)
    to_axes = loss.transData + loss.transAxes.inverted()
    at = {name: to_axes.transform((run.epoch[-1], end))[1] for name, end in ends.items()}
    texts = {text.get_text(): text for text in loss.texts if text.get_text() in ends}
    heights = {name: text.get_position()[1] for name, text in texts.items()}
    assert sorted(ends, key=heights.get) == sorted(ends, key=ends.get)
    for number, name in enumerate(ends):
        if min(at, key=lambda other: abs(at[other] - heights[name])) == name:
            continue
        leaders = [line for line in loss.lines if line.get_transform() == loss.transAxes
                   and line.get_color() == handout.colors[number]]
        assert len(leaders) == 1, name
        (x0, x1), (y0, y1) = leaders[0].get_xdata(), leaders[0].get_ydata()
        assert 1 <= x0 < x1 < texts[name].get_position()[0] and x0 < 1.02, name
        assert y0 == pytest.approx(at[name]) and y1 == pytest.approx(heights[name]), name


@pytest.mark.parametrize("count", [2, 3, 4])
def test_runs_dots_at_one_place_all_show_at_every_moment(tiny_run_path, count):
    """At moment (a) the four optimizers share one start dot and only Adam's olive showed;
    activations' identity's end dot hid under sigmoid's. A handout draws runs' dots at one
    place as clips and pages draw their end dots (panels/loss.py end_dot_looks): the halves
    of one dot, a third inside, a fourth and the third that inner dot's halves. Every run's
    color shows at every moment's dot (the curves hidden, which pass there too)."""
    run = load(tiny_run_path)
    names = ("one", "two", "three", "four")[:count]
    views = [RunView(run, name) for name in names]
    positions = [0.0, 5.0, float(run.epoch[-1])]
    handout = HandoutFigure(views, RenderOptions(), positions, TEXT_WIDTH)
    handout.figure.set_dpi(600)
    loss = loss_axes(handout)
    dots = [line for line in loss.lines if line.get_marker() == "o"]
    for line in loss.lines:
        line.set_visible(line in dots)
    handout.figure.canvas.draw()
    pixels = np.asarray(handout.figure.canvas.buffer_rgba())[..., :3].astype(int)
    reach = round(max(line.get_markersize() for line in dots) / 2 * handout.figure.dpi / 72)
    for position in positions:
        x, y = loss.transData.transform((position, run.loss[list(run.epoch).index(position)]))
        row, column = pixels.shape[0] - round(y), round(x)
        near = pixels[row - reach:row + reach + 1, column - reach:column + reach + 1]
        for color in handout.colors:
            rgb = np.array([int(color[i:i + 2], 16) for i in (1, 3, 5)])
            assert (np.abs(near - rgb).sum(axis=2) < 40).sum() >= 4, (position, color)
    if count == 2:  # the first run's half left of the centre, the second's right
        assert sorted(line.get_fillstyle() for line in dots) == ["left", "right"]


def test_readme_tells_dots_at_one_place_as_they_are_drawn():
    """README said runs ending at one place "nest their dots, a later run's smaller inside the
    earlier's", while clips and pages drew halves, and now handouts too: it says halves, and
    four runs at one place are drawn as it says (outer halves, the inner dot's halves)."""
    from aeviz.renderer.figure import MOMENT_MARKER_PT
    from aeviz.renderer.panels.loss import end_dot_looks

    readme = " ".join((Path(__file__).parent.parent / "README.md").read_text().split())
    assert "nest their dots" not in readme
    assert ("share one dot, drawn as its halves (the earlier run's left, the later's right; a "
            "third run there a smaller dot inside, a fourth and the third that dot's halves), "
            "in clip, page and handout alike") in readme
    looks = end_dot_looks(np.zeros((4, 2)), 1.0, MOMENT_MARKER_PT)
    assert [fill for _, fill in looks] == ["left", "right", "left", "right"]
    assert looks[0][0] == looks[1][0] > looks[2][0] == looks[3][0]
