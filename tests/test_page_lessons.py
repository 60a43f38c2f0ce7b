"""Each lesson's key visual on the page, read back in headless Chromium against the Python
description the clip draws: a denoising run's objective and noisy inputs, the decoder sheet's
region, a sparse run's code axes and readout, a VAE's circles, ellipses and key, a comparison's
worded subtitle, colors and line styles, a diverging run's loss axis that follows its values.
The examples are trained for a few epochs (their lessons hold from the first)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import aeviz
from aeviz.api import options_of
from aeviz.renderer import render, run_views
from aeviz.renderer.decoding import sheet_region
from aeviz.renderer.description import MARK_NAMES, describe, noisy_inputs, sheet_marks, to_json
from aeviz.renderer.objective import OBJECTIVE_LABEL, objective_rmse
from aeviz.renderer.panels.code import GHOST_ALPHA, GHOST_PILE, GHOST_RING_PT, ghost_colors
from aeviz.renderer.panels.sparsity import readout_lines, readouts, silent_shares
from aeviz.renderer.panels.variational import KEY_TEXTS, MOST_ELLIPSES, SHORT_KEY_TEXTS
from aeviz.settings import load_experiment
from aeviz.settings.comparison import load_comparison
from aeviz.training.loop import train
from aeviz.training.model import forward
from tests.browser import (  # noqa: F401 (a fixture)
    chromium_driver,
    js,
    open_page,
    page_texts,
    record_text,
    viewport,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example(name: str, epochs: int, **changes):
    return train(load_experiment(EXAMPLES / f"{name}.toml",
                                 {"train.epochs": epochs, **changes}))


def page_of(runs, path: Path, **options) -> tuple[Path, dict]:
    """The page of `runs`, and the clip's description of them as JSON."""
    page = aeviz.render(runs, path, notify=lambda message: None, **options)
    chosen = options_of(runs, options)
    views = run_views(runs, chosen)
    span = (0.0, float(max(v.timeline[-1] for v in views)))
    return page, to_json(describe(views, chosen, span))


def same_description(driver, expected: dict) -> None:
    """The page drew the description's panels, with its limits, scales, titles and layers,
    its header and caption."""
    assert js(driver, "aeviz.panels()")[:len(panel_names_of(expected))] == \
        panel_names_of(expected)
    drawn = [p for p in js(driver, "aeviz.description()") if p["rect"] is not None]
    assert [(p["name"], p["run"]) for p in drawn] == \
        [(p["name"], p["run"]) for p in expected["panels"]]
    for got, want in zip(drawn, expected["panels"]):
        for key in ("title", "title_color", "code", "loss", "colors", "decoder", "recon",
                    "layers"):
            assert got[key] == want[key], (got["name"], got["run"], key)
    assert js(driver, "document.getElementById('title').textContent") == expected["title"]
    details = js(driver, "document.getElementById('details').textContent")
    if expected["detail_forms"]:  # a comparison: one of its forms in words, whole
        assert details in expected["detail_forms"]
    else:  # a run's details, parts dropped from the end only
        parts = expected["details"]
        assert details in ["  |  ".join(parts[:n]) for n in range(1, len(parts) + 1)]
    assert js(driver, "(() => { const e = document.getElementById('details');"
                      " return e.scrollWidth <= e.clientWidth + 1; })()")
    caption = js(driver, "(() => { const e = document.getElementById('caption');"
                         " return e.hidden ? '' : e.textContent; })()")
    assert caption == expected["caption"]


def panel_names_of(expected: dict) -> list[str]:
    names: list[str] = []
    for panel in expected["panels"]:
        if panel["name"] not in names:
            names.append(panel["name"])
    return names


def colored_pixels(driver, selector: str, color: str, within: int = 40) -> int:
    """How many pixels of the canvas `selector` are within `within` (per channel) of
    `color` (#rrggbb)."""
    return js(driver, """(() => {
        const c = document.querySelector(arguments[0]), d = c.getContext('2d')
            .getImageData(0, 0, c.width, c.height).data, hex = arguments[1], w = arguments[2];
        const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
        let count = 0;
        for (let i = 0; i < d.length; i += 4) {
            if (Math.abs(d[i] - rgb[0]) <= w && Math.abs(d[i + 1] - rgb[1]) <= w
                && Math.abs(d[i + 2] - rgb[2]) <= w) count++;
        }
        return count; })()""", selector, color, within)


def snapshot(driver) -> int:
    """The recorded snapshot the page shows now (one run): its step's used snapshot."""
    return js(driver, """(() => {
        const d = JSON.parse(document.getElementById('aeviz-data').textContent);
        return d.runs[0].used[d.steps[aeviz.current().index].indexes[0]]; })()""")


@pytest.fixture(scope="module")
def denoising():
    return example("denoising", 4)


def test_denoising_draws_its_objective_and_its_noisy_inputs(browser, denoising,
                                                            tmp_path):
    page, expected = page_of([denoising], tmp_path / "denoising.html")
    driver = open_page(browser, page)
    same_description(driver, expected)
    assert expected["panels"][1]["loss"]["objective"] is True
    objective = objective_rmse(denoising)
    view = run_views([denoising], options_of([denoising], {}))[0]
    grid = next(p for p in describe([view], options_of([denoising], {}), (0.0, 4.0)).panels
                if p.name == "decoder").decoder
    noisy = noisy_inputs(view, grid)
    color = js(driver, "JSON.parse(document.getElementById('aeviz-data').textContent)"
                       ".objectiveColor")
    js(driver, "aeviz.seek(0)")  # the objective has no value before the first update
    assert js(driver, "aeviz.drawn('loss')")["readouts"] == [
        f"RMSE {denoising.loss[0]:.4f}", ""]
    assert colored_pixels(driver, ".panel.loss canvas", color, 30) == 0
    for step in (2, js(driver, "aeviz.steps()") - 1):
        js(driver, "aeviz.seek(arguments[0])", step)
        k = snapshot(driver)
        loss = js(driver, "aeviz.drawn('loss')")
        assert loss["readouts"][0].startswith(f"RMSE {denoising.loss[k]:.4f}")
        assert loss["readouts"][1] == f"{OBJECTIVE_LABEL} {objective[k]:.4f}"
        assert colored_pixels(driver, ".panel.loss canvas", color, 30) > 30  # the dashed curve
        sheet = js(driver, "aeviz.drawn('decoder', 0)")
        weights = [np.asarray(w[k], float) for w in denoising.weights]
        biases = [np.asarray(b[k], float) for b in denoising.biases]
        outputs = forward(noisy, weights, biases, denoising.activations)[-1]
        assert len(sheet["links"]) == len(noisy) == 40
        assert np.allclose(sheet["links"], outputs, rtol=1e-4, atol=1e-5)
        region = sheet_region(view.codes[k], grid.extent, grid.side, grid.steps).ravel()
        assert np.array_equal(np.asarray(sheet["strong"], bool), region)
        assert "noisy input" in sheet["key"] or "noisy" in sheet["key"]


@pytest.mark.parametrize("size", [(640, 400), (1280, 800)], ids=["640x400", "1280x800"])
def test_the_decoder_sheets_key_names_every_mark_it_draws(browser, denoising, tmp_path, size):
    """denoising's key gave up "beyond the codes", then the data and the long grid name, to
    fit a 640-wide window, and denoising-vs-plain's kept only "noisy -> output": every mark
    the sheet draws (sheet_marks) keyed by its MARK_NAMES long name at every width (in two
    rows where one does not fit: a lone "beyond" or "grid" meant nothing to a student at
    640x400)."""
    plain = example("denoising-plain", 4)
    page, _ = page_of([denoising, plain], tmp_path / "pair.html")
    single, _ = page_of([denoising], tmp_path / "single.html")
    view = run_views([denoising], options_of([denoising], {}))[0]
    grid = next(p for p in describe([view], options_of([denoising], {}), (0.0, 4.0)).panels
                if p.name == "decoder").decoder
    assert sheet_marks(grid) == ("data", "sheet", "beyond", "noisy")
    viewport(browser, *size)
    try:
        for made in (single, page):
            driver = open_page(browser, made)
            key = js(driver, "aeviz.drawn('decoder', 0)")["key"]
            for mark in sheet_marks(grid):
                assert MARK_NAMES[mark][0] in key, (made.name, size, mark, key)
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# Every text a canvas draws, with the alpha and color it was drawn in (installed before the
# page's scripts run).
TEXT_INK = r"""
window.__ink = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (s, ...rest) {
  window.__ink.push([String(s), this.globalAlpha, String(this.fillStyle)]);
  return fillText.call(this, s, ...rest);
};
"""


