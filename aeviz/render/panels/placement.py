"""Where a reference line's label goes: beside its line, where no curve and no other label is."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath

from aeviz.render.panels.style import Rect

SAMPLES = 400  # points per curve when looking for room (segments cross boxes between points)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` at `size` points, in points."""
    font = FontProperties(size=size, weight="bold" if bold else "normal")
    return TextPath((0, 0), text, prop=font).get_extents().width if text else 0.0


def curve_points(ax: Axes, curves: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Every curve, densely resampled, in axes fractions [K, 2] (limits must be set)."""
    to_axes = ax.transData + ax.transAxes.inverted()
    points = []
    for x, y in curves:
        finite = np.isfinite(y) & (y > 0 if ax.get_yscale() == "log" else True)
        if finite.sum() < 1:
            continue
        xy = to_axes.transform(np.column_stack([x[finite], y[finite]]))
        along = np.linspace(0, len(xy) - 1, SAMPLES)
        points.append(np.column_stack([np.interp(along, np.arange(len(xy)), xy[:, 0]),
                                       np.interp(along, np.arange(len(xy)), xy[:, 1])]))
    return np.concatenate(points) if points else np.zeros((0, 2))


def free_spot(line_y: float, size: tuple[float, float], points: np.ndarray,
              taken: list[Rect]) -> Rect:
    """A box of `size` (axes fractions) just above or below the line at `line_y` that holds
    the fewest curve points and overlaps no `taken` box; ties go above, then left."""
    width, height = size
    gap = 0.01
    candidates = []
    for above in (True, False):
        y0 = line_y + gap if above else line_y - gap - height
        if y0 < 0 or y0 + height > 1:
            continue
        for x0 in np.linspace(0.01, max(0.99 - width, 0.01), 9):
            candidates.append((x0, y0, width, height))
    if not candidates:  # the line hugs an edge: the side with room
        y0 = min(max(line_y + gap, 0.0), 1 - height)
        candidates = [(0.01, y0, width, height)]
    return min(candidates, key=lambda box: (_hits(box, points) + 1000 * _overlaps(box, taken),
                                            candidates.index(box)))


def _hits(box: Rect, points: np.ndarray) -> int:
    x0, y0, w, h = box
    pad = 0.01
    inside = ((points[:, 0] >= x0 - pad) & (points[:, 0] <= x0 + w + pad)
              & (points[:, 1] >= y0 - pad) & (points[:, 1] <= y0 + h + pad))
    return int(inside.sum())


def _overlaps(box: Rect, taken: list[Rect]) -> int:
    x0, y0, w, h = box
    return sum(x0 < tx + tw and tx < x0 + w and y0 < ty + th and ty < y0 + h
               for tx, ty, tw, th in taken)
