"""The reconstruction panel for image data (`data.image_shape`): sample images as pairs, each
original above the network's reconstruction of it, in as many rows of pairs as make the images
largest in the panel."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from aeviz.renderer.description import ValueRange
from aeviz.renderer.panels.style import (
    DYNAMIC,
    FONT,
    Rect,
    class_name,
    cluster_color,
    height_inches,
    panel_axes,
    width_inches,
)
from aeviz.renderer.theme import Theme
from aeviz.renderer.views import RunView, State
from aeviz.training.model import forward

MOST_SAMPLES = 12         # pairs in the panel, at most
GAP = 0.12                # the gap between images, as a fraction of an image's width
SMALLEST_IMAGE_IN = 0.25  # fewer samples rather than images smaller than this (page inches)
MARGINS = (0.62, 0.05, 0.15, 0.4)  # inches: left for the row names, top for the title
NAME_GAP_IN = 0.06        # between a row's name and its first image


@dataclass(frozen=True)
class Grid:
    """Where the pairs go: `rows` rows of `columns` pairs, images `image_in` inches wide."""
    count: int
    rows: int
    columns: int
    image_in: float      # an image's width, in inches of the page
    gap: float           # the gap between images, as a fraction of an image's width
    band_in: float       # the room above each row of pairs for the class names
    aspect: float        # an image's height / width

    @property
    def pair_in(self) -> float:
        """The height of one row of pairs, class names included."""
        return self.image_in * self.aspect * (2 + self.gap) + self.band_in

    @property
    def size_in(self) -> tuple[float, float]:
        """Width and height of the whole grid."""
        return (self.image_in * (self.columns * (1 + self.gap) - self.gap),
                self.rows * self.pair_in)

    def corner(self, number: int, output: bool) -> tuple[float, float]:
        """The lower left corner (inches from the grid's lower left) of sample `number`'s
        image: its original, or its reconstruction (`output`)."""
        row, column = divmod(number, self.columns)
        height = self.image_in * self.aspect
        y = (self.rows - 1 - row) * self.pair_in + (0 if output else height * (1 + self.gap))
        return column * self.image_in * (1 + self.gap), y


def image_grid(count: int, shape: tuple[int, int], room_in: tuple[float, float],
               band_in: float) -> Grid:
    """The arrangement of `count` pairs that makes the images largest in `room_in` (width,
    height); if even that makes them smaller than SMALLEST_IMAGE_IN, fewer pairs."""
    height, width = shape
    gap = max(1, round(width * GAP)) / width  # whole pixels, so that gaps are even
    while True:
        grids = []
        for rows in range(1, count + 1):
            columns = math.ceil(count / rows)
            across = room_in[0] / (columns * (1 + gap) - gap)
            down = (room_in[1] / rows - band_in) / ((2 + gap) * height / width)
            grids.append(Grid(count, rows, columns, min(across, down), gap, band_in,
                              height / width))
        best = max(grids, key=lambda grid: grid.image_in)  # ties: the fewest rows
        smallest_side = best.image_in * min(1.0, best.aspect)
        if smallest_side >= SMALLEST_IMAGE_IN or count == 1:
            return best
        count -= 1


class ImageStripPanel:
    """A fixed set of samples (the first of each class, or spread over the data) as images,
    each original above its reconstruction, on one gray scale for the whole clip."""

    def __init__(self, fig: Figure, slot: Rect, view: RunView, theme: Theme, title: str,
                 limits: ValueRange | None = None, title_color: str | None = None):
        """`limits`: the description's gray scale (shared by the runs of a comparison;
        default: the run's own data's range)."""
        run = view.run
        self.view, self.shape = view, run.experiment.data.image_shape
        ax = panel_axes(fig, slot, MARGINS, theme, title, title_color=title_color)
        ax.set_axis_off()
        named = bool((run.labels >= 0).any())
        band_in = 1.35 * FONT["small"] / 72 if named else 0.06
        self.grid = image_grid(len(strip_samples(run.labels, MOST_SAMPLES)), self.shape,
                               (width_inches(ax), height_inches(ax)), band_in)
        self.picks = strip_samples(run.labels, self.grid.count)
        self.x = np.asarray(run.x[self.picks])
        _fit_axes(ax, self.grid)
        # Fixed for the clip: the data's own range, so a brightening or fading
        # reconstruction shows as such instead of being stretched to full contrast.
        # Ink dark on a light page, light on a dark one.
        light = max(mcolors.to_rgb(theme.background)) > 0.5
        shown_px = self.grid.image_in * fig.dpi
        self.scale = {"cmap": "gray_r" if light else "gray",
                      "vmin": limits.low if limits else float(run.x.min()),
                      "vmax": limits.high if limits else float(run.x.max()),
                      # shrunk images are smoothed, enlarged ones keep sharp pixels
                      "interpolation": "antialiased" if shown_px < self.shape[1] else "nearest",
                      "aspect": "auto"}
        for row in range(self.grid.rows):
            self._row(ax, row, self.x, output=False)
        self.recons = [self._row(ax, row, self.x, output=True) for row in range(self.grid.rows)]
        self._row_names(ax, theme)
        if named:
            self._class_names(ax, run, theme)
        self.artists = self.recons
        self.ax = ax

    def update(self, state: State) -> None:
        output = forward(self.x, state.weights, state.biases, self.view.run.activations)[-1]
        for row, image in enumerate(self.recons):
            image.set_data(self._strip(output, row))

    def _row(self, ax: Axes, row: int, images: np.ndarray, output: bool):
        """One row of originals or of reconstructions, as one image."""
        x0, y0 = self.grid.corner(row * self.grid.columns, output)
        height = self.grid.image_in * self.grid.aspect
        extent = (x0, x0 + self.grid.size_in[0], y0, y0 + height)
        return ax.imshow(self._strip(images, row), extent=extent,
                         zorder=DYNAMIC if output else 1, **self.scale)

    def _strip(self, images: np.ndarray, row: int) -> np.ndarray:
        """Row `row`'s images side by side in one [H, columns * (W + gap) - gap] array; gaps
        and the empty places of a short last row are masked, so they show the background."""
        height, width = self.shape
        columns = self.grid.columns
        gap = round(self.grid.gap * width)
        part = images[row * columns:(row + 1) * columns]
        strip = np.full((height, columns, width + gap), np.nan, np.float32)
        strip[:, :len(part), :width] = part.reshape(len(part), height, width).transpose(1, 0, 2)
        flat = strip.reshape(height, -1)
        return np.ma.masked_invalid(flat[:, :flat.shape[1] - gap])

    def _row_names(self, ax: Axes, theme: Theme) -> None:
        """"data" and "output" left of each row of pairs, level with their images."""
        half = self.grid.image_in * self.grid.aspect / 2
        for row in range(self.grid.rows):
            for output, name in ((False, "data"), (True, "output")):
                y = self.grid.corner(row * self.grid.columns, output)[1] + half
                ax.text(-NAME_GAP_IN, y, name, ha="right", va="center", color=theme.muted,
                        fontsize=FONT["small"])

    def _class_names(self, ax: Axes, run, theme: Theme) -> None:
        """Each sample's class above it, in its cluster color."""
        for number, index in enumerate(self.picks):
            label = int(run.labels[index])
            if label < 0:
                continue
            name = class_name(run.label_names, label, short=True)
            x, y = self.grid.corner(number, output=False)
            ax.text(x + self.grid.image_in / 2, y + self.grid.image_in * self.grid.aspect
                    + 0.02, name, ha="center", va="bottom", color=cluster_color(theme, label),
                    fontsize=FONT["small"], fontweight="bold")


def _fit_axes(ax: Axes, grid: Grid) -> None:
    """Shrink the axes to the grid, centered in the room, with data coordinates in inches:
    the title then sits right above the images."""
    fig = ax.get_figure()
    page_w, page_h = fig.get_size_inches()
    box = ax.get_position()
    width, height = grid.size_in
    left = box.x0 + (box.width - width / page_w) / 2
    bottom = box.y0 + (box.height - height / page_h) / 2
    ax.set_position((left, bottom, width / page_w, height / page_h))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)


def strip_samples(labels: np.ndarray, most: int) -> list[int]:
    """The first sample of each class in label order (unlabeled data: `most` samples spread
    evenly), at most `most` of them."""
    classes = np.unique(labels[labels >= 0])
    if len(classes) == 0:
        count = min(most, len(labels))
        return [int(i) for i in np.linspace(0, len(labels) - 1, count).round()]
    return [int(np.flatnonzero(labels == label)[0]) for label in classes[:most]]