@pytest.mark.parametrize("size", [(640, 400), (1280, 800)], ids=["640x400", "1280x800"])
def test_the_decoder_sheets_faint_mark_has_a_legible_name(browser, denoising, tmp_path, size):
    """Found by a lecturer's look: the key's entry for the faint sheet beyond the codes was
    drawn faint (alpha 0.45), its name the hardest text of the panel to read. The mark's
    sample stays faint, as the mark is; every name of the key (long or short) is drawn as
    the others are: opaque, in one color."""
    page, _ = page_of([denoising], tmp_path / "single.html")
    names = {mark: forms for mark, forms in MARK_NAMES.items()
             if mark in ("data", "sheet", "beyond", "noisy")}
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TEXT_INK})
    viewport(browser, *size)
    try:
        driver = open_page(browser, page)
        js(driver, "aeviz.seek(aeviz.steps() - 1)")
        ink = js(driver, "window.__ink")
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", script)
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    drawn = {mark: [(alpha, color) for text, alpha, color in ink
                    if any(text.strip().endswith(form) for form in forms)]
             for mark, forms in names.items()}
    assert all(drawn.values()), drawn
    looks = {look for found in drawn.values() for look in found}
    assert looks == {(1, drawn["sheet"][0][1])}, drawn
    # the faint mark's sample ("—") faint still, the strong sheet's not
    dashes = {alpha for text, alpha, _ in ink if text.strip() == "—"}
    assert dashes == {1, 0.45}, dashes


@pytest.mark.parametrize("size", [(640, 400), (1280, 800)], ids=["640x400", "1280x800"])
def test_the_decoder_sheets_key_draws_the_data_in_its_class_colors(browser, denoising, tmp_path,
                                                                  size):
    """Found by two lecturers' look: the page's sheet keyed the data as one grey "\u25CF data"
    while its points are drawn in their class colors (the clip draws a dot of each, up to
    three: ClassDots). The page's key: a dot of each of the clip's colors, in its order, each
    one drawn in its color on the canvas (its center's pixel); no grey dot as text."""
    from aeviz.renderer.panels.style import cluster_color
    from aeviz.renderer.theme import THEMES

    plain = example("denoising-plain", 4)
    single, _ = page_of([denoising], tmp_path / "single.html")
    pair, _ = page_of([denoising, plain], tmp_path / "pair.html")
    theme = THEMES[denoising.experiment.render.theme]
    clip = tuple(dict.fromkeys(cluster_color(theme, label) for label in denoising.labels))[:3]
    assert len(clip) == 3  # (the denoising arc's three classes)
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TEXT_INK})
    viewport(browser, *size)
    try:
        for made, runs in ((single, 1), (pair, 2)):
            driver = open_page(browser, made)
            js(driver, "aeviz.seek(aeviz.steps() - 1)")
            for number in range(runs):
                dots = js(driver, "aeviz.drawn('decoder', arguments[0]).keyDots", number)
                assert dots is not None and [d[3] for d in dots] == list(clip), (made.name, dots)
                for x, y, radius, color in dots:
                    assert radius >= 2, dots
                    pixel = js(driver, """Array.from(document.querySelectorAll(
                        'figure.panel.decoder canvas')[arguments[0]].getContext('2d')
                        .getImageData(arguments[1], arguments[2], 1, 1).data)""",
                               number, round(x), round(y))
                    want = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
                    assert all(abs(a - b) <= 40 for a, b in zip(pixel, want)), (pixel, color)
            ink = js(driver, "window.__ink")
            assert not [text for text, _, _ in ink if "\u25CF" in text], made.name
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", script)
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_the_decoder_sheet_is_strong_only_where_the_codes_are(browser, tmp_path):
    run = example("decoder-manifold", 3)
    page, expected = page_of([run], tmp_path / "manifold.html")
    driver = open_page(browser, page)
    same_description(driver, expected)
    grid = next(p for p in expected["panels"] if p["name"] == "decoder")["decoder"]
    assert grid["region"] is True and grid["noisy"] == 0
    view = run_views([run], options_of([run], {}))[0]
    for step in (0, js(driver, "aeviz.steps()") - 1):
        js(driver, "aeviz.seek(arguments[0])", step)
        k = snapshot(driver)
        strong = np.asarray(js(driver, "aeviz.drawn('decoder', 0)")["strong"], bool)
        region = sheet_region(view.codes[k], tuple(grid["extent"]), grid["side"],
                              grid["steps"]).ravel()
        assert np.array_equal(strong, region)
        assert 0 < strong.sum() < strong.size  # strong in part, faint beyond
        assert js(driver, "aeviz.drawn('decoder', 0)")["links"] == []


def test_a_sparse_run_draws_its_code_axes_and_its_readout(browser, tmp_path):
    run = example("sparse-codes", 4)
    page, expected = page_of([run], tmp_path / "sparse.html")
    driver = open_page(browser, page)
    same_description(driver, expected)
    assert "axes" in expected["panels"][0]["layers"]
    view = run_views([run], options_of([run], {}))[0]
    for step in (0, js(driver, "aeviz.steps()") - 1):
        js(driver, "aeviz.seek(arguments[0])", step)
        k = snapshot(driver)
        code = js(driver, "aeviz.drawn('code', 0)")
        # The clip's words for this snapshot, on the title line (a 1280x900 window)
        assert code["aside"] == readouts(silent_shares(view.codes[k]))[1]
        assert code["readout"] == readout_lines(silent_shares(view.codes[k]))[0]
        # The axis code 1 = 0 is drawn: the column under it, near the plane's top (clear of
        # the codes), is darker than the background beside it.
        x, _ = code["axesAt"]
        column, beside = js(driver, """(() => {
            const c = document.querySelector('.panel.code canvas');
            const r = window.devicePixelRatio || 1, ctx = c.getContext('2d');
            const at = (x) => Array.from(
                ctx.getImageData(Math.round(x * r), Math.round(12 * r), 1, 1).data);
            return [at(arguments[0]), at(arguments[0] + 9)]; })()""", x)
        assert sum(column[:3]) < sum(beside[:3]) - 60
    # Without the penalty: no axes, no readout.
    plain = example("sparse-codes", 2, **{"train.code_l1": 0.0})
    driver = open_page(browser, aeviz.render(plain, tmp_path / "plain.html",
                                             notify=lambda message: None))
    code = js(driver, "aeviz.drawn('code', 0)")
    assert code["axesAt"] is None and code["aside"] == ""


@pytest.mark.parametrize("size", [(640, 400), (1280, 800)], ids=["640x400", "1280x800"])
def test_a_sparse_runs_readout_keeps_the_title_whole_in_the_clips_words(browser, tmp_path,
                                                                          size):
    """A lecturer at 640x400: the code plane's title shrank to "code" once the readout grew
    at the end of the run, and the page's readout said "|code| < 0.03: neuron 1 ..." where
    the clip says "near 0: code 1 ...". The title stays whole at every step; the readout,
    the clip's packed words, stands beside it where both fit, else inside the plane (as the
    clip's at 640x360) on a veil, in one of its corners."""
    run = example("sparse-codes", 30)
    page, _ = page_of([run], tmp_path / "sparse.html")
    view = run_views([run], options_of([run], {}))[0]
    record_text(browser)
    viewport(browser, *size)
    try:
        driver = open_page(browser, page)
        for step in (0, js(driver, "aeviz.steps()") - 1):
            js(driver, "aeviz.seek(arguments[0])", step)
            code = js(driver, "aeviz.drawn('code', 0)")
            assert code["title"] == "code layer", code["title"]
            assert js(driver, "(() => { const t = document.querySelector('.panel.code h2 .title');"
                              " return t.scrollWidth <= t.clientWidth; })()")
            assert code["readout"] in readout_lines(silent_shares(view.codes[snapshot(driver)]))
            if code["readoutInside"]:
                assert code["aside"] == ""
                left, top, width, height = code["box"]
                canvas = js(driver, "document.querySelector('.panel.code canvas')"
                                    ".getBoundingClientRect().toJSON()")
                lines = [t for t in page_texts(driver) if t["text"] in code["readout"]
                         and t["where"].endswith("figure.panel.code canvas")]
                assert len(lines) == len(code["readout"]), lines
                for line in lines:  # inside the plane, in its top or bottom part
                    x0, y0, x1, y1 = line["box"]
                    assert canvas["left"] + left <= x0 and x1 <= canvas["left"] + left + width
                    assert canvas["top"] + top <= y0 and y1 <= canvas["top"] + top + height
            else:
                assert code["aside"] == code["readout"][0]
        if size == (640, 400):  # (the lecturer's window: no room beside the title)
            assert code["readoutInside"]
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_penalty_is_drawn_dash_dot_on_its_own_axis_as_the_clip_draws_it(browser,
                                                                           tmp_path):
    """sparse-codes' L1 term ran in short dashes beside PCA's dashed line, told apart by
    color only: the page draws each term in the description's style (dash-dot, the clip's),
    never in PCA's dashes, in the term's color, under its axis title."""
    import matplotlib.pyplot as plt

    from aeviz.renderer.panels.terms import TermsAxis
    from aeviz.renderer.theme import THEMES

    run = example("sparse-codes", 4)
    page, expected = page_of([run], tmp_path / "sparse.html")
    record_text(browser)
    driver = open_page(browser, page)
    same_description(driver, expected)
    (term,) = expected["runs"][0]["terms"]
    assert term["name"] == "code_l1" and term["style"] == "-."
    # The clip draws the description's style too.
    figure, ax = plt.subplots()
    view = run_views([run], options_of([run], {}))[0]
    assert TermsAxis(ax, view, THEMES["light"]).lines[0].get_linestyle() == term["style"]
    plt.close(figure)
    js(driver, "aeviz.seek(aeviz.steps() - 1)")
    loss = js(driver, "aeviz.drawn('loss')")
    assert loss["termDashes"] == [6, 3, 1.5, 3]  # matplotlib's "-." (PCA's: [5, 4])
    assert colored_pixels(driver, ".panel.loss canvas", term["color"], 20) > 30
    titles = [t for t in page_texts(driver) if t["text"] == term["title"]]
    assert len(titles) == 1
    # Its numbers in its color, as its title (a gray "1" level with PCA's line was read as
    # PCA's value).
    right = titles[0]["box"][0] - 60  # the right axis's numbers, left of its title
    names = {f"{tick:g}" for tick in loss["termTicks"]}
    numbers = [t for t in page_texts(driver) if t["where"] == titles[0]["where"]
               and t["box"][0] > right and t["box"][3] < titles[0]["box"][3] + 60
               and t["text"] in names]
    assert numbers and all(t["color"] == titles[0]["color"] == term["color"].lower()
                           for t in numbers), (numbers, titles)


