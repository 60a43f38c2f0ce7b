"""The description of a frame: every panel's limits and scales decided once, shared by the runs
of a comparison; runs identical at epoch 0 drawn identically there; plain JSON for the page."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aeviz.renderer.description import describe, panel_names, to_json
from aeviz.renderer.frames import Frame
from aeviz.renderer.panels.code import CodePanel
from aeviz.renderer.panels.variational import VariationalOverlay
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.text import problem
from aeviz.training.loop import train
from tests.conftest import tiny_text
from tests.helpers import IMAGES, image_experiment
from tests.strategies import PAGE_TEXTS

PER_RUN = ("code", "decoder", "weights", "recon")
LIMITS = ("code", "decoder", "colors", "recon", "layers")


def _trained(path, text):
    path.write_text(text)
    return train(load_experiment(path))


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """Two runs of one network from one seed, trained at different learning rates: identical
    at epoch 0, apart after."""
    folder = tmp_path_factory.mktemp("twins")
    return [_trained(folder / f"{rate}.toml", tiny_text(train={"learning_rate": rate}))
            for rate in (0.01, 0.2)]


@pytest.fixture(scope="module")
def image_twins(tmp_path_factory):
    """The same for images (a mosaic decoder)."""
    runs = []
    for rate in (0.01, 0.2):
        folder = tmp_path_factory.mktemp(f"images{rate}")
        path = image_experiment(folder, text=IMAGES.replace(
            "epochs = 4", f"epochs = 6\nlearning_rate = {rate}"))
        runs.append(train(load_experiment(path)))
    return runs


def _views(runs, options):
    return [RunView(run, name, options.align) for run, name in zip(runs, ("slow", "fast"))]


@pytest.mark.parametrize("scales", ["shared", "follow"])
def test_every_panel_of_a_comparison_shares_its_limits(twins, scales):
    options = RenderOptions(panels=("code", "decoder", "weights", "recon", "loss"),
                            scales=scales)
    description = describe(_views(twins, options), options, (0, 12))
    assert panel_names(description) == ["code", "decoder", "weights", "recon", "loss"]
    for name in PER_RUN:
        first, second = description.panel(name, 0), description.panel(name, 1)
        for field in LIMITS:
            assert getattr(first, field) == getattr(second, field), (name, field)
    decoder = description.panel("decoder", 0).decoder
    code = description.panel("code", 0).code
    # The decoded region is the code plane's (over every snapshot, padded as its limits).
    assert decoder.extent == (*code.x, *code.y)
    assert decoder.kind == "sheet" and decoder.x is not None


def test_own_scales_are_each_runs_own(twins):
    options = RenderOptions(panels=("code", "decoder", "weights"), scales="own")
    description = describe(_views(twins, options), options, (0, 12))
    for name, field in (("code", "code"), ("decoder", "decoder"), ("weights", "colors")):
        assert getattr(description.panel(name, 0), field) != getattr(
            description.panel(name, 1), field), name
    alone = describe(_views(twins[1:], options), options, (0, 12))
    assert alone.panel("decoder").decoder == description.panel("decoder", 1).decoder


def test_a_mosaic_is_shared_too(image_twins):
    options = RenderOptions(panels=("code", "decoder"), size="1280x720")
    description = describe(_views(image_twins, options), options, (0, 6))
    first, second = description.panel("decoder", 0).decoder, description.panel("decoder", 1).decoder
    assert first == second and first.kind == "mosaic"
    x = np.concatenate([run.x for run in image_twins])
    assert first.values == (float(x.min()), float(x.max()))


def _in_slot(scene: Scene, panel) -> list:
    """The axes drawn in a panel's slot."""
    x, y, w, h = panel.rect
    return [a for a in scene.figure.axes
            if x - 1e-9 <= a.get_position().x0 < x + w and y - 1e-9 <= a.get_position().y0 < y + h]


def _axes_pixels(scene: Scene, panel, pixels: np.ndarray) -> list[np.ndarray]:
    """The pixels inside each axes of a panel's slot (a weights panel's colorbar left out:
    its end arrows say whether the run goes past the shared scale at any time)."""
    height = pixels.shape[0]
    crops = []
    for ax in _in_slot(scene, panel):
        if ax.get_ylabel() == "weight / bias":
            continue
        box = ax.get_window_extent()
        left, top = int(np.floor(box.x0 + 1e-6)), height - int(np.ceil(box.y1 - 1e-6))
        crops.append(pixels[top:top + int(round(box.height)) + 1,
                            left:left + int(round(box.width)) + 1])
    return crops


