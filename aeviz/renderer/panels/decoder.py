"""The decoder panel: what the decoder makes of the whole code plane, frame by frame.

A grid of points spanning the code plane's extent goes through the decoder with each frame's
weights. Image data: the decoded images as a mosaic (Kingma & Welling's manifold figure), in
code-plane coordinates. Other data: the decoded grid as a mesh (a curve-net sheet) among the
data points, in the data's own plane (2-D), through a fixed camera (3-D) or on the data's first
two principal axes (more dimensions): the sheet the autoencoder has learned, bending towards
the data as it trains.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib import colors as mcolors
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, MaxNLocator

from aeviz.renderer.panels.placement import fit_text, text_width
from aeviz.renderer.panels.style import (
    DYNAMIC,
    FONT,
    Rect,
    cluster_color,
    height_inches,
    padded_limits,
    panel_axes,
    style_grid,
    width_inches,
)
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State
from aeviz.training.model import forward

MOSAIC_SIDE = 15   # decoded images per side of the mosaic, at most
GAP = 1            # image pixels between the mosaic's images
SMALLEST_MOSAIC = 5
PIXEL_PX = 1.5     # fewer images rather than image pixels smaller than this (screen pixels)
MESH_SIDE = 15     # grid lines per side of the mesh
MESH_STEPS = 3     # points per grid cell along a mesh line (the sheet's curves stay smooth)
CAMERA = (20.0, -70.0)  # elevation and azimuth (degrees) of the fixed 3-D view


def decoder_grid(codes: np.ndarray, side: int, steps: int = 1) -> tuple[np.ndarray, tuple]:
    """Points [side * steps ... , 2] spanning the code plane's extent over the clip (the
    limits the code panel starts from), row by row from the top; and that extent."""
    x0, x1 = padded_limits(codes[..., 0])
    y0, y1 = padded_limits(codes[..., 1])
    count = (side - 1) * steps + 1
    xs, ys = np.linspace(x0, x1, count), np.linspace(y1, y0, count)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    return grid, (x0, x1, y0, y1)


def decode(view: RunView, codes: np.ndarray, state: State) -> np.ndarray:
    """The decoder's output for `codes` with the state's weights, in float64."""
    layer = view.run.code_layer
    weights = [np.asarray(w, float) for w in state.weights[layer:]]
    biases = [np.asarray(b, float) for b in state.biases[layer:]]
    return forward(codes, weights, biases, view.run.activations[layer:])[-1]


def mosaic(view: RunView, grid: np.ndarray, side: int, state: State,
           gap: int = 0) -> np.ndarray:
    """The decoded images of a `side` x `side` grid (row by row from the top) as one image:
    [side * (height + gap) - gap, side * (width + gap) - gap], the images `gap` pixels apart
    (NaN there: drawn in the background's color, so each image reads as one)."""
    height, width = view.run.experiment.data.image_shape
    images = decode(view, grid, state).reshape(side, side, height, width)
    if gap:
        images = np.pad(images, ((0, 0), (0, 0), (0, gap), (0, gap)),
                        constant_values=np.nan)
    tiled = images.transpose(0, 2, 1, 3).reshape(side * (height + gap), side * (width + gap))
    return tiled[:tiled.shape[0] - gap, :tiled.shape[1] - gap]


def mesh_path(sheet: np.ndarray, steps: int = MESH_STEPS) -> np.ndarray:
    """A decoded grid [count, count, 2] as one polyline [points, 2]: its lines of constant
    code 2, then of constant code 1, broken by NaNs between them."""
    rows = sheet[::steps]                               # the lines of constant code 2
    columns = sheet[:, ::steps].transpose(1, 0, 2)      # and of constant code 1
    lines = np.concatenate([rows, columns])
    gaps = np.full((len(lines), 1, 2), np.nan)          # break the line between curves
    return np.concatenate([lines, gaps], axis=1).reshape(-1, 2)


def decoder_panel(fig: Figure, slot: Rect, view: RunView, theme: Theme,
                  title: str) -> MosaicPanel | SheetPanel:
    """The view that suits the data: a mosaic for images, a sheet for the rest."""
    # The title fits the slot, past the axis labels' margin on the left.
    title = fit_text(title, FONT["title"], (slot[2] * fig.get_size_inches()[0] - 1.0) * 72)
    if view.run.experiment.data.image_shape is not None:
        return MosaicPanel(fig, slot, view, theme, title)
    return SheetPanel(fig, slot, view, theme, title)


class MosaicPanel:
    """The decoded images of a MOSAIC_SIDE x MOSAIC_SIDE grid of the code plane, placed
    where their codes are: its axes are the code plane's."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str):
        run = view.run
        self.view, self.shape = view, run.experiment.data.image_shape
        ax = panel_axes(fig, slot, (0.9, 0.6, 0.2, 0.4), theme, title)
        ax.set_xlabel("code neuron 1")
        ax.set_ylabel("code neuron 2")
        height, width = self.shape
        ax.set_box_aspect(height / width)  # undistorted images, in the middle of the slot
        ax.set_anchor("C")
        ax.apply_aspect()
        box = ax.get_position()
        # The title starts where the axes do now: it fits from there to the slot's right.
        room_pt = (slot[0] + slot[2] - box.x0) * fig.get_size_inches()[0] * 72 - 6
        ax.set_title(fit_text(title, FONT["title"], room_pt), loc="left")
        side_px = min(box.width * fig.get_size_inches()[0] / width,
                      box.height * fig.get_size_inches()[1] / height) * fig.dpi
        self.side = side = int(np.clip(side_px // PIXEL_PX, SMALLEST_MOSAIC, MOSAIC_SIDE))
        self.grid, (x0, x1, y0, y1) = decoder_grid(view.codes, side)
        self.grid_points = self.grid
        # Each image centered on its code: the mosaic reaches half a cell past the grid.
        half_x, half_y = (x1 - x0) / (side - 1) / 2, (y1 - y0) / (side - 1) / 2
        extent = (x0 - half_x, x1 + half_x, y0 - half_y, y1 + half_y)
        light = max(mcolors.to_rgb(theme.background)) > 0.5
        cmap = matplotlib.colormaps["gray_r" if light else "gray"].with_extremes(
            bad=theme.background)  # the gaps between the images
        self.image = ax.imshow(np.zeros((side * (height + GAP) - GAP, side * (width + GAP) - GAP)),
                               extent=extent, aspect="auto", zorder=DYNAMIC,
                               cmap=cmap, vmin=float(run.x.min()),
                               vmax=float(run.x.max()), interpolation="antialiased")
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        # A small square: ticks that clear each other, whatever its size ("-2.5", "0.0" and
        # "2.5" side by side need more than an inch).
        box = ax.get_position()
        clear_ticks(ax.xaxis, ax.get_xlim(), box.width * fig.get_size_inches()[0], across=True)
        clear_ticks(ax.yaxis, ax.get_ylim(), box.height * fig.get_size_inches()[1], across=False)
        self.artists = [self.image]
        self.ax = ax

    def update(self, state: State) -> None:
        self.image.set_data(mosaic(self.view, self.grid, self.side, state, GAP))


def occupied_cells(codes: np.ndarray, extent: tuple, cells: int) -> np.ndarray:
    """Which cells of a `cells` x `cells` lattice over `extent` hold a code: [cells, cells]
    bool, rows from the top (as decoder_grid runs)."""
    x0, x1, y0, y1 = extent
    column = np.clip(((codes[:, 0] - x0) / (x1 - x0) * cells).astype(int), 0, cells - 1)
    row = np.clip(((y1 - codes[:, 1]) / (y1 - y0) * cells).astype(int), 0, cells - 1)
    held = np.zeros((cells, cells), bool)
    held[row, column] = True
    return held


def sheet_region(codes: np.ndarray, extent: tuple, side: int = MESH_SIDE,
                 steps: int = MESH_STEPS) -> np.ndarray:
    """Which points of decoder_grid(codes, side, steps) lie where the codes are: [count,
    count] bool, a point being in when one of the four lattice cells around it (a third of a
    grid cell wide, with MESH_STEPS = 3) holds a code. The decoder's sheet is drawn strong
    there, and only faintly beyond (where the decoder extrapolates: no code is decoded
    there)."""
    count = (side - 1) * steps + 1
    cells = count - 1
    held = occupied_cells(codes, extent, cells)
    index = np.arange(count)
    low, high = np.clip(index - 1, 0, cells - 1), np.clip(index, 0, cells - 1)
    region = np.zeros((count, count), bool)
    for rows in (low, high):
        for columns in (low, high):
            region |= held[rows[:, None], columns[None, :]]
    return region


# A denoising run: this many samples' corrupted inputs, each linked to the network's output for
# it (what the network is trained to do: take the noisy input back to the clean point).
NOISY_SAMPLES = 40


def corrupted_inputs(x: np.ndarray, noise: float, masking: float,
                     seed: int = 0) -> np.ndarray:
    """One draw of the corruption a denoising run trains with (Gaussian noise of std `noise`,
    each feature zeroed with probability `masking`), fixed for the clip: an example of the
    inputs the network sees, not the draws of any step."""
    rng = np.random.default_rng(seed)
    noisy = x + noise * rng.standard_normal(x.shape) if noise else x.copy()
    if masking:
        noisy = noisy * (rng.random(x.shape) >= masking)
    return noisy


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


class SheetPanel:
    """The decoded grid as a mesh in data space, with the data: in the data's own plane
    (2-D), through a fixed camera (3-D), or on its first two principal axes. The mesh is
    drawn strong where the codes are and faint beyond; a denoising run adds some samples'
    noisy inputs, each linked to the network's output for it."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str):
        run = view.run
        self.view = view
        x = run.x.astype(float)
        self.center, self.axes, names = data_projection(x, run)
        self.grid, self.extent = decoder_grid(view.codes, MESH_SIDE, MESH_STEPS)
        self.grid_points = decoder_grid(view.codes, MESH_SIDE)[0]
        flat = (x - self.center) @ self.axes
        train = run.experiment.train
        self.noisy = None
        if train.noise or train.masking:
            picks = np.linspace(0, len(x) - 1, min(NOISY_SAMPLES, len(x))).round().astype(int)
            self.noisy = corrupted_inputs(x[picks], train.noise or 0.0, train.masking or 0.0)
        ax = panel_axes(fig, slot, (0.9, 0.6, 0.25, 0.4), theme, title)
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        style_grid(ax, theme)
        if x.shape[1] == 3:  # a camera's plane has no meaningful ticks: a triad instead
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
        ax.scatter(flat[:, 0], flat[:, 1], s=7, alpha=0.45, linewidths=0,
                   c=[cluster_color(theme, label) for label in run.labels])
        # Fixed for the clip: the data and the final sheet where the codes are in view, one
        # unit as long on both axes (a sheet's bends are not stretched).
        last = view.state(len(view) - 1)
        final = self._sheet(last)[sheet_region(last.codes, self.extent)]
        shown = np.concatenate([flat, final] + ([(self.noisy - self.center) @ self.axes]
                                                if self.noisy is not None else []))
        ax.set_xlim(*padded_limits(shown[:, 0]))
        ax.set_ylim(*padded_limits(shown[:, 1]))
        equal_scales(ax)
        if x.shape[1] == 3:
            _triad(ax, self.axes, [run.feature_name(i) for i in range(3)], theme)
        (self.outside,) = ax.plot([], [], color=theme.foreground, lw=0.5, alpha=0.12,
                                  zorder=DYNAMIC - 0.2)
        (self.mesh,) = ax.plot([], [], color=theme.foreground, lw=0.8, alpha=0.75,
                               zorder=DYNAMIC)
        self.artists = [self.outside, self.mesh]
        if self.noisy is not None:
            flat_noisy = (self.noisy - self.center) @ self.axes
            ax.scatter(flat_noisy[:, 0], flat_noisy[:, 1], s=9, marker="x", linewidths=0.7,
                       color=theme.muted, zorder=DYNAMIC - 0.1)
            (self.links,) = ax.plot([], [], color=theme.muted, lw=0.6, alpha=0.7,
                                    zorder=DYNAMIC - 0.1)
            self.artists.append(self.links)
        _legend(ax, theme, noisy=self.noisy is not None)
        self.ax = ax

    def _sheet(self, state: State) -> np.ndarray:
        """The decoded grid, projected: [count, count, 2]."""
        count = (MESH_SIDE - 1) * MESH_STEPS + 1
        sheet = (decode(self.view, self.grid, state) - self.center) @ self.axes
        return sheet.reshape(count, count, 2)

    def update(self, state: State) -> None:
        sheet = self._sheet(state)
        self.outside.set_data(*mesh_path(sheet).T)
        inside = np.where(sheet_region(state.codes, self.extent)[..., None], sheet, np.nan)
        self.mesh.set_data(*mesh_path(inside).T)
        if self.noisy is not None:  # each noisy input to the network's output for it
            run = self.view.run
            output = forward(self.noisy, [np.asarray(w, float) for w in state.weights],
                             [np.asarray(b, float) for b in state.biases],
                             run.activations)[-1]
            ends = np.stack([self.noisy, output], axis=1) - self.center
            gaps = np.full((len(ends), 1, ends.shape[2]), np.nan)
            links = np.concatenate([ends, gaps], axis=1).reshape(-1, ends.shape[2]) @ self.axes
            self.links.set_data(links[:, 0], links[:, 1])


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


def data_projection(x: np.ndarray, run) -> tuple[np.ndarray, np.ndarray, tuple[str, str]]:
    """Where the data is seen from: (center, axes [D, 2], axis names)."""
    dims = x.shape[1]
    if dims <= 2:
        axes = np.eye(dims, 2)
        return np.zeros(dims), axes, (run.feature_name(0),
                                      run.feature_name(1) if dims > 1 else "")
    center = x.mean(axis=0)
    if dims == 3:
        elevation, azimuth = np.radians(CAMERA)
        right = [-np.sin(azimuth), np.cos(azimuth), 0.0]
        up = [-np.sin(elevation) * np.cos(azimuth), -np.sin(elevation) * np.sin(azimuth),
              np.cos(elevation)]
        return center, np.array([right, up]).T, ("", "")
    _, vectors = np.linalg.eigh(np.cov(x, rowvar=False))
    return center, vectors[:, ::-1][:, :2], ("principal axis 1", "principal axis 2")


def _triad(ax, axes: np.ndarray, names: list[str], theme: Theme) -> None:
    """The three data axes as arrows 0.35 inches long (when seen side on; less in a small
    panel) in the lower left corner, each named beyond its tip."""
    x0, (y0, y1) = ax.get_xlim()[0], ax.get_ylim()
    inches = min(0.35, 0.2 * height_inches(ax))  # smaller in a small panel
    length = inches * (y1 - y0) / height_inches(ax)  # equal scales: the same along x
    origin = np.array([x0, y0]) + 1.5 * length
    for direction, name in zip(axes, names):
        tip = origin + length * direction
        ax.annotate("", xy=tip, xytext=origin, zorder=2,
                    arrowprops={"arrowstyle": "-|>", "color": theme.muted, "lw": 0.9})
        unit = direction / max(float(np.linalg.norm(direction)), 1e-9)
        ax.text(*(tip + 0.45 * length * unit), name, color=theme.muted,
                fontsize=FONT["small"], ha="center", va="center")


def _legend(ax, theme: Theme, noisy: bool = False) -> None:
    """"data" and "decoded grid" (and a denoising run's "noisy input"), right-aligned on the
    title line, if there is room."""
    handles = [Line2D([], [], marker="o", ls="", color=theme.muted, label="data"),
               Line2D([], [], color=theme.foreground, lw=0.8, label="decoded grid")]
    if noisy:
        handles.append(Line2D([], [], marker="x", ls="-", lw=0.6, color=theme.muted,
                              label="noisy input → output"))
    words = " ".join(handle.get_label() for handle in handles)
    legend_pt = text_width(words, FONT["small"]) + 2.5 * len(handles) * FONT["small"]
    room_pt = width_inches(ax) * 72
    if legend_pt >= room_pt and noisy:  # three entries: inside, in the lower right corner
        ax.legend(handles=handles, loc="lower right", frameon=True, fontsize=FONT["small"],
                  borderaxespad=0.2, handlelength=1.6, labelcolor=theme.muted,
                  facecolor=theme.background, edgecolor=theme.faint, framealpha=0.85)
        return
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0),
              ncol=len(handles) if legend_pt < room_pt else 1, frameon=False,
              fontsize=FONT["small"], borderaxespad=0.1, handlelength=1.6,
              labelcolor=theme.muted)
    if legend_pt + text_width(ax.get_title("left"), FONT["title"]) > room_pt:
        ax.set_title("", loc="left")
