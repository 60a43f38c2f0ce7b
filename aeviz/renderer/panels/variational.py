"""A variational run's code plane: the prior's one- and two-sigma circles (the codes of a VAE
are pulled into them) and, optionally, each of some samples' one-sigma ellipse (where its code
is sampled from in training)."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from aeviz.renderer.panels.frame_map import interpolated, linear_map, raw_codes
from aeviz.renderer.panels.style import DYNAMIC, FONT, height_inches
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State
from aeviz.training.model import forward

MOST_ELLIPSES = 40
TURN = np.linspace(0, 2 * np.pi, 41)
CIRCLE = np.column_stack([np.cos(TURN), np.sin(TURN)])


class VariationalOverlay:
    """The prior's circles, and the ellipses if asked for, turned with the codes."""

    def __init__(self, ax: Axes, view: RunView, theme: Theme, ellipses: bool):
        self.view = view
        # Above the codes (see description.Panel.layers): a crowded plane does not hide them.
        (self.circles,) = ax.plot([], [], color=theme.muted, lw=1.0, ls="--", alpha=0.8,
                                  zorder=DYNAMIC + 0.2)
        if height_inches(ax) >= 2.0:  # a small plane has no room for words over the points
            ax.text(0.02, 0.98, "dashed: N(0, 1) at 1σ, 2σ", transform=ax.transAxes,
                    ha="left", va="top", color=theme.muted, fontsize=FONT["small"])
        self.artists = [self.circles]
        self.ellipses = None
        if ellipses:
            run = view.run
            self.picks = np.linspace(0, len(run.x) - 1, min(MOST_ELLIPSES, len(run.x))
                                     ).round().astype(int)
            (self.ellipses,) = ax.plot([], [], color=theme.foreground, lw=0.6, alpha=0.45,
                                       zorder=DYNAMIC + 0.3)
            self.artists.append(self.ellipses)

    def update(self, state: State) -> None:
        raw = raw_codes(self.view, state)
        matrix, shift = linear_map(raw, state.codes)
        gap = np.full((1, 2), np.nan)
        rings = np.concatenate([CIRCLE, gap, 2 * CIRCLE]) @ matrix + shift
        self.circles.set_data(rings[:, 0], rings[:, 1])
        if self.ellipses is None:
            return
        # (A log-variance past +-200 puts the ellipse far off the plane either way; clipped,
        # the spread and the map stay finite, and numpy prints no overflow.)
        sigma = np.exp(0.5 * np.clip(self._logvar(state), -200.0, 200.0))  # [picks, 2]
        shapes = raw[self.picks][:, None, :] + CIRCLE[None] * sigma[:, None, :]
        shapes = np.concatenate([shapes, np.full((len(shapes), 1, 2), np.nan)], axis=1)
        points = shapes.reshape(-1, 2) @ matrix + shift
        self.ellipses.set_data(points[:, 0], points[:, 1])

    def _logvar(self, state: State) -> np.ndarray:
        run = self.view.run
        encoder = run.code_layer - 1
        a_prev = forward(run.x[self.picks].astype(float),
                         [np.asarray(w, float) for w in state.weights[:encoder]],
                         [np.asarray(b, float) for b in state.biases[:encoder]],
                         run.activations[:encoder])[-1]
        weight = interpolated(run.logvar_weights, state.index)
        bias = interpolated(run.logvar_biases, state.index)
        return a_prev @ weight.T + bias