@pytest.mark.parametrize("name, epochs", [("vae-vs-ae-vae", 40), ("sparse-codes", 100)])
def test_the_terms_axis_stands_on_the_descriptions_limits_as_the_clips(browser, tmp_path,
                                                                       name, epochs):
    """A lecturer's look: the VAE run's page at 1280x800 numbered its KL axis 0, 5, 10 up to
    its top (12.7, the description's, the clip's too), the clip 0 to 4 (the KL peaks at
    3.39): the page's curve read as squashed. Now the page's terms axis runs from 0 to the
    description's terms_top, drawn and numbered over the terms' range only, with the clip's
    ticks (fitted_ticks) for the axis's height, at 640x400 and 1280x800."""
    from aeviz.renderer.panels.terms import fitted_ticks

    run = example(name, epochs)
    page, expected = page_of([run], tmp_path / f"{name}.html")
    (described,) = [p["loss"] for p in expected["panels"] if p["name"] == "loss"]
    largest = float(np.nanmax(run.terms))
    for size in ((640, 400), (680, 400), (1280, 800)):
        viewport(browser, *size)
        try:
            driver = open_page(browser, page)
            loss = js(driver, "aeviz.drawn('loss')")
        finally:
            viewport(browser, 1280, 900)
        assert loss["termsTop"] == described["terms_top"]
        ticks = fitted_ticks(largest, described["terms_top"], loss["box"][3], 10.5)
        assert loss["termTicks"] == pytest.approx(ticks), size
        # Numbered to the first round number at or above the largest term, not to the top.
        assert len(ticks) >= 2 and ticks[-2] < largest <= ticks[-1] < described["terms_top"]


@pytest.fixture(scope="module")
def vae_runs():
    return [example("vae-vs-ae-ae", 2), example("vae-vs-ae-vae", 2)]


def test_a_vae_draws_its_circles_ellipses_and_key(browser, vae_runs, tmp_path):
    vae = vae_runs[1]
    page, expected = page_of([vae], tmp_path / "vae.html")
    driver = open_page(browser, page)
    same_description(driver, expected)
    assert expected["panels"][0]["layers"][-2:] == ["ellipses", "circles"]  # on by default
    js(driver, "aeviz.seek(aeviz.steps() - 1)")
    code = js(driver, "aeviz.drawn('code', 0)")
    assert code["ellipses"] == MOST_ELLIPSES
    assert all(text in code["aside"] for text in KEY_TEXTS) and not code["keyInside"]
    # Turned off: circles only, the key names them alone.
    page, expected = page_of([vae], tmp_path / "vae-no.html", ellipses=False)
    driver = open_page(browser, page)
    same_description(driver, expected)
    code = js(driver, "aeviz.drawn('code', 0)")
    assert code["ellipses"] == 0 and KEY_TEXTS[0] in code["aside"]
    assert KEY_TEXTS[1] not in code["aside"]


def test_a_comparison_words_its_subtitle_and_tells_runs_apart(browser, vae_runs,
                                                              tmp_path):
    page, expected = page_of(vae_runs, tmp_path / "ab.html", labels=["plain AE", "VAE"],
                             panels=["code", "decoder", "loss"], scales="own")
    driver = open_page(browser, page)
    same_description(driver, expected)
    assert expected["detail_forms"]
    colors = js(driver, "Array.from(document.querySelectorAll('.panel.code h2 .title'),"
                        " (e) => getComputedStyle(e).color)")
    want = [run["color"] for run in expected["runs"]]
    assert colors == [f"rgb({int(c[1:3], 16)}, {int(c[3:5], 16)}, {int(c[5:7], 16)})"
                      for c in want]
    # The page's own reconstruction panels too, each in its run's color.
    assert js(driver, "Array.from(document.querySelectorAll('.panel.recon h2 .title'),"
                      " (e) => getComputedStyle(e).color)") == colors
    assert js(driver, "aeviz.drawn('loss')")["styles"] == ["-", "-."]
    for number, color in enumerate(want):  # each run's curve in its own color
        js(driver, "aeviz.seek(aeviz.steps() - 1)")
        assert colored_pixels(driver, ".panel.loss canvas", color, 20) > 20, number
    code = js(driver, "aeviz.drawn('code', 1)")
    assert all(text in code["aside"] for text in KEY_TEXTS) or code["keyInside"]


def test_a_fourth_run_is_not_dashed_like_pcas_line(browser, tiny_run_path, tmp_path):
    """Four runs: the page strokes four dash patterns, the fourth dash-dot-dot, none the
    dashes of PCA's line ([5, 4]) or matplotlib's dashed ([6, 4])."""
    page = aeviz.render([tiny_run_path] * 4, tmp_path / "four.html",
                        labels=["one", "two", "three", "four"], notify=lambda message: None)
    drawn = js(open_page(browser, page), "aeviz.drawn('loss')")
    assert drawn["styles"] == ["-", "-.", ":", "-.."]
    dashes = [tuple(d) for d in drawn["dashes"]]
    assert len(set(dashes)) == 4 and not {(5, 4), (6, 4)} & set(dashes)


@pytest.mark.parametrize("how, size", [("render", (640, 900)), ("batch", (640, 360)),
                                       ("batch", (655, 400))],
                         ids=["render-640x900", "batch-640x360", "batch-655x400"])
def test_at_640_px_the_mosaics_show_fewer_larger_digits_and_the_key_is_whole(
        browser, vae_runs, how, size, tmp_path):
    """A comparison's mosaics at 640 px: fewer images, each digit 20 px or more (README), as
    the clip draws them; the VAE's key whole (its short form, on two lines or wrapped between
    words in batch's narrow planes, where a lecturer saw "N(0,1): 1…")."""
    if how == "batch":
        page = tmp_path / "ab640.html"
        render(vae_runs, page, load_comparison(EXAMPLES / "vae-vs-ae.toml").options)
    else:
        page, _ = page_of(vae_runs, tmp_path / "ab640.html", labels=["plain AE", "VAE"])
    viewport(browser, *size)
    try:
        driver = open_page(browser, page)
        js(driver, "aeviz.seek(aeviz.steps() - 1)")
        mosaics = [js(driver, f"aeviz.drawn('decoder', {n})") for n in (0, 1)]
        code = js(driver, "aeviz.drawn('code', 1)")
        grids = [js(driver, f"aeviz.drawn('code', {n})")["gridSide"] for n in (0, 1)]
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    for mosaic, grid in zip(mosaics, grids):
        assert 3 <= mosaic["side"] < 15 and mosaic["imagePx"] >= 20, mosaic
        assert grid == mosaic["side"]  # the code plane's faint grid marks the images' codes
    shown = code["keyLines"] if code["keyInside"] else [code["aside"]]
    assert shown and not any("\u2026" in line for line in shown), code
    joined = "".join(shown).replace(" ", "")  # its words, however wrapped
    assert any(text.replace(" ", "") in joined for text in (KEY_TEXTS[0], SHORT_KEY_TEXTS[0]))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["sparse-codes", "digits", "too-high-learning-rate",
                                  "seed-default"])
