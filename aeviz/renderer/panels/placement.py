"""Where a reference line's label goes: beside its line, where no curve and no other label is
(else, with a sample of the line, wherever there is room)."""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect_left, bisect_right
from itertools import accumulate
from typing import NamedTuple

import numpy as np
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.font_manager import FontProperties

from aeviz.renderer.labels import outline_extents, text_path
from aeviz.renderer.panels.style import Rect

NARROWEST_EM = 0.2  # no printable glyph is narrower (DejaVu Sans: 0.27 em, "'" and "i")
SAMPLES = 400  # points per curve when looking for room (segments cross boxes between points)


def reading_order(groups: list[list], rows: int, blank) -> list:
    """A key's entries for a legend of `rows` rows, which matplotlib fills column by column,
    reordered so that each row reads left to right ("0 1 2 3 4 / 5 6 7 8 9", not "0 2 4 6 8 /
    1 3 5 7 9"): each group (the classes, the marks) in columns of its own, its last row
    filled with `blank`s so the next group starts a column; ncol = len(result) // rows."""
    if rows <= 1:
        return [entry for group in groups for entry in group]
    ordered = []
    for group in groups:
        columns = -(-len(group) // rows)
        cells = list(group) + [blank] * (rows * columns - len(group))
        ordered += [cells[row * columns + column] for column in range(columns)
                    for row in range(rows)]
    return ordered


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of `text` at `size` points, in points: of its widest line, as matplotlib
    lays each line out alone (its math included: a line break is no glyph)."""
    boxes = [line_box(line, size, bold) for line in text.split("\n")]
    return max(box[2] - box[0] if box is not None else 0.0 for box in boxes)


def outline_width(text: str, size: float, bold: bool = False) -> float:
    """At least `text_width`, and quicker where its lines were not measured before: the
    extent of the outline's control points (each curve lies within its control points); of
    the widest line, as `text_width`."""
    return max(_control_width(line, size, bold) for line in text.split("\n"))


# Laying out the key, the titles and a caption's pages measures the same lines again and
# again (sixteen class names at 854x480: 5,900 outlines of 142 lines, 20 s): each line's
# outline is made once (the sizes, not the outlines, are kept: a caption's line is ~100 KB).
MEASURED_LINES = 4096


def line_box(line: str, size: float, bold: bool = False) -> tuple[float, ...] | None:
    """The box of one line's outline at `size` points (x0, y0, x1, y1, points from its
    baseline's start), or None where it draws nothing."""
    return _line_sizes(line, size, bold, _fonts())[0]


def _control_width(line: str, size: float, bold: bool) -> float:
    return _line_sizes(line, size, bold, _fonts())[1]


def _fonts() -> tuple:
    """What else picks a line's glyphs (a caller may set matplotlib's fonts between calls)."""
    return (tuple(rcParams["font.family"]), tuple(rcParams["font.sans-serif"]),
            rcParams["mathtext.fontset"])


@functools.lru_cache(maxsize=MEASURED_LINES)
def _line_sizes(line: str, size: float, bold: bool,
                fonts: tuple) -> tuple[tuple[float, ...] | None, float]:
    """One line's outline box (line_box) and its control points' width (outline_width),
    from one outline: a line is laid out once for both."""
    path = text_path(line, FontProperties(size=size, weight="bold" if bold else "normal"))
    if path is None:  # (draws nothing)
        return None, 0.0
    x = path.vertices[:, 0]
    width = float(x.max() - x.min()) if len(x) else 0.0
    return tuple(float(v) for v in outline_extents(path).extents), width


def most_chars(size: float, room_pt: float) -> int:
    """The most characters that could fit in `room_pt` points at `size` (see NARROWEST_EM)."""
    return max(int(room_pt / (NARROWEST_EM * size)) + 1, 1)


def wider_than(text: str, size: float, room_pt: float, bold: bool = False) -> bool:
    """Whether `text` is wider than `room_pt` points; text too long to fit is not measured,
    and text whose outline fits is not measured exactly."""
    if len(text) > most_chars(size, room_pt):
        return True
    return outline_width(text, size, bold) > room_pt and text_width(text, size, bold) > room_pt


def fit_text(text: str, size: float, room_pt: float, bold: bool = False) -> str:
    """`text`, cut with an ellipsis to fit `room_pt` points.

    The work is the same for any length: the text is first cut to the most characters that
    could fit (no glyph is narrower than NARROWEST_EM); the cut is then found by bisection on
    the quick outline width, and moved right where the exact width lets more fit (a character
    or two), so a 100,000-character title costs what a line of text costs.
    """
    if not wider_than(text, size, room_pt, bold):
        return text
    whole, text, spans = text, text[:most_chars(size, room_pt)], _math_spans(text)

    def cut(count: int) -> str:
        return _plain_dollars(text[:count], spans).rstrip() + "…"

    def fits(count: int, width=text_width) -> bool:
        return width(cut(count), size, bold) <= room_pt

    # The longest prefix that fits with its ellipsis (one character when none does); widths
    # grow with the prefix, so this is the cut that removing characters one by one finds.
    low = _longest(lambda count: fits(count, outline_width), 1, len(text))
    step = 1  # the outline is wider than the text: gallop right, then bisect
    while low + step <= len(text) and fits(low + step):
        low, step = low + step, step * 2
    low = _longest(fits, low, min(low + step, len(text) + 1) - 1)
    return cut(_outside_math(whole, low, spans))


def fit_name(name: str, size: float, room_pt: float) -> str:
    """A run's name cut to fit `room_pt` points, a numbered name keeping its " (1)" (two runs
    of one name stay two)."""
    if not wider_than(name, size, room_pt):
        return name
    number = re.search(r" \(\d+\)$", name)
    suffix = number[0] if number else ""
    head = name[:len(name) - len(suffix)]
    return fit_text(head, size, max(room_pt - text_width(suffix, size), 1.0)) + suffix


def _math_spans(text: str) -> list[tuple[int, int]]:
    """Where matplotlib draws math in `text`: [start, end) of each $...$ (its rule, line by
    line: math only when a line's unescaped $ signs are even in number, paired in order)."""
    spans, offset = [], 0
    for line in text.split("\n"):
        dollars = [offset + match.start() for match in re.finditer(r"(?<!\\)\$", line)]
        if len(dollars) % 2 == 0:
            spans += [(start, end + 1) for start, end in zip(dollars[::2], dollars[1::2])]
        offset += len(line) + 1
    return spans


def _plain_dollars(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` (a prefix of a text whose math is `spans`) with every $ sign that is not one
    of those spans' escaped ("\\$" prints "$"): a cut of a name with an odd number of them
    (plain text) could keep an even number, which matplotlib then parsed as math and failed
    on ("$\\frac{$ ... $"); a span the cut splits keeps its opening $, alone, printed."""
    delimiters = {i for start, end in spans for i in (start, end - 1)}
    return "".join("\\$" if char == "$" and i not in delimiters
                   and (i == 0 or text[i - 1] != "\\") else char
                   for i, char in enumerate(text))


def _outside_math(line: str, count: int, spans: list | None = None) -> int:
    """`count`, or the start of the math that a cut after `count` characters would split (a
    split math prints its $ signs raw)."""
    for start, end in _math_spans(line) if spans is None else spans:
        if start < count < end:
            return start
    return count


def _stray_dollars_escaped(text: str) -> str:
    """`text` with each line's $ signs that start or end no math escaped ("\\$" prints "$"):
    a line cut in two keeps its math, never makes math of them ("$\\frac{a}{b}$$", three
    signs, plain text, wrapped as "$\\frac{a}" and "{b}$$", whose two signs failed to parse)."""
    if "$" not in text:
        return text
    return "\n".join(_plain_dollars(line, _math_spans(line)) for line in text.split("\n"))


def _plain_lines(text: str) -> str:
    """`text` with each line's runs of spaces and tabs made one space, and empty lines
    dropped: its line breaks kept (matplotlib pairs $ signs line by line, and so does the text
    door: joined, "cost $5" and "and $6" would become math)."""
    return "\n".join(line for line in (" ".join(part.split()) for part in text.split("\n"))
                     if line)


def wrap_text(text: str, size: float, room_pt: float, lines: int) -> list[str]:
    """`text` in at most `lines` lines of `room_pt` points, broken at its own line breaks and
    at spaces (within a word too long for a line), the last cut with an ellipsis when the
    text goes on.

    Bounded as fit_text: the text is first cut to the most characters `lines` lines could
    hold, and each line is found by bisection, so a long text costs what a short one does.
    """
    limit = lines * most_chars(size, room_pt)
    text = _stray_dollars_escaped(text)
    rest = _plain_lines(text[:_outside_math(text, limit + 1)])  # no math cut in two
    cut = len(text) > limit
    out: list[str] = []
    while rest and len(out) < lines - 1:
        head, _, tail = rest.partition("\n")
        if not wider_than(head, size, room_pt):
            if not tail:
                break
            out.append(head)
            rest = tail
            continue
        count = _longest(lambda count, head=head: not wider_than(head[:count], size, room_pt),
                         1, len(head))
        # The last space that fits, outside math; else a cut before the math (the whole
        # math on the line, too wide, when it starts the line: never split).
        spans = _math_spans(head)
        space = next((i for i in range(min(count, len(head) - 1), 0, -1)
                      if head[i] == " " and _outside_math(head, i, spans) == i), 0)
        count = space or _outside_math(head, count, spans) or \
            next(end for start, end in spans if start < count < end)
        out.append(head[:count].rstrip())
        rest = (head[count:].lstrip() + "\n" + tail).rstrip("\n")
    if rest:
        head, _, tail = rest.partition("\n")
        out.append(fit_text(head + "…" if cut or tail else head, size, room_pt))
    return out


def wrap_sentences(text: str, size: float, room_pt: float, lines: int) -> list[str]:
    """wrap_text for a caption: where the whole text does not fit, it ends with the last
    whole sentence or whole line of its own that fits (a lesson's caption starts with the
    lesson in brief), rather than an ellipsis in mid-sentence; only a first sentence too long
    alone is cut.

    Bounded: only the characters `lines` lines could hold are looked at."""
    text = _stray_dollars_escaped(text)
    wrapped = wrap_text(text, size, room_pt, lines)
    if not _cut(wrapped, _plain_lines(text)):
        return wrapped
    head = _plain_lines(text[:lines * most_chars(size, room_pt) + 1])
    ends = _unit_ends(head)

    def whole(index: int) -> bool:
        return not _cut(wrap_text(head[:ends[index]], size, room_pt, lines), head[:ends[index]])

    # The sentences through an end fit until one more does not (more words, more lines), so
    # the last that fits is bisected for (one by one, a caption of short sentences measured
    # hundreds of lines a page: 4 minutes for 4,096 characters).
    if not ends or not whole(0):
        return wrapped
    end = ends[_longest(whole, 0, len(ends) - 1)]
    return wrap_text(head[:end], size, room_pt, lines)


def _cut(drawn: list[str], plain: str) -> bool:
    """Whether the lines `drawn` (wrap_text's) of `plain` end cut short with an ellipsis:
    they print other than the start of `plain` (a sentence of its own ending in "…", drawn
    whole, is not cut: it was taken for one and paged alone)."""
    shown = "".join("".join(line.split()) for line in drawn)
    return bool(drawn) and drawn[-1].endswith("…") and \
        not "".join(plain.split()).startswith(shown)


# Words whose period ends no sentence (a caption's "Smith et al. agreed" broke into pages).
ABBREVIATIONS = {"e.g", "i.e", "vs", "etc", "al", "cf", "approx", "resp", "fig", "eq", "dr",
                 "mr", "mrs", "ms", "prof", "no"}


def _unit_ends(plain: str) -> list[int]:
    """Where each sentence and each line of `plain` (as _plain_lines makes it) ends."""
    return sorted({match.end() for match in re.finditer(r"[.!?](?=[ \n])", plain)
                   if match.group() != "." or not _abbreviation(plain, match.start())}
                  | {match.start() for match in re.finditer("\n", plain)})


def _abbreviation(plain: str, at: int) -> bool:
    """Whether the period at `at` ends an abbreviation (ABBREVIATIONS), not a sentence."""
    word = re.search(r"[\w.]*$", plain[:at]).group().lower()
    return word in ABBREVIATIONS


def left_out_note(text: str, drawn: list[str], where: str) -> str | None:
    """What a caption `text`, drawn as the lines `drawn` (from wrap_sentences), left out: a
    note saying how much of it fits `where` ("a 640x360 frame", "the handout"); None when all
    of it is drawn. Counted in lines when the caption has line breaks of its own, else in
    sentences (counted in printed characters: the wrap drops spaces where it breaks)."""
    plain = _plain_lines(_stray_dollars_escaped(text))
    shown = sum(len("".join(line.split())) for line in drawn)
    total = len("".join(plain.split()))
    if shown >= total:
        return None
    unit = "line" if "\n" in plain else "sentence"
    ends = [match.start() for match in re.finditer("\n", plain)] if unit == "line" else \
        [end for end in _unit_ends(plain) if end < len(plain)]
    if drawn and drawn[-1].endswith("…"):
        return f"caption: its first {unit} is cut to fit {where}; the rest is left out"
    printed = list(accumulate((not char.isspace() for char in plain), initial=0))
    whole = sum(1 for end in ends if printed[end] <= shown)
    return f"caption: {whole} of {len(ends) + 1} {unit}s fit {where}; the rest is left out"


class CaptionPage(NamedTuple):
    """One page of a caption (see caption_pages): its lines, and where its text ends in the
    caption made plain (_plain_lines); `part`: a part of a sentence too long for one page,
    which goes on over the next."""
    lines: list[str]
    end: int
    part: bool = False


def caption_pages(text: str, size: float, room_pt: float, lines: int) -> list[CaptionPage]:
    """`text` as pages of at most `lines` lines that a clip shows in turn, each as many
    whole sentences (or lines of its own) as fit, as wrap_sentences finds them; a sentence
    too long alone goes on over as many pages as it needs (sentence_parts: at 640x360, one
    line a page, 13 of the 18 examples' captions had a sentence cut mid-word, "…map back onto
    the ar…"). A text that fits whole: one page, wrap_sentences' lines (the frame drawn as
    before pages existed).

    Bounded as wrap_sentences: each page looks at the characters its lines could hold (a
    sentence too long for one page, at the characters of its own pages)."""
    text = _stray_dollars_escaped(text)
    plain = _plain_lines(text)
    first = wrap_sentences(text, size, room_pt, lines)
    pages, start = [], 0
    while start < len(plain):
        rest = plain[start:]
        shown = first if not pages else wrap_sentences(rest, size, room_pt, lines)
        through = _shown_through(rest, shown)
        # Its first sentence alone too long: cut with an ellipsis, or (a text of no sentence
        # ends whose cut fell after an ellipsis of its own) printing less than it ends after.
        if _cut(shown, rest) or _printed(rest[:through]) > _printed("".join(shown)):
            end = start + (_whole_ends(rest) or [len(rest)])[0]
            pages += sentence_parts(plain[start:end], size, room_pt, lines, start, end)
        else:
            end = start + through
            pages.append(CaptionPage(shown, end))
        start = end + len(plain[end:]) - len(plain[end:].lstrip())
    return pages or [CaptionPage(first, 0)]


CONTINUED = "…"  # a sentence's part goes on on the next page (and goes on from the last)


def sentence_parts(sentence: str, size: float, room_pt: float, lines: int, start: int,
                   end: int) -> list[CaptionPage]:
    """A `sentence` too long for a page of `lines` lines as pages of its parts, broken after
    clauses where they can be (_clause_parts), else at spaces into parts of about one length,
    each marked where it goes on (CONTINUED, at the end of one part
    and the start of the next, in room kept for them); `start`, `end`: where it starts and
    ends in the caption."""
    mark_pt = text_width(CONTINUED, size) * 2 + 2  # (one at each end, a little to spare)
    most = max(lines, len(sentence))
    count = -(-len(wrap_text(sentence, size, room_pt - mark_pt, most)) // lines)  # pages
    parts = _clause_parts(sentence, size, room_pt - mark_pt, count) if lines == 1 else None
    if parts:  # one-line parts: broken after clauses where they can be
        chunks = [[part] for part in parts]
    else:
        # Parts of about one length: the narrowest room that still takes `count` pages (as
        # wide as it could be, the last part was a word or two alone, "…steep ones.").
        low, high = (room_pt - mark_pt) / count, room_pt - mark_pt
        for _ in range(8):
            middle = (low + high) / 2
            if -(-len(wrap_text(sentence, size, middle, most)) // lines) > count:
                low = middle
            else:
                high = middle
        wrapped = wrap_text(sentence, size, high, most)
        chunks = [wrapped[i:i + lines] for i in range(0, len(wrapped), lines)]
    # Where each part ends in the caption: after as many printed characters as it prints.
    printed = list(accumulate((not char.isspace() for char in sentence), initial=0))
    pages, done = [], 0
    for number, chunk in enumerate(chunks):
        last = number == len(chunks) - 1
        done += sum(len("".join(line.split())) for line in chunk)
        shown = list(chunk)
        if number:
            shown[0] = CONTINUED + shown[0]
        if not last and not shown[-1].endswith(CONTINUED):  # (an ellipsis of its own: "on……")
            shown[-1] += CONTINUED
        at = min(start + bisect_left(printed, done), end - 1)
        pages.append(CaptionPage(shown, end if last else at, part=True))
    return pages


# A sentence's one-line parts break best after a clause's punctuation, never inside
# brackets: "…momentum at SGD's…" / "…learning rate", "…without the noise (std…" / "…0.3)" broke
# a phrase and a parenthesis. The costs of a break (after a clause, between other words, inside
# brackets) and of a part more than the fewest; parts of about one length break ties.
CLAUSE_END = re.compile(r"[,;:]$")
BREAK_COSTS = {"clause": 0.0, "word": 3.0, "bracket": 10.0}
PART_COST = 2.0


def _clause_parts(sentence: str, size: float, room_pt: float, fewest: int) -> list[str] | None:
    """`sentence` in `fewest` one-line parts of `room_pt` (or one more), broken where
    BREAK_COSTS and PART_COST cost least, parts of about one length breaking ties (each part
    measured as drawn); None where the sentence has math or no such parts fit."""
    words = sentence.split(" ")
    if "$" in sentence or len(words) < 2:
        return None
    space = text_width("a b", size) - text_width("ab", size)
    widths = [text_width(word, size) for word in words]
    depth, kinds = 0, []  # the kind of a break after each word
    for word, after in zip(words, words[1:]):
        depth += word.count("(") + word.count("[") - word.count(")") - word.count("]")
        kinds.append("bracket" if depth > 0 else "clause"
                     if CLAUSE_END.search(word) or after in ("—", "–") else "word")
    count = len(words)
    starts = list(accumulate(widths, initial=0.0))

    def width(i: int, j: int) -> float:  # words i to j on one line
        return starts[j] - starts[i] + space * (j - i - 1)

    best: dict[tuple[int, int], tuple[float, list[int]]] = {(0, 0): (0.0, [])}
    for parts in range(1, fewest + 2):
        for j in range(1, count + 1):
            first = j - 1  # the first word of the longest line that ends at word j
            while first > 0 and width(first - 1, j) <= room_pt:
                first -= 1
            for i in range(first, j):
                if (i, parts - 1) not in best or width(i, j) > room_pt:
                    continue
                cost, breaks = best[(i, parts - 1)]
                cost += (width(i, j) / room_pt) ** 2 + (BREAK_COSTS[kinds[i - 1]] if i else 0.0)
                if (j, parts) not in best or cost < best[(j, parts)][0]:
                    best[(j, parts)] = (cost, breaks + [j])
    found = [(cost + PART_COST * (parts - fewest), breaks)
             for (j, parts), (cost, breaks) in best.items()
             if j == count and parts >= fewest]
    for _, breaks in sorted(found):  # the cheapest whose parts fit as drawn
        parts = [" ".join(words[i:j]) for i, j in zip([0] + breaks, breaks)]
        if not any(wider_than(part, size, room_pt) for part in parts):
            return parts
    return None


def _shown_through(plain: str, drawn: list[str]) -> int:
    """Where the whole sentences (or lines) that `drawn` shows of `plain` end: after the
    first at least (a first sentence cut with an ellipsis is shown as far as it can be)."""
    printed = list(accumulate((not char.isspace() for char in plain), initial=0))
    shown = sum(len("".join(line.split())) for line in drawn)
    if shown >= printed[-1]:
        return len(plain)
    ends = _whole_ends(plain)
    if not ends:
        return len(plain)
    if _cut(drawn, plain):
        return ends[0]
    return max([end for end in ends if printed[end] <= shown], default=ends[0])


def _printed(text: str) -> int:
    """The characters `text` prints (its spaces and line breaks are where lines break)."""
    return len("".join(text.split()))


def _whole_ends(plain: str) -> list[int]:
    """_unit_ends before the text's end and outside its math (a "." inside $...$ ends no
    sentence)."""
    spans = _math_spans(plain)
    return [end for end in _unit_ends(plain)
            if 0 < end < len(plain) and not any(a < end < b for a, b in spans)]


def page_note(text: str, pages: list[CaptionPage], page: int, where: str,
              still: bool) -> str | None:
    """What the user is told of a caption drawn as `pages`: a clip shows every page in
    turn, so only a sentence cut with an ellipsis is said; a still shows page `page` alone
    (the one its moment shows in the clip), and says what it leaves out."""
    if len(pages) == 1:
        return left_out_note(text, pages[0].lines, where)
    plain = _plain_lines(_stray_dollars_escaped(text))
    unit = "line" if "\n" in plain else "sentence"
    # Counted in its unit: a caption of lines of its own pages at sentences too, and counted
    # by both ends its still said "lines 1 to 2 of 6" of three lines, showing one.
    ends = _whole_ends(plain) if unit == "sentence" else \
        [match.start() for match in re.finditer("\n", plain)]
    total = len(ends) + 1
    if not still:
        cut = [str(1 + sum(end <= start for end in ends))
               for start, shown in zip([0] + [p.end for p in pages], pages)
               if shown.lines and shown.lines[-1].endswith("…") and not shown.part]
        if not cut:
            return None
        return (f"caption: {unit}{'s' if len(cut) > 1 else ''} {', '.join(cut)} of {total} "
                f"cut to fit {where} (its {unit}s take turns)")
    start = pages[page - 1].end if page else 0
    first = 1 + sum(end <= start for end in ends)
    last = max(first, sum(end < pages[page].end for end in ends) + 1)
    which = f"{unit} {first}" if first == last else f"{unit}s {first} to {last}"
    if pages[page].part:
        return (f"caption: a part of {which} of {total} fits {where}, as the clip shows it at "
                "this moment; the rest is left out")
    if pages[page].lines and pages[page].lines[-1].endswith("…"):
        return (f"caption: {which} of {total}, cut to fit {where}, as the clip shows it at "
                "this moment; the rest is left out")
    return (f"caption: {which} of {total} fit{'s' if first == last else ''} {where}, as the "
            "clip shows it at this moment; the rest is left out")


READING_CHARS_PER_S = 17  # a room reads a caption at about subtitles' pace
READABLE_PAGE_S = 2.5  # the least a page is shown, however short
# (looks at 640x360: pages of 1.25 to 2 s went unread; at 2.4 s each, pages of 60 to 90
# characters were still gone before a room had read them)


def page_seconds(pages: list[CaptionPage]) -> list[float]:
    """The time a room takes to read each of a caption's `pages`: its characters at
    READING_CHARS_PER_S, at least READABLE_PAGE_S."""
    return [max(READABLE_PAGE_S, len(" ".join(page.lines)) / READING_CHARS_PER_S)
            for page in pages]


def caption_page(number: int, count: int, seconds: list[float]) -> int:
    """The page a clip's frame `number` of `count` shows, of pages that take `seconds` each
    to read (page_seconds): the frames shared among the pages in order by those times, and
    the first page again for READABLE_PAGE_S at the end (the hold at the end among it): a
    clip ends on its caption's first sentence, the lesson in brief, where a slide takes its
    last frame (vae-vs-ae's ended on "Each plane has its own scale."). A short page stays
    as long as a long one would not: equal shares left 90 characters 2.4 s, as 40."""
    return _turn(number, count, seconds) % max(len(seconds), 1)


def _turn(number: int, count: int, seconds: list[float]) -> int:
    """Which turn of caption_page's frame `number` of `count` is: the k-th page's, or the
    first page's return (len(seconds))."""
    return _turn_of(number, count, _turn_ends(seconds)) if len(seconds) > 1 else 0


def _turn_ends(seconds: list[float]) -> list[float]:
    """Where each turn of pages that take `seconds` each ends, in seconds of reading."""
    return list(accumulate([*seconds, READABLE_PAGE_S]))


def _turn_of(number: int, count: int, ends: list[float]) -> int:
    """_turn, given the turns' `ends` (_turn_ends)."""
    at = max(number, 0) / max(count, 1) * ends[-1]
    return min(bisect_right(ends, at), len(ends) - 1)


def turn_frames(seconds: list[float], count: int) -> list[int]:
    """The frames of a clip of `count` that each turn of caption_page takes: the pages in
    order, then the first page's return (0 for a turn no frame shows)."""
    if len(seconds) < 2:
        return [count]
    # The first frame of each turn (or of a later one: turns rise with the frames).
    ends = _turn_ends(seconds)  # (once, not at every step of the bisection)
    starts = [bisect_left(range(count), turn, key=lambda number: _turn_of(number, count, ends))
              for turn in range(len(seconds) + 1)]
    return [end - start for start, end in zip(starts, starts[1:] + [count])]


def short_pages(seconds: list[float], frames: int, fps: float) -> bool:
    """Whether a clip of `frames` at `fps` shows any of its caption's pages, which take
    `seconds` each to read (page_seconds), for less than that (the first page's return: for
    less than READABLE_PAGE_S), counted in whole frames: at 1 fps a page of 3.4 s got 3."""
    if len(seconds) < 2:
        return False
    needs = [*seconds, READABLE_PAGE_S]
    return any(shown < need * fps - 1e-9
               for shown, need in zip(turn_frames(seconds, frames), needs))


def reading_seconds(seconds: list[float]) -> float:
    """The clip's length that gives pages of `seconds` (page_seconds) their time, the first
    page's return at the end included (caption_page); 0 for one page, which stays."""
    return sum(seconds) + READABLE_PAGE_S if len(seconds) > 1 else 0.0


def quick_pages_note(seconds: list[float], frames: int, fps: float, where: str) -> str | None:
    """A note where a clip of `frames` at `fps` shows a page of its caption, which take
    `seconds` each to read (page_seconds), for less than a room takes to read it, with the
    clip's length, in whole seconds, that gives each its time; else None."""
    if fps <= 0 or not short_pages(seconds, frames, fps):
        return None
    needed = reading_seconds(seconds)
    least = math.ceil(needed)  # (at a few frames a second, whole frames may need more)
    while short_pages(seconds, round(least * fps), fps) and least < 2 * needed + 10:
        least += 1
    whole = f" (whole frames at {fps:g} fps leave one short)" if frames / fps >= needed else ""
    return (f"caption: its {len(seconds)} pages take {needed:.1f} s to read {where} (about "
            f"{READING_CHARS_PER_S} characters a second), this clip turns them in "
            f"{frames / fps:.1f} s{whole}: a clip of {least} s or more (--duration, --hold), "
            "a shorter caption or a larger --size gives each its time")


def line_baselines(lines: list[str], size: float,
                   spacing: float = 1.25) -> tuple[list[float], float]:
    """`lines` drawn one under another at `size` points: each line's baseline below the
    block's top, and the block's height (points). Lines are `spacing` em apart, or further
    where a line's outline reaches beyond plain text's (its math: a fraction's denominator,
    a sum's limits, a hat on a capital), which matplotlib's own line layout lets run into
    the next line and below the frame. From the outlines Agg draws, so a strip this tall
    holds every line whole."""
    plain = line_box("Agjpqy()[]|", size)
    outlines = [line_box(line, size) or plain for line in lines]
    above = [max(box[3], plain[3]) for box in outlines]
    below = [max(-box[1], -plain[1]) for box in outlines]
    gap = spacing * size - (plain[3] - plain[1])  # between plain lines
    baselines = [above[0]] if lines else []
    for line in range(1, len(lines)):
        baselines.append(baselines[-1] + max(spacing * size,
                                             below[line - 1] + gap + above[line]))
    return baselines, (baselines[-1] + below[-1]) if lines else 0.0


def draw_lines(figure, x: float, bottom_in: float, lines: list[str], size: float,
               color: str, spacing: float = 1.25) -> list:
    """`lines` as texts at figure fraction `x`, the block's bottom `bottom_in` inches up,
    each line on its baseline from line_baselines (one text per line: matplotlib's
    multi-line layout let a sum's limits run into the next line)."""
    baselines, block = line_baselines(lines, size, spacing)
    height_in = figure.get_size_inches()[1]
    top_in = bottom_in + block / 72
    return [figure.text(x, (top_in - baseline / 72) / height_in, line, ha="left",
                        va="baseline", fontsize=size, color=color)
            for line, baseline in zip(lines, baselines)]


def _longest(fits, low: int, high: int) -> int:
    """The largest count in [low, high] that `fits` (low when none above it does), for a
    `fits` true up to some count and false after it."""
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def curve_points(ax: Axes, curves: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Every curve, densely resampled, in axes fractions [K, 2] (limits must be set)."""
    to_axes = ax.transData + ax.transAxes.inverted()
    points = []
    for x, y in curves:
        finite = np.isfinite(y) & (y > 0 if ax.get_yscale() == "log" else True)
        if finite.sum() < 1:
            continue
        xy = to_axes.transform(np.column_stack([x[finite], y[finite]]))
        # Between the points too, since a segment crosses a box; and every point itself,
        # since a spike's tip falls between evenly spaced samples.
        along = np.union1d(np.linspace(0, len(xy) - 1, SAMPLES), np.arange(len(xy)))
        points.append(np.column_stack([np.interp(along, np.arange(len(xy)), xy[:, 0]),
                                       np.interp(along, np.arange(len(xy)), xy[:, 1])]))
    return np.concatenate(points) if points else np.zeros((0, 2))


def free_spot(line_y: float, size: tuple[float, float], points: np.ndarray,
              taken: list[Rect], pad: tuple[float, float] = (0.01, 0.01),
              hug: float = 0.0, hiding: np.ndarray | None = None) -> Rect | None:
    """A box of `size` (axes fractions) above or below the line at `line_y` that touches no
    curve (no curve point within `pad` of it, which covers the curves' width; a pad per
    point where `pad` holds arrays) and overlaps no
    `taken` box: the nearest to the line, then above, then left. A curve within `hug` of the
    line (one drawn over it, covering it) runs along it: the box steps away from it; any
    other curve between the box and the line rules the box out (a label with a curve
    between it and its line reads as that curve's: "PCA: 0.0845" over sigmoid's curve, 2 px
    above the line at 1280x720). `hiding` (curve points, for a bare label): a box under or
    over whose width one of them hides the line (runs within `hug` of it) is ruled out too:
    there the reader sees the curve, not the line, and takes the label for the curve's
    (sigmoid's 0.0874, 0.2 px over PCA's 0.0845 at 640x360, under "PCA, 2 components:
    0.0845"). None if no box near the line is clear."""
    candidates = [box for gap in GAPS for above in (True, False)
                  for box in _row(line_y + gap if above else line_y - gap - size[1], size)
                  if not _between(box, line_y, points, hug)
                  and not (hiding is not None and hides_line(box, line_y, hiding, hug))]
    box = _clearest(candidates, points, taken, pad)
    return box if box is not None and _hits(box, points, pad) == 0 else None


def _between(box: Rect, line_y: float, points: np.ndarray, hug: float) -> bool:
    """Whether a curve point lies between `box` and the line at `line_y`, under or over the
    box's width; points within `hug` of the line run along it (its own among them): a label
    just past a curve drawn over its line still sits by the line."""
    x0, y0, w, h = box
    low, high = (line_y + hug, y0) if y0 >= line_y else (y0 + h, line_y - hug)
    return bool(((points[:, 0] >= x0) & (points[:, 0] <= x0 + w)
                 & (points[:, 1] > low) & (points[:, 1] < high)).any())


def hides_line(box: Rect, line_y: float, points: np.ndarray, hug: float) -> bool:
    """Whether a curve point under or over `box`'s width lies within `hug` of the line at
    `line_y` (a curve drawn over the line there, hiding it)."""
    x0, _, w, _ = box
    return bool(((points[:, 0] >= x0) & (points[:, 0] <= x0 + w)
                 & (np.abs(points[:, 1] - line_y) <= hug)).any())


def free_box(size: tuple[float, float], points: np.ndarray, taken: list[Rect],
             pad: tuple[float, float] = (0.01, 0.01)) -> Rect:
    """A box of `size` anywhere in the axes with the fewest curve points and no `taken` box:
    the highest, then the leftmost, of the clearest."""
    rows = np.linspace(0.97 - size[1], 0.02, 12)
    candidates = [box for y0 in rows for box in _row(y0, size)]
    return _clearest(candidates, points, taken, pad) or (0.01, 0.02, *size)


def is_clear(box: Rect, points: np.ndarray, taken: list[Rect],
             pad: tuple[float, float] = (0.01, 0.01)) -> bool:
    """Whether `box` touches no curve point (within `pad`) and overlaps no `taken` box."""
    return _hits(box, points, pad) == 0 and _overlaps(box, taken) == 0


GAPS = (0.012, 0.04, 0.08, 0.14, 0.22)  # distances tried between a line and its label


def _row(y0: float, size: tuple[float, float]) -> list[Rect]:
    """Boxes of `size` side by side with their bottom at `y0` (none if off the axes)."""
    width, height = size
    if y0 < 0 or y0 + height > 1:
        return []
    return [(x0, y0, width, height) for x0 in np.linspace(0.01, max(0.99 - width, 0.01), 9)]


def _clearest(candidates: list[Rect], points: np.ndarray, taken: list[Rect],
              pad: tuple[float, float]) -> Rect | None:
    """The candidate touching the fewest curve points and taken boxes; ties: the first."""
    scores = [_hits(box, points, pad) + 1000 * _overlaps(box, taken) for box in candidates]
    return candidates[int(np.argmin(scores))] if candidates else None


def _hits(box: Rect, points: np.ndarray, pad: tuple[float, float]) -> int:
    """The points within `pad` of `box` (a pad each, or one pad per point: arrays)."""
    x0, y0, w, h = box
    pad_x, pad_y = pad
    inside = ((points[:, 0] >= x0 - pad_x) & (points[:, 0] <= x0 + w + pad_x)
              & (points[:, 1] >= y0 - pad_y) & (points[:, 1] <= y0 + h + pad_y))
    return int(inside.sum())


def _overlaps(box: Rect, taken: list[Rect]) -> int:
    x0, y0, w, h = box
    return sum(x0 < tx + tw and tx < x0 + w and y0 < ty + th and ty < y0 + h
               for tx, ty, tw, th in taken)
