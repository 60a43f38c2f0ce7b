"""The .html page driven in a real browser: Debian's chromium and chromium-driver, headless,
through Selenium pointed at /usr/bin/chromedriver (nothing is downloaded). Skipped, with the
reason, where either is missing."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest

import aeviz
from aeviz.renderer.page import pack
from aeviz.training.model import forward
from aeviz.trajectory import load
from tests.browser import chromium_driver, js, open_page  # noqa: F401 (a fixture)
from tests.conftest import tiny_text
from tests.helpers import big_run, wait_until

pytestmark = pytest.mark.slow  # a real browser, started once per module and per test process


def mouse(driver, x: float, y: float, kind: str = "mouseMoved"):
    driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y})


def tolerance(driver_run: dict) -> np.ndarray:
    limits = np.array(driver_run["axes"]["limits"])
    return (limits[:, 1] - limits[:, 0]) / (2 * pack.QUANT) / 2 + 1e-7


def page_run(page: Path, number: int = 0) -> dict:
    from tests.helpers import page_data

    return page_data(page)["runs"][number]


def shown_codes(driver, run: int = 0) -> np.ndarray:
    codes = js(driver, "aeviz.codes(arguments[0])", run)
    return np.array([c if c is not None else [np.nan, np.nan] for c in codes], float)


def loneliest(codes: np.ndarray, candidates) -> int:
    """The candidate sample farthest from every other point: pointing at it is unambiguous."""
    gaps = np.linalg.norm(codes[:, None] - codes[None], axis=-1)
    np.fill_diagonal(gaps, np.inf)
    candidates = list(candidates)
    return int(candidates[int(np.argmax(gaps[candidates].min(axis=1)))])


def as64(arrays):
    return [a.astype(np.float64) for a in arrays]


@pytest.fixture(scope="module")
def tiny_page(tiny_run_path, tmp_path_factory) -> Path:
    return aeviz.render(tiny_run_path, tmp_path_factory.mktemp("page") / "tiny.html",
                        notify=lambda message: None)


def test_keys_and_slider_move_to_the_right_snapshot(browser, tiny_page, tiny_run_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    run, driver = load(tiny_run_path), open_page(browser, tiny_page)
    limit = tolerance(page_run(tiny_page))

    def check(index: int):
        assert js(driver, "aeviz.current()")["index"] == index
        assert js(driver, "aeviz.current()")["epoch"] == int(run.epoch[index])
        assert driver.find_element(By.ID, "counter").text == run.moment(index)
        assert np.all(np.abs(shown_codes(driver) - run.codes[index]) <= limit)
        assert int(driver.find_element(By.ID, "slider").get_attribute("value")) == index

    check(0)
    keys = ActionChains(driver)
    keys.send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT).perform()
    check(3)
    ActionChains(driver).send_keys(Keys.ARROW_UP).perform()
    check(12)  # 13 snapshots: up is ten more, clamped to the last
    ActionChains(driver).send_keys(Keys.ARROW_DOWN, Keys.ARROW_LEFT).perform()
    check(1)
    ActionChains(driver).send_keys(Keys.END).perform()
    check(12)
    ActionChains(driver).send_keys(Keys.HOME).perform()
    check(0)
    # The slider by pointer: its right end is the last snapshot, its middle the middle one.
    slider = driver.find_element(By.ID, "slider")
    width = slider.rect["width"]
    ActionChains(driver).move_to_element_with_offset(slider, width / 2 - 2, 0).click().perform()
    check(12)
    ActionChains(driver).move_to_element_with_offset(slider, 0, 0).click().perform()
    check(6)
    # Arrow keys on the focused slider step once, not twice (the page's keys, not the range's).
    ActionChains(driver).send_keys(Keys.ARROW_RIGHT).perform()
    check(7)
    assert js(driver, "aeviz.seek(4)")["index"] == 4
    check(4)


def test_hover_shows_the_sample_and_its_reconstruction(browser, tiny_page, tiny_run_path):
    run, driver = load(tiny_run_path), open_page(browser, tiny_page)
    js(driver, "aeviz.seek(9)")
    sample = loneliest(run.codes[9], range(len(run.x)))
    x, y = js(driver, "aeviz.pointAt(0, arguments[0])", sample)
    mouse(driver, x, y)
    focus = js(driver, "aeviz.focus(0)")
    assert focus["kind"] == "sample" and focus["sample"] == sample
    expected = forward(run.x[[sample]].astype(np.float64), as64([w[9] for w in run.weights]),
                       as64([b[9] for b in run.biases]), run.activations)[-1][0]
    assert np.allclose(focus["output"], expected, rtol=1e-9, atol=1e-12)
    assert np.array_equal(np.float32(focus["input"]), run.x[sample])
    tip = driver.find_element("id", "tooltip")
    name = run.label_names[run.labels[sample]] if len(run.label_names) else \
        f"class {run.labels[sample]}"
    assert tip.is_displayed() and tip.text == f"class: {name}\nsample {sample}"
    # Moving to another snapshot keeps the sample, with that snapshot's reconstruction.
    js(driver, "aeviz.seek(2)")
    later = js(driver, "aeviz.focus(0)")
    expected = forward(run.x[[sample]].astype(np.float64), as64([w[2] for w in run.weights]),
                       as64([b[2] for b in run.biases]), run.activations)[-1][0]
    assert later["sample"] == sample and np.allclose(later["output"], expected, rtol=1e-9)


def test_the_decoder_probe_matches_numpy_between_the_clusters(browser, tiny_page,
                                                              tiny_run_path):
    run, driver = load(tiny_run_path), open_page(browser, tiny_page)
    snapshot, layer = 12, run.code_layer
    js(driver, "aeviz.seek(arguments[0])", snapshot)
    decoder = (as64([w[snapshot] for w in run.weights[layer:]]),
               as64([b[snapshot] for b in run.biases[layer:]]), run.activations[layer:])
    rng = np.random.default_rng(0)
    codes = rng.uniform(-2, 2, (20, 2))
    page = np.array([js(driver, "aeviz.decode(0, arguments[0])", list(c)) for c in codes])
    assert np.allclose(page, forward(codes, *decoder)[-1], rtol=1e-9, atol=1e-12)
    # The pointer in a gap, far from every sample: the probe decodes the code under it.
    points = run.codes[snapshot]
    grid = np.stack(np.meshgrid(np.linspace(*np.percentile(points[:, 0], [5, 95]), 15),
                                np.linspace(*np.percentile(points[:, 1], [5, 95]), 15)),
                    -1).reshape(-1, 2)
    gap = grid[np.argmax(np.linalg.norm(grid[:, None] - points[None], axis=-1).min(axis=1))]
    x, y = js(driver, "aeviz.codeAt(0, arguments[0])", list(gap))
    mouse(driver, x, y)
    focus = js(driver, "aeviz.focus(0)")
    assert focus["kind"] == "code" and focus["input"] is None
    assert np.allclose(focus["code"], gap, atol=0.02 * np.ptp(points))
    assert np.allclose(focus["output"], forward(np.array([focus["code"]]), *decoder)[-1][0],
                       rtol=1e-9, atol=1e-12)


def test_a_tap_probes_as_a_hover_does(browser, tiny_page, tiny_run_path):
    run, driver = load(tiny_run_path), open_page(browser, tiny_page)
    js(driver, "aeviz.seek(12)")
    sample = loneliest(run.codes[12], range(len(run.x)))
    x, y = js(driver, "aeviz.pointAt(0, arguments[0])", sample)
    driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
    try:
        driver.execute_cdp_cmd("Input.dispatchTouchEvent",
                               {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
        driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd",
                                                            "touchPoints": []})
    finally:
        driver.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})
    focus = js(driver, "aeviz.focus(0)")
    assert focus is not None and focus["kind"] == "sample" and focus["sample"] == sample


def test_the_legend_hides_a_class(browser, tiny_page, tiny_run_path):
    from selenium.webdriver.common.by import By

    run, driver = load(tiny_run_path), open_page(browser, tiny_page)
    buttons = driver.find_elements(By.CSS_SELECTOR, "#legend button")
    assert [b.text for b in buttons] == ["cluster 1", "cluster 2"]
    buttons[0].click()
    codes = js(driver, "aeviz.codes(0)")
    assert all((c is None) == (label == 0) for c, label in zip(codes, run.labels))
    assert "off" in buttons[0].get_attribute("class")
    buttons[0].click()
    assert all(c is not None for c in js(driver, "aeviz.codes(0)"))


def test_play_and_pause(browser, tiny_page):
    driver = open_page(browser, tiny_page)
    js(driver, "aeviz.seek(0)")
    js(driver, "aeviz.play()")
    wait_until(lambda: js(driver, "aeviz.current()")["index"] > 2, "three snapshots played")
    js(driver, "aeviz.pause()")
    stopped = js(driver, "aeviz.current()")["index"]
    assert stopped > 2 and not js(driver, "aeviz.playing()")
    time.sleep(0.3)
    assert js(driver, "aeviz.current()")["index"] == stopped
    assert driver.find_element("id", "play").text == "play"


def test_a_screenshot_is_not_blank(browser, tiny_page):
    import imageio.v3 as iio

    driver = open_page(browser, tiny_page)
    js(driver, "aeviz.seek(12)")
    pixels = iio.imread(io.BytesIO(driver.get_screenshot_as_png()))[..., :3]
    canvas = driver.find_element("css selector", ".panel.code canvas").rect
    scale = pixels.shape[1] / driver.execute_script("return window.innerWidth")
    plane = pixels[int(canvas["y"] * scale):int((canvas["y"] + canvas["height"]) * scale),
                   int(canvas["x"] * scale):int((canvas["x"] + canvas["width"]) * scale)]
    assert plane.size and len(np.unique(plane.reshape(-1, 3), axis=0)) > 20
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 100


def test_a_hostile_title_stays_text(browser, tiny_run_path, tmp_path):
    from selenium.webdriver.common.by import By

    title = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned=2">'
    page = aeviz.render(tiny_run_path, tmp_path / "hostile.html", title=title,
                        caption="<b>bold?</b>", notify=lambda message: None)
    driver = open_page(browser, page)
    assert js(driver, "window.pwned === undefined")
    assert driver.title == title
    assert driver.find_element(By.ID, "title").text == title
    assert driver.find_element(By.ID, "caption").text == "<b>bold?</b>"


def test_math_in_a_title_caption_and_label_reads_as_clips_draw_it(browser, tiny_run_path,
                                                                  tmp_path):
    """The page draws no mathtext: "$\\sigma^2$" showed its dollars and backslashes while the
    clip and the handout drew σ². Each text's math now reaches the page as Unicode; math-free
    text and hostile markup stay as written."""
    from selenium.webdriver.common.by import By

    page = aeviz.render(tiny_run_path, tmp_path / "math.html",
                        title="VAE, $\\beta = 4$: $\\sigma^2$ </script><b>x</b>",
                        caption="The means $\\mu$ and $\\log \\sigma^2$ per code; $x_{t+1}$.",
                        labels=["$\\alpha = 10^{-3}$"], panels=["code", "loss"],
                        notify=lambda message: None)
    driver = open_page(browser, page)
    title = "VAE, β = 4: σ² </script><b>x</b>"
    assert driver.title == title and driver.find_element(By.ID, "title").text == title
    assert driver.find_element(By.ID, "caption").text == "The means μ and log σ² per code; xₜ₊₁."
    html = page.read_text(encoding="utf-8")
    assert "\\sigma" not in html and "\\alpha" not in html and "α = 10⁻³" in html


def test_a_comparison_is_synchronized_by_epoch(browser, run_cli, tmp_path):
    for name, epochs in (("a", 4), ("b", 7)):
        (tmp_path / f"{name}.toml").write_text(tiny_text(train={"epochs": epochs}, label=name))
        assert run_cli("train", tmp_path / f"{name}.toml", "-o",
                       tmp_path / f"{name}.npz").exit_code == 0
    a, b = load(tmp_path / "a.npz"), load(tmp_path / "b.npz")
    page = aeviz.render([a, b], tmp_path / "ab.html", notify=lambda message: None)
    driver = open_page(browser, page)
    js(driver, "aeviz.seek(6)")
    assert js(driver, "aeviz.current()")["epoch"] == 6
    assert driver.find_element("id", "counter").text == "epoch 6"
    assert np.all(np.abs(shown_codes(driver, 0) - a.codes[4]) <= tolerance(page_run(page, 0)))
    assert np.all(np.abs(shown_codes(driver, 1) - b.codes[6]) <= tolerance(page_run(page, 1)))


def image_experiment(tmp_path: Path) -> Path:
    """Four clusters of 2 x 2 "images"."""
    text = tiny_text(model={"layers": [4, 3, 2, 3, 4]}, data={
        "seed": 1, "image_shape": [2, 2], "clusters": [
            {"n": 15, "mean": [0.9, 0.1, 0.1, 0.9], "std": 0.05},
            {"n": 15, "mean": [0.1, 0.9, 0.9, 0.1], "std": 0.05},
            {"n": 15, "mean": [0.9, 0.9, 0.1, 0.1], "std": 0.05}]})
    path = tmp_path / "images.toml"
    path.write_text(text)
    return path


def test_an_image_run_shows_the_hovered_sample_as_images(browser, run_cli, tmp_path):
    assert run_cli("train", image_experiment(tmp_path), "-o",
                   tmp_path / "images.npz").exit_code == 0
    run = load(tmp_path / "images.npz")
    page = aeviz.render(run, tmp_path / "images.html", notify=lambda message: None)
    assert page_run(page)["imageShape"] == [2, 2]
    driver = open_page(browser, page)
    js(driver, "aeviz.seek(12)")
    sample = loneliest(run.codes[12], range(len(run.x)))
    x, y = js(driver, "aeviz.pointAt(0, arguments[0])", sample)
    mouse(driver, x, y)
    focus = js(driver, "aeviz.focus(0)")
    assert focus["sample"] == sample
    assert np.array_equal(np.float32(focus["input"]), run.x[sample])
    expected = forward(run.x[[sample]].astype(np.float64), as64([w[12] for w in run.weights]),
                       as64([b[12] for b in run.biases]), run.activations)[-1][0]
    assert np.allclose(focus["output"], expected, rtol=1e-9)


def test_seventy_thousand_points_load_and_respond(browser, tiny_run_path, tmp_path):
    run = big_run(load(tiny_run_path), 1750)
    page = aeviz.render(run, tmp_path / "big.html", notify=lambda message: None)
    driver = open_page(browser, page)
    js(driver, "aeviz.seek(12)")
    codes = shown_codes(driver)
    assert len(codes) == 70_000 and np.isfinite(codes).all()
    assert "respond to the pointer" in driver.find_element("id", "notes").text
    hover = page_run(page)["strip"][0]
    x, y = js(driver, "aeviz.pointAt(0, arguments[0])", hover)
    mouse(driver, x, y)
    focus = js(driver, "aeviz.focus(0)")
    # The point under the pointer is one of the pickable samples at that spot (the samples
    # repeat: each of the 40 positions holds 1,750 of them).
    assert focus["kind"] == "sample" and focus["sample"] % 40 == hover % 40


def test_the_demo_page_is_small_and_works_offline(browser, run_cli, tmp_path):
    root = Path(__file__).resolve().parents[1]
    assert run_cli("train", root / "examples" / "seed-default.toml", "-o",
                   tmp_path / "demo.npz").exit_code == 0
    result = run_cli("render", tmp_path / "demo.npz", "-o", tmp_path / "demo.html")
    assert result.exit_code == 0, result.output
    page = tmp_path / "demo.html"
    assert page.stat().st_size < 8e6
    run = load(tmp_path / "demo.npz")
    driver = open_page(browser, page, offline=True)
    last = len(run) - 1
    assert js(driver, "aeviz.steps()") == len(run)
    assert js(driver, "aeviz.seek(arguments[0])", last)["epoch"] == int(run.epoch[last])
    assert np.all(np.abs(shown_codes(driver) - run.codes[last]) <= tolerance(page_run(page)))
    assert driver.find_element("id", "status").text == "converged: RMSE ≤ 0.035"


# ---- the script's pure parts against Python's values ------------------------------------

def test_the_forward_pass_matches_the_model_for_every_activation(browser, tiny_page):
    from aeviz.training.model import ACTIVATIONS, LEAK

    driver = open_page(browser, tiny_page)
    rng = np.random.default_rng(5)
    names = sorted(ACTIVATIONS)
    sizes = [3] + [4] * len(names)  # one layer per activation
    weights = [rng.normal(0, 1.5, (sizes[i + 1], sizes[i])) for i in range(len(names))]
    biases = [rng.normal(0, 0.5, sizes[i + 1]) for i in range(len(names))]
    params = np.concatenate([np.concatenate([w.ravel(), b]) for w, b in zip(weights, biases)])
    inputs = rng.normal(0, 1, (6, 3))
    got = js(driver, """(() => { const m = aeviz.internals.model;
        const layers = m.layout(arguments[0], arguments[1]);
        return arguments[4].map((x) => m.forward(layers, arguments[3], 0, x, 0)); })()""",
             sizes, names, LEAK, params.tolist(), inputs.tolist())
    expected = forward(inputs, weights, biases, tuple(names))[-1]
    assert np.allclose(got, expected, rtol=1e-12, atol=1e-14)
    assert js(driver, "aevizActivations.leaky_relu.fn(-2)") == -2 * LEAK


def test_the_color_scale_is_matplotlibs(browser, tiny_page):
    from matplotlib import colors as mcolors

    driver = open_page(browser, tiny_page)
    values = [-3e6, -1000.0, -2.0, -0.3, 0.0, 0.01, 0.7, 1.0, 5.0, 2e4, 1e9]
    for limit, linthresh in ((2.5, 0.0), (1e6, 0.5), (2e7, 1.3)):
        norm = (mcolors.SymLogNorm(linthresh=linthresh, vmin=-limit, vmax=limit) if linthresh
                else mcolors.Normalize(-limit, limit))
        got = js(driver, "arguments[0].map((v) => aeviz.internals.kit.colorFraction(v, "
                 "arguments[1], arguments[2]))", values, limit, linthresh)
        assert np.allclose(got, np.clip(norm(values), 0, 1), atol=1e-12), (limit, linthresh)


def test_ticks_and_the_symlog_transform_are_the_clips(browser, tiny_page):
    from matplotlib.ticker import MaxNLocator

    driver = open_page(browser, tiny_page)
    rng = np.random.default_rng(2)
    cases = [(-0.83, 1.27, 5), (0.0, 0.45, 4), (-2.9e7, 3.1e7, 3), (1000.2, 1000.9, 4),
             (-1.5, 1.5, 7)] + [(low, low + width, bins) for low, width, bins in zip(
                 rng.normal(0, 50, 20), 10.0 ** rng.uniform(-4, 5, 20), rng.integers(2, 9, 20))]
    for low, high, bins in cases:
        got = js(driver, "aeviz.internals.kit.niceTicks(arguments[0], arguments[1], "
                 "arguments[2])", float(low), float(high), int(bins))
        ticks = MaxNLocator(nbins=int(bins), steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
        span = high - low
        shown = ticks[(ticks >= low - 1e-12 * span) & (ticks <= high + 1e-12 * span)]
        assert np.array_equal(got, shown), (low, high, bins)
    values = np.array([-5e9, -3.0, -0.01, 0.0, 0.2, 7.0, 1e12])
    got = js(driver, "arguments[0].map((v) => aeviz.internals.kit.symlog(v, 0.4))",
             values.tolist())
    # The page's codes are quantized on this transform (pack._quantized_codes).
    assert np.allclose(got, np.sign(values) * np.log10(1 + np.abs(values) / 0.4), rtol=1e-12)


def test_tick_names_and_readouts_are_the_clips(browser, tiny_page):
    from aeviz.renderer.scales import short_number, tick_name
    from tests.test_tick_names import NAMED

    driver = open_page(browser, tiny_page)
    values = [value for value, _ in NAMED] + [35.7123, 7.734e27, 9999.6, -2.7e-4, 0.0874]
    got = js(driver, "arguments[0].map((v) => [aeviz.internals.kit.tickName(v), "
             "aeviz.internals.kit.tickText(v)])", values)
    assert got == [[tick_name(value), short_number(value)] for value in values]


def test_equal_scales_are_the_clips(browser, tiny_page):
    import matplotlib.pyplot as plt

    from aeviz.renderer.scales import set_equal_limits

    driver = open_page(browser, tiny_page)
    for x, y, (width, height) in (((-1.0, 2.0), (0.0, 0.5), (400, 300)),
                                  ((0.0, 1.0), (-3.0, 3.0), (500, 200))):
        figure = plt.figure(figsize=(width / 100, height / 100), dpi=100)
        axes = figure.add_axes((0, 0, 1, 1))
        set_equal_limits(axes, figure, x, y)
        got = js(driver, "aeviz.internals.kit.equalAspect(arguments[0], arguments[1], "
                 "arguments[2], arguments[3])", x, y, width, height)
        assert np.allclose(got, [axes.get_xlim(), axes.get_ylim()], rtol=1e-12)
        plt.close(figure)


def test_the_page_draws_the_panels_it_was_asked_for(browser, tiny_run_path, tmp_path):
    page = aeviz.render(tiny_run_path, tmp_path / "panels.html", panels=["loss", "decoder"],
                        notify=lambda message: None)
    driver = open_page(browser, page)
    # The reconstruction panel is the page's probe: always there, last unless asked for.
    assert js(driver, "aeviz.panels()") == ["loss", "decoder", "recon"]
    titles = [e.text for e in driver.find_elements("css selector", ".panel h2")]
    assert titles == ["reconstruction error", "decoder over the code plane", "reconstruction"]


def test_the_page_draws_the_description_a_clip_draws(browser, run_cli, tmp_path):
    """A comparison with every panel: the panels the page reports and the limits and scales
    it drew with, read back in the browser, are the clip's description of the same runs."""
    from aeviz.renderer import run_views
    from aeviz.renderer.description import describe, panel_names, to_json
    from aeviz.settings import RenderOptions

    for name, seed in (("a", 1), ("b", 2)):
        (tmp_path / f"{name}.toml").write_text(tiny_text(data={"seed": seed}, label=name))
        assert run_cli("train", tmp_path / f"{name}.toml", "-o",
                       tmp_path / f"{name}.npz").exit_code == 0
    runs = [load(tmp_path / "a.npz"), load(tmp_path / "b.npz")]
    panels = ["code", "decoder", "loss", "weights", "recon"]
    page = aeviz.render(runs, tmp_path / "ab.html", panels=panels, pull=True,
                        notify=lambda message: None)
    options = RenderOptions(panels=tuple(panels), pull=True)
    views = run_views(runs, options)
    span = (0.0, float(max(v.timeline[-1] for v in views)))
    clip = describe(views, options, span)
    driver = open_page(browser, page)
    assert js(driver, "aeviz.panels()") == panel_names(clip)  # the comparison's loss last
    assert sorted(panel_names(clip)) == sorted(panels)
    drawn = js(driver, "aeviz.description()")
    expected = to_json(clip)["panels"]
    assert [(p["name"], p["run"]) for p in drawn] == [(p["name"], p["run"]) for p in expected]
    for got, want in zip(drawn, expected):
        for key in ("title", "title_color", "code", "loss", "colors", "decoder", "recon",
                    "layers"):
            assert got[key] == want[key], (got["name"], got["run"], key)
    assert drawn[0]["layers"] == ["grid", "codes", "pull"]