def test_at_640_px_no_word_is_cut_where_a_short_form_exists(browser, name, tmp_path):
    """The pages a lecturer saw cut at 640x360 ("code la…", the page's title, "hover the
    code pl…"): the page's title wraps, a panel title gives way to its short form ("code")
    and the hover hint to a shorter one; no text on the page or its canvases ends cut."""
    run = example(name, 6)
    page = tmp_path / f"{name}.html"
    render([run], page, run.experiment.render)
    record_text(browser)
    viewport(browser, 640, 360)
    try:
        driver = open_page(browser, page)
        for step in (0, js(driver, "aeviz.steps() - 1")):
            js(driver, "aeviz.seek(arguments[0])", step)
            cut = [t["text"] for t in page_texts(driver) if "\u2026" in t["text"]]
            assert cut == [], (name, step)
            titles = js(driver, "Array.from(document.querySelectorAll('h1, .panel h2 .title'),"
                                " (e) => e.scrollWidth <= e.clientWidth + 1)")
            assert all(titles), (name, step, titles)
        if name == "sparse-codes":  # its readout, inside the plane: the title stays whole
            code = js(driver, "aeviz.drawn('code', 0)")
            assert code["readoutInside"] and code["readout"] and code["title"] == "code layer"
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("size", [(640, 360), (640, 400), (1280, 720)],
                         ids=["640x360", "640x400", "1280x720"])
def test_the_half_pipes_axis_triad_sits_off_the_data_and_the_key_names_the_faint_sheet(
        browser, size, tmp_path):
    """decoder-manifold's camera view: the x/y/z triad in the corner covering the fewest data
    points (at 640 px the fixed lower left one sat on them), and the key's entry for the
    faint sheet beyond the codes (the clip's "beyond the codes")."""
    run = example("decoder-manifold", 6)
    page = tmp_path / "manifold.html"
    render([run], page, run.experiment.render)
    viewport(browser, *size)
    try:
        driver = open_page(browser, page)
        js(driver, "aeviz.seek(aeviz.steps() - 1)")
        sheet = js(driver, "aeviz.drawn('decoder', 0)")
        code = js(driver, "aeviz.drawn('code', 0)")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    # the code plane keys the decoder's "+" grid points as clip and handout do (MARK_NAMES)
    assert code["aside"] in ("+ decoder's grid points", "+ grid points"), code["aside"]
    covered = sheet["triad"]["covered"]
    assert len(covered) == 8
    assert covered[sheet["triad"]["corner"]] == min(covered.values())
    assert covered[sheet["triad"]["corner"]] <= 0.01 * len(run.x), sheet["triad"]
    assert "beyond the codes" in sheet["key"] and "decoded grid" in sheet["key"]
    # the arrows' names ("z" sat on the box's top edge at 640x400): each, 10 px text, whole
    # inside the box with a few pixels to spare
    left, top, right, bottom = sheet["triad"]["box"]
    for x, y in sheet["triad"]["names"]:
        assert left + 8 <= x <= right - 8 and top + 8 <= y <= bottom - 8, sheet["triad"]


def test_a_diverging_run_keeps_its_blow_up_for_the_end(browser, tmp_path):
    run = example("too-high-learning-rate", 2)
    page, expected = page_of([run], tmp_path / "diverge.html")
    driver = open_page(browser, page)
    same_description(driver, expected)
    loss = expected["panels"][1]["loss"]
    assert loss["log"] and expected["scales"] == "follow"
    js(driver, "aeviz.seek(1)")
    early = js(driver, "aeviz.drawn('loss')")
    k = snapshot(driver)
    js(driver, "aeviz.seek(aeviz.steps() - 1)")
    late = js(driver, "aeviz.drawn('loss')")
    last = run.loss[len(run.loss) - 1]
    assert 10 ** early["ylim"][1] < 100 * max(run.loss[:k + 1])  # no axis to the blow-up yet
    assert 10 ** late["ylim"][1] >= last
    assert 10 ** late["ylim"][1] < 10 * last  # within a decade of 7.7e27 (it ran to 1e43)
    assert loss["values_left"] and not [r for r in loss["references"] if r["style"] == "--"]
    shown = f"{last:.4f}" if last < 10 else f"{last:.4g}"
    assert late["readouts"][0].startswith(f"RMSE {shown}")


def test_a_diverging_runs_reconstructions_stay_on_a_scale_that_follows_them(browser,
                                                                            tmp_path):
    """Found by a lecturer's look: at the end of the too-high-learning-rate page, the
    reconstruction panel showed one vertical line (outputs near 1e27, the axis still the
    data's -1 to 0.8). Under scales = "follow" its value axis grows with the outputs drawn so
    far, as the code plane's limits do: the data's range at the start, every output drawn
    within the axis at every step, and an axis that never shrinks."""
    run = example("too-high-learning-rate", 2)
    page, expected = page_of([run], tmp_path / "diverge.html")
    driver = open_page(browser, page)
    low, high = float(run.x.min()), float(run.x.max())
    last, limits = js(driver, "aeviz.steps() - 1"), []
    for step in range(last + 1):
        js(driver, "aeviz.seek(arguments[0])", step)
        drawn = js(driver, "aeviz.drawn('recon')")
        outputs = np.array(drawn["outputs"])
        assert outputs.size and np.isfinite(outputs).all(), step
        y0, y1 = drawn["ylim"]
        assert y0 <= outputs.min() and outputs.max() <= y1, (step, drawn["ylim"])
        limits.append((y0, y1))
    pad = 0.06 * (high - low)
    assert limits[0] == pytest.approx((low - pad, high + pad))  # as a fixed scale draws it
    assert all(a[0] >= b[0] and a[1] <= b[1] for a, b in zip(limits, limits[1:]))
    assert limits[-1][1] - limits[-1][0] > 1e20  # it followed the blow-up


