"""Redraw every picture of the README's gallery with the current renderer.

Run from the repository's root: `python examples/gallery/redraw.py`. It trains the examples it
needs into a temporary folder (a few seconds each) and overwrites the PNGs beside this file;
`viewer.png` is the scrubbing viewer, driven under Agg as tests/test_viewer.py does;
`page.png` is the .html page in headless Chromium, as tests/test_page_browser.py drives it
and `playground.png` its retraining panel mid-run (`python examples/gallery/redraw.py --page`
redraws those two alone).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import aeviz  # noqa: E402
from aeviz.renderer.viewer import Viewer  # noqa: E402
from aeviz.settings import RenderOptions  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent
GALLERY = EXAMPLES / "gallery"
OPTIMIZERS = ["sgd", "momentum", "rmsprop", "adam"]


def main() -> None:
    if "--page" in sys.argv:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "seed-default.npz"
            aeviz.train(EXAMPLES / "seed-default.toml").save(path)
            draw_page(aeviz.load(path), Path(folder))
            draw_playground(aeviz.load(path), Path(folder))
        return
    with tempfile.TemporaryDirectory() as folder:
        runs = {}
        for name in ["seed-default", "iris", "linear-vs-pca", "too-high-learning-rate",
                     "digits"] + [f"optimizers-{o}" for o in OPTIMIZERS]:
            path = Path(folder) / f"{name}.npz"
            aeviz.train(EXAMPLES / f"{name}.toml").save(path)
            runs[name] = aeviz.load(path)
        draw(runs)
        draw_page(runs["seed-default"], Path(folder))
        draw_playground(runs["seed-default"], Path(folder))


def draw(runs: dict) -> None:
    """Each picture, as the README describes it."""
    aeviz.render(runs["seed-default"], GALLERY / "seed-default.png", epoch=60)
    # As batch draws the comparison: its own title, caption and labels (optimizers.toml).
    from aeviz.settings.comparison import load_comparison

    comparison = load_comparison(EXAMPLES / "optimizers.toml")
    aeviz.render([runs[f"optimizers-{o}"] for o in OPTIMIZERS],
                 GALLERY / "optimizers-comparison.png", epoch=100, title=comparison.title,
                 caption=comparison.render.caption, labels=list(comparison.compare.labels),
                 panels=list(comparison.render.panels))
    aeviz.render(runs["iris"], GALLERY / "iris-dark.png", theme="dark")
    aeviz.render(runs["linear-vs-pca"], GALLERY / "linear-vs-pca.png")
    aeviz.render(runs["seed-default"], GALLERY / "trails-reconstruction.png", epoch=70,
                 size="960x540", trails=10, panels=["code", "loss", "recon"])
    # Mini-batch 11 of 13: the codes have run off to about -750 on limits that followed them.
    aeviz.render(runs["too-high-learning-rate"], GALLERY / "divergence-batches.png",
                 epoch=11 / 13)
    aeviz.render(runs["digits"], GALLERY / "digits.png")
    draw_viewer(runs["seed-default"], GALLERY / "viewer.png", frame=120)


def draw_viewer(run, output: Path, frame: int) -> None:
    """The window `aeviz view` opens (960x520 panels and the controls), at `frame`."""
    figure = Figure(figsize=(9.6, 5.8), dpi=100)
    FigureCanvasAgg(figure)
    viewer = Viewer([run], RenderOptions(size="960x520"), figure)
    viewer.slider.set_val(frame)
    figure.savefig(output, dpi=100)


def draw_page(run, folder: Path, snapshot: int = 60) -> None:
    """The page of `run` at `snapshot` in headless Chromium, the pointer between the clusters
    (the decoder's output for that code at the right), 1280 pixels wide."""
    import numpy as np
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    page = aeviz.render(run, folder / "page.html", caption=(
        "Hover a point for its sample and reconstruction, or anywhere in the code plane for "
        "what the decoder makes of that code; arrow keys step through training."))
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--window-size=1280,960",
                     "--hide-scrollbars"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(page.as_uri())
        driver.execute_script("aeviz.seek(arguments[0])", snapshot)
        codes = run.codes[snapshot]
        gap = codes.mean(axis=0) + 0.15 * np.ptp(codes, axis=0)
        x, y = driver.execute_script("return aeviz.codeAt(0, arguments[0])", gap.tolist())
        driver.execute_cdp_cmd("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x,
                                                            "y": y})
        driver.save_screenshot(str(GALLERY / "page.png"))
    finally:
        driver.quit()



def draw_playground(run, folder: Path, epochs: int = 100) -> None:
    """The page's "Retrain it yourself" panel retraining `run` with SGD at learning rate 0.3,
    once it is `epochs` epochs in (the run still going), a code dragged beside a cluster."""
    import time

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    page = aeviz.render(run, folder / "playground.html")
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--window-size=1280,760",
                     "--hide-scrollbars"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(page.as_uri())
        driver.execute_script("""
            document.getElementById("aeviz-playground").scrollIntoView();
            aeviz.playground.setKnob("train.optimizer", "sgd");
            aeviz.playground.setKnob("train.learning_rate", "0.3");
            document.getElementById("aeviz-train").click();""")
        while driver.execute_script("return aeviz.playground.live().epoch") < epochs:
            time.sleep(0.002)
        driver.execute_script("const c = aeviz.playground.codes();"
                              "aeviz.playground.drag([c[300], c[301]]);")
        driver.save_screenshot(str(GALLERY / "playground.png"))  # training goes on meanwhile
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
