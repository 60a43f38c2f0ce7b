"""Rendering: decoded outputs have the expected frames and sizes; blitting equals redrawing."""

import dataclasses
import shutil
import tempfile
import tracemalloc
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import aeviz
from aeviz import trajectory
from aeviz.cli import cli
from aeviz.errors import AevizError
from aeviz.renderer import render
from aeviz.renderer.frames import Frame
from aeviz.renderer.scales import code_scale, shrunk_runs
from aeviz.renderer.scene import Scene
from aeviz.renderer.theme import THEMES, run_colors
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.training.loop import train
from tests.conftest import tiny_text
from tests.helpers import SMALL_SIZE, decode_mp4, png_size, scene_frame, trained, write_csv
from tests.strategies import REFUSED_SIZES, examples, render_flags

SMALL = RenderOptions(size="320x180", duration=0, hold=0)  # a frame per snapshot



def test_mp4_has_one_frame_per_snapshot(run, tmp_path):
    out = tmp_path / "clip.mp4"
    frames = render([run], out, SMALL)
    assert len(frames) == len(run) == 13
    meta, decoded = decode_mp4(out)
    assert meta["size"] == (320, 180) and meta["fps"] == 30
    assert len(decoded) == 13 and len(decoded[0]) == 320 * 180 * 3
    data = out.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # +faststart: index first, for streaming
    assert b"avc1" in data  # H.264


def test_mp4_duration_hold_and_even_size(run, tmp_path):
    out = tmp_path / "clip.mp4"
    notes = []
    options = RenderOptions(size="323x181", fps=10, duration=2, hold=0.5)
    render([run], out, options, notify=notes.append)
    meta, decoded = decode_mp4(out)
    assert meta["size"] == (322, 180) and len(decoded) == 20 + 5
    assert notes == ["size 323x181 rounded to 322x180 (H.264 needs even sides)"]


def test_an_allowed_odd_size_whose_even_rounding_is_not_allowed_still_renders(run, tmp_path):
    """331x186 is allowed; the 330x186 H.264 needs is a hair narrower than 16:9. The clip is
    made, not refused by the size check halfway through the render."""
    out = tmp_path / "clip.mp4"
    notes = []
    render([run], out, RenderOptions(size="331x186", duration=0, hold=0), notify=notes.append)
    assert decode_mp4(out)[0]["size"] == (330, 186)
    assert notes == ["size 331x186 rounded to 330x186 (H.264 needs even sides)"]


def test_log_pace_clip_has_the_planned_frames(run, tmp_path):
    out = tmp_path / "log.mp4"
    options = RenderOptions(size="320x180", fps=10, duration=2, hold=0.5, pace="log")
    frames = render([run], out, options)
    expected = np.expm1(np.linspace(0, np.log(13), 20))  # epochs 0..12, evenly in log(1+e)
    # in-between frames interpolate (log pace does not stutter)
    assert [f.indexes[0] for f in frames[:20]] == pytest.approx(expected, abs=1e-9)
    assert len(decode_mp4(out)[1]) == 20 + 5
    # half the clip shows epochs 0 to 2 (a linear pace: 0 to 5)
    assert 2 <= max(f.indexes[0] for f in frames[:10]) < 3


def test_gif_frames_size_and_loop(run, tmp_path):
    out = tmp_path / "clip.gif"
    render([run], out, RenderOptions(size="320x180", every=3, duration=0, hold=0))
    frames = iio.imread(out, index=None)
    assert frames.shape[:3] == (5, 180, 320)  # snapshots 0, 3, 6, 9, 12
    assert iio.immeta(out, index=0).get("loop") == 0  # loops forever


def test_png_is_one_frame_at_the_nearest_snapshot(run, tmp_path):
    out = tmp_path / "still.png"
    notes = []
    frames = render([run], out, RenderOptions(size="640x360"), epoch=4.4, notify=notes.append)
    assert iio.imread(out).shape == (360, 640, 3)
    assert frames == [Frame(4.0, (4.0,))]
    assert notes == ["epoch 4.4 was not recorded; showing the nearest snapshot, epoch 4"]


def test_dark_theme_and_weights_only(run, tmp_path):
    out = tmp_path / "dark.png"
    render([run], out, RenderOptions(size="320x180", theme="dark", panels=("weights",)))
    pixels = iio.imread(out)
    assert pixels.shape == (180, 320, 3)
    assert np.median(pixels) < 60  # a dark background
    render([run], tmp_path / "w.mp4", dataclasses.replace(SMALL, panels=("weights",)))
    assert len(decode_mp4(tmp_path / "w.mp4")[1]) == 13




