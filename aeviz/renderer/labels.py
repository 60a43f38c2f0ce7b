"""Labels that change every frame, drawn as glyph outlines.

A Text artist lays out and rasterizes its glyphs anew for every new string (about 2.4 ms at
720p); a TextPath reuses matplotlib's cached glyph outlines and fills them (about 1 ms), which
matters for labels such as the epoch counter that change in every frame. They look the same at
these sizes, and being patches they blit like any other artist.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D, Bbox, ScaledTranslation, Transform

EMPTY = Path([[0.0, 0.0]])


def text_path(line: str, font: FontProperties) -> TextPath | None:
    """The outline of one line of text, or None where it draws nothing: a blank line, one of
    only invisible characters (a zero-width space, a soft hyphen) or math of only spaces
    (`$\\quad$`). matplotlib's TextPath of no glyph at all fails (its path codes are then an
    empty list, not an array) rather than giving an empty outline."""
    if not line.strip():
        return None
    try:
        return TextPath((0, 0), line, prop=font)
    except AttributeError:  # no glyph: see above
        return None


def outline_extents(path: Path) -> Bbox:
    """`path.get_extents()`, in a two-hundredth of its time for a line of text: the box of its
    points on the curves (where a font puts a point at each extreme, as DejaVu does), which
    is the exact box unless a curve's control point lies outside it (then matplotlib's own,
    which solves each curve for its extremes: 30 ms a line of text, a minute for a long
    caption's pages)."""
    codes = path.codes
    if codes is None:
        return path.get_extents()
    index = np.arange(len(codes))
    control = np.zeros(len(codes), bool)
    for code, points in ((Path.CURVE3, 2), (Path.CURVE4, 3)):  # a curve's last point is on it
        run = codes == code
        first = run & ~np.r_[False, run[:-1]]
        offset = index - np.maximum.accumulate(np.where(first, index, 0))
        control |= run & (offset % points != points - 1)
    drawn = np.isin(codes, (Path.MOVETO, Path.LINETO, Path.CURVE3, Path.CURVE4))
    on_curve, off_curve = path.vertices[drawn & ~control], path.vertices[control]
    if not len(on_curve):
        return path.get_extents()
    low, high = on_curve.min(axis=0), on_curve.max(axis=0)
    if len(off_curve) and ((off_curve < low).any() or (off_curve > high).any()):
        return path.get_extents()
    return Bbox([low, high])


class PathLabel(PathPatch):
    """A one-line label at (x, y) in `coordinates` (e.g. ax.transAxes, fig.transFigure)."""

    def __init__(self, figure: Figure, x: float, y: float, coordinates: Transform, *,
                 size: float, color: str, zorder: float, ha: str = "left", va: str = "top"):
        self._font = FontProperties(size=size)
        self._ha, self._va, self._text = ha, va, ""
        self._anchor = (x, y, coordinates)
        # A fixed ascent, so the baseline does not move when the string changes.
        self._ascent = TextPath((0, 0), "0123456789Ehbdlk", prop=self._font).vertices[:, 1].max()
        self._shift = Affine2D()  # alignment, in points
        points_to_display = Affine2D().scale(1 / 72) + figure.dpi_scale_trans
        super().__init__(EMPTY, linewidth=0, facecolor=color, zorder=zorder,
                         transform=self._shift + points_to_display
                         + ScaledTranslation(x, y, coordinates))

    def set_text(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        path = text_path(text, self._font)
        if path is None:
            self.set_path(EMPTY)
            return
        width = path.vertices[:, 0].max()  # the outline's control points: quick, and close
        dx = {"left": 0.0, "center": -width / 2, "right": -width}[self._ha]
        dy = {"top": -self._ascent, "baseline": 0.0}[self._va]
        self._shift.clear().translate(dx, dy)
        self.set_path(path)

    def get_text(self) -> str:
        return self._text

    def as_text(self) -> Text:
        """The same label as a Text artist, for vector files, where text should stay text."""
        x, y, coordinates = self._anchor
        return Text(x, y, self._text, transform=coordinates, fontproperties=self._font,
                    color=self.get_facecolor(), ha=self._ha, va=self._va,
                    zorder=self.get_zorder())
