"""Reference labels: beside their line where no curve runs, stepping away from a curve that
hugs the line, and a key wherever there is room when nothing near the line is clear."""

import contextlib
import logging
import re
import warnings

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from aeviz import text
from aeviz.renderer.panels.placement import (
    fit_text,
    free_box,
    free_spot,
    hides_line,
    left_out_note,
    outline_width,
    text_width,
    wrap_sentences,
    wrap_text,
)
from tests.strategies import _font_characters, examples

SIZE, PAD = (0.3, 0.1), (0.02, 0.02)


def hugging_curve(line_y: float, offset: float) -> np.ndarray:
    """A curve falling from the top onto the line and running along it, `offset` above."""
    x = np.linspace(0, 1, 400)
    return np.column_stack([x, line_y + offset + np.maximum(0, 0.9 - 20 * x)])


def test_the_label_goes_to_the_side_without_the_curve():
    box = free_spot(0.5, SIZE, hugging_curve(0.5, 0.01), [], PAD)
    assert box[1] + box[3] == 0.5 - 0.012  # just below the line, the curve runs above it


def test_a_curve_on_both_sides_pushes_the_label_away_until_it_is_clear():
    points = np.concatenate([hugging_curve(0.15, 0.01), hugging_curve(0.15, -0.01)])
    box = free_spot(0.15, SIZE, points, [], PAD, hug=0.01)  # both drawn over the line
    assert box[1] == 0.15 + 0.04  # the nearest gap tried that is clear of the curve and pad
    x0, y0, w, h = box
    near = ((points[:, 0] > x0 - PAD[0]) & (points[:, 0] < x0 + w + PAD[0])
            & (points[:, 1] > y0 - PAD[1]) & (points[:, 1] < y0 + h + PAD[1]))
    assert not near.any()


def test_no_room_near_the_line_gives_a_key_elsewhere():
    x = np.linspace(0, 1, 400)
    band = np.concatenate([np.column_stack([x, np.full_like(x, y)])
                           for y in np.arange(0.0, 0.45, 0.02)])  # curves fill the lower half
    assert free_spot(0.2, SIZE, band, [], PAD) is None
    box = free_box(SIZE, band, [(0.01, 0.8, 0.3, 0.15)], PAD)
    assert box[1] > 0.45 + PAD[1] and box[0] > 0.31  # above the curves, beside the taken box


@contextlib.contextmanager
def library_messages():
    """Every log record of matplotlib's loggers and every warning while the block runs."""
    heard: list[str] = []

    class Hear(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            heard.append(record.getMessage())

    logger, handler = logging.getLogger("matplotlib"), Hear(logging.WARNING)
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield heard
        heard += [str(warning.message) for warning in caught]
    finally:
        logger.removeHandler(handler)


def measured_and_drawn(title: str) -> None:
    """What the header does with a title: measure it, cut it, wrap it, draw it."""
    text_width(title, 17, bold=True), outline_width(title, 17)
    cut = fit_text(title, 17, 200, bold=True)
    figure = Figure(figsize=(4, 2))
    figure.text(0.01, 0.9, cut, fontsize=17, fontweight="bold", va="top")
    figure.text(0.01, 0.6, title, fontsize=11, va="top")
    for number, line in enumerate(wrap_sentences(title, 11, 150, 3)):  # as a caption
        figure.text(0.5, 0.6 - 0.15 * number, line, fontsize=11, va="top")
    figure.canvas.draw()


def test_a_multi_line_title_with_math_is_measured_line_by_line_without_a_warning():
    """Found by the attack pass: a title of two lines with $x$ was measured as one formula, and
    mathtext logged "Font 'default' does not have a glyph for '\\n'" at render."""
    title = "cost $x$ and more\nand $y$"
    with library_messages() as heard:
        assert text_width(title, 10) == max(text_width("cost $x$ and more", 10),
                                            text_width("and $y$", 10))
        assert outline_width(title, 10) == outline_width("cost $x$ and more", 10)
        assert fit_text(title, 10, 40) == "cost $x$…"
        measured_and_drawn(title)
    assert heard == []


def test_math_holding_a_character_its_fonts_lack_is_refused_without_a_warning():
    with library_messages() as heard:
        assert text.problem("$学$") == (
            '"$学$" is math text holding "学" (U+5B66), which matplotlib\'s math fonts cannot '
            "draw; put it on a line without $ signs, or write \\$ for a dollar sign")
        assert text.problem("rate $x$ 学") .startswith('"rate $x$ 学" is math text holding "学"')
        # its own line: plain text, refused by the font's rule, not math's
        assert text.problem("rate $x$\n学").startswith('"学" holds "学" (U+5B66), which DejaVu')
    assert heard == []


def test_a_caption_keeps_its_line_breaks_so_its_dollars_pair_as_the_door_read_them():
    """Found by the attack pass: a caption's lines were joined before wrapping, so "cost $5"
    and "and $6" (no math, says the door) became one line of math, and "$x$" + newline + "学"
    one math line holding a glyph its fonts lack (mathtext's warning at render)."""
    # (Their $ signs escaped: printed "cost $5", never paired with another by a cut.)
    assert wrap_text("cost $5\nand $6", 11.5, 400, 3) == ["cost \\$5", "and \\$6"]
    assert wrap_text("$x$\n学", 11.5, 400, 3) == ["$x$", "学"]
    assert wrap_sentences("One.\n\n  Two   words.\nThree.", 11.5, 400, 2) == ["One.",
                                                                              "Two words."]
    assert wrap_text("a\nb\nc", 11.5, 400, 2) == ["a", "b…"]


_FONT = FT2Font(font_manager.findfont("DejaVu Sans"))
DRAWN = set(map(chr, _FONT.get_charmap()))  # the characters the default font has
TITLE_PIECES = st.one_of(
    st.sampled_from(["$x$", "$\\alpha$", "$x^2$", "$\\frac{a}{b}$", "$", "\\$", "\n", " ",
                     "$\\sigma_{ij}$", "\n$\\beta$\n", "学", "$学$", "$é$"]),
    st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]).filter(
        lambda char: char in DRAWN), min_size=1, max_size=8))