def test_same_input_gives_byte_identical_files(run, tmp_path):
    for name in ("a.mp4", "b.mp4", "a.gif", "b.gif"):
        render([run], tmp_path / name, SMALL)
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()
    assert (tmp_path / "a.gif").read_bytes() == (tmp_path / "b.gif").read_bytes()


@pytest.mark.slow  # (tracemalloc slows every allocation down)
def test_memory_does_not_grow_with_frames(run, tmp_path):
    def peak(frame_count):
        tracemalloc.start()
        render([run], tmp_path / "m.mp4", RenderOptions(size="320x180", duration=frame_count / 30,
                                                       hold=0))
        result = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return result

    peak(10)  # warm caches (fonts, glyphs)
    frame_bytes = 320 * 180 * 4
    assert peak(90) < peak(10) + 4 * frame_bytes  # holding the frames would take 80 more


def test_no_temp_files_are_left_behind(run, tmp_path, monkeypatch):
    from aeviz.renderer import writers

    monkeypatch.setattr(writers, "ffmpeg_exe", lambda: shutil.which("false") or "/bin/false")
    with pytest.raises(Exception, match=r"ffmpeg failed"):
        render([run], tmp_path / "x.mp4", SMALL)
    assert list(tmp_path.iterdir()) == []


# One scale per quantity, one color per run: identical states look identical, whatever the
# order of the runs, the theme, and the picture (clip, still, handout).


@pytest.fixture(scope="module")
def two_optimizers(tmp_path_factory):
    """Two runs of one experiment that differ only in the optimizer: at epoch 0 their codes
    and weights are the same; SGD's weights then stay smaller than Adam's."""

    folder = tmp_path_factory.mktemp("pair")
    runs = []
    for name, optimizer, rate in (("Slow", "sgd", 0.01), ("Fast", "adam", 0.05)):
        path = folder / f"{name}.toml"
        path.write_text(tiny_text(label=name, train={"optimizer": optimizer,
                                                     "learning_rate": rate}))
        runs.append(train(load_experiment(path)))
    return runs


def comparison_scene(runs, **options):
    from aeviz.renderer import run_views
    from aeviz.renderer.scene import Scene

    chosen = RenderOptions(size="640x360", **options)
    views = run_views(runs, chosen)
    return Scene(views, chosen, (0.0, float(runs[0].epoch[-1])))


def panels_of(scene, kind):
    return {scene.views[run].label: panel for panel, run in scene.panels
            if type(panel).__name__ == kind}


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_identical_states_look_identical_and_runs_keep_their_colors(two_optimizers, theme):
    colors = {}
    for runs in (two_optimizers, two_optimizers[::-1]):
        scene = comparison_scene(runs, theme=theme)
        codes, weights = panels_of(scene, "CodePanel"), panels_of(scene, "WeightPanel")
        # the planes share their limits, the graphs their color scale
        assert codes["Slow"].ax.get_xlim() == codes["Fast"].ax.get_xlim()
        assert codes["Slow"].ax.get_ylim() == codes["Fast"].ax.get_ylim()
        assert weights["Slow"].norm is weights["Fast"].norm
        # at epoch 0 both planes show the same picture: the same points, where the same
        # limits put them, in axes of the same size
        scene.draw(Frame(0.0, (0.0, 0.0)))
        slow, fast = codes["Slow"], codes["Fast"]
        for a, b in zip(slow.points, fast.points):
            assert np.array_equal(a.get_xydata(), b.get_xydata())
        assert np.allclose(slow.ax.get_window_extent().size, fast.ax.get_window_extent().size,
                           atol=1)
        loss = [p for p, run in scene.panels if run is None][0]
        for view, line in zip(scene.views, loss.lines):
            colors.setdefault(view.label, line.get_color())
            assert line.get_color() == colors[view.label]  # fixed by name, not position
            assert codes[view.label].ax.get_title(loc="left") == view.label
    assert colors["Slow"] != colors["Fast"]
    assert set(colors.values()) <= set(THEMES[theme].runs) and \
        not set(colors.values()) & set(THEMES[theme].clusters)  # never a class's color
    # the handout gives each run the same color, in either order
    from aeviz.renderer import run_views
    from aeviz.renderer.figure import HandoutFigure

    for runs in (two_optimizers, two_optimizers[::-1]):
        views = run_views(runs, RenderOptions(theme=theme))
        handout = HandoutFigure(views, RenderOptions(theme=theme), [0.0, 12.0], 6.3)
        assert dict(zip([v.label for v in views], handout.colors)) == colors


