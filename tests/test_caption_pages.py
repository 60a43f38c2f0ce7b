"""A caption that does not fit its lines whole: its sentences take turns in a clip (pages, each
shown for an equal share of the frames), a still shows its moment's page, the viewer its
slider's; a caption that fits is drawn as before."""

import dataclasses
import math
from itertools import groupby
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from aeviz import trajectory
from aeviz.errors import SettingError
from aeviz.renderer.frames import plan_frames
from aeviz.renderer.panels import FONT
from aeviz.renderer.panels.placement import (
    CONTINUED,
    CaptionPage,
    caption_page,
    caption_pages,
    page_seconds,
    quick_pages_note,
    reading_seconds,
    turn_frames,
    wrap_sentences,
)
from aeviz.renderer.rendering import render
from aeviz.renderer.scene import Scene
from aeviz.renderer.viewer import Viewer
from aeviz.renderer.views import RunView
from aeviz.settings import RenderOptions, load_experiment
from tests.helpers import decode_mp4
from tests.strategies import examples
from tests.test_placement import TITLE_PIECES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DENOISING = " ".join(load_experiment(EXAMPLES / "denoising.toml").render.caption.split())
SENTENCES = ["Noisy inputs, clean targets: the network learns to undo the noise.",
             "Each input gets Gaussian noise (std 0.3) every step; noisy inputs (x) map back "
             "onto the arc, and so does the decoded grid where the codes are.",
             'The dashed curve ("noisy inputs") is the error it is trained on.']


def page_texts(scene: Scene) -> list[str]:
    return [" ".join(line.get_text() for line in page) for page in scene.caption_pages]


def moment_of_page(scene: Scene, page: int, count: int = 1000) -> tuple[int, int]:
    """The first frame of a clip of `count` frames that shows the scene's caption `page`."""
    number = next(n for n in range(count) if caption_page(n, count, scene.caption_seconds) == page)
    return number, count


def scene_of(run, caption: str, size: str = "640x360", **still) -> Scene:
    options = RenderOptions(size=size, caption=caption)
    return Scene([RunView(run)], options, (0.0, float(run.epoch[-1])), **still)


def test_the_denoising_caption_at_640x360_shows_each_sentence_in_turn(tiny_run_path):
    assert " ".join(SENTENCES) == DENOISING
    run = trajectory.load(tiny_run_path)
    scene = scene_of(run, DENOISING)
    pages = page_texts(scene)
    first, *parts, third = pages
    assert (first, third) == (SENTENCES[0], SENTENCES[2])
    # The second sentence is longer than the line 640x360 has: it goes on over pages, each
    # broken after a clause ("every step;", "the arc,"), marked where it goes on (never cut).
    assert [part.rstrip("…").lstrip("…")[-1] for part in parts[:-1]] == [";", ","]
    assert all(part.endswith("…") for part in parts[:-1])
    assert all(part.startswith("…") for part in parts[1:])
    assert " ".join(part.strip("…") for part in parts) == SENTENCES[1]
    options = RenderOptions(size="640x360", caption=DENOISING, duration=12, hold=8)
    frames = plan_frames([RunView(run).timeline], options)
    shown = []
    for number in range(len(frames)):
        scene.show_caption_page(number, len(frames))
        shown.append(" ".join(line.get_text() for line in scene.caption_lines))
    # In order, then the first page again: the clip ends on its lesson.
    turns = [text for n, text in enumerate(shown) if n == 0 or text != shown[n - 1]]
    assert turns == pages + [first]
    # Each page as long as a room takes to read it (17 characters a second, 2.5 s at least),
    # the clip's 20 s shared among them by those times: a long page longer than a short one.
    seconds = [max(2.5, len(text) / 17) for text in pages]
    assert scene.caption_seconds == pytest.approx(seconds)
    scale = len(frames) / (sum(seconds) + 2.5)
    for page, text in enumerate(pages):
        again = 2.5 if page == 0 else 0.0
        assert abs(shown.count(text) - (seconds[page] + again) * scale) <= 2, page
    longest, shortest = max(pages, key=len), min(pages, key=len)
    assert len(longest) > 17 * 2.5 and shown.count(longest) > shown.count(shortest)


