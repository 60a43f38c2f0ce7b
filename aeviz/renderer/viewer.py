"""`aeviz view`: the clip's panels in a window, with play/pause, an epoch slider and arrow keys.

The viewer draws with full redraws (a window redraws at its own pace); it shares the panels,
the frame plan and the options with the renderer, so what it shows is what a clip shows. It
lays itself out again when the window is resized, and plays at the clip's fps by the clock:
where drawing a frame takes longer than a frame's time, it skips frames rather than slow down.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from functools import partial

import numpy as np
from matplotlib.figure import Figure
from matplotlib.widgets import Button, Slider

from aeviz.errors import AevizError
from aeviz.renderer.budgets import within_budgets
from aeviz.renderer.frames import clip_moments, nearest_snapshot, plan_frames
from aeviz.renderer.panels.placement import text_width
from aeviz.renderer.scene import Scene
from aeviz.renderer.views import run_views
from aeviz.settings import RenderOptions
from aeviz.trajectory import Trajectory

CONTROLS_IN = 0.5           # inches under the panels for the slider and the button
BUTTON_IN = 0.75            # the play button's width
# The smallest page the panels are laid out on, in inches (as a 640x360 clip's, 8 x 4.5, and
# the controls): a smaller window draws it at fewer dots per inch, so it shows the clip's
# layout scaled down rather than text too large for its panels (usable from 640x400 up).
SMALLEST_PAGE_IN = (8.0, 4.5 + CONTROLS_IN)
SCREEN = (1280, 800)        # the screen's size where the toolkit does not say (a projector's)
CLIP_DPI = 80.0             # a 640x360 clip's dots per inch (its 4.5 in page): its keys' pixels
KEY_CLEAR_PX = 3            # a key grown to them keeps this far from every other text and key
# Left free around the window (a window manager's frame and a task bar, where there is one),
# a share of the screen's side: a fixed 80 x 130 px left a 640x400 screen's window 406x330,
# its text 6 px tall. The toolbar's own height comes off the figure's room besides.
WINDOW_MARGIN = (0.04, 0.05)
TOOLBAR_PX = 50             # the toolbar's height where the toolkit does not say (Tk's)
READOUT_PAD_IN = 0.12       # between the slider, its readout and the button
CLIP_ONLY = ("duration", "pace", "hold")  # shape a clip's time; the viewer shows every frame


class Viewer:
    """Scrub through runs: `show(i)` moves to frame i; the callbacks wire widgets and keys."""

    def __init__(self, runs: list[Trajectory], options: RenderOptions, figure: Figure,
                 clock: Callable[[], float] = time.monotonic):
        self.views = run_views(runs, options)
        options = within_budgets(self.views, options, print)
        self.options, self.figure, self.clock = options, figure, clock
        # Every snapshot (and in-between frame) once: no duration, pace or hold to fit.
        self.frames = plan_frames([v.timeline for v in self.views],
                                  dataclasses.replace(options, duration=0.0, hold=0.0,
                                                      pace="linear"))
        self.index, self.playing, self.started = 0, False, (0.0, 0)
        self.positions = [frame.position for frame in self.frames]  # the slider's epochs
        # Each one's frame in the clip of these options (its pace) without its hold, whose
        # caption page the viewer shows there: by the viewer's own frames, it showed another
        # page than the clip at 47 of denoising's 201 epochs. Without the hold, which the
        # viewer has none of (it stays where it is left): the pages a clip turns over its
        # held end (iris's last) were out of the slider's reach.
        self.moments = clip_moments([v.timeline for v in self.views],
                                    dataclasses.replace(options, hold=0.0), self.positions)
        self.size, self.most_dpi = None, figure.dpi
        self.canvas = figure.canvas  # the window's (see on_resize)
        self.layout()
        self.timer = figure.canvas.new_timer(interval=max(1, round(1000 / options.fps)))
        self.timer.add_callback(self.advance)
        figure.canvas.mpl_connect("key_press_event", self.on_key)
        figure.canvas.mpl_connect("resize_event", self.on_resize)

    @property
    def notes(self) -> list[str]:
        """What render would tell the user about these runs (panels left out, ...)."""
        return self.scene.notes

    def layout(self) -> None:
        """Lay the panels and the controls out on the figure as it is now sized."""
        figure = self.figure
        figure.clear()
        fit_page(figure, self.most_dpi)
        self.size = tuple(figure.get_size_inches())
        bottom = min(CONTROLS_IN / self.size[1], 0.2)
        span = (self.frames[0].position, self.frames[-1].position)
        self.scene = Scene(self.views, self.options, span, figure=figure, bottom=bottom)
        theme = self.scene.theme
        slider_axes = figure.add_axes(self._slider_rect(bottom), facecolor=theme.panel)
        # In epochs, as the loss panel's axis: it snaps to the recorded moments, and its
        # readout is the header's ("epoch 1, batch 9/13"), never an in-between number.
        last = self.positions[-1] if self.positions[-1] > self.positions[0] else \
            self.positions[0] + 1
        self.slider = Slider(slider_axes, "epoch", self.positions[0], last,
                             valinit=self.positions[self.index], valstep=self.positions,
                             color=theme.accent)
        self.slider.label.set_color(theme.muted)
        self.slider.valtext.set_color(theme.muted)
        # Its name and readout a pad from its ends, in inches (Slider's are a share of it).
        pad = READOUT_PAD_IN / (slider_axes.get_position().width * self.size[0])
        self.slider.label.set_x(-pad)
        self.slider.valtext.set_x(1 + pad)
        self.slider.drawon = False  # show() redraws the whole figure once
        self.slider.on_changed(self.on_slider)
        button_axes = figure.add_axes((1 - (BUTTON_IN + READOUT_PAD_IN) / self.size[0],
                                       bottom * 0.15, BUTTON_IN / self.size[0], bottom * 0.7))
        self.button = Button(button_axes, "pause" if self.playing else "play",
                             color=theme.panel, hovercolor=theme.faint)
        self.button.label.set_color(theme.foreground)
        self.button.on_clicked(self.toggle)
        self._pointer_readouts()
        legible_keys(figure)
        self.show(self.index)

    def _slider_rect(self, bottom: float) -> tuple[float, float, float, float]:
        """The slider's axes: between its name and its readout, both whole (the widest
        readout measured: a fixed 70 % of the width cut "1, batch 9/13" under the button)."""
        import matplotlib

        size = matplotlib.rcParams["font.size"]
        width_in = self.size[0]
        # An outline's extent, a little less than the text's advance: 15 % to spare.
        name_in = 1.15 * text_width("epoch", size) / 72 + 2 * READOUT_PAD_IN
        readout_in = 1.15 * text_width(self.scene.widest_counter().removeprefix("epoch "),
                                       size) / 72 + 2 * READOUT_PAD_IN
        left = name_in / width_in
        right = 1 - (BUTTON_IN + READOUT_PAD_IN + readout_in) / width_in
        return left, bottom * 0.3, max(right - left, 0.05), bottom * 0.4

    def _pointer_readouts(self) -> None:
        """What the toolbar says under the pointer: the code plane's and the loss panel's
        own quantities, nothing elsewhere (a graph's or a mosaic's axes mean nothing to a
        reader, and a pixel's value is not the data's)."""
        from aeviz.renderer.panels import CodePanel, LossPanel

        for ax in self.figure.axes:
            ax.format_coord = _no_readout
            for artist in ax.get_children():
                artist.set_mouseover(False)
        for panel, _ in self.scene.panels:
            if isinstance(panel, CodePanel):
                panel.ax.format_coord = _code_readout
            elif isinstance(panel, LossPanel):
                panel.ax.format_coord = partial(_loss_readout, self.views)

    def on_resize(self, event=None) -> None:
        """A new window size: the panels are laid out anew (text keeps its size). Not while
        the window closes: its toolkit resizes it as it goes, after matplotlib has given the
        figure a canvas of no toolkit, which draws nothing (laid out on it, the closing window
        printed a traceback under a busy xvfb-run)."""
        if self.figure.canvas is not self.canvas:
            return
        if tuple(self.figure.get_size_inches()) != self.size:
            try:
                self.layout()
            except Exception:
                # The window closed while the panels were laid out (a long caption's pages
                # take a while): the canvas went mid-way; nothing is left to draw on.
                if self.figure.canvas is self.canvas:
                    raise

    def show(self, index: int) -> None:
        """Move to frame `index` (clamped to the clip) and redraw."""
        self.index = max(0, min(int(index), len(self.frames) - 1))
        # The caption's page by the slider's place, as a clip's by its frame's.
        self.scene.show_caption_page(*self.moments[self.index])
        self.scene.update(self.frames[self.index])
        if self.slider.val != self.positions[self.index]:
            self.slider.set_val(self.positions[self.index])  # on_slider finds nothing to do
        self.slider.valtext.set_text(self.scene.counter.get_text().removeprefix("epoch "))
        self.figure.canvas.draw_idle()

    def on_slider(self, value: float) -> None:
        index = int(np.argmin(np.abs(np.asarray(self.positions) - value)))
        if index != self.index:
            self.show(index)
            self.started = (self.clock(), self.index)

    def toggle(self, event=None) -> None:
        """Play or pause; playing from the last frame starts over. The button says so at
        once."""
        self.playing = not self.playing
        if self.playing:
            if self.index == len(self.frames) - 1:
                self.show(0)
            self.started = (self.clock(), self.index)
            self.timer.start()
        else:
            self.timer.stop()
        self.button.label.set_text("pause" if self.playing else "play")
        self.figure.canvas.draw_idle()

    def advance(self) -> None:
        """The timer's tick: the frame the clock says (the next one, or later where drawing
        is slower than the fps), pausing at the end."""
        if not self.playing:
            return
        since, first = self.started
        due = first + int((self.clock() - since) * self.options.fps)
        if self.index < len(self.frames) - 1:
            self.show(max(due, self.index + 1))
        else:
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
        else:
            return
        self.started = (self.clock(), self.index)


def fit_page(figure: Figure, most_dpi: float) -> None:
    """Draw the figure at fewer dots per inch (at most `most_dpi`, its own) where its
    window is smaller than SMALLEST_PAGE_IN: the same pixels, more inches. The window keeps
    its size (forward=False: only the figure's inches change)."""
    width_px, height_px = figure.bbox.width, figure.bbox.height
    dpi = min(most_dpi, width_px / SMALLEST_PAGE_IN[0], height_px / SMALLEST_PAGE_IN[1])
    if abs(dpi - figure.dpi) > 1e-6:
        figure._set_dpi(dpi, forward=False)  # the public setter would resize the window
        figure.set_size_inches(width_px / dpi, height_px / dpi, forward=False)
        # The dpi a toolkit scales by the screen's pixel ratio when the window first shows
        # (Tk: then resizing the window to the figure's inches): else a window fitted to a
        # small screen grew back to its page's inches at the figure's first dpi.
        figure._original_dpi = dpi / figure.canvas.device_pixel_ratio


def legible_keys(figure: Figure) -> None:
    """The keys' words (every legend's) no smaller on screen than a 640x360 clip's: a window
    under SMALLEST_PAGE_IN draws the page at fewer dots per inch (a 640x400 screen's at 63),
    and its keys' ~9 px words read as ~8 px smudges from the back of a room. Each legend's
    words grow to the clip's pixels, where that keeps them clear of every other text and in
    the figure; else they stay."""
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    grow = CLIP_DPI / figure.dpi
    if grow <= 1:
        return
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    legends = list(dict.fromkeys(figure.findobj(Legend)))
    for legend in legends:
        words = [text for text in legend.get_texts() if text.get_text()]
        sizes = [text.get_fontsize() for text in words]
        for text, size in zip(words, sizes):
            text.set_fontsize(size * grow)
        box = legend.get_window_extent(renderer)
        own = set(legend.findobj(Text))
        others = [text.get_window_extent(renderer) for text in figure.findobj(Text)
                  if text not in own and text.get_visible() and text.get_text()]
        others += [other.get_window_extent(renderer) for other in legends if other is not legend]
        inside = (box.x0 >= frame.x0 and box.y0 >= frame.y0 and box.x1 <= frame.x1
                  and box.y1 <= frame.y1)
        if not inside or any(_overlap(box.expanded(1, 1).padded(KEY_CLEAR_PX), other)
                             for other in others):
            for text, size in zip(words, sizes):
                text.set_fontsize(size)


def _overlap(a, b) -> bool:
    return min(a.x1, b.x1) - max(a.x0, b.x0) > 1 and min(a.y1, b.y1) - max(a.y0, b.y0) > 1


def _no_readout(x: float, y: float) -> str:
    return ""


def _code_readout(x: float, y: float) -> str:
    return f"code neuron 1 = {x:.3g}, code neuron 2 = {y:.3g}"


def _loss_readout(views: list, x: float, y: float) -> str:
    """The recorded error nearest the pointer's epoch (the pointer's height read "RMSE
    0.06765" where the run was at 0.0846: a lecturer took it for the run's); of several runs,
    the one whose curve is nearest the pointer there, named (all four optimizers' errors ran
    past a 640 px window's toolbar)."""
    from aeviz.renderer.panels.loss import format_loss

    snapshots = [nearest_snapshot(view.timeline, x) for view in views]
    errors = [float(view.run.loss[k]) for view, k in zip(views, snapshots)]

    def apart(error: float) -> float:  # on a log axis as on a linear one: by ratio
        return abs(np.log(error / y)) if error > 0 and y > 0 else abs(error - y)

    nearest = min(range(len(views)), key=lambda number: apart(errors[number]))
    view = views[nearest]
    moment = view.run.moment(snapshots[nearest])
    name = f"{view.label}, " if len(views) > 1 else ""
    return f"{moment}: {name}RMSE {format_loss(errors[nearest])}"


def screen_pixels(figure: Figure) -> tuple[int, int]:
    """The size in pixels of the screen the figure's window is on, as its toolkit says (Tk:
    the screen; Qt: the screen's room outside task bars), else SCREEN."""
    window = getattr(figure.canvas.manager, "window", None)
    if hasattr(window, "winfo_screenwidth"):  # TkAgg
        return window.winfo_screenwidth(), window.winfo_screenheight()
    screen = window.screen() if hasattr(window, "screen") else None  # QtAgg
    if screen is not None and hasattr(screen, "availableGeometry"):
        room = screen.availableGeometry()
        return room.width(), room.height()
    return SCREEN


def window_inches(options: RenderOptions, dpi: float, screen: tuple[int, int] = SCREEN,
                  toolbar: int = TOOLBAR_PX) -> tuple[float, float]:
    """The window's figure size: the clip's size and the controls, or as much of `screen`
    (its size in pixels) as WINDOW_MARGIN and the `toolbar`'s height leave, whichever is
    less on each side. Not the clip's shape: on a small screen it would leave the figure
    narrower than the screen (the panels are laid out for whatever shape the window has)."""
    width, height = options.pixels
    room_w, room_h = (side - round(side * share) for side, share in zip(screen, WINDOW_MARGIN))
    room_h -= toolbar
    return (min(width, max(room_w, 1)) / dpi,
            min(height + CONTROLS_IN * dpi, max(room_h, 1)) / dpi)


def pixel_ratio(figure: Figure) -> float:
    """The screen's pixels per figure pixel the window will draw at: Tk's comes from its
    scaling once the window shows (the canvas says 1 until then), as matplotlib computes it."""
    window = getattr(figure.canvas.manager, "window", None)
    if hasattr(window, "tk"):  # TkAgg
        return round(float(window.tk.call("tk", "scaling")) / (96 / 72), 2)
    return float(figure.canvas.device_pixel_ratio)


def toolbar_pixels(figure: Figure) -> int:
    """The height of the window's toolbar, as its toolkit says, else TOOLBAR_PX."""
    toolbar = getattr(figure.canvas.manager, "toolbar", None)
    if hasattr(toolbar, "winfo_reqheight"):  # TkAgg
        return int(toolbar.winfo_reqheight())
    if hasattr(toolbar, "sizeHint"):  # QtAgg
        return int(toolbar.sizeHint().height())
    return TOOLBAR_PX


def window_title(views) -> str:
    """"aeviz: Four clusters in 4-D", or the runs' names side by side."""
    names = [v.run.title or v.label for v in views] if len(views) == 1 else \
        [v.label for v in views]
    return "aeviz: " + " vs ".join(names)


def show_window(runs: list[Trajectory], options: RenderOptions,
                notify: Callable[[str], None] = lambda message: None) -> None:
    """Open the viewer in a window and return when it is closed; refuse where none can open."""
    import matplotlib
    import matplotlib.pyplot as plt

    backend = matplotlib.get_backend().lower()
    if backend in HEADLESS and _display_comes_up(plt):
        backend = matplotlib.get_backend().lower()
    if backend in HEADLESS:
        raise AevizError(f"view: no window can open here (matplotlib backend {backend!r}, no "
                         "display); render a clip with `aeviz render` instead")
    dpi = 100
    figure = plt.figure(figsize=window_inches(options, dpi), dpi=dpi)
    # Fitted to the screen the window is on (a fixed guess opened a 640x400 screen's window
    # at 1144x746, its slider off screen), before the panels are laid out for its size.
    # Made anew at that size rather than resized: Tk's toolbar keeps the width it was made
    # with, and so would the window.
    # In the screen's pixels: the toolkit draws each of the figure's at the screen's pixel
    # ratio (Tk under a 100-dpi X server: 1.04, a 608 px figure in a 632 px window).
    fitted = window_inches(options, dpi * pixel_ratio(figure),
                           screen_pixels(figure), toolbar_pixels(figure))
    if not np.allclose(fitted, figure.get_size_inches()):
        plt.close(figure)
        figure = plt.figure(figsize=fitted, dpi=dpi)
    viewer = Viewer(runs, options, figure)
    for note in viewer.notes:
        notify(note)
    manager = figure.canvas.manager
    if manager is not None:
        manager.set_window_title(window_title(viewer.views))
    _show_until_stopped(plt, figure)


HEADLESS = ("agg", "pdf", "svg", "ps", "cairo", "template")
WINDOW_BACKENDS = ("QtAgg", "GTK4Agg", "GTK3Agg", "TkAgg", "WxAgg")  # matplotlib's order
DISPLAY_WAIT_S, DISPLAY_TRIES = 0.25, 40
STOP_POLL_MS = 200  # how often the window's event loop looks for a stop signal


def _display_comes_up(plt, sleep: Callable[[float], None] = time.sleep) -> bool:
    """Whether a window backend could be switched to, once the display named by DISPLAY
    (or WAYLAND_DISPLAY) accepts connections: waited for, up to 10 s.

    matplotlib picks its backend once, when first asked, and falls back to Agg for good if
    the display does not answer at that moment: an X server still starting (one just
    launched, by xvfb-run or a test) or too busy to accept a connection then. Not when
    MPLBACKEND chose the backend: that choice stays."""
    import os

    from matplotlib import _c_internal_utils

    if os.environ.get("MPLBACKEND") or not (os.environ.get("DISPLAY")
                                            or os.environ.get("WAYLAND_DISPLAY")):
        return False
    for _ in range(DISPLAY_TRIES):
        if _c_internal_utils.display_is_valid():
            break
        sleep(DISPLAY_WAIT_S)
    else:
        return False
    for name in WINDOW_BACKENDS:
        try:
            plt.switch_backend(name)
            return True
        except ImportError:  # that toolkit is not installed
            continue
    return False


def _show_until_stopped(plt, figure: Figure) -> None:
    """plt.show(), ended by SIGINT or SIGTERM too: the window's toolkit would catch the
    exception a stop signal raises inside its callbacks and carry on. Here a stop signal
    closes the window; the signal's own handler then runs, once the window is gone.

    Python runs a signal's handler only once the main thread runs Python code again, and a
    toolkit waiting for input events (Tk on a 3000x400 screen) may wait for good: a timer
    wakes it every STOP_POLL_MS, so a stop signal ends the viewer promptly on any screen."""
    import signal

    stopped: list[int] = []

    def close(signum: int, frame) -> None:
        stopped.append(signum)
        plt.close(figure)

    previous = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(signum, close)
    wakeup = figure.canvas.new_timer(interval=STOP_POLL_MS)
    wakeup.add_callback(lambda: None)  # nothing to do: waking up is enough
    wakeup.start()
    try:
        plt.show()
    finally:
        wakeup.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if stopped:
        handler = previous[stopped[0]]
        if callable(handler):
            handler(stopped[0], None)
        raise KeyboardInterrupt
