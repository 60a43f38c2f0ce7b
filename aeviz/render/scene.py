"""A whole frame: header and panels laid out on one figure, drawn by blitting.

Everything that does not change (axes, ticks, the faint loss curve, labels, colorbar) is drawn
once into a background; each frame restores it and draws only the changing artists on top.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from aeviz.config import RenderOptions
from aeviz.render.frames import Frame
from aeviz.render.labels import PathLabel
from aeviz.render.panels import (
    DYNAMIC,
    FONT,
    CodePanel,
    LossPanel,
    Rect,
    WeightPanel,
    reconstruction_panel,
)
from aeviz.render.theme import THEMES
from aeviz.render.views import RunView
from aeviz.trajectory import Trajectory

HEADER = 0.115        # figure fraction taken by the title lines
TITLE_CHARACTERS = 64  # what fits left of the counter at 16:9
HEIGHT_IN = 7.2       # the layout is designed at 7.2 inches tall; dpi scales it to any size
SMALL_HEIGHT_IN = 6.0  # small clips (<= 400 px tall) get a shorter page: text 20% larger
# How the header spells each optimizer (the only such table; schema.OPTIMIZER_NAMES lists the
# names a config may use).
OPTIMIZER_TITLES = {"sgd": "SGD", "momentum": "Momentum", "rmsprop": "RMSProp", "adam": "Adam"}


class Scene:
    """The figure for one clip: `draw(frame)` returns the frame's RGBA pixels."""

    def __init__(self, views: list[RunView], options: RenderOptions, span: tuple[float, float],
                 figure: Figure | None = None, bottom: float = 0.0):
        """`figure`: draw into this one (the viewer's window) instead of a new Agg figure;
        `bottom`: a strip of that height (figure fraction) is left free, for controls."""
        self.views, self.options, self.bottom = views, options, bottom
        self.theme = theme = THEMES[options.theme]
        if figure is None:
            width, height = options.pixels
            dpi = height / (SMALL_HEIGHT_IN if height <= 400 else HEIGHT_IN)
            # A hair over the exact size: Agg truncates the figure's size to whole pixels.
            figure = Figure(figsize=((width + 0.01) / dpi, (height + 0.01) / dpi), dpi=dpi)
            FigureCanvasAgg(figure)
        self.figure = figure
        self.figure.set_facecolor(theme.background)
        self.canvas = figure.canvas
        self.notes: list[str] = []  # things the user should be told (panels left out, ...)
        self._header(views[0])
        # (panel, number of the run it shows, or None for the shared loss panel)
        squeeze = (1 - HEADER - bottom) / (1 - HEADER)  # fit the body above the free strip
        self.panels = [(self._panel(name, (x, bottom + y * squeeze, w, h * squeeze), view, span),
                        None if view is None else views.index(view))
                       for name, (x, y, w, h), view in self._slots()]
        self.artists = [a for p, _ in self.panels for a in p.artists] + self.header_artists
        self.background = None

    def _slots(self) -> list[tuple[str, Rect, RunView | None]]:
        """(panel name, rectangle, run) for every panel, in drawing order."""
        names = list(self.options.panels)
        body = 1 - HEADER
        if len(self.views) == 1:
            view = self.views[0]
            if len(names) == 1:
                rects = [(0, 0, 1, body)]
            elif len(names) == 2:
                rects = [(0, 0, 0.5, body), (0.5, 0, 0.5, body)]
            else:  # the first panel large on the left, the others stacked on the right
                left = 0.45
                share = body / (len(names) - 1)
                rects = [(0, 0, left, body)] + [(left, body - (i + 1) * share, 1 - left, share)
                                                for i in range(len(names) - 1)]
            return [(name, rect, None if name == "loss" else view)
                    for name, rect in zip(names, rects)]
        # Several runs: a column per run for its own panels, one shared loss panel below.
        own = [n for n in names if n != "loss"]
        if len(self.views) > 2 and "weights" in own and len(own) > 1:
            own.remove("weights")
            self.notes.append("the weights panel is left out of comparisons of 3 or more runs "
                              "(too small to read); render a run alone to see its weights")
        loss_height = 0.3 * body if "loss" in names else 0
        row_height = (body - loss_height) / max(len(own), 1)
        column = 1 / len(self.views)
        slots = [(name, (i * column, body - (r + 1) * row_height, column, row_height), view)
                 for r, name in enumerate(own) for i, view in enumerate(self.views)]
        if "loss" in names:
            slots.append(("loss", (0, 0, 1, loss_height), None))
        return slots

    def _panel(self, name: str, slot: Rect, view: RunView | None, span: tuple[float, float]):
        fig, theme, options = self.figure, self.theme, self.options
        several = len(self.views) > 1
        if name == "loss":
            epsilon = self.views[0].run.epsilon if not several else 0.0
            return LossPanel(fig, slot, self.views, theme, options, span, epsilon)
        if name == "recon":
            title = view.label if several else "reconstruction"
            return reconstruction_panel(fig, slot, view, theme, title)
        if name == "weights":
            title = view.label if several else "weights and biases"
            return WeightPanel(fig, slot, view, theme, options, title)
        if several:  # one legend for all, in the header, instead of one under each panel
            panel = CodePanel(fig, slot, view, theme, options, view.label, legend=False)
            if view is self.views[0] and len(panel.ax.get_legend_handles_labels()[0]) > 1:
                handles, labels = panel.ax.get_legend_handles_labels()
                fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.935),
                           ncol=len(labels), frameon=False, fontsize=FONT["tick"],
                           markerscale=2.2, labelcolor=theme.foreground)
            return panel
        return CodePanel(fig, slot, view, theme, options, "code layer")

    def _header(self, view: RunView) -> None:
        fig, theme, run = self.figure, self.theme, view.run
        title = self.options.title or (run.title if len(self.views) == 1
                                       else " vs ".join(v.label for v in self.views))
        if len(title) > TITLE_CHARACTERS:  # keep clear of the epoch counter
            title = title[:TITLE_CHARACTERS - 1].rstrip() + "…"
        fig.text(0.012, 0.975, title, ha="left", va="top", fontsize=17, fontweight="bold",
                 color=theme.foreground)
        if len(self.views) == 1:
            layers = "-".join(str(n) for n in run.layer_sizes)
            optimizer = OPTIMIZER_TITLES.get(run.optimizer, run.optimizer)
            details = (f"{optimizer}, learning rate {run.learning_rate:g}, "
                       f"batch {run.batch_size}  |  layers {layers}  |  {len(run.x)} samples")
            fig.text(0.012, 0.915, details, ha="left", va="top", fontsize=FONT["label"],
                     color=theme.muted)
        self.counter = PathLabel(fig, 0.988, 0.975, fig.transFigure, size=17,
                                 color=theme.foreground, zorder=DYNAMIC, ha="right")
        self.status = PathLabel(fig, 0.988, 0.915, fig.transFigure, size=FONT["label"],
                                color=theme.muted, zorder=DYNAMIC, ha="right")
        fig.add_artist(self.counter)
        fig.add_artist(self.status)
        self.header_artists = [self.counter, self.status]

    def _update_header(self, frame: Frame, states) -> None:
        if len(self.views) == 1:
            view, state = self.views[0], states[0]
            self.counter.set_text(view.step_label(state.snapshot))
            run = view.run
            last = state.snapshot == len(run) - 1
            self.status.set_text(_stop_text(run) if last else "")
        else:
            self.counter.set_text(f"epoch {int(np.floor(frame.position + 1e-9))}")
            self.status.set_text("")

    def update(self, frame: Frame) -> list:
        """Set every changing artist to `frame`; return them."""
        states = [view.state(index, frame.position)
                  for view, index in zip(self.views, frame.indexes)]
        for panel, run_number in self.panels:
            panel.update(states if run_number is None else states[run_number])
        self._update_header(frame, states)
        return self.artists

    def draw(self, frame: Frame) -> memoryview:
        """The frame's pixels (RGBA, row-major), drawn by blitting onto the saved background."""
        if self.background is None:
            for artist in self.artists:
                artist.set_animated(True)  # left out of the background
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
        self.canvas.restore_region(self.background)
        for artist in sorted(self.update(frame), key=lambda a: a.get_zorder()):
            self.figure.draw_artist(artist)
        return self.canvas.buffer_rgba()

    def draw_full(self, frame: Frame) -> memoryview:
        """The same frame by a complete redraw (the reference the blitting must match)."""
        self.update(frame)
        for artist in self.artists:
            artist.set_animated(False)
        self.canvas.draw()
        self.background = None
        return self.canvas.buffer_rgba()


def _stop_text(run: Trajectory) -> str:
    """How the run ended, for the header of its last frame."""
    reason = run.stop_reason
    if reason == "converged":
        return f"converged: RMSE <= {run.epsilon:g}"
    if reason == "diverged":
        return f"diverged at epoch {run.diverged_at}: loss is no longer finite"
    if reason == "interrupted":
        return "interrupted"
    return "finished"