def test_own_scales_give_each_run_its_own(two_optimizers):
    scene = comparison_scene(two_optimizers, scales="own")
    weights = panels_of(scene, "WeightPanel")
    assert weights["Slow"].norm.vmax < weights["Fast"].norm.vmax


def test_class_colors_are_one_palette_in_both_themes():
    light, dark = THEMES["light"], THEMES["dark"]
    assert light.clusters == dark.clusters and len(set(light.clusters)) == 10
    # Each theme has its own run family (see test_lessons for how far from the classes),
    # as many colors, so a run keeps its place in the palette in both.
    assert len(light.runs) == len(dark.runs) and not set(light.runs) & set(light.clusters)
    four = dict(zip(["SGD", "Momentum", "RMSProp", "Adam"],
                    run_colors(light, ["SGD", "Momentum", "RMSProp", "Adam"])))
    assert len(set(four.values())) == 4
    for names in (["Adam", "SGD", "Momentum"], ["SGD", "Adam"], ["RMSProp"]):  # any subset
        assert run_colors(light, names) == [four[name] for name in names]
    # names that want one color: the first in sorted order keeps it, the other moves on
    first, second = run_colors(light, ["first", "second"])
    assert first != second and run_colors(light, ["second", "first"]) == [second, first]


def test_a_run_that_shared_scales_shrink_gets_a_note():
    rng = np.random.default_rng(0)
    big = rng.normal(size=(3, 50, 2)) * 100
    small = rng.normal(size=(3, 50, 2)) * 0.5
    scale = code_scale([big, small])
    notes = shrunk_runs(["big", "small"], [big, small], scale, 200)
    assert len(notes) == 1 and notes[0].startswith("small's codes span only about")
    assert notes[0].endswith("--scales own gives each run its own")


def test_follow_scales_grow_with_the_codes_frame_by_frame(run):
    """A trajectory whose codes grow tenfold each snapshot: the plane zooms out with them."""
    from aeviz.renderer.scene import Scene

    view = RunView(run)
    view.codes = view.codes * (10.0 ** np.arange(len(run)))[:, None, None]
    options = RenderOptions(size="320x180", scales="follow")
    scene = Scene([view], options, (0.0, float(run.epoch[-1])))
    code = [p for p, _ in scene.panels if type(p).__name__ == "CodePanel"][0]
    spans = []
    for snapshot in range(len(run)):
        scene.draw(Frame(float(view.timeline[snapshot]), (float(snapshot),)))
        spans.append(np.ptp(code.ax.get_xlim()))
    assert all(later > 5 * earlier for earlier, later in zip(spans, spans[1:]))


def test_help_texts_name_every_format_and_the_demo_defaults(run_cli):
    from aeviz.renderer import CLIPS, STILLS
    from aeviz.settings import load_default

    text = " ".join(run_cli("render", "--help").stdout.split())
    output = text[text.index("-o, --output"):text.index("--fps")]
    epoch = text[text.index("--epoch"):text.index("-q, --quiet")]
    assert all(kind in output for kind in CLIPS + STILLS)
    assert all(kind in epoch for kind in STILLS) and "nearest recorded snapshot" in epoch
    demo = " ".join(run_cli("demo", "--help").stdout.split())
    assert f"epochs get more [{load_default().render.pace}]" in demo
    figure = " ".join(run_cli("figure", "--help").stdout.split())
    assert "--scales [shared|own|follow]" in figure and "--fps" not in figure


def test_a_trajectory_prints_as_one_short_line(run):
    text = repr(run)
    assert text.startswith("<aeviz Trajectory 'tiny': 13 snapshots, ") and len(text) < 200


def test_comparison_is_synchronized_and_finished_runs_hold(two_runs, tmp_path):
    long, short = two_runs
    out = tmp_path / "cmp.mp4"
    frames = render([long, short], out, RenderOptions(size="320x180", labels=("adam", "sgd"),
                                                          duration=0, hold=0))
    assert len(frames) == 13
    assert [f.indexes for f in frames][-2:] == [(11, 5), (12, 5)]
    meta, decoded = decode_mp4(out)
    assert meta["size"] == (320, 180) and len(decoded) == 13
    scene = Scene([RunView(long, "adam"), RunView(short, "sgd")], RenderOptions(), (0, 12))
    scene.draw(frames[-1])
    loss_panel = next(p for p, run in scene.panels if run is None)
    assert [t.get_text() for t in loss_panel.values][1].endswith("(finished)")
    assert scene.figure.texts[0].get_text() == "tiny"  # the title both runs share


