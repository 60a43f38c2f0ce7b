"""Runs and options -> an output: the frames planned, the scene drawn, each frame handed to the
writer its suffix names (see formats and writers). Reads only trajectories: it never imports
the trainer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from aeviz.errors import SettingError
from aeviz.limits import MAX_PIXELS
from aeviz.renderer.budgets import within_budgets
from aeviz.renderer.formats import (
    CLIPS,
    EVEN_SIDES,
    PAGES,
    STILLS,
    VECTOR_FORMATS,
    output_kind,
)
from aeviz.renderer.frames import (
    COUNTED,
    Frame,
    clip_moments,
    epochs_text,
    index_at,
    moment_within,
    nearest_snapshot,
    outside_runs,
    plan_frames,
)
from aeviz.renderer.panels.placement import quick_pages_note, turn_frames
from aeviz.renderer.panels.style import frame_pixels
from aeviz.renderer.views import RunView, run_views
from aeviz.settings import RenderOptions
from aeviz.signals import checkpoint, deferred
from aeviz.text import quiet_glyphs
from aeviz.trajectory import Trajectory

if TYPE_CHECKING:  # matplotlib is imported only when something is rendered
    from aeviz.renderer.scene import Scene
    from aeviz.renderer.writers import Writer

GIF_PALETTE_SAMPLES = 8


def check_request(output: str | Path, options: RenderOptions, epoch: float | None = None) -> str:
    """The output's kind, once the options are known to make sense for it (before any work)."""
    kind = output_kind(output)
    width, height = options.pixels
    if width * height > MAX_PIXELS:
        raise SettingError("render.size", f"{options.size} is {width * height:,} pixels; a "
                           f"frame may have at most {MAX_PIXELS:,} (3840x2160, or any "
                           f"allowed WIDTHxHEIGHT with no more pixels)")
    if epoch is not None and kind not in STILLS:
        raise SettingError("epoch", "only applies to a still (.png, .pdf or .svg: a single "
                           "frame)")
    if kind in PAGES and options.smooth:
        raise SettingError("render.smooth", "makes frames between snapshots; a page shows "
                           "the recorded snapshots only; use .mp4 or .gif")
    if kind in STILLS and options.smooth:
        raise SettingError("render.smooth", f"makes frames between snapshots, which a single "
                           f"{kind} frame cannot show; use a clip ({', '.join(CLIPS)})")
    return kind


def render(runs: list[Trajectory], output: str | Path, options: RenderOptions, *,
           epoch: float | None = None, on_frame: Callable[[int, int], None] | None = None,
           notify: Callable[[str], None] = lambda message: None) -> list[Frame]:
    """Render `runs` (one, or several side by side) to `output`; return the frames drawn.

    A still shows the single snapshot nearest to `epoch` (default: the last). `on_frame(done,
    total)` is called after each frame, for progress display; `notify` gets notes for the user.
    """
    with quiet_glyphs():
        return _render(runs, output, options, epoch, on_frame, notify)


def _render(runs: list[Trajectory], output: str | Path, options: RenderOptions,
            epoch: float | None, on_frame: Callable[[int, int], None] | None,
            notify: Callable[[str], None]) -> list[Frame]:
    from aeviz.renderer.scene import Scene

    kind = check_request(output, options, epoch)
    if kind in PAGES:
        from aeviz.renderer.page import write_page

        frames = write_page(runs, output, options, notify=notify)
        if on_frame is not None:
            on_frame(len(frames), len(frames))
        return frames
    width, height = options.pixels
    if kind in EVEN_SIDES and (width % 2 or height % 2):
        even = options.with_even_sides()
        notify(f"size {options.size} rounded to {even.size} ({EVEN_SIDES[kind]} needs even "
               "sides)")
        options = even
    views = run_views(runs, options)
    options = within_budgets(views, options, notify)
    timelines = [view.timeline for view in views]
    still = None
    if kind in STILLS:
        frames = [_still(views, epoch, notify)]
        # A still shows the runs' whole span, so the loss curve has its context.
        span = (min(t[0] for t in timelines), max(t[-1] for t in timelines))
        still = clip_moments(timelines, options, [frames[0].position])[0]
    else:
        frames = plan_frames(timelines, options)
        span = (frames[0].position, frames[-1].position)
    with deferred():  # a signal is raised between drawing steps, never inside matplotlib
        scene = Scene(views, options, span, still=still)
    for note in scene.notes:
        notify(note)
    unseen = unseen_pages(scene.caption_seconds, len(frames)) if still is None else []
    if unseen:  # (a clip shorter in frames than its caption in pages)
        notify(f"caption: its {len(scene.caption_pages)} pages take turns over "
               f"{len(frames)} frames: page{'s' if len(unseen) > 1 else ''} "
               f"{', '.join(map(str, unseen))} not shown; a longer --duration shows them")
    elif still is None:
        quick = quick_pages_note(scene.caption_seconds, len(frames), options.fps,
                                 f"at {frame_pixels(scene.figure)}")
        if quick:
            notify(quick)
    if kind in VECTOR_FORMATS:
        _save_vector_still(scene, frames[0], output)
        if on_frame is not None:
            on_frame(1, 1)
        return frames
    with deferred():
        writer = _writer(kind, output, options, scene, frames)
    try:
        writer.setup()
        previous = None
        for done, frame in enumerate(frames, start=1):
            if still is None:  # (a still keeps the page of its moment)
                scene.show_caption_page(done - 1, len(frames))
            shown = (frame, scene.caption_page)
            if shown != previous:  # held frames are sent again without drawing
                with deferred():
                    pixels = scene.draw(frame)
            writer.grab_frame(pixels)
            previous = shown
            if on_frame is not None:
                on_frame(done, len(frames))
        writer.finish()
    except BaseException:
        writer.abort()
        raise
    return frames


