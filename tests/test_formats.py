"""The web formats and the vector stills: decoded or parsed, and the same bytes every time."""

import re
import xml.etree.ElementTree as ET

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image

from aeviz import trajectory
from aeviz.renderer import render, run_views
from aeviz.renderer.frames import Frame
from aeviz.renderer.scene import Scene
from aeviz.settings import RenderOptions

TINY_CLIP = RenderOptions(size="320x180", duration=0, hold=0)  # one frame per snapshot
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def run(tiny_run_path):
    return trajectory.load(tiny_run_path)


@pytest.mark.parametrize("suffix", [".mp4", ".webm", ".gif", ".webp"])
def test_clips_are_byte_identical_on_rerun(run, tmp_path, suffix):
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    render([run], first, TINY_CLIP)
    render([run], second, TINY_CLIP)
    assert first.read_bytes() == second.read_bytes()


def test_webm_is_vp9_with_one_frame_per_snapshot(run, tmp_path):
    out = tmp_path / "clip.webm"
    notes = []
    render([run], out, RenderOptions(size="323x181", duration=0, hold=0), notify=notes.append)
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    assert meta["codec"] == "vp9" and meta["size"] == (322, 180)
    assert len(list(reader)) == 13
    assert out.read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # EBML: Matroska / WebM
    assert notes == ["size 323x181 rounded to 322x180 (VP9 needs even sides)"]


def test_webp_is_animated_and_loops(run, tmp_path):
    out = tmp_path / "clip.webp"
    render([run], out, RenderOptions(size="320x180", fps=10, duration=0, hold=0))
    with Image.open(out) as image:
        assert image.format == "WEBP" and image.size == (320, 180)
        assert image.n_frames == 13 and image.info["loop"] == 0
        image.seek(1)
        image.load()
        assert image.info["duration"] == 100  # ms per frame at 10 fps


def test_pdf_still_is_one_page_with_embedded_text(run, tmp_path):
    out = tmp_path / "still.pdf"
    frames = render([run], out, RenderOptions(size="640x360"), epoch=4)
    data = out.read_bytes()
    assert frames == [Frame(4.0, (4.0,))]
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b(?!s)", data)) == 1
    assert b"/FontFile2" in data  # TrueType embedded: text is text, not outlines
    render([run], tmp_path / "again.pdf", RenderOptions(size="640x360"), epoch=4)
    assert (tmp_path / "again.pdf").read_bytes() == data  # no creation date inside


def test_svg_still_has_its_labels_as_text(run, tmp_path):
    out = tmp_path / "still.svg"
    render([run], out, RenderOptions(size="640x360"), epoch=4)
    texts = [element.text for element in ET.parse(out).iter(f"{SVG}text")]
    # the panels' titles, and the labels that change every frame (glyph outlines in a clip)
    assert {"code layer", "epoch 4", "reconstruction error"} <= set(texts)
    assert any(text.startswith("RMSE 0.") for text in texts)
    assert len(list(ET.parse(out).iter(f"{SVG}use"))) >= 40  # the 40 points are vectors
    render([run], tmp_path / "again.svg", RenderOptions(size="640x360"), epoch=4)
    assert (tmp_path / "again.svg").read_bytes() == out.read_bytes()


def test_no_future_hides_only_the_curve_ahead(run):
    """With future off, a still differs from the default only in the loss panel, and right of
    the current epoch: the faint curve still to come is gone (left of it, the faint curve only
    tinted the strong one's antialiased edges)."""
    frame = Frame(4.0, (4.0,))
    images = {}
    for future in (True, False):
        options = RenderOptions(size="640x360", future=future)
        scene = Scene(run_views([run], options), options, (0, 12))
        images[future] = np.array(scene.draw_full(frame))
    loss_ax = next(p.ax for p, n in scene.panels if n is None)
    difference = np.abs(images[True].astype(int) - images[False].astype(int)).max(axis=2)
    changed = np.argwhere(difference > 0)
    assert len(changed) > 0
    x_now = loss_ax.transData.transform((4.0, 0))[0]
    box = loss_ax.get_window_extent()
    rows = 360 - changed[:, 0]  # image rows from the top, display y from the bottom
    assert box.x0 - 1 <= changed[:, 1].min() and changed[:, 1].max() <= box.x1 + 1
    assert box.y0 - 1 <= rows.min() and rows.max() <= box.y1 + 1
    left = changed[changed[:, 1] <= x_now]
    assert difference[left[:, 0], left[:, 1]].max() <= 10  # edges, seven levels in 255
    assert difference.max() > 50  # the faint curve itself


def test_cli_vector_still_with_no_future(run_cli, tiny_run_path, tmp_path):
    out = tmp_path / "still.svg"
    result = run_cli("render", tiny_run_path, "-o", out, "--epoch", "6", "--no-future",
                     "--size", "640x360")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{out}: 1 frame, ")
    assert "epoch 6" in [e.text for e in ET.parse(out).iter(f"{SVG}text")]
