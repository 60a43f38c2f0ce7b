"""Colors for the light (screens, handouts) and dark (projectors) themes, and the theme as
matplotlib rcParams, so clips, stills and handouts draw with one vocabulary."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

# One class palette for both themes, so that a class has one color everywhere (digit 3 is
# pink in every clip, light or dark): Okabe-Ito's hues (distinguishable with the common
# color-vision deficiencies, mid-light, so they read on white and on near-black) and three of
# the same lightness to make ten. Labels 10 to 19 reuse them as rings.
CLASS_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999",
                "#C8B400", "#8877DD", "#B0703A")

# Runs of a comparison: lines, not points, in a family no one takes for a class, four colors (a
# comparison of the examples has at most four runs): on white, saturated mid-dark tones (lightness
# 31 to 53, never a near-black that reads as the text): wine, purple, red and dark olive; on
# near-black, bright pale ones (60 to 88): pink-red, lilac, salmon and khaki, the same hue
# families in the same places. Each is at least 30 CIELAB units from every class color (as drawn:
# solid and faded into the background), from each other and from the theme's text color (a run's
# name is text: a near-black run named in near-black read as a heading); at least 20 degrees of
# hue from every colored class (the blue run that read as the class blue) unless 40 CIELAB units
# from every class (the olive and the khaki: far darker, or paler, than the class yellow); and 50
# degrees of hue from the class green, whatever the distance: on a washed-out projector the teal
# and leaf-green runs of the old family (41 and 28 degrees from it) read as the class green. No
# green, teal or aqua is left: the classes' nine hues leave only reds, purples and a yellow-green
# far in lightness. Two runs are 40 degrees of hue apart, or 25 and 20 of lightness (the wine and
# the red, which only a comparison of four gets both of: by the runs' names, no comparison of two
# or three in the examples does). A near-black forest green and brown 55 degrees apart read alike:
# hue is not enough without lightness and saturation. A test measures it (tests/test_lessons.py);
# tests/color_search.py proposes families by these rules: the dark one is its pick, the light one
# is hand-matched to its hues (its own pick put a pure blue beside the class blue). A run's color
# is fixed by its name (see run_colors) and its position in the palette; a run is also named in
# its color beside its curve and above its panels, and its curve has its own line style. The
# third is the training objective's (a denoising run's error on noisy inputs).
RUN_COLORS = ("#940044", "#9C00BC", "#FF0020", "#5C7000")
DARK_RUN_COLORS = ("#FF4C88", "#D458FF", "#F8B8AC", "#D8E498")
# A run's curve, by its place among the runs: never dashed, as PCA's line and a denoising
# run's objective (the error on noisy inputs) are; a comparison of two draws solid and
# dash-dot, a fourth run dash-dot-dot ("-..", not a matplotlib name: see line_style; the
# page's panel-loss.js has its dashes too).
RUN_STYLES = ("-", "-.", ":", "-..")
DASH_DOT_DOT = (0.0, (6.4, 1.6, 1.0, 1.6, 1.0, 1.6))  # matplotlib's dash-dot, one dot more


def line_style(style: str) -> str | tuple:
    """A run's style as matplotlib takes it."""
    return DASH_DOT_DOT if style == "-.." else style


@dataclass(frozen=True)
class Theme:
    background: str
    foreground: str
    muted: str            # secondary text, axes
    faint: str            # the known-future part of curves, grid
    panel: str            # a tint behind highlighted parts (the code layer)
    accent: str           # single-run loss curve, unlabeled points
    weight_cmap: str      # diverging: negative / zero / positive
    clusters: tuple[str, ...] = CLASS_COLORS
    runs: tuple[str, ...] = RUN_COLORS

    def rc(self, font: dict[str, float]) -> dict[str, Any]:
        """The theme as matplotlib rcParams (for `matplotlib.rc_context`): the look of every
        axes, tick, grid and label a clip, still or handout draws, at the sizes of `font`
        (points: "title", "label", "tick")."""
        return {
            "figure.facecolor": self.background, "axes.facecolor": self.background,
            "savefig.facecolor": self.background,
            "axes.edgecolor": self.faint, "axes.labelcolor": self.muted,
            "axes.titlecolor": self.foreground, "axes.titlelocation": "left",
            "axes.titlesize": font["title"], "axes.labelsize": font["label"],
            "axes.axisbelow": True,
            "xtick.color": self.muted, "ytick.color": self.muted,
            "xtick.labelsize": font["tick"], "ytick.labelsize": font["tick"],
            "grid.color": self.faint, "grid.alpha": 0.6,
            "text.color": self.foreground, "legend.labelcolor": self.foreground,
            "legend.frameon": False,
        }


def run_colors(theme: Theme, names: list[str]) -> list[str]:
    """Each run's color, fixed by its name: a name's own color (a checksum of it picks one),
    unless a run earlier in the sorted order of the names took it, then the next free one. So
    the same runs get the same colors in any order, and a run keeps its color in other sets of
    runs where no name before it wants the same (SGD is SGD's color beside Adam alone and
    among four optimizers), in every clip, still, handout and theme."""
    palette = len(theme.runs)
    chosen: dict[str, int] = {}
    for name in sorted(set(names)):
        own = zlib.crc32(name.encode("utf-8")) % palette
        free = [(own + step) % palette for step in range(palette)
                if (own + step) % palette not in chosen.values()]
        chosen[name] = free[0] if free else own  # more runs than colors: they repeat
    return [theme.runs[chosen[name]] for name in names]


THEMES = {
    "light": Theme(background="#ffffff", foreground="#1f2328", muted="#57606a",
                   faint="#d0d7de", panel="#f3f4f6", accent="#0969da", weight_cmap="RdBu_r"),
    "dark": Theme(background="#0d1117", foreground="#e6edf3", muted="#9da7b3",
                  faint="#3d444d", panel="#161b22", accent="#58a6ff", weight_cmap="coolwarm",
                  runs=DARK_RUN_COLORS),
}
