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
    problems = [entry for entry in driver.get_log("browser")
                if entry["level"] in ("SEVERE", "WARNING")]
    assert problems == [], problems
    urls = requests(driver)
    assert all(url == page.as_uri() or url.startswith("data:") for url in urls), urls
    return driver


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