def _ticks(scene: Scene, panel) -> list:
    """The limits, ticks and tick labels of the axes in a panel's slot."""
    return [(a.get_xlim(), a.get_ylim(), [t.get_text() for t in a.get_xticklabels()],
             [t.get_text() for t in a.get_yticklabels()], list(a.get_xticks()),
             list(a.get_yticks()))
            for a in _in_slot(scene, panel) if a.get_ylabel() != "weight / bias"]


@pytest.mark.parametrize("kind", ["sheet", "mosaic"])
def test_identical_runs_are_drawn_identically_at_epoch_0(twins, image_twins, kind):
    runs = twins if kind == "sheet" else image_twins
    panels = ("code", "decoder", "weights", "recon") if kind == "sheet" else ("code", "decoder")
    options = RenderOptions(panels=panels, size="1280x720")
    scene = Scene(_views(runs, options), options, (0, 12))
    pixels = np.array(scene.draw_full(Frame(0.0, (0.0, 0.0))))
    for name in panels:
        firsts = _axes_pixels(scene, scene.description.panel(name, 0), pixels)
        seconds = _axes_pixels(scene, scene.description.panel(name, 1), pixels)
        assert len(firsts) == len(seconds) > 0
        for first, second in zip(firsts, seconds):
            assert first.shape == second.shape and first.size > 0
            assert (first != pixels[0, 0]).any(), name  # something is drawn there
            np.testing.assert_array_equal(first, second, err_msg=name)
    for name in panels:  # the same ticks, the same tick labels
        first, second = (_ticks(scene, scene.description.panel(name, run)) for run in (0, 1))
        assert first == second, name
    # and apart later: the same comparison at the end differs
    pixels = np.array(scene.draw_full(Frame(4.0, (4.0, 4.0))))
    first, second = (_axes_pixels(scene, scene.description.panel("decoder", run), pixels)[0]
                     for run in (0, 1))
    assert np.abs(first.astype(int) - second.astype(int)).max() > 100


def test_the_description_is_plain_json(twins):
    options = RenderOptions(panels=("code", "loss", "weights", "decoder"), pull=True)
    description = describe(_views(twins, options), options, (0, 12))
    data = json.loads(json.dumps(to_json(description), allow_nan=False))
    assert data["schema"] == 1 and data["scales"] == "shared"
    assert [p["name"] for p in data["panels"]] == [p.name for p in description.panels]
    assert set(data["panels"][0]) == {f.name for f in dataclasses.fields(description.panels[0])}
    loss = next(p for p in data["panels"] if p["name"] == "loss")
    assert loss["run"] is None and loss["loss"]["x"] == [0.0, 12.0]
    assert data["runs"][0]["name"] == "slow" and data["runs"][1]["color"].startswith("#")
    code = data["panels"][0]
    assert code["layers"][-1] == "pull" and "grid" in code["layers"]


def test_a_vae_draws_its_circles_above_its_codes(tmp_path):
    run = _trained(tmp_path / "vae.toml", tiny_text(model={"layers": [3, 4, 2, 4, 3],
                                                           "activation": "tanh",
                                                           "variational": True},
                                                    train={"epochs": 3, "beta": 0.01}))
    options = RenderOptions(panels=("code", "loss"), ellipses=True, size="640x360")
    scene = Scene(_views([run], options), options, (0, 3))
    layers = scene.description.panel("code").layers
    # the prior's circles over the ellipses (forty dark ellipses hid the 1σ circle at 640)
    assert layers.index("codes") < layers.index("ellipses") < layers.index("circles")
    plane = next(p for p, _ in scene.panels if isinstance(p, CodePanel))
    overlay = next(o for o in plane.overlays if isinstance(o, VariationalOverlay))
    codes_z = max(a.get_zorder() for a in ([plane.dense.image] if plane.dense else plane.points))
    assert overlay.circles.get_zorder() > codes_z
    assert overlay.circles.get_zorder() > overlay.ellipses.get_zorder() > codes_z
    assert [t.name for t in scene.description.runs[0].terms] == ["kl"]