def test_a_comparison_still_at_an_epoch_does_not_depend_on_the_runs_order(two_runs, tmp_path):
    long, short = two_runs  # epochs 0 to 12, and 0 to 5
    for runs in ([long, short], [short, long]):
        notes: list[str] = []
        frames = render(runs, tmp_path / "cmp.png", RenderOptions(size="320x180"), epoch=9,
                        notify=notes.append)
        assert frames[0].position == 9.0
        assert sorted(frames[0].indexes) == [5, 9]  # the short run holds its last snapshot
        assert notes == [f"run {runs.index(short) + 1} ended before epoch 9: shown at its "
                         "last snapshot"]
        with pytest.raises(AevizError, match=r"^epoch: 13 is outside the runs "
                                             r"\(epochs 0 to 12\)$"):
            render(runs, tmp_path / "cmp.png", RenderOptions(size="320x180"), epoch=13)


def test_bad_combinations(run_cli, tiny_run_path, tmp_path):
    smooth_png = run_cli("render", tiny_run_path, "-o", tmp_path / "a.png", "--smooth", "2")
    assert smooth_png.exit_code == 2
    assert smooth_png.stderr == ("Error: --smooth: makes frames between snapshots, which a "
                                 "single .png frame cannot show; use a clip (.mp4, .webm, .gif, "
                                 ".webp)\n")
    labels = run_cli("render", tiny_run_path, tiny_run_path, "-o", tmp_path / "a.mp4",
                     "--labels", "one")
    assert labels.exit_code == 2
    assert labels.stderr == ("Error: --labels: got 1 names for 2 runs; give one per run, "
                             "comma-separated\n")
    trails = run_cli("render", tiny_run_path, "-o", tmp_path / "a.mp4", "--trails", "-1")
    assert trails.exit_code == 2 and trails.stderr == "Error: --trails: must be >= 0, got -1\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("variational", [False, True])
def test_the_weight_graph_shows_a_vaes_log_variance_neurons(tmp_path, variational):
    # The code column holds the means (above, read by the decoder) and the log-variances
    # (below), each fed by every neuron of the last encoder layer, on the one color scale.
    path = tmp_path / "e.toml"
    path.write_text(tiny_text(model={"variational": variational}, train={"epochs": 3}))
    run = train(load_experiment(path))
    assert run.variational == variational
    options = RenderOptions(size="1280x720", panels=("code", "weights"))
    scene = Scene([RunView(run)], options, (0.0, 3.0))
    (panel,) = panels_of(scene, "WeightPanel").values()
    panel.update(scene.views[0].state(len(run) - 1))
    neurons = sum(run.layer_sizes)  # every neuron is shown in this small network
    edges = sum(a * b for a, b in zip(run.layer_sizes, run.layer_sizes[1:]))
    names = [a.get_text() for a in panel.ax.texts if a.get_text() in ("μ", "log σ²")]
    if not variational:
        assert len(panel.neurons.get_offsets()) == neurons and len(panel.paths) == edges
        assert names == []
        return
    code = run.code_layer
    assert len(panel.neurons.get_offsets()) == neurons + 2
    assert len(panel.paths) == edges + 2 * run.layer_sizes[code - 1]
    assert names == ["μ", "log σ²"]
    offsets = panel.neurons.get_offsets()
    means, logvars = offsets[sum(run.layer_sizes[:code]):][:2], offsets[-2:]
    assert np.all(means[:, 0] == code) and np.all(logvars[:, 0] == code)
    assert logvars[:, 1].max() < means[:, 1].min()
    expected = panel.cmap(panel.norm(run.logvar_biases[-1]))
    np.testing.assert_allclose(panel.neurons.get_facecolors()[-2:], expected)
    # the log-variance edges carry W_logvar's values, on the weights' color scale
    shown = np.sort(panel.edges.get_array())
    assert all(np.isin(run.logvar_weights[-1].ravel(), shown))


@pytest.mark.parametrize("size, panels", [
    ("320x180", "code,loss,weights,recon"),  # the least
    ("800x500", "code,loss,weights"),  # the least 16:10
    ("800x600", "code,loss,weights,recon"),  # the least 4:3
    ("1440x180", "code,loss,weights"),  # the least 8:1
    ("320x180", "weights"),
])
def test_extreme_allowed_sizes_are_drawn(run_cli, tiny_run_path, tmp_path, size, panels):
    out = tmp_path / "x.png"
    result = run_cli("render", tiny_run_path, "-o", out, "--size", size, "--panels", panels)
    assert result.exit_code == 0, result.stderr
    assert png_size(out) == tuple(map(int, size.split("x")))