def test_a_sentence_in_two_parts_breaks_after_a_clause_outside_brackets(tiny_run_path):
    """denoising-vs-plain's second sentence at 640x360 broke inside a parenthesis ("…without
    the noise (std…" / "…0.3) the plain run fits closer"): two parts break after a clause's
    punctuation where one lets both fit, never inside brackets."""
    from aeviz.settings.comparison import load_comparison

    caption = load_comparison(EXAMPLES / "denoising-vs-plain.toml").render.caption
    run = trajectory.load(tiny_run_path)
    pages = page_texts(scene_of(run, caption))
    parts = [page for page in pages if page.startswith("…") or page.endswith("…")]
    assert parts == ["Both curves are the error on clean inputs:…",
                     "…without the noise (std 0.3) the plain run fits closer; the denoising "
                     "run pays for undoing it."]
    room = 0.97 * 8.0 * 72 - 2 * FONT["label"]  # a 640x360 frame's line
    for text in (caption, DENOISING, "A (b, c; d: e) f, g h i j k l m n o p q r s t u v w. "
                 * 3):
        for page in caption_pages(text, FONT["label"], room, 1):
            for line in page.lines:
                assert line.count("(") == line.count(")") or not page.part or \
                    not any(line.endswith(mark + CONTINUED) for mark in ",;:"), line


def test_pages_change_the_caption_strip_alone_and_blit_exactly(tiny_run_path):
    """The strip is as tall as the tallest page: the panels never move between pages, only
    the strip's pixels change; each page blitted equals a full redraw of a still showing it."""
    run = trajectory.load(tiny_run_path)
    view = RunView(run)
    frame = plan_frames([view.timeline], RenderOptions(size="640x360"))[5]
    blitting = scene_of(run, DENOISING)
    drawn, tops = [], set()
    count = len(blitting.caption_pages)
    for page in range(count):
        moment = moment_of_page(blitting, page)
        blitting.show_caption_page(*moment)
        blitted = np.array(blitting.draw(frame))
        renderer = blitting.canvas.get_renderer()
        tops.add(round(blitting.caption_lines[0].get_window_extent(renderer).y1, 3))
        redrawn = scene_of(run, DENOISING, still=moment)
        assert page_texts(redrawn)[page] == " ".join(t.get_text() for t in redrawn.caption_lines)
        np.testing.assert_array_equal(blitted, np.array(redrawn.draw_full(frame)))
        drawn.append(blitted)
    assert len(tops) == 1  # each page's first line where the others' is
    strip_top = 360 - int(max(tops)) - 2  # rows from the top (a pixel's margin)
    changed = np.flatnonzero(np.any([(a != b).any(axis=(1, 2))
                                     for a, b in zip(drawn, drawn[1:])], axis=0))
    assert len(changed) and changed.min() >= strip_top, (changed.min(), strip_top)


def test_a_caption_that_fits_is_one_page_drawn_as_before(tiny_run_path):
    run = trajectory.load(tiny_run_path)
    for name in ("iris", "digits", "denoising"):
        caption = load_experiment(EXAMPLES / f"{name}.toml").render.caption
        scene = scene_of(run, caption, "1280x720")
        width_in = scene.figure.get_size_inches()[0]
        room = 0.97 * width_in * 72 - 2 * FONT["label"]
        assert len(scene.caption_pages) == 1, name
        assert [t.get_text() for t in scene.caption_lines] == \
            wrap_sentences(caption, FONT["label"], room, 2)
        before = scene.background
        scene.show_caption_page(50, 100)  # one page: nothing to change
        assert scene.background is before and scene.caption_page == 0