@examples(1.0)
@given(st.lists(TITLE_PIECES, min_size=1, max_size=8).map("".join))
def test_no_title_the_door_accepts_makes_a_library_speak(title):
    """Titles of $ signs, math, line breaks and Unicode the font has: each is refused by the
    text door as one line, or measured, cut, wrapped and drawn with no log record and no
    warning. (Plain text in a script the font lacks, "学", is left out: matplotlib warns of
    each missing glyph when it draws, and the command line prints that as one note line.)"""
    with library_messages() as heard:
        found = text.problem(title)
    assert heard == []
    if found or "学" in title.replace("$学$", ""):  # refused; or plain CJK (the note's case)
        return
    with library_messages() as heard:
        measured_and_drawn(title)
    assert heard == [], title


@examples(1.0)
@given(st.lists(TITLE_PIECES, min_size=1, max_size=12).map("".join), st.floats(5.0, 300.0))
@example("$\\frac{$ c00 with a rather long tail of many words here to be cut somewhere $",
         150.0)
def test_any_cut_of_a_text_the_door_accepts_draws(title, room_pt):
    """A name or title with an odd number of $ signs is plain text; a cut of it could keep an
    even number, which matplotlib parsed as math and failed on (a traceback in render,
    figure and view): every cut draws, quietly."""
    with library_messages() as heard:
        found = text.problem(title)
    if found or "学" in title.replace("$学$", ""):
        return
    with library_messages() as heard:
        cut = fit_text(title, 17, room_pt, bold=True)
        figure = Figure(figsize=(4, 2))
        figure.text(0.01, 0.9, cut, fontsize=17, fontweight="bold", va="top")
        figure.canvas.draw()
    assert heard == [], (title, cut)


# --- math between $ signs is never split by a wrap or a cut (its $ signs printed raw) ----------

MATH_CAPTION = ("The loss is $\\frac{1}{n}\\sum_i \\|x_i - \\hat{x}_i\\|^2$ over every sample, "
                "and the codes $z_1, z_2$ move. A price of \\$5 is no math.")


def _dollars(line: str) -> int:
    return line.count("$") - line.count("\\$")


def test_wrapping_never_splits_math_between_dollar_signs():
    for room_pt in range(60, 460, 20):
        lines = wrap_text(MATH_CAPTION, 11.5, room_pt, 6)
        assert all(_dollars(line) % 2 == 0 for line in lines), (room_pt, lines)
        if not lines[-1].endswith("…"):
            assert " ".join(lines) == MATH_CAPTION  # every word, in order
        # Each line fits, but for the math too wide for any line (on a line of its own).
        for line in lines:
            assert line.startswith("$\\frac") or not text_width(line, 11.5) > room_pt + 0.5
        for cut in (fit_text(MATH_CAPTION, 11.5, room_pt),
                    *wrap_sentences(MATH_CAPTION, 11.5, room_pt, 2)):
            assert _dollars(cut) % 2 == 0, (room_pt, cut)


