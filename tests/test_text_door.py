"""Every text that reaches a terminal, an SVG/PDF or a page passes the one text door
(`aeviz.text`): control and escape characters and math matplotlib cannot draw are refused where
they are read, as one line naming the file and key; what is printed never holds a raw escape."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from matplotlib.font_manager import FontProperties

import aeviz
from aeviz import text, trajectory
from aeviz.errors import AevizError
from aeviz.trajectory.archive import write_archive

from .conftest import TINY, tiny_text

ESCAPE = "\x1b[31m"  # a terminal's "red": printed raw, it would colour the rest of the screen


def test_printable_escapes_what_a_terminal_would_act_on():
    assert text.printable(f"a{ESCAPE}b\u202ec\nd") == "a\\u001b[31mb\\u202ec\\u000ad"
    assert text.printable("é ü 中") == "é ü 中"
    assert text.printable("abcdef", 4) == "abc\u2026"


@pytest.mark.parametrize("value, found", [
    (f"bad{ESCAPE}", "holds a control character (U+001B at character 4)"),
    ("a\u202eb", "holds a bidirectional control (U+202E at character 2)"),
    # a tester: U+FEFF in a caption broke the handout's PDF writer (IndexError), U+200B drew
    # a box
    ("a\ufeffb", "holds an invisible character (U+FEFF at character 2)"),
    ("a\u200bb", "holds an invisible character (U+200B at character 2)"),
    ("two\nlines", "holds a line break (U+000A at character 4)"),
    ("$\\frac{1}$", "is math text that matplotlib cannot draw"),
])
def test_a_name_is_refused_for_what_it_holds(value, found):
    assert found in text.problem(value, lines=False)
    with pytest.raises(AevizError, match=r"^data.csv: class name 2 \(") as error:
        text.checked_names(["fine", value], "data.csv", "class name")
    assert "\x1b" not in str(error.value)


def test_plain_names_and_drawable_math_pass():
    assert text.checked_names(["setosa", "$\\alpha$", "a $ b", "中文"], "f") == (
        "setosa", "$\\alpha$", "a $ b", "中文")


def test_math_in_a_text_of_several_lines_is_read_line_by_line_as_matplotlib_draws_it(capfd):
    # Each line pairs its own $ signs: "cost $5" and "and $6" hold no math at all, and the
    # whole text is never parsed as one formula (mathtext would log a missing glyph for \n).
    assert text.problem("cost $5\nand $6") == ""
    assert text.problem("a\n$x^2$ and $\\alpha$") == ""
    assert "cannot draw" in text.problem("fine\n$\\frac{$")
    assert capfd.readouterr().err == ""


CSV_EXPERIMENT = """title = "csv"
[data]
file = "d.csv"
label_column = "kind"
[model]
layers = [2, 3, 2, 3, 2]
[train]
epochs = 2
batch_size = 4
"""


@pytest.mark.parametrize("header, cell, key, what", [
    ("a,b,kind", "x" + ESCAPE, "data.label_column", "class name 2"),
    ("a,$\\frac{$,kind", "x", "data.file", "column name 2"),
])
def test_csv_names_are_refused_when_read(tmp_path, run_cli, header, cell, key, what):
    rows = "\n".join(f"{i},{i % 3},{cell if i % 2 else 'y'}" for i in range(8))
    (tmp_path / "d.csv").write_text(f"{header}\n{rows}\n")
    (tmp_path / "e.toml").write_text(CSV_EXPERIMENT)
    for command in ("validate", "train"):
        result = run_cli(command, tmp_path / "e.toml")
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"Error: {tmp_path / 'e.toml'}: {key}: d.csv: {what} (")
        assert "\x1b" not in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "e.npz").exists()


def test_label_file_names_are_refused_when_read(tmp_path, run_cli):
    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=(12, 2)))
    np.save(tmp_path / "y.npy", np.array(["ok", "b\x07ell"] * 6))
    (tmp_path / "e.toml").write_text(CSV_EXPERIMENT.replace(
        'file = "d.csv"\nlabel_column = "kind"', 'file = "x.npy"\nlabel_file = "y.npy"'))
    result = run_cli("validate", tmp_path / "e.toml")
    assert result.exit_code == 2
    assert "data.label_file: y.npy: class name 2 (" in result.stderr  # the file named
    assert "U+0007" in result.stderr


def rewritten(path, out, **arrays):
    """The trajectory at `path` with some arrays replaced, written to `out`."""
    with np.load(path, allow_pickle=False) as stored:
        members = {key: stored[key] for key in stored.files}
    write_archive(out, members | arrays)
    return out


@pytest.mark.parametrize("key", ["label_names", "feature_names"])
def test_names_stored_in_a_trajectory_are_refused_on_load(tiny_run_path, tmp_path, run_cli, key):
    bad = rewritten(tiny_run_path, tmp_path / "bad.npz",
                    **{key: np.array(["a", "b" + ESCAPE, "c"][:2 if key == "label_names" else 3])})
    with pytest.raises(AevizError) as error:
        trajectory.load(bad)
    assert str(error.value).startswith(f'{bad}: {key}: name 2 ("b\\u001b[31m") holds a control')
    for command in ("info", "render"):
        result = run_cli(command, bad)
        assert result.exit_code == 2 and "\x1b" not in result.output + result.stderr


def test_term_names_are_refused_on_load(tiny_run_path, tmp_path):
    run = trajectory.load(tiny_run_path)
    bad = rewritten(tiny_run_path, tmp_path / "bad.npz", term_names=np.array(["$\\sqrt{$"]),
                    terms=np.zeros((len(run), 1), np.float32))
    with pytest.raises(AevizError, match="term_names: name 1 .* matplotlib cannot draw"):
        trajectory.load(bad)


def test_info_prints_no_escape_from_a_file_name(tiny_run_path, tmp_path, run_cli):
    named = tmp_path / f"run{ESCAPE}.npz"
    named.write_bytes(tiny_run_path.read_bytes())
    for args in ((named,), (named, tiny_run_path)):
        result = run_cli("info", *args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output
    assert "run\\u001b[31m.npz" in result.output  # the table names the file


def test_an_experiment_named_with_a_control_character_is_refused_before_training(
        tmp_path, run_cli):
    path = tmp_path / "a\x01b.toml"
    path.write_text(TINY)
    result = run_cli("train", path, "-o", tmp_path / "out.npz")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: {tmp_path}/a\\u0001b.toml: the experiment file's name "
                             "holds a control character (U+0001 at character "
                             f"{len(str(tmp_path)) + 3}); text must be printable Unicode on one "
                             "line; rename the file\n")
    assert not (tmp_path / "out.npz").exists()


@pytest.mark.parametrize("dry_run", [False, True])
def test_batch_prints_no_escape_from_a_file_name(tmp_path, run_cli, dry_run):
    """A batch's rows (the failure line, the table, a dry run's) name a file as `info` does:
    escaped (the raw ESC reached the terminal in all three)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / f"bad{ESCAPE}.toml").write_text(TINY)
    (tmp_path / "in" / "new\nline.toml").write_text(TINY)  # (a tester's: a raw line break)
    result = run_cli("batch", tmp_path / "in", "-o", tmp_path / "out",
                     *(["--dry-run"] if dry_run else []))
    assert result.exit_code == 1  # (a dry run too: it would fail)
    assert "\x1b" not in result.stdout + result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    for name in ("bad\\u001b[31m", "new\\u000aline"):
        named = [line for line in lines if line.startswith(name)]
        assert len(named) == (1 if dry_run else 2), lines  # (the failure line, the table's)
        assert all("would fail" in line if dry_run else "failed" in line for line in named)
    assert not any(line.startswith("line") for line in lines)


