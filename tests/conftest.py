import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import strategies as st

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


_NEW_ITEMS = ["- id: nowe-miasto\n  type: city\n  country: polska\n  labels: {pl: Nowe Miasto, en: Nowe Miasto}\n"
              "  sources: [https://example.org/nowe]\n",
              "- id: nowe-miasto\n  type: city\n  country: nie-ma\n  labels: {pl: Nowe, en: Nowe}\n  sources: [https://example.org/n]\n"]
_LINES = ["# a comment\n", "\n", "---\n", "  note: a note\n", "  labels: {pl: [\n", "-x\n", "- \n", "\tnote: tab\n"]


def _edit_record_lines(text: str, data, rng) -> str:
    """One edit of `text` as a person makes them: an item removed, moved or added, a label changed, a comment
    or a blank line added; or lines removed or copied, or a line added, that may leave no valid file."""
    lines = text.splitlines(keepends=True)
    item_starts = [i for i, line in enumerate(lines) if line.startswith("- ")] + [len(lines)]
    item = rng.randrange(len(item_starts) - 1)
    first, last = item_starts[item], item_starts[item + 1]
    kind = data.draw(st.sampled_from(["remove item", "move item", "add item", "relabel", "comment", "remove lines",
                                      "copy lines", "add line"]))
    if kind == "remove item":
        del lines[first:last]
    elif kind == "move item":
        moving = lines[first:last]
        del lines[first:last]
        to = rng.choice([i for i, line in enumerate(lines) if line.startswith("- ")] + [len(lines)])
        lines[to:to] = moving
    elif kind == "add item" and data.draw(st.booleans()):  # a copy of an item, with an id of its own
        copy = lines[first:last]
        copy[0] = copy[0].replace("- id: ", f"- id: kopia-{rng.randrange(1000)}-", 1)
        lines[rng.choice(item_starts):0] = copy
    elif kind == "add item":
        lines[first:first] = [data.draw(st.sampled_from(_NEW_ITEMS))]
    elif kind == "relabel":
        at = rng.choice([i for i in range(first, last) if "pl: " in lines[i] and "pl: '" not in lines[i]] or [first])
        lines[at] = lines[at].replace("pl: ", "pl: Nowa ", 1)
    elif kind == "comment":
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["# a comment\n", "\n"]))
    else:
        at = rng.randrange(len(lines) + 1)
        span = slice(at, at + rng.randint(1, 12))
        if kind == "remove lines":
            del lines[span]
        elif kind == "copy lines":
            lines[rng.randrange(len(lines) + 1):0] = lines[span]
        else:
            lines.insert(at, data.draw(st.sampled_from(_LINES)))
    return "".join(lines)


@pytest.fixture(scope="session")
def edit_record_lines():
    """edit_record_lines(text, hypothesis data, random.Random) -> the text of a record file after one edit."""
    return _edit_record_lines


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
