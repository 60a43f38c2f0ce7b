"""The loss panel: RMSE over epochs for one run or several."""

from __future__ import annotations

import re

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from aeviz.renderer.description import (  # noqa: F401 - reference_levels: its old name here
    LOSS_MARGINS_IN,
    PANEL_TITLES,
    LossLimits,
    loss_limits_for,
    reference_levels,
    run_terms,
)
from aeviz.renderer.labels import PathLabel
from aeviz.renderer.objective import OBJECTIVE_LABEL, objective_rmse
from aeviz.renderer.panels.placement import (
    curve_points,
    fit_text,
    free_box,
    free_spot,
    is_clear,
    text_width,
)
from aeviz.renderer.panels.style import (
    DYNAMIC,
    FONT,
    Rect,
    height_inches,
    inset,
    panel_axes,
    style_grid,
    width_inches,
)
from aeviz.renderer.panels.terms import MARGIN_IN as TERMS_MARGIN_IN
from aeviz.renderer.panels.terms import TermsAxis, readout_size
from aeviz.renderer.scales import RISING_ROOM, loss_range, tick_name
from aeviz.renderer.theme import Theme, line_style
from aeviz.renderer.views import RunView, State
from aeviz.settings import RenderOptions

CLEARANCE_PT = 3.0  # the least room between a reference label and a curve or line
CURVE_PT = 2.2  # a run's loss curve's width
MARKER_PT = 7  # the moving marker's size (diameter, points)
# A curve carries its moving marker (MARKER_PT wide, a 1 pt edge) at some frame wherever it
# goes: a reference label keeps this much more room from a curve than from a straight line.
MARKER_RADIUS_PT = (MARKER_PT + 1) / 2
NESTED_SHARE = 0.6  # a third dot over two others' place: this share of them, nested inside
# Two runs' end dots at nearly one place (their centres closer than a dot's radius): each
# drawn as a half, the earlier run's left, the later's right, parted by the page's color,
# of a dot SPLIT_PT wide (at MARKER_PT a half was 2 pixels wide at 640x360).
HALVES = ("left", "right")
SPLIT_PT = 1.4 * MARKER_PT


def end_dot_looks(centres_px: np.ndarray, pixels_per_pt: float,
                  dot_pt: float = MARKER_PT) -> list[tuple[float, str]]:
    """The diameter (points) and fill ("full", "left" or "right") of the runs' dots at
    `centres_px` [runs, 2], drawn in order, a full dot `dot_pt` wide (the clip's MARKER_PT;
    a handout's moment dot): where a later dot would sit mostly over an earlier one of its
    size, the two halves of one dot, SPLIT_PT / MARKER_PT as wide (activations at epoch 300:
    sigmoid's dot nested in identity's read as one ring); a third there, NESTED_SHARE as
    wide, inside them; a fourth and the third the halves of that inner dot (the optimizers'
    four runs share their start: a fourth nested dot hid the third)."""
    looks: list[tuple[float, str]] = []
    wholes: list[float] = []  # each dot's diameter before halving
    for number, centre in enumerate(centres_px):
        whole, fill = float(dot_pt), "full"
        for earlier in range(number):
            apart = np.hypot(*(centre - centres_px[earlier])) / pixels_per_pt
            if apart >= looks[earlier][0] / 2:
                continue
            if fill == "full" and looks[earlier] == (whole, "full"):  # two alike: halves
                looks[earlier] = (whole * SPLIT_PT / MARKER_PT, HALVES[0])
                fill = HALVES[1]
            else:  # inside the dot there
                whole, fill = min(whole, NESTED_SHARE * wholes[earlier]), "full"
        wholes.append(whole)
        looks.append((whole if fill == "full" else whole * SPLIT_PT / MARKER_PT, fill))
    return looks


