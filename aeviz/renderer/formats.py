"""The outputs aeviz writes, by suffix: the one table every command, the batch and the site
index read (a leaf: it imports nothing heavy, so a command's start stays quick)."""

from __future__ import annotations

from pathlib import Path

from aeviz.errors import AevizError

CLIPS = (".mp4", ".webm", ".gif", ".webp")
STILLS = (".png", ".pdf", ".svg")
VECTOR_FORMATS = (".pdf", ".svg")
PAGES = (".html",)  # drawn in the browser from the runs' data (see renderer.page)
FORMATS = CLIPS + STILLS + PAGES
FIGURE_FORMATS = (".pdf", ".svg", ".png")  # a handout (renderer.figure)
EVEN_SIDES = {".mp4": "H.264", ".webm": "VP9"}  # 4:2:0 video: chroma is half size each way
HANDOUT = "handout"  # `aeviz batch --format handout`: each experiment's and comparison's
# handout (renderer.figure), as HANDOUT_SUFFIX
HANDOUT_SUFFIX = ".pdf"
BATCH_FORMATS = [suffix[1:] for suffix in CLIPS + PAGES] + [HANDOUT]  # `aeviz batch --format`


def batch_suffix(fmt: str) -> str:
    """The suffix of what `aeviz batch --format fmt` makes of each experiment: "mp4",
    "html", or a handout's "pdf"."""
    return HANDOUT_SUFFIX[1:] if fmt == HANDOUT else fmt


def output_kind(path: str | Path, formats: tuple[str, ...] = FORMATS,
                what: str = "output") -> str:
    """The output's suffix (one of `formats`, lower case); anything else is a user error."""
    suffix = Path(path).suffix.lower()
    if suffix not in formats:
        raise AevizError(f"{path}: unknown {what} format {suffix or '(no extension)'!r} "
                         f"(allowed: {', '.join(formats)})")
    return suffix
