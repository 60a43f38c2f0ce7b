"""A variational run's code plane: the prior's one- and two-sigma circles (the codes of a VAE
are pulled into them) and each of some samples' one-sigma ellipse (where its code is sampled
from in training; on unless render.ellipses = false), drawn over the codes, with a key."""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects, rcParams
from matplotlib.axes import Axes
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from aeviz.renderer.panels.frame_map import interpolated, linear_map, raw_codes
from aeviz.renderer.panels.placement import text_width
from aeviz.renderer.panels.style import (
    DYNAMIC,
    FONT,
    height_inches,
    layout_width,
    width_inches,
)
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State
from aeviz.training.model import forward

MOST_ELLIPSES = 40
# The lines' widths in points, and the fewest pixels each is drawn (a 640x360 clip is drawn at
# 80 dpi: a 0.6 pt ellipse there was 0.7 px, lost among the codes of a 95 px comparison plane).
CIRCLE_LINE = {"pt": 1.2, "px": 1.8}
ELLIPSE_LINE = {"pt": 0.6, "px": 1.2}
CIRCLE_HALO_PX = 1.0  # the circles' halo, each side


def ellipse_alpha(dpi: float) -> float:
    """The ellipses' opacity: light where they are drawn finely (at 1280x720, 40 of them over
    the codes), dark where a line is a pixel or two (at 640x360 a lecturer found them "1-px
    light-grey rings, buried in the points")."""
    return 0.5 if dpi >= 100 else 0.8


TURN = np.linspace(0, 2 * np.pi, 41)
CIRCLE = np.column_stack([np.cos(TURN), np.sin(TURN)])


class VariationalOverlay:
    """The prior's circles, and the ellipses if asked for, turned with the codes."""

    def __init__(self, ax: Axes, view: RunView, theme: Theme, ellipses: bool,
                 key: bool = True, room_below_in: float = 0.0,
                 room_above_in: float | None = None,
                 key_at: tuple[float, float] | None = None, key_room_pt: float = 0.0,
                 key_loc: str = "upper center"):
        """`key` false: no key (a handout's small cell, whose caption says it);
        `room_below_in`: free room under the plane's axis label (a plane made smaller than its
        slot), where the key goes rather than over the codes; `room_above_in`: the room over
        the plane inside its slot (None: not known), which a key above the plane never
        leaves (the plane is made smaller instead); `key_at`: where the key goes instead, a
        row whose top middle is there (axes fraction: under the plane's classes' legend),
        `key_room_pt` wide at most; `key_loc` "upper left": its top left is there instead
        (after the marks in a code panel's KeyStrip)."""
        self.view = view
        # Over the codes (whose points sit at DYNAMIC): a thin dashed line hides none of
        # them, and under them the circles vanish in a dense cloud.
        # In a halo of the background, as the loss panel's reference lines: at 640x360 the 1σ
        # circle, dashed across a dense cloud of coloured points, was lost among them.
        dpi = ax.get_figure().dpi
        width = line_width(CIRCLE_LINE, dpi)
        (self.circles,) = ax.plot([], [], color=theme.foreground, ls="--", alpha=0.85, lw=width,
                                  zorder=DYNAMIC + 0.6, path_effects=[patheffects.withStroke(
                                      linewidth=width + 2 * CIRCLE_HALO_PX * 72 / dpi,
                                      foreground=theme.background)])
        self.artists = [self.circles]
        self.ellipses = None
        if ellipses:
            run = view.run
            self.picks = np.linspace(0, len(run.x) - 1, min(MOST_ELLIPSES, len(run.x))
                                     ).round().astype(int)
            (self.ellipses,) = ax.plot([], [], color=theme.foreground, alpha=ellipse_alpha(dpi),
                                       lw=line_width(ELLIPSE_LINE, dpi), zorder=DYNAMIC + 0.5)
            self.artists.append(self.ellipses)
        self.key = None
        if key:  # redrawn with the codes each frame: a key inside the plane stays on top
            self.key = (_key(ax, theme, ellipses, room_below_in, room_above_in)
                        if key_at is None else _row_key(ax, theme, ellipses, key_at,
                                                        key_room_pt, key_loc))
            self.artists.append(self.key)

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


KEY_TEXTS = ("N(0,1): 1σ, 2σ", "codes' σ")
SHORT_KEY_TEXTS = ("N(0,1) 1σ 2σ", "σ")  # the same key where a plane is too narrow for it
# The key's type: a tick label's size, never smaller (at 640x360 its 10 pt read smaller than
# the ticks beside it).
KEY_PT = FONT["tick"]
KEY_OPTIONS = {"fontsize": KEY_PT, "handlelength": 1.4, "borderaxespad": 0.1,
               "columnspacing": 0.8, "handletextpad": 0.4}
