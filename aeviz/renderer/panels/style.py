"""What every panel shares: sizes, layering, margins and the look of axes, grids and clusters."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.cbook import is_math_text
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from aeviz.renderer.layout import Rect  # noqa: F401 - the panels' name for it
from aeviz.renderer.scales import BLOW_UP, symlog_ticks  # noqa: F401 - the panels' names
from aeviz.renderer.theme import Theme

DYNAMIC = 10          # zorder of everything that changes between frames
FONT = {"title": 12.5, "label": 11.5, "tick": 10.5, "small": 10}
_LAYOUT = TextToPath()


def layout_width(text: str, size: float) -> float:
    """`text`'s width in points at `size` as a legend lays it out: its glyphs' advances (a
    row of ten digits' names measured by their ink, placement.text_width, ran 7 % short)."""
    return _layout(text, size)[0]


def layout_height(text: str, size: float) -> float:
    """`text`'s height in points at `size` as a legend lays it out (its descent included):
    a line's, or more for math (a fraction of fractions is about two and a half)."""
    return _layout(text, size)[1]


def _layout(text: str, size: float) -> tuple[float, float]:
    """(width, height) of one line of `text`, its math laid out as math where matplotlib
    reads it so (an even number of unescaped dollars)."""
    width, height, _ = _LAYOUT.get_text_width_height_descent(
        text, FontProperties(size=size), ismath=is_math_text(text))
    return width, height



def inset(fig: Figure, slot: Rect, left: float, bottom: float, right: float,
          top: float) -> Rect:
    """The part of `slot` left after margins given in inches (room for labels)."""
    width_in, height_in = fig.get_size_inches()
    x, y, w, h = slot
    return (x + left / width_in, y + bottom / height_in,
            max(w - (left + right) / width_in, 0.01), max(h - (bottom + top) / height_in, 0.01))


def style_axes(ax: Axes, theme: Theme) -> None:
    """Background, spines, ticks and axis labels in the theme's colors and sizes."""
    ax.set_facecolor(theme.background)
    for spine in ax.spines.values():
        spine.set_color(theme.faint)
    ax.tick_params(colors=theme.muted, labelsize=FONT["tick"])
    ax.xaxis.label.set_color(theme.muted)
    ax.yaxis.label.set_color(theme.muted)
    ax.xaxis.label.set_size(FONT["label"])
    ax.yaxis.label.set_size(FONT["label"])


def set_title(ax: Axes, title: str, theme: Theme, color: str | None = None) -> None:
    """The panel's title, left-aligned above it (`color`: a run's, default the text's)."""
    ax.set_title(title, loc="left", color=color or theme.foreground, fontsize=FONT["title"])


def panel_axes(fig: Figure, slot: Rect, margins: tuple[float, float, float, float],
               theme: Theme, title: str, projection: str | None = None,
               title_color: str | None = None) -> Axes:
    """New styled, titled axes in `slot`, inside margins (left, bottom, right, top) in inches."""
    ax = fig.add_axes(inset(fig, slot, *margins), projection=projection)
    style_axes(ax, theme)
    set_title(ax, title, theme, title_color)
    return ax


def style_grid(ax: Axes, theme: Theme, below: bool = True) -> None:
    """A faint grid; `below`: under the data lines (otherwise matplotlib's default layering)."""
    ax.grid(True, color=theme.faint, linewidth=0.6, alpha=0.6)
    if below:
        ax.set_axisbelow(True)


def height_inches(ax: Axes) -> float:
    """The axes' height in inches (times 72: in points), for sizing marks and text to it."""
    return ax.get_position().height * ax.get_figure().get_size_inches()[1]


def width_inches(ax: Axes) -> float:
    """The axes' width in inches."""
    return ax.get_position().width * ax.get_figure().get_size_inches()[0]


def cluster_color(theme: Theme, label: int) -> str:
    """The color of a class: the accent for unlabeled samples (label < 0), else the palette
    color of the label value, so a class keeps its color in every clip, still and handout."""
    if label < 0:
        return theme.accent
    return theme.clusters[label % len(theme.clusters)]


def class_name(names: tuple[str, ...] | list[str], label: int, short: bool = False) -> str:
    """A class's name (the one lookup for legends, handouts and image captions): its name
    from the data, else "class 3" (`short`: "3", where a caption has an image's width)."""
    if 0 <= label < len(names):
        return names[label]
    return str(label) if short else f"class {label}"


def cluster_hollow(theme: Theme, label: int) -> bool:
    """Whether the cluster's points are drawn as rings: the second round of the palette
    (labels 10 to 19 with ten colors), so twenty classes stay distinguishable."""
    return label >= 0 and (label // len(theme.clusters)) % 2 == 1


def padded_limits(values: np.ndarray) -> tuple[float, float]:
    """Limits holding every value of the whole trajectory, with a margin."""
    low, high = float(values.min()), float(values.max())
    margin = 0.06 * max(high - low, 1e-3)
    return low - margin, high + margin


def frame_pixels(fig) -> str:
    """The frame's size as a note names it: "640x360"."""
    return "x".join(f"{side * fig.dpi:.0f}" for side in fig.get_size_inches())
