"""The decoder panel: what the decoder makes of the whole code plane, frame by frame.

A grid of points spanning the code plane's extent goes through the decoder with each frame's
weights. Image data: the decoded images as a mosaic (Kingma & Welling's manifold figure), in
code-plane coordinates. Other data: the decoded grid as a mesh (a curve-net sheet) among the
data points, in the data's own plane (2-D), through a fixed camera (3-D) or on the data's first
two principal axes (more dimensions): the sheet the autoencoder has learned, bending towards
the data as it trains: drawn strong where the codes are, faint beyond (where the decoder
extrapolates). A denoising run's sheet also shows some samples' corrupted inputs, each linked to
the network's output for it.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib import colors as mcolors
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerBase
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator

from aeviz.renderer.decoding import (  # noqa: F401 - the names the panel has always had
    CAMERA,
    data_projection,
    decode,
    decoder_grid,
    mosaic,
    sheet_region,
)
from aeviz.renderer.decoding import mesh_path as decoded_mesh
from aeviz.renderer.description import (  # noqa: F401
    MARK_NAMES,
    MESH_SIDE,
    MESH_STEPS,
    MOSAIC_GAP,
    MOSAIC_SIDE,
    SHORT_TITLES,
    DecoderGrid,
    decoder_grid_for,
    mosaic_margins,
    noisy_inputs,
    sheet_marks,
)
from aeviz.renderer.panels.placement import fit_text, reading_order, text_width
from aeviz.renderer.panels.style import (
    DYNAMIC,
    FONT,
    Rect,
    cluster_color,
    height_inches,
    panel_axes,
    set_title,
    style_grid,
    width_inches,
)
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State
from aeviz.training.model import forward

GAP = MOSAIC_GAP  # image pixels between a mosaic's images


def mesh_path(sheet: np.ndarray, steps: int = MESH_STEPS) -> np.ndarray:
    """A decoded grid [count, count, 2] as one polyline (see decoding.mesh_path)."""
    return decoded_mesh(sheet, steps)


def decoder_panel(fig: Figure, slot: Rect, view: RunView, theme: Theme,
                  title: str, grid: DecoderGrid | None = None,
                  compact: bool = False, title_color: str | None = None,
                  beside: bool = False, triad: bool | None = None) -> MosaicPanel | SheetPanel:
    """The view that suits the data: a mosaic for images, a sheet for the rest; `grid`: the
    description's (default: the run's own, as describe gives a run drawn alone); `compact`:
    a handout's cell (`slot` is the axes themselves: no ticks, labels or legend; print
    sizes); `title_color`: a comparison's run color (its name is the title); `beside`: a
    mosaic right of its own run's code plane, which names the y axis for it; `triad`: a
    3-D sheet's x/y/z arrows (default: unless compact; a handout draws them in its row's
    first cell, as the clip does on its panel)."""
    # The title fits the slot, past the axis labels' margin on the left (a handout's cell:
    # an ellipsis alone is no title).
    title = _title_form(title, (slot[2] * fig.get_size_inches()[0] - 1.0) * 72)
    title = "" if title == "…" else title
    grid = grid or decoder_grid_for(view, slot, tuple(fig.get_size_inches()), fig.dpi)
    if grid.kind == "mosaic":
        return MosaicPanel(fig, slot, view, theme, title, grid, compact, title_color, beside)
    return SheetPanel(fig, slot, view, theme, title, grid, compact, title_color,
                      not compact if triad is None else triad)


def _title_form(title: str, room_pt: float) -> str:
    """`title` if it fits `room_pt`, else its short form (SHORT_TITLES), else cut."""
    if text_width(title, FONT["title"]) > room_pt:
        title = SHORT_TITLES.get(title, title)
    return fit_text(title, FONT["title"], room_pt)


class MosaicPanel:
    """The decoded images of a MOSAIC_SIDE x MOSAIC_SIDE grid of the code plane, placed
    where their codes are: its axes are the code plane's."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str,
                 grid: DecoderGrid, compact: bool = False, title_color: str | None = None,
                 beside: bool = False):
        run = view.run
        self.view, self.shape = view, run.experiment.data.image_shape
        ax = panel_axes(fig, slot, (0, 0, 0, 0) if compact else mosaic_margins(beside), theme,
                        title, title_color=title_color)
        ax.set_xlabel("code neuron 1")
        if not beside:  # beside its plane: the plane's label names both
            ax.set_ylabel("code neuron 2")
        height, width = self.shape
        ax.set_box_aspect(height / width)  # undistorted images, in the middle of the slot
        ax.set_anchor("N" if beside else "C")  # beside its plane: level with the plane's top
        if not compact:
            ax.apply_aspect()
            _on_whole_pixels(ax)  # the images' gaps fall on the same pixels in every slot
            # The title starts where the axes do now: it fits from there to the slot's right.
            room_pt = (slot[0] + slot[2] - ax.get_position().x0) * fig.get_size_inches()[0] * 72
            set_title(ax, _title_form(title, room_pt - 6), theme, title_color)
        self.gap = GAP  # in a handout's cell too: without gaps the digits merge into stripes
        self.side = side = grid.side
        self.grid = self.grid_points = grid.points()
        x0, x1, y0, y1 = grid.extent
        # Each image centered on its code: the mosaic reaches half a cell past the grid.
        half_x, half_y = (x1 - x0) / (side - 1) / 2, (y1 - y0) / (side - 1) / 2
        extent = (x0 - half_x, x1 + half_x, y0 - half_y, y1 + half_y)
        light = max(mcolors.to_rgb(theme.background)) > 0.5
        cmap = matplotlib.colormaps["gray_r" if light else "gray"].with_extremes(
            bad=theme.background)  # the gaps between the images
        gap = self.gap
        self.image = ax.imshow(np.zeros((side * (height + gap) - gap, side * (width + gap) - gap)),
                               extent=extent, aspect="auto", zorder=DYNAMIC,
                               cmap=cmap, vmin=grid.values[0],
                               vmax=grid.values[1], interpolation="antialiased")
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        # A small square: ticks that clear each other, whatever its size ("-2.5", "0.0" and
        # "2.5" side by side need more than an inch).
        box = ax.get_position()
        clear_ticks(ax.xaxis, ax.get_xlim(), box.width * fig.get_size_inches()[0], across=True)
        clear_ticks(ax.yaxis, ax.get_ylim(), box.height * fig.get_size_inches()[1], across=False)
        if compact:
            _bare(ax)
        self.artists = [self.image]
        self.ax = ax

    def update(self, state: State) -> None:
        self.image.set_data(mosaic(self.view, self.grid, self.side, state, self.gap))


