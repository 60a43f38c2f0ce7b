"""The code panel: every sample's 2-D code as a point, colored by cluster."""

from __future__ import annotations

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.path import Path

from aeviz.renderer.description import MARK_NAMES, code_layers, plane_marks
from aeviz.renderer.geometry import affine_fit
from aeviz.renderer.layout import OUTER_RIGHT_IN, OUTER_TOP_IN, PANEL_MARGINS_IN
from aeviz.renderer.panels.decoder import clear_ticks
from aeviz.renderer.panels.dense import DENSE_POINTS, DensePoints
from aeviz.renderer.panels.placement import fit_name, fit_text, reading_order, text_width
from aeviz.renderer.panels.pull import PullArrows
from aeviz.renderer.panels.sparsity import SparsityOverlay
from aeviz.renderer.panels.style import (
    DYNAMIC,
    FONT,
    Rect,
    class_name,
    cluster_color,
    cluster_hollow,
    frame_pixels,
    height_inches,
    layout_height,
    layout_width,
    panel_axes,
    set_title,
    style_grid,
)
from aeviz.renderer.panels.variational import (
    KEY_OPTIONS,
    KEY_PT,
    KEY_TEXTS,
    SHORT_KEY_TEXTS,
    VariationalOverlay,
    key_beside_title,
    row_key_width,
)
from aeviz.renderer.scales import (
    CodeScale,
    apply_code_scale,
    code_scale,
    follow_ticks,
    growing_extents,
    padded,
    set_equal_limits,
)
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State
from aeviz.settings import RenderOptions
from aeviz.trajectory import Trajectory

# Legend entries per row, at most: ten digits in two rows of five where they fit (at
# 640x360 a third row took a fifth of the plane's height).
LEGEND_COLUMNS = 5
KEY_SHARE = 0.3  # the most of a slot's height the classes' rows take, where names can be cut
LEGEND_ROW_IN = 0.3  # a legend row's height
LEGEND_GAP_EMS = 1.2  # between a legend's columns (its columnspacing)
NAME_EMS = 3.0  # the least of a class's name a legend cut to more columns keeps, ems
ENTRY_EMS = 3.2  # a legend entry's marker and its gaps, ems (markerscale 2.2, defaults)
MOST_CLASSES = 50   # classes a legend names; past this, no legend (a note says so)
# A single run's classes keyed in a column right of its plane, not in rows under it, where
# that draws the codes at least this much larger (the scale of the codes on screen): ten
# digits' two rows and their name under the plane left it 115 px tall at 640x360, where 1 and
# 7 were hard to tell apart at the back of a room; beside it the plane is 180 px tall.
KEY_BESIDE_GAIN = 1.15
LEAST_PLANE_IN = 0.75  # a plane's least height under its key (inches): less, no key
COLUMN_OPTIONS = {"handlelength": 0.8, "handletextpad": 0.3, "labelspacing": 0.3,
                  "borderpad": 0.0, "borderaxespad": 0.8, "columnspacing": 1.0}
COLUMN_ROW_EMS = 1.6  # a column's row (its name's line and COLUMN_OPTIONS' labelspacing), ems


