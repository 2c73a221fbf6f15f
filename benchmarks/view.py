"""Network view benchmark: time to lay out and write the HTML, its size, and how fast Chromium opens it.

    python -m benchmarks.view                    # 1k, 5k and 20k nodes
    python -m benchmarks.view --sizes 1000       # one size
    python -m benchmarks.view --no-browser       # without opening the pages

Networks are synthetic but shaped like kgraph's (kgraph.analyse.to_networkx):
people with posts and about three visits each (some repeated), cities in
countries with partnerships, organisations seated in cities, a source on every
fact. Writes benchmarks/view.json and benchmarks/VIEW.md.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import tempfile
import time
from pathlib import Path

import networkx as nx

from kgraph.view import render_html
from kgraph.files import write_atomic

HERE = Path(__file__).resolve().parent


def synthetic_network(nodes: int, *, seed: int = 11) -> nx.MultiDiGraph:
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    counts = {"Country": max(2, nodes // 50), "City": nodes * 3 // 10, "Organisation": nodes * 8 // 100}
    counts["Person"] = nodes - sum(counts.values())
    ids = {kind: [f"https://example.org/{kind.lower()}/{i}" for i in range(n)] for kind, n in counts.items()}
    for kind, members in ids.items():
        for i, node in enumerate(members):
            G.add_node(node, label=f"{kind} {i}", kind=kind, sources=[])
    source = lambda: [{"document": f"https://example.org/news/{rng.randrange(500)}",  # noqa: E731
                       "name": "Aktualność", "url": f"https://example.org/news/{rng.randrange(500)}"}]
    for city in ids["City"]:
        G.add_edge(city, rng.choice(ids["Country"]), kind="located", label="", sources=[])
        other = rng.choice(ids["City"])
        if other != city:
            G.add_edge(city, other, key=f"p:{city}", kind="partnership", label="miasto partnerskie",
                       start=str(rng.randint(1950, 2024)), sources=source())
    for org in ids["Organisation"]:
        G.add_edge(org, rng.choice(ids["City"]), kind="located", label="", sources=[])
    for n, person in enumerate(ids["Person"]):
        for k in range(rng.randint(1, 2)):
            G.add_edge(person, rng.choice(ids["City"] + ids["Organisation"]), key=f"post:{n}:{k}", kind="post",
                       label="radny", start=str(rng.randint(1990, 2024)), sources=source())
        home = rng.choice(ids["City"])
        for k in range(rng.randint(1, 5)):
            day = f"{rng.randint(2000, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            place = home if k and rng.random() < 0.2 else rng.choice(ids["City"])  # some repeated visits
            G.add_edge(person, place, key=f"visit:{n}:{k}", kind="visit", label=f"Wizyta {n}.{k}", start=day, end=day,
                       fact=f"https://example.org/visit/{n}/{k}", sources=source())
    return G


def _open_in_chromium(driver, path: Path) -> dict:
    start = time.perf_counter()
    driver.get(path.as_uri())  # returns after the load event: the scripts have run and the network is built
    driver.execute_async_script("requestAnimationFrame(function () { requestAnimationFrame(arguments[0]); }.bind(null, arguments[0]))")
    opened = time.perf_counter() - start
    search = driver.execute_script("""
        var box = document.getElementById('search'), t0 = performance.now();
        box.value = 'Person 7';
        box.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}));
        kgraph.network.redraw();
        return [performance.now() - t0, kgraph.network.getSelectedNodes().length,
                kgraph.network.body.nodeIndices.length, kgraph.network.body.edgeIndices.length];""")
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return {"open_s": round(opened, 2), "search_ms": round(search[0], 1), "found": search[1],
            "drawn_nodes": search[2], "drawn_edges": search[3], "console_errors": len(errors)}


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(300)
    driver.set_page_load_timeout(600)
    return driver


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    driver = None if args.no_browser else _driver()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            G = synthetic_network(size)
            start = time.perf_counter()
            page = render_html(G, title=f"synthetic {size}").encode("utf-8")
            rendered = time.perf_counter() - start
            out = Path(tmp) / f"view-{size}.html"
            start = time.perf_counter()
            write_atomic(out, page)
            written = time.perf_counter() - start
            row = {"nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "render_s": round(rendered, 2),
                   "write_s": round(written, 3), "bytes": len(page)}
            if driver is not None:
                row.update(_open_in_chromium(driver, out))
            results.append(row)
            print(json.dumps(row), flush=True)
    if driver is not None:
        driver.quit()
    machine = f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    (HERE / "view.json").write_text(json.dumps({"machine": machine, "results": results}, indent=1) + "\n", encoding="utf-8")
    lines = ["# View benchmark: writing and opening network views", "",
             f"Machine: {machine}. `python -m benchmarks.view`; one run per size. Synthetic networks shaped like "
             "kgraph's (people with posts and visits, cities in countries with partnerships, organisations; a source on "
             "every fact). render = layout in Python (PivotMDS, above 300 nodes) and the page as a string; open = "
             "headless Chromium from navigation until the network is built and drawn; search = selecting and zooming to "
             "a node from the search box.", "",
             "| nodes | edges | render | write | HTML size | open in Chromium | search | drawn nodes / edges |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        browser = (f"{r['open_s']:.2f} s | {r['search_ms']:.0f} ms | {r['drawn_nodes']:,} / {r['drawn_edges']:,}"
                   if "open_s" in r else "— | — | —")
        lines.append(f"| {r['nodes']:,} | {r['edges']:,} | {r['render_s']:.2f} s | {r['write_s']:.3f} s | "
                     f"{r['bytes'] / 2**20:.1f} MiB | {browser} |")
    (HERE / "VIEW.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
