"""Trajectory -> MP4 / WebM / GIF / WebP clips, PNG / PDF / SVG stills, HTML pages. Reads only
trajectories: it never imports the trainer.

The package's face only hands names on, each from the module that is its home, on first use
(so that `aeviz.renderer.formats` is cheap to import for a command's start): `render` and
`check_request` (rendering), `run_views` (views), `within_budgets` (budgets), the suffix table
(formats).
"""

from __future__ import annotations

from importlib import import_module

_HOMES = {
    "render": "rendering", "check_request": "rendering", "run_views": "views",
    "within_budgets": "budgets",
    "CLIPS": "formats", "STILLS": "formats", "VECTOR_FORMATS": "formats", "PAGES": "formats",
    "FORMATS": "formats", "EVEN_SIDES": "formats", "output_kind": "formats",
}
__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(f"aeviz.renderer.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'aeviz.renderer' has no attribute {name!r}")