KEY_SAMPLE_PT = 24  # a reference label away from its line starts with this much of the line
AXIS_KEY_SAMPLE_PT = 16  # ... and in the x axis label's row, where room is short
FRAME_GAP_PT = 6.0  # the least room between a panel's title and the frame's edge
VALUES_MOST = 0.96  # of the plot's width, the value labels at the label's size at most
AXIS_KEY_GAP_EM = 2.5  # between that key and the axis's label: apart, not one phrase


FINISHED_WORDS = (" (finished)", " (done)")  # a run that ended before the others


def format_loss(loss: float) -> str:
    """A readout's RMSE: four decimals, four significant digits for a blow-up."""
    return f"{loss:.4f}" if loss < 10 else f"{loss:.4g}"


class LossPanel:
    """RMSE over epochs: the whole curve faint, the part so far strong, the current value."""

    def __init__(self, fig: Figure, slot: Rect, views: list[RunView], theme: Theme,
                 options: RenderOptions, span: tuple[float, float],
                 colors: list[str] | None = None, limits: LossLimits | None = None,
                 styles: list[str] | None = None):
        """`colors`: each run's (fixed by its name, see theme.run_colors); `limits`: the
        description's (default: as describe gives them); `styles`: each run's line style
        (the description's, default solid)."""
        limits = limits or loss_limits_for(views, options, span)
        terms = limits.terms_axis  # the objective's other terms, on a right axis
        left, bottom, right, top = LOSS_MARGINS_IN
        readout = self._terms_readout(fig, slot, views[0], theme, limits) if terms else None
        numbered = terms and readout is None
        ax = panel_axes(fig, slot, (left, bottom, TERMS_MARGIN_IN if numbered else right, top),
                        theme, PANEL_TITLES["loss"])
        title_right(ax, theme)
        within = any((v.timeline % 1).any() for v in views)  # batch 9/13 of epoch 1 is at 0.69
        ax.set_xlabel("epochs completed" if within else "epoch")
        if not within:  # a short run would otherwise get ticks at epoch 0.5, 1.5, ...
            ax.xaxis.set_major_locator(MaxNLocator("auto", steps=[1, 2, 2.5, 5, 10],
                                                   integer=True))
        ax.set_ylabel("RMSE")
        style_grid(ax, theme)
        self.views, self.single, self.ax = views, len(views) == 1, ax
        named = [self._readout_name(view) for view in views]
        if any(name == _without_detail(view.label or "") != (view.label or "")
               for (name, _), view in zip(named, views)):
            named = [self._readout_name(view, bare=True) for view in views]
        self.names, self.finished_words = zip(*named)
        self.background = theme.background  # parts end dots at one place (end_dot_looks)
        # A blow-up ends at the top right, on the axis's top (scales.loss_range): the value
        # labels go to the top left, which its curve leaves free.
        self.left = limits.values_left
        self.lines, self.markers, self.values = [], [], []
        # A denoising run: what it is trained on (the error from corrupted inputs) beside
        # the clean RMSE, which alone would make denoising look worse than it is.
        self.objective = objective_rmse(views[0].run) if limits.objective else None
        self.value_size = self._value_size()
        line_height = 1.45 * self.value_size / (height_inches(ax) * 72)
        for number, view in enumerate(views):
            color = theme.accent if self.single else (colors or theme.runs)[number]
            style = styles[number] if styles else "-"
            self._curve(ax, view, color, 0.95 - line_height * number, options.future, style)
        if self.objective is not None:
            self._objective_curve(ax, views[0], theme, 0.95 - line_height, options.future)
        set_loss_limits(ax, limits.x, limits.y, limits.log)
        curves = [(v.timeline, v.run.loss) for v in views] + (
            [(views[0].timeline, self.objective)] if self.objective is not None else [])
        clear_above(ax, curves, self._values_box(line_height))
        # The terms' axis first: its curves are curves a reference label must not cross.
        self.terms = (TermsAxis(ax, views[0], theme, options.future, limits.terms_top,
                                readout) if terms else None)
        # Reference lines and their labels, placed where no curve and no value label is.
        taken = [self._values_box(line_height)]
        points = curve_points(ax, curves)
        if terms:
            run = views[0].run
            points = np.concatenate([points, curve_points(self.terms.twin, [
                (views[0].timeline, run.terms[:, number])
                for number in range(len(run.term_names))])])
        self.limits, self.theme, self.curves = limits, theme, curves
        self.values_box, self.line_height = taken[0], line_height
        # "follow" scales: the RMSE axis too grows with the values recorded so far (frames
        # are redrawn whole), so a blow-up is not given away by the axis of its first frame.
        self.follow = options.scales == "follow" and self.single and limits.log
        self.placed: list = []  # the reference labels' artists, placed again as the axis grows
        self._references(points, taken)
        # (the reference lines among the changing artists: a clip's blitting draws them over
        # the curves, as a full drawing does by their zorder)
        self.artists = self.lines + self.markers + self.values + [
            artist for artist in self.placed if artist.get_zorder() == REFERENCE_ZORDER] + (
            self.terms.artists if terms else []) + (
            [self.objective_line, self.objective_value] if self.objective is not None else [])

    @staticmethod
    def _terms_readout(fig: Figure, slot: Rect, view: RunView, theme: Theme,
                       limits: LossLimits) -> float | None:
        """None where the run's terms get their numbered axis on the plot this panel's slot
        gives, else their readout's size (terms.readout_size): the readout stands on the
        title row, the axis's margin given to the plot."""
        left, bottom, right, top = LOSS_MARGINS_IN
        _, _, width, height = inset(fig, slot, left, bottom, right, top)
        width_in, height_in = fig.get_size_inches()
        titles = [term.title for term in run_terms(view.run, theme)]
        title_room_pt = width * width_in * 72 - text_width(PANEL_TITLES["loss"], FONT["title"])
        return readout_size(view.run.terms, titles, limits.terms_top, height * height_in * 72,
                            title_room_pt)

    def _references(self, points: np.ndarray, taken: list[Rect]) -> None:
        """The reference lines and their labels, clear of the curves and of each other."""
        ax, before = self.ax, set(self.ax.texts) | set(self.ax.lines)
        # The reference lines too are lines a label must not sit on (its own included: a
        # label placed as a key, away from its line, could land on it).
        lines = np.concatenate([np.zeros((0, 2))] + [reference_points(ax, ref.level)
                                                      for ref in self.limits.references])
        # Where the next key in the x label's row may start (points from the axes' left):
        # under the y axis's tick labels already (that row is free there).
        key_start = -(LOSS_MARGINS_IN[0] - 0.25) * 72
        for ref in self.limits.references:
            box = reference_line(ax, ref.level, fitting_texts(ax, list(ref.texts)),
                                 ref.style, self.theme, points, taken, lines=lines,
                                 marker_pt=MARKER_RADIUS_PT, far_key=False)
            if box == (0.0, 0.0, 0.0, 0.0):  # no room in the plot: a key under it
                key_start = axis_key(ax, list(ref.texts), ref.style, self.theme, key_start)
            taken.append(box)
        self.placed = [a for a in list(ax.texts) + list(ax.lines) if a not in before]

    def _follow(self, snapshot: int) -> None:
        """The RMSE axis up to the values recorded by `snapshot` (and the reference levels),
        the reference labels placed again for it."""
        run = self.views[0].run
        seen = np.asarray(run.loss[:snapshot + 1], float)
        levels = [ref.level for ref in self.limits.references]
        low = self.limits.y[0]
        high = max([float(np.nanmax(seen))] + levels)
        self.ax.set_ylim(low, high * RISING_ROOM)
        # The end dot (the curve's highest point) stays under the value's label: the box
        # lowered by the dot's radius or so.
        x, y, width, height = self.values_box
        clear_above(self.ax, [(self.views[0].timeline[:snapshot + 1], seen)],
                    (x, y - 0.04, width, height))
        at_least_three_ticks(self.ax)
        for artist in self.placed:
            artist.remove()
        self._references(curve_points(self.ax, self.curves), [self.values_box])

    def _objective_curve(self, ax: Axes, view: RunView, theme: Theme, label_y: float,
                         future: bool) -> None:
        """The training objective's curve (dashed) and its value label, under the RMSE's."""
        color = theme.runs[2]
        if future:
            ax.plot(view.timeline, self.objective, color=color, alpha=0.25, lw=1.2, ls="--")
        (self.objective_line,) = ax.plot([], [], color=color, lw=1.8, ls="--", zorder=DYNAMIC)
        x, ha = self._values_x()
        self.objective_value = PathLabel(ax.get_figure(), x, label_y, ax.transAxes,
                                         size=self.value_size, color=color,
                                         zorder=DYNAMIC + 0.4, ha=ha)
        ax.add_artist(self.objective_value)

    def _readout_name(self, view: RunView, bare: bool = False) -> tuple[str, str]:
        """The run's name in its readout and the word its readout ends with once the run has
        finished: the name shortened where "NAME 0.0000 (finished)" is wider than the panel
        (at 640x360 "seed-default (1)" lost its start to the axes' edge), a numbered name
        keeping its "(1)", so two runs of one name stay two; "(done)" where that keeps the
        name whole (at 640x360 "VAE" was cut to "V…"). Only a run that ends before another's
        last snapshot says it has finished."""
        if self.single:
            return "RMSE", ""
        name, size = view.label or "", FONT["label"]
        if bare:  # (one run's name without its detail: every run's, alike)
            name = _without_detail(name)
        ends_early = float(view.timeline[-1]) < max(float(v.timeline[-1]) for v in self.views)
        room = 0.96 * width_inches(self.ax) * 72
        words = FINISHED_WORDS if ends_early else ("",)
        for word in words:
            if text_width(f"{name} {self._widest_value(view)}{word}", size) <= room:
                return name, word
        word = words[-1]
        value = " " + self._widest_value(view) + word
        number = re.search(r" \(\d+\)$", name)
        suffix = number[0] if number else ""
        # A name's closing parenthesis, a detail its plane's title shows, goes before its
        # words are cut: at 640x360 "Adam (lr 0.005)" read "Adam (lr 0.… 0.0460".
        if text_width(_without_detail(name) + value, size) <= room:
            return _without_detail(name), word
        head, budget = name[:len(name) - len(suffix)], room - text_width(value + suffix, size)
        for _ in range(4):  # the parts' widths do not quite add up to the line's
            shown = fit_text(head, size, max(budget, 1.0)) + suffix
            excess = text_width(shown + value, size) - room
            if excess <= 0:
                break
            budget -= excess
        return shown, word

    @staticmethod
    def _widest_value(view: RunView) -> str:
        """The widest value the run's readout shows ("7.683e+27" for a blow-up: the name is
        shortened to leave room for it, the number never cut)."""
        return max((format_loss(float(loss)) for loss in view.run.loss), key=len,
                   default="0.0000")

    def _values_x(self) -> tuple[float, str]:
        """Where the value labels' lines are anchored (axes fraction) and how aligned."""
        return (0.02, "left") if self.left else (0.98, "right")

    def _values_width(self, size: float, objective: bool) -> float:
        """The value labels' width at `size` points (axes fraction), an em more on the side
        facing the plot: a reference label placed beside the values keeps a space from them
        (seed-default at 640x360 read "0.0845RMSE 0.1693")."""
        longest = max(text_width(f"{name} {self._widest_value(view)}{word}", size)
                      for name, word, view in zip(self.names, self.finished_words, self.views))
        if objective:
            longest = max(longest, text_width(f"{OBJECTIVE_LABEL} 0.0000", size))
        return (longest + size) / 72 / width_inches(self.ax)

    def _value_size(self) -> float:
        """The value labels' size: the label's, or the smallest text's where at the label's
        they would not fit in the plot, VALUES_MOST of it (denoising-vs-plain at 640x360:
        "denoising 0.0603" wider than the plot, whose axis rose to 3.3 for values of 0.59
        at most to keep the start of the curves under them)."""
        wide = self._values_width(FONT["label"], self.objective is not None) > VALUES_MOST
        return FONT["small"] if wide else FONT["label"]

    def _values_box(self, line_height: float) -> Rect:
        """Where the value labels are (top right, or top left beside a blow-up; one line per
        run), in axes fractions."""
        width = self._values_width(self.value_size, self.objective is not None)
        height = line_height * (len(self.views) + (self.objective is not None))
        x = 0.02 if self.left else 0.98 - width
        return (x, 0.95 - height + 0.3 * line_height, width, height)

    def _curve(self, ax: Axes, view: RunView, color: str, label_y: float,
               future: bool = True, style: str = "-") -> None:
        """The run's whole curve, faint (unless the `future` is hidden); and its changing line
        (in the run's `style`, so runs differ in more than color), marker and value label."""
        if future:
            ax.plot(view.timeline, view.run.loss, color=color, alpha=0.25, lw=1.4,
                    ls=line_style(style))
        (line,) = ax.plot([], [], color=color, lw=CURVE_PT, ls=line_style(style), zorder=DYNAMIC,
                          label=view.label)
        # Unclipped: a blow-up's last value is near the axis's top, its marker whole.
        (marker,) = ax.plot([], [], "o", color=color, ms=MARKER_PT, zorder=DYNAMIC + 1,
                            clip_on=False)
        x, ha = self._values_x()
        value = PathLabel(ax.get_figure(), x, label_y, ax.transAxes, size=self.value_size,
                          color=color, zorder=DYNAMIC + 0.4, ha=ha)
        ax.add_artist(value)
        self.lines.append(line)
        self.markers.append(marker)
        self.values.append(value)

    def update(self, states: list[State]) -> None:
        if self.follow:
            self._follow(states[0].snapshot)
        for view, name, word, state, line, marker, value in zip(
                self.views, self.names, self.finished_words, states, self.lines, self.markers,
                self.values):
            # The recorded snapshot at or before the frame: a frame between two snapshots
            # moves the points, but the curve, its marker and the value are only ever what
            # was recorded (an in-between RMSE was never measured).
            known = state.snapshot + 1
            loss = float(view.run.loss[state.snapshot])
            line.set_data(view.timeline[:known], view.run.loss[:known])
            marker.set_data([view.timeline[state.snapshot]], [loss])
            shown = format_loss(loss)
            value.set_text(f"{name} {shown}" + (word if state.finished else ""))
        if len(self.markers) > 1:
            centres = self.ax.transData.transform(
                np.array([np.ravel(m.get_data()) for m in self.markers], float))
            for marker, (size, fill) in zip(self.markers, end_dot_looks(
                    centres, self.ax.figure.dpi / 72)):
                marker.set_markersize(size)
                marker.set_fillstyle(fill)
                # Halves and a nested dot parted from the others by the page's color.
                whole = size == MARKER_PT and fill == "full"
                marker.set_markeredgecolor(marker.get_color() if whole else self.background)
        if self.terms is not None:
            self.terms.update(states[0])
        if self.objective is not None:
            view, state = self.views[0], states[0]
            known = state.snapshot + 1
            self.objective_line.set_data(view.timeline[:known], self.objective[:known])
            value = self.objective[state.snapshot]
            self.objective_value.set_text(f"{OBJECTIVE_LABEL} {value:.4f}"
                                          if np.isfinite(value) else "")