def crosses(box, a, b) -> bool:
    """Whether the segment a-b passes through the rectangle box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    steps = np.linspace(0, 1, 200)[:, None]
    points = np.asarray(a) + steps * (np.asarray(b) - np.asarray(a))
    return bool(((points[:, 0] >= x0) & (points[:, 0] <= x1)
                 & (points[:, 1] >= y0) & (points[:, 1] <= y1)).any())


def test_pcas_line_is_drawn_over_a_curve_that_settles_on_it(browser, tmp_path):
    """As the clip's (test_lessons): iris's curve lies on PCA's error and hid its dashed
    line; the page draws the line over the curves each frame, in a halo of the background."""
    from aeviz.renderer.geometry import pca
    from aeviz.renderer.theme import THEMES

    run = example("iris", 200)
    page = aeviz.render(run, tmp_path / "iris.html", notify=lambda message: None)
    driver = open_page(browser, page)
    js(driver, "aeviz.seek(aeviz.steps() - 1)")
    loss = js(driver, "aeviz.drawn('loss')")
    left, top, w, h = loss["box"]
    (x0, x1), (y0, y1) = loss["xlim"], loss["ylim"]
    assert y0 >= 0  # (a linear axis: ylim in RMSE)
    y = top + (1 - (pca(run.x)[0] - y0) / (y1 - y0)) * h
    a, b = left + (50 - x0) / (x1 - x0) * w, left + (200 - x0) / (x1 - x0) * w - 8
    rows = np.array(js(driver, """(() => {
        const c = document.querySelector('.panel.loss canvas'), k = c.width / c.clientWidth;
        const [a, b, y] = [arguments[0], arguments[1], arguments[2]].map((v) => Math.round(v * k));
        const d = c.getContext('2d').getImageData(a, y - 2, b - a, 5).data;
        return Array.from(d); })()""", a, b, y)).reshape(5, -1, 4)[..., :3]
    line = ((np.ptp(rows, axis=2) < 30) & (rows.mean(axis=2) < 170)).mean(axis=1)
    accent = np.array([int(THEMES["light"].accent[i:i + 2], 16) for i in (1, 3, 5)])
    curve = (np.abs(rows - accent).sum(axis=2) < 60).mean(axis=1)
    best = int(np.argmax(line))
    assert line[best] > 0.5 and curve[best] < 0.4, (line, curve)


@pytest.mark.parametrize("width", [1280, 640])
def test_no_reference_label_is_crossed_by_a_curve(browser, width, tmp_path):
    """The sparse run's PCA label, among its RMSE and its penalty's curves (which hug the
    line): placed where neither crosses it, at a wide and a narrow window."""
    run = example("sparse-codes", 6)
    page = aeviz.render(run, tmp_path / "labels.html", notify=lambda message: None)
    viewport(browser, width, 900)  # (a window size is not seen under another test's override)
    try:
        driver = open_page(browser, page)
        js(driver, "aeviz.seek(aeviz.steps() - 1)")
        loss = js(driver, "aeviz.drawn('loss')")
    finally:
        viewport(browser, 1280, 900)
    left, top, w, h = loss["box"]
    (x0, x1), (y0, y1) = loss["xlim"], loss["ylim"]
    timeline = run_views([run], options_of([run], {}))[0].timeline
    px = left + (timeline - x0) / (x1 - x0) * w
    curves = [top + (1 - (run.loss - y0) / (y1 - y0)) * h]
    curves += [top + (1 - run.terms[:, n] / loss["termsTop"]) * h
               for n in range(run.terms.shape[1])]
    assert loss["labels"], "the PCA line is labelled"
    for label in loss["labels"]:
        for ys in curves:
            for i in range(1, len(px)):
                assert not crosses(label["box"], (px[i - 1], ys[i - 1]), (px[i], ys[i])), \
                    (label, i)


@pytest.mark.slow
@pytest.mark.parametrize("how, size", [("batch", (1280, 720)), ("batch", (640, 360)),
                                       ("render", (640, 360)), ("render", (655, 360))],
                         ids=["batch-1280x720", "batch-640x360", "render-640x360",
                              "render-655x360"])
def test_the_optimizers_pca_label_sits_beside_its_line_clear_of_every_curve(browser, how, size,
                                                                           tmp_path):
    """The optimizers comparison, trained in full (SGD's curve hugs the PCA
    line from above only after many epochs), as batch draws it and as `aeviz render` draws the
    four runs (default panels), in a 1280x720 and a 640x360 window (and 655 px: with its
    scrollbar, the 640 px of a window whose scrollbar takes no room, where a lecturer saw the
    label lifted to 0.13 over a line at 0.0845): the label
    just above or below its line (at most 14 px off, a lifted label's foot), never lifted to
    another level, with no run's curve between it and its line (SGD's above it at 640x360:
    there a key under the plot, as the clip's), and crossed by no run's curve."""
    comparison = load_comparison(EXAMPLES / "optimizers.toml")
    runs = [train(load_experiment(EXAMPLES / f"{name}.toml")) for name in comparison.compare.runs]
    page = tmp_path / "optimizers.html"
    options = comparison.options if how == "batch" else options_of(runs, {})
    render(runs, page, options)
    viewport(browser, *size)
    try:
        driver = open_page(browser, page)
        js(driver, "aeviz.seek(aeviz.steps() - 1)")
        loss = js(driver, "aeviz.drawn('loss')")
        references = js(driver, "aeviz.description().find((p) => p.name === 'loss').loss"
                                ".references")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    left, top, w, h = loss["box"]
    (x0, x1), (y0, y1) = loss["xlim"], loss["ylim"]
    line = top + (1 - (references[0]["level"] - y0) / (y1 - y0)) * h
    assert len(loss["labels"]) == 1, loss["labels"]
    box = loss["labels"][0]["box"]
    if not loss["labels"][0]["key"]:
        assert line - 14.5 <= box[3] and box[1] <= line + 2.5, (box, line)
    timeline = run_views(runs, options)[0].timeline
    px = left + (timeline - x0) / (x1 - x0) * w
    label_with_no_curve_between(loss, line, [(px, top + (1 - (run.loss - y0) / (y1 - y0)) * h)
                                             for run in runs])
    for run in runs:
        ys = top + (1 - (run.loss - y0) / (y1 - y0)) * h
        for i in range(1, len(px)):
            assert not crosses(box, (px[i - 1], ys[i - 1]), (px[i], ys[i])), (run, i)


@pytest.mark.slow
def test_the_optimizers_planes_name_their_runs_alike_in_every_window(browser, tmp_path):
    """A lecturer at 640x400: the four plane titles read "SGD (lr 0.1)", "Momentum",
    "RMSProp", "Adam (lr 0.005)": two runs seemed to have no rate. The runs' planes give way
    to their short names all together or not at all; at 1280x800 each in full."""
    comparison = load_comparison(EXAMPLES / "optimizers.toml")
    runs = [train(load_experiment(EXAMPLES / f"{name}.toml")) for name in comparison.compare.runs]
    page = tmp_path / "optimizers.html"
    render(runs, page, comparison.options)
    full = ["SGD (lr 0.1)", "Momentum (lr 0.1)", "RMSProp (lr 0.005)", "Adam (lr 0.005)"]
    short = [name.split(" (")[0] for name in full]
    titles, whole = {}, {}
    for size in ((640, 400), (680, 400), (1280, 800)):
        viewport(browser, *size)
        try:
            driver = open_page(browser, page)
            titles[size] = [js(driver, f"aeviz.drawn('code', {n}).title") for n in range(4)]
            whole[size] = js(driver, """[...document.querySelectorAll(
                '#panels > figure.panel.code h2 .title')].every(
                (t) => t.scrollWidth <= t.clientWidth)""")
        finally:
            browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert titles[(1280, 800)] == full
    assert titles[(640, 400)] in (full, short), titles
    # (fitted once at an earlier width, two were cut at 661 to 695 px: "Momentum (lr 0…")
    assert titles[(680, 400)] in (full, short), titles
    assert whole[(680, 400)] and whole[(640, 400)], whole


# Of the PCA rings with no other ring or dot near, how many show their edge at all four
# compass points (a pixel at or just beyond its radius 20 levels darker than the plane's
# background: a ring at the clip's GHOST_ALPHA, 0.45 of the muted gray's 162 levels, split
# over two pixels), and how many there are: [seen, isolated]. A dot well inside a ring leaves
# it isolated (the codes on PCA's projection); one on its edge does not.
RINGS_SEEN = """(() => {
  const state = aeviz.drawn('code', 0), canvas = document.querySelector('.panel.code canvas');
  const rect = canvas.getBoundingClientRect(), ring = state.ringRadius, dot = state.dotRadius;
  const image = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const level = (x, y) => { const i = 4 * (y * image.width + x), d = image.data;
    return (d[i] + d[i + 1] + d[i + 2]) / 3; };
  const background = level(2, 2);
  const local = (p) => p && [p[0] - rect.left, p[1] - rect.top];
  const rings = state.ghost.map((c) => local(aeviz.codeAt(0, c)));
  const dots = state.ghost.map((c, i) => local(aeviz.pointAt(0, i)));
  const near = (a, b, reach) => b && Math.hypot(a[0] - b[0], a[1] - b[1]) < reach;
  let seen = 0, isolated = 0;
  rings.forEach((center, i) => {
    if (rings.some((other, j) => j !== i && near(center, other, 2 * ring + 2))) return;
    const onEdge = (other) => near(center, other, ring + dot + 2)
      && !near(center, other, ring - dot - 1);
    if (dots.some(onEdge)) return;
    isolated += 1;
    // At the ring's radius, or a pixel further out (never on the dot inside it).
    const darkest = (ux, uy) => Math.max(...[0, 1].map((out) => background - level(
      Math.floor(center[0] + ux * (ring + out)), Math.floor(center[1] + uy * (ring + out)))));
    if ([[1, 0], [-1, 0], [0, 1], [0, -1]].every(([ux, uy]) => darkest(ux, uy) >= 20)) seen += 1;
  });
  return [seen, isolated];
})();"""


def test_a_linear_run_draws_pcas_ghost_fitted_onto_its_codes(browser, tmp_path):
    """linear-vs-pca's lesson (its caption's rings): PCA's projection, fitted onto each
    snapshot's codes by the least-squares affine map, as the clip fits it."""
    from aeviz.renderer.geometry import affine_fit

    run = example("linear-vs-pca", 6)
    page, expected = page_of([run], tmp_path / "linear.html")
    driver = open_page(browser, page)
    same_description(driver, expected)
    assert "ghost" in expected["panels"][0]["layers"]
    view = run_views([run], options_of([run], {}))[0]
    for step in (0, js(driver, "aeviz.steps()") - 1):
        js(driver, "aeviz.seek(arguments[0])", step)
        k = snapshot(driver)
        drawn = np.asarray(js(driver, "aeviz.drawn('code', 0)")["ghost"], float)
        want = affine_fit(view.pca[1], np.asarray(view.codes[k], float))
        span = np.ptp(np.asarray(view.codes[k], float), axis=0)
        # The page fits onto its 16-bit codes: within a thousandth of the codes' spread.
        assert drawn.shape == want.shape == (len(run.x), 2)
        assert np.all(np.abs(drawn - want).max(axis=0) <= 1e-3 * span)
        # The rings are seen once the codes sit on them (the caption's "(the rings)"): wider
        # than a dot by more than their line, and each ring clear of other rings and dots
        # shows its edge on the canvas all round.
        state = js(driver, "aeviz.drawn('code', 0)")
        assert state["ringRadius"] >= state["dotRadius"] + 1
        seen, isolated = js(driver, RINGS_SEEN)
        assert isolated >= 5 and seen >= 0.95 * isolated, (seen, isolated)
    # Without the option: no ghost.
    page, _ = page_of([run], tmp_path / "plain.html", pca_ghost=False)
    driver = open_page(browser, page)
    assert js(driver, "aeviz.drawn('code', 0)")["ghost"] is None


