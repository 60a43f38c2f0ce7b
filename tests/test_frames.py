"""Frame planning: thinning, ranges, durations, paces, holds, in-between frames, several runs."""


import numpy as np
import pytest

from aeviz import trajectory
from aeviz.errors import AevizError, SettingError
from aeviz.renderer import render
from aeviz.renderer.frames import plan_frames
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.training.loop import train

TIMELINE = np.arange(0.0, 11.0)  # snapshots at epochs 0..10


def plan(timelines, **options):
    """Frames with `options` over a frame per snapshot and no hold (the built-in clip
    defaults fit to 12 s and hold 2 s)."""
    return plan_frames(timelines, RenderOptions(**{"duration": 0, "hold": 0, **options}))


def positions(frames):
    return [f.position for f in frames]


def test_one_frame_per_snapshot_by_default():
    frames = plan([TIMELINE])
    assert positions(frames) == list(TIMELINE)
    assert frames[3].indexes == (3.0,)


def test_every_keeps_the_last_snapshot():
    assert positions(plan([TIMELINE], every=4)) == [0, 4, 8, 10]


def test_epoch_range():
    frames = plan([TIMELINE], epochs="3:5")
    assert positions(frames) == [3, 4, 5]
    with pytest.raises(AevizError, match=r"^render.epochs: no snapshot between epochs 20: "):
        plan([TIMELINE], epochs="20:")


def test_duration_thins_or_repeats_evenly():
    assert positions(plan([TIMELINE], fps=2, duration=2)) == [0, 3, 7, 10]
    slow = plan([TIMELINE], fps=11, duration=2)
    assert len(slow) == 22 and positions(slow)[:3] == [0, 0, 1] and slow[-1].position == 10


def test_hold_repeats_the_last_frame():
    frames = plan([TIMELINE], fps=10, hold=0.5)
    assert len(frames) == 11 + 5 and frames[-5:] == [frames[10]] * 5


def test_smooth_inserts_interpolated_frames():
    frames = plan([np.array([0.0, 2.0, 4.0])], smooth=1)
    assert positions(frames) == [0, 1, 2, 3, 4]
    assert [f.indexes[0] for f in frames] == [0, 0.5, 1, 1.5, 2]


def test_several_runs_share_a_timeline_and_finished_runs_hold():
    long, short = np.arange(0.0, 5.0), np.array([0.0, 2.0])
    frames = plan([long, short])
    assert [f.indexes for f in frames] == [(0, 0), (1, 0), (2, 1), (3, 1), (4, 1)]


def test_built_in_defaults_fit_twelve_seconds_and_hold_two():
    frames = plan_frames([TIMELINE], RenderOptions(fps=10))
    assert len(frames) == 120 + 20 and frames[0].position == 0 and frames[119].position == 10
    assert frames[-20:] == [frames[119]] * 20


def test_linear_pace_is_the_plain_plan():
    assert plan([TIMELINE], pace="linear") == plan([TIMELINE])
    assert plan([TIMELINE], fps=2, duration=2, pace="linear") == plan([TIMELINE], fps=2,
                                                                      duration=2)


def test_log_pace_spaces_frames_evenly_in_log_one_plus_epoch():
    timeline = np.arange(0.0, 100.0)  # epochs 0..99
    frames = plan([timeline], fps=10, duration=1, pace="log")
    # 10 frames from log(1) = 0 to log(100), evenly: epoch 100^(k/9) - 1
    expected = [100 ** (k / 9) - 1 for k in range(10)]
    assert positions(frames) == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert positions(frames)[0] == 0 and positions(frames)[-1] == 99
    # frames between snapshots interpolate (no stutter of held epochs), with or without smooth
    assert [f.indexes[0] for f in frames] == pytest.approx(expected, abs=1e-9)
    assert [f.indexes[0] for f in plan([timeline], fps=10, duration=1, pace="log",
                                       smooth=1)] == pytest.approx(expected, abs=1e-9)


def test_log_pace_does_not_stutter_and_the_header_names_recorded_moments(tiny_run_path):
    """The demo's complaint: 420 frames, 160 distinct. Every planned moment is now its own
    image, and the counter names the snapshot at or before it, never a fraction."""
    import aeviz
    from aeviz.renderer import run_views

    run = aeviz.load(tiny_run_path)
    options = RenderOptions(pace="log", fps=10, duration=3, hold=0, size="320x180")
    views = run_views([run], options)
    frames = plan_frames([v.timeline for v in views], options)
    assert len(set(frames)) == len(frames) == 30
    scene = Scene(views, options, (frames[0].position, frames[-1].position))
    names = set()
    for frame in frames:
        scene.update(frame)
        names.add(scene.counter.get_text())
    assert names <= {run.moment(i) for i in range(len(run))}


def test_log_pace_keeps_the_frame_count_and_the_window():
    frames = plan([TIMELINE], pace="log", epochs="2:8")
    assert len(frames) == 7
    assert positions(frames) == pytest.approx(np.expm1(np.linspace(np.log(3), np.log(9), 7)))


def test_smooth_interpolates_between_snapshots(tiny_run_path):
    view = RunView(trajectory.load(tiny_run_path))
    half = view.state(2.5)
    np.testing.assert_allclose(half.codes, (view.codes[2] + view.codes[3]) / 2, rtol=1e-6)
    assert half.loss == pytest.approx((view.run.loss[2] + view.run.loss[3]) / 2)
    assert half.snapshot == 2 and half.position == 2.5


def test_within_epoch_snapshots_are_rendered_as_frames(tiny_toml, tmp_path):
    run = train(load_experiment(tiny_toml, ["record.batches=1", "train.epochs=2"]))
    view = RunView(run)
    np.testing.assert_allclose(view.timeline, [0, 0.2, 0.4, 0.6, 0.8, 1, 2])
    assert view.step_label(2) == "epoch 1, batch 2/5" and view.step_label(5) == "epoch 1"
    frames = render([run], tmp_path / "b.gif", RenderOptions(size="320x180", duration=0, hold=0))
    assert len(frames) == 7


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
