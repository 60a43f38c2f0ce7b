"""PathLabel: a label drawn as glyph outlines lands where a Text would."""

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from aeviz.renderer.labels import PathLabel


def ink_columns_and_rows(figure):
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3]
    dark = np.argwhere(pixels.min(axis=2) < 128)
    return dark[:, 1], dark[:, 0]


def test_right_aligned_label_ends_at_its_anchor_and_hangs_from_it():
    figure = Figure(figsize=(4, 2), dpi=100)
    FigureCanvasAgg(figure)
    label = PathLabel(figure, 0.75, 0.8, figure.transFigure, size=12, color="black",
                      zorder=10, ha="right")
    figure.add_artist(label)
    label.set_text("epoch 120")
    columns, rows = ink_columns_and_rows(figure)
    assert abs(columns.max() - 300) <= 1  # 0.75 of 400 pixels
    assert 40 - 1 <= rows.min() <= 40 + 3  # the top of the ink at 0.8 of 200 from the bottom
    assert label.get_text() == "epoch 120"


def test_the_baseline_does_not_move_with_the_string():
    # "ace" is only x-height tall, "11" is digit-tall: hung by their own tops, their baselines
    # would differ by about 11 pixels at 40 pt; hung by the font's ascent, they share one.
    figure = Figure(figsize=(4, 2), dpi=100)
    FigureCanvasAgg(figure)
    label = PathLabel(figure, 0.1, 0.9, figure.transFigure, size=40, color="black", zorder=10)
    figure.add_artist(label)
    label.set_text("ace")
    baseline = ink_columns_and_rows(figure)[1].max()
    label.set_text("11")
    assert abs(ink_columns_and_rows(figure)[1].max() - baseline) <= 1
    label.set_text("")
    assert ink_columns_and_rows(figure)[0].size == 0


def test_a_vae_beside_a_plain_run_names_it_plain_ae(tmp_path, tiny_run_path):
    """A VAE compared with a plain run (no label keys) named the plain one "tanh": its
    activation differed only because the VAE's code layer is linear. What differs is the
    kind of model, and a lecturer calls the other one a plain AE."""
    from aeviz import trajectory
    from aeviz.renderer.naming import default_labels
    from aeviz.settings import load_experiment
    from aeviz.training.loop import train
    from tests.conftest import tiny_text

    toml = tmp_path / "vae.toml"
    toml.write_text(tiny_text(model={"variational": True}, train={"epochs": 2}))
    vae, plain = train(load_experiment(toml)), trajectory.load(tiny_run_path)
    assert plain.experiment.model.variational is None and plain.experiment.label is None
    assert default_labels([vae, plain]) == ["VAE", "plain AE"]
    assert default_labels([plain, vae]) == ["plain AE", "VAE"]


def test_label_keys_shown_alike_fall_back_to_what_tells_the_runs_apart(tmp_path):
    """Two runs whose `label` keys are "$\\alpha$" and "α" were named so: two runs, one name
    on screen. Names shown alike are not used; the titles (else the files) are."""
    import aeviz
    from aeviz.renderer.naming import default_labels
    from tests.conftest import tiny_text

    runs = []
    for name, label, title in [("one", "$\\alpha$", "first"), ("two", "α", "second"),
                               ("three", "a\u00adb", "third"), ("four", "ab", "fourth")]:
        (tmp_path / f"{name}.toml").write_text(tiny_text(label=label, title=title))
        runs.append(aeviz.train(str(tmp_path / f"{name}.toml")))
    assert default_labels(runs[:2]) == ["first", "second"]
    assert default_labels(runs[2:]) == ["third", "fourth"]
    assert default_labels(runs[1:3]) == ["α", "a\u00adb"]


def test_names_that_look_different_are_told_apart():
    """Only what shows alike is alike: "x²" and "x2", "$x^2$" and "x2", "a" and "A" differ."""
    from aeviz.text import shown_as

    for one, other in [("x²", "x2"), ("$x^2$", "x2"), ("a", "A"), ("é", "e"), ("a b", "ab")]:
        assert shown_as(one) != shown_as(other), (one, other)
    for one, other in [("café", "cafe\u0301"), ("a\u00adb", "ab"), ("a  b", "a b"),
                       ("$\\alpha$", "α")]:
        assert shown_as(one) == shown_as(other), (one, other)