class SheetPanel:
    """The decoded grid as a mesh in data space, with the data: in the data's own plane
    (2-D), through a fixed camera (3-D), or on its first two principal axes."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str,
                 grid: DecoderGrid, compact: bool = False, title_color: str | None = None,
                 named: bool = True):
        run = view.run
        self.view, self.described = view, grid
        x = run.x.astype(float)
        self.center, self.axes, names = data_projection(x, run)
        self.grid = grid.points(grid.steps)
        self.grid_points = grid.points()
        flat = (x - self.center) @ self.axes
        self.noisy = noisy_inputs(view, grid)
        ax = panel_axes(fig, slot, (0, 0, 0, 0) if compact else (0.9, BELOW_PANEL_IN, 0.25, 0.4),
                        theme, title, title_color=title_color)
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        style_grid(ax, theme)
        if x.shape[1] == 3:  # a camera's plane has no meaningful ticks: a triad instead
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
        ax.scatter(flat[:, 0], flat[:, 1], s=2 if compact else 7, alpha=0.45, linewidths=0,
                   c=[cluster_color(theme, label) for label in run.labels],
                   rasterized=compact and len(flat) > 5000)
        # The data's key sample in its classes' colors, as drawn (a grey dot was not them).
        dots = tuple(dict.fromkeys(cluster_color(theme, label) for label in run.labels))
        # Fixed for the clip: the data and the final sheets in view (the description's limits,
        # shared by the runs of a comparison), one unit as long on both axes (a sheet's bends
        # are not stretched).
        ax.set_xlim(*grid.x)
        ax.set_ylim(*grid.y)
        # A box taller than what it shows (a wide arc in a tall slot): the box shrunk to it,
        # its key under it (else the limits grew to fill the box, and the key sat inside, in
        # the empty lower half of a plane 95 x 175 px at 640x360).
        keyed = False
        box = ax.get_position().bounds
        spare = 0.0
        for _ in range(2):  # again, once, without the room numbers no longer drawn took
            ax.set_position(box)
            ax.set_xlim(*grid.x)
            ax.set_ylim(*grid.y)
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            if not compact and x.shape[1] != 3:
                _margins_to_ticks(ax, slot, spare)
            if not compact and ax.get_xlabel():
                keyed = _key_below(ax, theme, sheet_marks(grid), slot, dots=dots)
            equal_scales(ax)
            if compact or x.shape[1] == 3:
                break
            spare = _spare_left(ax, slot)
            if spare * fig.dpi < 1:  # within a pixel of its numbers
                break
        noisy_flat = np.empty((0, 2)) if self.noisy is None else \
            (self.noisy - self.center) @ self.axes
        if not compact and not keyed and x.shape[1] != 3 and ax.get_xlabel() and \
                not _clear_inside(ax, theme, sheet_marks(grid),
                                  np.concatenate([flat, noisy_flat]), dots):
            # No room inside for every mark by its whole name clear of the data (the
            # 640x360 denoising clip keyed "grid" and "beyond"): the plane made smaller, the
            # key under it.
            keyed = _key_below(ax, theme, sheet_marks(grid), slot, shrink=True, dots=dots)
            equal_scales(ax)
        triad = None
        if x.shape[1] == 3 and named:
            triad = _triad(ax, self.axes, [run.feature_name(i) for i in range(3)], theme, flat)
        # Beyond the codes the decoder extrapolates: that part of the grid only faintly.
        (self.outside,) = ax.plot([], [], color=theme.foreground, lw=0.5, alpha=0.12,
                                  zorder=DYNAMIC - 0.2, visible=grid.region)
        (self.mesh,) = ax.plot([], [], color=theme.foreground, lw=0.5 if compact else 0.8,
                               alpha=0.75, zorder=DYNAMIC)
        self.artists = [self.outside, self.mesh]
        # The triad's names over the sheet, which moves: drawn with it, after it.
        self.artists += [text for text in ax.texts if triad and text.get_text()]
        if self.noisy is not None:
            flat_noisy = noisy_flat
            ax.scatter(flat_noisy[:, 0], flat_noisy[:, 1], s=4 if compact else 9, marker="x",
                       linewidths=0.7, color=theme.muted, zorder=DYNAMIC - 0.1)
            (self.links,) = ax.plot([], [], color=theme.muted, lw=0.6, alpha=0.7,
                                    zorder=DYNAMIC - 0.1)
            self.artists.append(self.links)
        if compact:
            _bare(ax)
        elif not keyed:
            drawn = flat if self.noisy is None else np.concatenate([flat, flat_noisy])
            _legend(ax, theme, sheet_marks(grid), points=drawn, triad=triad, dots=dots)
            key = ax.get_legend()
            if key is not None and key.get_frame_on():  # inside the panel, over the sheet:
                # drawn after the sheet's lines, which move (in the background, under them,
                # the faint sheet beyond the codes crossed its text at 640x360)
                key.set_zorder(DYNAMIC + 2)
                self.artists.append(key)
        self.ax = ax

    def _sheet(self, state: State) -> np.ndarray:
        """The decoded grid, projected: [count, count, 2]."""
        count = (self.described.side - 1) * self.described.steps + 1
        sheet = (decode(self.view, self.grid, state) - self.center) @ self.axes
        return sheet.reshape(count, count, 2)

    def update(self, state: State) -> None:
        sheet, grid = self._sheet(state), self.described
        if grid.region:
            self.outside.set_data(*mesh_path(sheet, grid.steps).T)
            inside = sheet_region(state.codes, grid.extent, grid.side, grid.steps)
            sheet = np.where(inside[..., None], sheet, np.nan)
        self.mesh.set_data(*mesh_path(sheet, grid.steps).T)
        if self.noisy is not None:  # each noisy input to the network's output for it
            run = self.view.run
            output = forward(self.noisy, [np.asarray(w, float) for w in state.weights],
                             [np.asarray(b, float) for b in state.biases],
                             run.activations)[-1]
            ends = np.stack([self.noisy, output], axis=1) - self.center
            gaps = np.full((len(ends), 1, ends.shape[2]), np.nan)
            links = np.concatenate([ends, gaps], axis=1).reshape(-1, ends.shape[2]) @ self.axes
            self.links.set_data(links[:, 0], links[:, 1])


def _on_whole_pixels(ax) -> None:
    """Move the axes' box to whole pixels (its size too): runs side by side, whose slots
    start a fraction of a pixel apart, then draw the same mosaic to the same pixels."""
    fig = ax.get_figure()
    width_px, height_px = fig.bbox.width, fig.bbox.height
    x0, y0, w, h = ax.get_position().bounds
    left, bottom = round(x0 * width_px), round(y0 * height_px)
    wide = round(w * width_px)
    high = round(wide * ax.get_box_aspect()) if ax.get_box_aspect() else round(h * height_px)
    # A millionth of a pixel less each way: the fractions of the figure carry rounding
    # error, and matplotlib before 3.11 resamples an image to ceil(its width in pixels):
    # 292.0000001 would become 293 pixels in one slot and 292 in its twin.
    ax.set_position((left / width_px, bottom / height_px, (wide - 1e-6) / width_px,
                     (high - 1e-6) / height_px), which="both")


def clear_ticks(axis, limits: tuple[float, float], inches: float, across: bool) -> None:
    """Nice ticks within `limits`, every other one dropped (0 kept) until their labels fit
    along `inches` with room between them (`across`: labels side by side, else stacked)."""
    low, high = sorted(limits)
    ticks = [t for t in MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
             if low <= t <= high]
    labels = [f"{t:g}" for t in ticks] or ["0"]
    size = FONT["tick"] * 1.1 if not across else max(text_width(label, FONT["tick"])
                                                     for label in labels) + FONT["tick"]
    most = max(1, int(inches * 72 // (size + (FONT["tick"] if not across else 0))))
    while len(ticks) > most:
        keep = ticks.index(0.0) % 2 if 0.0 in ticks else 0
        ticks = ticks[keep::2]
    axis.set_major_locator(FixedLocator(ticks))


def _bare(ax) -> None:
    """A handout's decoder cell: the picture alone (its row is named beside the first)."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.grid(False)


