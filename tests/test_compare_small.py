"""A run compared with itself, a VAE beside a plain run, three planes in a row, and the loss
panel's labels at 640x360 and 1280x720 (issue 23): every readout the recorded snapshot's, no
text over another, none cut, no number cut."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from aeviz.renderer import run_views
from aeviz.renderer.frames import plan_frames
from aeviz.renderer.panels.placement import text_width
from aeviz.renderer.panels.style import FONT
from aeviz.renderer.panels.weights import readout_title
from aeviz.renderer.scene import Scene
from aeviz.settings import load_experiment
from aeviz.training.loop import train
from tests.helpers import SMALLEST_PX, drawn_texts, overlap

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def diverged():
    return train(load_experiment(EXAMPLES / "too-high-learning-rate.toml"))


def still(runs, size: str, labels: tuple[str, ...] | None = None):
    """The still `aeviz render A.npz B.npz -o x.png` draws: the last snapshots, whole runs
    (`labels`: the runs' names, as the command names runs of a file)."""
    options = dataclasses.replace(runs[0].experiment.render, size=size, labels=labels)
    views = run_views(runs, options)
    frames = plan_frames([v.timeline for v in views], options)
    scene = Scene(views, options, (min(float(v.timeline[0]) for v in views),
                                   max(float(v.timeline[-1]) for v in views)))
    return scene, frames[-1]


def assert_nothing_over_another(texts, size: str) -> None:
    width, height = (int(side) for side in size.split("x"))
    for text, _, box in texts:
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and \
            box.y1 <= height + 1, (text, box)
    for i, (text, _, box) in enumerate(texts):
        for other, _, other_box in texts[i + 1:]:
            assert not overlap(box, other_box), (text, other)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_a_diverged_run_beside_itself_reads_its_recorded_moment(diverged, size, monkeypatch):
    """The header read "epoch 0" (the fractional timeline 12/13 floored) where the frame showed
    batch 12 of epoch 1; the weights' titles ran into each other and off the frame; the loss
    readouts cut "7.683e+27" to "7.683e+"."""
    names = ("too-high-learning-rate (1)", "too-high-learning-rate (2)")
    scene, frame = still([diverged, diverged], size, names)
    texts = drawn_texts(scene, frame, monkeypatch)
    monkeypatch.undo()
    shown = [text for text, _, _ in texts]
    assert scene.counter.get_text() == diverged.ends_at == "epoch 1, batch 12/13"
    last = f"{float(diverged.loss[-1]):.4g}"
    readouts = [text for text in shown if text.endswith(last)]
    assert len(readouts) == 2, shown
    titles = [text for text in shown if "|w|" in text]
    assert len(titles) == 2 and all(re.search(r"\d(e\d+)?$", t) for t in titles), titles
    assert_nothing_over_another(texts, size)


def test_a_weights_readout_title_shortens_its_name_never_its_number():
    number = "8.489e7"
    long = readout_title("too-high-learning-rate (1)", number, 1000)
    assert long == f"too-high-learning-rate (1): |w| up to {number}"
    for room in (60, 90, 120, 160):
        title = readout_title("too-high-learning-rate (1)", number, room)
        assert title.endswith(f"|w| ≤ {number}"), title
        assert text_width(title, FONT["title"]) <= room or title == f"|w| ≤ {number}"


@pytest.fixture(scope="module")
def vae_and_plain():
    return [train(load_experiment(EXAMPLES / f"vae-vs-ae-{name}.toml")) for name in ("vae", "ae")]


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_a_vae_beside_a_plain_run_keys_its_circles_clear_of_the_classes(vae_and_plain, size,
                                                                        monkeypatch):
    """At 640x360 "N(0,1) 1σ 2σ" printed over the class legend's "1" and "2"."""
    scene, frame = still(vae_and_plain, size)
    texts = drawn_texts(scene, frame, monkeypatch)
    monkeypatch.undo()
    shown = [text for text, _, _ in texts]
    assert any(text.startswith("N(0,1)") for text in shown), shown
    assert all(digit in shown for digit in "0123456789"), shown
    assert_nothing_over_another(texts, size)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_a_run_that_ends_early_keeps_its_whole_name_in_its_readout(vae_and_plain, size,
                                                                   monkeypatch):
    """A VAE beside a longer plain run (digits.npz, 150 epochs): its readout read
    "V… 0.1888 (finished)" at 640x360; the run that ends last never says it finished."""
    early = train(load_experiment(EXAMPLES / "vae-vs-ae-vae.toml", {"train.epochs": 10}))
    scene, frame = still([early, vae_and_plain[1]], size)
    texts = drawn_texts(scene, frame, monkeypatch)
    monkeypatch.undo()
    names = [view.label for view in scene.views]
    loss = next(panel for panel, run in scene.panels if run is None)
    readouts = [value.get_text() for value in loss.values]
    assert readouts[0].startswith(names[0] + " ") and readouts[0].endswith(")"), readouts
    assert readouts[1].startswith(names[1] + " ") and readouts[1][-1].isdigit(), readouts
    assert_nothing_over_another(texts, size)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_three_planes_keep_names_that_fit_their_slots_whole(run, size, monkeypatch):
    """Cutting a plane's name an em short of its slot's edge cut "identity" to "identi…" in
    the activations comparison at 640x360, where the name fits beside the next plane's axis
    label."""
    names = ("identity", "sigmoid", "tanh")
    scene, frame = still([run] * 3, size, names)
    texts = drawn_texts(scene, frame, monkeypatch)
    monkeypatch.undo()
    shown = [text for text, _, _ in texts]
    assert all(name in shown for name in names), shown
    assert_nothing_over_another(texts, size)


@pytest.mark.parametrize("size", sorted(SMALLEST_PX))
def test_pcas_label_keeps_a_space_from_the_readout(size, monkeypatch):
    """The readouts' box lost the room of " (finished)" (a single run never says it), and
    PCA's label was placed against it: seed-default at 640x360 read "0.0845RMSE 0.1693"."""
    seed_default = train(load_experiment(EXAMPLES / "seed-default.toml"))
    scene, frame = still([seed_default], size)
    texts = drawn_texts(scene, frame, monkeypatch)
    monkeypatch.undo()
    readout = next(box for text, _, box in texts if text.startswith("RMSE "))
    labels = [box for text, _, box in texts if text.startswith("PCA")]
    assert labels, [text for text, _, _ in texts]
    gap = 0.4 * FONT["label"] * scene.figure.dpi / 72
    for label in labels:
        assert label.x1 + gap <= readout.x0 or label.y1 <= readout.y0 or \
            label.y0 >= readout.y1, (label, readout)