BELOW_AXES_IN = 0.5  # a plane's tick labels and axis label take this much under it


def _key(ax: Axes, theme: Theme, ellipses: bool, room_below_in: float = 0.0,
         room_above_in: float | None = None) -> Legend:
    """What the circles and ellipses are, never over the codes: a key on the title line,
    right-aligned; else under the plane's axis label where `room_below_in` holds it; else on
    the title line in its short form (the plane's title given way if need be); else an entry
    a row above the plane, which is made smaller where its slot's `room_above_in` cannot
    hold them (at 640x360 such a key stood over the header's text). Added beside any other
    legend of the plane, not in place of it."""
    options = KEY_OPTIONS | {"labelcolor": theme.muted}
    room_pt = width_inches(ax) * 72 - 8
    dpi = ax.get_figure().dpi
    forms = [_key_handles(theme, ellipses, texts, dpi) for texts in (KEY_TEXTS, SHORT_KEY_TEXTS)]
    widths = [_row_width(handles) for handles in forms]
    title = ax.get_title("left")
    if min(widths) > room_pt - text_width(title, FONT["title"]) and title == "code layer":
        ax.set_title("", loc="left")  # a generic title gives way (the axes name the plane)
        title = ""
    fits = [width <= room_pt - text_width(title, FONT["title"]) for width in widths]
    handles = forms[0]
    rows_in = len(handles) * 1.5 * KEY_PT / 72
    if fits[0]:
        key = _title_line_key(ax, handles, options)
    elif rows_in <= room_below_in:  # one entry a row, centered under the axis label
        below = -BELOW_AXES_IN / (ax.get_position().height * ax.get_figure().get_size_inches()[1])
        key = Legend(ax, handles, [h.get_label() for h in handles], loc="upper center",
                     bbox_to_anchor=(0.5, below), ncol=1, frameon=False, **options)
    elif fits[1]:  # short, on the title line
        key = _title_line_key(ax, forms[1], options)
    else:  # short, an entry a row, right-aligned above the title line: the run's name
        # kept (at 640x360 a comparison's "VAE" gave way to a one-row key); on the title
        # line itself where the plane has no title
        rows_in = len(forms[1]) * 1.5 * KEY_PT / 72
        lift_in = 1.35 * FONT["title"] / 72 if title else KEY_ROOM_IN
        if room_above_in is not None and lift_in + rows_in > room_above_in:
            _shrink_from_top(ax, lift_in + rows_in - room_above_in)
        above = 1.0 + lift_in / height_inches(ax)
        key = Legend(ax, forms[1], [h.get_label() for h in forms[1]], loc="lower right",
                     bbox_to_anchor=(1.0, above), ncol=1, frameon=False, **options)
    key.set_zorder(DYNAMIC + 2)
    ax.add_artist(key)
    return key


def key_beside_title(width_in: float, title: str, ellipses: bool) -> bool:
    """Whether the key in its long form fits on the title line of a plane `width_in` wide
    beside its title `title` (as _key puts it first)."""
    handles = _key_handles(None, ellipses, KEY_TEXTS)
    return _row_width(handles) <= width_in * 72 - 8 - text_width(title, FONT["title"])


def _row_key(ax: Axes, theme: Theme, ellipses: bool, at: tuple[float, float],
             room_pt: float, loc: str = "upper center") -> Legend:
    """The key in one row, its top middle (or the corner `loc` names) at `at` (axes
    fraction), in its long form where it is at most `room_pt` wide, else its short one."""
    options = KEY_OPTIONS | {"labelcolor": theme.muted}
    dpi = ax.get_figure().dpi
    handles = _key_handles(theme, ellipses, KEY_TEXTS, dpi)
    if _row_width(handles) > room_pt:
        handles = _key_handles(theme, ellipses, SHORT_KEY_TEXTS, dpi)
    key = Legend(ax, handles, [h.get_label() for h in handles], loc=loc,
                 bbox_to_anchor=at, ncol=len(handles), frameon=False, **options)
    key.set_zorder(DYNAMIC + 2)
    ax.add_artist(key)
    return key


KEY_ROOM_IN = 0.04  # between a key and the plane under it


