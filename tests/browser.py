"""Headless Chromium for the page's and the playground's tests: Debian's chromium and
chromium-driver through Selenium pointed at /usr/bin/chromedriver (nothing is downloaded), with
the network off; a page opened and checked for errors and requests, and the page's JavaScript
files run on a blank page. Modules that import this are skipped, with the reason, where either
is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aeviz.renderer.page.template import asset

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = "/usr/bin/chromedriver"

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                "(pip install -e '.[test]')")
if CHROMIUM is None or not Path(CHROMEDRIVER).exists():
    pytest.skip("needs chromium and chromium-driver (apt-get install chromium chromium-driver)",
                allow_module_level=True)


# Named `browser` for the tests; a module that imports `chromium_driver` has the fixture (and
# its tests' `browser` parameter shadows no imported name).
@pytest.fixture(scope="module", name="browser")
def chromium_driver():
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--disable-extensions",
                     "--disable-background-networking", "--no-first-run"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(120)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    yield driver
    driver.quit()


def requests(driver) -> list[str]:
    """The URLs the browser asked for since the last call (the network is off: a page that
    needs one fails)."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def open_page(driver, page: Path, offline: bool = True):
    """Load the page (with the network switched off) and wait for its API; no error or
    warning in its console, and no request beyond the page itself."""
    from tests.helpers import wait_until

    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    driver.get_log("browser"), requests(driver)  # start from empty logs
    driver.get(page.as_uri())
    # However long a busy machine takes to load it (60 s: a guard against a hang, not a
    # timing test; on a busy machine 5 s was not always enough).
    wait_until(lambda: driver.execute_script("return typeof window.aeviz === 'object'"),
               "the page's API ready")
    next_frames(driver)  # (an error in the first frame drawn is logged by then)
    problems = [entry for entry in driver.get_log("browser")
                if entry["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems
    urls = requests(driver)
    assert all(url == page.as_uri() or url.startswith("data:") for url in urls), urls
    return driver


def next_frames(driver) -> None:
    """Returns once the page has drawn what it asked to draw so far: two animation frames
    (a frame asked for while one is being drawn is drawn in the next)."""
    driver.execute_async_script(
        "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(done));")


def js(driver, script: str, *args):
    return driver.execute_script(f"return {script}", *args)


def load_scripts(driver, *names: str) -> None:
    """A blank page with the playground's JavaScript files `names` (e.g. "rng.js", in
    aeviz/renderer/page/live) run in it, as globals."""
    from aeviz.renderer.page.template import shared_script

    driver.get("about:blank")
    for text in [shared_script()] + [asset(f"live/{name}") for name in names]:
        # As a <script> element, as the page runs it: its top-level names become globals.
        driver.execute_script("const script = document.createElement('script');"
                              "script.textContent = arguments[0];"
                              "document.head.appendChild(script);", text)


# Every text the page shows, with its box in page pixels: the text drawn on its canvases
# (fillText and strokeText, through each canvas's transform, copied with the still background
# a panel draws once) and the HTML text of every element shown; and the strokes drawn on each
# canvas (to find a text a curve crosses). Installed before the page's own scripts run.
TEXT_RECORDER = r"""
(() => {
  if (window.__pageText) return;  // installed once
  const texts = new WeakMap(), strokes = new WeakMap(), paths = new WeakMap();
  const list = (map, canvas) => { if (!map.has(canvas)) map.set(canvas, []); return map.get(canvas); };
  const reset = (canvas) => { texts.set(canvas, []); strokes.set(canvas, []); };
  const C = CanvasRenderingContext2D.prototype;
  for (const side of ["width", "height"]) {  // a canvas given a size is cleared
    const property = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, side);
    Object.defineProperty(HTMLCanvasElement.prototype, side, { get: property.get,
      set(value) { reset(this); property.set.call(this, value); } });
  }
  const corners = (ctx, x0, y0, x1, y1) => {
    const m = ctx.getTransform(), xs = [], ys = [];
    for (const [x, y] of [[x0, y0], [x1, y0], [x0, y1], [x1, y1]]) {
      xs.push(m.a * x + m.c * y + m.e); ys.push(m.b * x + m.d * y + m.f);
    }
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  };
  const covers = (ctx, x, y, w, h) => {
    const [x0, y0, x1, y1] = corners(ctx, x, y, x + w, y + h), c = ctx.canvas;
    return x0 <= 0 && y0 <= 0 && x1 >= c.width && y1 >= c.height;
  };
  for (const name of ["fillText", "strokeText"]) {
    const original = C[name];
    C[name] = function (s, x, y, ...rest) {
      const m = this.measureText(String(s));
      if (String(s).trim() && this.globalAlpha > 0) {
        list(texts, this.canvas).push({ text: String(s), color: String(this.fillStyle), box: corners(this, x - m.actualBoundingBoxLeft,
          y - m.actualBoundingBoxAscent, x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent) });
      }
      return original.call(this, s, x, y, ...rest);
    };
  }
  // The part of segment s = [x0, y0, x1, y1] outside the rectangle r = [x0, y0, x1, y1]: none,
  // one or two segments (Liang-Barsky: the parameters t0..t1 along s that lie inside r).
  const outside = (s, r) => {
    const dx = s[2] - s[0], dy = s[3] - s[1];
    let t0 = 0, t1 = 1;
    for (const [p, q] of [[-dx, s[0] - r[0]], [dx, r[2] - s[0]], [-dy, s[1] - r[1]], [dy, r[3] - s[1]]]) {
      if (p === 0) { if (q < 0) return [s]; continue; }
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t); else t1 = Math.min(t1, t);
      if (t0 > t1) return [s];
    }
    const at = (t) => [s[0] + t * dx, s[1] + t * dy];
    return [t0 > 0 ? [...at(0), ...at(t0)] : null, t1 < 1 ? [...at(t1), ...at(1)] : null].filter(Boolean);
  };
  // An opaque color (a translucent one reads back as "rgba(...)").
  const opaque = (ctx) => ctx.globalAlpha >= 1 && /^#[0-9a-f]{6}$/i.test(String(ctx.fillStyle));
  for (const name of ["fillRect", "clearRect"]) {
    const original = C[name];
    C[name] = function (x, y, w, h) {
      if (covers(this, x, y, w, h)) reset(this.canvas);
      else if (name === "fillRect" && opaque(this) && strokes.has(this.canvas)) {
        // A box filled opaque over strokes hides them: only the parts outside it stay (a
        // key drawn on such a box is not crossed by the lines under it).
        const r = corners(this, x, y, x + w, y + h);
        strokes.set(this.canvas, strokes.get(this.canvas).flatMap((s) => outside(s, r)));
      }
      return original.call(this, x, y, w, h);
    };
  }
  const drawImage = C.drawImage;
  C.drawImage = function (source, ...args) {
    if (source instanceof HTMLCanvasElement && !covers(this, ...(args.length >= 8 ? args.slice(4)
      : [args[0], args[1], args[2] === undefined ? source.width : args[2], args[3] === undefined ? source.height : args[3]]))) {
      // An image (reconstructions, a mosaic) drawn into a part of the canvas: counted as a
      // text is (it must be whole, and cover none).
      const [dx, dy, dw, dh] = args.length >= 8 ? args.slice(4) : [args[0], args[1], args[2], args[3]];
      if (dw !== undefined) list(texts, this.canvas).push({ text: "[image]", box: corners(this, dx, dy, dx + dw, dy + dh), image: true });
    }
    if (source instanceof HTMLCanvasElement && texts.has(source)) {
      const [dx, dy, dw, dh] = args.length >= 8 ? args.slice(4) : [args[0], args[1],
        args[2] === undefined ? source.width : args[2], args[3] === undefined ? source.height : args[3]];
      if (covers(this, dx, dy, dw, dh)) reset(this.canvas);
      const sx = dw / source.width, sy = dh / source.height;
      const map = (b) => corners(this, dx + b[0] * sx, dy + b[1] * sy, dx + b[2] * sx, dy + b[3] * sy);
      for (const t of texts.get(source)) list(texts, this.canvas).push({ text: t.text, color: t.color, box: map(t.box), mark: t.mark });
      for (const s of strokes.get(source) || []) {
        const a = corners(this, dx + s[0] * sx, dy + s[1] * sy, dx + s[0] * sx, dy + s[1] * sy);
        const b = corners(this, dx + s[2] * sx, dy + s[3] * sy, dx + s[2] * sx, dy + s[3] * sy);
        list(strokes, this.canvas).push([a[0], a[1], b[0], b[1]]);
      }
    }
    return drawImage.call(this, source, ...args);
  };
  // The current path's line segments, in canvas pixels; stroked ones are kept unless thinner
  // than 0.9 px (the axes' grid lines).
  const beginPath = C.beginPath, moveTo = C.moveTo, lineTo = C.lineTo, stroke = C.stroke;
  const arc = C.arc, fill = C.fill;
  const point = (ctx, x, y) => corners(ctx, x, y, x, y).slice(0, 2);
  C.beginPath = function () { paths.set(this, { last: null, segments: [], marks: [] }); return beginPath.call(this); };
  // A filled circle 3.5 px or more across its radius (a curve's end marker, a node) is kept
  // as a mark, its box grown by MARK_GAP px each way: a label it touches (or all but
  // touches: "•5" for a marker beside a tick "5") counts as overlapped.
  const MARK_GAP = 2;
  C.arc = function (x, y, r, ...rest) {
    if (!paths.has(this)) paths.set(this, { last: null, segments: [], marks: [] });
    if (r >= 3.5) {
      const g = r + MARK_GAP;
      paths.get(this).marks.push(corners(this, x - g, y - g, x + g, y + g));
    }
    return arc.call(this, x, y, r, ...rest);
  };
  C.fill = function (...args) {
    const path = paths.get(this);
    if (path && path.marks && this.globalAlpha > 0) {
      for (const box of path.marks) list(texts, this.canvas).push({ text: "[mark]", box, mark: true });
    }
    return fill.call(this, ...args);
  };
  C.moveTo = function (x, y) {
    if (!paths.has(this)) paths.set(this, { last: null, segments: [], marks: [] });
    paths.get(this).last = point(this, x, y);
    return moveTo.call(this, x, y);
  };
  C.lineTo = function (x, y) {
    if (!paths.has(this)) paths.set(this, { last: null, segments: [], marks: [] });
    const path = paths.get(this), p = point(this, x, y);
    if (path.last && isFinite(p[0] + p[1] + path.last[0] + path.last[1])) path.segments.push([...path.last, ...p]);
    path.last = p;
    return lineTo.call(this, x, y);
  };
  C.stroke = function (...args) {
    const path = paths.get(this);
    if (!args.length && path && this.lineWidth >= 0.9 && this.globalAlpha > 0) {
      list(strokes, this.canvas).push(...path.segments);
    }
    return stroke.call(this, ...args);
  };

  // Where a box in a canvas's pixels is on the page.
  const onPage = (canvas, b) => {
    const r = canvas.getBoundingClientRect(), sx = r.width / canvas.width, sy = r.height / canvas.height;
    return [r.left + scrollX + b[0] * sx, r.top + scrollY + b[1] * sy, r.left + scrollX + b[2] * sx,
      r.top + scrollY + b[3] * sy];
  };
  const where = (element) => {
    const names = [];
    for (let e = element; e && e !== document.body; e = e.parentElement) {
      names.push(e.id ? "#" + e.id : e.className && typeof e.className === "string"
        ? e.tagName.toLowerCase() + "." + e.className.split(" ").join(".") : e.tagName.toLowerCase());
    }
    return names.slice(0, 3).reverse().join(" ");
  };
  const shown = (element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden";
  // A rectangle cut to what the ancestors that clip their overflow let show.
  const clipped = (element, b) => {
    for (let e = element; e && e !== document.documentElement; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.overflowX !== "visible" || style.overflowY !== "visible") {
        const r = e.getBoundingClientRect();
        b = [Math.max(b[0], r.left + scrollX), Math.max(b[1], r.top + scrollY),
          Math.min(b[2], r.right + scrollX), Math.min(b[3], r.bottom + scrollY)];
      }
    }
    return b;
  };
  window.__pageText = () => {
    const found = [];
    for (const [number, canvas] of document.querySelectorAll("canvas").entries()) {
      if (!shown(canvas)) continue;
      const panel = where(canvas), size = [canvas.width, canvas.height], seen = new Set();
      for (const t of texts.get(canvas) || []) {
        const key = t.text + " " + t.box.map(Math.round).join(" ");
        if (seen.has(key)) continue;  // drawn twice in one place (a still part redrawn)
        seen.add(key);
        found.push({ text: t.text, color: t.color || null, where: panel, canvas: number, box: onPage(canvas, t.box), image: Boolean(t.image),
          mark: Boolean(t.mark), inside: t.mark || t.box[0] >= -1 && t.box[1] >= -1 && t.box[2] <= size[0] + 1 && t.box[3] <= size[1] + 1 });
      }
    }
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let number = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode(), number++) {
      const element = node.parentElement;
      if (!node.textContent.trim() || !element || element.closest("script, style") || !shown(element)) continue;
      if (element.closest("select") && element.tagName === "OPTION") continue;  // a closed list
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) {
        const b = clipped(element, [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY]);
        if (b[2] - b[0] > 0.5 && b[3] - b[1] > 0.5) {
          found.push({ text: node.textContent.trim().slice(0, 60), where: where(element), canvas: null, box: b,
            inside: true, node: number });
        }
      }
    }
    return found;
  };
  // The segments stroked on the canvas `selector` (or the page's canvas number `selector`)
  // shows now, in page pixels.
  window.__pageStrokes = (selector) => {
    const canvas = typeof selector === "number" ? document.querySelectorAll("canvas")[selector]
      : document.querySelector(selector);
    return (strokes.get(canvas) || []).map((s) => {
      const a = onPage(canvas, [s[0], s[1], s[0], s[1]]), b = onPage(canvas, [s[2], s[3], s[2], s[3]]);
      return [a[0], a[1], b[0], b[1]];
    });
  };
})();
"""  # noqa: E501 (JavaScript)


def record_text(driver) -> None:
    """From the next page loaded on: the recorder of its texts and strokes (TEXT_RECORDER)."""
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": TEXT_RECORDER})


def viewport(driver, width: int, height: int) -> None:
    """The page laid out for a `width` x `height` window (CSS pixels, device ratio 1), returned
    once the page's own resize listeners have run. (The window takes the new size at once but
    its resize event comes with the next frame: a test that read the layout straight away read
    it before the page had moved anything, on a busy machine.)"""
    from tests.helpers import wait_until

    resized = driver.execute_script("""
        const [width, height] = arguments;
        if (innerWidth === width && innerHeight === height) return true;
        window.__viewportResized = false;  // added last: runs after the page's listeners
        const resized = () => {
            if (innerWidth !== width || innerHeight !== height) return;
            window.__viewportResized = true;
            removeEventListener('resize', resized);
        };
        addEventListener('resize', resized);
        return false;""", width, height)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    if not resized:
        wait_until(lambda: driver.execute_script("return window.__viewportResized"),
                   f"the page's resize to {width}x{height} handled")
        # The page lays its panels out again 100 ms after a resize (controls.js): a timer
        # set now, for as long, runs after it.
        driver.execute_async_script("setTimeout(arguments[0], 100)")


def page_texts(driver) -> list[dict]:
    """Every text the page shows now, and every image drawn into a part of a canvas (text
    "[image]", image true) and every filled circle of 3.5 px radius or more (a curve's end
    marker, a node; text "[mark]", mark true, its box 2 px wider each way): {text, where,
    canvas (the page's canvas number; null: HTML), image, mark, box (page pixels x0, y0, x1,
    y1),
    color (a canvas text's fill style, as the canvas reports it: "#rrggbb" or "rgba(...)"),
    inside (within its canvas), node (an HTML text's node: a text wrapped over lines has a
    box per line)}."""
    return driver.execute_script("return window.__pageText()")