class _PagePixels:
    """Stands for a clip's axes in ghost_colors: the page's canvas pixels as display
    coordinates, its plane's box as the axes' box, a dpi at which a ring is as wide in
    pixels as the page's."""

    def __init__(self, box, ring_px):
        from matplotlib.transforms import Bbox, IdentityTransform
        left, top, width, height = box
        self.transData = IdentityTransform()
        self.bbox = Bbox([[left, top], [left + width, top + height]])
        self.dpi = ring_px * 72 / GHOST_RING_PT

    def get_figure(self):
        return self


def test_pcas_rings_fade_where_they_pile_up_as_the_clips_do(browser, tmp_path):
    """Found by a lecturer's look: linear-vs-pca's page drew its 100 rings of cluster 4 at
    epoch 0 as one solid dark-grey blob (a fifth class), and a heavy ring round every code at
    the end: one path at 0.6. Each ring now has the clip's opacity (GHOST_ALPHA, divided past
    GHOST_PILE rings around it: ghost_colors), counted on the page's own pixels."""
    run = example("linear-vs-pca", 6)
    page, _ = page_of([run], tmp_path / "linear.html")
    for size in ((640, 400), (680, 400), (1280, 800)):
        viewport(browser, *size)
        try:
            driver = open_page(browser, page)
            _rings_as_the_clips(driver, len(run.x))
        finally:
            browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def _rings_as_the_clips(driver, n: int) -> None:
    """At the first step and the last, each ring's opacity on the page is ghost_colors' on the
    page's pixels; at the first, cluster 4's pile faded."""
    from aeviz.renderer.theme import THEMES

    for step in (0, js(driver, "aeviz.steps()") - 1):
        js(driver, "aeviz.seek(arguments[0])", step)
        state = js(driver, "aeviz.drawn('code', 0)")
        centers = np.asarray(driver.execute_script("""const s = aeviz.drawn('code', 0),
            rect = document.querySelector('.panel.code canvas').getBoundingClientRect();
            return s.ghost.map((c) => { const p = aeviz.codeAt(0, c);
              return [p[0] - rect.left, p[1] - rect.top]; });"""), float)
        alphas = np.asarray(state["ghostAlphas"], float)
        clip = _PagePixels(state["box"], 2 * state["ringRadius"])
        want = ghost_colors(clip, centers, next(iter(THEMES.values())))[:, 3]
        assert alphas.shape == want.shape == (n,)
        assert np.allclose(alphas, want), np.abs(alphas - want).max()
        assert alphas.max() == GHOST_ALPHA
        if step == 0:  # cluster 4's pile: faded, its ink that of about GHOST_PILE rings
            assert alphas.min() <= GHOST_ALPHA * GHOST_PILE / 20, alphas.min()


def test_a_diverging_runs_weights_title_keeps_one_form_for_the_whole_run(browser, tmp_path):
    """Found by a lecturer's look: the too-high-learning-rate page's weights title read
    "|w| up to" at the start and "|w| ≤" at the end (the reach grew from 2 to 1e20). One
    form for the run, whole at its first step and its last, at each width."""
    run = example("too-high-learning-rate", 2)
    page, _ = page_of([run], tmp_path / "diverge.html")
    forms = set()
    try:
        for width, height in ((640, 400), (720, 450), (800, 500), (1024, 600), (1280, 800)):
            viewport(browser, width, height)
            driver = open_page(browser, page)
            seen = set()
            for step in (0, js(driver, "aeviz.steps() - 1")):
                js(driver, "aeviz.seek(arguments[0])", step)
                title = js(driver, "aeviz.drawn('weights')")["title"]
                seen.add(title.rsplit(" ", 1)[0])
                whole = js(driver, "Array.from(document.querySelectorAll('.panel h2 .title'),"
                                   " (e) => [e.textContent, e.scrollWidth <= e.clientWidth])")
                assert [t for t, fits in whole if t == title] == [title], (width, title)
                assert all(fits for t, fits in whole if t == title), (width, title)
            assert len(seen) == 1, (width, seen)
            forms |= seen
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert all(form.endswith(("|w| up to", "|w| \u2264")) for form in forms), forms


@pytest.mark.parametrize("size", [(640, 400), (1280, 800)], ids=["640x400", "1280x800"])
def test_loss_end_dots_at_one_place_read_as_two_runs(browser, size, tmp_path):
    """activations at the end: identity's dot hid under sigmoid's on the page; then a nested
    dot read as one ring. As the clip draws them (panels/loss.py end_dot_looks): two runs
    ending at one place are the halves of one larger dot, the first run's left, the second's
    right, each only in its run's color."""
    from aeviz.renderer.panels.loss import MARKER_PT, SPLIT_PT

    run = example("seed-default", 2)
    page = aeviz.render([run, run], tmp_path / "twins.html", labels=["first", "second"],
                        notify=lambda message: None)
    viewport(browser, *size)
    try:
        driver = open_page(browser, page)
        js(driver, "aeviz.seek(aeviz.steps() - 1)")
        first, second = js(driver, "aeviz.drawn('loss')")["dots"]
        assert (first["x"], first["y"]) == (second["x"], second["y"])
        assert (first["fill"], second["fill"]) == ("left", "right")
        assert first["radius"] == second["radius"] == pytest.approx(4 * SPLIT_PT / MARKER_PT)
        assert first["color"] != second["color"]
        # per color: its pixels left and right of the centre, within the dot
        counts = js(driver, """(() => {
            const c = document.querySelector('.panel.loss canvas');
            const r = window.devicePixelRatio || 1;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const [x, y, radius, colors] = arguments;
            return colors.map((hex) => {
              const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
              let left = 0, right = 0;
              for (let dy = -8; dy <= 8; dy++) for (let dx = -8; dx <= 8; dx++) {
                const px = Math.round(x * r) + dx, py = Math.round(y * r) + dy;
                const i = 4 * (py * c.width + px);
                if (Math.hypot(dx, dy) / r > radius - 1) continue;
                if (![0, 1, 2].every((k) => Math.abs(d[i + k] - rgb[k]) <= 40)) continue;
                if (dx / r <= -1.5) left++;
                if (dx / r >= 1.5) right++;
              }
              return [left, right];
            }); })()""", first["x"], first["y"], first["radius"],
                    [first["color"], second["color"]])
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    (first_left, first_right), (second_left, second_right) = counts
    assert first_left >= 6 and second_right >= 6, counts
    assert first_right == 0 and second_left == 0, counts


def test_four_runs_end_dots_at_one_place_all_show(browser, tmp_path):
    """Four runs ending at one place (the optimizers share their start): a fourth dot nested
    in the third hid it. As the clip draws them: the first two the halves of one dot, the
    third and fourth the halves of a smaller one inside."""
    from aeviz.renderer.panels.loss import MARKER_PT, NESTED_SHARE, SPLIT_PT

    run = example("seed-default", 2)
    page = aeviz.render([run] * 4, tmp_path / "four.html", labels=["a", "b", "c", "d"],
                        notify=lambda message: None)
    viewport(browser, 1280, 800)
    try:
        driver = open_page(browser, page)
        js(driver, "aeviz.seek(0)")
        dots = js(driver, "aeviz.drawn('loss')")["dots"]
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    split = SPLIT_PT / MARKER_PT
    assert [d["fill"] for d in dots] == ["left", "right", "left", "right"]
    assert [d["radius"] for d in dots] == pytest.approx(
        [4 * split, 4 * split, NESTED_SHARE * 4 * split, NESTED_SHARE * 4 * split])


