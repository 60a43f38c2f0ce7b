"""Rendering any valid input: work bounded by design (text, legends, PCA, frame sizes), valid
inputs that used to crash drawn, the rest refused with one line, and stop signals acted on
while a scene is built."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys

import imageio.v3 as iio
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aeviz
from aeviz import signals, trajectory
from aeviz.errors import SettingError
from aeviz.renderer import geometry
from aeviz.renderer.frames import plan_frames
from aeviz.renderer.panels import code, placement
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions
from aeviz.settings.tomlwriter import dump_toml

SMALL = ["--size", "320x180"]


def trained(tmp_path, name: str, data: dict, layers: list[int], title: str = "t",
            epochs: int = 2):
    """A run of a small experiment on `data` (a [data] table), saved as NAME.npz."""
    document = {"title": title, "data": data,
                "model": {"layers": layers, "activation": "tanh"},
                "train": {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 8,
                          "epochs": epochs, "seed": 1}}
    (tmp_path / f"{name}.toml").write_text(dump_toml(document))
    path = tmp_path / f"{name}.npz"
    aeviz.train(str(tmp_path / f"{name}.toml")).save(path)
    return path


def write_csv(path, x: np.ndarray, labels: list[str] | None = None,
              header: list[str] | None = None) -> str:
    header = header or [f"f{i}" for i in range(x.shape[1])]
    lines = [",".join(header + (["label"] if labels is not None else []))]
    for i, row in enumerate(x):
        lines.append(",".join(f"{v:.4f}" for v in row)
                     + (f",{labels[i]}" if labels is not None else ""))
    path.write_text("\n".join(lines) + "\n")
    return path.name


def png_size(path) -> tuple[int, int]:
    height, width = iio.imread(path).shape[:2]
    return width, height


# Text: cut first, then fitted by bisection.

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
@settings(max_examples=60, deadline=None)
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
    result = run_cli("render", path, "-o", out, *SMALL)
    assert result.exit_code == 0 and png_size(out) == (320, 180)


def test_long_feature_names_are_cut_under_their_axes(run_cli, tmp_path):
    x = np.random.default_rng(0).normal(size=(30, 6))
    names = [f"feature{i}" + "x" * 3000 for i in range(6)]
    data = {"file": write_csv(tmp_path / "f.csv", x, header=names)}
    path = trained(tmp_path, "features", data, [6, 2, 6])
    out = tmp_path / "features.png"
    result = run_cli("render", path, "-o", out, "--panels", "code,loss,weights,recon")
    assert result.exit_code == 0 and png_size(out) == (1280, 720)


# Legends: capped.

def test_classes_groups_samples_in_one_sort():
    labels = np.array([3, 1, 3, 0, 1, 3])
    values, members = code.classes(labels)
    assert values.tolist() == [0, 1, 3]
    assert [m.tolist() for m in members] == [[3], [1, 4], [0, 2, 5]]
    many = np.random.default_rng(0).integers(0, 100_000, 300_000)
    values, members = code.classes(many)
    assert sum(map(len, members)) == len(many)
    assert all((many[m] == v).all() for v, m in zip(values[:50], members[:50]))


def test_past_fifty_classes_the_code_plane_has_no_legend(run_cli, tmp_path):
    x = np.random.default_rng(0).normal(size=(240, 3))
    labels = [f"c{i % 60:02d}" for i in range(240)]
    data = {"file": write_csv(tmp_path / "l.csv", x, labels), "label_column": "label"}
    path = trained(tmp_path, "labels", data, [3, 2, 3], epochs=1)
    out = tmp_path / "labels.png"
    result = run_cli("render", path, "-o", out, *SMALL)
    assert result.exit_code == 0 and png_size(out) == (320, 180)
    assert result.stderr == ("note: 60 classes: the code plane has no legend (it names at "
                             "most 50); colors repeat across classes\n")
    view = RunView(trajectory.load(path))
    scene = Scene([view], RenderOptions(size="320x180"), (0, 1))
    panel = scene.panels[0][0]
    assert panel.ax.get_legend() is None
    assert len(panel.points) == 20  # one per look: ten colors, filled and hollow
    assert sorted(np.concatenate(panel.members).tolist()) == list(range(240))


# PCA: the Gram matrix for wide data; off past a budget.

@pytest.mark.parametrize("shape", [(10, 300), (7, 8), (3, 50)])
def test_wide_pca_matches_the_scatter_matrix(shape):
    x = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    rmse, projection = geometry.pca(x)
    centered = x - x.mean(axis=0, dtype=np.float64)
    eigenvalues, eigenvectors = np.linalg.eigh(centered.T @ centered)
    expected = centered @ eigenvectors[:, ::-1][:, :2]
    assert rmse == pytest.approx(np.sqrt(eigenvalues[:-2].clip(0).sum() / x.size), rel=1e-9,
                                 abs=1e-6)  # 3 samples: 0, up to rounding
    # Each axis is defined up to its sign.
    np.testing.assert_allclose(np.abs(projection), np.abs(expected), atol=1e-9)


def test_pca_budget_is_fixed_by_the_data_shape():
    assert geometry.pca_affordable((10, 12_000))
    assert geometry.pca_affordable((70_000, 784))
    assert not geometry.pca_affordable((3_000, 12_000))
    assert not geometry.pca_affordable((1_000_000, 5_000))


def test_pca_past_its_budget_is_left_out_with_a_note(run_cli, tiny_run_path, tmp_path,
                                                     monkeypatch):
    monkeypatch.setattr(geometry, "PCA_MOST_WORK", 100)
    out = tmp_path / "x.png"
    result = run_cli("render", tiny_run_path, "-o", out, "--pca-ghost", *SMALL)
    assert result.exit_code == 0 and png_size(out) == (320, 180)
    assert result.stderr == ("note: PCA is left out: 40 samples x 3 features is past its "
                             "budget (the smaller side must be at most a few thousand); "
                             "render.pca = false says so quietly\n")


# Frame sizes and counts.

@pytest.mark.parametrize("size, kind", [("7680x7680", "webm"), ("3841x2160", "png")])
def test_frames_past_the_pixel_cap_are_refused(run_cli, tiny_run_path, tmp_path, size, kind):
    out = tmp_path / f"x.{kind}"
    result = run_cli("render", tiny_run_path, "-o", out, "--size", size)
    width, height = map(int, size.split("x"))
    assert result.exit_code == 2 and list(tmp_path.iterdir()) == []
    assert result.stderr == (f"Error: --size: {size} is {width * height:,} pixels; a frame "
                             "may have at most 8,294,400 (3840x2160, or any WIDTHxHEIGHT with "
                             "each side 64 to 7680 and no more pixels)\n")


@pytest.mark.parametrize("size, panels", [
    ("100x7680", "code,loss,weights"),
    ("7680x100", "code,loss,weights"),
    ("64x64", "code,loss,weights,recon"),
    ("64x64", "weights"),
])
def test_extreme_valid_sizes_are_drawn(run_cli, tiny_run_path, tmp_path, size, panels):
    out = tmp_path / "x.png"
    result = run_cli("render", tiny_run_path, "-o", out, "--size", size, "--panels", panels)
    assert result.exit_code == 0, result.stderr
    assert png_size(out) == tuple(map(int, size.split("x")))


def test_more_snapshots_than_frames_make_a_clip_of_its_duration():
    timeline = np.arange(250_001, dtype=float)
    frames = plan_frames([timeline], RenderOptions(duration=12, fps=30, hold=0))
    assert len(frames) == 360 and frames[-1].position == 250_000
    with pytest.raises(SettingError) as error:
        plan_frames([timeline], RenderOptions(duration=0, hold=0))
    assert str(error.value) == (
        "render.duration: makes 250,001 frames at duration 0 (a frame per snapshot shown); a "
        "clip may have at most 200,000 (show fewer with render.every or render.epochs, or "
        "give a duration)")
    with pytest.raises(SettingError, match="^render.smooth: makes 500,002 frames"):
        plan_frames([timeline], RenderOptions(duration=12, smooth=1))


# Reconstruction panels of any data.

def test_image_data_of_2_by_2_pixels_at_320x240(run_cli, tmp_path):
    x = np.random.default_rng(0).normal(size=(20, 4))
    data = {"file": write_csv(tmp_path / "i.csv", x), "image_shape": [2, 2]}
    path = trained(tmp_path, "img", data, [4, 2, 4])
    out = tmp_path / "img.png"
    result = run_cli("render", path, "-o", out, "--size", "320x240",
                     "--panels", "code,loss,weights,recon")
    assert result.exit_code == 0 and png_size(out) == (320, 240)


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
    result = run_cli("render", path, "-o", out, "--panels", "code,loss,recon", *SMALL)
    assert result.exit_code == 0 and png_size(out) == (320, 180)
    view = RunView(trajectory.load(path))
    scene = Scene([view], RenderOptions(size="320x180", panels=("code", "loss", "recon")),
                  (0, 1))
    ticks = scene.panels[2][0].ax.get_xticks()
    assert 1 < len(ticks) < 20


def scene_frame(view: RunView):
    from aeviz.renderer.frames import Frame
    return Frame(float(view.timeline[-1]), (float(len(view) - 1),))


# Output files and signals.

def test_a_pdf_past_the_file_size_limit_is_one_line_and_nothing_written(tiny_run_path,
                                                                        tmp_path):
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (8_000, resource.RLIM_INFINITY))

    out = tmp_path / "out" / "x.pdf"
    out.parent.mkdir()
    result = subprocess.run([sys.executable, "-m", "aeviz", "render", str(tiny_run_path),
                             "-o", str(out)], capture_output=True, text=True,
                            preexec_fn=limit, env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 2
    assert result.stderr == f"Error: {out}: cannot write: File too large\n"
    assert list(out.parent.iterdir()) == []


def test_a_signal_during_scene_building_acts_before_the_next_panel(tiny_run_path,
                                                                    monkeypatch):
    view = RunView(trajectory.load(tiny_run_path))
    built = []
    original = Scene._panel

    def panel(self, described, *args):
        made = original(self, described, *args)
        built.append(described.name)
        if described.name == "code":  # as if Ctrl-C came while the first panel was drawn
            signals._raise_interrupted(signal.SIGINT, None)
        return made

    monkeypatch.setattr(Scene, "_panel", panel)
    monkeypatch.setattr(signals, "_received", [])
    with pytest.raises(signals.Interrupted), signals.deferred():
        Scene([view], RenderOptions(size="320x180"), (0, 12))
    assert built == ["code"]  # the signal acted before the loss panel was drawn
    assert signals._deferring == []
