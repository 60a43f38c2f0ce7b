"""The panels of a frame. Each draws its static parts once in __init__ and keeps the artists that
change from frame to frame in `self.artists`, updated by `update(states)`.

Changing artists get a zorder above every static one, so drawing them over a saved background
(blitting) gives exactly the pixels of a full redraw.
"""

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
from aeviz.render.geometry import affine_fit
from aeviz.render.labels import PathLabel
from aeviz.render.theme import Theme
from aeviz.render.views import RunView, State

DYNAMIC = 10          # zorder of everything that changes between frames
MAX_NEURONS = 16      # wider layers show their strongest neurons only
BLOW_UP = 1000        # values this many times their start: a diverging run, shown on symlog
FONT = {"title": 12.5, "label": 11.5, "tick": 10.5, "small": 10}

Rect = tuple[float, float, float, float]  # left, bottom, width, height in figure fractions


def inset(fig: Figure, slot: Rect, left: float, bottom: float, right: float,
          top: float) -> Rect:
    """The part of `slot` left after margins given in inches (room for labels)."""
    width_in, height_in = fig.get_size_inches()
    x, y, w, h = slot
    return (x + left / width_in, y + bottom / height_in,
            max(w - (left + right) / width_in, 0.01), max(h - (bottom + top) / height_in, 0.01))


def style_axes(ax: Axes, theme: Theme) -> None:
    ax.set_facecolor(theme.background)
    for spine in ax.spines.values():
        spine.set_color(theme.faint)
    ax.tick_params(colors=theme.muted, labelsize=FONT["tick"])
    ax.xaxis.label.set_color(theme.muted)
    ax.yaxis.label.set_color(theme.muted)
    ax.xaxis.label.set_size(FONT["label"])
    ax.yaxis.label.set_size(FONT["label"])


def set_title(ax: Axes, title: str, theme: Theme) -> None:
    ax.set_title(title, loc="left", color=theme.foreground, fontsize=FONT["title"])


