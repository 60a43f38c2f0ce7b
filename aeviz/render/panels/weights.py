"""The weights panel: the network as a graph of neurons and weighted edges."""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.path import Path

from aeviz.config import RenderOptions
from aeviz.render.panels.placement import fit_text, text_width
from aeviz.render.panels.style import (
    BLOW_UP,
    DYNAMIC,
    FONT,
    Rect,
    height_inches,
    panel_axes,
    symlog_ticks,
    width_inches,
)
from aeviz.render.theme import Theme
from aeviz.render.views import RunView, State
from aeviz.trajectory import Trajectory

MAX_NEURONS = 16      # wider layers show their strongest neurons only
NARROW_IN = 3.2      # a panel narrower than this (inches of the page) has a bare colorbar
NAME_GAP = 0.2        # between an input's name and its neuron, in layer spacings


class WeightPanel:
    """The network as a graph: neurons filled by bias, edges colored and sized by weight."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme,
                 options: RenderOptions, title: str):
        run = view.run
        narrow = slot[2] * fig.get_size_inches()[0] < NARROW_IN  # no colorbar label then
        ax = panel_axes(fig, slot, (0.2, 0.5, 0.85 if narrow else 1.2, 0.4), theme, title)
        ax.set_axis_off()
        self.shown = _strongest_neurons(run)
        tallest = max(len(s) for s in self.shown)
        ax.set_xlim(-0.5, len(run.layer_sizes) - 0.5)
        ax.set_ylim(-(tallest + 1) / 2, (tallest + 1) / 2)
        self.positions = [np.column_stack([np.full(len(s), float(layer)),
                                           (len(s) - 1) / 2 - np.arange(len(s))])
                          for layer, s in enumerate(self.shown)]
        self._input_names(ax, run, theme)  # first: the names narrow the layers' columns
        self._draw_labels(ax, run, theme, tallest)
        # One color scale for weights and biases, fixed over the clip: a color means one value.
        values = np.abs(np.concatenate([a.reshape(len(a), -1)
                                        for a in run.weights + run.biases], axis=1))
        self.norm = _color_scale(values)
        self.cmap = matplotlib.colormaps[theme.weight_cmap]
        self.edges = self._edges(ax, theme.weight_cmap)
        self.neurons = self._neurons(ax, theme, tallest)
        _colorbar(ax, self.norm, theme, clipped=values.max() > self.norm.vmax,
                  label="" if narrow else "weight / bias")
        self.artists = [self.edges, self.neurons]
        self.ax = ax

    def _draw_labels(self, ax: Axes, run: Trajectory, theme: Theme, tallest: int) -> None:
        """Each layer's name and size below it, each weight layer's activation between."""
        sizes = run.layer_sizes
        code = run.code_layer
        top, bottom = (tallest + 1) / 2, -(tallest + 1) / 2
        highlight = FancyBboxPatch((code - 0.28, bottom + 0.25), 0.56, top - bottom - 0.5,
                                   boxstyle="round,pad=0,rounding_size=0.15",
                                   facecolor=theme.panel, edgecolor=theme.faint, zorder=0)
        ax.add_patch(highlight)
        column_pt = width_inches(ax) * 72 / (ax.get_xlim()[1] - ax.get_xlim()[0])
        named = column_pt > text_width("hidden ", FONT["small"])  # else sizes only, and code
        labels = []
        for layer, size in enumerate(sizes):
            name = "input" if layer == 0 else "output" if layer == len(sizes) - 1 else (
                "code" if layer == code else "hidden")
            shown = len(self.shown[layer])
            # An elided layer says how many it shows, on a line of its own: short lines keep
            # neighbouring labels apart.
            text = (f"{name}\n" if named or layer == code else "\n") + f"{size}" + (
                f"\n{shown} shown" if shown < size else "")
            labels.append(ax.text(layer, bottom, text, ha="center", va="top", color=theme.muted,
                                  fontsize=FONT["small"],
                                  fontweight="bold" if layer == code else "normal"))
        _shrink_until_apart(labels)
        names = run.activations
        if max(text_width(f"{name}  ", FONT["small"]) for name in names) < column_pt:
            for layer, name in enumerate(names):  # above the graph: clear of the names
                ax.text(layer + 0.5, top - 0.35, name, ha="center", va="center",
                        color=theme.muted, fontsize=FONT["small"], style="italic")
        else:  # too narrow for one name per weight layer: one line for all
            ax.text(np.mean(ax.get_xlim()), top - 0.35, _activation_summary(names),
                    ha="center", va="center", color=theme.muted, fontsize=FONT["small"],
                    style="italic")

    def _input_names(self, ax: Axes, run: Trajectory, theme: Theme) -> None:
        """A CSV's column names left of the input neurons (plain data has none), shortened
        to at most a third of the panel; the graph moves right to make room for them."""
        spacing_pt = height_inches(ax) * 72 / (max(len(s) for s in self.shown) + 1)
        if not run.feature_names or spacing_pt < 1.3 * FONT["small"]:  # names would collide
            return
        room_pt = width_inches(ax) * 72 / 3
        names = [fit_text(run.feature_name(int(index)), FONT["small"], room_pt)
                 for index in self.shown[0]]
        share = max(text_width(name, FONT["small"]) for name in names) / (width_inches(ax) * 72)
        right = ax.get_xlim()[1]
        ax.set_xlim(-(share * right + NAME_GAP) / (1 - share), right)  # names end at the left
        for name, (x, y) in zip(names, self.positions[0]):
            ax.text(x - NAME_GAP, y, name, ha="right", va="center", color=theme.muted,
                    fontsize=FONT["small"])

    def _edges(self, ax: Axes, cmap: str) -> PathCollection:
        """Edges between the shown neurons of adjacent layers; index arrays pick their
        weights."""
        self.edge_index = []
        segments = []
        for layer in range(len(self.shown) - 1):
            outs, ins = np.meshgrid(self.shown[layer + 1], self.shown[layer], indexing="ij")
            self.edge_index.append((outs.ravel(), ins.ravel()))
            start = self.positions[layer][np.searchsorted(self.shown[layer], ins.ravel())]
            end = self.positions[layer + 1][np.searchsorted(self.shown[layer + 1], outs.ravel())]
            segments.append(np.stack([start, end], axis=1))
        # A PathCollection of ready-made paths: reordering them each frame is then cheap.
        self.paths = [Path(segment) for segment in np.concatenate(segments)]
        edges = PathCollection(self.paths, facecolors="none", cmap=cmap, norm=self.norm,
                               zorder=DYNAMIC, capstyle="round")
        ax.add_collection(edges)
        return edges

    def _neurons(self, ax: Axes, theme: Theme, tallest: int) -> PathCollection:
        """All neurons in one collection (one draw call); inputs keep a plain fill."""
        height_pt = height_inches(ax) * 72
        diameter = min(0.55 * height_pt / (tallest + 1), 24)
        self.max_width = max(diameter * 0.28, 1.5)
        centers = np.concatenate(self.positions)
        self.input_count = len(self.positions[0])
        self.fills = np.tile(mcolors.to_rgba(theme.background), (len(centers), 1))
        return ax.scatter(centers[:, 0], centers[:, 1], s=diameter**2, facecolors=self.fills,
                          edgecolors=theme.muted, linewidths=1.1, zorder=DYNAMIC + 1)

    def update(self, state: State) -> None:
        weights = np.concatenate([w[outs, ins] for w, (outs, ins)
                                  in zip(state.weights, self.edge_index)])
        order = np.argsort(np.abs(weights), kind="stable")  # strongest edges on top
        self.edges.set_paths([self.paths[i] for i in order])
        self.edges.set_array(weights[order])
        # Width grows with |w| on the color scale: |w| / limit, or its log form.
        strength = np.abs(2 * np.clip(self.norm(weights[order]), 0, 1) - 1)
        self.edges.set_linewidths(self.max_width * strength)
        biases = np.concatenate([b[shown] for b, shown in zip(state.biases, self.shown[1:])])
        self.fills[self.input_count:] = self.cmap(self.norm(biases))
        self.neurons.set_facecolors(self.fills)


def _activation_summary(names: tuple[str, ...]) -> str:
    """"tanh", "tanh, output identity" or every name: the activations in one short line."""
    if len(set(names)) == 1:
        return names[0]
    if len(set(names[:-1])) == 1:
        return f"{names[0]}, output {names[-1]}"
    return ", ".join(names)


def _strongest_neurons(run: Trajectory) -> list[np.ndarray]:
    """Per layer, the indices of the neurons to draw: all, or the MAX_NEURONS strongest.

    Strength is the total |weight| in and out at the last snapshot, so the choice is fixed for
    the whole clip and neurons never jump.
    """
    shown = []
    for layer, size in enumerate(run.layer_sizes):
        if size <= MAX_NEURONS:
            shown.append(np.arange(size))
            continue
        strength = np.zeros(size)
        if layer > 0:
            strength += np.abs(run.weights[layer - 1][-1]).sum(axis=1)
        if layer < len(run.layer_sizes) - 1:
            strength += np.abs(run.weights[layer][-1]).sum(axis=0)
        shown.append(np.sort(np.argsort(-strength, kind="stable")[:MAX_NEURONS]))
    return shown


def _color_scale(values: np.ndarray) -> mcolors.Normalize:
    """Symmetric about zero up to the 99.5th percentile of |value| ([snapshot, value])."""
    limit = float(np.percentile(values, 99.5)) or 1.0
    first = float(values[0].max()) or 1.0
    if limit > BLOW_UP * first:  # weights blow up (a diverging run): symmetric log scale
        return mcolors.SymLogNorm(linthresh=first, vmin=-limit, vmax=limit)
    return mcolors.Normalize(-limit, limit)


def _colorbar(ax: Axes, norm: mcolors.Normalize, theme: Theme, clipped: bool,
              label: str) -> None:
    """The color scale, right of the graph; arrows when some values lie beyond it."""
    fig = ax.get_figure()
    box = ax.get_position()
    width_in = fig.get_size_inches()[0]
    cax = fig.add_axes((box.x1 + 0.25 / width_in, box.y0 + box.height * 0.1,
                        0.12 / width_in, box.height * 0.8))
    bar = fig.colorbar(ScalarMappable(norm, theme.weight_cmap), cax=cax,
                       extend="both" if clipped else "neither")
    if isinstance(norm, mcolors.SymLogNorm):
        bar.set_ticks(symlog_ticks(norm.linthresh, norm.vmax, per_side=2))
        bar.ax.minorticks_off()
    bar.set_label(label, color=theme.muted, fontsize=FONT["small"])
    bar.ax.tick_params(colors=theme.muted, labelsize=FONT["small"])
    bar.outline.set_edgecolor(theme.faint)


def _shrink_until_apart(texts: list) -> None:
    """Smaller type for all of `texts` until no two overlap (down to 5 pt): wide layers and
    small clips crowd the labels under the graph."""
    renderer = texts[0].get_figure().canvas.get_renderer()
    size = texts[0].get_fontsize()
    while size > 5:
        boxes = [text.get_window_extent(renderer) for text in texts]
        if not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:]):
            return
        size -= 0.5
        for text in texts:
            text.set_fontsize(size)
