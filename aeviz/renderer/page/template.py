"""The page's HTML: the template (page.html) with its script, style and data put in, every
text escaped.

The script is the files in SCRIPTS, in that order, inside one function that holds the
namespace `page` (page.html), after the shared activations.js (which the Worker runs too):
kit.js (scales, ticks, text, the Panel base), data.js (decoding
the packed runs), model.js (the forward pass), one panel-NAME.js per panel kind (each sets
page.panelKinds.KIND to a Panel subclass), stage.js (what panels and controls share),
controls.js, api.js (window.aeviz) and main.js (one panel per entry of the data's "panels", in
order). To add a panel: a panel-NAME.js setting page.panelKinds.NAME, listed before stage.js,
and pack.py emitting {"kind": NAME, ...}. To add a control: a file after controls.js that
takes the stage (`page.NAME = (stage) => ...`), called from main.js. eslint checks every part
(.ci/eslint.config.mjs). The page stays one file that loads nothing. After the function, in
the same element, come the playground's scripts (live/, see playground.py): they use only the
data, window.aeviz and an element of their own.
"""

from __future__ import annotations

import html
import json
from importlib import resources

from aeviz.renderer.page.playground import playground_script
from aeviz.text import math_as_unicode
from aeviz.training.model import LEAK

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


# The script's parts, in order: each defines one member of the namespace `page` that the
# later ones use; main.js, last, builds the page.
SCRIPTS = ("kit.js", "data.js", "model.js", "panel-code.js", "panel-loss.js",
           "panel-weights.js", "panel-recon-space.js", "panel-recon-profile.js",
           "panel-recon-images.js", "panel-decoder-mosaic.js",
           "panel-decoder-sheet.js", "stage.js", "controls.js", "api.js", "main.js")


def script() -> str:
    """The page's script: its parts joined, each under a line naming it."""
    return "\n".join(f"// ---- {name}\n{asset(name)}" for name in SCRIPTS)


def shared_script() -> str:
    """What the page's own script and the retraining Worker both run first: the one table of
    activations (activations.js), with leaky_relu's slope the model's."""
    return f"const AEVIZ_LEAK = {LEAK!r};\n{asset('activations.js')}"


def plain_texts(value: object) -> object:
    """`value` (the page's data) with every text's math as Unicode (see
    aeviz.text.math_as_unicode): the page draws no mathtext, so "$\\sigma^2$" in a title, a
    label or a caption would show as written; σ² reads as clips and handouts draw it."""
    if isinstance(value, str):
        return math_as_unicode(value)
    if isinstance(value, dict):
        return {key: plain_texts(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_texts(item) for item in value]
    return value


def page_html(data: dict) -> str:
    """The whole page for `data` (see pack.pack_runs)."""
    data = plain_texts(data)
    parts = {"TITLE": html.escape(data["title"]), "STYLE": asset("page.css"),
             "SCRIPT": script(), "DATA": script_json(data),
             "DESCRIPTION": html.escape(data.get("caption", ""), quote=True),
             "SHARED": shared_script(),
             "PLAYGROUND": playground_script(asset, shared_script())}
    pieces = asset("page.html").split("@@")
    # The template alternates text and placeholder names; values are put in once, never
    # searched again, so a value that spells a placeholder stays as it is.
    return "".join(parts[piece] if number % 2 else piece
                   for number, piece in enumerate(pieces))
