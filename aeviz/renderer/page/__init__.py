"""Trajectory -> one self-contained interactive HTML page, drawn in the browser.

The page is a small hand-written canvas script (page.js, page.css, page.html beside this
module) with the runs' data embedded: numbers as base64 binary (codes as 16-bit integers on
the run's fixed axes, weights and data as float32), text as JSON whose `<`, `>` and `&` are
escaped, so nothing an experiment names can end the script or run in a course site. The page
loads nothing: no CDN, no font, no favicon; it works from disk and from any static host.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aeviz.renderer.frames import Frame
from aeviz.renderer.page.pack import pack_runs
from aeviz.renderer.page.template import page_html
from aeviz.settings import RenderOptions
from aeviz.signals import deferred
from aeviz.trajectory import Trajectory

__all__ = ["write_page"]


def write_page(runs: list[Trajectory], output: str | Path, options: RenderOptions, *,
               notify: Callable[[str], None] = lambda message: None) -> list[Frame]:
    """Write the page for `runs` (one, or several synchronized by epoch) to `output`,
    atomically; return the moments its slider steps through."""
    from aeviz.files import write_text_atomic
    from aeviz.renderer.views import run_views

    views = run_views(runs, options)
    with deferred():
        data, frames, notes = pack_runs(views, options)
    for note in notes:
        notify(note)
    write_text_atomic(output, page_html(data))
    return frames