def test_ellipses_asked_of_runs_without_a_vae_are_a_note_not_silence(twins):
    options = RenderOptions(panels=("code", "loss"), ellipses=True, size="640x360")
    description = describe(_views(twins, options), options, (0, 3))
    assert any("no ellipses" in note and "variational" in note for note in description.notes)
    quiet = dataclasses.replace(options, ellipses=None)
    assert not any("ellipses" in note for note in describe(_views(twins, quiet), quiet,
                                                           (0, 3)).notes)


def test_the_handout_draws_from_the_clips_description(twins):
    from aeviz.renderer.figure import HandoutFigure

    options = RenderOptions(panels=("code", "decoder", "weights", "loss"))
    views = _views(twins, options)
    handout = HandoutFigure(views, options, [0.0, 12.0], 6.3)
    scene = Scene(views, options, (0, 12))
    for number in (0, 1):
        for name in ("code", "decoder", "loss"):
            here, there = (d.panel(name, number) for d in (handout.description,
                                                           scene.description))
            assert (here.code, here.decoder, here.loss) == (there.code, there.decoder,
                                                            there.loss), name
    assert handout.colors == [run.color for run in scene.description.runs]
    assert any("weights panel is left out" in note for note in handout.notes)
    # the sheets of both rows on the limits the description gives them (equal units added)
    grid = handout.description.panel("decoder", 0).decoder
    sheets = handout.figure.axes[1:8:2]  # each plane is followed by its decoded cell
    assert len(sheets) == 4
    for ax in sheets:
        assert not ax.get_xticks().size and ax.lines
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x0 <= grid.x[0] and x1 >= grid.x[1] and y0 <= grid.y[0] and y1 >= grid.y[1]


def test_a_handout_draws_a_vaes_circles_above_its_codes(tmp_path):
    from aeviz.renderer.figure import HandoutFigure
    from aeviz.renderer.panels.style import DYNAMIC

    run = _trained(tmp_path / "vae.toml", tiny_text(model={"variational": True},
                                                    train={"epochs": 3, "beta": 0.01}))
    options = RenderOptions(panels=("code", "loss"))
    handout = HandoutFigure(_views([run], options), options, [0.0, 3.0], 6.3)
    for ax in handout.figure.axes[:2]:
        dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
        codes = [line for line in ax.lines if line.get_marker() == "o"]
        assert len(dashed) == 1 and codes
        assert dashed[0].get_zorder() > max(line.get_zorder() for line in codes) >= DYNAMIC
    # Its KL is drawn on the loss panel's right axis, as a clip draws it (no note).
    assert not any("KL to N(0, 1)" in note for note in handout.notes)
    assert [ax.get_ylabel() for ax in handout.figure.axes].count("KL to N(0, 1)") == 1


@settings(max_examples=40, deadline=None)
@given(panels=st.lists(st.sampled_from(["code", "loss", "weights", "recon", "decoder"]),
                       min_size=1, max_size=5, unique=True),
       scales=st.sampled_from(["shared", "own", "follow"]), title=PAGE_TEXTS,
       caption=PAGE_TEXTS, names=st.lists(PAGE_TEXTS, min_size=2, max_size=2),
       size=st.sampled_from(["640x360", "1280x720", "800x600", "1920x400"]),
       pull=st.booleans(), log_loss=st.sampled_from([None, False, True]))
def test_any_description_is_plain_bounded_json(twins, panels, scales, title, caption, names,
                                               size, pull, log_loss):
    # RenderOptions refuses a title or caption every door refuses: the description sees
    # only those that pass (hostile run names still reach it).
    title, caption = (value if value and not problem(value) else "" for value in (title, caption))
    options = RenderOptions(panels=tuple(panels), scales=scales, title=title or None,
                            caption=caption or None, size=size, pull=pull,
                            log_loss=log_loss)
    views = [RunView(run, name or "run") for run, name in zip(twins, names)]
    description = describe(views, options, (0, 12))
    text = json.dumps(to_json(description), allow_nan=False)
    texts = len(title) + len(caption) + 4 * sum(len(name) for name in names)
    assert len(text.encode()) < 3000 * len(description.panels) + 8 * texts + 2000
    assert [p.name for p in description.panels if p.run in (None, 0)] == [
        name for name in panels if name != "loss"] + (["loss"] if "loss" in panels else [])
    for panel in description.panels:
        x, y, w, h = panel.rect
        pixel = 1 / description.size[1]  # edges on whole pixels: at most half a pixel off
        assert -1e-9 <= x and x + w <= 1 + 1e-9 and -1e-9 <= y
        assert y + h <= 1 - description.header + pixel
    if scales != "own":
        for name in set(panels) - {"loss"}:
            assert description.panel(name, 0).code == description.panel(name, 1).code
            assert description.panel(name, 0).decoder == description.panel(name, 1).decoder


