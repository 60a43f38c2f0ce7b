"""The reconstruction panels: the data against the network's output for it."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from aeviz.renderer.description import ValueRange, value_range
from aeviz.renderer.panels.code import classes
from aeviz.renderer.panels.images import ImageStripPanel
from aeviz.renderer.panels.placement import fit_text, text_width, wider_than
from aeviz.renderer.panels.style import (
    DYNAMIC,
    FONT,
    Rect,
    cluster_color,
    panel_axes,
    style_grid,
    width_inches,
)
from aeviz.renderer.scales import padded
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State
from aeviz.training.model import forward

MIN_PROJECTION_IN = 1.6  # the narrowest a 2-D projection is drawn, labels included


def reconstruction_panel(
        fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str,
        limits: ValueRange | None = None, title_color: str | None = None,
) -> InputSpacePanel | ParallelCoordinatesPanel | ImageStripPanel:
    """The view that suits the data: images for image data, input space up to 3-D, parallel
    coordinates beyond; `limits`: the description's (shared by the runs of a comparison;
    default: the run's own); `title_color`: a comparison's run name in the run's color."""
    limits = limits or value_range([view])
    if view.run.experiment.data.image_shape is not None:
        kind = ImageStripPanel
    elif view.run.x.shape[1] <= 3:
        kind = InputSpacePanel
    else:
        kind = ParallelCoordinatesPanel
    return kind(fig, slot, view, theme, title, limits, title_color=title_color)


class InputSpacePanel:
    """2-D data in its own space, or 3-D data as its three pairwise 2-D projections side by
    side (legible at slide size, unlike a small 3-D plot), with a line from each point to its
    reconstruction."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str,
                 limits: ValueRange, title_color: str | None = None):
        run = view.run
        self.view, self.x = view, run.x.astype(float)
        # 1-D data: each value against its reconstruction, data on the diagonal.
        self.one_d = self.x.shape[1] == 1
        self.x = np.column_stack([self.x, self.x]) if self.one_d else self.x
        pairs = [(0, 1)] if self.x.shape[1] == 2 else [(0, 1), (0, 2), (1, 2)]
        x0, y0, width, height = slot
        fits = int(width * fig.get_size_inches()[0] // MIN_PROJECTION_IN)  # a narrow slot
        self.pairs = pairs[:max(fits, 1)]                                   # shows fewer
        part = width / len(self.pairs)
        self.axes, self.links, self.recons = [], [], []
        for number, (i, j) in enumerate(self.pairs):
            ax = panel_axes(fig, (x0 + number * part, y0, part, height), (0.75, 0.6, 0.3, 0.4),
                            theme, title if number == 0 else "", title_color=title_color)
            ax.set_xlabel(run.feature_name(i))
            ax.set_ylabel("reconstruction" if self.one_d else run.feature_name(j))
            style_grid(ax, theme)
            ax.scatter(self.x[:, i], self.x[:, j], s=6, c=_colors(view, theme), alpha=0.35,
                       linewidths=0)
            last = len(limits.features) - 1  # 1-D data: the feature against itself
            ax.set_xlim(*limits.features[min(i, last)])
            ax.set_ylim(*limits.features[min(j, last)])
            self.links.append(ax.plot([], [], color=theme.muted, lw=0.5, alpha=0.6,
                                      zorder=DYNAMIC)[0])
            self.recons.append(ax.plot([], [], "o", ms=2.5, color=theme.foreground, alpha=0.8,
                                       zorder=DYNAMIC + 1)[0])
            self.axes.append(ax)
        _data_legend(self.axes[-1], theme, ("o", "o"), view)
        self.artists = self.links + self.recons
        self.ax = self.axes[0]

    def update(self, state: State) -> None:
        x = self.x
        recon = _output(self.view, x[:, :1] if self.one_d else x, state)
        recon = np.column_stack([x[:, 0], recon[:, 0]]) if self.one_d else recon
        gaps = np.full(len(x), np.nan)  # break the line between one link and the next
        links = [np.column_stack([x[:, d], recon[:, d], gaps]).ravel() for d in range(x.shape[1])]
        for (i, j), link, points in zip(self.pairs, self.links, self.recons):
            link.set_data(links[i], links[j])
            points.set_data(recon[:, i], recon[:, j])


def _data_legend(ax, theme: Theme, markers: tuple[str, str], view: RunView) -> None:
    """"data" and "reconstruction", right-aligned on the panel's title line."""
    data_color = cluster_color(theme, int(view.run.labels[0]))
    solid, dashed = ("-", "--") if markers == ("", "") else ("", "")
    handles = [Line2D([], [], marker=markers[0], ls=solid, color=data_color, label="data"),
               Line2D([], [], marker=markers[1], ls=dashed, color=theme.foreground if solid == ""
                      else data_color, label="reconstruction")]
    legend_pt = text_width("data reconstruction", FONT["small"]) + 5 * FONT["small"]
    room_pt = width_inches(ax) * 72
    legend = ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0),
                       ncol=2 if legend_pt < room_pt else 1, frameon=False,
                       fontsize=FONT["small"], borderaxespad=0.1, handlelength=1.6,
                       markerscale=1.2, labelcolor=theme.muted)
    # As drawn (its samples and gaps: the estimate above ran 2.5 ems short, and at 640x360
    # the key's first line crossed the title's end), an em clear of the title.
    fig = ax.get_figure()
    drawn_pt = legend.get_window_extent(fig.canvas.get_renderer()).width * 72 / fig.dpi
    if drawn_pt + text_width(ax.get_title("left"), FONT["title"]) + FONT["small"] > room_pt:
        ax.set_title("", loc="left")  # no room for both; the legend says "reconstruction"


