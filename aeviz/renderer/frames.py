"""Which moment of training each video frame shows.

A run's snapshots sit on a timeline of epochs (fractional for within-epoch snapshots). Frames are
chosen on the union of the runs' timelines, then thinned (`every`), given in-between frames
(`smooth`), fitted to a duration at a pace (linear in epochs, or log: early epochs get more of
the clip) and held at the end. A frame names, per run, a fractional
snapshot index: 3.5 is halfway between snapshots 3 and 4 (smooth and log-paced clips show such
in-between states; the others show recorded snapshots only).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from aeviz.errors import SettingError
from aeviz.limits import MAX_FRAMES
from aeviz.settings import RenderOptions


class Frame(NamedTuple):
    position: float              # epoch on the shared timeline
    indexes: tuple[float, ...]   # fractional snapshot index, one per run


# How --epoch and --at count, said where a snapshot within an epoch is named both ways.
COUNTED = "counted in epochs completed, as on the loss panel's axis"


def epochs_text(position: float) -> str:
    """A position on the timeline as --epoch takes it: 12, or 0.923 within an epoch."""
    return f"{position:g}" if float(position).is_integer() else f"{position:.3f}".rstrip("0")


def moment_within(views: list, position: float) -> str:
    """How the header names the snapshot at `position` of `views` (renderer.views.RunView)
    if it lies within an epoch ("epoch 1, batch 12/13"), else "" (a whole epoch is named
    alike on the timeline and the header)."""
    if float(position).is_integer():
        return ""
    for view in views:
        hits = np.flatnonzero(view.timeline == position)
        if len(hits):
            return view.run.moment(int(hits[0]))
    return ""


def outside_runs(epoch: float, views: list) -> str:
    """Why `epoch` names no moment of `views`: their span, and where it ends within an epoch,
    how that moment is counted (a run that diverged in its first epoch ends at 0.923, where
    its header says "epoch 1, batch 12/13")."""
    timeline = np.unique(np.concatenate([view.timeline for view in views]))
    runs = "the run" if len(views) == 1 else "the runs"
    last = moment_within(views, timeline[-1])
    return (f"{epoch:g} is outside {runs} (epochs {epochs_text(timeline[0])} to "
            f"{epochs_text(timeline[-1])}"
            + (f"; {COUNTED}: {last} is {epochs_text(timeline[-1])})" if last else ")"))


def clip_moments(timelines: list[np.ndarray], options: RenderOptions,
                 positions: list[float]) -> list[tuple[int, int]]:
    """Where each of `positions` falls in the clip of these options: (number, count) of the
    clip's last frame nearest to it (the last epoch: the clip's last frame), so that a still,
    the viewer and the clip's frame at one moment show the same page of the caption. Options
    no clip can have (too many frames): the moment's share of the runs' span."""
    try:
        clip = np.array([frame.position for frame in plan_frames(timelines, options)])
    except SettingError:
        first = min(t[0] for t in timelines)
        length = max(t[-1] for t in timelines) - first
        return [((round(1000 * (position - first) / length) if length else 1000), 1001)
                for position in positions]
    moments = []
    for position in positions:
        distance = np.abs(clip - position)
        moments.append((int(np.flatnonzero(distance == distance.min())[-1]), len(clip)))
    return moments


def plan_frames(timelines: list[np.ndarray], options: RenderOptions) -> list[Frame]:
    """Frames for runs whose snapshots sit at `timelines` (epochs, increasing)."""
    positions = _in_range(timelines, options.epoch_bounds, options.epochs)
    positions = _keep_every(positions, options.every)
    if options.smooth:
        _check_count(len(positions) * (options.smooth + 1), "render.smooth",
                     "frames with smoothing")
        positions = _in_between(positions, options.smooth)
    if not options.duration:  # a frame per snapshot shown
        _check_count(len(positions), "render.duration", "frames at duration 0 (a frame per "
                     "snapshot shown)", "show fewer with render.every or render.epochs, or "
                     "give a duration")
    _check_count(round(options.duration * options.fps), "render.duration",
                 f"frames at {options.fps} fps")
    positions = _paced(positions, options)
    # Between snapshots, frames interpolate (smooth, and log pace, whose early frames fall
    # between the first epochs: shown as steps, they would stutter); the header still names
    # the recorded moment at or before each frame.
    between = options.smooth > 0 or options.pace == "log"
    frames = [Frame(float(p), tuple(index_at(t, p, between) for t in timelines))
              for p in positions]
    held = round(options.hold * options.fps)
    _check_count(len(frames) + held, "render.hold", "frames in all")
    return frames + [frames[-1]] * held


def _in_range(timelines: list[np.ndarray], bounds: tuple[float, float],
              epochs: str | None) -> np.ndarray:
    """Every recorded moment of any run between the bounds, in order."""
    first, last = bounds
    positions = np.unique(np.concatenate(timelines))
    positions = positions[(positions >= first) & (positions <= last)]
    if len(positions) == 0:
        known = np.concatenate(timelines)
        raise SettingError("render.epochs", f"no snapshot between epochs {epochs} (the "
                           f"run has epochs {known.min():g} to {known.max():g})")
    return positions


def _paced(positions: np.ndarray, options: RenderOptions) -> np.ndarray:
    """The moments the frames show: as many as the duration holds (one per position when
    duration is 0), spread evenly over the positions (linear pace) or over log(1 + epoch)
    (log pace: early epochs, where most of the learning happens, get more of the clip)."""
    count = round(options.duration * options.fps) if options.duration else len(positions)
    count = max(1, count)
    if options.pace == "log":
        return log_spaced(positions[0], positions[-1], count)
    if not options.duration:
        return positions
    return positions[np.round(np.linspace(0, len(positions) - 1, count)).astype(int)]


def log_spaced(first: float, last: float, count: int) -> np.ndarray:
    """`count` epochs from `first` to `last`, evenly spaced in log(1 + epoch)."""
    spaced = np.expm1(np.linspace(np.log1p(first), np.log1p(last), count))
    spaced[-1], spaced[0] = last, first  # the recorded ends exactly, not a rounding off them
    return spaced


def _check_count(count: float, key: str, what: str,
                 remedy: str = "lower fps, duration, hold or smooth") -> None:
    """Refuse a clip of more frames than aeviz makes, before they are planned."""
    if count > MAX_FRAMES:
        raise SettingError(key, f"makes {count:,.0f} {what}; a clip may have at most "
                           f"{MAX_FRAMES:,} ({remedy})")


def _keep_every(positions: np.ndarray, every: int) -> np.ndarray:
    kept = positions[::every]
    return kept if kept[-1] == positions[-1] else np.append(kept, positions[-1])


def _in_between(positions: np.ndarray, count: int) -> np.ndarray:
    steps = np.linspace(0, 1, count + 1, endpoint=False)
    starts, gaps = positions[:-1, None], np.diff(positions)[:, None]
    return np.append((starts + steps * gaps).ravel(), positions[-1])


def index_at(timeline: np.ndarray, position: float, interpolate: bool) -> float:
    """The run's snapshot index at `position`; a run that has finished holds its last one."""
    index = float(np.interp(position, timeline, np.arange(len(timeline))))
    return index if interpolate else float(np.floor(index + 1e-9))


def nearest_snapshot(timeline: np.ndarray, epoch: float) -> int:
    """Index of the snapshot closest to `epoch` (for single-frame PNGs)."""
    return int(np.argmin(np.abs(timeline - epoch)))
