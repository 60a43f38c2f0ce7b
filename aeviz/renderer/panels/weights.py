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

from aeviz.renderer.description import PANEL_TITLES
from aeviz.renderer.panels.graph_labels import (
    LINE_EM,
    activation_lines,
    fit_layer_labels,
    layer_label_choices,
)
from aeviz.renderer.panels.placement import fit_text, text_width, wider_than
from aeviz.renderer.panels.style import (
    DYNAMIC,
    FONT,
    Rect,
    height_inches,
    panel_axes,
    set_title,
    symlog_ticks,
    width_inches,
)
from aeviz.renderer.scales import color_scale, short_number
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State, weight_magnitudes
from aeviz.settings import RenderOptions
from aeviz.trajectory import Trajectory

MAX_NEURONS = 16      # wider layers show their strongest neurons only
NARROW_IN = 3.2      # a panel narrower than this (inches of the page) has a bare colorbar
NAME_GAP = 0.2        # between an input's name and its neuron, in layer spacings


def readout_title(name: str, number: str, room_pt: float) -> str:
    """The title with its |w| readout, in its longest form that fits `room_pt`: the name is
    shortened before the number, which is never cut (two runs' titles at 640x360 ran into
    each other and off the frame)."""
    size = FONT["title"]
    forms = [f"{name}: |w| up to {number}", f"{name}: |w| ≤ {number}"]
    for form in forms:
        if not wider_than(form, size, room_pt):
            return form
    tail = f": |w| ≤ {number}"
    name_room = room_pt - text_width(tail, size)
    if name_room > text_width("ab…", size):
        return fit_text(name, size, name_room) + tail
    return f"|w| ≤ {number}"


