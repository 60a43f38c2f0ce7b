"""One scale per quantity: the code plane's limits and the weights' color scale, computed once
for clips, stills and handouts alike.

`scales = "shared"` (the default) gives every run of a comparison the same limits and the same
color scale, so identical states look identical; "own" gives each run its own (for runs that
differ by orders of magnitude); both stay fixed for the whole clip, so motion on screen is real
motion. "follow" lets the limits and the color scale grow with the values, frame by frame, so
a run that blows up stays in view, with ticks and a readout that say how far it has gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from aeviz.renderer.views import RunView, weight_magnitudes

if TYPE_CHECKING:  # the scales are numbers; matplotlib is imported only to apply them
    from matplotlib import colors as mcolors
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

BLOW_UP = 1000         # values this many times their start: a diverging run, shown on symlog
SMALLEST_SHARE = 0.08  # a run spanning less of a shared plane than this gets a note


class CodeScale(NamedTuple):
    """Where the code plane's limits come from: the codes' ranges over the frames shown."""

    x: tuple[float, float]        # lowest and highest first code
    y: tuple[float, float]
    start_spread: float           # the smallest spread of the codes at the first snapshot
    reach: float                  # the largest |code|

    @property
    def blows_up(self) -> bool:
        """The codes grow a thousandfold (a diverging run): a symmetric log scale."""
        return self.reach > BLOW_UP * self.start_spread


def code_scale(codes: list[np.ndarray]) -> CodeScale:
    """The scale holding every code of every array in `codes` ([snapshot, sample, 2] each)."""
    lows = [c.min(axis=(0, 1)) for c in codes]
    highs = [c.max(axis=(0, 1)) for c in codes]
    low, high = np.min(lows, axis=0), np.max(highs, axis=0)
    spread = min(float(np.ptp(c[0])) for c in codes) or 1e-3
    reach = max(float(np.abs(low).max()), float(np.abs(high).max()))
    return CodeScale((float(low[0]), float(high[0])), (float(low[1]), float(high[1])),
                     spread, reach)


def code_scales(codes: list[np.ndarray], mode: str) -> list[CodeScale]:
    """One scale per run: the same for all ("shared", "follow"'s fixed fallback) or each its
    own."""
    if mode == "own":
        return [code_scale([c]) for c in codes]
    shared = code_scale(codes)
    return [shared] * len(codes)


def apply_code_scale(ax: Axes, fig: Figure, scale: CodeScale, per_side: int = 3,
                     fit: float = 0.0, top: bool = False) -> None:
    """Limits fixed for the whole clip and equal scales: motion on screen is real motion.
    `fit` (inches, the axis labels' length): a box much taller or wider than the codes'
    shape needs is made smaller (centered in its place, never below `fit` on either side)
    rather than a range widened into a strip of empty plane; `top`: at the top of its place
    (the room freed goes below it), not centered."""
    if fit and not scale.blows_up:
        fit_box(ax, fig, padded(scale.x), padded(scale.y), smallest=fit, top=top)
    if scale.blows_up:
        # The codes blow up: a symmetric log scale keeps both the starting cloud and the
        # explosion in view, and its ticks say so.
        ticks = symlog_ticks(scale.start_spread, scale.reach, per_side)
        reach = scale.reach * 1.5
        for set_scale, limits, set_ticks in ((ax.set_xscale, ax.set_xlim, ax.set_xticks),
                                             (ax.set_yscale, ax.set_ylim, ax.set_yticks)):
            set_scale("symlog", linthresh=scale.start_spread)
            limits(-reach, reach)
            set_ticks(ticks)
        ax.minorticks_off()
    else:
        set_equal_limits(ax, fig, padded(scale.x), padded(scale.y))


def padded(limits: tuple[float, float]) -> tuple[float, float]:
    """Limits with a margin of 6% of their span."""
    low, high = limits
    margin = 0.06 * max(high - low, 1e-3)
    return low - margin, high + margin


def fit_box(ax: Axes, fig: Figure, x: tuple[float, float], y: tuple[float, float],
            slack: float = 1.25, smallest: float = 0.0, top: bool = False) -> None:
    """Shorten or narrow `ax`'s box, keeping its middle, to at most `slack` times the size
    the limits' shape (never thinner than square) needs: a plane in a tall or wide slot is
    drawn as a plane, not as a strip of empty plane around the codes. `top`: a shortened box
    keeps its top rather than its middle."""
    box = ax.get_position()
    width_in, height_in = fig.get_size_inches()
    shape = (y[1] - y[0]) / (x[1] - x[0])
    high = max(box.width * width_in * max(shape, 1.0) * slack, smallest) / height_in
    wide = max(box.height * height_in / min(shape, 1.0) * slack, smallest) / width_in
    if high < box.height:
        bounds = [box.x0, box.y0 + (box.height - high) / (1 if top else 2), box.width, high]
    elif wide < box.width:
        bounds = [box.x0 + (box.width - wide) / 2, box.y0, wide, box.height]
    else:
        return
    # On whole pixels, as placed boxes are: runs side by side are drawn pixel for pixel alike.
    w_px, h_px = width_in * fig.dpi, height_in * fig.dpi
    x0, y0 = round(bounds[0] * w_px), round(bounds[1] * h_px)
    x1, y1 = round((bounds[0] + bounds[2]) * w_px), round((bounds[1] + bounds[3]) * h_px)
    ax.set_position([x0 / w_px, y0 / h_px, (x1 - x0) / w_px, (y1 - y0) / h_px])


def set_equal_limits(ax: Axes, fig: Figure, x: tuple[float, float],
                     y: tuple[float, float]) -> None:
    """Set the limits, widening the shorter range so one unit is as long on both axes."""
    box = ax.get_position()
    width_in, height_in = fig.get_size_inches()
    # Rounded: equal boxes at other places (x0 + width loses a last bit) get equal limits.
    box_ratio = round((box.height * height_in) / (box.width * width_in), 9)
    (x0, x1), (y0, y1) = x, y
    if (y1 - y0) / (x1 - x0) < box_ratio:
        grow = ((x1 - x0) * box_ratio - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:
        grow = ((y1 - y0) / box_ratio - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def growing_extents(codes: np.ndarray) -> np.ndarray:
    """For "follow": per snapshot, the codes' bounds so far ([snapshot, 4]: x0, x1, y0, y1),
    never shrinking, so the plane only ever zooms out as the codes run away."""
    low = np.minimum.accumulate(codes.min(axis=1), axis=0)
    high = np.maximum.accumulate(codes.max(axis=1), axis=0)
    return np.column_stack([low[:, 0], high[:, 0], low[:, 1], high[:, 1]])


def follow_ticks(ax: Axes, size: float, count: int = 4) -> None:
    """Few ticks with short labels ("2e9", "-38", "1.2e14"), for limits that change: about
    `count`, each label (`size` points) within the plane's side, an em from the next
    (inside_ticks); where that leaves fewer than two, fewer steps or finer ones; where none
    leave two (a handout's plane 55 pt wide holds one "−600"), matplotlib's `count`."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    class InsideLocator(MaxNLocator):
        def __call__(self):
            low, high = self.axis.get_view_interval()
            for bins in [*range(count, 1, -1), *range(count + 1, count + FINER_TRIES)]:
                self.set_params(nbins=bins)
                ticks = inside_ticks(self.axis, self.tick_values(low, high), size)
                if len(ticks) >= 2:
                    break
            self.set_params(nbins=count)
            return ticks if len(ticks) >= 2 else self.tick_values(low, high)

    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(InsideLocator(count, symmetric=False))
        axis.set_major_formatter(FuncFormatter(lambda value, _: tick_name(value)))


def inside_ticks(axis, ticks, size: float) -> list[float]:
    """Of `ticks`, those within the axis's limits whose labels (`size` points, centred on
    them) stand within the plane's side: limits that follow the codes end anywhere, and a
    label on a tick near an end ran past the plane's edge (too-high-learning-rate at
    640x360, its last frame: "1.2e14" centred on the code plane's right edge, half of it
    beyond); every other one dropped (0 kept) until they stand an em apart."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    ax = axis.axes
    across = axis is ax.xaxis  # labels side by side (x), else stacked (y)
    low, high = sorted(axis.get_view_interval())
    box = ax.get_window_extent()
    start, end = (box.x0, box.x1) if across else (box.y0, box.y1)
    px_per_pt = ax.figure.dpi / 72
    formatter = axis.get_major_formatter()
    line_box = None if across else y_label_extent(ax.figure, size)
    kept = []  # (tick, its label's span in pixels along the axis)
    for tick in sorted(ticks):
        if not low <= tick <= high:
            continue
        at = ax.transData.transform((tick, 0) if across else (0, tick))[0 if across else 1]
        if across:  # its width, and a gap from the edge ("3" 0.7 px from it read as touching)
            half = (TextToPath().get_text_width_height_descent(
                formatter(tick), FontProperties(size=size), ismath=False)[0] / 2
                + EDGE_GAP_PT) * px_per_pt
            below, above = half, half
        else:  # its line's box as drawn, which is not centred on the tick
            below, above = line_box
        if start <= at - below and at + above <= end:
            kept.append((float(tick), (at - below, at + above)))
    kept.sort(key=lambda entry: entry[1])
    while any(later[1][0] - earlier[1][1] < size * px_per_pt
              for earlier, later in zip(kept, kept[1:])):
        zero = next((n for n, (tick, _) in enumerate(kept) if tick == 0), 0)
        kept = kept[zero % 2::2]
    return sorted(tick for tick, _ in kept)


def y_label_extent(fig: Figure, size: float) -> tuple[float, float]:
    """How far a y tick label's box (`size` points) reaches below and above its tick, in
    pixels, as matplotlib lays it out (centred on its baseline's middle, so not evenly; the
    box's height differs between matplotlib versions: 3.10 rounds it up to whole pixels)."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.text import Text

    label = Text(0, 0, "0", fontsize=size, va="center_baseline", ha="right")
    label.set_figure(fig)
    # Laid out by an Agg renderer of the figure's dpi: while a .pdf or .svg is saved the
    # figure's canvas is that format's, which lends none.
    box = label.get_window_extent(RendererAgg(1, 1, fig.dpi))
    return -box.y0, box.y1


FINER_TRIES = 4  # follow_ticks' tries at finer steps for two labels inside
EDGE_GAP_PT = 1.0  # the least room between an x tick label and the plane's side's end


TICK_DIGITS = 8  # a tick's value in full: round ticks need one or two digits, none this many


def tick_name(value: float) -> str:
    """A tick's label: its value exactly (1.2e14, never "1e14"), in as few digits as that
    takes; the page's ticks (kit.js tickName) are named the same way."""
    return short_number(value, TICK_DIGITS)


def short_number(value: float, digits: int = 4) -> str:
    """A readout's number: the fewest significant digits, at most `digits`, that give `value`
    back ("35.71", "1.2e14", "-0.3"), exponent form beyond 1e-3 to 1e4, a real minus sign;
    the page's twin is kit.js tickText."""
    if value == 0:
        return "0"
    for shown in range(1, digits + 1):
        # Ties away from zero, as JavaScript's toPrecision rounds (the page's twin).
        rounded = float(Context(prec=shown, rounding=ROUND_HALF_UP).create_decimal(value))
        if abs(rounded - value) <= 1e-9 * abs(value):
            break
    if 1e-3 <= abs(rounded) < 1e4:
        text = repr(rounded).removesuffix(".0")
    else:
        mantissa, exponent = f"{rounded:.{shown - 1}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "\u2212")


@dataclass(frozen=True)
class ColorScale:
    """The weights' colors: symmetric about zero, from -limit to limit; "symlog" (a diverging
    run's weights) linear within `linthresh` and logarithmic beyond."""

    kind: str                 # "linear" or "symlog"
    limit: float
    linthresh: float | None

    def norm(self) -> mcolors.Normalize:
        """The scale as a matplotlib norm."""
        from matplotlib import colors as mcolors

        if self.kind == "symlog":
            return mcolors.SymLogNorm(linthresh=self.linthresh, vmin=-self.limit,
                                      vmax=self.limit)
        return mcolors.Normalize(-self.limit, self.limit)


def color_limits(views: list[RunView]) -> ColorScale:
    """Symmetric about zero up to the 99.5th percentile of |weight or bias| over all the runs
    given: one color means one value in every graph drawn with it."""
    limit, first, _ = weight_magnitudes(views, 99.5)
    limit, first = limit or 1.0, first or 1.0
    if limit > BLOW_UP * first:  # weights blow up (a diverging run): symmetric log scale
        return ColorScale("symlog", float(limit), float(first))
    return ColorScale("linear", float(limit), None)


def color_scale(views: list[RunView]) -> mcolors.Normalize:
    """`color_limits` as a matplotlib norm."""
    return color_limits(views).norm()


def color_scales(views: list[RunView], mode: str) -> list[mcolors.Normalize]:
    """One color scale per run: shared by all, or each its own."""
    if mode == "own":
        return [color_scale([view]) for view in views]
    shared = color_scale(views)
    return [shared] * len(views)


LOG_LOSS_SPAN = 10.0  # losses spanning more than this (highest over lowest): a log axis
RISING_ROOM = 10 ** 0.15  # above a run ending on its highest loss: 0.15 of a decade


def wants_log_loss(losses: np.ndarray, log: bool | None) -> bool:
    """Whether the loss axis is logarithmic: as asked (`log`), else where the losses drawn
    span more than LOG_LOSS_SPAN: a linear axis from 0 to a high start would press the
    lowest curves' differences (tanh's 0.037 against PCA's 0.085 under sigmoid's 0.59 start)
    into a few pixels at the bottom."""
    if log is not None:
        return bool(log)
    positive = losses[np.isfinite(losses) & (losses > 0)]
    # In logarithms: the ratio of a blow-up's 1e300 to a tiny loss would overflow.
    return bool(positive.size) and float(np.log10(positive.max()) - np.log10(
        positive.min())) > np.log10(LOG_LOSS_SPAN)


def loss_range(span: tuple[float, float], losses: np.ndarray, log: bool,
               rising: bool = True) -> tuple[tuple[float, float], tuple[float, float]]:
    """The loss panel's limits: the clip's epochs across, every loss (and PCA floor) up and
    down; on a log axis, where a run ends on its highest value (`rising`: a diverging run's
    last value, whose marker must not be cut by the top), a small fraction of a decade free
    above it, else a little (the value labels' corner is cleared by the panel). Never a
    share of the decades spanned: a blow-up's 1e28 would get an axis to 1e43."""
    left, right = span
    x = (float(left), float(right if right > left else left + 1))
    if log:
        positive = losses[losses > 0]
        low = positive.min() if positive.size else 1e-3
        room = RISING_ROOM if rising else 1.15
        return x, (float(low / 1.4), float(losses.max() * room))
    return x, (0.0, float(losses.max() * 1.08 or 1))


def shrunk_runs(names: list[str], codes: list[np.ndarray], scale: CodeScale,
                pixels: float) -> list[str]:
    """Notes for runs that a shared plane `pixels` wide would shrink to a few pixels."""
    if scale.blows_up:
        return []
    span = max(scale.x[1] - scale.x[0], scale.y[1] - scale.y[0], 1e-12)
    notes = []
    for name, run_codes in zip(names, codes):
        own = code_scale([run_codes])
        share = max(own.x[1] - own.x[0], own.y[1] - own.y[0]) / span
        if share < SMALLEST_SHARE:
            notes.append(f"{name}'s codes span only about {max(share * pixels, 1):.0f} px on "
                         "the scale the runs share; --scales own gives each run its own")
    return notes


def symlog_ticks(linthresh: float, reach: float, per_side: int = 3) -> np.ndarray:
    """A few decades on each side of zero, for a symmetric log axis that must stay readable."""
    decades = np.arange(np.ceil(np.log10(linthresh)), np.floor(np.log10(reach)) + 1)
    decades = decades[::-1][::max(1, int(np.ceil(len(decades) / per_side)))][::-1]
    return np.concatenate([-(10.0 ** decades[::-1]), [0.0], 10.0 ** decades])
