"""The scrubbing viewer, driven under Agg by calling its callbacks as a window would."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
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
    assert viewer.slider.label.get_text() == "epoch"  # the slider is in epochs
    assert viewer.slider.val == 7 and viewer.slider.valtext.get_text() == "7"
    viewer.slider.set_val(3.4)  # snaps to the recorded epoch nearest the pointer
    assert viewer.index == 3 and viewer.slider.valtext.get_text() == "3"


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


# A real window, under a virtual X server (Debian's xvfb and xdotool): skipped, with the
# reason, where none can be started.

def _x_server(screen: str = "1280x800"):
    if not (shutil.which("Xvfb") and shutil.which("xdotool")):
        pytest.skip("no Xvfb or xdotool (apt-get install xvfb xdotool)")
    try:
        import tkinter  # noqa: F401
    except ImportError:
        pytest.skip("no tkinter for matplotlib's TkAgg backend (apt-get install python3-tk)")
    # Xvfb picks a free display itself and writes its number once it accepts connections:
    # no guessing (two test processes may start one each at the same moment) and no waiting.
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", f"{screen}x24",
                               "-nolisten", "tcp"], pass_fds=(write,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()  # empty if Xvfb ended without a display
    if number:
        return server, f":{number}"
    server.kill()
    server.wait()
    pytest.skip("no X server could be started")


@pytest.fixture(scope="module")
def display():
    server, name = _x_server()
    yield name
    server.terminate()
    server.wait()


@pytest.fixture(scope="module")
def small_display():
    """A 640x400 screen: a classroom's old projector, a netbook."""
    server, name = _x_server("640x400")
    yield name
    server.terminate()
    server.wait()


def _window_env(display):
    return {**os.environ, "DISPLAY": display, "MPLBACKEND": "TkAgg"}


@pytest.mark.slow  # a real X server and window
def test_the_window_fits_the_screen_names_the_run_and_notes_clip_flags(display, tiny_run_path,
                                                                        tmp_path):
    viewer = subprocess.Popen([sys.executable, "-m", "aeviz", "view", str(tiny_run_path),
                               "--duration", "3"], env=_window_env(display),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        found = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name",
                                "^aeviz: "], env=_window_env(display), capture_output=True,
                               text=True, timeout=60)
        window = found.stdout.split()[0]
        name = subprocess.run(["xdotool", "getwindowname", window], env=_window_env(display),
                              capture_output=True, text=True).stdout.strip()
        assert name == "aeviz: tiny"  # the run's title, not "Figure 1"
        geometry = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window],
                                  env=_window_env(display), capture_output=True,
                                  text=True).stdout
        size = dict(line.split("=") for line in geometry.split())
        assert int(size["WIDTH"]) <= 1280 and int(size["HEIGHT"]) <= 800
    finally:
        viewer.terminate()
        _, stderr = viewer.communicate(timeout=120)
    assert "note: --duration shapes a clip's time; the viewer shows every snapshot" in stderr


RESIZE = """
import sys, matplotlib.pyplot as plt
from aeviz import trajectory
from aeviz.renderer.viewer import Viewer
from aeviz.settings import RenderOptions
figure = plt.figure(figsize=(12.8, 7.7), dpi=100)
viewer = Viewer([trajectory.load(sys.argv[1])], RenderOptions(), figure)
plt.show(block=False)
plt.pause(0.5)
figure.canvas.manager.window.geometry("1000x640")  # as a user drags the window smaller
for _ in range(300):  # until the resize has come through (a layout takes a while under load)
    plt.pause(0.1)
    if round(figure.bbox.width) == 1000 and viewer.size == tuple(figure.get_size_inches()):
        break
from matplotlib.text import Text
drawn = []  # texts a draw draws: an axis keeps tick labels beyond its limits undrawn
def recording(text, renderer, draw=Text.draw):
    if text.get_visible() and text.get_text():
        drawn.append(text)
    draw(text, renderer)
Text.draw = recording
figure.canvas.draw()
renderer = figure.canvas.get_renderer()
width, height = figure.bbox.width, figure.bbox.height
boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in drawn]
outside = [text for text, box in boxes if not (-1 <= box.x0 and box.x1 <= width + 1
                                               and -1 <= box.y0 and box.y1 <= height + 1)]
assert len(boxes) > 20, boxes
viewer.toggle()
print(round(width), round(height), viewer.size == tuple(figure.get_size_inches()),
      viewer.button.label.get_text(), outside)
"""


