"""The decoder panel: what the decoder makes of the whole code plane, frame by frame.

A grid of points spanning the code plane's extent goes through the decoder with each frame's
weights. Image data: the decoded images as a mosaic (Kingma & Welling's manifold figure), in
code-plane coordinates. Other data: the decoded grid as a mesh (a curve-net sheet) among the
data points, in the data's own plane (2-D), through a fixed camera (3-D) or on the data's first
two principal axes (more dimensions): the sheet the autoencoder has learned, bending towards
the data as it trains.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

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


def mosaic(view: RunView, grid: np.ndarray, side: int, state: State) -> np.ndarray:
    """The decoded images of a `side` x `side` grid (row by row from the top) as one image:
    [side * height, side * width]."""
    height, width = view.run.experiment.data.image_shape
    images = decode(view, grid, state).reshape(side, side, height, width)
    return images.transpose(0, 2, 1, 3).reshape(side * height, side * width)


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
        ax.set_box_aspect(height / width)  # undistorted images, at the slot's left (where
        ax.set_anchor("W")                 # the title starts)
        box = ax.get_position()
        side_px = min(box.width * fig.get_size_inches()[0] / width,
                      box.height * fig.get_size_inches()[1] / height) * fig.dpi
        self.side = side = int(np.clip(side_px // PIXEL_PX, SMALLEST_MOSAIC, MOSAIC_SIDE))
        self.grid, (x0, x1, y0, y1) = decoder_grid(view.codes, side)
        self.grid_points = self.grid
        # Each image centered on its code: the mosaic reaches half a cell past the grid.
        half_x, half_y = (x1 - x0) / (side - 1) / 2, (y1 - y0) / (side - 1) / 2
        extent = (x0 - half_x, x1 + half_x, y0 - half_y, y1 + half_y)
        light = max(mcolors.to_rgb(theme.background)) > 0.5
        self.image = ax.imshow(np.zeros((side * height, side * width)),
                               extent=extent, aspect="auto", zorder=DYNAMIC,
                               cmap="gray_r" if light else "gray", vmin=float(run.x.min()),
                               vmax=float(run.x.max()), interpolation="antialiased")
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        for axis in (ax.xaxis, ax.yaxis):  # a small square: few ticks, clear of each other
            axis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
        self.artists = [self.image]
        self.ax = ax

    def update(self, state: State) -> None:
        self.image.set_data(mosaic(self.view, self.grid, self.side, state))


class SheetPanel:
    """The decoded grid as a mesh in data space, with the data: in the data's own plane
    (2-D), through a fixed camera (3-D), or on its first two principal axes."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str):
        run = view.run
        self.view = view
        x = run.x.astype(float)
        self.center, self.axes, names = data_projection(x, run)
        self.grid, _ = decoder_grid(view.codes, MESH_SIDE, MESH_STEPS)
        self.grid_points = decoder_grid(view.codes, MESH_SIDE)[0]
        flat = (x - self.center) @ self.axes
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
        # Fixed for the clip: the data and the final sheet in view, one unit as long on both
        # axes (a sheet's bends are not stretched).
        final = self._sheet(view.state(len(view) - 1)).reshape(-1, 2)
        shown = np.concatenate([flat, final])
        ax.set_xlim(*padded_limits(shown[:, 0]))
        ax.set_ylim(*padded_limits(shown[:, 1]))
        equal_scales(ax)
        if x.shape[1] == 3:
            _triad(ax, self.axes, [run.feature_name(i) for i in range(3)], theme)
        (self.mesh,) = ax.plot([], [], color=theme.foreground, lw=0.8, alpha=0.75,
                               zorder=DYNAMIC)
        _legend(ax, theme)
        self.artists = [self.mesh]
        self.ax = ax

    def _sheet(self, state: State) -> np.ndarray:
        """The decoded grid, projected: [count, count, 2]."""
        count = (MESH_SIDE - 1) * MESH_STEPS + 1
        sheet = (decode(self.view, self.grid, state) - self.center) @ self.axes
        return sheet.reshape(count, count, 2)

    def update(self, state: State) -> None:
        path = mesh_path(self._sheet(state))
        self.mesh.set_data(path[:, 0], path[:, 1])


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


def _legend(ax, theme: Theme) -> None:
    """"data" and "decoded grid", right-aligned on the title line, if there is room."""
    handles = [Line2D([], [], marker="o", ls="", color=theme.muted, label="data"),
               Line2D([], [], color=theme.foreground, lw=0.8, label="decoded grid")]
    legend_pt = text_width("data decoded grid", FONT["small"]) + 5 * FONT["small"]
    room_pt = width_inches(ax) * 72
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0),
              ncol=2 if legend_pt < room_pt else 1, frameon=False, fontsize=FONT["small"],
              borderaxespad=0.1, handlelength=1.6, labelcolor=theme.muted)
    if legend_pt + text_width(ax.get_title("left"), FONT["title"]) > room_pt:
        ax.set_title("", loc="left")