class CodePanel:
    """The 2-D code of every sample as a point, colored by cluster; optionally PCA's answer
    as a ghost and each point's recent path as a fading trail."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme,
                 options: RenderOptions, title: str, legend: bool = True,
                 scale: CodeScale | None = None, title_color: str | None = None,
                 layers: tuple[str, ...] | None = None, compact: bool = False,
                 top: bool = False, plane: Rect | None = None,
                 named: tuple[str, ...] = ("x", "y"), numbered: tuple[str, ...] = ("x", "y"),
                 legend_span: Rect | None = None):
        """`scale`: the limits (default: the run's own, over its whole trajectory), shared by
        the runs of a comparison; `options.scales == "follow"`: limits that grow with the
        codes frame by frame instead. `layers`: what the plane shows besides the codes (the
        description's, see description.Panel.layers; default: as the options say).
        `compact`: a handout's cell: `slot` is the axes themselves (no margins, no legend),
        and the points are smaller (print sizes). `top`: a plane shorter than its slot at the
        slot's top (a comparison's row beside mosaics: no empty band under the header).
        `plane`: the axes' box itself (a comparison's planes laid out by the description,
        their axes `named` and `numbered` on the outer planes only), inside `slot`'s row.
        `legend_span`: the room under the plane and its own decoder beside it (one run):
        the classes' key goes there in one row, its marks and a VAE's key in a second (see
        KeyStrip), where they fit, and the plane keeps the height a key under it took."""
        if layers is None:
            layers = code_layers(view, options)
        run = view.run
        labels, members = classes(run.labels)
        self.notes: list[str] = []
        if len(labels) > MOST_CLASSES:  # a legend that no one could read; colors repeat
            self.notes.append(f"{len(labels):,} classes: the code plane has no legend (it "
                              f"names at most {MOST_CLASSES}); colors repeat across classes")
            labels, members = _by_look(labels, members, theme)
            legend = False
        entries = _legend_entries(labels, options) if legend and not compact else 0
        rows = -(-entries // _legend_columns(fig, slot, run, labels)) if entries else 0
        strip = (KeyStrip.of(fig, slot, legend_span, run, labels, layers, options, title)
                 if entries and legend_span is not None else None)
        if strip is not None:  # the classes and every key in its rows, nothing else under
            entries = rows = 0
        # The decoder's "+" grid points keyed beside the classes, as the handout keys them
        # (in its short form where a column's width has no room for the long one), where
        # that takes no row more (at 640 a row more shrank a digits plane by a third); in
        # a comparison's key above the planes (no legend here: the scene's, from these).
        marks = [_mark_name(mark, fig, slot) for mark in plane_marks(layers)
                 if mark == "grid" and not compact]  # (PCA's rings: named by their artist)
        # the label column's name
        title_rows = 1 if entries and run.experiment.data.label_column else 0
        title_marks: list[str] = []  # keyed on the name's row, right of it, instead
        if strip is not None:
            marks = []
        if marks and entries:
            marked = -(-(entries + 1) // _legend_columns(fig, slot, run, labels, marks))
            if marked > rows and title_rows:  # (at 640x360 the "+" went unkeyed)
                title_marks, marks = _title_row_marks(marks, fig, slot, run, labels,
                                                      entries, rows), []
            marks = marks if marked <= rows else []
            entries, rows = entries + len(marks), max(rows, marked) if marks else rows
        # A VAE's key a row of its own under the classes' (see VariationalOverlay) where the
        # plane is too narrow for it beside its title: above the plane it took the title's
        # place and crowded the header (640x360).
        key_rows = int(bool(entries) and not compact and "circles" in layers
                       and not key_beside_title(slot[2] * fig.get_size_inches()[0]
                                                - PANEL_MARGINS_IN[0], title,
                                                "ellipses" in layers))
        below_in = (0.6 + 0.3 * (rows + title_rows + key_rows) + 0.05 * bool(entries)
                    if strip is None else LEGEND_BELOW_IN + strip.height_in())
        column_in, key_columns, column_room = (
            _key_column_in(fig, slot, run, labels, marks, below_in,
                           scale or code_scale([view.codes]))
            if entries and plane is None and not (key_rows or title_marks
                                                  or options.scales == "follow")
            else (0.0, 0, 0.0))
        if column_in:
            below_in = 0.6  # (the x axis's ticks and name)
        elif entries and strip is None and plane is None and not compact and \
                slot[3] * fig.get_size_inches()[1] - 0.4 - below_in < LEAST_PLANE_IN:
            # Neither beside nor under does the key leave the plane room (fifty classes at
            # 640x360: the key ran off the frame's top, over the header, the plane 2 px tall).
            self.notes.append(f"{len(labels):,} classes: the code plane has no key at "
                              f"{frame_pixels(fig)} (it would leave the plane under "
                              f"{LEAST_PLANE_IN:g} in); a larger --size keys them")
            entries = rows = title_rows = key_rows = 0
            marks, title_marks, below_in = [], [], 0.6
        margins = (0.0, 0.0, 0.0, 0.0) if compact else (0.9, below_in, 0.1 + column_in, 0.4)
        if plane is not None:
            ax = panel_axes(fig, plane, (0.0, 0.0, 0.0, 0.0), theme, title,
                            title_color=title_color)
            # The title ends over the plane's right margin (OUTER_RIGHT_IN), before the next
            # plane's ticks.
            room_pt = (plane[2] * fig.get_size_inches()[0] + OUTER_RIGHT_IN) * 72
        else:
            ax = panel_axes(fig, slot, margins, theme, title, title_color=title_color)
            # A run's name ends inside its slot, 0.75 em short of its edge: at 640x360
            # "too-high-learning-rate (1)" ran into the next plane's axis label (which wide
            # tick labels, "1e14", push left over the edge); a whole em cut "identity" to
            # "identi…" in the activations comparison.
            room_pt = (slot[0] + slot[2] - ax.get_position().x0) * fig.get_size_inches()[0] * 72
        set_title(ax, fit_name(title, FONT["title"], room_pt - 0.75 * FONT["title"]), theme,
                  title_color)
        if "x" in named:
            ax.set_xlabel("code neuron 1")
        if "y" in named:
            ax.set_ylabel("code neuron 2")
        ax.tick_params(labelbottom="x" in numbered, labelleft="y" in numbered)
        style_grid(ax, theme)
        self.follow, self.ax = options.scales == "follow", ax
        if self.follow:
            self.extents = growing_extents(view.codes)
            follow_ticks(ax, FONT["tick"])
            self._follow(0)
        room_below_in = 0.0  # under the axis label, in a plane made smaller than its slot
        if not self.follow:
            before = ax.get_position().bounds
            labels_in = 1.15 * text_width("code neuron 2", FONT["label"]) / 72
            apply_code_scale(ax, fig, scale or code_scale([view.codes]),
                             fit=0.0 if compact else labels_in, top=top)
            if ax.get_position().bounds != before and ax.get_xscale() == "linear":
                # A box made smaller: ticks that clear each other at its new size.
                box, (width_in, height_in) = ax.get_position(), fig.get_size_inches()
                clear_ticks(ax.xaxis, ax.get_xlim(), box.width * width_in, across=True)
                clear_ticks(ax.yaxis, ax.get_ylim(), box.height * height_in, across=False)
                room_below_in = (box.y0 - before[1]) * height_in
        if "y" in named:
            _y_name_within(fig, slot, ax)
        self.view, self.trail_length, self.ax, self.theme = view, options.trails, ax, theme
        self.members = members
        self.ghost = _ghost(ax, theme) if "ghost" in layers else None
        size = (2.2 if len(run.labels) <= 500 else 1.3) if compact else 3.6
        # Unkeyed here (a comparison's), the names go to the scene's key above the planes,
        # which has the planes' whole width: cut to a plane's slot, "cluster 1" read
        # "cluste…" four times at 640x360.
        name_room = (column_room or _name_room(fig, slot, run, labels) if legend
                     else _shared_name_room(fig, _legend_entries(labels, options) + len(marks)))
        self.points = [_points(ax, run, theme, label, name_room, size) for label in labels]
        # After the classes, apart from them (first, it stood under the label column's name
        # as if a class): an empty line, the key's entry alone (scene draws the points).
        for name in marks:
            ax.plot([], [], "+", ms=3.5, mew=0.6, color=theme.muted, label=name)
        if compact and len(run.labels) > 5000:  # a printed plane of many points: as pixels
            for points in self.points:
                points.set_rasterized(True)
        self.dense = (DensePoints(ax, _ranks(len(run.labels), members), np.arange(len(labels)),
                                  [cluster_color(theme, label) for label in labels])
                      if len(run.labels) >= DENSE_POINTS and ax.get_xscale() == "linear"
                      and not self.follow else None)
        self.trail_length = options.trails if "trails" in layers else 0
        self.trails = self._trail_collection(ax, labels, theme) if self.trail_length else None
        # What a VAE's plane and --pull add, turned with the codes (see those modules).
        box, (width_in, height_in) = ax.get_position(), fig.get_size_inches()
        room_above_in = (OUTER_TOP_IN if plane is not None  # the title line's, and more
                         else (slot[1] + slot[3] - box.y1) * height_in)
        key_at, key_loc = None, "upper center"
        if strip is not None and strip.vae_key:
            key_at, key_loc = strip.vae_key_at(ax), "upper left"
        if key_rows:  # under the classes' legend (see _legend), centered on the slot alike
            below_in = LEGEND_BELOW_IN + 0.3 * (rows + title_rows)
            key_at = ((slot[0] + slot[2] / 2 - box.x0) / box.width,
                      -below_in / (box.height * height_in))
        self.overlays = ([VariationalOverlay(ax, view, theme, "ellipses" in layers,
                                             key=not compact, room_below_in=room_below_in,
                                             room_above_in=None if compact else room_above_in,
                                             key_at=key_at, key_room_pt=_legend_room(fig, slot)
                                             if strip is None else strip.key_room_pt(),
                                             key_loc=key_loc)]
                         if "circles" in layers else []) + (
            [PullArrows(ax, view, theme)] if "pull" in layers else []) + (
            [SparsityOverlay(ax, view, theme, readout=not compact)] if "axes" in layers
            else [])
        self.artists = ([self.ghost] if self.ghost else []) + (
            [self.trails] if self.trails else []) + (
            [self.dense.image] if self.dense else self.points) + [
            artist for overlay in self.overlays for artist in overlay.artists]
        if ax.get_position().bounds != box.bounds and ax.get_xscale() == "linear":
            # A plane made smaller for its key: ticks that clear each other at its new size.
            box = ax.get_position()
            clear_ticks(ax.xaxis, ax.get_xlim(), box.width * width_in, across=True)
            clear_ticks(ax.yaxis, ax.get_ylim(), box.height * height_in, across=False)
        elif not self.follow and ax.get_xscale() == "linear" and _crowded(ax, width_in):
            # matplotlib's own numbers, side by side, with less than an em between them (a
            # VAE's plane at 1280x720 under a strip of tall names: "−0.75−0.50")
            clear_ticks(ax.xaxis, ax.get_xlim(), box.width * width_in, across=True)
        if strip is not None:
            keys = [overlay.key for overlay in self.overlays if strip.vae_key
                    and isinstance(overlay, VariationalOverlay) and overlay.key is not None]
            strip.draw(ax, theme, self.points + ([self.ghost] if self.ghost else []),
                       keys[0] if keys else None)
        if entries and column_in:
            legend = ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
                               ncol=key_columns, fontsize=FONT["tick"], markerscale=2.2,
                               labelcolor=theme.foreground,
                               title=run.experiment.data.label_column,
                               title_fontsize=FONT["tick"], alignment="left", **COLUMN_OPTIONS)
            legend.get_title().set_color(theme.muted)
            legend.set_zorder(1)
        elif entries:
            _legend(ax, theme, entries, rows, run.experiment.data.label_column, slot,
                    title_marks, _legend_width(fig, slot, run, labels, entries, rows))

    def _follow(self, snapshot: int) -> None:
        """Limits holding every code up to `snapshot` (see scales.growing_extents)."""
        x0, x1, y0, y1 = self.extents[min(snapshot, len(self.extents) - 1)]
        set_equal_limits(self.ax, self.ax.get_figure(), padded((x0, x1)), padded((y0, y1)))

    def show_grid(self, points: np.ndarray) -> None:
        """The decoder panel's grid points, faint, under the codes."""
        show_grid(self.ax, points, self.theme)

    def update(self, state: State) -> None:
        if self.follow:
            self._follow(int(np.ceil(state.index - 1e-9)))
        if self.dense is not None:
            self.dense.update(state.codes)
        for points, members in zip(self.points if self.dense is None else [], self.members):
            codes = state.codes[members]
            points.set_data(codes[:, 0], codes[:, 1])
        if self.ghost is not None:
            ghost = affine_fit(self.view.pca[1], state.codes)
            self.ghost.set_offsets(ghost)
            self.ghost.set_edgecolor(ghost_colors(self.ax, ghost, self.theme))
        if self.trail_length:
            self._update_trails(state)
        for overlay in self.overlays:
            overlay.update(state)

    def _trail_collection(self, ax: Axes, labels: np.ndarray, theme: Theme) -> PathCollection:
        """One path per (age, cluster), oldest first and faintest: a path holds one short
        stroke per point, from its position `age` snapshots ago to `age - 1`."""
        colors = []
        for age in range(self.trail_length, 0, -1):
            alpha = 0.55 * (1 - age / (self.trail_length + 1))
            for label in labels:
                colors.append(mcolors.to_rgba(cluster_color(theme, label), alpha))
        self.stroke_codes = [np.tile([Path.MOVETO, Path.LINETO], len(m)) for m in self.members]
        trails = PathCollection([], facecolors="none", edgecolors=colors, linewidths=0.9,
                                zorder=DYNAMIC - 0.2)
        ax.add_collection(trails, autolim=False)
        return trails

    def _update_trails(self, state: State) -> None:
        newest = int(np.ceil(state.index - 1e-9))
        history = [state.codes] + [self.view.codes[max(newest - age, 0)]
                                   for age in range(1, self.trail_length + 1)]
        paths = []
        for age in range(self.trail_length, 0, -1):
            for members, codes in zip(self.members, self.stroke_codes):
                start, end = history[age][members], history[age - 1][members]
                strokes = np.stack([start, end], axis=1).reshape(-1, 2)
                paths.append(Path(strokes, codes))
        self.trails.set_paths(paths)