def test_an_untitled_experiment_named_with_bad_math_is_refused(tmp_path, run_cli):
    path = tmp_path / "$\\frac$.toml"
    path.write_text(TINY.replace('title = "tiny"\n', ""))
    result = run_cli("validate", path)
    assert result.exit_code == 2
    assert "title (the file's name, as no title is set)" in result.stderr
    assert "matplotlib cannot draw" in result.stderr


# --- fuzzed: every text either passes whole or is refused as one line -------------------------

# Mostly names people write (letters, digits, spaces, accents, CJK, drawable math), sometimes
# with what the door refuses (control and escape characters, bidirectional controls, line
# breaks, surrogates, math that cannot be drawn): both branches run.
PLAIN = st.text(st.characters(categories=["L", "N", "Zs", "P"], exclude_characters="$\\"),
                max_size=30)
HOSTILE = st.sampled_from(["\x1b[2J", "\x07", "\x00", "\u202e", "\n", "\u2028", "\x9b",
                           "\ud800", "$\\frac{$", "$x^$", "$\\sqrt{2}$", "$\\alpha$"])
TEXTS = st.one_of(PLAIN, PLAIN, st.tuples(PLAIN, HOSTILE, PLAIN).map("".join))


def test_the_door_passes_a_text_whole_or_refuses_it_as_one_line():
    counts = {"accepted": 0, "refused": 0}

    @settings(max_examples=90, derandomize=True, deadline=None, database=None)
    @given(TEXTS)
    def check(value):
        try:
            names = text.checked_names([value], "labels.npy", "class name")
        except AevizError as error:
            message = str(error)
            assert message.startswith("labels.npy: class name 1 (") and "\n" not in message
            assert text.printable(message) == message  # printable as it is: no escapes
            outcome = "refused"
        else:
            assert names == (value,) and text.printable(value) == value
            outcome = "accepted"
        counts[outcome] += 1
        event(outcome)

    check()
    assert counts["accepted"] >= sum(counts.values()) / 3 and counts["refused"] > 0, counts