class ParallelCoordinatesPanel:
    """Data of any dimension as parallel coordinates: a few samples, solid, and their
    reconstructions, dashed."""

    SAMPLES = 6  # how many samples to follow

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str,
                 limits: ValueRange, title_color: str | None = None):
        run = view.run
        self.view, self.x = view, run.x.astype(float)
        ax = panel_axes(fig, slot, (0.75, 0.6, 0.25, 0.4), theme, title,
                        title_color=title_color)
        ax.set_xlabel("input feature")
        ax.set_ylabel("value")
        style_grid(ax, theme, below=False)
        self.picks = _picks(run.labels, self.SAMPLES)
        colors = _colors(view, theme)
        features = np.arange(1, self.x.shape[1] + 1)
        _feature_ticks(ax, [run.feature_name(i) for i in range(self.x.shape[1])])
        self.lines = []
        for i in self.picks:
            ax.plot(features, self.x[i], color=colors[i], lw=1.6, alpha=0.9)
            self.lines.append(ax.plot(features, self.x[i], color=colors[i], lw=1.4, ls="--",
                                      zorder=DYNAMIC)[0])
        ax.set_ylim(*padded((limits.low, limits.high)))  # every sample's values, all runs'

        _data_legend(ax, theme, ("", ""), view)
        self.artists = self.lines
        self.ax = ax

    def update(self, state: State) -> None:
        recon = _output(self.view, self.x[self.picks], state)
        for line, values in zip(self.lines, recon):
            line.set_ydata(values)


def _feature_ticks(ax, names: list[str]) -> None:
    """The features' names under their axes; when they do not fit side by side, on two
    staggered rows, each shortened to fit (with an ellipsis), without the axis label."""
    # The outer names are aligned inwards, so a name may take 2/3 of the room between two
    # axes, or 4/3 when every other name is on the second row.
    column_pt = width_inches(ax) * 72 / max(len(names) - 1, 1) * 0.92
    if column_pt < 2 * FONT["tick"]:  # not two characters per name: the features' numbers
        ax.xaxis.get_major_locator().set_params(integer=True)
        return
    if any(wider_than(name, FONT["tick"], 2 / 3 * column_pt) for name in names):
        names = [("\n" if i % 2 else "") + fit_text(name, FONT["tick"], 4 / 3 * column_pt)
                 for i, name in enumerate(names)]
        ax.set_xlabel("")
    ax.set_xticks(np.arange(1, len(names) + 1), names)
    if any(wider_than(name, FONT["tick"], 3 * FONT["tick"]) for name in names):
        ax.set_xlim(1, len(names))
        labels = ax.get_xticklabels()  # long outer names inwards, so none leaves the panel
        labels[0].set_horizontalalignment("left")
        labels[-1].set_horizontalalignment("right")


def _colors(view: RunView, theme: Theme) -> list[str]:
    """Each sample's cluster color."""
    return [cluster_color(theme, label) for label in view.run.labels]


def _picks(labels: np.ndarray, count: int) -> list[int]:
    """`count` samples taken from the clusters in turn, spread within each cluster."""
    clusters = classes(labels)[1]
    rounds = -(-count // len(clusters))
    return [int(members[len(members) * turn // rounds])
            for turn in range(rounds) for members in clusters][:count]


def _output(view: RunView, x: np.ndarray, state: State) -> np.ndarray:
    """The network's output for x with the state's weights, computed in float64."""
    weights = [np.asarray(w, float) for w in state.weights]
    biases = [np.asarray(b, float) for b in state.biases]
    return forward(x, weights, biases, view.run.activations)[-1]
