"""The site of a `batch --format html` folder: index.html listing every page batch made, grouped
by lesson, each with its caption and poster.

Built only from what batch wrote itself: the manifests (NAME.json, read through the bounded
door for user files) and the outputs they list, checked by size and never opened, but for the
head of each page (its title and caption, a bounded read of a regular file). Every link is a
relative path built from a name, percent-encoded and escaped (`./NAME.html`), so no file name
becomes a scheme, an address or markup. A CI job that gathers several shards' folders into one
site runs `python -m aeviz.batch.site SITE`.
"""

from __future__ import annotations

import dataclasses
import html
import os
import re
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from aeviz.batch.manifest import read_manifest
from aeviz.files import write_text_atomic
from aeviz.renderer.formats import CLIPS
from aeviz.text import printable

POSTER_SIZE = "640x360"
# The index's name: index.html, or the first of the others no page has (an experiment named
# "index" keeps its page).
INDEX_NAMES = ("index", "experiments", "site-index")
HEAD_BYTES = 65_536               # a page's <title> and caption are in its first few KB
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_CAPTION = re.compile(r'<meta name="description" content="([^"]*)">')

_STYLE = """
body { margin: 0; padding: 16px 20px; font: 15px/1.4 system-ui, -apple-system, "Segoe UI",
       Roboto, "DejaVu Sans", sans-serif; color: #1f2328; background: #fff; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 18px; margin: 22px 0 8px; }
ul { list-style: none; padding: 0; margin: 0; display: grid; gap: 16px;
     grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
li { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; }
li img { width: 100%; display: block; border-radius: 3px; }
li .none { aspect-ratio: 16 / 9; background: #f3f4f6; display: flex; align-items: center;
           justify-content: center; color: #57606a; }
li a.page { font-weight: 600; color: #0969da; text-decoration: none; display: block;
           margin-top: 6px; }
li p { margin: 4px 0 0; color: #57606a; font-size: 14px; }
p.interrupted { margin: 0 0 12px; padding: 8px 12px; border: 1px solid #d4a72c;
                border-radius: 6px; background: #fff8c5; }
"""
UNFINISHED_SHOWN = 10  # names of unfinished pages the notice of an interrupted batch lists


@dataclasses.dataclass
class Entry:
    """One page of the site."""

    name: str
    title: str
    caption: str
    poster: bool                 # NAME.png is listed in the manifest and in place
    runs: tuple[str, ...] = ()   # a comparison's runs
    clips: tuple[str, ...] = ()  # NAME.mp4 ... beside the page (a clip batch's, gathered)


def make_poster(runs: list, options, path: Path) -> None:
    """The poster of a page: its last snapshot as a still, POSTER_SIZE, at `path`; with
    `future = false` its first (the last gave the ending away: too-high-learning-rate's card
    showed RMSE 7.7e27, "diverged", beside a clip that keeps it for the end). Without the
    caption: the card shows it in full under the poster (drawn in the poster too, it was
    read twice)."""
    from aeviz.renderer.rendering import render
    from aeviz.renderer.views import run_views

    first = (None if options.future
             else min(float(view.timeline[0]) for view in run_views(runs, options)))
    render(runs, path, dataclasses.replace(options, size=POSTER_SIZE, smooth=0, caption=None),
           epoch=first)


def link(name: str) -> str:
    """A relative link to a file of the site, safe as an attribute value: `./` first (no
    scheme, no host), every character but letters, digits and `-._~` percent-encoded."""
    return html.escape("./" + quote(name, safe=""), quote=True)


def _regular(path: Path) -> bool:
    """A regular file (never opened, links not followed)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _in_place(folder: Path, name: str, entry: dict) -> bool:
    """The output `name` is a regular file of the size its manifest records (never opened)."""
    try:
        info = os.lstat(folder / name)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == entry["bytes"]


def _head(path: Path) -> str:
    """The first HEAD_BYTES of a regular file, as text; "" if it is anything else."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                             | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return ""
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return ""
        return handle.read(HEAD_BYTES).decode("utf-8", errors="replace")


def site_entries(folder: Path) -> list[Entry]:
    """Every page batch made in `folder`, from the manifests, by name."""
    entries = []
    for manifest_path in sorted(folder.glob("*.json")):
        name = manifest_path.stem
        manifest = read_manifest(manifest_path)
        outputs = manifest["outputs"] if manifest else {}
        page = f"{name}.html"
        if page not in outputs or not _in_place(folder, page, outputs[page]):
            continue
        head = _head(folder / page)
        title, caption = _TITLE.search(head), _CAPTION.search(head)
        poster = f"{name}.png"
        runs = manifest.get("runs")
        clips = tuple(name + suffix for suffix in CLIPS if _regular(folder / (name + suffix)))
        entries.append(Entry(
            name, html.unescape(title[1]).strip() if title and title[1].strip() else name,
            html.unescape(caption[1]).strip() if caption else "",
            poster in outputs and _in_place(folder, poster, outputs[poster]),
            tuple(runs) if isinstance(runs, dict) else (), clips))  # in its [compare] order
    return entries


ALONE_HEADING = "A lesson in one run"  # the runs that are a lesson of their own (each card
# one lesson; "Single runs" named no lesson)