def test_math_in_names_is_parsed_for_a_bounded_number_of_names():
    many = [f"$a_{{{i}}}$" for i in range(text.MAX_MATH_NAMES + 1)]
    assert text.names_problem(many[:-1], "class name") == ""
    assert text.names_problem(many, "class name") == (
        f"{text.MAX_MATH_NAMES + 1} class names hold math between $ signs; at most "
        f"{text.MAX_MATH_NAMES} may (write \\$ for a dollar sign)")


# --- a tab in a drawn text: a space, never a missing glyph's box ------------------------------

def _svg_texts(path) -> list[str]:
    import xml.etree.ElementTree as ET

    return [e.text or "" for e in ET.parse(path).iter("{http://www.w3.org/2000/svg}text")]


def test_a_tab_in_a_title_label_or_caption_flag_is_drawn_as_a_space(tiny_run_path, tmp_path,
                                                                    run_cli):
    out = tmp_path / "still.svg"
    result = run_cli("render", tiny_run_path, "-o", out, "--title", "tab\there",
                     "--caption", "One\tsentence here. And\ta second.")
    assert result.exit_code == 0, result.output
    texts = _svg_texts(out)
    assert "tab here" in texts and not any("\t" in t for t in texts)
    assert any("One sentence here." in t for t in texts), texts


def test_a_tab_in_a_toml_title_or_caption_is_drawn_as_a_space(tmp_path, run_cli):
    from aeviz.settings import load_experiment

    path = tmp_path / "tabs.toml"
    path.write_text(TINY.replace('title = "tiny"', 'title = "tiny\\tx"')
                    + '\n[render]\ncaption = "A\\tcaption. Two."\nlabels = ["a\\tb"]\n')
    exp = load_experiment(path)
    assert (exp.title, exp.render.caption, exp.render.labels) == \
        ("tiny x", "A caption. Two.", ("a b",))
    assert run_cli("train", path, "-o", tmp_path / "run.npz").exit_code == 0
    result = run_cli("render", tmp_path / "run.npz", "-o", tmp_path / "still.svg")
    assert result.exit_code == 0, result.output
    texts = _svg_texts(tmp_path / "still.svg")
    assert "tiny x" in texts and not any("\t" in t for t in texts), texts


@pytest.mark.parametrize("title", [" ", "   ", "\t", "\n"])
@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_a_blank_title_draws(tiny_run_path, tmp_path, run_cli, title, suffix):
    """A title of spaces had no outline to measure: a traceback in every drawing command."""
    out = tmp_path / f"still{suffix}"
    result = run_cli("render", tiny_run_path, "-o", out, "--title", title, "--labels", " ")
    assert result.exit_code == 0 and out.is_file(), result.output


