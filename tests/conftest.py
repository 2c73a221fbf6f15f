import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.build import build
from kgraph.resources import packaged_data_dir
from kgraph.store import open_store

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_dir(tmp_path) -> Path:
    """A private, editable copy of the curated records."""
    target = tmp_path / "data"
    shutil.copytree(packaged_data_dir(), target)
    return target


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    """The curated graph, built once for the session (read-only in tests)."""
    target = tmp_path_factory.mktemp("store") / ".kgraph"
    build(packaged_data_dir(), target)
    return target


@pytest.fixture(scope="session")
def store(store_dir):
    return open_store(store_dir)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


def _chromium(*, loopback: bool):
    """Headless Debian chromium; every request it attempts is logged. Without `loopback` it has no network
    at all (static pages); with it, only 127.0.0.1 answers (a local server's page): any other host goes
    to a proxy that does not exist."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900",
                     "--proxy-server=http://127.0.0.1:9", *(() if loopback else ("--proxy-bypass-list=<-loopback>",))):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # an explicit driver path: Selenium Manager would otherwise try to download one
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    if not loopback:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                               {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    return driver


@pytest.fixture(scope="session")
def browser():
    """Chromium with networking disabled, for self-contained pages."""
    driver = _chromium(loopback=False)
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def local_browser():
    """Chromium that reaches 127.0.0.1 only, for pages kgraph serves."""
    driver = _chromium(loopback=True)
    yield driver
    driver.quit()
