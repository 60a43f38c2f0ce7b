"""The loss panel: RMSE over epochs for one run or several."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from aeviz.config import RenderOptions
from aeviz.render.labels import PathLabel
from aeviz.render.panels.style import DYNAMIC, FONT, Rect, height_inches, panel_axes, style_grid
from aeviz.render.theme import Theme
from aeviz.render.views import RunView, State


class LossPanel:
    """RMSE over epochs: the whole curve faint, the part so far strong, the current value."""

    def __init__(self, fig: Figure, slot: Rect, views: list[RunView], theme: Theme,
                 options: RenderOptions, span: tuple[float, float], epsilon: float = 0.0):
        ax = panel_axes(fig, slot, (0.85, 0.6, 0.3, 0.4), theme, "reconstruction error")
        ax.set_xlabel("epoch")
        ax.set_ylabel("RMSE")
        style_grid(ax, theme)
        self.views, self.single, self.ax = views, len(views) == 1, ax
        self.lines, self.markers, self.values = [], [], []
        line_height = 1.45 * FONT["label"] / (height_inches(ax) * 72)
        for number, view in enumerate(views):
            color = theme.accent if self.single else theme.runs[number % len(theme.runs)]
            self._curve(ax, view, color, 0.95 - line_height * number, options.future)
        if options.pca:
            _pca_lines(ax, views, theme)
        if epsilon > 0:
            ax.axhline(epsilon, color=theme.muted, lw=1, ls=":")
            ax.text(0.01, epsilon, f" stop at {epsilon:g}", transform=ax.get_yaxis_transform(),
                    va="bottom", ha="left", color=theme.muted, fontsize=FONT["small"])
        losses = np.concatenate([v.run.loss for v in views]
                                + ([[v.pca[0] for v in views]] if options.pca else []))
        _fix_limits(ax, span, losses, options.log_loss)
        self.artists = self.lines + self.markers + self.values

    def _curve(self, ax: Axes, view: RunView, color: str, label_y: float,
               future: bool = True) -> None:
        """The run's whole curve, faint (unless the `future` is hidden); and its changing line,
        marker and value label."""
        if future:
            ax.plot(view.timeline, view.run.loss, color=color, alpha=0.25, lw=1.4)
        (line,) = ax.plot([], [], color=color, lw=2.2, zorder=DYNAMIC, label=view.label)
        (marker,) = ax.plot([], [], "o", color=color, ms=7, zorder=DYNAMIC + 1)
        value = PathLabel(ax.get_figure(), 0.98, label_y, ax.transAxes, size=FONT["label"],
                          color=color, zorder=DYNAMIC, ha="right")
        ax.add_artist(value)
        self.lines.append(line)
        self.markers.append(marker)
        self.values.append(value)

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


def _pca_lines(ax: Axes, views: list[RunView], theme: Theme) -> None:
    """The RMSE of rank-2 PCA: the floor of a linear autoencoder, a yardstick for others."""
    floors = sorted({round(view.pca[0], 12) for view in views})
    for floor in floors:
        ax.axhline(floor, color=theme.muted, lw=1.2, ls="--")
        ax.text(0.01, floor, f" PCA, 2 components: {floor:.4f}",
                transform=ax.get_yaxis_transform(), va="bottom", ha="left",
                color=theme.muted, fontsize=FONT["small"])


def _fix_limits(ax: Axes, span: tuple[float, float], losses: np.ndarray, log: bool) -> None:
    """The clip's epochs across, every loss (and PCA floor) up and down."""
    left, right = span
    ax.set_xlim(left, right if right > left else left + 1)
    if log:
        ax.set_yscale("log")
        positive = losses[losses > 0]
        low = positive.min() if positive.size else 1e-3
        ax.set_ylim(low / 1.4, losses.max() * 1.4)
    else:
        ax.set_ylim(0, losses.max() * 1.08 or 1)