def test_describing_imports_no_matplotlib():
    """The description is numbers and names: the page's packer and tests use it without a
    figure."""
    import subprocess
    import sys

    code = ("import sys, aeviz.renderer.description; "
            "print(sorted(m for m in sys.modules if m.startswith('matplotlib')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


def test_runs_on_different_data_keep_their_own_data_ranges(twins, tmp_path):
    flat = _trained(tmp_path / "flat.toml", tiny_text(
        data={"seed": 1, "clusters": [{"n": 20, "mean": [0.5, 0.0], "std": 0.1},
                                      {"n": 20, "mean": [-0.5, 0.3], "std": 0.1}]},
        model={"layers": [2, 4, 2, 4, 2]}, train={"epochs": 3}))
    options = RenderOptions(panels=("code", "recon", "decoder"), size="640x360")
    views = _views([twins[0], flat], options)
    scene = Scene(views, options, (0, 12))
    first, second = (scene.description.panel("recon", n).recon for n in (0, 1))
    assert len(first.features) == 3 and len(second.features) == 2
    scene.draw_full(Frame(0.0, (0.0, 0.0)))


def test_a_run_compared_with_itself_gets_two_short_names_and_two_colors(twins):
    """The same run twice (`aeviz render run.npz run.npz`) was named twice by its long path
    and drawn twice in one color: now its file name numbered, each with its own color."""
    from aeviz.renderer.views import run_views

    run = dataclasses.replace(twins[0], path="/courses/week3/lesson.npz")
    options = RenderOptions(size="640x360")
    views = run_views([run, run], options)
    assert [v.label for v in views] == ["lesson (1)", "lesson (2)"]
    runs = describe(views, options, (0, 12)).runs
    assert runs[0].color != runs[1].color


def test_pca_lines_of_runs_of_different_data_name_their_runs(tmp_path, two_runs):
    """Each PCA line of a comparison of different data is one run's: unnamed, a student
    reads it as every run's floor. Runs of the same data share one unnamed line."""
    from aeviz import trajectory
    from aeviz.renderer.description import reference_levels
    from tests.helpers import trained, write_csv

    x = np.random.default_rng(0).normal(size=(24, 3)) * [3, 1, 0.3]
    wide = trained(tmp_path, "wide", {"file": write_csv(tmp_path / "w.csv", x)}, [3, 2, 3])
    flat = trained(tmp_path, "flat", {"file": write_csv(tmp_path / "f.csv", x * [1, 1, 3])},
                   [3, 2, 3])
    views = [RunView(trajectory.load(wide), "wide"), RunView(trajectory.load(flat), "flat")]
    texts = sorted(forms[0] for _, forms, style in reference_levels(views, 0.0, True))
    assert [text.split(":")[0] for text in texts] == ["PCA, 2 components (flat)",
                                                      "PCA, 2 components (wide)"]
    same = [RunView(run, name) for run, name in zip(two_runs, ("a", "b"))]
    levels = reference_levels(same, 0.0, True)
    assert levels and all("(" not in forms[0] for _, forms, _ in levels)


def test_a_comparisons_reconstruction_panels_name_their_runs_in_the_runs_colors(two_runs):
    """The reconstruction panel's run name was drawn in the text color while the code
    plane's and weight graph's are in the run's: the name now reads the same everywhere."""
    from matplotlib.colors import to_hex

    views = [RunView(run, name) for run, name in zip(two_runs, ("adam", "sgd"))]
    options = RenderOptions(size="1280x720", panels=("code", "loss", "recon"))
    end = float(two_runs[0].epoch[-1])
    description = describe(views, options, (0, end))
    recon = [p for p in description.panels if p.name == "recon"]
    assert [p.title_color for p in recon] == [run.color for run in description.runs]
    scene = Scene(views, options, (0, end))
    drawn = [panel for (panel, _), described in zip(scene.panels, description.panels)
             if described.name == "recon"]
    axes = [getattr(panel, "ax", None) or panel.axes[0] for panel in drawn]
    assert [(ax.get_title("left"), to_hex(ax._left_title.get_color())) for ax in axes] == [
        (run.name, to_hex(run.color)) for run in description.runs]