def test_a_clips_caption_with_math_wraps_between_the_math(tiny_run_path):
    from aeviz.renderer.scene import Scene
    from aeviz.renderer.views import RunView
    from aeviz.settings import RenderOptions
    from aeviz.trajectory import load

    # At 1280x720 the line ended inside the math: "... until $\frac{1}{n}\sum_i" and
    # "\|x_i - \hat{x}_i\|^2$ is small.", both drawn with raw $ signs.
    math = "$\\frac{1}{n}\\sum_i \\|x_i - \\hat{x}_i\\|^2$"
    text = "The codes move " + "and move " * 10 + f"until {math} is small. Then they stop."
    run = load(tiny_run_path)
    for size in ("640x360", "1280x720"):
        options = RenderOptions(caption=text, size=size)
        scene = Scene([RunView(run)], options, (0.0, float(run.epoch[-1])))
        lines = [t.get_text() for t in scene.caption_lines]  # a text per line
        assert lines[0].startswith("The codes")
        assert all(_dollars(line) % 2 == 0 for line in lines), lines
        assert size == "640x360" or math in "\n".join(lines)


FOUR_SENTENCES = ("Trained without labels, the clusters still gather in the code plane. The "
                  "second sentence says something long about the reconstructions and how they "
                  "change. A third sentence adds more words about the loss. A fourth sentence "
                  "closes the lesson with a remark.")
FIVE_LINES = "line one\nline two\nline three\nline four\nline five"


def test_a_caption_with_lines_of_its_own_drops_whole_lines_not_half_of_one():
    """Found by the attack pass: a five-line caption ended "line one…" where "line one" and
    "line two" fit; whole lines are dropped as whole sentences are."""
    assert wrap_sentences(FIVE_LINES, 11.5, 400, 2) == ["line one", "line two"]
    assert left_out_note(FIVE_LINES, ["line one", "line two"], "the handout") == \
        "caption: 2 of 5 lines fit the handout; the rest is left out"
    assert left_out_note(FIVE_LINES, FIVE_LINES.split("\n"), "the handout") is None
    assert left_out_note("A very long first sentence. Two.", ["A very…"], "a 640x360 frame") \
        == "caption: its first sentence is cut to fit a 640x360 frame; the rest is left out"


def test_a_caption_cut_to_fit_is_said_on_stderr_never_left_out_silently(run_cli, tiny_run_path,
                                                                        tmp_path):
    result = run_cli("render", tiny_run_path, "-o", tmp_path / "c.png", "--size", "640x360",
                     "--caption", FOUR_SENTENCES)
    assert result.exit_code == 0
    # A still shows the page its moment shows in the clip (the last epoch: the first page,
    # the lesson, which a clip ends on).
    assert ("note: caption: sentence 1 of 4 fits a 640x360 frame, as the clip shows it at this "
            "moment; the rest is left out\n") in result.stderr
    result = run_cli("render", tiny_run_path, "-o", tmp_path / "d.png", "--size", "1280x720",
                     "--caption", FOUR_SENTENCES)
    assert "caption" not in result.stderr  # all four fit
    result = run_cli("figure", tiny_run_path, "-o", tmp_path / "f.png", "--caption", FIVE_LINES)
    assert result.exit_code == 0
    assert "note: caption: 3 of 5 lines fit the handout; the rest is left out\n" in result.stderr


NOTE = re.compile(r"caption: (?:(\d+) of (\d+) (?:sentence|line)s fit|its first (?:sentence|line) "
                  r"is cut to fit) the handout; the rest is left out")


@examples(0.5)
@given(st.lists(st.one_of(TITLE_PIECES, st.sampled_from([". ", "! ", "? ", "\n"])),
                min_size=1, max_size=24).map("".join),
       st.integers(1, 3), st.sampled_from([60.0, 150.0, 400.0]))
def test_a_captions_note_is_said_exactly_when_something_is_left_out(text, lines, room):
    drawn = wrap_sentences(text, 11.5, room, lines)
    note = left_out_note(text, drawn, "the handout")
    everything = "".join("".join(line.split()) for line in drawn) == "".join(text.split())
    assert (note is None) == everything, (drawn, note)
    if note is not None:
        match = NOTE.fullmatch(note)
        assert match, note
        assert match[1] is None or int(match[1]) < int(match[2])