def test_a_clip_keeps_its_frame_count_and_says_only_what_it_cuts(tiny_run_path, tmp_path):
    run = trajectory.load(tiny_run_path)
    options = RenderOptions(size="320x180", caption=DENOISING, duration=1, hold=0.5)
    notes: list[str] = []
    frames = render([run], tmp_path / "c.mp4", options, notify=notes.append)
    _, decoded = decode_mp4(tmp_path / "c.mp4")
    assert len(decoded) == len(frames) == 45
    plain: list[str] = []
    render([run], tmp_path / "p.mp4", RenderOptions(size="320x180", duration=1, hold=0.5),
           notify=plain.append)
    assert len(decode_mp4(tmp_path / "p.mp4")[1]) == 45
    # Every sentence reaches the screen in turn, the long ones over pages: nothing is left
    # out or cut, so that is not said; but 1.5 s for all its pages is too quick to read.
    seconds = scene_of(run, DENOISING, "320x180").caption_seconds
    needed = sum(seconds) + 2.5  # the first page again at the end
    assert [note for note in notes if note.startswith("caption")] == [
        f"caption: its {len(seconds)} pages take {needed:.1f} s to read at 320x180 (about 17 "
        f"characters a second), this clip turns them in 1.5 s: a clip of {math.ceil(needed)} "
        "s or more (--duration, --hold), a shorter caption or a larger --size gives each its "
        "time"]


def test_pages_too_quick_to_read_are_said_with_the_clips_length_that_reads():
    """denoising's five pages at 640x360 take 18.7 s to read, the first again included: a
    clip of 13 s turns them too quickly (a look: 60-90 characters in 2.4 s went unread)."""
    seconds = [66 / 17, 53 / 17, 2.5, 50 / 17, 64 / 17]
    assert quick_pages_note(seconds, 13 * 30, 30, "at 640x360") == (
        "caption: its 5 pages take 18.7 s to read at 640x360 (about 17 characters a second), "
        "this clip turns them in 13.0 s: a clip of 19 s or more (--duration, --hold), a "
        "shorter caption or a larger --size gives each its time")
    assert quick_pages_note(seconds, 19 * 30, 30, "at 640x360") is None
    assert quick_pages_note([9.0], 3, 30, "at 640x360") is None  # one page: nothing turns
    assert quick_pages_note([2.5, 2.5], 15, 2, "at 640x360") is None  # 7.5 s: read
    assert quick_pages_note([2.5, 2.5], 14, 2, "at 640x360") is not None  # 7 s
    # iris's pages at 1 fps (a tester's): 18 s are more than their 17.1 s, but in whole
    # frames the third page (3.41 s) got 3 and the first's return (2.5 s) 2: said.
    iris = [4.06, 3.76, 3.41, 3.35]
    assert turn_frames(iris, 18) == [5, 4, 3, 4, 2]
    assert quick_pages_note(iris, 18, 1, "at 640x360") == (
        "caption: its 4 pages take 17.1 s to read at 640x360 (about 17 characters a second), "
        "this clip turns them in 18.0 s (whole frames at 1 fps leave one short): a clip of 21 "
        "s or more (--duration, --hold), a shorter caption or a larger --size gives each its "
        "time")
    assert quick_pages_note(iris, 21, 1, "at 640x360") is None
    assert min(got / need for got, need in zip(turn_frames(iris, 21), iris + [2.5])) >= 1


@examples(0.2)
@given(st.lists(st.floats(2.5, 30), min_size=1, max_size=12), st.integers(0, 3000),
       st.sampled_from([1, 2, 24, 30, 60]))
def test_turn_frames_counts_each_turn_caption_page_shows(seconds, count, fps):
    """turn_frames (bisected) against counting caption_page frame by frame; and where no note
    is said, every page shows for its seconds and the first again for 2.5 s."""
    shown = [caption_page(number, count, seconds) for number in range(count)]
    runs = [(page, len(list(run))) for page, run in groupby(shown)]
    turns = turn_frames(seconds, count)
    assert sum(turns) == count
    pages = list(range(len(seconds))) + [0] if len(seconds) > 1 else [0]
    assert [(page, frames) for page, frames in zip(pages, turns) if frames] == runs
    if quick_pages_note(seconds, count, fps, "here") is None and len(seconds) > 1:
        assert all(frames >= need * fps - 1e-9
                   for frames, need in zip(turns, [*seconds, 2.5]))


