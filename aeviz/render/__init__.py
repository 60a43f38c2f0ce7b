"""Trajectory -> MP4 / GIF / PNG. Reads only trajectories: it never imports the trainer."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from aeviz.config import RenderOptions
from aeviz.errors import AevizError, SettingError
from aeviz.render.frames import Frame, index_at, nearest_snapshot, plan_frames
from aeviz.render.views import RunView
from aeviz.signals import deferred
from aeviz.trajectory import Trajectory

if TYPE_CHECKING:  # matplotlib is imported only when something is rendered
    from aeviz.render.scene import Scene
    from aeviz.render.writers import GifWriter, Mp4Writer, PngWriter

FORMATS = (".mp4", ".gif", ".png")
GIF_PALETTE_SAMPLES = 8


def output_kind(path: str | Path) -> str:
    """".mp4", ".gif" or ".png" from the output's name; anything else is a user error."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise AevizError(f"{path}: unknown output format {suffix or '(no extension)'!r} "
                         f"(allowed: {', '.join(FORMATS)})")
    return suffix


def check_request(output: str | Path, options: RenderOptions, epoch: float | None = None) -> str:
    """The output's kind, once the options are known to make sense for it (before any work)."""
    kind = output_kind(output)
    if epoch is not None and kind != ".png":
        raise SettingError("epoch", "only applies to a .png output (a single frame)")
    if kind == ".png" and options.smooth:
        raise SettingError("render.smooth", "makes frames between snapshots, which a single "
                           ".png frame cannot show; use .mp4 or .gif")
    return kind


def render(runs: list[Trajectory], output: str | Path, options: RenderOptions, *,
           epoch: float | None = None, on_frame: Callable[[int, int], None] | None = None,
           notify: Callable[[str], None] = lambda message: None) -> list[Frame]:
    """Render `runs` (one, or several side by side) to `output`; return the frames drawn.

    A .png shows the single snapshot nearest to `epoch` (default: the last). `on_frame(done,
    total)` is called after each frame, for progress display; `notify` gets notes for the user.
    """
    from aeviz.render.scene import Scene

    kind = check_request(output, options, epoch)
    width, height = options.pixels
    if kind == ".mp4" and (width % 2 or height % 2):
        even = f"{width - width % 2}x{height - height % 2}"
        notify(f"size {options.size} rounded to {even} (H.264 needs even sides)")
        options = dataclasses.replace(options, size=even)
    views = run_views(runs, options)
    timelines = [view.timeline for view in views]
    if kind == ".png":
        frames = [_still(timelines, epoch, notify)]
        # A still shows the runs' whole span, so the loss curve has its context.
        span = (min(t[0] for t in timelines), max(t[-1] for t in timelines))
    else:
        frames = plan_frames(timelines, options)
        span = (frames[0].position, frames[-1].position)
    with deferred():  # a signal is raised between drawing steps, never inside matplotlib
        scene = Scene(views, options, span)
    for note in scene.notes:
        notify(note)
    with deferred():
        writer = _writer(kind, output, options, scene, frames)
    try:
        writer.setup()
        previous = None
        for done, frame in enumerate(frames, start=1):
            if frame != previous:  # held frames are sent again without drawing
                with deferred():
                    pixels = scene.draw(frame)
            writer.grab_frame(pixels)
            previous = frame
            if on_frame is not None:
                on_frame(done, len(frames))
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    return frames


def run_views(runs: list[Trajectory], options: RenderOptions) -> list[RunView]:
    """The runs prepared for drawing, named by `options.labels` (default: their titles)."""
    names = options.labels or [None] * len(runs)
    if len(names) != len(runs):
        raise SettingError("render.labels", f"got {len(names)} names for {len(runs)} runs; "
                           "give one per run, comma-separated")
    return [RunView(run, label, options.align) for run, label in zip(runs, names)]


def _writer(kind: str, output: str | Path, options: RenderOptions, scene: Scene,
            frames: list[Frame]) -> Mp4Writer | GifWriter | PngWriter:
    from aeviz.render.writers import GifWriter, Mp4Writer, PngWriter

    if kind == ".mp4":
        return Mp4Writer(output, options.pixels, options.fps)
    if kind == ".gif":
        picks = np.linspace(0, len(frames) - 1, min(GIF_PALETTE_SAMPLES, len(frames)))
        samples = [bytes(scene.draw(frames[int(i)])) for i in picks]
        return GifWriter(output, options.pixels, options.fps, samples)
    return PngWriter(output, options.pixels)


def _still(timelines: list[np.ndarray], epoch: float | None,
           notify: Callable[[str], None]) -> Frame:
    """The frame of a .png: the first run's snapshot nearest to `epoch` (default: the last)."""
    timeline = timelines[0]
    if epoch is not None and not timeline[0] <= epoch <= timeline[-1]:
        raise SettingError("epoch", f"{epoch:g} is outside the run (epochs {timeline[0]:g} "
                           f"to {timeline[-1]:g})")
    position = timeline[-1] if epoch is None else timeline[nearest_snapshot(timeline, epoch)]
    if epoch is not None and position != epoch:
        notify(f"epoch {epoch:g} was not recorded; showing the nearest snapshot, epoch "
               f"{position:g}")
    return Frame(float(position), tuple(index_at(t, position, interpolate=False)
                                        for t in timelines))
