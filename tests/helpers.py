"""Checks shared by the rendering tests."""

from __future__ import annotations

import imageio_ffmpeg
import numpy as np

from aeviz.renderer.frames import Frame
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions


def decode_mp4(path) -> tuple[dict, list[bytes]]:
    """ffmpeg's metadata of an .mp4 and its decoded frames (RGB bytes each)."""
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    return meta, list(reader)


def assert_blitting_exact(views: list[RunView], options: RenderOptions, frames: list[Frame],
                          span: tuple[float, float] = (0, 12)) -> Scene:
    """Blit `frames` one after another on one scene; each must equal a full redraw on a fresh
    scene. Returns the scene of the last redraw, for looking at its panels."""
    blitting = Scene(views, options, span)
    for frame in frames:
        blitted = np.array(blitting.draw(frame))
        redrawing = Scene(views, options, span)
        np.testing.assert_array_equal(blitted, np.array(redrawing.draw_full(frame)))
    return redrawing


IMAGES = """title = "images"
[data]
file = "x.npy"
label_file = "y.npy"
normalize = "none"
image_shape = [3, 4]
[model]
layers = [12, 6, 2, 6, 12]
output_activation = "sigmoid"
[train]
batch_size = 16
epochs = 4
[render]
size = "480x270"
panels = ["code", "recon"]
"""


def image_experiment(tmp_path, labels=None, text=IMAGES, samples=60):
    """An experiment on 3x4 "images" from x.npy, labelled from y.npy, in `tmp_path`."""
    rng = np.random.default_rng(0)
    np.save(tmp_path / "x.npy", rng.uniform(0, 1, (samples, 12)).astype(np.float32))
    np.save(tmp_path / "y.npy", np.arange(samples) % 4 + 3 if labels is None else labels)
    (tmp_path / "e.toml").write_text(text)
    return tmp_path / "e.toml"


def train_error(run_cli, tmp_path, text: str, *args: str) -> str:
    """`aeviz train` of `text`: its refusal (exit 2, nothing written), without "Error: FILE: "."""
    (tmp_path / "exp.toml").write_text(text)
    result = run_cli("train", tmp_path / "exp.toml", "-o", tmp_path / "out.npz", *args)
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "out.npz").exists()
    return result.stderr.removeprefix(f"Error: {tmp_path / 'exp.toml'}: ")


def drawn_text_boxes(figure, monkeypatch) -> list:
    """(text, window extent) of every visible, non-empty text a full draw of `figure` draws,
    tick labels included: what the overlap tests compare."""
    from matplotlib.text import Text

    drawn = []

    def recording(text, renderer, draw=Text.draw):
        if text.get_visible() and text.get_text():
            drawn.append(text)
        draw(text, renderer)

    monkeypatch.setattr(Text, "draw", recording)
    figure.canvas.draw()
    monkeypatch.undo()
    renderer = figure.canvas.get_renderer()
    return [(text.get_text(), text.get_window_extent(renderer)) for text in drawn]