class CodePanel:
    """The 2-D code of every sample as a point, colored by cluster."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme,
                 options: RenderOptions, title: str, legend: bool = True):
        run = view.run
        labels = np.unique(run.labels)
        entries = labels.size + options.pca_ghost if labels.size > 1 or labels[0] >= 0 else 0
        entries *= legend
        legend_rows = -(-entries // 4)
        ax = fig.add_axes(inset(fig, slot, 0.9, 0.6 + 0.3 * legend_rows + 0.05 * bool(entries),
                                0.25, 0.4))
        style_axes(ax, theme)
        set_title(ax, title, theme)
        ax.set_xlabel("code neuron 1")
        ax.set_ylabel("code neuron 2")
        ax.grid(True, color=theme.faint, linewidth=0.6, alpha=0.6)
        ax.set_axisbelow(True)
        # Limits fixed for the whole clip and equal scales: motion on screen is real motion.
        start_spread = float(np.ptp(view.codes[0])) or 1e-3
        reach = float(np.abs(view.codes).max())
        if reach > BLOW_UP * start_spread:
            # The codes blow up (a diverging run): a symmetric log scale keeps both the
            # starting cloud and the explosion in view, and its ticks say so.
            ticks = symlog_ticks(start_spread, reach)
            for scale, limits, set_ticks in ((ax.set_xscale, ax.set_xlim, ax.set_xticks),
                                             (ax.set_yscale, ax.set_ylim, ax.set_yticks)):
                scale("symlog", linthresh=start_spread)
                limits(-reach * 1.5, reach * 1.5)
                set_ticks(ticks)
            ax.minorticks_off()
        else:
            ax.set_xlim(*_limits(view.codes[..., 0]))
            ax.set_ylim(*_limits(view.codes[..., 1]))
            _equal_scales(ax, fig)
        self.view, self.trail_length = view, options.trails
        self.members = [np.flatnonzero(run.labels == label) for label in labels]
        self.points, self.ghost = [], None
        if options.pca_ghost:  # PCA's answer, fitted onto the codes (affine) frame by frame
            (self.ghost,) = ax.plot([], [], "o", ms=5, mfc="none", mec=theme.muted, mew=0.7,
                                    alpha=0.45, zorder=DYNAMIC - 0.5, label="PCA")
        for number, label in enumerate(labels):
            color = theme.accent if label < 0 else theme.clusters[number % len(theme.clusters)]
            name = (run.label_names[label] if 0 <= label < len(run.label_names)
                    else f"class {label}")
            (points,) = ax.plot([], [], "o", ms=3.6, mfc=color, mec="none", alpha=0.85,
                                zorder=DYNAMIC, label=name)
            self.points.append(points)
        self.trails = self._trail_collection(ax, labels, theme) if self.trail_length else None
        self.artists = ([self.ghost] if self.ghost else []) + (
            [self.trails] if self.trails else []) + self.points
        if entries:  # below the axis label, clear of the points
            below = 0.55 / (ax.get_position().height * fig.get_size_inches()[1])
            legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -below),
                               ncol=-(-entries // legend_rows), frameon=False,
                               fontsize=FONT["tick"],
                               markerscale=2.2, handletextpad=0.2, columnspacing=1.2,
                               labelcolor=theme.foreground)
            legend.set_zorder(1)
        self.ax = ax

    def update(self, state: State) -> None:
        for points, members in zip(self.points, self.members):
            codes = state.codes[members]
            points.set_data(codes[:, 0], codes[:, 1])
        if self.ghost is not None:
            ghost = affine_fit(self.view.pca[1], state.codes)
            self.ghost.set_data(ghost[:, 0], ghost[:, 1])
        if self.trail_length:
            self._update_trails(state)

    def _trail_collection(self, ax: Axes, labels: np.ndarray, theme: Theme) -> PathCollection:
        """One path per (age, cluster), oldest first and faintest: a path holds one short
        stroke per point, from its position `age` snapshots ago to `age - 1`."""
        colors = []
        for age in range(self.trail_length, 0, -1):
            alpha = 0.55 * (1 - age / (self.trail_length + 1))
            for number, label in enumerate(labels):
                color = (theme.accent if label < 0
                         else theme.clusters[number % len(theme.clusters)])
                colors.append(mcolors.to_rgba(color, alpha))
        self.stroke_codes = [np.tile([Path.MOVETO, Path.LINETO], len(m)) for m in self.members]
        trails = PathCollection([], facecolors="none", edgecolors=colors, linewidths=0.9,
                                zorder=DYNAMIC - 0.2)
        ax.add_collection(trails, autolim=False)
        return trails

    def _update_trails(self, state: State) -> None:
        newest = int(np.ceil(state.index - 1e-9))
        history = [state.codes] + [self.view.codes[max(newest - age, 0)]
                                   for age in range(1, self.trail_length + 1)]
        paths = []
        for age in range(self.trail_length, 0, -1):
            for members, codes in zip(self.members, self.stroke_codes):
                start, end = history[age][members], history[age - 1][members]
                strokes = np.stack([start, end], axis=1).reshape(-1, 2)
                paths.append(Path(strokes, codes))
        self.trails.set_paths(paths)


def symlog_ticks(linthresh: float, reach: float, per_side: int = 3) -> np.ndarray:
    """A few decades on each side of zero, for a symmetric log axis that must stay readable."""
    decades = np.arange(np.ceil(np.log10(linthresh)), np.floor(np.log10(reach)) + 1)
    decades = decades[::-1][::max(1, int(np.ceil(len(decades) / per_side)))][::-1]
    return np.concatenate([-(10.0 ** decades[::-1]), [0.0], 10.0 ** decades])


def _limits(values: np.ndarray) -> tuple[float, float]:
    """Limits holding every value of the whole trajectory, with a margin."""
    low, high = float(values.min()), float(values.max())
    margin = 0.06 * max(high - low, 1e-3)
    return low - margin, high + margin


def _equal_scales(ax: Axes, fig: Figure) -> None:
    """Widen the shorter data range so one unit is as long on both axes, filling the box."""
    box = ax.get_position()
    width_in, height_in = fig.get_size_inches()
    box_ratio = (box.height * height_in) / (box.width * width_in)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if (y1 - y0) / (x1 - x0) < box_ratio:
        grow = ((x1 - x0) * box_ratio - (y1 - y0)) / 2
        ax.set_ylim(y0 - grow, y1 + grow)
    else:
        grow = ((y1 - y0) / box_ratio - (x1 - x0)) / 2
        ax.set_xlim(x0 - grow, x1 + grow)


class LossPanel:
    """RMSE over epochs: the whole curve faint, the part so far strong, the current value."""

    def __init__(self, fig: Figure, slot: Rect, views: list[RunView], theme: Theme,
                 options: RenderOptions, span: tuple[float, float], epsilon: float = 0.0):
        ax = fig.add_axes(inset(fig, slot, 0.85, 0.6, 0.3, 0.4))
        style_axes(ax, theme)
        set_title(ax, "reconstruction error", theme)
        ax.set_xlabel("epoch")
        ax.set_ylabel("RMSE")
        ax.grid(True, color=theme.faint, linewidth=0.6, alpha=0.6)
        ax.set_axisbelow(True)
        self.views = views
        self.lines, self.markers, self.values = [], [], []
        single = len(views) == 1
        losses = np.concatenate([v.run.loss for v in views]
                                + ([[v.pca[0] for v in views]] if options.pca else []))
        line_height = 1.45 * FONT["label"] / (ax.get_position().height
                                              * fig.get_size_inches()[1] * 72)
        for number, view in enumerate(views):
            color = theme.accent if single else theme.runs[number % len(theme.runs)]
            ax.plot(view.timeline, view.run.loss, color=color, alpha=0.25, lw=1.4)
            (line,) = ax.plot([], [], color=color, lw=2.2, zorder=DYNAMIC, label=view.label)
            (marker,) = ax.plot([], [], "o", color=color, ms=7, zorder=DYNAMIC + 1)
            value = PathLabel(fig, 0.98, 0.95 - line_height * number, ax.transAxes,
                              size=FONT["label"], color=color, zorder=DYNAMIC, ha="right")
            ax.add_artist(value)
            self.lines.append(line)
            self.markers.append(marker)
            self.values.append(value)
        if options.pca:
            self._pca_lines(ax, views, theme)
        if epsilon > 0:
            ax.axhline(epsilon, color=theme.muted, lw=1, ls=":")
            ax.text(0.01, epsilon, f" stop at {epsilon:g}", transform=ax.get_yaxis_transform(),
                    va="bottom", ha="left", color=theme.muted, fontsize=FONT["small"])
        left, right = span
        ax.set_xlim(left, right if right > left else left + 1)
        if options.log_loss:
            ax.set_yscale("log")
            positive = losses[losses > 0]
            low = positive.min() if positive.size else 1e-3
            ax.set_ylim(low / 1.4, losses.max() * 1.4)
        else:
            ax.set_ylim(0, losses.max() * 1.08 or 1)
        self.single = single
        self.artists = self.lines + self.markers + self.values
        self.ax = ax

    def _pca_lines(self, ax: Axes, views: list[RunView], theme: Theme) -> None:
        """The RMSE of rank-2 PCA: the floor of a linear autoencoder, a yardstick for others."""
        floors = sorted({round(view.pca[0], 12) for view in views})
        for floor in floors:
            ax.axhline(floor, color=theme.muted, lw=1.2, ls="--")
            ax.text(0.01, floor, f" PCA, 2 components: {floor:.4f}",
                    transform=ax.get_yaxis_transform(), va="bottom", ha="left",
                    color=theme.muted, fontsize=FONT["small"])

    def update(self, states: list[State]) -> None:
        for view, state, line, marker, value in zip(self.views, states, self.lines,
                                                    self.markers, self.values):
            known = state.snapshot + 1
            x = np.append(view.timeline[:known], state.position)
            y = np.append(view.run.loss[:known], state.loss)
            line.set_data(x, y)
            marker.set_data([state.position], [state.loss])
            name = "RMSE" if self.single else view.label
            shown = f"{state.loss:.4f}" if state.loss < 10 else f"{state.loss:.4g}"  # blow-ups
            value.set_text(f"{name} {shown}" + (" (finished)" if state.finished else ""))


class WeightPanel:
    """The network as a graph: neurons filled by bias, edges colored and sized by weight."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme,
                 options: RenderOptions, title: str):
        run = view.run
        ax = fig.add_axes(inset(fig, slot, 0.2, 0.5, 1.2, 0.4))
        style_axes(ax, theme)
        set_title(ax, title, theme)
        ax.set_axis_off()
        sizes = run.layer_sizes
        self.shown = _strongest_neurons(run)
        tallest = max(len(s) for s in self.shown)
        ax.set_xlim(-0.5, len(sizes) - 0.5)
        ax.set_ylim(-(tallest + 1) / 2, (tallest + 1) / 2)
        self.positions = [np.column_stack([np.full(len(s), float(layer)),
                                           (len(s) - 1) / 2 - np.arange(len(s))])
                          for layer, s in enumerate(self.shown)]
        self._draw_labels(ax, run, theme, tallest)
        # One color scale for weights and biases, fixed over the clip: a color means one value.
        values = np.abs(np.concatenate([a.reshape(len(a), -1)
                                        for a in run.weights + run.biases], axis=1))
        limit = float(np.percentile(values, 99.5)) or 1.0
        first = float(values[0].max()) or 1.0
        if limit > BLOW_UP * first:  # weights blow up (a diverging run): symmetric log scale
            self.norm = mcolors.SymLogNorm(linthresh=first, vmin=-limit, vmax=limit)
        else:
            self.norm = mcolors.Normalize(-limit, limit)
        cmap = theme.weight_cmap
        # Edges: between shown neurons of adjacent layers; index arrays pick their weights.
        self.edge_index = []
        segments = []
        for layer in range(len(sizes) - 1):
            outs, ins = np.meshgrid(self.shown[layer + 1], self.shown[layer], indexing="ij")
            self.edge_index.append((outs.ravel(), ins.ravel()))
            start = self.positions[layer][np.searchsorted(self.shown[layer], ins.ravel())]
            end = self.positions[layer + 1][np.searchsorted(self.shown[layer + 1], outs.ravel())]
            segments.append(np.stack([start, end], axis=1))
        # A PathCollection of ready-made paths: reordering them each frame is then cheap.
        self.paths = [Path(segment) for segment in np.concatenate(segments)]
        self.edges = PathCollection(self.paths, facecolors="none", cmap=cmap, norm=self.norm,
                                    zorder=DYNAMIC, capstyle="round")
        ax.add_collection(self.edges)
        height_pt = ax.get_position().height * fig.get_size_inches()[1] * 72
        diameter = min(0.55 * height_pt / (tallest + 1), 24)
        self.max_width = max(diameter * 0.28, 1.5)
        # All neurons in one collection (one draw call); inputs keep a plain fill.
        centers = np.concatenate(self.positions)
        self.input_count = len(self.positions[0])
        self.fills = np.tile(mcolors.to_rgba(theme.background), (len(centers), 1))
        self.cmap = matplotlib.colormaps[cmap]
        self.neurons = ax.scatter(centers[:, 0], centers[:, 1], s=diameter**2,
                                  facecolors=self.fills, edgecolors=theme.muted,
                                  linewidths=1.1, zorder=DYNAMIC + 1)
        box = ax.get_position()
        cax = fig.add_axes((box.x1 + 0.25 / fig.get_size_inches()[0], box.y0 + box.height * 0.1,
                            0.12 / fig.get_size_inches()[0], box.height * 0.8))
        clipped = values.max() > limit
        bar = fig.colorbar(ScalarMappable(self.norm, cmap), cax=cax,
                           extend="both" if clipped else "neither")
        if isinstance(self.norm, mcolors.SymLogNorm):
            bar.set_ticks(symlog_ticks(first, limit, per_side=2))
            bar.ax.minorticks_off()
        bar.set_label("weight (edges) / bias (neurons)", color=theme.muted,
                      fontsize=FONT["small"])
        bar.ax.tick_params(colors=theme.muted, labelsize=FONT["small"])
        bar.outline.set_edgecolor(theme.faint)
        self.artists = [self.edges, self.neurons]
        self.ax = ax

    def _draw_labels(self, ax: Axes, run, theme: Theme, tallest: int) -> None:
        sizes = run.layer_sizes
        code = run.code_layer
        top, bottom = (tallest + 1) / 2, -(tallest + 1) / 2
        highlight = FancyBboxPatch((code - 0.28, bottom + 0.25), 0.56, top - bottom - 0.5,
                                   boxstyle="round,pad=0,rounding_size=0.15",
                                   facecolor=theme.panel, edgecolor=theme.faint, zorder=0)
        ax.add_patch(highlight)
        for layer, size in enumerate(sizes):
            name = "input" if layer == 0 else "output" if layer == len(sizes) - 1 else (
                "code" if layer == code else "hidden")
            hidden_count = size - len(self.shown[layer])
            text = f"{name}\n{size}" + (f" (+{hidden_count} not shown)" if hidden_count else "")
            ax.text(layer, bottom, text, ha="center", va="top", color=theme.muted,
                    fontsize=FONT["small"], fontweight="bold" if layer == code else "normal")
        for layer, name in enumerate(run.activations):
            ax.text(layer + 0.5, bottom, name, ha="center", va="top", color=theme.muted,
                    fontsize=FONT["small"], style="italic")

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


