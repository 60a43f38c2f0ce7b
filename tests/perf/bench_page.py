"""The .html page: its size and how long a scrub step takes to redraw in headless Chromium,
for the reference trajectory (600 points, 301 snapshots), digits (1,797 points) and 70,000
points, against the same code plane drawn by Plotly and by Bokeh when they are installed:

    pip install plotly bokeh   # in a throwaway environment: aeviz does not use them
    python tests/perf/bench_page.py [digits.npz]

Targets: the demo's page under 8 MB, digits' under 25 MB, a scrub step under 50 ms for 600 and
1,797 points. Our page times its own redraw (aeviz.redrawTime: every panel). The libraries are
timed on the code plane alone, from the update call until two animation frames later (their
drawing is deferred to the next frame), so their figure is an upper bound by up to a frame.
"""

from __future__ import annotations

import base64
import dataclasses
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import reference_experiment  # noqa: E402

import aeviz  # noqa: E402
from aeviz.training.loop import train  # noqa: E402
from aeviz.trajectory import load  # noqa: E402

STEPS = 40
SCRUB = """
const data = new Float32Array(Uint8Array.from(atob(window.CODES), c => c.charCodeAt(0)).buffer);
const T = window.SHAPE[0], N = window.SHAPE[1];
window.snapshot = k => { const x = new Float32Array(N), y = new Float32Array(N);
  for (let i = 0; i < N; i++) { x[i] = data[(k * N + i) * 2]; y[i] = data[(k * N + i) * 2 + 1]; }
  return [x, y]; };
"""


def driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,900"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def our_scrub(browser, page: Path) -> float:
    browser.get(page.as_uri())
    steps = browser.execute_script("return aeviz.steps()")
    times = []
    for i in np.linspace(0, steps - 1, STEPS).astype(int):
        browser.execute_script("aeviz.seek(arguments[0])", int(i))
        times.append(browser.execute_script("return aeviz.redrawTime()"))
    return statistics.median(times)


def library_page(kind: str, run, folder: Path) -> Path:
    codes = base64.b64encode(np.ascontiguousarray(run.codes, "<f4").tobytes()).decode()
    extra = (f"<script>window.CODES={json.dumps(codes)};window.SHAPE={list(run.codes.shape)};"
             f"{SCRUB}</script>")
    first = run.codes[0]
    if kind == "plotly":
        import plotly.graph_objects as go

        trace = go.Scattergl if len(first) > 5000 else go.Scatter
        figure = go.Figure(trace(x=first[:, 0], y=first[:, 1], mode="markers",
                                 marker={"color": run.labels, "size": 5}))
        figure.update_layout(width=640, height=480)
        text = figure.to_html(include_plotlyjs=True, full_html=True, div_id="plot")
        extra += ("<script>window.step = async k => { const [x, y] = snapshot(k); "
                  "await Plotly.restyle('plot', {x: [x], y: [y]}); };</script>")
    else:
        from bokeh.embed import file_html
        from bokeh.models import ColumnDataSource
        from bokeh.plotting import figure
        from bokeh.resources import INLINE

        source = ColumnDataSource({"x": first[:, 0], "y": first[:, 1]}, name="codes")
        plot = figure(width=640, height=480, output_backend="webgl" if len(first) > 5000
                      else "canvas")
        plot.scatter("x", "y", source=source, size=5)
        text = file_html(plot, INLINE, "bench")
        extra += ("<script>window.step = k => { const [x, y] = snapshot(k); "
                  "const s = Bokeh.documents[0].get_model_by_name('codes'); "
                  "s.data = {x: Array.from(x), y: Array.from(y)}; };</script>")
    page = folder / f"{kind}.html"
    page.write_text(text.replace("</body>", extra + "</body>"))
    return page


def library_scrub(browser, page: Path) -> float:
    browser.get(page.as_uri())
    time.sleep(1.0)
    browser.set_script_timeout(120)
    return browser.execute_async_script("""
        const done = arguments[arguments.length - 1], times = [];
        const frame = () => new Promise(r => requestAnimationFrame(() => r()));
        (async () => {
          const steps = arguments[0];
          for (let i = 0; i < steps; i++) {
            const t0 = performance.now();
            await window.step(Math.round(i * (window.SHAPE[0] - 1) / (steps - 1)));
            await frame(); await frame();
            times.push(performance.now() - t0);
          }
          times.sort((a, b) => a - b);
          done(times[times.length >> 1]);
        })();""", STEPS)


def main() -> None:
    runs = {"reference, 600 points": train(reference_experiment())}
    if len(sys.argv) > 1:
        runs["digits, 1,797 points"] = load(sys.argv[1])
    small = runs["reference, 600 points"]
    runs["70,000 points"] = dataclasses.replace(
        small, x=np.tile(small.x, (117, 1))[:70_000], labels=np.tile(small.labels, 117)[:70_000],
        codes=np.tile(small.codes, (1, 117, 1))[:, :70_000][::10],
        epoch=small.epoch[::10], step=small.step[::10], loss=small.loss[::10],
        weights=[w[::10] for w in small.weights], biases=[b[::10] for b in small.biases])
    libraries = [k for k in ("plotly", "bokeh") if importlib.util.find_spec(k)]
    browser = driver()
    try:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            for label, run in runs.items():
                page = aeviz.render(run, folder / "page.html", notify=lambda m: None)
                print(f"{label:24s} aeviz page  {page.stat().st_size / 1e6:6.2f} MB  "
                      f"scrub step {our_scrub(browser, page):6.1f} ms (all panels)")
                for kind in libraries:
                    page = library_page(kind, run, folder)
                    print(f"{label:24s} {kind:11s} {page.stat().st_size / 1e6:6.2f} MB  "
                          f"scrub step {library_scrub(browser, page):6.1f} ms (code plane "
                          "only, up to 2 frames)")
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