def test_the_decoded_grid_and_the_pull_are_the_models(browser, tiny_run_path, tmp_path):
    from aeviz.renderer.description import DecoderGrid
    from aeviz.training.model import code_gradients

    driver = open_page(browser, aeviz.render(tiny_run_path, tmp_path / "g.html",
                                             notify=lambda message: None))
    grid = DecoderGrid("sheet", (-1.3, 2.7, -0.4, 0.9), 15, 3, (0.0, 1.0), None, None)
    got = js(driver, "aeviz.internals.kit.gridPoints(arguments[0], 15, 3)", grid.extent)
    assert np.array_equal(np.reshape(got, (-1, 2)), grid.points(3))
    run = load(tiny_run_path)
    layer, k = run.code_layer, len(run) - 1
    weights = as64([w[k] for w in run.weights])[layer:]
    biases = as64([b[k] for b in run.biases])[layer:]
    codes, x = run.codes[k][:5].astype(float), run.x[:5].astype(float)
    js(driver, "aeviz.seek(arguments[0])", k)
    got = js(driver, """(() => { const m = aeviz.internals.model;
        const layers = m.layout(arguments[0], arguments[1], 0.01);
        return arguments[3].map((c, i) => m.codeGradient(layers, arguments[2], 0, c,
                                                         arguments[4][i], arguments[5])); })()""",
             list(run.layer_sizes), list(run.activations),
             np.concatenate([np.concatenate([w.ravel(), b]) for w, b in
                             zip(as64([w[k] for w in run.weights]),
                                 as64([b[k] for b in run.biases]))]).tolist(),
             codes.tolist(), x.tolist(), layer)
    expected = code_gradients(codes, x, weights, biases, run.activations[layer:])
    assert np.allclose(got, expected, rtol=1e-10, atol=1e-14)


