"""Headless Chromium for the playground's tests: Debian's chromium and chromium-driver through
Selenium pointed at /usr/bin/chromedriver (nothing is downloaded), and a way to run the page's
JavaScript files on a blank page. Modules that import this are skipped, with the reason, where
either is missing."""

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


@pytest.fixture(scope="module")
def browser():
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
