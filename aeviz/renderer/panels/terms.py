"""The objective's other terms (a VAE's KL divergence, the codes' L1 size), on their own axis
at the right of the loss panel: never in the RMSE's units, each labeled with what it is."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

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
        name_axis(twin, terms, theme, fontsize=FONT["label"])
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
        number_axis(twin, run.terms, top)
        self.artists = self.lines

    def update(self, state: State) -> None:
        known = state.snapshot + 1  # recorded values only, as the RMSE beside them
        for number, line in enumerate(self.lines):
            line.set_data(self.view.timeline[:known], self.view.run.terms[:known, number])


def name_axis(twin: Axes, terms: list, theme: Theme, **label) -> None:
    """The terms' axis named and numbered in their color (the theme's gray for several): a
    gray "1" level with PCA's dashed line at the plot's right edge was read as PCA's value
    (sparse-codes at 640x360). `terms`: description.run_terms'; `label`: for its name."""
    own = terms[0].color if len(terms) == 1 else theme.muted
    twin.set_ylabel(", ".join(term.title for term in terms), color=own, **label)
    twin.tick_params(axis="y", labelcolor=own)


def number_axis(twin: Axes, values: np.ndarray, top: float) -> None:
    """The terms' axis (from 0 to `top`) drawn and numbered over their `values`' range only
    (its room above them keeps their curves under the RMSE's: numbered to the top, at
    640x360 it ran 0-3 beside a curve under 0.45, read as flat)."""
    largest = float(np.nanmax(values)) if values.size else 0.0
    if not np.isfinite(largest):
        return
    ticks = fitted_ticks(largest, top, twin.get_window_extent().height * 72 / twin.figure.dpi)
    if ticks:
        twin.set_yticks(ticks)
        twin.spines["right"].set_bounds(0, ticks[-1])


def fitted_ticks(largest: float, top: float, axis_pt: float,
                 font_pt: float = FONT["tick"]) -> list[float]:
    """Ticks from 0 to the first nice number at or above `largest` on an axis from 0 to
    `top` drawn `axis_pt` tall, as many as keep their labels apart; [] where not even 0 and
    one more do (or the last would pass `top`)."""
    if largest <= 0 or top <= 0 or axis_pt <= 0:
        return []
    for bins in (4, 3, 2, 1):
        values = MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]).tick_values(0, largest)
        ticks = [float(f"{t:.10g}") for t in values if t >= 0]
        ticks = ticks[:next((i + 1 for i, t in enumerate(ticks) if t >= largest), len(ticks))]
        if len(ticks) < 2 or ticks[-1] > top:
            continue
        if (ticks[1] - ticks[0]) / top * axis_pt >= TICK_ROOM * font_pt:
            return ticks
    # Too short for that: 0 and the first nice number above the terms that clears it (two
    # labels need less room than a row: their digits, about 0.7 of the font, stand apart).
    power = 10.0 ** np.floor(np.log10(largest))
    for step in (1, 2, 2.5, 5, 10, 20, 25, 50):
        last = float(f"{step * power:.10g}")
        if last >= largest and last / top * axis_pt >= TWO_TICKS_ROOM * font_pt:
            return [0.0, last] if last <= top else []
    return []


TICK_ROOM = 1.3  # a terms tick's label clears the next by this many of its font's sizes
TWO_TICKS_ROOM = 1.0  # ... where only 0 and one more are numbered