@pytest.mark.parametrize("nothing", ["\u00ad", "$\\quad$"])
@pytest.mark.parametrize("suffix", [".png", ".html"])
def test_a_text_that_draws_nothing_draws(tiny_run_path, tmp_path, run_cli, nothing, suffix):
    """A title, caption or run name of only characters without a glyph (a soft hyphen, math
    of only a space) has no outline: matplotlib's TextPath of it failed, a traceback in every
    drawing command. It draws as nothing; so do such class names. (Invisible characters,
    U+200B and U+FEFF, are refused: see the test below.)"""
    from aeviz.renderer.labels import text_path
    from aeviz.renderer.panels.placement import outline_width, text_width

    for blank in ("$\\quad$",):  # no glyph in any matplotlib (a soft hyphen draws as a
        # hyphen in matplotlib 3.10, as nothing in 3.11)
        assert text_path(blank, FontProperties(size=10)) is None
        assert outline_width(blank, 10) == text_width(blank, 10) == 0.0
    out = tmp_path / f"still{suffix}"
    result = run_cli("render", tiny_run_path, "-o", out, "--title", nothing, "--caption",
                     nothing, "--labels", nothing, "--size", "320x180")
    assert result.exit_code == 0 and out.is_file(), result.output
    (tmp_path / "d.csv").write_text(f"a,b,kind\n1,2,{nothing}\n3,4,x\n5,5,x\n")
    (tmp_path / "e.toml").write_text(tiny_text(data={"clusters": None, "file": "d.csv",
                                                     "label_column": "kind"},
                                               model={"layers": [2, 2, 2]}))
    assert run_cli("train", tmp_path / "e.toml", "-o", tmp_path / "e.npz").exit_code == 0
    result = run_cli("figure", tmp_path / "e.npz", "-o", tmp_path / "e.png")
    assert result.exit_code == 0 and (tmp_path / "e.png").is_file(), result.output


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\ufeff"])
def test_an_invisible_character_is_refused_in_one_line(tiny_run_path, tmp_path, run_cli,
                                                      invisible):
    """A tester: U+FEFF in a handout's caption broke matplotlib's PDF writer (IndexError, a
    traceback from `aeviz figure`, a failed batch row), and U+200B drew a box there. Refused
    where a text is read, naming the character and where it is; nothing written."""
    out = tmp_path / "fig.pdf"
    result = run_cli("figure", tiny_run_path, "-o", out, "--caption", f"a{invisible}b")
    assert result.exit_code == 2 and not out.exists()
    assert result.stderr == (f"Error: --caption: holds an invisible character "
                             f"(U+{ord(invisible):04X} at character 2); text must be "
                             "printable Unicode\n")


def test_a_line_break_in_a_title_or_label_is_drawn_as_a_space(tmp_path, run_cli):
    """A title has one line: its second was drawn over the subtitle. A caption keeps its
    breaks."""
    from aeviz.settings import load_experiment

    path = tmp_path / "lines.toml"
    path.write_text(TINY.replace('title = "tiny"', 'title = "two\\nlines"')
                    + '\n[render]\ncaption = "One.\\nTwo."\nlabels = ["a\\nb"]\n')
    exp = load_experiment(path)
    assert (exp.title, exp.render.caption, exp.render.labels) == ("two lines", "One.\nTwo.",
                                                                  ("a b",))
    assert run_cli("train", path, "-o", tmp_path / "run.npz").exit_code == 0
    result = run_cli("render", tmp_path / "run.npz", "-o", tmp_path / "still.svg",
                     "--title", "flag\ntitle")
    assert result.exit_code == 0, result.output
    assert "flag title" in _svg_texts(tmp_path / "still.svg")


@pytest.mark.parametrize("value, shown", [
    ("VAE, $\\beta = 4$", "VAE, β = 4"),
    ("$\\sigma^2$ and $x_{t+1}$", "σ² and xₜ₊₁"),
    ("$\\mu$, $\\log \\sigma^2$, $\\epsilon \\sim N(0, 1)$", "μ, log σ², ε ∼ N(0, 1)"),
    ("$\\alpha_{\\mathrm{lr}} \\leq 10^{-3}$", "αₗᵣ ≤ 10⁻³"),
    ("$\\frac{1}{n}\\sum_i \\left(x_i - \\hat{x}_i\\right)^2$", "1/n∑ᵢ (xᵢ - x̂ᵢ)²"),
    ("$\\sigma_{\\mathrm{code}}$ costs \\$5", "σ_(code) costs $5"),
    # No math: as matplotlib draws it, its \\$ a dollar (Text._preprocess_math).
    ("cost \\$5 and $3", "cost $5 and $3"),
    ("costs \\$5 per GPU", "costs $5 per GPU"),
    ("$a$\nno math \\$ here", "a\nno math $ here"),  # line by line
])
def test_math_reads_as_unicode_where_no_mathtext_draws_it(value, shown):
    assert text.math_as_unicode(value) == shown


