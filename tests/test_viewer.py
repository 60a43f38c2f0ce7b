"""The scrubbing viewer, driven under Agg by calling its callbacks as a window would."""

from types import SimpleNamespace

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from aeviz import trajectory
from aeviz.renderer.viewer import Viewer
from aeviz.settings import RenderOptions


def make_viewer(tiny_run_path, **options):
    figure = Figure(figsize=(8, 5), dpi=60)
    FigureCanvasAgg(figure)
    run = trajectory.load(tiny_run_path)
    return Viewer([run], RenderOptions(hold=2, duration=9, **options), figure), run


def key(name):
    return SimpleNamespace(key=name)


def shown_points(viewer):
    code_panel = viewer.scene.panels[0][0]
    return np.concatenate([np.column_stack(p.get_data()) for p in code_panel.points])


def test_one_frame_per_snapshot_and_the_slider_scrubs(tiny_run_path):
    viewer, run = make_viewer(tiny_run_path)
    assert len(viewer.frames) == 13  # duration and hold are for clips, not for scrubbing
    viewer.slider.set_val(7)
    assert viewer.index == 7
    np.testing.assert_allclose(np.sort(shown_points(viewer), axis=0),
                               np.sort(run.codes[7], axis=0))
    assert viewer.scene.counter.get_text() == "epoch 7"


def test_arrow_keys_step_and_clamp(tiny_run_path):
    viewer, _ = make_viewer(tiny_run_path)
    viewer.on_key(key("right"))
    viewer.on_key(key("right"))
    assert viewer.index == 2 and viewer.slider.val == 2
    viewer.on_key(key("left"))
    viewer.on_key(key("down"))
    assert viewer.index == 0
    viewer.on_key(key("end"))
    viewer.on_key(key("up"))
    assert viewer.index == 12


def test_play_advances_and_pauses_at_the_end(tiny_run_path):
    viewer, _ = make_viewer(tiny_run_path)
    viewer.toggle()
    assert viewer.playing and viewer.button.label.get_text() == "pause"
    for _ in range(20):
        viewer.advance()
    assert viewer.index == 12 and not viewer.playing
    assert viewer.button.label.get_text() == "play"
    viewer.on_key(key(" "))  # play again from the end: starts over
    assert viewer.playing and viewer.index == 0


def test_the_window_draws(tiny_run_path):
    viewer, _ = make_viewer(tiny_run_path, theme="dark", trails=3)
    viewer.show(5)
    viewer.scene.canvas.draw()
    pixels = np.asarray(viewer.scene.canvas.buffer_rgba())
    assert pixels.shape == (300, 480, 4) and np.median(pixels[..., :3]) < 60


def test_view_without_a_display_says_so(run_cli, tiny_run_path):
    result = run_cli("view", tiny_run_path)
    assert result.exit_code == 2
    assert result.stderr == ("Error: view: no window can open here (matplotlib backend 'agg', "
                             "no display); render a clip with `aeviz render` instead\n")
