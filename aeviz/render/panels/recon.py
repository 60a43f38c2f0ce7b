"""The reconstruction panels: the data against the network's output for it."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from aeviz.model import forward
from aeviz.render.panels.images import ImageStripPanel
from aeviz.render.panels.style import (
    DYNAMIC,
    FONT,
    Rect,
    cluster_color,
    padded_limits,
    panel_axes,
    style_grid,
)
from aeviz.render.theme import Theme
from aeviz.render.views import RunView, State


def reconstruction_panel(
        fig: Figure, slot: Rect, view: RunView, theme: Theme,
        title: str) -> InputSpacePanel | ParallelCoordinatesPanel | ImageStripPanel:
    """The view that suits the data: images for image data, input space up to 3-D, parallel
    coordinates beyond."""
    if view.run.image_shape is not None:
        return ImageStripPanel(fig, slot, view, theme, title)
    if view.run.x.shape[1] <= 3:
        return InputSpacePanel(fig, slot, view, theme, title)
    return ParallelCoordinatesPanel(fig, slot, view, theme, title)


class InputSpacePanel:
    """2-D or 3-D data in its own space, with a line from each point to its reconstruction."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str):
        self.view, self.x = view, view.run.x.astype(float)
        self.three_d = three_d = self.x.shape[1] == 3
        margins = (0.1, 0.3, 0.25, 0.4) if three_d else (0.75, 0.6, 0.25, 0.4)
        ax = panel_axes(fig, slot, margins, theme, title, "3d" if three_d else None)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        if three_d:
            # Our zorders, not depth sorting: the changing artists stay on top, as blitting
            # draws them.
            ax.computed_zorder = False
            ax.set_zlabel("x3")
            ax.view_init(elev=22, azim=-60)
        ax.scatter(*self.x.T, s=6, c=_colors(view, theme), alpha=0.35, linewidths=0)
        setters = (ax.set_xlim, ax.set_ylim) + ((ax.set_zlim,) if three_d else ())
        for axis, setter in enumerate(setters):
            setter(*padded_limits(self.x[:, axis]))
        empty = [[]] * self.x.shape[1]
        self.links = ax.plot(*empty, color=theme.muted, lw=0.5, alpha=0.6, zorder=DYNAMIC)[0]
        self.recon = ax.plot(*empty, "o", ms=2.5, color=theme.foreground, alpha=0.8,
                             zorder=DYNAMIC + 1)[0]
        self.artists = [self.links, self.recon]
        self.ax = ax

    def update(self, state: State) -> None:
        x = self.x
        recon = _output(self.view, x, state)
        gaps = np.full(len(x), np.nan)  # break the line between one link and the next
        links = [np.column_stack([x[:, d], recon[:, d], gaps]).ravel() for d in range(x.shape[1])]
        if self.three_d:
            self.links.set_data_3d(*links)
            self.recon.set_data_3d(*recon.T)
        else:
            self.links.set_data(*links)
            self.recon.set_data(*recon.T)


class ParallelCoordinatesPanel:
    """Data of any dimension as parallel coordinates: a few samples, solid, and their
    reconstructions, dashed."""

    SAMPLES = 6  # how many samples to follow

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str):
        run = view.run
        self.view, self.x = view, run.x.astype(float)
        ax = panel_axes(fig, slot, (0.75, 0.6, 0.25, 0.4), theme, title)
        ax.set_xlabel("input feature")
        ax.set_ylabel("value")
        style_grid(ax, theme, below=False)
        self.picks = _picks(run.labels, self.SAMPLES)
        colors = _colors(view, theme)
        features = np.arange(1, self.x.shape[1] + 1)
        ax.set_xticks(features)
        self.lines = []
        for i in self.picks:
            ax.plot(features, self.x[i], color=colors[i], lw=1.6, alpha=0.9)
            self.lines.append(ax.plot(features, self.x[i], color=colors[i], lw=1.4, ls="--",
                                      zorder=DYNAMIC)[0])
        ax.set_ylim(*padded_limits(self.x[self.picks]))
        ax.text(0.01, 0.99, "solid: data   dashed: reconstruction", transform=ax.transAxes,
                ha="left", va="top", color=theme.muted, fontsize=FONT["small"])
        self.artists = self.lines
        self.ax = ax

    def update(self, state: State) -> None:
        recon = _output(self.view, self.x[self.picks], state)
        for line, values in zip(self.lines, recon):
            line.set_ydata(values)


def _colors(view: RunView, theme: Theme) -> list[str]:
    """Each sample's cluster color."""
    return [cluster_color(theme, label) for label in view.run.labels]


def _picks(labels: np.ndarray, count: int) -> list[int]:
    """`count` samples taken from the clusters in turn, spread within each cluster."""
    clusters = [np.flatnonzero(labels == label) for label in np.unique(labels)]
    rounds = -(-count // len(clusters))
    return [int(members[len(members) * turn // rounds])
            for turn in range(rounds) for members in clusters][:count]


def _output(view: RunView, x: np.ndarray, state: State) -> np.ndarray:
    """The network's output for x with the state's weights, computed in float64."""
    weights = [np.asarray(w, float) for w in state.weights]
    biases = [np.asarray(b, float) for b in state.biases]
    return forward(x, weights, biases, view.run.activations)[-1]