def show_grid(ax: Axes, points: np.ndarray, theme: Theme, size: float = 3.5,
              width: float = 0.6) -> None:
    """The decoder's grid points [N, 2], faint, under the codes (its "grid" layer)."""
    ax.plot(points[:, 0], points[:, 1], "+", ms=size, mew=width,
            color=theme.muted, alpha=0.35, zorder=1)


def classes(labels: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct labels, in order, and the samples of each (indexes, in order): one sort,
    so that 100,000 classes cost what ten do."""
    order = np.argsort(labels, kind="stable")
    values, starts = np.unique(labels[order], return_index=True)
    return values, np.split(order, starts[1:])


def _by_look(labels: np.ndarray, members: list[np.ndarray],
             theme: Theme) -> tuple[np.ndarray, list[np.ndarray]]:
    """Classes that look alike (one color, filled or hollow) merged into one: a label standing
    for each look, in order of first use, and its samples, in order."""
    looks: dict[tuple[str, bool], int] = {}
    for label in labels:
        looks.setdefault((cluster_color(theme, label), cluster_hollow(theme, label)), label)
    look_of = [(cluster_color(theme, label), cluster_hollow(theme, label)) for label in labels]
    merged = {look: [] for look in looks}
    for look, samples in zip(look_of, members):
        merged[look].append(samples)
    return (np.array(list(looks.values())),
            [np.sort(np.concatenate(parts)) for parts in merged.values()])


def _ranks(count: int, members: list[np.ndarray]) -> np.ndarray:
    """Each sample's class number (its place among the classes drawn)."""
    ranks = np.empty(count, np.int64)
    for number, samples in enumerate(members):
        ranks[samples] = number
    return ranks


def _legend_columns(fig: Figure, slot: Rect, run: Trajectory, labels: np.ndarray,
                    marks: list[str] = ()) -> int:
    """How many legend entries fit side by side in the panel's width (at most LEGEND_COLUMNS):
    matplotlib fills the columns one after another, each as wide as its widest entry (the
    classes' names first, then the `marks`')."""
    room_pt = _legend_room(fig, slot)
    names = [legend_name(run, label, _name_room(fig, slot, run, labels)) for label in labels
             ] + list(marks)
    widths = [text_width(name, FONT["tick"]) + ENTRY_EMS * FONT["tick"] for name in names]
    for columns in range(LEGEND_COLUMNS, 1, -1):
        # _legend asks for ceil(entries / rows) columns, read row by row (reading_order).
        if _columns_width(widths, -(-len(widths) // columns)) <= room_pt:
            return columns
    return 1


Y_NAMES = ("code neuron 2", "code 2")  # long to short


def _y_name_within(fig: Figure, slot: Rect, ax: Axes) -> None:
    """The y axis's name an em shorter than its slot is tall, so that the names of planes
    stacked in a column stay apart: the longest of Y_NAMES that fits, else none (eight runs
    at 640x360 stack three rows of 50 px planes, whose "code neuron 2" ran into each
    other's)."""
    room_pt = slot[3] * fig.get_size_inches()[1] * 72 - FONT["label"]
    ax.set_ylabel(next((name for name in Y_NAMES
                        if text_width(name, FONT["label"]) <= room_pt), ""))


def _key_column_in(fig: Figure, slot: Rect, run: Trajectory, labels: np.ndarray,
                   marks: list[str], below_in: float,
                   scale: CodeScale) -> tuple[float, int, float]:
    """The classes' key (and `marks`) in columns right of the plane, where there it leaves
    the codes drawn KEY_BESIDE_GAIN times larger than its rows under the plane (`below_in`
    tall, with the x axis's name) do: its width (inches), its columns (one to three: sixteen
    classes at 640x360, in rows under it, left the plane 65 px tall) and the room of each
    name (points); else (0, 0, 0). (A wide slot short of height: a 16:9 clip's plane beside
    a stack of panels at 640x360.)"""
    width_in, height_in = fig.get_size_inches()
    slot_w, slot_h = slot[2] * width_in, slot[3] * height_in
    title = run.experiment.data.label_column
    entry_ems = COLUMN_OPTIONS["handlelength"] + COLUMN_OPTIONS["handletextpad"]
    across, top = PANEL_MARGINS_IN[0] + 0.1, 0.4
    high_in = slot_h - top - 0.6  # the plane's (its x axis's ticks and name under it)
    shape = 1.0 if scale.blows_up else np.ptp(padded(scale.y)) / np.ptp(padded(scale.x))
    under = min(slot_w - across, (slot_h - top - below_in) / shape)
    best = (0.0, 0, 0.0, KEY_BESIDE_GAIN * under)
    for columns in (1, 2, 3):
        # (names cut to fit: the plane keeps most of the slot; each name keeps NAME_EMS, or
        # sixteen "c…" read as one class)
        share = 0.4 if columns == 1 else 0.5
        room_pt = share * slot_w * 72 / columns - COLUMN_OPTIONS["columnspacing"] * FONT["tick"]
        if room_pt < (entry_ems + NAME_EMS) * FONT["tick"]:
            continue
        # (legend_name keeps room for a legend's wider entry, ENTRY_EMS: a column's is less)
        room_pt += (ENTRY_EMS - entry_ems) * FONT["tick"]
        names = [legend_name(run, label, room_pt) for label in labels] + list(marks)
        rows = -(-len(names) // columns)  # (filled column by column)
        # (the column may reach down beside the x axis's name, to the slot's foot)
        if (rows + bool(title)) * COLUMN_ROW_EMS * FONT["tick"] / 72 > slot_h - top:
            continue
        widths = [text_width(name, FONT["tick"]) + entry_ems * FONT["tick"] for name in names]
        key_pt = sum(max(widths[column * rows:(column + 1) * rows])
                     for column in range(columns) if widths[column * rows:])
        key_pt += (columns - 1) * COLUMN_OPTIONS["columnspacing"] * FONT["tick"]
        key_in = (max(key_pt, text_width(title or "", FONT["tick"]))
                  + COLUMN_OPTIONS["borderaxespad"] * FONT["tick"]) / 72
        beside = min(slot_w - across - key_in, high_in / shape)
        if beside >= best[3]:
            best = (key_in, columns, room_pt, beside)
    return best[:3]


def _columns_width(widths: list[float], rows: int) -> float:
    """A key's width with its entries (`widths` wide) read row by row on `rows` rows (see
    reading_order): column c holds entries c, c + columns, ..."""
    columns = -(-len(widths) // rows)
    return float(sum(max(widths[column::columns]) for column in range(columns)))


def _legend_width(fig: Figure, slot: Rect, run: Trajectory, labels: np.ndarray,
                  entries: int, rows: int) -> float:
    """The classes' legend's width in points, as _legend_columns measures its columns (the
    entries in ceil(entries / rows) columns, the first ones an entry more where uneven)."""
    room_pt = _name_room(fig, slot, run, labels)
    names = [legend_name(run, label, room_pt) for label in labels][:entries]
    widths = [text_width(name, FONT["tick"]) + ENTRY_EMS * FONT["tick"] for name in names]
    return _columns_width(widths, rows)


def _title_row_marks(marks: list[str], fig: Figure, slot: Rect, run: Trajectory,
                     labels: np.ndarray, entries: int, rows: int) -> list[str]:
    """`marks` where they fit on the legend's first row, right of the label column's name
    (which has that row to itself), else none."""
    width = _legend_width(fig, slot, run, labels, entries, rows)
    name = text_width(run.experiment.data.label_column, FONT["tick"])
    needed = sum(text_width(mark, FONT["tick"]) + ENTRY_EMS * FONT["tick"] for mark in marks)
    return marks if name + FONT["tick"] + needed <= width else []


def _mark_name(mark: str, fig: Figure, slot: Rect) -> str:
    """A mark's name in the code plane's key: the long form where it takes at most half the
    key's width (MARK_NAMES)."""
    long, short = MARK_NAMES[mark]
    wide = text_width(long, FONT["tick"]) + ENTRY_EMS * FONT["tick"] > _legend_room(fig, slot) / 2
    return short if wide else long


def _legend_room(fig: Figure, slot: Rect) -> float:
    """The legend's width in points: the panel's, nearly."""
    return 0.95 * slot[2] * fig.get_size_inches()[0] * 72


def _name_room(fig: Figure, slot: Rect, run: Trajectory, labels: np.ndarray) -> float:
    """The room for each of `labels`' entries, points: the legend's width, or a
    column's where in fewer columns the key would take more than KEY_SHARE of the slot's
    height (sixteen 40-character names in one column pushed a plane out of an 854x480
    frame, its title over the header)."""
    room, count = _legend_room(fig, slot), len(labels)
    most_rows = max(1, int(KEY_SHARE * slot[3] * fig.get_size_inches()[1] / LEGEND_ROW_IN))
    widths = [text_width(legend_name(run, label, room), FONT["tick"]) + ENTRY_EMS * FONT["tick"]
              for label in labels]
    if any(_columns_width(widths, rows) <= room for rows in range(1, most_rows + 1)):
        return room  # (the names whole, or cut to the legend's width, in few enough rows)
    # (never so many that a name keeps less than NAME_EMS: sixteen "c…" read as one class)
    widest = (ENTRY_EMS + NAME_EMS + LEGEND_GAP_EMS) * FONT["tick"]
    columns = min(LEGEND_COLUMNS, -(-count // most_rows), max(1, int(room // widest)))
    return room if columns <= 1 else room / columns - LEGEND_GAP_EMS * FONT["tick"]


def _shared_name_room(fig: Figure, entries: int) -> float:
    """The room for each of `entries` in a comparison's key above the planes, points: the
    frame's width shared by its columns where it folds into two rows (see scene's
    _classes_key), so that even long names' key stays inside the frame. A tenth spared for
    the frame's margins, the key's padding and names measured by their ink, which run up to
    7 % short of a legend's layout (at 0.95, 68-character names ran off a 1280x720 frame's
    left edge)."""
    return 0.9 * fig.get_size_inches()[0] * 72 / max(1, -(-entries // 2))


def legend_name(run: Trajectory, label: int, room_pt: float) -> str:
    """A class's name as the legend shows it, cut so its entry fits `room_pt` points: its
    marker and gaps (as _legend_columns measures an entry) and the name. Cut to the whole
    room, a 40-character name's entry was wider than the slot it is centered on, and the
    key ran off the frame's left edge ("abel" for the label column's name, 854x480)."""
    return fit_text(class_name(run.label_names, label), FONT["tick"],
                    room_pt - ENTRY_EMS * FONT["tick"])


def _legend_entries(labels: np.ndarray, options: RenderOptions) -> int:
    """One entry per cluster and one for the PCA ghost; none for unlabeled data."""
    return labels.size + options.pca_ghost if labels.size > 1 or labels[0] >= 0 else 0


GHOST_NAME = MARK_NAMES["ghost"][0]  # the rings' name in a key (the clip's and the handout's)


GHOST_ALPHA = 0.45  # a ring's opacity where few rings overlap
GHOST_RING_PT = 5.0  # a ring's diameter, points
# Rings around a ring (within about a ring and a half) past which they grow fainter, so the
# ink of a pile stays that of this many rings: on linear-vs-pca's tight cluster 4, 50 rings
# at full opacity piled up into a solid dark-grey disk, read as a fifth class the key lacked.
GHOST_PILE = 4


def _ghost(ax: Axes, theme: Theme) -> PathCollection:
    """PCA's answer, fitted onto the codes (affine) frame by frame: hollow rings, fainter
    where they pile up (see ghost_colors)."""
    return ax.scatter([], [], s=GHOST_RING_PT ** 2, marker="o", facecolors="none",
                      edgecolors=[mcolors.to_rgba(theme.muted, GHOST_ALPHA)], linewidths=0.7,
                      zorder=DYNAMIC - 0.5, label=GHOST_NAME)


def ghost_colors(ax: Axes, rings: np.ndarray, theme: Theme) -> np.ndarray:
    """Each ring's color [N, 4]: the theme's muted gray at GHOST_ALPHA, divided where more
    than GHOST_PILE rings lie within a ring and a half of it (on the screen: counted in cells
    a ring wide, each with its 8 neighbours), so a pile reads as faint rings, never as a
    solid disk."""
    colors = np.tile(mcolors.to_rgba(theme.muted, GHOST_ALPHA), (len(rings), 1))
    finite = np.all(np.isfinite(rings), axis=1)
    if not finite.any():
        return colors
    ring_px = GHOST_RING_PT * ax.get_figure().dpi / 72
    box = ax.bbox  # (rings off the plane are not seen: counted at its edge, the grid small)
    pixels = np.clip(ax.transData.transform(rings[finite]), [box.x0 - ring_px, box.y0 - ring_px],
                     [box.x1 + ring_px, box.y1 + ring_px])
    cells = np.floor(pixels / ring_px).astype(np.int64)
    cells -= cells.min(axis=0) - 1  # from 1: a border of empty cells for the neighbours
    counts = np.zeros(tuple(cells.max(axis=0) + 2), np.int64)
    np.add.at(counts, (cells[:, 0], cells[:, 1]), 1)
    around = sum(np.roll(np.roll(counts, dx, 0), dy, 1) for dx in (-1, 0, 1) for dy in (-1, 0, 1))
    crowd = around[cells[:, 0], cells[:, 1]]
    colors[finite, 3] = GHOST_ALPHA * np.minimum(1.0, GHOST_PILE / crowd)
    return colors


def _points(ax: Axes, run: Trajectory, theme: Theme, label: int, room_pt: float,
            size: float = 3.6) -> Line2D:
    """The (empty) points of one cluster, in the color of its label value, `size` points
    across."""
    name = legend_name(run, label, room_pt)
    color = cluster_color(theme, label)
    hollow = cluster_hollow(theme, label)
    (points,) = ax.plot([], [], "o", ms=size, mfc="none" if hollow else color,
                        mec=color if hollow else "none", mew=0.9, alpha=0.85, zorder=DYNAMIC,
                        label=name)
    return points


LEGEND_BELOW_IN = 0.55  # the classes' legend's top under the plane (its axis label above)


def _legend(ax: Axes, theme: Theme, entries: int, rows: int, title: str | None,
            slot: Rect, title_marks: list[str] = (), width_pt: float = 0.0) -> None:
    """The clusters' legend below the axis label, clear of the points; `title`: the label
    column's name, before the entries. Centered on the slot, whose width it is given (see
    _legend_room), not on the axes, which the y label's margin moves right: centered on them
    a wide legend reached into the next panel ("cluster 4" beside the weights' "input 4")."""
    below = LEGEND_BELOW_IN / height_inches(ax)
    box = ax.get_position()
    middle = (slot[0] + slot[2] / 2 - box.x0) / box.width
    handles = reading_order([ax.get_legend_handles_labels()[0]], rows, Line2D([], [], ls=""))
    legend = ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(middle, -below),
                       ncol=len(handles) // rows, frameon=False, fontsize=FONT["tick"],
                       markerscale=2.2, handletextpad=0.2, columnspacing=1.2,
                       labelcolor=theme.foreground, title=title,
                       title_fontsize=FONT["tick"], alignment="left")
    legend.get_title().set_color(theme.muted)
    legend.set_zorder(1)
    middle += _inside_frame(ax, legend)
    if title_marks:  # on the title's row, at the legend's right end (`width_pt` wide)
        right = middle + width_pt / 2 / 72 / (box.width * ax.get_figure().get_size_inches()[0])
        handles = [Line2D([], [], ls="none", marker="+", ms=3.5, mew=0.6, color=theme.muted,
                          label=name) for name in title_marks]
        marks = Legend(ax, handles, title_marks, loc="upper right",
                       bbox_to_anchor=(right, -below), ncol=len(handles), frameon=False,
                       fontsize=FONT["tick"], markerscale=2.2, handletextpad=0.2,
                       columnspacing=1.2, labelcolor=theme.foreground)
        marks.set_zorder(1)
        ax.add_artist(marks)


def _inside_frame(ax: Axes, legend: Legend) -> float:
    """Move `legend` sideways (anchored in `ax`'s fractions) into the frame where, as
    drawn, it runs past an edge (its names measured by their ink ran a little short: at
    640x360 "label" was cut to "abel"); returns the move, in `ax`'s fractions."""
    fig = ax.get_figure()
    drawn = legend.get_window_extent(fig.canvas.get_renderer())
    shift_px = max(0.0, -drawn.x0) - max(0.0, drawn.x1 - fig.bbox.width)
    if not shift_px:
        return 0.0
    shift = shift_px / ax.bbox.width
    anchor = ax.transAxes.inverted().transform(legend.get_bbox_to_anchor().p0)
    legend.set_bbox_to_anchor((anchor[0] + shift, anchor[1]), transform=ax.transAxes)
    return shift


# A key strip (CodePanel's `legend_span`): entries narrower than a legend's defaults (a
# marker's own width, ems), its rows this far apart (inches).
STRIP_OPTIONS = {"handlelength": 0.8, "handletextpad": 0.3, "columnspacing": 0.9,
                 "borderpad": 0.0, "borderaxespad": 0.0}
STRIP_ROW_IN = 0.26


class KeyStrip:
    """The key of one run's plane drawn beside its own decoder: under both, the classes in
    one row (the label column's name first, PCA's rings last), the decoder's "+" grid points
    and a VAE's key in a second (in the first where all fit). Under the plane alone, ten
    digits took two rows and their name, the marks and the VAE's key two more: at 640x360
    the plane was 90 px tall."""

    def __init__(self, span: Rect, span_pt: float, classes: list[str], titled: bool,
                 marks: list[str], vae_key: tuple[str, ...], ellipses: bool):
        """`classes`: the names in the first row (the label column's first where `titled`);
        `vae_key`: the VAE's key's texts (none: no key in the strip)."""
        self.span, self.room_pt, self.titled = span, 0.95 * span_pt, titled
        self.classes, self.marks, self.vae_key, self.ellipses = classes, marks, vae_key, ellipses
        second = _strip_width(marks) + (
            (FONT["tick"] * STRIP_OPTIONS["columnspacing"] if marks else 0.0)
            + row_key_width(ellipses, vae_key) if vae_key else 0.0)
        gap = FONT["tick"] * 2 * STRIP_OPTIONS["columnspacing"]
        # Both rows' entries in one where they fit (1280x720), else a row each.
        self.one_row = bool(second) and _strip_width(classes) + gap + second <= self.room_pt
        self.widths = ((_strip_width(classes) + gap + second,) if self.one_row
                       else (_strip_width(classes), second))
        # The first row as tall as its tallest name: math (a sum's limits, a fraction of
        # fractions) stood a line and a half above and below it, into the second row.
        self.first_in = STRIP_ROW_IN + _taller_pt(classes) / 72

    @classmethod
    def of(cls, fig: Figure, slot: Rect, span: Rect, run: Trajectory, labels: np.ndarray,
           layers, options: RenderOptions, title: str) -> KeyStrip | None:
        """The strip for `run`'s plane in `slot` (titled `title`) with these `layers`, or
        None where its rows are wider than `span`; a VAE's key stays on the plane's title
        line where it fits there (see variational.key_beside_title)."""
        span_pt = span[2] * fig.get_size_inches()[0] * 72
        room = 0.95 * span_pt
        name = run.experiment.data.label_column
        classes = ([name] if name else []) + [legend_name(run, label, room) for label in labels
                                               ] + ([GHOST_NAME] if options.pca_ghost else [])
        beside = key_beside_title(slot[2] * fig.get_size_inches()[0] - PANEL_MARGINS_IN[0],
                                  title, "ellipses" in layers)
        grid = [mark for mark in plane_marks(layers) if mark == "grid"]  # (PCA's: a class's)
        forms = [[MARK_NAMES[mark][0] for mark in grid], [MARK_NAMES[mark][1] for mark in grid]]
        keys = [KEY_TEXTS, SHORT_KEY_TEXTS] if "circles" in layers and not beside else [()]
        for marks in forms:
            for key in keys:
                strip = cls(span, span_pt, classes, bool(name), marks, key,
                            "ellipses" in layers)
                if max(strip.widths) <= room:
                    return strip
        return None

    def rows(self) -> int:
        return 1 + bool(self.marks or self.vae_key) - self.one_row

    def height_in(self) -> float:
        """Under the plane's axis label: its rows and a little room under them."""
        return self.first_in + (self.rows() - 1) * STRIP_ROW_IN + 0.05

    def _anchor(self, ax: Axes) -> tuple[float, float, float]:
        """The strip's left, its first and its second row's tops, in `ax`'s fractions."""
        box, (width_in, height_in) = ax.get_position(), ax.get_figure().get_size_inches()
        left_pt = (self.span[0] + self.span[2] / 2 - box.x0) * width_in * 72 - max(
            self.widths) / 2
        left = left_pt / 72 / (box.width * width_in)
        top = -LEGEND_BELOW_IN / (box.height * height_in)
        second = top - self.first_in / (box.height * height_in) * (not self.one_row)
        return left, top, second

    def _marks_pt(self) -> float:
        """The marks' width in the second row, and the gap after them."""
        return (_strip_width(self.marks) + FONT["tick"] * STRIP_OPTIONS["columnspacing"]
                if self.marks else 0.0)

    def vae_key_at(self, ax: Axes) -> tuple[float, float]:
        """Where the VAE's key goes first (its top left, `ax`'s fractions): the second row's
        start (draw moves it after the marks, as drawn)."""
        left, _, second = self._anchor(ax)
        return left, second

    def key_room_pt(self) -> float:
        """The VAE key's room after the marks (its long form where the strip chose it)."""
        return self.room_pt - self._marks_pt()

    def draw(self, ax: Axes, theme: Theme, handles: list, key: Legend | None = None) -> None:
        """The classes' row (`handles`: their points, then PCA's rings), then the marks and
        the VAE's `key` (made by its overlay, moved here): each placed after the one before
        as drawn (measured: a row's estimate ran short by a marker's width at 1280x720), the
        rows centered on the span as drawn."""
        left, first, second = self._anchor(ax)
        shown = ([Line2D([], [], ls="")] if self.titled else []) + handles
        colors = [theme.muted] * self.titled + [theme.foreground] * len(handles)
        rows = [ax.legend(handles=shown, labels=self.classes, loc="upper left",
                          bbox_to_anchor=(left, first), ncol=len(shown), frameon=False,
                          fontsize=FONT["tick"], markerscale=2.2, labelcolor=colors,
                          **STRIP_OPTIONS)]
        fig = ax.get_figure()
        renderer, px = fig.canvas.get_renderer(), fig.dpi / 72
        to_axes = ax.transAxes.inverted()
        gap = FONT["tick"] * STRIP_OPTIONS["columnspacing"] * px
        drawn = rows[0].get_window_extent(renderer)
        x = drawn.x1 + 2 * gap if self.one_row else drawn.x0  # (pixels)
        # (under the first row as drawn, where it is taller than measured)
        y = ax.transAxes.transform((0.0, second))[1]
        y = y if self.one_row else min(y, drawn.y0)
        if self.marks:
            marks = [Line2D([], [], ls="none", marker="+", ms=3.5, mew=0.6, color=theme.muted)
                     for _ in self.marks]
            rows.append(Legend(ax, marks, self.marks, loc="upper left",
                               bbox_to_anchor=tuple(to_axes.transform((x, y))),
                               ncol=len(marks), frameon=False, fontsize=FONT["tick"],
                               markerscale=2.2, labelcolor=theme.foreground, **STRIP_OPTIONS))
            ax.add_artist(rows[-1])
            x = rows[-1].get_window_extent(renderer).x1 + gap
        if key is not None:  # (less its own padding, which the strip's rows do without)
            pad = (KEY_OPTIONS["borderaxespad"] + rcParams["legend.borderpad"]) * KEY_PT * px
            key.set_bbox_to_anchor(tuple(to_axes.transform((x - pad, y + pad))),
                                   transform=ax.transAxes)
            rows.append(key)
        right = max(row.get_window_extent(renderer).x1 for row in rows)
        middle = fig.transFigure.transform((self.span[0] + self.span[2] / 2, 0.0))[0]
        shift = middle - (drawn.x0 + right) / 2
        tall = self.one_row and self.first_in > STRIP_ROW_IN  # the rest beside its middle
        for row in rows:
            row.set_zorder(max(row.get_zorder(), 1))
            anchor = row.get_bbox_to_anchor()
            box = row.get_window_extent(renderer)
            lower = (box.y0 + box.y1 - drawn.y0 - drawn.y1) / 2 if tall and row is not rows[0] \
                else 0.0
            moved = to_axes.transform((anchor.x0 + shift, anchor.y0 - lower))
            row.set_bbox_to_anchor(tuple(moved), transform=ax.transAxes)


def _crowded(ax: Axes, width_in: float) -> bool:
    """Whether the x numbers matplotlib chose for `ax` take more room than clear_ticks
    allows them (the widest, an em between each)."""
    low, high = sorted(ax.get_xlim())
    ticks = [tick for tick in ax.get_xticks() if low <= tick <= high]
    labels = ax.xaxis.get_major_formatter().format_ticks(ticks)
    widest = max([0.0] + [text_width(label, FONT["tick"]) for label in labels])
    return len(ticks) * (widest + FONT["tick"]) > ax.get_position().width * width_in * 72


def _taller_pt(names: list[str]) -> float:
    """How much taller than a line of text the tallest of `names` is laid out, points."""
    size = FONT["tick"]
    line = layout_height("lp", size)
    return max([0.0] + [layout_height(name, size) - line for name in names])


def _strip_width(names: list[str]) -> float:
    """A strip row's width in points: each entry its marker, a gap and its name."""
    if not names:
        return 0.0
    size = FONT["tick"]
    entry = (STRIP_OPTIONS["handlelength"] + STRIP_OPTIONS["handletextpad"]) * size
    return (sum(entry + layout_width(name, size) for name in names)
            + (len(names) - 1) * STRIP_OPTIONS["columnspacing"] * size)
