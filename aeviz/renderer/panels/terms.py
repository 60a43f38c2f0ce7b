"""The objective's other terms (a VAE's KL divergence, the codes' L1 size), on their own axis
at the right of the loss panel: never in the RMSE's units, each labeled with what it is."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from aeviz.renderer.description import run_terms
from aeviz.renderer.panels.style import DYNAMIC, FONT, style_axes
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State

MARGIN_IN = 0.85  # the room the right axis needs, ticks and label


class TermsAxis:
    """The run's recorded terms over epochs, like the RMSE: faint whole, strong so far."""

    def __init__(self, ax: Axes, view: RunView, theme: Theme, future: bool = True,
                 top: float | None = None):
        """`top`: the axis's upper limit (the description's; default: 1.4 times the
        largest term)."""
        run = view.run
        self.view = view
        self.twin = twin = ax.twinx()
        style_axes(twin, theme)
        twin.spines["right"].set_color(theme.faint)
        terms = run_terms(run, theme)
        self.colors = [term.color for term in terms]
        names = [term.title for term in terms]
        twin.set_ylabel(", ".join(names), color=self.colors[0] if len(names) == 1
                        else theme.muted, fontsize=FONT["label"])
        self.lines = []
        for number, term in enumerate(terms):  # in the description's style (dash-dot)
            if future:
                twin.plot(view.timeline, run.terms[:, number], color=term.color, alpha=0.25,
                          lw=1.2, ls=term.style)
            (line,) = twin.plot([], [], color=term.color, lw=1.8, ls=term.style,
                                zorder=DYNAMIC)
            self.lines.append(line)
        if top is None:
            top = (float(np.nanmax(run.terms)) if run.terms.size else 1.0) * 1.4 or 1
        twin.set_ylim(0, top)  # below the RMSE's value label, top right
        twin.set_xlim(ax.get_xlim())
        self.artists = self.lines

    def update(self, state: State) -> None:
        known = state.snapshot + 1  # recorded values only, as the RMSE beside them
        for number, line in enumerate(self.lines):
            line.set_data(self.view.timeline[:known], self.view.run.terms[:known, number])