@settings(deadline=None)
@given(size=REFUSED_SIZES)
def test_sizes_that_do_not_lay_out_cleanly_are_refused(run_cli, tiny_run_path, size):
    """300x2000, 100x100, 64x64, 7680x64 and 64x7680 were drawn, title over epoch counter,
    labels over each other, panels of no width: each is now one line and no file."""
    text = f"{size[0]}x{size[1]}"
    with tempfile.TemporaryDirectory() as folder:
        result = run_cli("render", tiny_run_path, "-o", Path(folder) / "x.png", "--size", text)
        assert result.exit_code == 2 and list(Path(folder).iterdir()) == []
    assert result.stderr == (f"Error: --size: got {text}; a frame must be at least 320x180 "
                             "(800 wide if narrower than 16:9), each side at most 7680, "
                             "landscape from 4:3 to 8:1\n")


@pytest.mark.parametrize("size", ["300x2000", "100x100", "64x64", "7680x64", "64x7680",
                                  "1200x1200", "640x480", "320x200", "319x180", "1441x180"])
def test_the_sizes_found_unreadable_are_refused(run_cli, tiny_run_path, tmp_path, size):
    result = run_cli("render", tiny_run_path, "-o", tmp_path / "x.png", "--size", size)
    assert result.exit_code == 2 and "a frame must be" in result.stderr


@pytest.mark.parametrize(("size", "problem"), [
    ("300x2000", "got 300x2000; a frame must be at least 320x180 (800 wide if narrower than "
                 "16:9), each side at most 7680, landscape from 4:3 to 8:1"),
    ("big", 'must be WIDTHxHEIGHT such as "1280x720", got string "big"'),
    (1280, 'must be WIDTHxHEIGHT such as "1280x720", got integer 1280')])
def test_render_options_built_in_python_check_the_size_as_every_door(size, problem):
    """RenderOptions(size=...) (the public API's type) was not checked: a 300x2000 frame
    drew its title over the epoch counter. It now gets the flag's and the TOML's rule and
    message, and a render never starts."""
    with pytest.raises(AevizError) as refused:
        RenderOptions(size=size)
    assert str(refused.value) == f"render.size: {problem}"
    with pytest.raises(AevizError) as from_a_table:
        RenderOptions().updated({"size": size})
    assert str(from_a_table.value) == str(refused.value)
    assert RenderOptions(size=" 640X360 ").size == "640x360"  # the canonical form, as TOML's


def test_a_toml_size_that_does_not_lay_out_is_refused(run_cli, tiny_run_path, tmp_path):
    toml = tmp_path / "tall.toml"
    toml.write_text(tiny_text(render={"size": "300x2000"}))
    result = run_cli("train", toml, "-o", tmp_path / "tall.npz")
    assert result.exit_code == 2 and list(tmp_path.iterdir()) == [toml]
    assert result.stderr.startswith(f"Error: {toml}: render.size: got 300x2000; a frame must")


def test_image_data_of_2_by_2_pixels_at_320x180(run_cli, tmp_path):
    x = np.random.default_rng(0).normal(size=(20, 4))
    data = {"file": write_csv(tmp_path / "i.csv", x), "image_shape": [2, 2]}
    path = trained(tmp_path, "img", data, [4, 2, 4])
    out = tmp_path / "img.png"
    result = run_cli("render", path, "-o", out, "--size", "320x180",
                     "--panels", "code,loss,weights,recon")
    assert result.exit_code == 0 and png_size(out) == (320, 180)


def test_one_dimensional_data_shows_values_against_reconstructions(tmp_path):
    x = np.random.default_rng(0).normal(size=(20, 1))
    path = trained(tmp_path, "oned", {"file": write_csv(tmp_path / "o.csv", x)}, [1, 2, 1])
    view = RunView(trajectory.load(path))
    scene = Scene([view], RenderOptions(size="320x180", panels=("code", "recon")), (0, 2))
    scene.draw(scene_frame(view))
    recon = scene.panels[1][0]
    assert recon.ax.get_ylabel() == "reconstruction"
    points = recon.recons[0].get_xydata()
    np.testing.assert_allclose(points[:, 0], view.run.x[:, 0], rtol=1e-6)


