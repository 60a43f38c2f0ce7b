"""index.html for a folder of pages: every experiment and comparison with its poster image.

`aeviz batch --format html` writes it; a CI job that gathers several shards' folders into one
site runs `python -m aeviz.renderer.page.index SITE` to list them all. A poster is NAME.png,
the last snapshot as a still, made from NAME.npz when it is missing or older than the run.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from aeviz.files import write_text_atomic
from aeviz.renderer.formats import CLIP_SUFFIXES

POSTER_SIZE = "640x360"
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)

_STYLE = """
body { margin: 0; padding: 16px 20px; font: 15px/1.4 system-ui, -apple-system, "Segoe UI",
       Roboto, "DejaVu Sans", sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 12px; }
ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 16px;
     grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
li { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; }
li img { width: 100%; display: block; border-radius: 3px; }
li .none { aspect-ratio: 16 / 9; background: #f3f4f6; display: flex; align-items: center;
           justify-content: center; color: #57606a; }
li a.page { font-weight: 600; color: #0969da; text-decoration: none; display: block;
           margin-top: 6px; }
li .clips { color: #57606a; font-size: 13px; }
li .clips a { color: #57606a; }
"""


def page_title(page: Path) -> str:
    """The <title> a page was written with (unescaped), else its file name."""
    with open(page, encoding="utf-8", errors="replace") as file:
        head = file.read(4096)
    found = _TITLE.search(head)
    return html.unescape(found[1]).strip() if found and found[1].strip() else page.stem


def make_poster(page: Path) -> Path | None:
    """NAME.png beside the page, from NAME.npz when there is one and the poster is missing or
    older than it; the poster's path if there is one."""
    poster, run_path = page.with_suffix(".png"), page.with_suffix(".npz")
    if run_path.exists() and (not poster.exists()
                              or poster.stat().st_mtime < run_path.stat().st_mtime):
        import dataclasses

        from aeviz.renderer.rendering import render
        from aeviz.trajectory import load

        run = load(run_path)
        options = dataclasses.replace(run.experiment.render, size=POSTER_SIZE, smooth=0)
        render([run], poster, options)
    return poster if poster.exists() else None


def write_index(folder: str | Path, posters: bool = True) -> Path:
    """Write FOLDER/index.html listing every page there; `posters`: make missing posters."""
    folder = Path(folder)
    pages = sorted(p for p in folder.glob("*.html") if p.name != "index.html")
    items = []
    for page in pages:
        poster = make_poster(page) if posters else page.with_suffix(".png")
        name = html.escape(page.name, quote=True)
        title = html.escape(page_title(page))
        image = (f'<img src="{html.escape(poster.name, quote=True)}" alt="{title}" '
                 f'loading="lazy">' if poster is not None and poster.exists()
                 else '<div class="none">no poster</div>')
        clips = [page.with_suffix(s) for s in CLIP_SUFFIXES if page.with_suffix(s).exists()]
        links = " ".join(f'<a href="{html.escape(c.name, quote=True)}">{c.suffix[1:]}</a>'
                         for c in clips)
        items.append(f'<li><a href="{name}">{image}</a><a class="page" href="{name}">{title}'
                     f'</a>' + (f'<div class="clips">clips: {links}</div>' if clips else "")
                     + "</li>")
    text = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<link rel=\"icon\" href=\"data:,\">\n<title>Experiments</title>\n"
            f"<style>{_STYLE}</style>\n</head>\n<body>\n<h1>Experiments</h1>\n<ul>\n"
            + "\n".join(items) + "\n</ul>\n</body>\n</html>\n")
    index = folder / "index.html"
    write_text_atomic(index, text)
    return index


if __name__ == "__main__":  # python -m aeviz.renderer.page.index SITE
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: python -m aeviz.renderer.page.index FOLDER")
    print(write_index(sys.argv[1]))