def test_a_still_shows_the_page_of_its_moment_in_the_clip(run_cli, tiny_run_path, tmp_path):
    """The last epoch: the clip's last frame, the last page; epoch 0, the first."""
    said = {}
    for epoch in ("0", "12"):
        result = run_cli("render", tiny_run_path, "-o", tmp_path / f"e{epoch}.png", "--size",
                         "640x360", "--epoch", epoch, "--caption", DENOISING)
        assert result.exit_code == 0, result.stderr
        said[epoch] = result.stderr
    assert ("note: caption: sentence 1 of 3 fits a 640x360 frame, as the clip shows it at this "
            "moment; the rest is left out\n") in said["0"]
    assert ("note: caption: sentence 1 of 3 fits a 640x360 frame, as the clip shows it at this "
            "moment; the rest is left out\n") in said["12"]  # (the clip ends on its lesson)


def test_a_still_draws_its_moments_page_as_that_sentence_alone_is_drawn(tiny_run_path,
                                                                        tmp_path):
    """The strip is one line on every page: a still of a page is the still of a caption of
    that page's sentence alone, pixel for pixel."""
    import imageio.v3 as iio

    run = trajectory.load(tiny_run_path)
    for epoch, sentence in ((0, SENTENCES[0]), (12, SENTENCES[0])):
        pixels = []
        for name, caption in (("paged", DENOISING), ("alone", sentence)):
            out = tmp_path / f"{name}{epoch}.png"
            render([run], out, RenderOptions(size="640x360", caption=caption), epoch=epoch)
            pixels.append(iio.imread(out))
        np.testing.assert_array_equal(*pixels)