@given(st.lists(st.integers(0, 12), min_size=1, max_size=3), st.integers(1, 3))
def test_reading_order_fills_each_row_left_to_right_each_group_in_columns_of_its_own(
        sizes, rows):
    """A legend of `rows` rows takes its entries column by column (matplotlib); reordered,
    its rows read in the entries' order, a group's blanks ending its last row."""
    from aeviz.renderer.panels.placement import reading_order

    groups = [[(g, i) for i in range(size)] for g, size in enumerate(sizes)]
    ordered = reading_order(groups, rows, None)
    if rows == 1:
        assert ordered == [entry for group in groups for entry in group]
        return
    assert len(ordered) % rows == 0
    columns = len(ordered) // rows
    # as matplotlib lays them out: column c holds entries c * rows ... c * rows + rows - 1
    grid = [[ordered[column * rows + row] for column in range(columns)] for row in range(rows)]
    for g, group in enumerate(groups):
        in_rows = [entry for row in grid for entry in row if entry is not None and entry[0] == g]
        assert in_rows == group
        cells = [column for column in range(columns) if any(
            grid[row][column] is not None and grid[row][column][0] == g for row in range(rows))]
        assert cells == list(range(min(cells, default=0), min(cells, default=0) + len(cells)))


def test_a_label_never_stands_past_another_curve():
    """A curve apart from the line on each side (the RMSE over PCA's line, the penalty under
    it, at 640x360): no box near the line has no curve between it and the line, so none is
    given (the label took the box past the curve above, read as that curve's name)."""
    x = np.linspace(0, 1, 400)
    points = np.concatenate([np.column_stack([x, np.full_like(x, y)]) for y in (0.56, 0.44)])
    assert free_spot(0.5, SIZE, points, [], PAD, hug=0.01) is None
    # A curve drawn over the line (within `hug`) is no curve between: the label clears it.
    over = np.column_stack([x, np.full_like(x, 0.51)])
    assert free_spot(0.5, SIZE, over, [], PAD, hug=0.01) is not None
    # One a little further, still within the label's pad of the line, is a curve between
    # (sigmoid's 2 px over PCA's line at 1280x720, the label past it read as its name):
    # the label goes below the line.
    box = free_spot(0.5, SIZE, np.column_stack([x, np.full_like(x, 0.515)]), [], PAD,
                    hug=0.01)
    assert box[1] + box[3] < 0.5



def test_a_bare_label_stands_only_where_its_line_is_seen():
    """Sigmoid's curve falls onto PCA's line near the plot's foot and runs 0.2 px over it
    (640x360): the line is hidden wherever a label could stand, and the bare label, past the
    curve by its pad, read as the curve's name. Given the curves as `hiding`, no box (the
    caller makes the label a key); a curve hiding only the right half leaves the left."""
    curve = hugging_curve(0.1, 0.004)
    box = free_spot(0.1, SIZE, curve, [], PAD, hug=0.01)
    assert box is not None and hides_line(box, 0.1, curve, 0.01)  # the rule before
    assert free_spot(0.1, SIZE, curve, [], PAD, hug=0.01, hiding=curve) is None
    right = curve[curve[:, 0] >= 0.5]
    box = free_spot(0.1, SIZE, right, [], PAD, hug=0.01, hiding=right)
    assert box is not None and box[0] + box[2] < 0.5, box


DRAWN_CHARACTERS = st.sampled_from(_font_characters(
    "Lu Ll Lt Lm Lo Nd Nl No Pc Pd Ps Pe Pi Pf Po Sm Sc Sk So Zs"))


@given(st.lists(DRAWN_CHARACTERS, min_size=1, max_size=40).map("".join),
       st.sampled_from([7.0, 10.0, 13.3]), st.booleans())
@example("ocean ( Q §", 10.0, False)
@example(r"loss $\frac{1}{n}\sum_i \|x_i - \hat{x}_i\|^2$", 10.0, False)
def test_the_quick_outline_box_is_matplotlibs_exactly(line, size, math):
    """Widths and line heights come from `outline_extents` (matplotlib's own extents took a
    minute over a long caption's pages): the same box to the last bit, for any drawn text,
    plain or as math."""
    from matplotlib.font_manager import FontProperties

    from aeviz.renderer.labels import outline_extents, text_path

    if math and "$" not in line:
        line = "$" + line.replace("\\", "") + "$"
    try:
        path = text_path(line, FontProperties(size=size))
    except ValueError:  # math matplotlib cannot parse: not a drawn text
        return
    if path is None:
        return
    np.testing.assert_array_equal(outline_extents(path).get_points(),
                                  path.get_extents().get_points())