def title_right(ax: Axes, theme: Theme) -> None:
    """The title over the plot's right end, where from its left end it would come within
    FRAME_GAP_PT of the frame's right edge (denoising-vs-plain at 640x360: "reconstruction
    error" touched it); the room over the y axis's numbers holds its start."""
    title = ax.get_title(loc="left")
    figure_in = ax.get_figure().get_size_inches()[0]
    room_pt = (1 - ax.get_position().x0) * figure_in * 72 - FRAME_GAP_PT
    if text_width(title, FONT["title"]) > room_pt:
        ax.set_title("", loc="left")
        ax.set_title(title, loc="right", color=theme.foreground, fontsize=FONT["title"])


REFERENCE_ZORDER = DYNAMIC + 0.2  # over the curves (DYNAMIC), under the markers and readouts
HALO_PT = 1.0


def reference_line(ax: Axes, level: float, texts: list[str], style: str, theme: Theme,
                   points: np.ndarray, taken: list[Rect], font_size: float = FONT["small"],
                   scale: float = 1.0, lines: np.ndarray | None = None,
                   marker_pt: float = 0.0, far_key: bool = True) -> Rect:
    """A horizontal reference line (PCA's error, the stop threshold) and its label, placed
    beside the line where the curves (`points`) and other lines (`lines`) are not, else as
    a key (a sample of the line and the label) wherever there is room; the label's shorter
    forms (`texts`, long to short) are tried when the longer find no clear room. A curve's
    marker (`marker_pt`, its radius) is kept clear too, wherever on the curve it is.
    `far_key`: the key may stand anywhere in the plot; else (the caller has a key under the
    plot, axis_key) only as near its line as a label: at 640x360 "PCA: 0.0845" stood over
    the RMSE curve, read as its name. A label without a sample stands only where no curve
    hides its line (placement.hides_line): over sigmoid's curve, drawn 0.2 px above PCA's
    line at 640x360, "PCA, 2 components: 0.0845" read as the curve's name; there it is a
    key. Returns the label's box (axes fractions)."""
    width = (1.2 if style == "--" else 1) * scale
    # Over the curves, in a halo of the background: a curve that settles on PCA's error (iris,
    # the linear runs) hid the line under it, and its key named a line no one could find.
    ax.axhline(level, color=theme.muted, lw=width, ls=style, zorder=REFERENCE_ZORDER,
               path_effects=[patheffects.withStroke(linewidth=width + 2 * HALO_PT * scale,
                                                    foreground=theme.background)])
    line_y = (ax.transData + ax.transAxes.inverted()).transform((0, level))[1]
    # Clear of the curves' strong line (2.2 pt wide) by a little more than its half width,
    # and of their markers by that much more than the marker's radius; of lines by the first.
    lines = np.zeros((0, 2)) if lines is None else lines
    near = np.concatenate([np.full(len(points), marker_pt), np.zeros(len(lines))])
    curves, points = points, np.concatenate([points, lines])
    pad = ((scale * CLEARANCE_PT + near) / 72 / width_inches(ax),
           (scale * CLEARANCE_PT + near) / 72 / height_inches(ax))
    # A curve runs along the line only where it covers it (within half its width): one a
    # line's width above reads as a curve of its own between the line and a label past it.
    hug = scale * CURVE_PT / 2 / 72 / height_inches(ax)
    sample = scale * KEY_SAMPLE_PT / 72 / width_inches(ax)
    sizes = [(text_width(text, font_size) / 72 / width_inches(ax),
              1.25 * font_size / 72 / height_inches(ax)) for text in texts]
    for text, size in zip(texts, sizes):
        box = free_spot(line_y, size, points, taken, pad, hug, hiding=curves)
        if box is not None:
            return _label(ax, box, box[0], text, theme, font_size)
    for text, size in zip(texts, sizes):  # else a key, the first that is clear
        key_size = (size[0] + sample, size[1])
        box = (free_box(key_size, points, taken, pad) if far_key
               else free_spot(line_y, key_size, points, taken, pad, hug))
        if box is not None and is_clear(box, points, taken, pad):
            middle = box[1] + 0.4 * box[3]
            ax.plot([box[0], box[0] + 0.8 * sample], [middle, middle],
                    transform=ax.transAxes, color=theme.muted, lw=width, ls=style)
            return _label(ax, box, box[0] + sample, text, theme, font_size)
    # Nowhere clear (a panel too small for its curves and labels): the line without its
    # label, rather than a label crossed by a line.
    return (0.0, 0.0, 0.0, 0.0)


