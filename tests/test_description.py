"""The description of a frame: every panel's limits and scales decided once, shared by the runs
of a comparison; runs identical at epoch 0 drawn identically there; plain JSON for the page."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from aeviz.renderer.description import describe, panel_names, to_json
from aeviz.renderer.frames import Frame
from aeviz.renderer.panels.code import CodePanel
from aeviz.renderer.panels.variational import VariationalOverlay
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.training.loop import train
from tests.conftest import tiny_text
from tests.helpers import IMAGES, image_experiment

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
        crops.append(pixels[height - int(box.y1):height - int(box.y0) + 1,
                            int(box.x0):int(box.x1) + 1])
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
            # The second run's slot starts 640.005 px to the right (the page is a hair over
            # 1280 px, see Scene): edges are antialiased a few levels differently, no more.
            difference = np.abs(first.astype(int) - second.astype(int))
            assert difference.max() <= 4, name
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
    assert layers.index("codes") < layers.index("circles") < layers.index("ellipses")
    plane = next(p for p, _ in scene.panels if isinstance(p, CodePanel))
    overlay = next(o for o in plane.overlays if isinstance(o, VariationalOverlay))
    codes_z = max(a.get_zorder() for a in ([plane.dense.image] if plane.dense else plane.points))
    assert overlay.circles.get_zorder() > codes_z
    assert overlay.ellipses.get_zorder() > overlay.circles.get_zorder()
    assert [t.name for t in scene.description.runs[0].terms] == ["kl"]