def unseen_pages(seconds: list[float], frames: int) -> list[int]:
    """The caption pages (numbered from 1), of pages that take `seconds` each to read, that
    no frame of a clip of `frames` shows (in none of their turns: turn_frames)."""
    turns = turn_frames(seconds, frames)
    shown = {turn % max(len(seconds), 1) for turn, count in enumerate(turns) if count}
    return [page + 1 for page in range(len(seconds)) if page not in shown]


def _save_vector_still(scene: Scene, frame: Frame, output: str | Path) -> None:
    """The frame as vectors: the scene's changing artists set to it, then saved whole."""
    from aeviz.renderer.vector import prepare_for_vectors, save_vector

    scene.update(frame)
    prepare_for_vectors(scene.figure, scene.artists)
    save_vector(scene.figure, output)


def _writer(kind: str, output: str | Path, options: RenderOptions, scene: Scene,
            frames: list[Frame]) -> Writer:
    """The writer for the output's suffix (see writers.WRITERS)."""
    from aeviz.renderer.writers import WRITERS

    def palette_frames() -> list[bytes]:
        """A few frames spread over the clip, drawn while signals are deferred: each frame a
        safe place to stop."""
        picks = np.linspace(0, len(frames) - 1, min(GIF_PALETTE_SAMPLES, len(frames)))
        samples = []
        for i in picks:
            scene.show_caption_page(int(i), len(frames))
            samples.append(bytes(scene.draw(frames[int(i)])))
            checkpoint()
        return samples

    return WRITERS[kind](output, options, palette_frames)


def _still(views: list[RunView], epoch: float | None,
           notify: Callable[[str], None]) -> Frame:
    """The frame of a still: the snapshot nearest to `epoch` (default: the last) among the
    runs' snapshots, whatever their order; a run that ended before it shows its last one, as
    in a clip. `epoch` counts epochs completed, as the loss panel's axis does: a snapshot
    within an epoch ("epoch 1, batch 12/13" in the header) is at 12/13 = 0.923."""
    timelines = [view.timeline for view in views]
    timeline = np.unique(np.concatenate(timelines))  # every run's snapshots, in order
    if epoch is not None and not timeline[0] <= epoch <= timeline[-1]:
        raise SettingError("epoch", outside_runs(epoch, views))
    position = timeline[-1] if epoch is None else timeline[nearest_snapshot(timeline, epoch)]
    if epoch is not None and position != epoch:
        moment = moment_within(views, position)
        notify(f"epoch {epoch:g} was not recorded; showing the nearest snapshot, epoch "
               f"{epochs_text(position)}" + (f" ({moment}; {COUNTED})" if moment else ""))
    ended = [str(n) for n, t in enumerate(timelines, start=1) if t[-1] < position]
    if epoch is not None and ended:
        notify(f"run{'s' if len(ended) > 1 else ''} {', '.join(ended)} ended before epoch "
               f"{position:g}: shown at {'their' if len(ended) > 1 else 'its'} last snapshot")
    return Frame(float(position), tuple(index_at(t, position, interpolate=False)
                                        for t in timelines))