def test_a_probe_beyond_the_data_is_held_at_the_frame_and_said(browser, tiny_run_path,
                                                                tmp_path):
    page = aeviz.render(tiny_run_path, tmp_path / "far.html", notify=lambda message: None)
    driver = open_page(browser, page)
    js(driver, "aeviz.seek(12)")
    box = js(driver, "document.querySelector('.panel.code canvas').getBoundingClientRect()")
    mouse(driver, box["left"] + box["width"] - 14, box["top"] + 12)  # the plane's far corner
    focus = js(driver, "aeviz.focus(0)")
    assert focus is not None and focus["kind"] == "code"
    limits = np.array(page_run(page)["dataLimits"])
    output = np.array(focus["output"])
    outside = bool(((output < limits[:, 0]) | (output > limits[:, 1])).any())
    # The diamond is held at the frame (hollow) exactly when the output is off the axes.
    assert ("beyond the axes" in focus["note"]) == outside


def test_labels_past_the_int16_range_are_drawn(browser, tiny_run_path, tmp_path):
    import dataclasses

    run = load(tiny_run_path)
    labels = np.asarray(run.labels) * 50_000 + 32_767
    page = aeviz.render(dataclasses.replace(run, labels=labels), tmp_path / "many.html",
                        notify=lambda message: None)
    driver = open_page(browser, page)
    js(driver, "aeviz.seek(12)")
    assert np.all(np.abs(shown_codes(driver) - run.codes[12]) <= tolerance(page_run(page)))


