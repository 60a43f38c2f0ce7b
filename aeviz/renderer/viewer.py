"""`aeviz view`: the clip's panels in a window, with play/pause, an epoch slider and arrow keys.

The viewer draws with full redraws (a window redraws at its own pace); it shares the panels,
the frame plan and the options with the renderer, so what it shows is what a clip shows.
"""

from __future__ import annotations

import dataclasses

from matplotlib.figure import Figure
from matplotlib.widgets import Button, Slider

from aeviz.errors import AevizError
from aeviz.renderer import run_views, within_budgets
from aeviz.renderer.frames import plan_frames
from aeviz.renderer.scene import Scene
from aeviz.settings import RenderOptions
from aeviz.trajectory import Trajectory

CONTROLS = 0.07  # figure fraction under the panels for the slider and the button


class Viewer:
    """Scrub through runs: `show(i)` moves to frame i; the callbacks wire widgets and keys."""

    def __init__(self, runs: list[Trajectory], options: RenderOptions, figure: Figure):
        views = run_views(runs, options)
        options = within_budgets(views, options, print)
        # Every snapshot (and in-between frame) once: no duration, pace or hold to fit.
        self.frames = plan_frames([v.timeline for v in views],
                                  dataclasses.replace(options, duration=0.0, hold=0.0,
                                                      pace="linear"))
        span = (self.frames[0].position, self.frames[-1].position)
        self.scene = Scene(views, options, span, figure=figure, bottom=CONTROLS)
        theme = self.scene.theme
        self.index, self.playing = 0, False
        slider_axes = figure.add_axes((0.12, 0.02, 0.7, 0.03), facecolor=theme.panel)
        self.slider = Slider(slider_axes, "frame", 0, len(self.frames) - 1, valinit=0,
                             valstep=1, color=theme.accent)
        self.slider.label.set_color(theme.muted)
        self.slider.valtext.set_color(theme.muted)
        self.slider.drawon = False  # show() redraws the whole figure once
        self.slider.on_changed(self.on_slider)
        button_axes = figure.add_axes((0.9, 0.012, 0.08, 0.05))
        self.button = Button(button_axes, "play", color=theme.panel, hovercolor=theme.faint)
        self.button.label.set_color(theme.foreground)
        self.button.on_clicked(self.toggle)
        self.timer = figure.canvas.new_timer(interval=max(1, round(1000 / options.fps)))
        self.timer.add_callback(self.advance)
        figure.canvas.mpl_connect("key_press_event", self.on_key)
        self.show(0)

    def show(self, index: int) -> None:
        """Move to frame `index` (clamped to the clip) and redraw."""
        self.index = max(0, min(int(index), len(self.frames) - 1))
        self.scene.update(self.frames[self.index])
        if self.slider.val != self.index:
            self.slider.set_val(self.index)  # calls on_slider, which finds nothing to do
        self.scene.canvas.draw_idle()

    def on_slider(self, value: float) -> None:
        if int(value) != self.index:
            self.show(int(value))

    def toggle(self, event=None) -> None:
        """Play or pause; playing from the last frame starts over."""
        self.playing = not self.playing
        if self.playing:
            if self.index == len(self.frames) - 1:
                self.show(0)
            self.timer.start()
        else:
            self.timer.stop()
        self.button.label.set_text("pause" if self.playing else "play")

    def advance(self) -> None:
        """The timer's tick: the next frame, pausing at the end."""
        if self.index < len(self.frames) - 1:
            self.show(self.index + 1)
        elif self.playing:
            self.toggle()

    def on_key(self, event) -> None:
        steps = {"right": 1, "left": -1, "up": 10, "down": -10}
        if event.key in steps:
            self.show(self.index + steps[event.key])
        elif event.key == " ":
            self.toggle()
        elif event.key == "home":
            self.show(0)
        elif event.key == "end":
            self.show(len(self.frames) - 1)


def show_window(runs: list[Trajectory], options: RenderOptions) -> None:
    """Open the viewer in a window and return when it is closed; refuse where none can open."""
    import matplotlib
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend().lower()
    if backend in ("agg", "pdf", "svg", "ps", "cairo", "template"):
        raise AevizError(f"view: no window can open here (matplotlib backend {backend!r}, no "
                         "display); render a clip with `aeviz render` instead")
    width, height = options.pixels
    figure = plt.figure(figsize=(width / 100, height / 100 + 0.6))
    viewer = Viewer(runs, options, figure)  # noqa: F841 - kept alive while shown
    plt.show()
