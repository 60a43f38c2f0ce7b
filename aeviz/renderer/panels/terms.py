"""The objective's other terms (a VAE's KL divergence, the codes' L1 size), on their own axis
at the right of the loss panel: never in the RMSE's units, each labeled with what it is. Where
the plot is too short for that axis (two numbers apart and its name beside them), the terms'
current values stand as a readout on the title row instead."""

from __future__ import annotations

import numpy as np
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import ScaledTranslation

from aeviz.renderer.description import run_terms
from aeviz.renderer.labels import PathLabel
from aeviz.renderer.panels.placement import text_width
from aeviz.renderer.panels.style import DYNAMIC, FONT, height_inches, style_axes, width_inches
from aeviz.renderer.scales import short_number
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State

MARGIN_IN = 0.85  # the room the right axis needs, ticks and label


class TermsAxis:
    """The run's recorded terms over epochs, like the RMSE: faint whole, strong so far."""

    def __init__(self, ax: Axes, view: RunView, theme: Theme, future: bool = True,
                 top: float | None = None, readout: float | None = None):
        """`top`: the axis's upper limit (the description's; default: 1.4 times the
        largest term); `readout`: None for the axis drawn, numbered and named, else the
        font size of a readout of the terms' current values on the title row in its place
        (readout_size)."""
        run = view.run
        self.view = view
        self.twin = twin = ax.twinx()
        style_axes(twin, theme)
        twin.spines["right"].set_color(theme.faint)
        terms = run_terms(run, theme)
        self.colors = [term.color for term in terms]
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
        self.titles = [term.title for term in terms]
        self.readout = None
        if readout is None:
            ticks = number_axis(twin, run.terms, top)
            name_axis(twin, terms, theme, ticks[-1] if ticks else None, fontsize=FONT["label"])
        else:
            self.readout = self._readout(ax, terms, theme, readout)
        self.artists = self.lines + ([self.readout] if self.readout is not None else [])

    def _readout(self, ax: Axes, terms: list, theme: Theme, size: float) -> PathLabel:
        """The terms' current values ("mean Σ|code| 0.247") on the title row at the plot's
        right end, in their color, in place of an axis the plot is too short for: at
        640x360 the penalty's one tick "0.5" stood 6 px over its curve at 0.22 (read as its
        value), its name on the title row 50 px away."""
        twin = self.twin
        twin.set_yticks([])
        twin.spines["right"].set_visible(False)
        own = terms[0].color if len(terms) == 1 else theme.muted
        fig = ax.get_figure()
        # On the title's baseline (matplotlib sets a title its pad above the plot).
        title_row = ax.transAxes + ScaledTranslation(
            0, rcParams["axes.titlepad"] / 72, fig.dpi_scale_trans)
        readout = PathLabel(fig, 1.0, 1.0, title_row, size=size, color=own,
                            zorder=DYNAMIC, ha="right", va="baseline")
        ax.add_artist(readout)
        readout.set_clip_on(False)  # above the plot, which add_artist clips to
        return readout

    def update(self, state: State) -> None:
        known = state.snapshot + 1  # recorded values only, as the RMSE beside them
        for number, line in enumerate(self.lines):
            line.set_data(self.view.timeline[:known], self.view.run.terms[:known, number])
        if self.readout is not None:
            values = self.view.run.terms[state.snapshot]
            self.readout.set_text(readout_text(self.titles, values))


def readout_text(titles: list[str], values: np.ndarray) -> str:
    """The terms' readout: each title and its value, three significant digits."""
    return ", ".join(f"{title} {short_number(float(value), 3)}"
                     for title, value in zip(titles, values))


def readout_size(terms: np.ndarray, titles: list[str], top: float, axis_pt: float,
                 title_room_pt: float) -> float | None:
    """None where the terms axis, on a plot `axis_pt` tall, holds two numbers at least
    (fitted_ticks) and its name beside them (the titles joined, within the plot's height).
    Where it does not, the clip shows the terms' values as a readout on the title row
    instead: its font size, the label's or the small text's, the first at which the row's
    `title_room_pt` (points right of the panel's title) holds the widest readout an em
    apart from the title; None again where neither fits (the axis stays, named as
    name_axis can)."""
    largest = float(np.nanmax(terms)) if terms.size else 0.0
    if fitted_ticks(largest, top, axis_pt) and name_fits(", ".join(titles), FONT["label"],
                                                         axis_pt):
        return None
    widest = max((readout_text(titles, values) for values in terms), key=len, default="")
    return next((size for size in (FONT["label"], FONT["small"])
                 if text_width(widest, size) + size <= title_room_pt), None)