def test_twin_runs_are_drawn_alike_at_epoch_0(browser, run_cli, tmp_path):
    """Two runs identical at epoch 0 (they differ only later, by the learning rate): every
    panel of one is drawn pixel for pixel as the other's at epoch 0."""
    for name, rate in (("slow", 0.01), ("fast", 0.05)):
        (tmp_path / f"{name}.toml").write_text(
            tiny_text(train={"learning_rate": rate, "optimizer": "sgd"}, label=name))
        assert run_cli("train", tmp_path / f"{name}.toml", "-o",
                       tmp_path / f"{name}.npz").exit_code == 0
    page = aeviz.render([tmp_path / "slow.npz", tmp_path / "fast.npz"], tmp_path / "twins.html",
                        panels=["code", "weights", "decoder", "loss"],
                        notify=lambda message: None)
    driver = open_page(browser, page)
    js(driver, "aeviz.seek(0)")
    pixels = js(driver, """Array.from(document.querySelectorAll('.panel canvas'), (c) =>
        [c.parentElement.className, c.width, c.height,
         Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)
              .reduce((h, v, i) => (h * 31 + v * (i % 7 + 1)) % 1000000007, 7)])""")
    by_name = {}
    for name, width, height, digest in pixels:
        by_name.setdefault(name, []).append((width, height, digest))
    for name in ("panel code", "panel weights", "panel decoder", "panel recon"):
        first, second = by_name[name]
        assert first == second, name
    js(driver, "aeviz.seek(aeviz.steps() - 1)")  # later they differ: the check can fail
    later = js(driver, """Array.from(document.querySelectorAll('.panel.code canvas'), (c) =>
        Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)
             .reduce((h, v, i) => (h * 31 + v * (i % 7 + 1)) % 1000000007, 7))""")
    assert later[0] != later[1]
