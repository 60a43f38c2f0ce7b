"""The page's HTML: the template with its script, style and data put in, every text escaped."""

from __future__ import annotations

import html
import json
from importlib import resources

# In a <script> element only "</script" (any case) and "<!--" can end or change the script; JSON
# with <, > and & written as \u escapes contains neither, whatever the experiment's texts say.
_SCRIPT_SAFE = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                ord("\u2028"): "\\u2028", ord("\u2029"): "\\u2029"}


def script_json(value: object) -> str:
    """`value` as JSON that is safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).translate(_SCRIPT_SAFE)


def asset(name: str) -> str:
    """A file shipped beside this module (page.html, page.js, page.css)."""
    return resources.files("aeviz.renderer.page").joinpath(name).read_text(encoding="utf-8")


def page_html(data: dict) -> str:
    """The whole page for `data` (see pack.pack_runs)."""
    from aeviz.renderer.page.playground import playground_script

    parts = {"TITLE": html.escape(data["title"]), "STYLE": asset("page.css"),
             "SCRIPT": asset("page.js"), "DATA": script_json(data),
             "PLAYGROUND": playground_script()}
    pieces = asset("page.html").split("@@")
    # The template alternates text and placeholder names; values are put in once, never
    # searched again, so a value that spells a placeholder stays as it is.
    return "".join(parts[piece] if number % 2 else piece
                   for number, piece in enumerate(pieces))