@pytest.mark.parametrize("name", ["too-high-learning-rate", "vae-vs-ae-vae"])
def test_the_pages_weight_graph_stands_as_the_clips(browser, tmp_path, name):
    """Found by a lecturer's look: the page drew each layer's neurons upside down against the
    clip (the clip's neuron 0 on top, the page's at the bottom: the strongest edge top to top
    in one, bottom to bottom in the other). Neuron 0 on top in both; a VAE's log-variances
    below its means, as the clip draws them."""
    from aeviz.renderer.panels.weights import WeightPanel
    from aeviz.renderer.scene import Scene

    run, panels = example(name, 2), ("code", "loss", "weights")
    page, _ = page_of([run], tmp_path / "page.html", panels=panels)
    drawn = js(open_page(browser, page), "aeviz.drawn('weights')")
    options = options_of([run], {"panels": panels})
    views = run_views([run], options)
    scene = Scene(views, options, (0.0, float(views[0].timeline[-1])))
    clip = next(panel for panel, _ in scene.panels if isinstance(panel, WeightPanel))
    for page_layer, clip_layer in zip(drawn["positions"], clip.positions):
        page_y = [y for _, y in page_layer]  # canvas: down is larger
        assert page_y == sorted(page_y) and list(clip_layer[:, 1]) == sorted(
            clip_layer[:, 1], reverse=True)  # matplotlib: up is larger
    if drawn["logvar"]:
        code = run.code_layer
        assert min(y for _, y in drawn["logvar"]) > max(y for _, y in drawn["positions"][code])
        assert clip.logvar_positions[:, 1].max() < clip.positions[code][:, 1].min()


@pytest.mark.parametrize("size", [(640, 400), (1280, 800)], ids=["640x400", "1280x800"])
def test_the_weight_graph_names_a_vaes_halves_and_arrows_weights_beyond_its_scale(
        browser, tmp_path, size):
    """Found by a lecturer's look: a VAE's page drew its code layer's "μ" and "log σ²" under
    the edges (hidden by them), where the clip boxes them over the edges; and the page's color
    bar ended at ±limit while weights reached past it, where the clip's ends in arrows. Both
    named, on boxes no edge crosses, and the arrows where the clip has them (its own test on
    the whole run), none on a scale that follows the values."""
    from aeviz.renderer.views import weight_magnitudes
    from tests.test_page_text import problems

    run, panels = example("vae-vs-ae-vae", 2), ("code", "loss", "weights")
    page, expected = page_of([run], tmp_path / "page.html", panels=panels)
    limit = next(p for p in expected["panels"] if p["name"] == "weights")["colors"]["limit"]
    beyond = weight_magnitudes(run_views([run], options_of([run], {"panels": panels})))[2] > limit
    assert beyond  # the 99.5th percentile's scale: the largest weight lies past it
    record_text(browser)
    viewport(browser, *size)
    try:
        driver = open_page(browser, page)
        drawn = js(driver, "aeviz.drawn('weights')")
        assert drawn["halves"] == ["\u03bc", "log \u03c3\u00b2"]
        assert len(drawn["arrows"]) == 2
        texts = [t["text"] for t in page_texts(driver)]
        assert "\u03bc" in texts and "log \u03c3\u00b2" in texts
        assert problems(driver) == [], size
        following, _ = page_of([run], tmp_path / "follow.html", panels=panels, scales="follow")
        assert js(open_page(browser, following), "aeviz.drawn('weights')")["arrows"] == []
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def last_loss(browser, page: Path, size: tuple[int, int]) -> tuple[dict, dict]:
    """The page's loss panel as drawn at its last step in a `size` window, and the
    description's loss limits it was drawn on."""
    viewport(browser, *size)
    try:
        driver = open_page(browser, page)
        js(driver, "aeviz.seek(aeviz.steps() - 1)")
        return (js(driver, "aeviz.drawn('loss')"),
                js(driver, "aeviz.description().find((p) => p.name === 'loss').loss"))
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def loss_pixels(loss: dict, limits: dict):
    """The drawn loss plot's pixels: (column of an epoch, row of a loss), numpy-wise."""
    left, top, w, h = loss["box"]
    (x0, x1), (y0, y1) = loss["xlim"], loss["ylim"]
    f = np.log10 if limits["log"] else (lambda v: v)
    return (lambda epoch: left + (epoch - x0) / (x1 - x0) * w,
            lambda value: top + (1 - (f(value) - y0) / (y1 - y0)) * h)


def label_with_no_curve_between(loss: dict, line: float, curves: list) -> None:
    """Each of the loss panel's reference labels (one line, at pixel row `line`): beside its
    line with no curve (pixel rows `curves`, each (xs, ys)) between the two, a curve within
    2 px of the line running along it (the clip's _between), or a key under the plot."""
    left, top, w, h = loss["box"]
    for label in loss["labels"]:
        x0, y0, x1, y1 = label["box"]
        if label.get("under"):
            assert label["key"] and y0 > top + h, label  # under the plot: no line to misname
            # and 2.5 ems (25 px) from the axis's title, "epoch" (about 12 px either side of
            # the plot's middle): 10 px on, "PCA: 0.0845 epoch" read as one phrase
            middle = left + w / 2
            assert x1 <= middle - 12 - 25 or x0 >= middle + 12 + 25, (label, middle)
            continue
        low, high = (y1, line - 2) if y1 <= line else (line + 2, y0)
        for xs, ys in curves:
            dense = np.linspace(x0, x1, 200)
            rows = np.interp(dense, xs, ys)
            assert not ((rows > low) & (rows < high)).any(), (label, line)


@pytest.mark.slow
@pytest.mark.parametrize("size", [(1280, 800), (640, 400)], ids=["1280x800", "640x400"])
def test_the_activations_pca_label_has_no_curve_between_it_and_its_line(browser, size,
                                                                        tmp_path):
    """The activations comparison, trained in full: identity's curve (0.0847) runs along
    PCA's line (0.0845), sigmoid's (0.0874) just above it; the label "PCA, 2 components:
    0.0845" sat above sigmoid's curve, naming it (a lecturer at 640x400 and 1280x800). Its
    label is where no curve parts it from its line, or a key under the plot."""
    comparison = load_comparison(EXAMPLES / "activations.toml")
    runs = [train(load_experiment(EXAMPLES / f"{name}.toml")) for name in comparison.compare.runs]
    page = tmp_path / "activations.html"
    render(runs, page, comparison.options)
    loss, limits = last_loss(browser, page, size)
    column, row = loss_pixels(loss, limits)
    px = column(run_views(runs, comparison.options)[0].timeline)
    assert loss["labels"], "the PCA line is labelled"
    label_with_no_curve_between(loss, row(limits["references"][0]["level"]),
                                [(px, row(run.loss)) for run in runs])


@pytest.mark.slow
def test_a_single_runs_pca_key_under_the_plot_stands_apart_from_the_axis_title(browser,
                                                                             tmp_path):
    """activations-sigmoid's page at 640x400 (a lecturer): its curve just above PCA's line
    leaves the label no place by the line, so it is a key under the plot; drawn 10 px left of
    "epoch" it read "PCA: 0.0845 epoch". Now 2.5 ems apart."""
    run = train(load_experiment(EXAMPLES / "activations-sigmoid.toml"))
    page = tmp_path / "sigmoid.html"
    render([run], page, run.experiment.render)
    loss, _ = last_loss(browser, page, (640, 400))
    left, top, w, h = loss["box"]
    (label,) = loss["labels"]
    assert label["key"], label  # no place by its line
    if label.get("under"):  # (else a key inside the plot, where no curve is)
        middle = left + w / 2  # "epoch", about 12 px either side
        assert label["box"][2] <= middle - 12 - 25 or label["box"][0] >= middle + 12 + 25, label


@pytest.fixture(scope="module")
def pca_lessons() -> dict:
    """The runs whose pages draw PCA's line where a curve runs over it, trained in full, and
    their options: activations-sigmoid (its curve 0.2 px over the line at 640 px),
    linear-vs-pca and the activations comparison (identity's curve on the line), seed-default."""
    single = {name: train(load_experiment(EXAMPLES / f"{name}.toml"))
              for name in ("activations-identity", "activations-sigmoid", "activations-tanh",
                           "linear-vs-pca", "seed-default")}
    comparison = load_comparison(EXAMPLES / "activations.toml")
    lessons = {name: ([single[name]], single[name].experiment.render)
               for name in ("activations-sigmoid", "linear-vs-pca", "seed-default")}
    lessons["activations"] = ([single[name] for name in comparison.compare.runs],
                              comparison.options)
    return lessons