def equal_scales(ax) -> None:
    """Widen the shorter range so one unit is as long on both axes, filling the box."""
    fig = ax.get_figure()
    box = ax.get_position()
    width_in, height_in = fig.get_size_inches()
    box_ratio = (box.height * height_in) / (box.width * width_in)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if (y1 - y0) / (x1 - x0) < box_ratio:
        grow = ((x1 - x0) * box_ratio - (y1 - y0)) / 2
        ax.set_ylim(y0 - grow, y1 + grow)
    else:
        grow = ((y1 - y0) / box_ratio - (x1 - x0)) / 2
        ax.set_xlim(x0 - grow, x1 + grow)


def _triad(ax, axes: np.ndarray, names: list[str], theme: Theme,
           points: np.ndarray) -> str:
    """The three data axes as arrows 0.35 inches long (when seen side on; less in a small
    panel), each named beyond its tip, where the fewest of `points` (the data, data
    coordinates) lie near the arrows or under the names' boxes: a corner (a fixed one put
    the names over the data at 640x360), else, where each corner has data there (a
    handout's cell: its "x" stood on six points of the arc), the clear place nearest one,
    else a smaller triad whose names stay apart. Returns the corner ("lower left", ...) it
    stands in or nearest."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inches = min(0.35, 0.2 * height_inches(ax))  # smaller in a small panel
    per_pt = (y1 - y0) / height_inches(ax) / 72  # data units a point (equal scales)
    units = [direction / max(float(np.linalg.norm(direction)), 1e-9) for direction in axes]
    # A name's box, half its width and height, with its halo and a point's room.
    halves = np.array([((text_width(name, FONT["small"]) / 2 + HALO_PT / 2 + 1) * per_pt,
                        (0.6 * FONT["small"] + HALO_PT / 2 + 1) * per_pt) for name in names])

    def shape(length: float) -> tuple[float, list[np.ndarray]]:
        """The room from an edge (an arrow, its name beyond the tip, the name's half
        height) and the names' places from the origin, for arrows `length` long."""
        edge = 1.45 * length + 0.7 * FONT["small"] * per_pt
        return edge, [length * direction + 0.45 * length * unit
                      for direction, unit in zip(axes, units)]

    def origins(edge: float) -> list[tuple[str, np.ndarray]]:
        """The corners, then places on a grid between them, each with its nearest corner."""
        xs = {"left": x0 + edge, "right": x1 - edge, "center": (x0 + x1) / 2}
        ys = {"lower": y0 + edge, "upper": y1 - edge, "center": (y0 + y1) / 2}
        corners = [(corner, np.array([xs[corner.split()[1]], ys[corner.split()[0]]]))
                   for corner in TRIAD_CORNERS]
        grid = [np.array([x, y]) for y in np.linspace(ys["lower"], ys["upper"], TRIAD_GRID)
                for x in np.linspace(xs["left"], xs["right"], TRIAD_GRID)]
        return corners + [(min(corners, key=lambda c: np.hypot(*(c[1] - at)))[0], at)
                          for at in grid]

    def covered(origin: np.ndarray, length: float, name_at: list[np.ndarray]) -> int:
        """The data points near the arrows (sampled along each) or under the names."""
        marks = np.array([origin + t * length * direction for direction in axes
                          for t in np.linspace(0, 1, 6)])
        near = np.abs(points[:, None] - marks[None]).max(axis=2).min(axis=1) <= 0.25 * length
        for at, (half_x, half_y) in zip(name_at, halves):
            offset = np.abs(points - (origin + at))
            near |= (offset[:, 0] <= half_x) & (offset[:, 1] <= half_y)
        return int(near.sum())

    def apart(name_at: list[np.ndarray]) -> bool:
        """Whether the names' boxes at `name_at` stand clear of each other."""
        return all(np.any(np.abs(name_at[i] - name_at[j]) > halves[i] + halves[j])
                   for i in range(len(name_at)) for j in range(i))

    best = None  # (covered, corner, origin, length, names' places)
    for share in TRIAD_SHARES:  # the full size where any place is clear, else smaller
        length = share * inches * 72 * per_pt
        edge, name_at = shape(length)
        if best is not None and not apart(name_at):  # smaller, "x1" ran into "x2"
            break
        for corner, origin in origins(edge):
            count = covered(origin, length, name_at)
            if best is None or count < best[0]:
                best = (count, corner, origin, length, name_at)
            if count == 0:
                break
        if best[0] == 0:
            break
    _, corner, origin, length, name_at = best
    for direction, name, at in zip(axes, names, name_at):
        ax.annotate("", xy=origin + length * direction, xytext=origin, zorder=2,
                    arrowprops={"arrowstyle": "-|>", "color": theme.muted, "lw": 0.9})
        # A halo in the background's color: the faint sheet beyond the codes moves under
        # the names (at 640x360 its lines crossed the x, y and z).
        ax.text(*(origin + at), name, color=theme.muted,
                fontsize=FONT["small"], ha="center", va="center", zorder=DYNAMIC + 1,
                path_effects=[patheffects.withStroke(linewidth=HALO_PT,
                                                     foreground=theme.background)])
    return corner


