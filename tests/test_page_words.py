"""The page's words as the clip's, whatever the window (issue 23, the page): the details line
keeps its words while the run plays, \\$ reads $ as matplotlib draws it, a caption keeps its
line breaks, a long unbroken word wraps rather than widen the page, and a 300 px wide window
scrolls no sideways and prints no layer's size over another's."""

from __future__ import annotations

from pathlib import Path

import pytest

import aeviz
from aeviz.settings import load_experiment
from aeviz.training.loop import train
from tests.browser import (  # noqa: F401 (a fixture)
    chromium_driver,
    js,
    open_page,
    page_texts,
    record_text,
    viewport,
)
from tests.test_page_text import overlapping

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WIDE = ("(() => { const e = document.documentElement;"
        " return [e.scrollWidth, e.clientWidth]; })()")


def quiet(message: str) -> None:
    pass


@pytest.fixture
def window(browser):
    """`window(width, height)`: the page laid out for that window, its scrollbars hidden (an
    overlay scrollbar takes no width); undone after the test."""
    def size(width: int, height: int) -> None:
        record_text(browser)
        viewport(browser, width, height)
        browser.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": True})
    yield size
    browser.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": False})
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.fixture(scope="module")
def digits_page(tmp_path_factory) -> Path:
    """digits, trained 3 epochs: its details ("... | 1797 samples") and its seven layers."""
    run = train(load_experiment(EXAMPLES / "digits.toml", {"train.epochs": 3}))
    return aeviz.render(run, tmp_path_factory.mktemp("digits") / "digits.html", notify=quiet)


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory) -> Path:
    """seed-default, trained 3 epochs: its weight graph and its playground."""
    run = train(load_experiment(EXAMPLES / "seed-default.toml", {"train.epochs": 3}))
    return aeviz.render(run, tmp_path_factory.mktemp("seed") / "seed.html", notify=quiet)


def test_the_details_keep_their_words_while_the_run_plays(browser, window, digits_page):
    """"finished", shown beside the details at the run's end, took the room of its last part:
    at 640x400 digits' details dropped "| 1797 samples" as the run ended. The status holds its
    room from the start: the details are the same words at every step, in a window where they
    just fit beside an empty status (found from the widths measured in a wide one)."""
    window(1280, 800)
    driver = open_page(browser, digits_page)
    js(driver, "aeviz.seek(aeviz.steps() - 1)")
    full, status = js(driver, """(() => { const range = document.createRange();
        range.selectNodeContents(document.getElementById('details'));
        return [range.getBoundingClientRect().width,
                document.getElementById('status').getBoundingClientRect().width]; })()""")
    assert status > 20, status  # "finished"
    # body padding 2 x 14, the heading's gap 12: the whole details fit until the status shows
    window(int(full + 28 + 12 + status / 2), 400)
    driver = open_page(browser, digits_page)
    first = js(driver, "document.getElementById('details').textContent")
    for step in range(js(driver, "aeviz.steps()")):
        js(driver, "aeviz.seek(arguments[0])", step)
        assert js(driver, "document.getElementById('details').textContent") == first, step
    assert js(driver, "document.getElementById('status').textContent") == "finished"


def test_an_escaped_dollar_reads_as_the_clip_draws_it(browser, tiny_run_path, tmp_path):
    """matplotlib draws "costs \\$5 per GPU" (no math) as "costs $5 per GPU"; the page showed
    the backslash in its heading, <title> and description."""
    from selenium.webdriver.common.by import By

    page = aeviz.render(tiny_run_path, tmp_path / "dollar.html", title="costs \\$5 per GPU",
                        caption="It costs \\$5.", notify=quiet)
    driver = open_page(browser, page)
    assert driver.title == "costs $5 per GPU"
    assert driver.find_element(By.ID, "title").text == "costs $5 per GPU"
    assert driver.find_element(By.ID, "caption").text == "It costs $5."
    assert js(driver, "document.querySelector('meta[name=description]').content") == "It costs $5."


def test_a_caption_keeps_its_lines(browser, tiny_run_path, tmp_path):
    """The clip and the handout break the caption where its text does; the page ran the
    lines together."""
    from selenium.webdriver.common.by import By

    page = aeviz.render(tiny_run_path, tmp_path / "lines.html",
                        caption="The first sentence.\nThe second one.", notify=quiet)
    driver = open_page(browser, page)
    assert driver.find_element(By.ID, "caption").text == "The first sentence.\nThe second one."


@pytest.mark.parametrize("where", ["caption", "title"])
def test_a_long_word_wraps_and_the_page_never_scrolls_sideways(browser, window, tiny_run_path,
                                                                tmp_path, where):
    """300 W's in a caption made a 640 px page 4167 px wide."""
    page = aeviz.render(tiny_run_path, tmp_path / "long.html", notify=quiet,
                        **{where: "A " + "W" * 300 + " word."})
    window(640, 400)
    driver = open_page(browser, page)
    wide, client = js(driver, WIDE)
    assert wide <= client, (wide, client)


def test_a_300_px_window_scrolls_no_sideways_and_no_layer_label_overlaps(browser, window,
                                                                          seed_page):
    """At 300x600 the playground's buttons (Download last) made the page 309 px wide, and the
    weight graph's layer sizes printed over each other."""
    window(300, 600)
    driver = open_page(browser, seed_page)
    assert js(driver, "!!document.getElementById('aeviz-download')")
    wide, client = js(driver, WIDE)
    weights = js(driver, "[...document.querySelectorAll('canvas')].findIndex("
                         "(c) => c.closest('.panel.weights'))")
    assert weights >= 0
    texts = [t for t in page_texts(driver) if t["canvas"] == weights]
    assert len(texts) >= 3, texts  # its color bar's ticks and its layers' names
    assert (wide - client, overlapping(texts)) == (0, [])