def test_the_viewer_pages_the_caption_by_its_slider(tiny_run_path):
    figure = Figure(figsize=(8, 5), dpi=60)  # under 6 in: one line, as at 640x360
    FigureCanvasAgg(figure)
    run = trajectory.load(tiny_run_path)
    viewer = Viewer([run], RenderOptions(caption=DENOISING), figure)
    pages = page_texts(viewer.scene)
    assert len(pages) == 3  # (two lines on an 8x5 in page: the second sentence whole)

    def shown():
        return " ".join(line.get_text() for line in viewer.scene.caption_lines
                        if line.get_visible())

    viewer.slider.set_val(0)
    assert shown() == pages[0]
    viewer.slider.set_val(12)
    assert shown() == pages[0]  # the clip ends on its lesson
    turns = []
    for index in range(len(viewer.positions)):
        viewer.show(index)
        if not turns or shown() != turns[-1]:
            turns.append(shown())
    assert turns == pages + [pages[0]]  # each page in turn as the slider moves
    viewer.show(len(viewer.positions) // 2)
    figure.canvas.draw()  # and it draws


def test_caption_page_shares_the_frames_by_each_pages_reading_time_in_order():
    short = [2.5, 2.5, 2.5]  # and the first again for 2.5 s: four equal shares
    assert [caption_page(n, 8, short) for n in range(8)] == [0, 0, 1, 1, 2, 2, 0, 0]
    assert [caption_page(n, 4, short) for n in range(4)] == [0, 1, 2, 0]
    # A page that takes 5 s to read shows for twice the frames of one of 2.5 s.
    assert [caption_page(n, 10, [5.0, 2.5]) for n in range(10)] == [0] * 5 + [1] * 3 + [0] * 2
    assert caption_page(0, 1, short) == 0 and caption_page(5, 5, [2.5] * 2) == 0  # past the end
    assert caption_page(7, 9, [4.0]) == 0


def test_a_page_takes_its_characters_at_reading_pace_and_never_less_than_2_5_s():
    pages = [CaptionPage(["x" * 85], 85), CaptionPage(["a b", "c"], 90), CaptionPage([], 90)]
    assert page_seconds(pages) == [5.0, 2.5, 2.5]
    assert reading_seconds([5.0, 2.5]) == 10.0 and reading_seconds([5.0]) == 0.0


CAPTIONS = st.lists(st.one_of(TITLE_PIECES, st.sampled_from([". ", "! ", "? ", "\n"])),
                    min_size=1, max_size=40).map("".join)


@examples(1.0)
@given(CAPTIONS, st.integers(1, 3), st.sampled_from([60.0, 150.0, 400.0]))
def test_pages_hold_every_sentence_within_their_lines(text, lines, room):
    pages = caption_pages(text, 11.5, room, lines)
    assert pages and all(1 <= len(page.lines) <= lines for page in pages if text.strip())
    ends = [page.end for page in pages]
    assert ends == sorted(set(ends))  # each page moves on
    # (a sentence's parts without the marks where it goes on)
    drawn = [line.removeprefix(CONTINUED).removesuffix(CONTINUED) if page.part else line
             for page in pages for line in page.lines]
    if not any(line.endswith("…") for page in pages if not page.part for line in page.lines):
        # nothing cut: all of it, in order
        def printed(text: str) -> str:
            return "".join(text.replace("\\$", "$").split())

        assert printed("".join(drawn)) == printed(text)


@examples(0.1)
@given(CAPTIONS.filter(lambda text: text.strip()), st.sampled_from(["640x360", "854x480"]))
def test_every_page_of_any_caption_stays_inside_the_frame(tiny_run_path, text, size):
    try:
        RenderOptions(caption=text)
    except SettingError:
        assume(False)  # refused at every door: never drawn
    run = trajectory.load(tiny_run_path)
    scene = scene_of(run, text, size)
    width, height = scene.figure.bbox.width, scene.figure.bbox.height
    for page in range(len(scene.caption_pages)):
        scene.show_caption_page(*moment_of_page(scene, page))
        scene.draw(plan_frames([RunView(run).timeline], RenderOptions(size=size))[0])
        renderer = scene.canvas.get_renderer()
        for line in scene.caption_lines:
            box = line.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= width + 1 and box.y0 >= -1 and box.y1 <= height


def test_a_caption_ending_in_an_ellipsis_of_its_own_is_drawn_whole(run_cli, tiny_run_path,
                                                                   tmp_path):
    """"The codes spread out. The loss falls…" fits a 1280x720 line, and was taken for a cut
    caption (its last line ends in "…"): paged, its still said "sentence 1 of 2 fits". One
    page, nothing said; with line breaks of its own too."""
    for text in ("The codes spread out. The loss falls…", "Short.\nThe loss falls…"):
        pages = caption_pages(text, FONT["label"], 900, 2)
        assert len(pages) == 1 and not pages[0].part, pages
        assert "".join(pages[0].lines).replace(" ", "") == text.replace(" ", "").replace(
            "\n", "")
    result = run_cli("render", tiny_run_path, "-o", tmp_path / "e.png", "--epoch", "0",
                     "--caption", "The codes spread out. The loss falls…")
    assert result.exit_code == 0 and "caption" not in result.stderr, result.stderr


def test_an_abbreviation_ends_no_sentence():
    """"Smith et al. agreed" broke into two pages at "al.", with no mark that it went on."""
    from aeviz.renderer.panels.placement import _unit_ends

    text = "Results vs. the plain run, e.g. at epoch 5, as Smith et al. agreed. Then it ends."
    assert _unit_ends(text) == [text.index(" Then")]


@pytest.mark.parametrize("pace", ["linear", "log"])
def test_the_viewer_shows_the_clips_page_at_each_epoch(tiny_run_path, pace):
    """The viewer's own frames have no hold and a linear pace: paged by them it showed
    another page than the clip's frame and the still at 47 of denoising's 201 epochs (144
    with --pace log). At every slider position, the page of the clip's frame there, the clip
    without its hold: a long hold turns pages (iris's last) no slider position reached."""
    from aeviz.renderer.frames import clip_moments

    figure = Figure(figsize=(8, 4.5 + 0.6), dpi=60)
    FigureCanvasAgg(figure)
    run = trajectory.load(tiny_run_path)
    options = RenderOptions(caption=DENOISING, duration=10, hold=8, pace=pace, size="640x360")
    viewer = Viewer([run], options, figure)
    pages = page_texts(viewer.scene)
    assert len(pages) >= 3
    options = dataclasses.replace(options, hold=0)  # (the viewer has none: it stays)
    clip = plan_frames([RunView(run).timeline], options)
    shown_pages = set()
    for index, position in enumerate(viewer.positions):
        viewer.show(index)
        number, count = clip_moments([RunView(run).timeline], options, [position])[0]
        assert count == len(clip)
        expected = caption_page(number, count, viewer.scene.caption_seconds)
        assert viewer.scene.caption_page == expected, (position, number)
        shown_pages.add(expected)
    assert shown_pages == set(range(len(pages)))


def test_a_clip_too_short_for_its_pages_says_which_it_leaves_out(tiny_run_path, tmp_path):
    run = trajectory.load(tiny_run_path)
    notes: list[str] = []
    options = RenderOptions(size="640x360", caption=DENOISING, duration=0.1, hold=0)
    frames = render([run], tmp_path / "f.mp4", options, notify=notes.append)
    from aeviz.renderer.rendering import unseen_pages

    assert len(frames) == 3
    seconds = scene_of(run, DENOISING).caption_seconds
    pages = len(seconds)
    unseen = unseen_pages(seconds, 3)
    shown = {caption_page(n, 3, seconds) for n in range(3)}
    assert unseen and unseen == [page for page in range(1, pages + 1) if page - 1 not in shown]
    assert any(note.startswith(f"caption: its {pages} pages take turns over 3 frames: page")
               and "not shown; a longer --duration shows them" in note for note in notes), notes


@pytest.mark.parametrize(("text", "room", "lines"), [("It goes on… and on… " * 30, 200, 1),
                                                      ("Wait… " * 100, 890, 2)])
def test_a_caption_of_no_sentence_ends_is_paged_whole_though_a_cut_meets_its_own_ellipsis(
        text, room, lines):
    """A tester's caption of no ".", "?" or "!" whose first page's cut fell after an ellipsis
    of its own was taken as shown whole: one page, the rest dropped unsaid. Every word is on a
    page, in order, and no part ends in a doubled mark ("on……")."""
    pages = caption_pages(text, FONT["label"], room, lines)
    assert len(pages) > 1 and pages[-1].end == len(" ".join(text.split()))
    assert not any("……" in line for page in pages for line in page.lines)
    printed = "".join("".join(page.lines) for page in pages)
    assert "".join(printed.split()).replace("…", "") == "".join(text.split()).replace("…", "")


def test_a_still_of_a_caption_of_lines_counts_lines_not_sentences(tiny_run_path):
    """A caption of three lines of its own, of two sentences each, paged at sentences at
    640x360: its still said "lines 1 to 2 of 6" for one line shown (a tester's)."""
    text = ("The loss falls fast at first. Then it slows.\nThe codes part in two. Then in "
            "four.\nTraining stops at 0.035. The end.")
    run = trajectory.load(tiny_run_path)
    scene = scene_of(run, text, still=(0, 100))
    assert len(scene.caption_pages) >= 3
    assert page_texts(scene)[0] == "The loss falls fast at first. Then it slows."
    assert [note for note in scene.notes if note.startswith("caption")] == [
        "caption: line 1 of 3 fits a 640x360 frame, as the clip shows it at this moment; the "
        "rest is left out"]
