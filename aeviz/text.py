"""The one door for text that reaches a terminal, an SVG/PDF or a page.

Every text aeviz did not write itself (titles, captions, run names, class names from a CSV or a
label file, column names, the objective's term names, texts stored in a trajectory) passes here
where it is read, so a bad one is refused there, as one line naming the file and key, and never
crashes a render later or reaches a terminal as an escape sequence:

- `problem(value)`: what is wrong with a text, or "" (control characters, lone surrogates,
  bidirectional overrides, line breaks where one line is wanted, math between $ signs that
  matplotlib cannot lay out);
- `names_problem(values)`: the same for a list of names, saying which one is bad;
- `checked(value, where)` and `checked_names(values, where)`: the text(s), or an AevizError;
- `printable(value)`: any text as it may be printed (unprintable characters as \\uXXXX),
  for what is printed but was never checked (a file's name, an error's text).

A leaf module: it imports nothing of aeviz but the error type, so every stage may use it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator

from aeviz.errors import AevizError

MAX_TEXT = 4096  # characters of any one text (a title, a caption, a name)
MAX_MATH_NAMES = 256  # names of one list (classes, columns) that may hold math

# Characters that reorder or hide what a terminal or a page shows ("Trojan source").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
                          "\u061c")


# Characters of no width that the font draws as a box (U+200B) or that break the PDF writer
# (U+FEFF: matplotlib's backend_pdf raised IndexError on a handout's caption).
INVISIBLE = frozenset("\u200b\u2060\ufeff")

_ALWAYS_REFUSED = ("\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029"
                   + "".join(sorted(BIDI_CONTROLS | INVISIBLE)))
# What may not appear in a text: in one that may have several lines, and in a one-line name.
_REFUSED = {True: re.compile(f"[{_ALWAYS_REFUSED}]"),
            False: re.compile(f"[\t\n{_ALWAYS_REFUSED}]")}


def _character(char: str) -> str:
    if "\ud800" <= char <= "\udfff":
        return "a lone surrogate"
    if char in BIDI_CONTROLS:
        return "a bidirectional control"
    if char in INVISIBLE:
        return "an invisible character"
    if char in "\n\u2028\u2029":
        return "a line break"
    return "a control character"


def problem(value: str, *, lines: bool = True, math: bool = True,
            longest: int = MAX_TEXT) -> str:
    """What is wrong with `value` as a text aeviz prints or draws, or "" if nothing is.

    `lines`: tabs and line breaks are allowed (a title, a caption; not a name);
    `math`: the text is drawn, so math between $ signs must be math matplotlib can lay out;
    `longest`: its most characters (a class name's are fewer, aeviz.limits.MAX_CLASS_NAME).
    """
    if not isinstance(value, str):
        return f"must be text, got {type(value).__name__}"
    if len(value) > longest:
        return f"is {len(value):,} characters long; at most {longest:,}"
    found = _REFUSED[lines].search(value)
    if found is not None:
        bad = found.start()
        return (f"holds {_character(value[bad])} (U+{ord(value[bad]):04X} at character "
                f"{bad + 1}); text must be printable Unicode"
                + ("" if lines else " on one line"))
    if math:
        return math_problem(value)
    return ""


def _holds_math(value: str) -> bool:
    """matplotlib's own rule: an even number of unescaped $ signs."""
    dollars = value.count("$") - value.count("\\$")
    return dollars > 0 and dollars % 2 == 0


def math_problem(value: str, quoted: bool = True) -> str:
    """"" unless `value` holds math (an even number of unescaped $ signs, matplotlib's own rule)
    that matplotlib's mathtext cannot parse (`quoted`: the message shows the text). As
    matplotlib lays text out, each line is one text: its $ signs pair within the line."""
    if "\n" in value:
        return next((found for line in value.split("\n")
                     if (found := math_problem(line, quoted))), "")
    if not _holds_math(value):
        return glyph_problem(value, quoted)
    from matplotlib.mathtext import MathTextParser  # only for text with math in it

    shown = f'"{printable(value, 60)}" ' if quoted else ""
    try:
        with _missing_glyphs() as missing:
            MathTextParser("path").parse(value)
    except (ValueError, RecursionError) as error:
        where = re.search(r"at char (\d+)", str(error))
        at = f" (at character {int(where[1]) + 1})" if where else ""
        return (f"{shown}is math text that matplotlib cannot draw{at}; fix the math between "
                "the $ signs, or write \\$ for a dollar sign")
    if missing:  # a line with math is drawn in math fonts throughout, its words too
        char = missing[0]
        return (f'{shown}is math text holding "{printable(char)}" (U+{ord(char):04X}), which '
                "matplotlib's math fonts cannot draw; put it on a line without $ signs, or "
                "write \\$ for a dollar sign")
    return ""


FONT_NAME = "DejaVu Sans"  # matplotlib's default font, shipped with it: on every machine
FONT_SCRIPTS = "Latin, Greek, Cyrillic, Arabic or Hebrew letters, and common symbols"


@functools.cache
def _font_characters() -> frozenset[int]:
    """The code points the font that draws aeviz's text has a glyph for."""
    from pathlib import Path

    import matplotlib
    from matplotlib.ft2font import FT2Font

    font = Path(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf")
    return frozenset(FT2Font(str(font)).get_charmap())


# Set while a text aeviz stored itself is read back (a run's config): a run recorded before
# glyphs were checked still loads; its title is drawn as before unless a new one is given.
_GLYPHS_CHECKED = contextvars.ContextVar("aeviz_glyphs_checked", default=True)
# The texts read back that way: a stored run's options are checked again when another option
# is set on top of them (RenderOptions checks every field it is built with), and its title
# still passes there. Only texts from runs read in this process; each at most MAX_TEXT long.
_STORED: set[str] = set()


@contextlib.contextmanager
def stored_texts() -> Iterator[None]:
    """Read texts aeviz stored itself: `glyph_problem` finds nothing while this lasts."""
    token = _GLYPHS_CHECKED.set(False)
    try:
        yield
    finally:
        _GLYPHS_CHECKED.reset(token)


def missing_glyph(value: str) -> str | None:
    """The first character of `value` the font aeviz draws with has no glyph for, or None."""
    if value.isascii():
        return None
    known = _font_characters()
    return next((char for char in value if ord(char) not in known and char not in "\t\n"),
                None)


def glyph_problem(value: str, quoted: bool = True) -> str:
    """"" unless `value` (a drawn text without math) holds a character the font aeviz draws
    with has no glyph for (CJK, most emoji): drawn, it would be a box. aeviz relies on the
    font matplotlib ships, not on what one machine has installed, so a title draws alike in
    CI and on a lecturer's laptop (and the page shows what the clip shows)."""
    if value.isascii() or value in _STORED:
        return ""
    if not _GLYPHS_CHECKED.get():
        _STORED.add(value)  # read back from a run: its options may be replaced, then rechecked
        return ""
    missing = missing_glyph(value)
    if missing is None:
        return ""
    shown = f'"{printable(value, 60)}" ' if quoted else ""
    return (f'{shown}holds "{printable(missing)}" (U+{ord(missing):04X}), which {FONT_NAME}, '
            f"the font matplotlib ships and aeviz draws with, has no glyph for (it would be "
            f"drawn as a box); use {FONT_SCRIPTS}")


@contextlib.contextmanager
def quiet_glyphs() -> Iterator[None]:
    """Keep matplotlib's warning per character the font lacks ("Glyph 33258 ... missing from
    font(s) DejaVu Sans.") from the terminal while drawing: the renderer notes it once, naming
    the text (only a text stored in a run before glyphs were checked gets this far)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        yield


@contextlib.contextmanager
def _missing_glyphs() -> Iterator[list[str]]:
    """The characters mathtext finds no glyph for while laying math out (it logs each as a
    warning and draws a dummy symbol): collected here, the log kept from the terminal."""
    import logging

    missing: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "does not have a glyph" in str(record.msg) and len(record.args) > 1:
                missing.append(str(record.args[1]))

    logger, handler = logging.getLogger("matplotlib.mathtext"), Collect(logging.WARNING)
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(handler)
    try:
        yield missing
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def checked(value: str, where: str, *, lines: bool = True, math: bool = True) -> str:
    """`value` if it passes `problem`; else an AevizError "WHERE: what is wrong"."""
    found = problem(value, lines=lines, math=math)
    if found:
        raise AevizError(f"{where}: {found}")
    return value


def names_problem(values: Iterable[str], what: str = "name", longest: int = MAX_TEXT) -> str:
    """What is wrong with the first bad one of `values` (names of classes, columns or terms:
    one line each, drawn, of at most `longest` characters), saying which it is; "" if none
    is. At most MAX_MATH_NAMES of them may hold math (each costs matplotlib a parse: a million
    math names would take an hour)."""
    names = list(values)
    with_math = []
    for position, name in enumerate(names, start=1):
        found = problem(name, lines=False, math=False, longest=longest)
        if found:
            return f"{what} {position} (\"{printable(name, 40)}\") {found}"
        if _holds_math(name):
            with_math.append(position)
    if len(with_math) > MAX_MATH_NAMES:
        return (f"{len(with_math):,} {what}s hold math between $ signs; at most "
                f"{MAX_MATH_NAMES:,} may (write \\$ for a dollar sign)")
    for position in with_math:
        name = names[position - 1]
        found = math_problem(name, quoted=False)
        if found:
            return f"{what} {position} (\"{printable(name, 40)}\") {found}"
    return ""


def checked_names(values: Iterable[str], where: str, what: str = "name",
                  longest: int = MAX_TEXT) -> tuple[str, ...]:
    """`values` as a tuple if `names_problem` finds nothing; else an AevizError naming `where`."""
    names = tuple(values)
    found = names_problem(names, what, longest)
    if found:
        raise AevizError(f"{where}: {found}")
    return names


def printable(value: object, limit: int | None = None) -> str:
    """`value` as text that is safe to print: every character a terminal would act on
    (control, escape, bidirectional, line breaks) as \\uXXXX; at most `limit` characters
    (cut with an ellipsis)."""
    text = str(value)
    if limit is not None and len(text) > limit:
        text = text[:limit - 1] + "\u2026"
    return _REFUSED[False].sub(lambda found: f"\\u{ord(found[0]):04x}", text)


def printable_lines(text: str) -> str:
    """Lines of output as they may be printed: each line through `printable`, newlines kept."""
    return "\n".join(printable(line) for line in text.split("\n"))


# Math as plain Unicode text, for what draws no mathtext (the page): the subset lecturers write
# in titles and labels (Greek letters, symbols, sub- and superscripts, \mathrm{..}, \frac).
_SUPERSCRIPTS = dict(zip("0123456789+-=()nia", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃ", strict=True))
_SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ",
                       strict=True))
_FONTS = frozenset({"mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathcal", "mathbb",
                    "mathregular", "mathdefault", "text", "textrm", "textbf", "textit",
                    "operatorname", "boldsymbol", "bf", "it", "rm", "cal"})
_SPACES = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "quad": " ", "qquad": "  "}
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303",
            "bar": "\u0304", "overline": "\u0305", "dot": "\u0307", "ddot": "\u0308",
            "vec": "\u20d7", "acute": "\u0301", "grave": "\u0300", "breve": "\u0306",
            "check": "\u030c"}  # combining marks, put after the character they stand on
_SIZING = frozenset({"left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr",
                     "displaystyle", "textstyle", "limits"})
_DEEPEST = 32  # groups nested deeper are shown as written


def math_as_unicode(value: str) -> str:
    """`value` as plain text: on each line holding math (matplotlib's rule, see
    `math_problem`), the math between $ signs as Unicode (σ², xₜ, ≤) and \\$ as $. A line
    without math keeps its words, its \\$ as $ too: matplotlib draws "costs \\$5" as
    "costs $5" (Text._preprocess_math). Never raises."""
    if not isinstance(value, str):
        return value
    return "\n".join(_line_as_unicode(line) for line in value.split("\n"))


def shown_as(value: str) -> str:
    """What a reader sees of a one-line name, for telling names apart: its math as Unicode,
    one form for each accented letter (NFC: "e" and a combining accent is "é"), invisible
    characters left out (U+200B, U+200D, a soft hyphen: Unicode's format characters), runs of
    spaces as one. Two names shown alike name two runs no one can tell apart. (Compatibility
    forms stay: "x²" is not "x2"; nor are letters of different scripts that look alike, Latin A
    and Greek Α, folded: Unicode's confusables are not in Python.)"""
    text = unicodedata.normalize("NFC", math_as_unicode(value))
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Cf").split())


def _line_as_unicode(line: str) -> str:
    if not _holds_math(line):
        return line.replace("\\$", "$")
    pieces = re.split(r"(?<!\\)\$", line)
    return "".join(_math(piece, 0) if number % 2 else piece.replace("\\$", "$")
                   for number, piece in enumerate(pieces))


def _symbols() -> dict[str, int]:
    from matplotlib._mathtext_data import tex2uni  # mathtext's own names of symbols

    return tex2uni


def _token(math: str, at: int) -> tuple[str, int]:
    """The argument that starts at `at` (spaces skipped): a {group}'s inside, a \\command or
    one character; and where the text after it starts."""
    while at < len(math) and math[at] == " ":
        at += 1
    if at >= len(math):
        return "", at
    if math[at] == "{":
        depth = 0
        for end in range(at, len(math)):
            if math[end] == "{" and math[end - 1] != "\\":
                depth += 1
            elif math[end] == "}" and math[end - 1] != "\\":
                depth -= 1
                if depth == 0:
                    return math[at + 1:end], end + 1
        return math[at + 1:], len(math)
    if math[at] == "\\":
        name = re.match(r"\\([A-Za-z]+|.?)", math[at:], re.S)[0]
        return name, at + len(name)
    return math[at], at + 1


def _scripted(text: str, table: dict[str, str], mark: str) -> str:
    if not text:
        return ""
    if text and all(char in table for char in text):
        return "".join(table[char] for char in text)
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


def _math(math: str, depth: int) -> str:
    if depth > _DEEPEST:
        return math
    out, at = [], 0
    while at < len(math):
        char = math[at]
        if char == "\\":
            name, at = _token(math, at)
            name = name[1:]
            if name in _SPACES:
                out.append(_SPACES[name])
            elif name in _FONTS:
                inside, at = _token(math, at)
                out.append(_math(inside, depth + 1))
            elif name in _ACCENTS:
                inside, at = _token(math, at)
                out.append("".join(char + _ACCENTS[name]
                                   for char in _math(inside, depth + 1)))
            elif name in _SIZING:
                pass
            elif name in ("frac", "dfrac", "tfrac"):
                top, at = _token(math, at)
                bottom, at = _token(math, at)
                top, bottom = _math(top, depth + 1), _math(bottom, depth + 1)
                out.append(f"{_grouped(top)}/{_grouped(bottom)}")
            elif name == "sqrt":
                inside, at = _token(math, at)
                out.append("√" + _grouped(_math(inside, depth + 1)))
            elif name in _symbols():
                out.append(chr(_symbols()[name]))
            else:  # an operator's name (\log, \exp), a brace, a dollar: as written
                out.append(name)
        elif char in "^_":
            inside, at = _token(math, at + 1)
            table = _SUPERSCRIPTS if char == "^" else _SUBSCRIPTS
            out.append(_scripted(_math(inside, depth + 1), table, char))
        elif char in "{}":
            at += 1
        else:
            out.append(char)
            at += 1
    return "".join(out)


def _grouped(text: str) -> str:
    return text if len(text) <= 1 or text.isalnum() else f"({text})"