HALO_PT = 3.0  # the triad's names' halo, a stroke this wide around each glyph
TRIAD_GRID = 9  # places tried across the panel (a grid this many a side) for a triad
TRIAD_SHARES = (1.0, 0.8, 0.6)  # ... at its full size, then smaller


NOISY_NAME = MARK_NAMES["noisy"][0]  # a denoising run's x marks, joined to their outputs
TRIAD_CORNERS = ("lower left", "lower right", "upper left", "upper right", "upper center",
                 "lower center", "center left", "center right")


def _mark_handle(mark: str, theme: Theme, name: str, dots: tuple[str, ...] = ()) -> Line2D:
    """A key's sample of a sheet's `mark` (see description.sheet_marks), as the panel draws
    it; the faint sheet (drawn at alpha 0.12) keyed a little stronger, to be seen. `dots`:
    the data's class colors, its sample a dot of each (ClassDots)."""
    if mark == "data" and len(dots) > 1:
        return ClassDots(dots, label=name)
    look = {"data": {"marker": "o", "ls": "", "color": dots[0] if dots else theme.muted},
            "sheet": {"color": theme.foreground, "lw": 0.8},
            "beyond": {"color": theme.foreground, "lw": 0.8, "alpha": 0.3},
            "noisy": {"marker": "x", "ls": "-", "lw": 0.6, "color": theme.muted}}[mark]
    return Line2D([], [], label=name, **look)


