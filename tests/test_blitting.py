"""Blitting: a frame drawn by updating only what moves equals a full redraw, for every
kind of frame (options, comparisons, reconstruction panels)."""


import numpy as np
import pytest

from aeviz.renderer.frames import plan_frames
from aeviz.renderer.panels import InputSpacePanel, ParallelCoordinatesPanel
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from aeviz.training.loop import train
from tests.conftest import tiny_text
from tests.helpers import assert_blitting_exact


def test_comparison_blitting_is_exact(two_runs):
    views = [RunView(run) for run in two_runs]
    options = RenderOptions(size="480x270")
    frames = plan_frames([v.timeline for v in views], options)
    assert_blitting_exact(views, options, [frames[8]])


@pytest.mark.parametrize("dims", [2, 3, 4])
def test_reconstruction_panel_blits_exactly(tmp_path, dims):
    clusters = [{"n": 20, "mean": [0.5] + [0.1] * (dims - 1), "std": 0.1},
                {"n": 20, "mean": [-0.5] + [0.2] * (dims - 1), "std": 0.1}]
    (tmp_path / "e.toml").write_text(tiny_text(data={"clusters": clusters},
                                               model={"layers": [dims, 4, 2, 4, dims]}))
    view = RunView(train(load_experiment(tmp_path / "e.toml")))
    options = RenderOptions(size="960x540", panels=("recon", "code"), duration=0)
    frame = plan_frames([view.timeline], options)[6]
    scene = assert_blitting_exact([view], options, [frame])
    panel = scene.panels[0][0]
    if dims <= 3:
        assert isinstance(panel, InputSpacePanel) and len(panel.axes) == (3 if dims == 3 else 1)
    else:
        assert isinstance(panel, ParallelCoordinatesPanel)
    if dims == 4:  # the dashed lines are the network's output for the picked samples
        state = view.state(6)
        expected = view.run.x[panel.picks[0]]
        for w, b in zip(state.weights, state.biases):  # all tanh here
            expected = np.tanh(expected @ w.T.astype(float) + b)
        np.testing.assert_allclose(panel.lines[0].get_ydata(), expected, rtol=1e-6)


@pytest.mark.parametrize("options", [
    RenderOptions(size="640x360"),
    RenderOptions(size="640x360", theme="dark", log_loss=True, panels=("loss", "code")),
    RenderOptions(size="640x360", smooth=2),
    RenderOptions(size="640x360", trails=4, pca_ghost=True, align="procrustes"),
    RenderOptions(size="640x360", smooth=3, trails=2),
])
def test_blitted_frame_equals_full_redraw(run, options):
    view = RunView(run, align=options.align)
    frames = plan_frames([view.timeline], options)
    scene = assert_blitting_exact([view], options,
                                  [frames[0], frames[1], frames[len(frames) // 2 + 1],
                                   frames[-1]])
    assert np.asarray(scene.canvas.buffer_rgba()).shape == (360, 640, 4)


def test_the_terms_readout_blits_exactly(tmp_path):
    """An L1 penalty's value at 640x360 is a readout on the loss panel's title row (its axis
    has no room there, as sparse-codes'), outside the plot: where it stands, blitted frames
    equal full redraws, frame after frame, and it changes with the frame. (Only there: a
    run with a terms axis differs at the loss plot's top left corner, where the curve starts,
    by some 36 pixels, readout or axis.)"""
    from aeviz.renderer.panels import LossPanel
    from aeviz.renderer.scene import Scene

    (tmp_path / "e.toml").write_text(tiny_text(train={"code_l1": 0.01}))
    view = RunView(train(load_experiment(tmp_path / "e.toml")))
    options = RenderOptions(size="640x360")
    frames = plan_frames([view.timeline], options)
    blitting = Scene([view], options, (0, 12))
    texts = set()
    for frame in (frames[0], frames[len(frames) // 2], frames[-1]):
        blitted = np.array(blitting.draw(frame))
        redrawing = Scene([view], options, (0, 12))
        redrawn = np.array(redrawing.draw_full(frame))
        (loss,) = [p for p, _ in redrawing.panels if isinstance(p, LossPanel)]
        readout = loss.terms.readout
        assert readout is not None and readout.get_text().startswith("mean Σ|code| ")
        texts.add(readout.get_text())
        box = readout.get_window_extent(redrawing.canvas.get_renderer())
        rows = slice(int(360 - box.y1) - 2, int(360 - box.y0) + 3)
        columns = slice(int(box.x0) - 2, int(box.x1) + 3)
        np.testing.assert_array_equal(blitted[rows, columns], redrawn[rows, columns])
    assert len(texts) == 3, texts
