"""Where training pulls each code (`--pull`): an arrow per point along -d(its reconstruction
error)/d(its code), from the frame's weights, as the VISxAI "Interactive Introduction to
Autoencoders" draws them. The longest arrow is a fixed fraction of the plane; the arrows show
where the structure is heading before the points move."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from aeviz.renderer.panels.frame_map import linear_map, raw_codes
from aeviz.renderer.panels.style import DYNAMIC
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State
from aeviz.training.model import code_gradients

LONGEST = 0.12     # the longest arrow, as a fraction of the plane's width
MOST_ARROWS = 400  # more samples than this: arrows for an even spread of this many


class PullArrows:
    """The arrows of one run's code plane."""

    def __init__(self, ax: Axes, view: RunView, theme: Theme):
        run = view.run
        self.view, self.ax = view, ax
        count = len(run.x)
        self.picks = (np.arange(count) if count <= MOST_ARROWS
                      else np.linspace(0, count - 1, MOST_ARROWS).round().astype(int))
        self.x = run.x[self.picks].astype(float)
        zeros = np.zeros(len(self.picks))
        self.quiver = ax.quiver(zeros, zeros, zeros, zeros, angles="xy", scale_units="xy",
                                scale=1, color=theme.foreground, alpha=0.55, width=0.0035,
                                headwidth=3.5, headlength=4, zorder=DYNAMIC + 0.5)
        self.artists = [self.quiver]

    def update(self, state: State) -> None:
        layer = self.view.run.code_layer
        raw = raw_codes(self.view, state)
        matrix, _ = linear_map(raw, state.codes)
        weights = [np.asarray(w, float) for w in state.weights[layer:]]
        biases = [np.asarray(b, float) for b in state.biases[layer:]]
        pull = -code_gradients(raw[self.picks], self.x, weights, biases,
                               self.view.run.activations[layer:]) @ matrix
        longest = float(np.sqrt((pull ** 2).sum(axis=1)).max())
        x0, x1 = self.ax.get_xlim()
        if longest > 0:
            pull *= LONGEST * (x1 - x0) / longest
        self.quiver.set_offsets(state.codes[self.picks])
        self.quiver.set_UVC(pull[:, 0], pull[:, 1])