class ClassDots(Line2D):
    """The data's sample in a sheet's key: a dot in each of its first classes' colors (a grey
    dot keyed the blue, orange and green arc as "data": the 640x360 denoising clip)."""

    def __init__(self, colors: tuple[str, ...], label: str):
        super().__init__([], [], marker="o", ls="", label=label)
        self.colors = colors[:3]


DOT_PT = 5.0  # a ClassDots dot's diameter, at most


class ClassDotsHandler(HandlerBase):
    """Draws a ClassDots sample: its dots side by side across the sample's width."""

    def create_artists(self, legend, orig_handle, xdescent, ydescent, width, height,
                       fontsize, trans):
        count = len(orig_handle.colors)
        size = min(DOT_PT, 0.9 * width / count)  # (points, as the sample's width)
        return [Line2D([-xdescent + width * (i + 0.5) / count], [-ydescent + height / 2],
                       marker="o", ls="", markersize=size, color=color, transform=trans)
                for i, color in enumerate(orig_handle.colors)]


Legend.update_default_handler_map({ClassDots: ClassDotsHandler()})


def key_forms(marks: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The forms a sheet's key tries, longest first: every mark by its name, then by its
    short name; only then without the faint sheet (where even the short form has no room)."""
    forms = [marks, tuple(mark for mark in marks if mark != "beyond")]
    return [form for form in dict.fromkeys(forms)]


def _legend(ax, theme: Theme, marks: tuple[str, ...], points: np.ndarray | None = None,
            triad: str | None = None, dots: tuple[str, ...] = ()) -> None:
    """The key of `marks` (description.sheet_marks: data, decoded grid, the faint sheet
    beyond the codes, a denoising run's noisy inputs): under the panel where it has no x axis
    label (a camera's view: the margin is free; inside it sat on the sheet, which moves);
    else, each form in turn (key_forms: full names, short names, then without the faint
    sheet), right-aligned on the title line if it fits in one row beside the run's name, or
    inside, in the corner holding the fewest of `points` (the data and noisy inputs drawn)
    and inside the frame (a key wider than the panel covered the y tick labels); a panel too
    small for any has the shortest on the title line instead."""
    forms = [[_mark_handle(mark, theme, name, dots) for mark, name in zip(form, names)]
             for form in key_forms(marks) for names in _name_forms(form)]
    room_pt = width_inches(ax) * 72
    style = {"frameon": False, "fontsize": FONT["small"], "borderaxespad": 0.1,
             "handlelength": 1.6, "labelcolor": theme.muted}
    if not ax.get_xlabel():
        handles = forms[0]
        # Right-aligned under the panel, into its left margin too where it has no y label.
        below_pt = room_pt + (0.4 * 72 if not ax.get_ylabel() else 0.0)
        widths = sorted((text_width(h.get_label(), FONT["small"]) for h in handles),
                        reverse=True)
        columns = len(handles)
        while columns > 1 and sum(widths[:columns]) + (2.8 * columns + 0.8) * FONT["small"] \
                > below_pt:
            columns -= 1
        rows = -(-len(handles) // columns)
        if rows * 1.5 * FONT["small"] <= BELOW_PANEL_IN * 72:
            # rows read left to right (data, decoded grid / beyond the codes)
            ordered = reading_order([handles], rows, Line2D([], [], ls=""))
            ax.legend(handles=ordered, loc="upper right",
                      bbox_to_anchor=(1.0, -0.01),
                      ncol=len(ordered) // rows, columnspacing=0.8, handletextpad=0.5,
                      **dict(style, handlelength=1.2))
            return
    title_pt = text_width(ax.get_title("left"), FONT["title"])
    inside = None  # (covered, form's index, place): a key inside covering data, the last resort
    for index, handles in enumerate(forms):
        one_line = not any("\n" in handle.get_label() for handle in handles)
        if one_line and _row_width(handles) + title_pt < room_pt:
            ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0),
                      ncol=len(handles), **style)
            return
        place = _inside_place(ax, theme, handles, points, triad)
        if place is not None and place[0] == 0:  # a place covering no data: taken
            _place_inside(ax, theme, handles, place[1:])
            return
        if place is not None and (inside is None or place[0] < inside[0]):
            inside = (place[0], index, place[1:])
    if inside is not None:  # every place covers some data: the fewest, in the longest form
        _place_inside(ax, theme, forms[inside[1]], inside[2])
        return
    handles = forms[-1]
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0),
              ncol=len(handles) if _row_width(handles) < room_pt else 1, **style)
    if _row_width(handles) + title_pt > room_pt:
        ax.set_title("", loc="left")


def _margins_to_ticks(ax, slot: Rect, spare_in: float = 0.0) -> None:
    """The box widened in its slot (figure fractions) to the room its y axis's numbers and
    name take on the left and a little on the right (the 0.9 and 0.25 inches every panel
    keeps left a plane 113 px wide of 205 at 640x360), less `spare_in` inches (the room
    numbers took that a box of the sheet's final shape no longer draws: see _spare_left)."""
    fig = ax.get_figure()
    width_in = fig.get_size_inches()[0]
    renderer = fig.canvas.get_renderer()
    x0, y0, w, h = ax.get_position().bounds
    axis_in = (x0 - ax.yaxis.get_tightbbox(renderer).x0 / fig.dpi / width_in) * width_in
    left = min(axis_in + TICKS_CLEARANCE_IN, (x0 - slot[0]) * width_in)
    left = max(left - spare_in, TICKS_CLEARANCE_IN) / width_in
    right = min(RIGHT_MARGIN_IN / width_in, slot[0] + slot[2] - x0 - w)
    ax.set_position((slot[0] + left, y0, slot[2] - left - right, h))


def _spare_left(ax, slot: Rect) -> float:
    """Inches between the slot's left edge and the y axis's name beyond TICKS_CLEARANCE_IN:
    the room its numbers took in the tall box they were measured on ("−0.5", "0.5") that
    the box shrunk to the sheet's shape no longer draws ("−1", "1"): 30 px at 640x360."""
    fig = ax.get_figure()
    left_px = ax.yaxis.get_tightbbox(fig.canvas.get_renderer()).x0
    return max(left_px / fig.dpi - slot[0] * fig.get_size_inches()[0] - TICKS_CLEARANCE_IN,
               0.0)


FLATTEST = 2.0  # a sheet's box at most this many times as wide as tall
TICKS_CLEARANCE_IN = 0.1  # the sheet's y axis name from its slot's left edge
RIGHT_MARGIN_IN = 0.1     # and its right edge from the slot's


def _key_below(ax, theme: Theme, marks: tuple[str, ...], slot: Rect,
               shrink: bool = False, dots: tuple[str, ...] = ()) -> bool:
    """Where `ax`'s box is taller than its limits at one unit as long on both axes (equal
    scales) by room for the key of `marks`: the box shrunk to its limits' shape (its top
    kept, under its title), the key under its x axis's label, within `slot` (figure
    fractions), in two columns or one, long names or short. `shrink`: a box with no such
    room made smaller (its limits' shape, centred, its top kept) to leave it, whole names
    only. Returns whether it did."""
    if shrink:
        return _shrunk_key_below(ax, theme, marks, slot, dots)
    fig = ax.get_figure()
    width_in, height_in = fig.get_size_inches()
    x0, y0, w, h = ax.get_position().bounds
    (left, right), (low, high) = ax.get_xlim(), ax.get_ylim()
    shown_h = w * width_in * (high - low) / (right - left) / height_in  # figure fraction
    # Never flatter than FLATTEST (flat data, x over +-1 and y +-0.1, drew a strip 30 px
    # tall, a line of data 3 px): its limits then grow to fill the box, as before.
    shown_h = max(shown_h, w * width_in / FLATTEST / height_in)
    if shown_h >= h:
        return False
    renderer = fig.canvas.get_renderer()
    ax.set_position((x0, y0 + h - shown_h, w, shown_h))
    under = BELOW_PANEL_IN / (shown_h * height_in)  # the x ticks and label, axes fraction
    style = {"frameon": False, "fontsize": FONT["small"], "borderaxespad": 0.0,
             "handlelength": 1.6, "labelcolor": theme.muted, "columnspacing": 1.0,
             "loc": "upper center", "bbox_to_anchor": (0.5, -under)}
    # The sheet's whole names first (a lone "grid", "beyond" means nothing), then short.
    for names in dict.fromkeys(_whole_forms(marks) + _name_forms(marks)[:2]):
        handles = [_mark_handle(mark, theme, name, dots) for mark, name in zip(marks, names)]
        for columns in (2, 1):
            rows = -(-len(handles) // columns)
            ordered = reading_order([handles], rows, Line2D([], [], ls=""))
            key = ax.legend(handles=ordered, ncol=len(ordered) // rows, **style)
            box = key.get_window_extent(renderer).transformed(fig.transFigure.inverted())
            if box.y0 >= slot[1] and box.x0 >= slot[0] - 1e-3 \
                    and box.x1 <= slot[0] + slot[2] + 1e-3:
                return True
            key.remove()
    ax.set_position((x0, y0, w, h))
    return False


def _shrunk_key_below(ax, theme: Theme, marks: tuple[str, ...], slot: Rect,
                      dots: tuple[str, ...] = ()) -> bool:
    """_key_below's `shrink`: the key of `marks` in two columns (by their whole names, else
    the sheet's whole and the rest short: "noisy → output"), under a box made smaller to
    leave it room within `slot`; the box as it was where even then no form fits (or the
    box would keep under half its height)."""
    fig = ax.get_figure()
    height_in = fig.get_size_inches()[1]
    renderer = fig.canvas.get_renderer()
    x0, y0, w, h = ax.get_position().bounds
    (left, right), (low, high) = ax.get_xlim(), ax.get_ylim()
    shape = (high - low) / (right - left) * fig.get_size_inches()[0] / height_in
    for names in _whole_forms(marks):
        handles = [_mark_handle(mark, theme, name, dots) for mark, name in zip(marks, names)]
        rows = -(-len(handles) // 2)
        ordered = reading_order([handles], rows, Line2D([], [], ls=""))
        style = {"frameon": False, "fontsize": FONT["small"], "borderaxespad": 0.0,
                 "handlelength": 1.6, "labelcolor": theme.muted, "columnspacing": 1.0,
                 "loc": "upper center", "ncol": len(ordered) // rows}
        key = ax.legend(handles=ordered, **style)
        key_h = key.get_window_extent(renderer).height / fig.dpi / height_in
        key.remove()
        new_h = min(h - key_h, w * shape)
        new_w = new_h / shape
        if new_h < h / 2:
            continue
        ax.set_position((x0 + (w - new_w) / 2, y0 + h - new_h, new_w, new_h))
        under = BELOW_PANEL_IN / (new_h * height_in)
        key = ax.legend(handles=ordered, bbox_to_anchor=(0.5, -under), **style)
        box = key.get_window_extent(renderer).transformed(fig.transFigure.inverted())
        if box.y0 >= slot[1] - 1e-3 and box.x0 >= slot[0] - 1e-3 \
                and box.x1 <= slot[0] + slot[2] + 1e-3:
            return True
        key.remove()
        ax.set_position((x0, y0, w, h))
    return False


def _whole_forms(marks: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The names of `marks` with the sheet's whole (WHOLE_NAMES): every name long, then the
    others short."""
    return list(dict.fromkeys([
        tuple(MARK_NAMES[mark][0] for mark in marks),
        tuple(MARK_NAMES[mark][0 if mark in WHOLE_NAMES else 1] for mark in marks)]))


# Names whose short forms mean nothing to a student ("grid", "beyond": the 640x360 denoising
# clip's key): where the key has no room inside for them whole, it goes under the plane.
WHOLE_NAMES = ("sheet", "beyond")


def _clear_inside(ax, theme: Theme, marks: tuple[str, ...], points: np.ndarray,
                  dots: tuple[str, ...] = ()) -> bool:
    """Whether the key of `marks` with the sheet's whole names (_whole_forms, on one line
    or two) has a place inside `ax` covering none of `points` (data coordinates)."""
    forms = _whole_forms(marks)
    for names in forms + [tuple("\n".join(name.rsplit(" ", 1)) for name in forms[-1])]:
        handles = [_mark_handle(mark, theme, name, dots) for mark, name in zip(marks, names)]
        place = _inside_place(ax, theme, handles, points, None)
        if place is not None and place[0] == 0:
            return True
    return False


def _name_forms(marks: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The names of `marks` from long to short: MARK_NAMES' long forms, their short forms,
    then the short forms on two lines ("noisy →" over "output": a narrow panel at 640)."""
    short = tuple(MARK_NAMES[mark][1] for mark in marks)
    forms = [tuple(MARK_NAMES[mark][0] for mark in marks), short,
             tuple("\n".join(name.rsplit(" ", 1)) for name in short)]
    return list(dict.fromkeys(forms))


def _row_width(handles: list) -> float:
    """A key's width in points, its entries in one row (FONT["small"])."""
    words = " ".join(handle.get_label() for handle in handles)
    return text_width(words, FONT["small"]) + 2.5 * len(handles) * FONT["small"]


BELOW_PANEL_IN = 0.6  # the sheet's bottom margin (its ticks and axis label, when it has them)


def _inside_style(theme: Theme, handles: list, columns: int) -> dict:
    """A key inside the panel in `columns`, each row read left to right (reading_order):
    framed, half see-through, small type."""
    rows = -(-len(handles) // columns)
    ordered = reading_order([handles], rows, Line2D([], [], ls=""))
    return dict(handles=ordered, ncol=len(ordered) // rows, frameon=True,
                fontsize=FONT["small"], borderaxespad=0.2, handlelength=1.6,
                labelcolor=theme.muted, facecolor=theme.background, edgecolor=theme.faint,
                framealpha=0.85, columnspacing=0.8, labelspacing=0.3)


def _inside_place(ax, theme: Theme, handles: list, points: np.ndarray | None,
                  triad: str | None) -> tuple[int, str, int] | None:
    """(covered, place, columns): the legend's place inside `ax`, in one column or two, among
    PLACES, covering the fewest `points` (data coordinates: the data and noisy inputs, fixed
    over the run) and no text (never the corner `triad`, where the data's axes are named),
    inside the frame (never over the tick labels); None where every place covers a text,
    leaves the frame or is too tall. Ties: the first (lower right, one column)."""
    renderer = ax.get_figure().canvas.get_renderer()
    shown = ax.transData.transform(points if points is not None else np.empty((0, 2)))
    texts = [label.get_window_extent(renderer) for label in ax.texts if label.get_text()]
    frame = ax.get_window_extent(renderer)
    # A point's mark beside the frame reads as covered: points this close count too.
    clearance = renderer.points_to_pixels(KEY_CLEARANCE_PT)
    best = None
    for columns in (1, 2):
        for place in PLACES:
            if place == triad:
                continue
            box = ax.legend(loc=place,
                            **_inside_style(theme, handles, columns)).get_window_extent(renderer)
            if box.height > 0.5 * frame.height or not _within(box, frame) or any(
                    box.padded(2).overlaps(t) for t in texts):
                continue
            covered = len(covered_points(box.padded(clearance), shown))
            if best is None or covered < best[0]:
                best = (covered, place, columns)
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    return best


def _place_inside(ax, theme: Theme, handles: list, place: tuple[str, int]) -> None:
    ax.legend(loc=place[0], **_inside_style(theme, handles, place[1]))


def covered_points(box, shown: np.ndarray) -> np.ndarray:
    """The indices of `shown` (display coordinates) strictly inside `box` (a display box)."""
    return np.flatnonzero((shown[:, 0] > box.x0) & (shown[:, 0] < box.x1)
                          & (shown[:, 1] > box.y0) & (shown[:, 1] < box.y1))


def _within(box, frame) -> bool:
    """Whether `box` lies inside `frame` (display boxes), to the pixel."""
    return (box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1
            and box.y0 >= frame.y0 - 1 and box.y1 <= frame.y1 + 1)


KEY_CLEARANCE_PT = 8.0  # a key inside keeps this far from every data point and noisy input
# Where a key inside may sit: the corners first, then the middles of the sides.
PLACES = ("lower right", "lower left", "upper right", "upper left", "lower center",
          "upper center", "center left", "center right")