def lower_key_below(key: Legend, other, renderer, right_px: float) -> Legend:
    """`key`, or where it stands over `other` (a window box: a comparison's class legend
    above the planes printed over "N(0,1) 1σ 2σ" at 640x360) a key in one row a line above
    the plane's title, right-aligned to its slot's right edge `right_px`, the plane made
    smaller from its top as far as that row still needs. Returns the key drawn (the caller
    replaces `key` by it where it keeps the artists)."""
    box = key.get_window_extent(renderer)
    if min(box.x1, other.x1) <= max(box.x0, other.x0) or box.y1 <= other.y0:
        return key
    ax = key.axes
    dpi = ax.get_figure().dpi
    handles = key.legend_handles
    options = KEY_OPTIONS | {"labelcolor": key.get_texts()[0].get_color()}
    lift_in = 1.35 * FONT["title"] / 72 if ax.get_title("left") else KEY_ROOM_IN

    def row() -> Legend:  # right-aligned at right_px
        right = (right_px - ax.bbox.x0) / ax.bbox.width
        return Legend(ax, handles, [t.get_text() for t in key.get_texts()], ncol=len(handles),
                      loc="lower right", bbox_to_anchor=(right, 1.0 + lift_in / height_inches(ax)),
                      frameon=False, **options)

    lowered = row()
    over = (lowered.get_window_extent(renderer).y1 - other.y0) / dpi
    if over > 0:
        _shrink_from_top(ax, over + KEY_ROOM_IN)
        lowered = row()
    # The plane's vertical axis label reaches above a small plane: the row moved right past
    # it, into the gap between the slots (at 640x360 a pixel or two).
    ax.yaxis.get_tightbbox(renderer)  # places the label where it will be drawn
    box, label = lowered.get_window_extent(renderer), ax.yaxis.label.get_window_extent(renderer)
    if min(box.x1, label.x1) > max(box.x0, label.x0) and label.y1 > box.y0:
        right_px += label.x1 - box.x0 + KEY_ROOM_IN * dpi
        lowered = row()
    lowered.set_zorder(key.get_zorder())
    key.remove()
    ax.add_artist(lowered)
    return lowered


def _shrink_from_top(ax: Axes, by_in: float) -> None:
    """The plane `by_in` inches lower at its top, as much narrower (its scales stay equal),
    its bottom and middle kept: a key above it stays inside its slot."""
    box = ax.get_position()
    width_in, height_in = ax.get_figure().get_size_inches()
    scale = max(box.height * height_in - by_in, 0.2 * box.height * height_in) / (
        box.height * height_in)
    width = box.width * scale
    ax.set_position([box.x0 + (box.width - width) / 2, box.y0, width, box.height * scale])


def line_width(line: dict[str, float], dpi: float) -> float:
    """A line's width in points: its own, or wider where that draws it thinner than its
    fewest pixels at `dpi`."""
    return max(line["pt"], line["px"] * 72 / dpi)


def _key_handles(theme: Theme | None, ellipses: bool, texts: tuple[str, str],
                 dpi: float = 72.0) -> list[Line2D]:
    color = theme.foreground if theme is not None else "k"  # (None: to measure only)
    handles = [Line2D([], [], color=color, lw=line_width(CIRCLE_LINE, dpi), ls="--",
                      label=texts[0])]
    if ellipses:
        handles.append(Line2D([], [], color=color, lw=line_width(ELLIPSE_LINE, dpi),
                              alpha=ellipse_alpha(dpi), label=texts[1]))
    return handles


def row_key_width(ellipses: bool, texts: tuple[str, ...] = KEY_TEXTS) -> float:
    """The key's width in one row (points), with these texts, as the legend lays it out
    (its padding at both ends included)."""
    names = texts[:1 + ellipses]
    entry = (KEY_OPTIONS["handlelength"] + KEY_OPTIONS["handletextpad"]) * KEY_PT
    return (sum(entry + layout_width(name, KEY_PT) for name in names)
            + (len(names) - 1) * KEY_OPTIONS["columnspacing"] * KEY_PT
            + 2 * rcParams["legend.borderpad"] * KEY_PT)


def _row_width(handles: list[Line2D]) -> float:
    """A one-row key's width in points (each entry: its text, its line and the gaps)."""
    return sum(text_width(h.get_label(), KEY_PT) + 2.0 * KEY_PT for h in handles)


def _title_line_key(ax: Axes, handles: list[Line2D], options: dict) -> Legend:
    return Legend(ax, handles, [h.get_label() for h in handles], loc="lower right",
                  bbox_to_anchor=(1.0, 1.0), ncol=len(handles), frameon=False, **options)