def axis_key(ax: Axes, texts: list[str], style: str, theme: Theme, start_pt: float,
             font_size: float = FONT["small"]) -> float:
    """A reference line's key (a sample of the line and the longest of `texts` that fits) in
    the x axis label's row, left of that label, `start_pt` points right of the axes' left
    edge (negative: left of it): where a short plot has no clear room for the label (a
    640x360 clip's loss panel with a terms curve under PCA's line). The key keeps
    AXIS_KEY_GAP_EM from the label, which moves to the axis's right end where the centre
    leaves too little room ("PCA: 0.0845" half an em before "epoch" read as one phrase).
    Returns where the next key may start (points); nothing fits: no key."""
    label_pt = text_width(ax.get_xlabel(), FONT["label"])
    axis_pt = width_inches(ax) * 72
    gap_pt = AXIS_KEY_GAP_EM * font_size
    centred = (axis_pt - label_pt) / 2 - start_pt - gap_pt
    room = axis_pt - label_pt - start_pt - gap_pt  # the label at the right end
    points_x = 1 / axis_pt
    for text in texts:
        width = AXIS_KEY_SAMPLE_PT + text_width(text, font_size)
        if width <= room:
            if width > centred:
                ax.set_xlabel(ax.get_xlabel(), loc="right")
            # The label's middle: under the ticks (3.5 pt), their pad (3.5), their labels
            # (1.2 lines) and the label's pad (4), as matplotlib lays them out.
            below_pt = 3.5 + 3.5 + 1.2 * FONT["tick"] + 4 + 0.6 * FONT["label"]
            y = -below_pt / 72 / height_inches(ax)
            x0 = start_pt * points_x
            ax.plot([x0, x0 + 0.8 * AXIS_KEY_SAMPLE_PT * points_x], [y, y], transform=ax.transAxes,
                    color=theme.muted, lw=1.2, ls=style, clip_on=False)
            ax.text(x0 + AXIS_KEY_SAMPLE_PT * points_x, y, text, transform=ax.transAxes,
                    va="center", ha="left", color=theme.muted, fontsize=font_size,
                    clip_on=False)
            return start_pt + width + font_size
    return start_pt