def test_five_thousand_features_get_numbered_ticks(run_cli, tmp_path):
    x = np.random.default_rng(0).normal(size=(20, 5000))
    path = trained(tmp_path, "wide", {"file": write_csv(tmp_path / "w.csv", x)},
                   [5000, 2, 5000], epochs=1)
    out = tmp_path / "wide.png"
    result = run_cli("render", path, "-o", out, "--panels", "code,loss,recon", *SMALL_SIZE)
    assert result.exit_code == 0 and png_size(out) == (320, 180)
    view = RunView(trajectory.load(path))
    scene = Scene([view], RenderOptions(size="320x180", panels=("code", "loss", "recon")),
                  (0, 1))
    ticks = scene.panels[2][0].ax.get_xticks()
    assert 1 < len(ticks) < 20


@pytest.fixture(scope="module")
def fuzz_runs(tmp_path_factory) -> list[Path]:
    """The tiny run, and the same run under a title of 3,000 characters of many scripts."""
    folder = tmp_path_factory.mktemp("fuzz")
    paths = []
    for name, title in (("tiny", "tiny"), ("long", "Ωmega ß עברית عربى x\t" * 150)):
        (folder / f"{name}.toml").write_text(tiny_text(title=title,
                                                       train={"epochs": 3}))
        path = folder / f"{name}.npz"
        aeviz.train(str(folder / f"{name}.toml")).save(path)
        paths.append(path)
    return paths


@examples(0.3)
@given(run=st.integers(0, 1), flags=render_flags())
def test_render_options_draw_or_refuse_in_one_line(fuzz_runs, run, flags, outcomes):
    kind, args = flags.kind, list(flags.args)
    if kind != ".png" and "--duration" not in args:
        args += ["--duration", "0.2", "--hold", "0"]  # a few frames, not a 14 s clip
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"clip{kind}"
        result = CliRunner().invoke(cli, ["render", str(fuzz_runs[run]), "-o", str(out), "-q",
                                          *args], catch_exceptions=False)
        written = sorted(p.name for p in Path(folder).iterdir())
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            assert flags.size is None, f"valid flags were refused: {result.stderr}"
            assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, \
                result.stderr
            assert written == []
            return outcomes.refused()
        outcomes.accepted()
        assert written == [out.name]
        if flags.size is not None and kind in (".png", ".gif", ".mp4"):  # frames of that size
            width, height = flags.size
            if kind == ".mp4":  # H.264 needs even sides: rounded down, with a note
                width, height = width - width % 2, height - height % 2
            assert iio.imread(out, index=0).shape[:2] == (height, width)


def test_a_still_of_a_run_recorded_within_epochs_counts_epoch_as_the_loss_axis(tmp_path):
    """A run recorded batch by batch in epoch 1 and stopped there: its snapshots sit at
    epochs completed (batch 3 of 5 at 0.6), as the loss panel's axis counts them; the header
    names them "epoch 1, batch 3/5". --epoch takes the axis's count, and its refusal and note
    say so with the header's name, never a bare range that reads like a wrong one."""
    from aeviz.settings import experiment_from_dict
    from aeviz.training.loop import train
    from tests.conftest import TINY_EXPERIMENT

    exp = experiment_from_dict({**TINY_EXPERIMENT, "train": {**TINY_EXPERIMENT["train"],
                                                             "epochs": 1},
                                "record": {"batches": 1}}, "tiny.toml")
    run = train(exp)
    assert len(run) == 6 and run.moment(3) == "epoch 1, batch 3/5"
    notes: list[str] = []
    frames = render([run], tmp_path / "a.png", SMALL, epoch=0.55, notify=notes.append)
    assert frames[0].position == pytest.approx(0.6)
    assert notes == ["epoch 0.55 was not recorded; showing the nearest snapshot, epoch 0.6 "
                     "(epoch 1, batch 3/5; counted in epochs completed, as on the loss "
                     "panel's axis)"]
    with pytest.raises(AevizError, match=r"^epoch: 1.6 is outside the run \(epochs 0 to 1\)$"):
        render([run], tmp_path / "b.png", SMALL, epoch=1.6)
    notes.clear()
    render([run], tmp_path / "c.png", SMALL, epoch=0.8, notify=notes.append)
    assert notes == []  # batch 4/5 was recorded: no note


@pytest.mark.parametrize("options, key", [
    ({"title": "a\x1b"}, "title"), ({"caption": "自"}, "caption"), ({"fps": 0}, "fps"),
    ({"duration": -1}, "duration"), ({"labels": ("a", 3)}, "labels"), ({"pace": "fast"}, "pace"),
    ({"panels": ("code", "bogus")}, "panels"), ({"epochs": "9:2"}, "epochs"),
    ({"pca": "yes"}, "pca"), ({"trails": 101}, "trails")])
