"""Single frames as vector files (.pdf, .svg), for LaTeX, Beamer and printed handouts.

The frame is the one a .png of the same options shows, saved through matplotlib's vector
backends: text stays text (selectable, searchable, sharp at any size), and only dense point
clouds are rasterized, so that the file stays small.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from matplotlib.collections import Collection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from aeviz.files import atomic_path
from aeviz.renderer.labels import PathLabel

RASTERIZE_POINTS = 5000  # a cloud with more points than this goes in as an image
RASTER_DPI = 300         # the resolution of those images: print quality

# Text as text (TrueType in PDF, <text> in SVG), and nothing that changes from run to run: a
# fixed salt for SVG ids; the creation dates are left out below.
VECTOR_RC = {"pdf.fonttype": 42, "svg.fonttype": "none", "svg.hashsalt": "aeviz"}
NO_DATES = {".pdf": {"CreationDate": None}, ".svg": {"Date": None}}


def save_vector(figure: Figure, path: str | Path) -> None:
    """Save `figure` (already showing its frame) as a .pdf or .svg, atomically."""
    kind = Path(path).suffix.lower()
    # Drawn into memory, then written in one go: a full disk or a file size limit then fails
    # the write (one line, the old file kept), never the backend halfway (zlib.error, ...).
    drawn = io.BytesIO()
    with matplotlib.rc_context(VECTOR_RC):
        figure.savefig(drawn, format=kind[1:], dpi=RASTER_DPI, metadata=NO_DATES[kind],
                       facecolor=figure.get_facecolor())
    with atomic_path(path) as temp:
        temp.write_bytes(drawn.getvalue())  # a copy: no buffer export left if the write fails


def prepare_for_vectors(figure: Figure, artists: list) -> None:
    """Make a blitting scene's changing artists ordinary ones: drawn by savefig, labels as text,
    dense point clouds rasterized."""
    for artist in artists:
        artist.set_animated(False)
        if isinstance(artist, PathLabel):
            artist.set_visible(False)
            figure.add_artist(artist.as_text())
        elif _points(artist) > RASTERIZE_POINTS:
            artist.set_rasterized(True)


def _points(artist) -> int:
    """How many points a line or collection (the code cloud, its trails) draws."""
    if isinstance(artist, Line2D):
        return len(artist.get_xdata())
    if isinstance(artist, Collection):
        return sum(len(path.vertices) for path in artist.get_paths())
    return 0