def name_fits(name: str, size: float, height_pt: float) -> bool:
    """Whether the axis's `name` at `size` stands beside a plot `height_pt` tall, an em of
    room left (NAME_PAD_EM)."""
    return text_width(name, size) + NAME_PAD_EM * size <= height_pt


def name_axis(twin: Axes, terms: list, theme: Theme, numbered_to: float | None = None,
              **label) -> None:
    """The terms' axis named and numbered in their color (the theme's gray for several): a
    gray "1" level with PCA's dashed line at the plot's right edge was read as PCA's value
    (sparse-codes at 640x360). The name stands beside the numbered part of the axis (from 0
    to `numbered_to`, number_axis's last tick), within the plot's height: the VAE's "KL to
    N(0, 1)" stood beside the RMSE's range while its ticks 0-4 filled the lower half. Where
    the plot is shorter than the name (sparse-codes at 640x360: "mean Σ|code|" ran above
    the plot), it stands level on the title's row, over the axis. `terms`:
    description.run_terms'; `label`: for its name."""
    own = terms[0].color if len(terms) == 1 else theme.muted
    name = ", ".join(term.title for term in terms)
    twin.set_ylabel(name, color=own, **label)
    twin.tick_params(axis="y", labelcolor=own)
    size = twin.yaxis.label.get_size()
    height_pt = height_inches(twin) * 72
    name_pt = text_width(name, size)
    if name_fits(name, size, height_pt):
        bottom, top = twin.get_ylim()
        middle = (numbered_to - bottom) / (top - bottom) / 2 if numbered_to else 0.5
        half = (name_pt / 2 + NAME_PAD_EM * size / 2) / height_pt
        twin.yaxis.label.set_y(min(max(middle, half), 1 - half))
        return
    beside = [other for other in twin.figure.axes if other is not twin
              and other.get_position().bounds == twin.get_position().bounds]
    title = next((other.get_title("left") for other in beside), "")
    right_title = any(other.get_title("right") for other in beside)
    title_end_pt = text_width(title, FONT["title"]) if title else 0.0
    if not right_title and title_end_pt + NAME_PAD_EM * size + name_pt / 2 \
            <= width_inches(twin) * 72:
        twin.set_ylabel("")
        twin.set_title(name, loc="right", color=own, fontsize=size, x=1.0,
                       ha="center")


def number_axis(twin: Axes, values: np.ndarray, top: float) -> list[float]:
    """The terms' axis (from 0 to `top`) drawn and numbered over their `values`' range only
    (its room above them keeps their curves under the RMSE's: numbered to the top, at
    640x360 it ran 0-3 beside a curve under 0.45, read as flat); unnumbered where
    fitted_ticks gives none (not matplotlib's own ticks, up to `top`)."""
    largest = float(np.nanmax(values)) if values.size else 0.0
    ticks = fitted_ticks(largest, top, twin.get_window_extent().height * 72 / twin.figure.dpi) \
        if np.isfinite(largest) else []
    # Labeled as the page labels them (short_number, kit.js tickText): matplotlib's own put
    # the magnitude of terms of 2e-10 in an offset text the twin axis does not show ("0 2 4").
    twin.set_yticks(ticks, [short_number(tick) for tick in ticks])
    if ticks:
        twin.spines["right"].set_bounds(0, ticks[-1])
    return ticks


def fitted_ticks(largest: float, top: float, axis_pt: float,
                 font_pt: float = FONT["tick"]) -> list[float]:
    """Ticks from 0 to the first nice number at or above `largest` on an axis from 0 to
    `top` drawn `axis_pt` tall, as many as keep their labels TICK_ROOM apart; where not even
    0 and one more do, 0 and a rounder number up to ROUND_TOP_MOST times `largest` whose
    label clears 0's; else none: never one alone (sparse-codes at 640x360: a lone "0.5"
    6 px over its curve at 0.22 was read as the curve's value). [] also where the ticks
    would pass `top`."""
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
    # Too short for that: 0 and a rounder number above the terms, as near them as clears 0
    # (higher, their curve reads flat against it).
    power = 10.0 ** np.floor(np.log10(largest))
    for step in (1, 2, 2.5, 5, 10, 20, 25, 50):
        last = float(f"{step * power:.10g}")
        if last < largest:
            continue
        if last > min(top, ROUND_TOP_MOST * largest):
            return []
        if last / top * axis_pt >= TICK_ROOM * font_pt:
            return [0.0, last]
    return []


# A terms tick's label stands this many of its font's sizes from the next (1.3, and 1.0 for
# two, let "0.5" over "0.0" touch at 640x360), and the axis's name this far from its ends.
TICK_ROOM = 1.8
NAME_PAD_EM = 1.0
ROUND_TOP_MOST = 2.5  # a two-tick axis's top at most this many times its largest term
