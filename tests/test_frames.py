"""Frame planning: thinning, ranges, durations, holds, in-between frames, several runs."""

import numpy as np
import pytest

from aeviz.config import RenderOptions
from aeviz.errors import AevizError
from aeviz.render.frames import plan_frames

TIMELINE = np.arange(0.0, 11.0)  # snapshots at epochs 0..10


def positions(frames):
    return [f.position for f in frames]


def test_one_frame_per_snapshot_by_default():
    frames = plan_frames([TIMELINE], RenderOptions())
    assert positions(frames) == list(TIMELINE)
    assert frames[3].indexes == (3.0,)


def test_every_keeps_the_last_snapshot():
    assert positions(plan_frames([TIMELINE], RenderOptions(every=4))) == [0, 4, 8, 10]


def test_epoch_range():
    frames = plan_frames([TIMELINE], RenderOptions(epochs="3:5"))
    assert positions(frames) == [3, 4, 5]
    with pytest.raises(AevizError, match=r"^render.epochs: no snapshot between epochs 20: "):
        plan_frames([TIMELINE], RenderOptions(epochs="20:"))


def test_duration_thins_or_repeats_evenly():
    assert positions(plan_frames([TIMELINE], RenderOptions(fps=2, duration=2))) == [0, 3, 7, 10]
    slow = plan_frames([TIMELINE], RenderOptions(fps=11, duration=2))
    assert len(slow) == 22 and positions(slow)[:3] == [0, 0, 1] and slow[-1].position == 10


def test_hold_repeats_the_last_frame():
    frames = plan_frames([TIMELINE], RenderOptions(fps=10, hold=0.5))
    assert len(frames) == 11 + 5 and frames[-5:] == [frames[10]] * 5


def test_smooth_inserts_interpolated_frames():
    frames = plan_frames([np.array([0.0, 2.0, 4.0])], RenderOptions(smooth=1))
    assert positions(frames) == [0, 1, 2, 3, 4]
    assert [f.indexes[0] for f in frames] == [0, 0.5, 1, 1.5, 2]


def test_several_runs_share_a_timeline_and_finished_runs_hold():
    long, short = np.arange(0.0, 5.0), np.array([0.0, 2.0])
    frames = plan_frames([long, short], RenderOptions())
    assert [f.indexes for f in frames] == [(0, 0), (1, 0), (2, 1), (3, 1), (4, 1)]