def test_render_options_built_in_python_check_every_field_as_every_door(options, key):
    """RenderOptions(...) built in Python checked only its size: a control character in the
    title, a caption the font cannot draw and fps = 0 were taken, while aeviz.api.render
    refused them. Every field now gets the TOML's and the flag's rule and message."""
    with pytest.raises(AevizError) as refused:
        RenderOptions(**options)
    assert str(refused.value).startswith(f"render.{key}: ")
    with pytest.raises(AevizError) as from_a_table:
        RenderOptions().updated({name: list(value) if isinstance(value, tuple) else value
                                 for name, value in options.items()})
    assert str(from_a_table.value) == str(refused.value)


def test_render_options_built_in_python_store_what_a_table_stores():
    made = RenderOptions(labels=["a", "b\tc"], panels=["code"], duration=3, title="x\ny")
    assert (made.labels, made.panels, made.duration, made.title) == (("a", "b c"), ("code",),
                                                                     3.0, "x y")
    assert made == RenderOptions().updated({"labels": ["a", "b\tc"], "panels": ["code"],
                                            "duration": 3, "title": "x\ny"})


@pytest.mark.parametrize("labels, problem", [
    ("a,a", 'names "a" twice (entries 1 and 2)'),
    ("a,b,a ", 'names "a" twice (entries 1 and 3)'),
    ("$\\alpha$,α", 'names "$\\alpha$" and "α", both shown as "α", (entries 1 and 2)'),
    # an invisible character (a soft hyphen; a zero-width space is refused); an accent
    # composed and combined
    ("ab,a\u00adb", 'names "ab" and "a\\u00adb", both shown as "ab", (entries 1 and 2)'),
    ("caf\u00e9,cafe\u0301", 'names "caf\u00e9" and "cafe\\u0301", both shown as "caf\u00e9", '
     '(entries 1 and 2)')])
def test_two_runs_of_one_label_are_refused(run_cli, tiny_run_path, tmp_path, labels, problem):
    """--labels a,a gave two runs one name and one color: which curve is which? Refused at
    every door (a flag, an API keyword, a [render] or a comparison's labels)."""
    runs = [tiny_run_path] * labels.count(",") + [tiny_run_path]
    result = run_cli("render", *runs, "-o", tmp_path / "a.png", "--labels", labels)
    assert result.exit_code == 2 and list(tmp_path.iterdir()) == []
    assert result.stderr == f"Error: --labels: {problem}; give each run its own label\n"
    with pytest.raises(AevizError) as refused:
        aeviz.render(runs, tmp_path / "a.png", labels=[name.strip() for name in labels.split(",")])
    assert str(refused.value) == f"render.labels: {problem}; give each run its own label"
    assert not (tmp_path / "a.png").exists()