@pytest.mark.slow  # a real X server and window
def test_the_window_lays_itself_out_again_when_resized(display, tiny_run_path):
    done = subprocess.run([sys.executable, "-c", RESIZE, str(tiny_run_path)],
                          env=_window_env(display), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    width, height, laid_out, button, outside = done.stdout.split(" ", 4)
    assert int(width) == 1000 and 500 < int(height) < 640  # the toolbar takes the rest
    assert laid_out == "True"  # laid out for the new size: nothing cut off
    assert outside == "[]\n" and button == "pause"  # the button says so at once


def test_a_resize_while_the_window_closes_is_ignored(tiny_run_path):
    """Closing the window, matplotlib gives the figure a canvas of no toolkit, and the
    toolkit still resizes the window as it goes: laid out on that canvas, the viewer failed
    ("'FigureCanvasBase' object has no attribute 'get_renderer'", a traceback as the window
    closed). It lays nothing out then; on its own canvas it does."""
    from matplotlib.backend_bases import FigureCanvasBase

    figure = Figure(figsize=(8, 5), dpi=60)
    FigureCanvasAgg(figure)
    run = trajectory.load(tiny_run_path)
    viewer = Viewer([run], RenderOptions(), figure)
    scene = viewer.scene
    FigureCanvasBase(figure)  # as matplotlib's close leaves it
    figure.set_size_inches(9, 5)
    viewer.on_resize()
    assert viewer.scene is scene
    FigureCanvasAgg(figure)
    viewer.canvas = figure.canvas
    viewer.on_resize()
    assert viewer.scene is not scene


def test_a_window_closing_while_the_viewer_lays_out_prints_no_traceback(tiny_run_path,
                                                                        monkeypatch):
    """The window closed mid-layout (a tester's Ctrl-C, a long caption): the canvas went
    while the panels were measured, "'FigureCanvasBase' object has no attribute
    'get_renderer'". The layout is dropped; on its own canvas a failure still raises."""
    from matplotlib.backend_bases import FigureCanvasBase

    from aeviz.renderer import viewer as viewer_module

    figure = Figure(figsize=(8, 5), dpi=60)
    FigureCanvasAgg(figure)
    viewer = Viewer([trajectory.load(tiny_run_path)], RenderOptions(), figure)
    real_scene = viewer_module.Scene

    def closing_scene(*args, **kwargs):
        FigureCanvasBase(figure)  # as matplotlib's close leaves it, mid-way
        return real_scene(*args, **kwargs)

    monkeypatch.setattr(viewer_module, "Scene", closing_scene)
    figure.set_size_inches(9, 5)
    viewer.on_resize()  # no traceback
    FigureCanvasAgg(figure)
    viewer.canvas = figure.canvas
    monkeypatch.setattr(viewer_module, "Scene", lambda *a, **k: 1 / 0)
    figure.set_size_inches(10, 5)
    with pytest.raises(ZeroDivisionError):
        viewer.on_resize()


def test_the_viewer_is_usable_at_640x400(tiny_run_path, monkeypatch):
    """A 640x400 window shows the clip's layout at fewer dots per inch: no two texts
    overlap, none is cut off, and the panels keep the smallest clip's page (8 x 4.5 in)."""
    from tests.helpers import drawn_text_boxes

    figure = Figure(figsize=(6.4, 4.0), dpi=100)
    FigureCanvasAgg(figure)
    run = trajectory.load(tiny_run_path)
    viewer = Viewer([run], RenderOptions(), figure)
    assert (round(figure.bbox.width), round(figure.bbox.height)) == (640, 400)  # same pixels
    assert figure.get_size_inches()[1] >= 5.0 - 1e-9
    viewer.show(6)
    boxes = drawn_text_boxes(figure, monkeypatch)
    assert len(boxes) > 20
    for i, (text, box) in enumerate(boxes):
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= 641 and box.y1 <= 401, text
        for other, other_box in boxes[i + 1:]:
            assert not (min(box.x1, other_box.x1) - max(box.x0, other_box.x0) > 1 and
                        min(box.y1, other_box.y1) - max(box.y0, other_box.y0) > 1), (text, other)


def test_three_runs_in_a_640x400_viewer_keep_their_planes_tall(tiny_run_path):
    """The activations comparison in a 640x400 window (its figure 614x330 px): the loss was
    put below three planes 30 px tall (squareness alone, on the page with its controls); it
    stands beside them now, as in the 640x360 clip."""
    figure = Figure(figsize=(6.14, 3.3), dpi=100)
    FigureCanvasAgg(figure)
    run = trajectory.load(tiny_run_path)
    viewer = Viewer([run, run, run], RenderOptions(labels=("a", "b", "c")), figure)
    viewer.show(len(viewer.frames) - 1)
    planes = [panel.ax.get_window_extent() for panel, number in viewer.scene.panels
              if number is not None]
    loss = next(panel.ax.get_window_extent() for panel, number in viewer.scene.panels
                if number is None)
    assert len(planes) == 3
    assert min(box.height for box in planes) > 100, [box.height for box in planes]
    assert loss.x0 > max(box.x1 for box in planes)  # beside them


def test_the_vae_viewers_key_overlaps_no_text_at_640x400(monkeypatch):
    """The single VAE example in a 640x400 window: its circles' key stood over the header's
    "Adam, learning rate 0.003, batch 32"; the key is drawn and no two texts overlap."""
    from aeviz.settings import load_experiment
    from aeviz.training.loop import train
    from tests.helpers import drawn_text_boxes, overlap

    examples = Path(__file__).resolve().parent.parent / "examples"
    run = train(load_experiment(examples / "vae-vs-ae-vae.toml"))  # 40 epochs, about 1 s
    figure = Figure(figsize=(6.4, 4.0), dpi=100)
    FigureCanvasAgg(figure)
    viewer = Viewer([run], run.experiment.render, figure)
    viewer.show(len(viewer.frames) - 1)
    boxes = drawn_text_boxes(figure, monkeypatch)
    assert {"N(0,1): 1σ, 2σ", "N(0,1) 1σ 2σ"} & {text for text, _ in boxes}
    for i, (text, box) in enumerate(boxes):
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= 641 and box.y1 <= 401, text
        for other, other_box in boxes[i + 1:]:
            assert not overlap(box, other_box), (text, other)


@pytest.mark.parametrize("name", ["sparse-codes", "denoising"])
def test_a_640x400_viewers_keys_are_as_large_as_the_640x360_clips(name, monkeypatch):
    """A lecturer at a 640x400 window (issue 23): the viewer's key read ~8 px (the clip's
    smallest page drawn at 66 dpi, not the clip's 80). Every key's words at least the size
    the 640x360 clip draws them at, in pixels, and no text overlapping another."""
    import dataclasses

    from matplotlib.legend import Legend

    from aeviz.renderer.scene import Scene
    from aeviz.renderer.views import run_views
    from aeviz.settings import load_experiment
    from aeviz.training.loop import train
    from tests.helpers import drawn_text_boxes, overlap

    examples = Path(__file__).resolve().parent.parent / "examples"
    run = train(load_experiment(examples / f"{name}.toml", {"train.epochs": 8}))

    def key_pixels(figure) -> dict[str, float]:
        return {text.get_text(): text.get_fontsize() / 72 * figure.dpi
                for legend in figure.findobj(Legend) for text in legend.get_texts()
                if text.get_text()}

    options = dataclasses.replace(run.experiment.render, size="640x360")
    views = run_views([run], options)
    clip = key_pixels(Scene(views, options, (0.0, float(views[0].timeline[-1]))).figure)
    figure = Figure(figsize=(6.14, 3.3), dpi=100)  # a 640x400 screen's window
    FigureCanvasAgg(figure)
    viewer = Viewer([run], run.experiment.render, figure)
    viewer.show(len(viewer.frames) - 1)
    shown = key_pixels(figure)
    assert clip and shown, (clip, shown)
    # (The viewer's wider window may word a key longer: "noisy input -> output".)
    assert min(shown.values()) >= min(clip.values()) - 0.01, (shown, clip)
    for text in set(clip) & set(shown):
        assert shown[text] >= clip[text] - 0.01, (text, shown[text], clip[text])
    boxes = drawn_text_boxes(figure, monkeypatch)
    for i, (text, box) in enumerate(boxes):
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= 615 and box.y1 <= 331, text
        for other, other_box in boxes[i + 1:]:
            assert not overlap(box, other_box), (text, other)


def test_the_toolbar_reads_out_only_what_means_something(tiny_run_path):
    viewer, _ = make_viewer(tiny_run_path)
    readouts = {type(panel).__name__: panel.ax.format_coord(1.2, 0.25)
                for panel, _ in viewer.scene.panels}
    # the loss panel: the recorded error of the snapshot nearest the pointer's epoch, never
    # the pointer's height (a lecturer read "RMSE 0.06765" as the run's, at 0.0846)
    from aeviz.renderer.panels.loss import format_loss

    run = viewer.views[0].run
    assert readouts == {"CodePanel": "code neuron 1 = 1.2, code neuron 2 = 0.25",
                        "LossPanel": f"epoch 1: RMSE {format_loss(float(run.loss[1]))}",
                        "WeightPanel": ""}
    assert viewer.slider.ax.format_coord(1, 1) == ""


def test_the_loss_readout_of_several_runs_names_the_curve_under_the_pointer(tiny_run_path):
    """All four optimizers' errors in one line ran past a 640 px window's toolbar: the run
    whose recorded error there is nearest the pointer's height, named, with that error."""
    from types import SimpleNamespace

    from aeviz.renderer.panels.loss import format_loss
    from aeviz.renderer.viewer import _loss_readout

    viewer, _ = make_viewer(tiny_run_path)
    low = viewer.views[0]
    views = [SimpleNamespace(label=label, timeline=low.timeline, run=SimpleNamespace(
        loss=low.run.loss * factor, moment=low.run.moment))
        for label, factor in (("plain", 1), ("doubled", 2))]
    at = float(low.run.loss[3])
    assert _loss_readout(views, 3.1, at * 1.1) == f"epoch 3: plain, RMSE {format_loss(at)}"
    assert _loss_readout(views, 3.1, at * 1.9) == \
        f"epoch 3: doubled, RMSE {format_loss(2 * at)}"


LATE_DISPLAY = """
import subprocess, sys, time
import matplotlib
import matplotlib.pyplot as plt
from aeviz.renderer import viewer
assert matplotlib.get_backend().lower() == "agg"  # no display yet: matplotlib chose Agg
server = subprocess.Popen(["Xvfb", sys.argv[1], "-nolisten", "tcp"], stderr=subprocess.DEVNULL)
try:
    print(viewer._display_comes_up(plt), matplotlib.get_backend())
finally:
    server.terminate()
    server.wait()
"""


def test_a_display_that_comes_up_late_still_gets_a_window(display):
    """matplotlib falls back to Agg for good when the display does not answer when it first
    looks (a server still starting); the viewer waits for the display and switches."""
    free = next(f":{n}" for n in range(150, 200) if not Path(f"/tmp/.X{n}-lock").exists()
                and not Path(f"/tmp/.X11-unix/X{n}").exists())
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    done = subprocess.run([sys.executable, "-c", LATE_DISPLAY, free],
                          env={**env, "DISPLAY": free}, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "TkAgg"]


FITTED = """
import sys
import time
import matplotlib.pyplot as plt
from aeviz import trajectory
from aeviz.renderer import viewer
from aeviz.settings import RenderOptions

def report(plt, figure):  # in place of the window's main loop: what the user sees
    plt.pause(0.5)
    window = figure.canvas.manager.window
    canvas = figure.canvas.get_tk_widget()
    # On a busy machine the window's resize may still be on its way after half a second:
    # events are handled (as the main loop would) until the figure has the canvas's size,
    # for up to 30 s; a figure that never takes it is still reported as it is.
    deadline = time.monotonic() + 30
    while ((round(figure.bbox.width), round(figure.bbox.height))
           != (canvas.winfo_width(), canvas.winfo_height()) and time.monotonic() < deadline):
        plt.pause(0.1)
    slider = next(ax for ax in figure.axes if ax.get_label() == "" and ax.texts
                  and ax.texts[0].get_text() == "epoch")
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    box = slider.get_window_extent(renderer)
    # The slider's widest readout drawn, and the button right of it.
    shown = made[0]
    readouts = []
    for i in range(len(shown.frames)):
        shown.show(i)
        readouts.append(len(shown.slider.valtext.get_text()))
    shown.show(readouts.index(max(readouts)))
    readout = slider.texts[1]
    figure.canvas.draw()
    text = readout.get_window_extent(renderer)
    button = next(ax for ax in figure.axes if ax.texts and ax.texts[0].get_text() == "play")
    # The smallest text drawn, in the screen's pixels (points at the figure's dpi, times
    # the pixels the toolkit draws each figure pixel with).
    least = min(t.get_fontsize() for t in figure.findobj(lambda a: hasattr(a, "get_fontsize"))
                if t.get_visible() and getattr(t, "get_text", lambda: "")())
    least_px = least / 72 * figure.dpi * figure.canvas.device_pixel_ratio
    print(window.winfo_width(), window.winfo_height(), canvas.winfo_width(),
          canvas.winfo_height(), round(figure.bbox.width), round(figure.bbox.height),
          round(box.x0), round(box.y0), round(box.x1), round(box.y1),
          round(text.x0), round(text.x1), round(button.get_window_extent(renderer).x0),
          round(least_px, 2))

made = []


class Recorded(viewer.Viewer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        made.append(self)


viewer.Viewer = Recorded
viewer._show_until_stopped = report
viewer.show_window([trajectory.load(sys.argv[1])], RenderOptions())
"""


@pytest.mark.slow  # a real X server and window
def test_the_window_opens_fitted_to_a_small_screen_at_its_layout(small_display, tiny_run_path):
    """On a 640x400 screen the window opened at 1144x746 (fitted to a fixed 1280x800), then
    at 406x330 with no window manager (the clip's shape inside fixed margins), its text 6 px
    tall and the slider's readout cut. It now takes the screen less a margin (4 % of the
    width, 5 % of the height), its panels and slider laid out for the window's size, the
    readout whole left of the button, no text under 9 px."""
    done = subprocess.run([sys.executable, "-c", FITTED, str(tiny_run_path)],
                          env=_window_env(small_display), capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    (window_w, window_h, canvas_w, canvas_h, figure_w, figure_h,
     x0, y0, x1, y1, text_x0, text_x1, button_x0) = map(int, done.stdout.split()[:13])
    least_px = float(done.stdout.split()[13])
    # The screen's, less the margin (and 4 % less where Tk's pixel ratio is not applied yet).
    assert 0.9 * 640 <= window_w <= 640 and 0.88 * 400 <= window_h <= 400
    assert (figure_w, figure_h) == (canvas_w, canvas_h)  # laid out for the window's size
    assert 0 <= x0 < x1 <= figure_w and 0 <= y0 < y1 <= figure_h  # the slider, all of it
    assert x1 < text_x0 < text_x1 < button_x0 <= figure_w  # the readout whole, clear of both
    assert least_px >= 9.0, least_px


def test_the_window_fits_the_screen_it_is_on():
    from aeviz.renderer.viewer import window_inches

    for screen, pixels in [((640, 400), "1280x720"), ((1920, 1080), "1280x720"),
                           ((800, 600), "640x360"), ((320, 200), "1280x720")]:
        width, height = window_inches(RenderOptions(size=pixels), 100, screen)
        assert width * 100 <= screen[0] and height * 100 <= screen[1], screen
    assert window_inches(RenderOptions(size="1280x720"), 100, (1920, 1080)) == (12.8, 7.7)
    # A small screen's window takes the screen's room whatever the clip's shape (the clip's
    # shape inside it left a 640x400 screen's figure 391 x 220 px): less the margin and the
    # toolbar.
    width, height = window_inches(RenderOptions(size="1280x720"), 100, (640, 400), 50)
    assert (round(width * 100), round(height * 100)) == (640 - 26, 400 - 20 - 50)


@pytest.mark.slow  # a real X server and window
@pytest.mark.parametrize("screen", ["3000x400", "400x3000"])
def test_a_stop_signal_ends_the_viewer_on_a_screen_of_any_shape(screen, tiny_run_path):
    """On a 3000x400 (or 400x3000) screen nothing woke Tk once the window was idle: SIGTERM
    waited for an input event, and a comparison hung for 10 minutes. It now ends the viewer
    with 143, as the signals module says."""
    import signal
    import time

    server, display = _x_server(screen)
    try:
        viewer = subprocess.Popen([sys.executable, "-m", "aeviz", "view", str(tiny_run_path)],
                                  env=_window_env(display), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name",
                            "^aeviz: "], env=_window_env(display), capture_output=True,
                           timeout=60)
            time.sleep(3)  # until the window is idle: its first events are handled
            viewer.send_signal(signal.SIGTERM)
            # Not a timed assertion: a viewer that ignores the signal never ends.
            viewer.communicate(timeout=60)
        finally:
            viewer.kill()
            viewer.wait()
        assert viewer.returncode == 143
    finally:
        server.terminate()
        server.wait()
