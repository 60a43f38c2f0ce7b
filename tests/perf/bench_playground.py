"""The page's live retraining, timed in headless Chromium against `aeviz train` of the same
experiment (float64) measured in the same run:

    python tests/perf/bench_playground.py

Targets (issue 24): the demo's own run retrains in at most 10 s and draws at least 20 frames a
second while it does; its page stays under 8 MB and the digits' under 25 MB; a scrub step of
the page (aeviz.redrawTime) stays under 50 ms with the playground on it. Digits and the VAE on
digits are timed for 5 epochs (their epoch is the most live training offers, ~5.6e7
multiply-adds).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import aeviz  # noqa: E402
from aeviz.settings import load_experiment  # noqa: E402
from aeviz.training.loop import train  # noqa: E402

EXAMPLES = ROOT / "examples"
CASES = [("demo", "seed-default.toml", {}), ("digits", "digits.toml", {"train.epochs": 5}),
         ("vae", "vae-vs-ae-vae.toml", {"train.epochs": 5})]


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(600)
    return driver


RETRAIN = """
const done = arguments[arguments.length - 1], frames = aeviz.playground.frames();
const started = performance.now();
aeviz.retrain(arguments[0]).then((run) => done({
    seconds: (performance.now() - started) / 1000, epochs: run.epoch.length - 1,
    frames: aeviz.playground.frames() - frames}));
"""


def main() -> None:
    driver = browser()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for name, toml, overrides in CASES:
            run = folder / f"{name}.npz"
            aeviz.train(EXAMPLES / toml, overrides).save(run)
            page = aeviz.render(run, folder / f"{name}.html", notify=lambda message: None)
            exp = load_experiment(EXAMPLES / toml, dict(overrides, **{"train.dtype": "float64"}))
            started = time.perf_counter()
            train(exp)
            numpy_seconds = time.perf_counter() - started
            driver.get(page.as_uri())
            time.sleep(0.5)
            result = driver.execute_async_script(RETRAIN, overrides)
            scrub = []
            for step in range(0, driver.execute_script("return aeviz.steps()"), 7)[:30]:
                driver.execute_script("aeviz.seek(arguments[0])", step)
                scrub.append(driver.execute_script("return aeviz.redrawTime()"))
            fps = result["frames"] / result["seconds"]
            print(f"{name}: page {page.stat().st_size / 1e6:.1f} MB; retrained "
                  f"{result['epochs']} epochs in {result['seconds']:.2f} s in the page against "
                  f"{numpy_seconds:.2f} s in aeviz train (float64): "
                  f"{result['seconds'] / numpy_seconds:.1f}x; {fps:.0f} frames/s drawn; "
                  f"scrub step median {statistics.median(scrub):.1f} ms, "
                  f"max {max(scrub):.1f} ms")
    driver.quit()


if __name__ == "__main__":
    main()