def _strongest_neurons(run) -> list[np.ndarray]:
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


class ReconstructionPanel:
    """The data against its reconstruction: in input space for 2-D and 3-D data (a line from
    each point to its reconstruction), as parallel coordinates of a few samples otherwise."""

    SAMPLES = 6  # parallel coordinates: how many samples to follow

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme,
                 options: RenderOptions, title: str):
        run = view.run
        self.view, self.x = view, run.x.astype(float)
        dims = self.x.shape[1]
        three_d = dims == 3
        rect = inset(fig, slot, 0.1 if three_d else 0.75, 0.3 if three_d else 0.6, 0.25, 0.4)
        ax = fig.add_axes(rect, projection="3d" if three_d else None)
        style_axes(ax, theme)
        set_title(ax, title, theme)
        colors = [theme.accent if label < 0 else theme.clusters[label % len(theme.clusters)]
                  for label in run.labels]
        if dims <= 3:
            self._input_space(ax, theme, colors, three_d)
        else:
            self._parallel_coordinates(ax, theme, colors, run)
        self.ax = ax

    def _input_space(self, ax: Axes, theme: Theme, colors: list, three_d: bool) -> None:
        x = self.x
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        if three_d:
            # Our zorders, not depth sorting: the changing artists stay on top, as blitting
            # draws them.
            ax.computed_zorder = False
            ax.set_zlabel("x3")
            ax.view_init(elev=22, azim=-60)
        ax.scatter(*x.T, s=6, c=colors, alpha=0.35, linewidths=0)
        for axis, setter in enumerate((ax.set_xlim, ax.set_ylim) + ((ax.set_zlim,) if three_d
                                                                      else ())):
            setter(*_limits(x[:, axis]))
        self.links = ax.plot(*([[]] * x.shape[1]), color=theme.muted, lw=0.5, alpha=0.6,
                             zorder=DYNAMIC)[0]
        self.recon = ax.plot(*([[]] * x.shape[1]), "o", ms=2.5, color=theme.foreground,
                             alpha=0.8, zorder=DYNAMIC + 1)[0]
        self.mode = "3d" if three_d else "2d"
        self.artists = [self.links, self.recon]

    def _parallel_coordinates(self, ax: Axes, theme: Theme, colors: list, run) -> None:
        x = self.x
        ax.set_xlabel("input feature")
        ax.set_ylabel("value")
        ax.grid(True, color=theme.faint, linewidth=0.6, alpha=0.6)
        # Samples taken from the clusters in turn, spread within each cluster.
        clusters = [np.flatnonzero(run.labels == label) for label in np.unique(run.labels)]
        rounds = -(-self.SAMPLES // len(clusters))
        self.picks = [int(members[len(members) * turn // rounds])
                      for turn in range(rounds) for members in clusters][:self.SAMPLES]
        features = np.arange(1, x.shape[1] + 1)
        ax.set_xticks(features)
        self.lines = []
        for i in self.picks:
            ax.plot(features, x[i], color=colors[i], lw=1.6, alpha=0.9)
            self.lines.append(ax.plot(features, x[i], color=colors[i], lw=1.4, ls="--",
                                      zorder=DYNAMIC)[0])
        ax.set_ylim(*_limits(x[self.picks]))
        ax.text(0.01, 0.99, "solid: data   dashed: reconstruction", transform=ax.transAxes,
                ha="left", va="top", color=theme.muted, fontsize=FONT["small"])
        self.mode = "parallel"
        self.artists = self.lines

    def update(self, state: State) -> None:
        rows = self.x if self.mode != "parallel" else self.x[self.picks]
        recon = reconstruct(rows, state.weights, state.biases, self.view.run.activations)
        if self.mode == "parallel":
            for line, values in zip(self.lines, recon):
                line.set_ydata(values)
            return
        gaps = np.full((len(rows), 1), np.nan)
        links = [np.column_stack([rows[:, d], recon[:, d], gaps[:, 0]]).ravel()
                 for d in range(rows.shape[1])]
        if self.mode == "3d":
            self.links.set_data_3d(*links)
            self.recon.set_data_3d(*recon.T)
        else:
            self.links.set_data(*links)
            self.recon.set_data(*recon.T)


def reconstruct(x: np.ndarray, weights: list, biases: list, activations) -> np.ndarray:
    """The network's output for x with one snapshot's weights (the model's forward pass)."""
    from aeviz.model import ACTIVATIONS

    a = x
    for w, b, name in zip(weights, biases, activations):
        a = ACTIVATIONS[name](a @ np.asarray(w, float).T + np.asarray(b, float))
    return a