@pytest.mark.slow
@pytest.mark.parametrize("size", [(1280, 800), (640, 400)], ids=["1280x800", "640x400"])
def test_a_bare_pca_label_stands_where_its_line_is_seen(browser, pca_lessons, size, tmp_path):
    """Found by a lecturer's look (the clip's twin, test_lessons): over a curve drawn on
    PCA's line (sigmoid's 0.0874 over 0.0845, identity's 0.0847), "PCA, 2 components:
    0.0845" read as the curve's name. A label with no sample of its line (PCA's, the stop
    threshold's) stands only where no curve comes within 2 px (HUG) of its line under its
    width; else it is a key."""
    for name, (runs, options) in pca_lessons.items():
        page = tmp_path / f"{name}.html"
        render(runs, page, options)
        loss, limits = last_loss(browser, page, size)
        column, row = loss_pixels(loss, limits)
        px = column(run_views(runs, options)[0].timeline)
        assert loss["labels"], (name, "the PCA line is labelled")
        for label in loss["labels"]:
            if label["key"]:  # a sample of the line names it, wherever it stands
                continue
            (level,) = [ref["level"] for ref in limits["references"]
                        if label["text"] in ref["texts"]]
            line = row(level)
            dense = np.linspace(label["box"][0], label["box"][2], 200)
            for run in runs:
                rows = np.interp(dense, px, row(run.loss))
                assert not (np.abs(rows - line) <= 2).any(), (name, label, line)


def test_a_title_line_key_keeps_room_from_the_next_panels_title(browser, vae_runs, tmp_path):
    """vae-vs-ae at 1280x800 (as batch draws it): the code planes' keys on their title lines
    ran into the next panel's title, 14 px on ("...codes' σ VAE", "+ decoder's grid points
    plain AE", a lecturer): each key at least two of the title's ems (15 px) before it."""
    page = tmp_path / "ab.html"
    render(vae_runs, page, load_comparison(EXAMPLES / "vae-vs-ae.toml").options)
    viewport(browser, 1280, 800)
    try:
        driver = open_page(browser, page)
        rects = js(driver, """[...document.querySelectorAll('.panel h2')].map((h) => {
            const [t, a] = [h.querySelector('.title'), h.querySelector('.aside')];
            const r = (e) => {
                const b = e.getBoundingClientRect(); return [b.left, b.top, b.right]; };
            return { title: r(t), aside: a.textContent ? r(a) : null }; })""")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    asides = [r["aside"] for r in rects if r["aside"]]
    assert len(asides) >= 2, rects  # both planes keyed on their title lines
    for _, top, right in asides:
        after = [r["title"][0] for r in rects
                 if abs(r["title"][1] - top) < 8 and r["title"][0] >= right]
        assert not after or min(after) - right >= 30, (right, after)


@pytest.mark.parametrize("size", [(640, 400), (1280, 800)], ids=["640x400", "1280x800"])
def test_a_flat_decoder_sheet_is_cut_to_what_it_shows(browser, denoising, tmp_path, size):
    """denoising's plane spanned y -1.6..1.6 around data, decoded grid and noisy inputs in
    -0.85..1.0 (1280x800, and denoising-vs-plain's planes); at 640x400, where the window's
    height limits the plane (243x87 px), x ran -2.8..2.8 around data in -1.5..1.5. As the
    clip's, the box takes the shape of the description's limits at equal scales (never
    flatter than two to one), narrower and centred in its slot where the height limits it:
    neither axis shows more than its limits (or than a two-to-one box needs); the data,
    the noisy inputs and their outputs inside it at every step; a comparison's planes
    level (one key in two rows at 640x400). A lecturer at 640x400: the denoising page's
    plane, 142x87 px under a key of two rows, was too small to see the decoded grid where
    the codes are: a single run's key stands beside its plane there (the loss narrower, at
    least 240 px), the plane 170x104 px or more."""
    plain = example("denoising-plain", 4)
    # As batch draws them: the header and caption leave the planes the room they have there.
    alone = load_experiment(EXAMPLES / "denoising.toml")
    compared = load_comparison(EXAMPLES / "denoising-vs-plain.toml").options
    viewport(browser, *size)
    try:
        for runs, title, caption in (([denoising], alone.title, alone.render.caption),
                                     ([denoising, plain], compared.title, compared.caption)):
            page, expected = page_of(runs, tmp_path / f"sheets{len(runs)}.html",
                                     title=title, caption=caption)
            driver = open_page(browser, page)
            tops = set()
            sheets = [p for p in expected["panels"] if p["name"] == "decoder"]
            views = run_views(runs, options_of(runs, {}))
            span = (0.0, float(max(v.timeline[-1] for v in views)))
            grids = [p.decoder for p in describe(views, options_of(runs, {}), span).panels
                     if p.name == "decoder"]
            for n, spec in enumerate(sheets):
                sheet = js(driver, f"aeviz.drawn('decoder', {n})")
                left, top, width, height = sheet["box"]
                tops.add(top)
                x, y = spec["decoder"]["x"], spec["decoder"]["y"]
                (x0, x1), (y0, y1) = sheet["xlim"], sheet["ylim"]
                shape = min(1, max((y[1] - y[0]) / (x[1] - x[0]), 0.5))
                assert abs(height / width - shape) <= 0.02 * shape + 1 / width, (size, n, sheet)
                assert x1 - x0 <= max(x[1] - x[0], y[1] - y[0]) * 1.02, (size, n, (x0, x1), x)
                assert y1 - y0 <= max(y[1] - y[0], (x[1] - x[0]) / 2) * 1.02, (size, n, (y0, y1), y)
                assert x0 <= x[0] + 1e-9 and x1 >= x[1] - 1e-9, (size, n, (x0, x1), x)
                assert y0 <= y[0] + 1e-9 and y1 >= y[1] - 1e-9, (size, n, (y0, y1), y)
                # centred in its slot (the canvas less the y axis's margin, 46 px, and 10 right)
                canvas = js(driver, "document.querySelectorAll('.panel.decoder canvas')"
                                    f"[{n}].getBoundingClientRect().toJSON()")
                slot = canvas["width"] - 46 - 10
                # (a single run's key beside its plane at 640x400: the two centred together)
                key = sheet.get("keyBox")
                together = width if key is None else key[0] + key[2] - left
                assert abs(left - 46 - (slot - together) / 2) <= 1, (size, n, sheet, slot)
                if len(runs) == 1 and size == (640, 400):
                    # The lecturer's look: 142x87 px under a two-row key, where the plain
                    # run's page has 236x120: the key beside the plane, on its right (its
                    # column no taller than the plane), and the plane larger.
                    assert key is not None, sheet
                    assert key[0] >= left + width + 4 and key[0] + key[2] <= canvas["width"], sheet
                    assert top <= key[1] and key[1] + key[3] <= top + height, sheet
                    assert width >= 170 and height >= 104, sheet
                    loss = js(driver, "document.querySelector('.panel.loss canvas')"
                                      ".getBoundingClientRect().width")
                    assert loss >= 240, loss  # the loss beside it keeps MAIN_WIDTH
                noisy = noisy_inputs(views[spec["run"]], grids[n])
                inside = [runs[spec["run"]].x] + ([] if noisy is None else [noisy])
                for step in (0, js(driver, "aeviz.steps()") // 2, js(driver, "aeviz.steps()") - 1):
                    js(driver, "aeviz.seek(arguments[0])", step)
                    links = js(driver, f"aeviz.drawn('decoder', {n})")["links"]
                    for points in inside + ([np.asarray(links)] if links else []):
                        points = np.asarray(points, float)
                        us, vs = points[:, 0], points[:, 1]
                        assert (us >= x0).all() and (us <= x1).all(), (size, n, step)
                        assert (vs >= y0).all() and (vs <= y1).all(), (size, n, step)
            assert len(tops) == 1, (size, tops)  # a comparison's planes level, whatever their keys
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@pytest.mark.parametrize("width", [640, 655])
def test_a_title_beside_its_key_stays_whole(browser, vae_runs, width, tmp_path):
    """The VAE's code plane at 640 px (and 655: its scrollbar's): the title one pixel wider
    than its room beside the key showed "code la…" (the key was weighed with a pixel's
    slack): every panel's title whole, its key the short form or inside the plane."""
    page, _ = page_of([vae_runs[1]], tmp_path / "vae.html")
    viewport(browser, width, 400)
    try:
        driver = open_page(browser, page)
        titles = js(driver, """[...document.querySelectorAll('.panel h2 .title')].map(
            (t) => [t.textContent, t.scrollWidth, t.clientWidth])""")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert titles and all(scroll <= client for _, scroll, client in titles), titles
