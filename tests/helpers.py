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