class WeightPanel:
    """The network as a graph: neurons filled by bias, edges colored and sized by weight."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme,
                 options: RenderOptions, title: str, norm: mcolors.Normalize | None = None,
                 title_color: str | None = None):
        """`norm`: the color scale (default: the run's own), shared by the runs of a
        comparison; `options.scales == "follow"`: a scale that grows with the weights, frame
        by frame, with a readout of the largest |weight| so far."""
        run = view.run
        narrow = slot[2] * fig.get_size_inches()[0] < NARROW_IN  # no colorbar label then
        ax = panel_axes(fig, slot, (0.2, 0.5, 0.85 if narrow else 1.2, 0.4), theme, title,
                        title_color=title_color)
        ax.set_axis_off()
        self.shown = strongest_neurons(run)
        self.view = view
        code = run.code_layer
        # A VAE's code column holds the means (on top, the neurons the decoder reads) and,
        # below them, the log-variances, both fed by the last encoder layer.
        self.variational = run.variational
        stacked = 2 * len(self.shown[code]) if self.variational else 0
        tallest = max([len(s) for s in self.shown] + [stacked])
        ax.set_xlim(-0.5, len(run.layer_sizes) - 0.5)
        ax.set_ylim(-(tallest + 1) / 2, (tallest + 1) / 2)
        self.positions = [np.column_stack([np.full(len(s), float(layer)),
                                           (len(s) - 1) / 2 - np.arange(len(s))])
                          for layer, s in enumerate(self.shown)]
        if self.variational:
            half = len(self.shown[code]) / 2
            self.logvar_positions = self.positions[code] - [0, half]
            self.positions[code] = self.positions[code] + [0, half]
        self._input_names(ax, run, theme)  # first: the names narrow the layers' columns
        self._draw_labels(ax, run, theme, tallest, slot)
        # One color scale for weights and biases, fixed over the clip: a color means one value.
        self.follow = options.scales == "follow"
        if self.follow:  # the largest |value| so far, per snapshot: the scale only grows
            self.largest = np.maximum.accumulate(view.largest_weights())
            # The readout names this snapshot's largest weight (an edge, not a bias: what
            # "|w|" says), not the largest so far that the color scale keeps.
            self.largest_edge = view.largest_weights(biases=False)
            self.norm = mcolors.Normalize(-self.largest[0], self.largest[0])
        else:
            self.norm = norm or color_scale([view])
        self.cmap = matplotlib.colormaps[theme.weight_cmap]
        self.edges = self._edges(ax, theme.weight_cmap)
        self.neurons = self._neurons(ax, theme)
        clipped = not self.follow and weight_magnitudes([view])[2] > self.norm.vmax
        self.colorbar = _colorbar(ax, self.norm, theme, clipped=clipped,
                                  label="" if narrow else "weight / bias")
        self.artists = [self.edges, self.neurons]
        self.ax = ax
        if self.variational:  # drawn with the edges, over them
            self.artists += self._halves_named(ax, theme)
            self.logvar_labels = self.artists[2:]
        self.title, self.theme, self.title_color = title, theme, title_color
        # The title's room (points): from the axes' left edge to the slot's right, and in
        # follow mode before the colorbar, whose exponent ("1e7") sits over its left side.
        right = slot[0] + slot[2]
        if self.follow:
            right = self.colorbar.ax.get_position().x0
        self.title_room_pt = (right - ax.get_position().x0) * fig.get_size_inches()[0] * 72 \
            - 1.5 * FONT["title"]

    def _halves_named(self, ax: Axes, theme: Theme) -> list:
        """"μ" and "log σ²" right of their pairs of code neurons, on the panel's background
        (the means' decoder edges pass behind)."""
        right = self.diameter / 2 + 2  # points, from the neurons' centers
        pair_pt = len(self.logvar_positions) * height_inches(ax) * 72 / np.diff(ax.get_ylim())[0]
        if pair_pt < 1.5 * FONT["small"]:  # the two names would collide: the graph alone
            return []
        return [ax.annotate(name, xy=(centers[0, 0], centers[:, 1].mean()),
                        xytext=(right, 0), textcoords="offset points", ha="left",
                        va="center", color=theme.foreground, fontsize=FONT["small"],
                        zorder=DYNAMIC + 2,
                        bbox={"boxstyle": "round,pad=0.1", "facecolor": theme.panel,
                              "edgecolor": "none"})
                for name, centers in (("μ", self.positions[self.view.run.code_layer]),
                                      ("log σ²", self.logvar_positions))]

    def _draw_labels(self, ax: Axes, run: Trajectory, theme: Theme, tallest: int,
                     slot: Rect) -> None:
        """The activations above the graph (room made for them), each layer's name and size
        below it, and the code layer's tint."""
        sizes, code = run.layer_sizes, run.code_layer
        column_pt = width_inches(ax) * 72 / (ax.get_xlim()[1] - ax.get_xlim()[0])
        page_pt = ax.get_figure().get_size_inches()[0] * 72
        room_pt = (slot[0] + slot[2] - ax.get_position().x0) * page_pt  # to the slot's right
        between, lines = activation_lines(run.activations, code, column_pt, room_pt)
        top = self._make_room_above(ax, tallest, LINE_EM * FONT["small"] * (
            1 if between else len(lines)))
        bottom = ax.get_ylim()[0]
        highlight = FancyBboxPatch((code - 0.28, -top), 0.56, 2 * top,
                                   boxstyle="round,pad=0,rounding_size=0.15",
                                   facecolor=theme.panel, edgecolor=theme.faint, zorder=0)
        ax.add_patch(highlight)
        style = {"color": theme.muted, "fontsize": FONT["small"], "style": "italic",
                 "va": "bottom"}
        if between:
            for layer, name in enumerate(lines):
                ax.text(layer + 0.5, top, name, ha="center", **style)
        else:  # one summary, left-aligned under the title
            ax.text(0, top, "\n".join(lines), transform=ax.get_yaxis_transform(), ha="left",
                    linespacing=1.1, **style)
        labels = [ax.text(layer, bottom, "", ha="center", va="top", color=theme.muted,
                          fontsize=FONT["small"], fontweight="bold" if layer == code else "normal")
                  for layer in range(len(sizes))]
        bottom_px = slot[1] * ax.get_figure().bbox.height
        fit_layer_labels(labels, layer_label_choices(sizes, [len(s) for s in self.shown], code),
                         code, bottom_px)

    def _make_room_above(self, ax: Axes, tallest: int, band_pt: float) -> float:
        """Raise the top limit so that `band_pt` points stay free above the neurons (for the
        activations); return the height (data units) just clear of the top neuron."""
        height_pt = height_inches(ax) * 72
        self.diameter = min(0.55 * (height_pt - band_pt) / (tallest + 1), 24)
        clear_pt = self.diameter / 2 + 3
        per_pt = tallest / max(height_pt - clear_pt - band_pt, 1)  # data units per point
        bottom = -(tallest + 1) / 2
        ax.set_ylim(bottom, bottom + height_pt * per_pt)
        return (tallest - 1) / 2 + clear_pt * per_pt

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
        if self.variational:  # the last encoder layer into the log-variances
            code = self.view.run.code_layer
            outs, ins = np.meshgrid(self.shown[code], self.shown[code - 1], indexing="ij")
            self.logvar_index = (outs.ravel(), ins.ravel())
            start = self.positions[code - 1][np.searchsorted(self.shown[code - 1], ins.ravel())]
            end = self.logvar_positions[np.searchsorted(self.shown[code], outs.ravel())]
            segments.append(np.stack([start, end], axis=1))
        # A PathCollection of ready-made paths: reordering them each frame is then cheap.
        self.paths = [Path(segment) for segment in np.concatenate(segments)]
        edges = PathCollection(self.paths, facecolors="none", cmap=cmap, norm=self.norm,
                               zorder=DYNAMIC, capstyle="round")
        ax.add_collection(edges)
        return edges

    def _neurons(self, ax: Axes, theme: Theme) -> PathCollection:
        """All neurons in one collection (one draw call); inputs keep a plain fill."""
        self.max_width = max(self.diameter * 0.28, 1.5)
        centers = np.concatenate(self.positions
                                 + ([self.logvar_positions] if self.variational else []))
        self.input_count = len(self.positions[0])
        self.fills = np.tile(mcolors.to_rgba(theme.background), (len(centers), 1))
        return ax.scatter(centers[:, 0], centers[:, 1], s=self.diameter**2,
                          facecolors=self.fills, edgecolors=theme.muted, linewidths=1.1,
                          zorder=DYNAMIC + 1)

    def update(self, state: State) -> None:
        if self.follow:
            at = min(int(np.ceil(state.index - 1e-9)), len(self.largest) - 1)
            largest = float(self.largest[at]) or 1.0
            self.norm.vmin, self.norm.vmax = -largest, largest  # the colorbar follows
            # The readout in the title: follow mode redraws whole frames (see Scene.draw).
            name = "weights" if self.title == PANEL_TITLES["weights"] else self.title
            set_title(self.ax, readout_title(name, short_number(self.largest_edge[at]),
                                             self.title_room_pt),
                      self.theme, self.title_color)
        weights = [w[outs, ins] for w, (outs, ins) in zip(state.weights, self.edge_index)]
        biases = [b[shown] for b, shown in zip(state.biases, self.shown[1:])]
        if self.variational:
            run, (outs, ins) = self.view.run, self.logvar_index
            weights.append(_at(run.logvar_weights, state.index)[outs, ins])
            biases.append(_at(run.logvar_biases, state.index)[self.shown[run.code_layer]])
        weights = np.concatenate(weights)
        order = np.argsort(np.abs(weights), kind="stable")  # strongest edges on top
        self.edges.set_paths([self.paths[i] for i in order])
        self.edges.set_array(weights[order])
        # Width grows with |w| on the color scale: |w| / limit, or its log form.
        strength = np.abs(2 * np.clip(self.norm(weights[order]), 0, 1) - 1)
        self.edges.set_linewidths(self.max_width * strength)
        self.fills[self.input_count:] = self.cmap(self.norm(np.concatenate(biases)))
        self.neurons.set_facecolors(self.fills)


def _at(series: np.ndarray, index: float) -> np.ndarray:
    """`series` [snapshots, ...] at a fractional snapshot index, as RunView.state
    interpolates the weights."""
    low = int(np.floor(index))
    fraction = index - low
    if fraction == 0:
        return series[low]
    high = min(low + 1, len(series) - 1)
    return (1 - fraction) * series[low] + fraction * series[high]


def strongest_neurons(run: Trajectory) -> list[np.ndarray]:
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


def _colorbar(ax: Axes, norm: mcolors.Normalize, theme: Theme, clipped: bool,
              label: str):
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
    return bar
