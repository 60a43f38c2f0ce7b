"""Code planes of many points (MNIST's 70,000) painted as one image instead of as markers.

matplotlib stamps a marker per point, about 0.7 us each: 50 ms a frame at 70,000 points. Here
each point sets one pixel of a label canvas the size of the axes, which is then widened into a
small disk by a few whole-array maxima and colored through a palette: a few ms a frame. Later
clusters win where points overlap, as with markers drawn in cluster order.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from aeviz.renderer.panels.style import DYNAMIC

DENSE_POINTS = 20_000  # from this many samples on, the code plane is painted
RADIUS = 2.0           # of a point's disk, in pixels (markers are 3.6 pt: ~5 px at 100 dpi)


class DensePoints:
    """Every sample's code as a small disk of its cluster's color, in one AxesImage."""

    def __init__(self, ax: Axes, labels: np.ndarray, order: np.ndarray, colors: list[str],
                 alpha: float = 0.85):
        box = ax.get_window_extent()
        self.size = (max(int(round(box.height)), 1), max(int(round(box.width)), 1))
        self.xlim, self.ylim = ax.get_xlim(), ax.get_ylim()
        # The canvas holds, per pixel, 1 + the cluster's place in `order` (0: no point).
        self.rank = np.searchsorted(order, labels).astype(np.int16) + 1
        rgba = [mcolors.to_rgba(color, alpha) for color in colors]
        self.palette = (np.array([(0, 0, 0, 0)] + rgba) * 255).astype(np.uint8)
        reach = int(np.floor(RADIUS))
        self.offsets = [(dy, dx) for dy in range(-reach, reach + 1)
                        for dx in range(-reach, reach + 1) if dx * dx + dy * dy <= RADIUS**2]
        self.image = PixelImage(ax)

    def update(self, codes: np.ndarray) -> None:
        height, width = self.size
        column = _pixels(codes[:, 0], self.xlim, width)
        row = _pixels(codes[:, 1], self.ylim, height)
        inside = (column >= 0) & (column < width) & (row >= 0) & (row < height)
        centers = np.zeros(self.size, np.int16)
        # Sorted by rank, so where points share a pixel the later cluster's is written last.
        order = np.argsort(self.rank[inside], kind="stable")
        centers[row[inside][order], column[inside][order]] = self.rank[inside][order]
        canvas = np.zeros_like(centers)
        for dy, dx in self.offsets:
            np.maximum(canvas, _shifted(centers, dy, dx), out=canvas)
        self.image.pixels = self.palette[canvas[::-1]]  # rows from the top, as screens count


class PixelImage(Artist):
    """An RGBA array the size of the axes, drawn pixel for pixel onto them: no resampling,
    no masked arrays (what imshow would spend more time on than the painting itself)."""

    def __init__(self, ax: Axes):
        super().__init__()
        self.ax, self.pixels = ax, None
        self.set_zorder(DYNAMIC)
        self.set_figure(ax.figure)
        ax.add_artist(self)

    def draw(self, renderer) -> None:
        if self.pixels is None or not self.get_visible():
            return
        box = self.ax.bbox
        gc = renderer.new_gc()
        gc.set_clip_rectangle(box)
        renderer.draw_image(gc, round(box.x0), round(box.y0), self.pixels)
        gc.restore()


def _pixels(values: np.ndarray, limits: tuple[float, float], count: int) -> np.ndarray:
    low, high = limits
    return np.floor((values - low) / (high - low) * count).astype(np.int64)


def _shifted(array: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """`array` moved by dy rows and dx columns, zeros shifted in."""
    moved = np.zeros_like(array)
    height, width = array.shape
    moved[max(dy, 0):height + min(dy, 0), max(dx, 0):width + min(dx, 0)] = \
        array[max(-dy, 0):height + min(-dy, 0), max(-dx, 0):width + min(-dx, 0)]
    return moved