def _label(ax: Axes, box: Rect, x: float, text: str, theme: Theme, size: float) -> Rect:
    ax.text(x, box[1], text, transform=ax.transAxes, va="bottom", ha="left",
            color=theme.muted, fontsize=size)
    return box


def fitting_texts(ax: Axes, texts: list[str], size: float = FONT["small"]) -> list[str]:
    """Those of `texts` (long to short) that fit across the axes with a key's sample of the
    line before them; at least the shortest (a narrow loss panel gets the short ones)."""
    room_pt = 0.96 * width_inches(ax) * 72 - KEY_SAMPLE_PT
    return [text for text in texts if text_width(text, size) <= room_pt] or texts[-1:]


def loss_limits(ax: Axes, span: tuple[float, float], losses: np.ndarray, log: bool) -> None:
    """The clip's epochs across, every loss (and PCA floor) up and down (scales.loss_range)."""
    set_loss_limits(ax, *loss_range(span, losses, log), log)


def set_loss_limits(ax: Axes, x: tuple[float, float], y: tuple[float, float],
                    log: bool) -> None:
    """The limits a description gives the loss panel (see description.LossLimits)."""
    ax.set_xlim(*x)
    if log:
        ax.set_yscale("log")
    ax.set_ylim(*y)
    at_least_three_ticks(ax)