def shared_heading(word: str, members: list[Entry]) -> str:
    """The heading of runs sharing a name's first word: their titles' common part before a
    colon ("Activations" of "Activations: tanh hidden layers", ...), else the word
    capitalized: a title, as a comparison's heading is."""
    heads = {entry.title.partition(":")[0].strip() if ":" in entry.title else ""
             for entry in members}
    if len(heads) == 1 and "" not in heads:
        return heads.pop()
    return word[:1].upper() + word[1:]


def lessons(entries: list[Entry]) -> list[tuple[str, list[Entry]]]:
    """The entries grouped by lesson, each group with a heading: a comparison with the runs
    it shows (the comparison first, its title the heading, its runs in the order it names
    them: the optimizers' SGD to Adam, as its story goes); then runs sharing a name's first
    word ("optimizers-adam", "optimizers-sgd"); then those alone, together, first. Groups in
    order of their first entry's name."""
    by_name = {entry.name: entry for entry in entries}
    groups: dict[str, tuple[str, list[Entry]]] = {}
    placed: set[str] = set()
    for entry in entries:
        if entry.runs:
            members = [by_name[run] for run in entry.runs if run in by_name and run not in placed]
            groups[entry.name] = (entry.title, [entry, *members])
            placed.update([entry.name, *(member.name for member in members)])
    rest = [entry for entry in entries if entry.name not in placed]
    words: dict[str, list[Entry]] = {}
    for entry in rest:
        words.setdefault(entry.name.split("-")[0], []).append(entry)
    alone = []
    for word, members in words.items():
        if len(members) > 1:
            groups[members[0].name] = (shared_heading(word, members), members)
        else:
            alone += members
    # The runs that are a lesson of their own come first, together.
    return ([(ALONE_HEADING, alone)] if alone else []) + [groups[key] for key in sorted(groups)]


def _card(entry: Entry) -> str:
    page, title = link(f"{entry.name}.html"), html.escape(entry.title)
    image = (f'<img src="{link(entry.name + ".png")}" alt="{title}" loading="lazy">'
             if entry.poster else '<div class="none">no poster</div>')
    caption = f"<p>{html.escape(entry.caption)}</p>" if entry.caption else ""
    if entry.clips:
        caption += ('<p class="clips">clips: ' + " ".join(
            f'<a href="{link(clip)}">{html.escape(Path(clip).suffix[1:])}</a>'
            for clip in entry.clips) + "</p>")
    return (f'<li><a href="{page}">{image}</a><a class="page" href="{page}">{title}</a>'
            f"{caption}</li>")


def interrupted_notice(unfinished: list[str]) -> str:
    """What the index of an interrupted batch says above its entries: that the batch was
    interrupted, and which pages it did not finish (not listed: only finished pages are)."""
    shown = ", ".join(printable(name, 60) for name in unfinished[:UNFINISHED_SHOWN]) + (
        f" and {len(unfinished) - UNFINISHED_SHOWN:,} more"
        if len(unfinished) > UNFINISHED_SHOWN else "")
    pages = "page" if len(unfinished) == 1 else "pages"
    return (f"This batch was interrupted: {len(unfinished):,} {pages} unfinished ({shown}), "
            "not listed here. Only finished pages are listed; run the batch again to finish "
            "the others.")


def write_index(folder: str | Path, notify: Callable[[str], None] = lambda message: None,
                unfinished: list[str] = ()) -> Path:
    """Write the site's index into `folder` (index.html, or another name when a page is
    named index.html); return its path. `unfinished`: the pages an interrupted batch did not
    finish (the index says the batch was interrupted, and names them)."""
    folder = Path(folder)
    # An unfinished page is not listed, even where an older one is in place (a job stopped
    # before it started keeps its old outputs and manifest: made from other inputs).
    entries = [entry for entry in site_entries(folder) if entry.name not in set(unfinished)]
    names = {entry.name for entry in entries}
    free = (name for name in (*INDEX_NAMES, *(f"index-{n}" for n in range(len(names) + 1)))
            if name not in names)
    index = folder / f"{next(free)}.html"
    if index.name != "index.html":
        notify(f"the site's index is {index}: an experiment is named index, and index.html is "
               "its page")
    sections = []
    for heading, members in lessons(entries):
        sections.append(f"<h2>{html.escape(heading)}</h2>\n<ul>\n"
                        + "\n".join(_card(m) for m in members) + "\n</ul>")
    text = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; img-src 'self' file: data:\">\n"
            "<link rel=\"icon\" href=\"data:,\">\n<title>Experiments</title>\n"
            f"<style>{_STYLE}</style>\n</head>\n<body>\n<h1>Experiments</h1>\n"
            + (f'<p class="interrupted">{html.escape(interrupted_notice(unfinished))}</p>\n'
               if unfinished else "")
            + "\n".join(sections) + "\n</body>\n</html>\n")
    write_text_atomic(index, text, follow_links=False)  # a link planted there is replaced
    return index


if __name__ == "__main__":  # python -m aeviz.batch.site SITE
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        sys.exit("usage: python -m aeviz.batch.site FOLDER")
    print(write_index(sys.argv[1], notify=lambda message: print(message, file=sys.stderr)))