def test_a_comparison_of_runs_whose_classes_are_named_differently_is_refused(run_cli, tmp_path):
    """Iris compared with other data keyed the other run's points as "species: setosa,
    versicolor, virginica": the clip, handout and page key the classes once, for all runs.
    Runs naming a class value differently are refused, one line, in every output."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(24, 3))
    flowers = trained(tmp_path, "flowers", {"file": write_csv(
        tmp_path / "f.csv", x, ["setosa", "versicolor", "virginica"] * 8),
        "label_column": "label"}, [3, 2, 3])
    parts = trained(tmp_path, "parts", {"file": write_csv(
        tmp_path / "p.csv", x + 1, ["left", "right", "top"] * 8), "label_column": "label"},
        [3, 2, 3])
    again = trained(tmp_path, "again", {"file": write_csv(
        tmp_path / "a.csv", x - 1, ["setosa", "versicolor", "virginica"] * 8),
        "label_column": "label"}, [3, 2, 3])
    out = tmp_path / "out"
    out.mkdir()
    for command, name in [("render", "c.png"), ("render", "c.html"), ("figure", "c.pdf")]:
        result = run_cli(command, flowers, parts, "-o", out / name)
        assert result.exit_code == 2 and list(out.iterdir()) == []
        assert result.stderr == (
            "Error: flowers.npz (setosa, versicolor, virginica) and parts.npz (left, right, top) "
            "name their classes differently (class 1 is 'setosa' in one, 'left' in the other), "
            "and a comparison keys the classes once for all its runs; compare runs of the same "
            "data, or render each run alone\n")
    result = run_cli("render", flowers, again, "-o", out / "same.png", "--size", "640x360")
    assert result.exit_code == 0, result.stderr
    # The same names in another order: colors go by class number, so the key would lie too;
    # the message says which class differs (it read as if the names themselves differed).
    turned = trained(tmp_path, "turned", {"file": write_csv(
        tmp_path / "t.csv", x, ["virginica", "versicolor", "setosa"] * 8),
        "label_column": "label"}, [3, 2, 3])
    result = run_cli("render", flowers, turned, "-o", out / "turned.png")
    assert result.exit_code == 2 and "(class 1 is 'setosa' in one, 'virginica' in the other)" \
        in result.stderr


def test_a_comparison_of_runs_with_classes_and_without_is_refused(run_cli, tmp_path):
    """A run of unlabeled data beside a labeled one drew its points in class 1's color,
    under a key naming the other run's classes."""
    x = np.random.default_rng(0).normal(size=(12, 3))
    labeled = trained(tmp_path, "labeled", {"file": write_csv(
        tmp_path / "l.csv", x, ["left", "right"] * 6), "label_column": "label"}, [3, 2, 3])
    plain = trained(tmp_path, "plain", {"file": write_csv(tmp_path / "p.csv", x)}, [3, 2, 3])
    out = tmp_path / "out"
    out.mkdir()
    for runs, name in [((plain, labeled), "c.png"), ((labeled, plain), "c.html")]:
        result = run_cli("render", *runs, "-o", out / name)
        assert result.exit_code == 2 and list(out.iterdir()) == []
        assert result.stderr == (
            "Error: labeled.npz (left, right) has classes and plain.npz has none, and a "
            "comparison keys the classes once for all its runs; compare runs of the same data, "
            "or render each run alone\n")
    assert run_cli("render", plain, plain, "-o", out / "twice.png", *SMALL_SIZE).exit_code == 0


def test_a_runs_own_stored_name_does_not_break_a_comparison(run_cli, tmp_path, tiny_run_path):
    """A run stored with `[render] labels = ["mine"]` (its one name) compared with another
    stopped with "render.labels: got 1 names for 2 runs", naming no file: a comparison now
    names its runs as it names any, and a wrong count given now is still refused."""
    (tmp_path / "named.toml").write_text(tiny_text(render={"labels": ["mine"]}))
    named = tmp_path / "named.npz"
    aeviz.train(str(tmp_path / "named.toml")).save(named)
    result = run_cli("render", named, tiny_run_path, "-o", tmp_path / "c.png", *SMALL_SIZE)
    assert result.exit_code == 0, result.stderr
    alone = run_cli("render", named, "-o", tmp_path / "a.png", *SMALL_SIZE)
    assert alone.exit_code == 0, alone.stderr
    result = run_cli("render", named, tiny_run_path, "-o", tmp_path / "d.png", "--labels", "x")
    assert result.exit_code == 2 and not (tmp_path / "d.png").exists()
    assert result.stderr == ("Error: --labels: got 1 names for 2 runs; give one per run, "
                             "comma-separated\n")


def test_a_comparisons_readouts_are_whole_inside_the_loss_panel_at_640x360(run):
    """One run compared with itself at 640x360 read "ed-default (1) 0.0350": the readout was
    wider than the panel and lost its start at the axes' edge. A long name is shortened
    now, keeping its "(1)", and the whole readout lies inside the panel."""
    from aeviz.renderer.panels.loss import LossPanel

    views = [RunView(run, "seed-default (1)"), RunView(run, "seed-default (2)")]
    end = float(run.epoch[-1])
    scene = Scene(views, RenderOptions(size="640x360"), (0, end))
    scene.draw(Frame(end, (end, end)))
    panel = next(p for p, _ in scene.panels if isinstance(p, LossPanel))
    renderer = scene.figure.canvas.get_renderer()
    box = panel.ax.get_window_extent(renderer)
    texts = [value.get_text() for value in panel.values]
    assert [text.split("… ")[-1].split(" ")[0] for text in texts] == ["(1)", "(2)"]
    for value in panel.values:
        extent = value.get_window_extent(renderer)
        assert box.x0 <= extent.x0 and extent.x1 <= box.x1, value.get_text()
    wide = Scene(views, RenderOptions(size="1280x720"), (0, end))
    wide.draw(Frame(end, (end, end)))
    loss = next(p for p, _ in wide.panels if isinstance(p, LossPanel))
    assert [value.get_text().rsplit(" ", 1)[0] for value in loss.values] == [
        "seed-default (1)", "seed-default (2)"]