def reference_points(ax: Axes, level: float) -> np.ndarray:
    """A horizontal line at `level` across the axes, as curve_points gives curves."""
    y = (ax.transData + ax.transAxes.inverted()).transform((0, level))[1]
    xs = np.linspace(0, 1, 200)
    return np.column_stack([xs, np.full_like(xs, y)])


def clear_above(ax: Axes, curves: list[tuple[np.ndarray, np.ndarray]], box: Rect) -> None:
    """Raise the top of the y axis until no curve passes through `box` (the value labels,
    axes fractions): a short run's curves reach the top right, where the labels are."""
    x0, x1, y0 = box[0], box[0] + box[2], box[1] - 0.02
    for _ in range(4):  # each raise moves the curves down; a few settle it
        points = curve_points(ax, curves)
        under = points[(points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] > y0)]
        if not len(under):
            return
        highest = float(under[:, 1].max())
        low, high = ax.get_ylim()
        if ax.get_yscale() == "log":
            span = np.log10(high / low) * highest / y0
            ax.set_ylim(low, low * 10 ** span)
        else:
            ax.set_ylim(low, low + (high - low) * highest / y0)
    at_least_three_ticks(ax)


def at_least_three_ticks(ax: Axes) -> None:
    """A y axis with three ticks or more, however short the panel (a small clip, a handout):
    two ticks do not show how the scale runs."""
    if ax.get_yscale() == "log":
        low, high = ax.get_ylim()
        decades = np.log10(high / low)
        decade_pt = height_inches(ax) * 72 / max(decades, 1e-9)
        # The most ticks per decade whose labels stay clear apart (the closest two of each
        # choice: log10 of 2, of 3, a decade): 1, 2 and 5 of each where there is room.
        subs = next((subs for subs, closest in (((1.0, 2.0, 5.0), 0.301), ((1.0, 3.0), 0.477),
                                                 ((1.0,), 1.0))
                     if closest * decade_pt >= 1.8 * FONT["tick"]), None)
        whole = np.floor(np.log10(high)) - np.ceil(np.log10(low)) + 1  # decade ticks inside
        if subs == (1.0,) and whole < 2 and 0.477 * decade_pt >= 1.5 * FONT["tick"]:
            # A short axis of about a decade (a blow-up's first frames): one decade tick
            # would show no scale; 1 and 3 of each, a little closer (a label box is 1.2 em
            # tall: 1.2 em apart touched on Python 3.10's numbers), do.
            subs = (1.0, 3.0)
        fits = int(height_inches(ax) * 72 // (2.4 * FONT["tick"]))  # labels clear apart
        if decades < 1:
            # Under a decade (a blow-up's first frame, following its values): the log
            # locator would fall back to ticks 0.02 apart, their labels on one another.
            ax.yaxis.set_major_locator(MaxNLocator(max(2, fits), steps=[1, 2, 2.5, 5, 10]))
            ax.yaxis.set_minor_formatter(NullFormatter())
        elif subs is not None:
            ax.yaxis.set_major_locator(LogLocator(subs=subs))
            ax.yaxis.set_minor_formatter(NullFormatter())
        else:  # many decades on a short axis: every few, but three of them at least
            ax.yaxis.set_major_locator(LogLocator(numticks=max(3, fits)))
        if 1e-4 <= low and high <= 1e5:
            # Plain numbers (0.05, 0.1, 0.2), as the linear axis and the page name them: the
            # log formatter names only the decades (10^-1), the 2s and 5s not at all.
            ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        else:  # named as the code plane's ticks: "1e21", "1.2e14", never "1e+21"
            ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: tick_name(value)))
        return
    ax.yaxis.set_major_locator(MaxNLocator("auto", min_n_ticks=3))


def _without_detail(name: str) -> str:
    """A run's name without its closing parenthesis ("Adam (lr 0.005)": "Adam"); a run's
    number ("seed-default (1)"), which tells two runs of one name apart, stays."""
    detail = re.search(r" \(([^()]*)\)$", name)
    return name if detail is None or detail[1].isdigit() else name[:detail.start()]