MATH_PIECES = st.sampled_from(["$", "\\", "{", "}", "^", "_", "\\frac", "\\sqrt", "\\hat",
                               "\\mathrm", "\\sigma", "\\left", " ", "x", "2", "\\$", "\n"])


@settings(deadline=None)
@given(value=st.one_of(st.lists(MATH_PIECES, max_size=40).map("".join),
                       st.text(max_size=40), st.just("$" + "{" * 3000 + "$")))
def test_math_as_unicode_takes_any_text_and_adds_no_bad_character(value):
    """Hostile math (unmatched braces, a command at the end, deep nesting) never raises and
    never adds a character the text door refuses."""
    shown = text.math_as_unicode(value)
    assert isinstance(shown, str)
    if not text.problem(value, math=False):
        assert not text.problem(shown, math=False, longest=10 * len(value) + 10)


NO_GLYPH = ("holds \"{char}\" (U+{code}), which DejaVu Sans, the font matplotlib ships and "
            "aeviz draws with, has no glyph for (it would be drawn as a box); use Latin, Greek, "
            "Cyrillic, Arabic or Hebrew letters, and common symbols")


@pytest.mark.parametrize("command, name", [("render", "clip.mp4"), ("render", "still.png"),
                                           ("figure", "handout.pdf"), ("render", "page.html")])
@pytest.mark.parametrize("flag, value, char, code", [
    ("--title", "Codes 📈", "📈", "1F4C8"), ("--caption", "自编码器 learns.", "自", "81EA")])
def test_emoji_and_cjk_are_refused_at_the_door_in_every_output(
        tiny_run_path, tmp_path, run_cli, command, name, flag, value, char, code):
    """Emoji and CJK drew as missing-glyph boxes in clips and handouts (matplotlib's font has
    no glyph for them) while the page drew them: one line now, no file, in every output."""
    out = tmp_path / "out" / name
    out.parent.mkdir()
    result = run_cli(command, tiny_run_path, "-o", out, flag, value)
    assert result.exit_code == 2 and list(out.parent.iterdir()) == []
    assert result.stderr == (f'Error: {flag}: "{value}" '
                             + NO_GLYPH.format(char=char, code=code) + "\n")


def test_a_toml_title_without_a_glyph_is_refused_before_training(tmp_path, run_cli):
    toml = tmp_path / "exp.toml"
    toml.write_text(tiny_text(title="Autoencoder 日本"))
    result = run_cli("train", toml, "-o", tmp_path / "run.npz")
    assert result.exit_code == 2 and sorted(tmp_path.iterdir()) == [toml]
    assert result.stderr == (f'Error: {toml}: title: "Autoencoder 日本" '
                             + NO_GLYPH.format(char="日", code="65E5") + "\n")


@pytest.mark.parametrize("value", ["Ωmega ß", "Привет", "עברית", "σ² → 0 €", "café \U0001f600"])
def test_what_the_font_draws_passes_the_door(value):
    assert text.glyph_problem(value) == "" and text.checked(value, "title") == value


def test_a_run_stored_with_a_title_without_glyphs_still_loads_and_renders(tiny_run_path,
                                                                          tmp_path, run_cli):
    """A run recorded before glyphs were checked is not locked out: it loads, and renders
    under a title the font draws."""
    with np.load(tiny_run_path, allow_pickle=False) as stored:
        config = str(stored["config"])
    assert config.startswith("title = ")
    old = rewritten(tiny_run_path, tmp_path / "old.npz", config=np.array(
        'title = "日本 run"\n' + config.split("\n", 1)[1]))
    assert trajectory.load(old).experiment.title == "日本 run"
    result = run_cli("render", old, "-o", tmp_path / "x.png", "--title", "Tiny run")
    assert result.exit_code == 0, result.stderr
    result = run_cli("render", old, "-o", tmp_path / "y.png", "--title", "日本")
    assert result.exit_code == 2 and not (tmp_path / "y.png").exists()


@pytest.mark.parametrize("command, name", [("render", "still.png"), ("render", "clip.gif"),
                                           ("figure", "handout.png")])
