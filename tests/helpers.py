"""Helpers shared by the tests: decoding, drawing checks, small runs and data files, and the
checked ways the fuzz properties call aeviz."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import imageio.v3 as iio
import imageio_ffmpeg
import numpy as np
from click.testing import CliRunner
from matplotlib.text import Text

import aeviz
from aeviz.cli import cli
from aeviz.errors import AevizError
from aeviz.renderer.frames import Frame
from aeviz.renderer.labels import PathLabel
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.settings.tomlwriter import dump_toml
from aeviz.training.data import load_data
from tests.conftest import tiny_text


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


SMALL_SIZE = ["--size", "320x180"]  # a small still: quick to draw


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


def scene_frame(view: RunView):
    from aeviz.renderer.frames import Frame
    return Frame(float(view.timeline[-1]), (float(len(view) - 1),))


def invoke_checked(*args) -> object:
    """The CLI in-process; a traceback is a failure of the property, not of the test run."""
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="aeviz",
                                catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        error = result.exception
        raise AssertionError(f"traceback for aeviz {' '.join(map(str, args))[:200]}: "
                             f"{type(error).__name__}: {str(error)[:200]}") from error
    assert result.exit_code in (0, 2), (args, result.exit_code, result.output)
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, (
            result.stderr)
    return result


MEMORY_LIMIT = 1 << 30   # bytes of address space a command may take: the 1 GB


TIME_LIMIT = 120         # seconds: a hang guard, far above what any example takes


def data_experiment(folder: Path, file: str, columns: int, **data) -> Path:
    """An experiment (e.toml in `folder`) on the data file `file` of `columns` columns."""
    path = folder / "e.toml"
    path.write_text(tiny_text(data={"clusters": None, "file": file, **data},
                              model={"layers": [columns, 2, columns]}))
    return path


def read_or_refuse(path: Path):
    """The experiment's data (a Dataset, checked to be trainable: N x D finite float32 and a
    label per row), or None when aeviz refused it in one line."""
    try:
        data = load_data(load_experiment(path))
    except AevizError as error:
        assert "\n" not in str(error) and str(error), repr(str(error))
        return None
    assert data.x.ndim == 2 and data.x.dtype == np.float32 and np.isfinite(data.x).all()
    assert len(data.labels) == len(data.x)
    return data


def limited_aeviz(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`aeviz ARGS` in a subprocess held to MEMORY_LIMIT and TIME_LIMIT."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    return subprocess.run([sys.executable, "-m", "aeviz", *args], cwd=cwd, capture_output=True,
                          text=True, errors="replace", timeout=TIME_LIMIT, preexec_fn=limit)


def assert_exit_0_or_2(result: subprocess.CompletedProcess, folder: Path,
                       inputs: set[str]) -> None:
    assert result.returncode in (0, 2), (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode == 2:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, (
            result.stderr)
        written = {os.fsdecode(name) for name in os.listdir(folder)} - inputs
        assert not written, written


SMALLEST_PX = {"640x360": 11.0, "1280x720": 13.5}


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


def assert_legible(runs, size: str, panels: tuple[str, ...], monkeypatch,
                   caption: str | None = None, scenes: list | None = None) -> list:
    """Render the last epoch of `runs`: no text under the guaranteed size, none cut off by the
    frame, no two overlapping. Returns the texts drawn (`scenes`: gets the scene)."""
    views = [RunView(run, f"run {i + 1}") for i, run in enumerate(runs)]
    end = float(runs[0].epoch[-1])
    options = RenderOptions(size=size, panels=panels, caption=caption)
    scene = Scene(views, options, (0, end))
    if scenes is not None:
        scenes.append(scene)
    texts = drawn_texts(scene, Frame(end, (end,) * len(runs)), monkeypatch)
    assert len(texts) > 20
    smallest = min(texts, key=lambda t: t[1])
    assert smallest[1] >= SMALLEST_PX[size], smallest[:2]
    assert_inside_and_apart(texts, options.pixels)
    return texts


def assert_inside_and_apart(texts: list, pixels: tuple[int, int]) -> None:
    """Every text of `texts` (drawn_texts') inside a frame of `pixels`, none over another."""
    width, height = pixels
    for text, _, box in texts:
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, (
            text, box)
    for i, (text, _, box) in enumerate(texts):
        for other, _, other_box in texts[i + 1:]:
            assert not overlap(box, other_box), (text, other)


def overlap(a, b) -> bool:
    """Whether two boxes share more than a pixel's width both ways (touching is allowed)."""
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1


DATA = re.compile(r'<script id="aeviz-data" type="application/json">(.*?)</script>', re.S)


def page_data(path: Path) -> dict:
    return json.loads(DATA.search(path.read_text(encoding="utf-8"))[1])


def big_run(run, copies: int):
    """The run with every sample repeated `copies` times (a large data set, cheaply)."""
    return dataclasses.replace(run, x=np.tile(run.x, (copies, 1)),
                               labels=np.tile(run.labels, copies),
                               codes=np.tile(run.codes, (1, copies, 1)))


def wait_until(condition, what: str, limit: float = 60.0,
               process: subprocess.Popen | None = None) -> None:
    """Poll until `condition()` holds (a failure only if it never does, or `process` ends
    first: not a timing test)."""
    deadline = time.monotonic() + limit
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"ended before {what}: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


def commented_captions(path: Path) -> list[str]:
    """The --caption of every command in an example's comments (a comparison rendered by
    hand), in order."""
    found = re.findall(r"""--caption (?:'([^']*)'|"([^"]*)")""", path.read_text())
    return [single or double for single, double in found]


def read_key(legend) -> list[tuple[str, object]]:
    """A key's (name, handle) pairs as a student reads them, row by row and left to right,
    blanks left out: a key folded in rows stores its entries column by column, with blank
    entries ending a group's column (placement.reading_order)."""
    renderer = legend.figure.canvas.get_renderer()
    entries = [(text.get_text(), handle, text.get_window_extent(renderer))
               for text, handle in zip(legend.get_texts(), legend.legend_handles)
               if text.get_text()]
    entries.sort(key=lambda entry: (-round(entry[2].y0), entry[2].x0))
    return [(name, handle) for name, handle, _ in entries]