def test_a_stored_title_without_glyphs_is_one_note_not_a_warning_per_character(
        tiny_run_path, tmp_path, run_cli, command, name):
    """A run stored with a CJK title printed matplotlib's "Glyph 33258 ... missing from
    font(s) DejaVu Sans." once per character: one note now, naming the title and the flag."""
    import warnings

    with np.load(tiny_run_path, allow_pickle=False) as stored:
        config = str(stored["config"])
    old = rewritten(tiny_run_path, tmp_path / "old.npz", config=np.array(
        'title = "自动编码器 run"\n' + config.split("\n", 1)[1]))
    flags = {"still.png": ("--size", "640x360"), "handout.png": (),
             "clip.gif": ("--size", "640x360", "--duration", "0.2", "--fps", "5")}[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run_cli(command, old, "-o", tmp_path / name, *flags)
    assert result.exit_code == 0, result.stderr
    assert [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    glyph_notes = [line for line in result.stderr.splitlines() if "glyph" in line]
    assert glyph_notes == ['note: the title "自动编码器 run" holds "自" (U+81EA), which DejaVu '
                           "Sans has no glyph for (drawn as a box); --title replaces it"]
    result = run_cli(command, old, "-o", tmp_path / ("new-" + name), *flags,
                     "--title", "Autoencoder run")
    assert result.exit_code == 0 and "glyph" not in result.stderr


def test_a_stored_render_title_without_glyphs_survives_other_options_set_on_top(
        tiny_run_path, tmp_path):
    """RenderOptions checks every field it is built with, so setting one option on a stored
    run's [render] table checks its title again: a title stored before glyphs were checked
    still passes there (a new one is refused, as at every door)."""
    with np.load(tiny_run_path, allow_pickle=False) as stored:
        config = str(stored["config"])
    assert "\n[render]\n" in config
    old = rewritten(tiny_run_path, tmp_path / "old.npz", config=np.array(config.replace(
        "\n[render]\n", '\n[render]\ntitle = "日本語 title"\ncaption = "日本語 caption"\n')))
    options = trajectory.load(old).experiment.render
    assert options.updated({"fps": 10}).title == "日本語 title"
    with pytest.raises(AevizError, match="U\\+65E5"):
        options.updated({"title": "日本 new"})
    notes = []
    aeviz.render(old, tmp_path / "old.png", size="640x360", notify=notes.append)
    assert [note.split(" holds")[0] for note in notes if "glyph" in note] == [
        'the title "日本語 title"', 'the caption "日本語 caption"']


def test_a_run_stored_with_labels_a_later_rule_refuses_loads_without_them(
        tiny_run_path, tmp_path, run_cli):
    """Runs recorded before labels naming two runs alike were refused kept such `[render]
    labels`; they stopped loading at all (found by the attack pass). They load without them,
    with one note naming the rule."""
    with np.load(tiny_run_path, allow_pickle=False) as stored:
        config = str(stored["config"])
    old = rewritten(tiny_run_path, tmp_path / "old.npz", config=np.array(config.replace(
        "\n[render]\n", '\n[render]\nlabels = ["a", "a"]\n')))
    result = run_cli("render", old, "-o", tmp_path / "x.png", "--size", "640x360")
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if "labels" in line] == [
        f"note: {old}: config: ignored render.labels, which this aeviz refuses: names \"a\" "
        "twice (entries 1 and 2); give each run its own label"]
    assert trajectory.load(old).experiment.render.labels is None


@settings(max_examples=150, deadline=None)
@given(labels=st.lists(st.one_of(st.sampled_from(["a", "a ", "$\\alpha$", "α", "b", "$x^2$",
                                                  "x²"]), st.text(max_size=6)),
                       min_size=1, max_size=5))
def test_run_labels_are_distinct_as_shown_or_refused_in_one_line(labels):
    """Labels: every run its own name as drawn, or one line saying which two are alike."""
    from aeviz.settings.fields import Invalid, run_labels

    try:
        checked = run_labels(labels)
    except Invalid as refused:
        message = str(refused)
        event("refused: " + message.split(" ")[0])
        assert "\n" not in message and len(message) < 400
        return
    shown = [" ".join(text.math_as_unicode(label).split()) for label in checked]
    assert len(set(shown)) == len(shown)
