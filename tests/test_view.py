"""Network views: what the page holds (no browser) and what a real browser makes of it."""
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from kgraph.analyse import network_for, select, to_networkx
from kgraph.build import build
from kgraph.cli import cli
from kgraph.store import open_store
from kgraph.view import layout, render_html, write_html

HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_TITLE = "</script><script>alert(2)</script> & <b>"


@pytest.fixture(scope="module")
def network(store):
    return to_networkx(store)


@pytest.fixture
def hostile_store(data_dir, tmp_path):
    """The curated records plus a person whose name is HTML, who visited Łowecz."""
    with open(data_dir / "people.yaml", "a", encoding="utf-8") as people:
        people.write(f"\n- id: hostile\n  name: '{HOSTILE}'\n  sources: [news-2025-10-01-festiwal-w-loweczu]\n")
    events = (data_dir / "events.yaml").read_text(encoding="utf-8")
    marker = "visitors: [kalisz, slawomir-lasiecki"
    assert marker in events
    (data_dir / "events.yaml").write_text(events.replace(marker, "visitors: [hostile, kalisz, slawomir-lasiecki", 1),
                                          encoding="utf-8")
    build(data_dir, tmp_path / "store")
    return open_store(tmp_path / "store")


# --- the page, without a browser ------------------------------------------------


def test_page_is_self_contained(network):
    page = render_html(select(network))
    assert "<script src" not in page and "<link" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing to fetch from elsewhere


def test_page_is_deterministic(network):
    assert render_html(select(network)) == render_html(select(network))


def test_hostile_text_is_escaped(hostile_store):
    graph = select(to_networkx(hostile_store))
    page = render_html(graph, title=HOSTILE_TITLE)
    assert HOSTILE not in page and "</script><script>alert(2)" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; &lt;b&gt;" in page  # <title>
    data = page.split('id="kgraph-data">', 1)[1].split("</script>", 1)[0]
    labels = {n["label"] for n in json.loads(data)["nodes"]}
    assert HOSTILE in labels  # shown as the text it is


def test_every_repeated_visit_is_its_own_edge(network):
    graph = select(network)
    pairs = [(u, v) for u, v, kind in graph.edges(data="kind") if kind == "visit"]
    assert len(pairs) > len(set(pairs)), "the curated data has repeated visits between one pair"
    data = render_html(graph).split('id="kgraph-data">', 1)[1].split("</script>", 1)[0]
    assert len(json.loads(data)["edges"]) == graph.number_of_edges()


def test_no_files_besides_out(runner, store_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["view", "--out", "v.html", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.html"]  # no lib/ (pyvis #174)


def test_layout_separates_every_node():
    star = nx.star_graph(400)  # 400 leaves that all sit at the same distance from every pivot
    positions = layout(nx.disjoint_union(star, nx.path_graph(50)))
    assert len(positions) == 451 and len(set(positions.values())) == 451
    assert positions == layout(nx.disjoint_union(star, nx.path_graph(50)))


# --- choosing what to show ----------------------------------------------------


def test_default_types_draw_visits_directly(network):
    graph = select(network)
    assert {d["kind"] for _, d in graph.nodes(data=True)} == {"Person", "City", "Country", "Region", "Organisation"}
    assert "visit" in {k for _, _, k in graph.edges(data="kind")}


def test_events_shown_carry_the_visits(network):
    graph = select(network, kinds={"Person", "City", "Event"})
    kinds = {k for _, _, k in graph.edges(data="kind")}
    assert "visit" not in kinds and {"visitor", "venue"} <= kinds


def test_focus_and_depth(store):
    one = network_for(store, focus="lowecz", depth=1)
    two = network_for(store, focus="Lovech", depth=2)
    lowecz = "https://w3id.org/kgraph/id/place/lowecz"
    assert lowecz in one and set(one) < set(two)
    assert all(nx.has_path(one.to_undirected(), lowecz, n) for n in one)
    assert "https://w3id.org/kgraph/id/person/andrzej-plichta" in one  # visited Łowecz


def test_window(store):
    graph = network_for(store, window=(__import__("datetime").date(2025, 9, 1), __import__("datetime").date(2025, 9, 30)))
    visits = [d for _, _, d in graph.edges(data=True) if d["kind"] == "visit"]
    assert visits and all(d["start"] <= "2025-09-30" and d["end"] >= "2025-09-01" for d in visits)


def test_query_result_as_view(store):
    graph = network_for(store, query="who-visited-where", params={"country": "Bułgaria"})
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert "Łowecz" in labels and "Andrzej Plichta" in labels
    assert "Preston" not in labels


# --- the command ------------------------------------------------------------


def test_view_command_options(runner, store_dir, tmp_path):
    out = tmp_path / "v.html"
    result = runner.invoke(cli, ["view", "--out", str(out), "--store", str(store_dir), "--focus", "Łowecz",
                                 "--depth", "2", "--type", "people,cities", "--type", "events", "--lang", "en",
                                 "--size-by", "degree", "--colour-by", "community"])
    assert result.exit_code == 0, result.output
    assert "Lovech" in out.read_text(encoding="utf-8")


def test_unknown_focus_suggests_names(runner, store_dir, tmp_path):
    result = runner.invoke(cli, ["view", "--out", str(tmp_path / "v.html"), "--store", str(store_dir), "--focus", "Kinastowsky"])
    assert result.exit_code == 2 and "Krystian Kinastowski" in result.output
    assert not (tmp_path / "v.html").exists()


def test_empty_window_is_an_error_unless_allowed(runner, store_dir, tmp_path):
    out = tmp_path / "v.html"
    result = runner.invoke(cli, ["view", "--out", str(out), "--store", str(store_dir), "--from", "2040", "--to", "2041"])
    assert result.exit_code == 1 and "nothing to show" in result.output and not out.exists()
    result = runner.invoke(cli, ["view", "--out", str(out), "--store", str(store_dir), "--from", "2040", "--allow-empty"])
    assert result.exit_code == 0 and out.exists()


def test_unwritable_out_keeps_nothing(runner, store_dir, tmp_path):
    result = runner.invoke(cli, ["view", "--out", str(tmp_path / "missing" / "v.html"), "--store", str(store_dir)])
    assert result.exit_code == 1 and "cannot write" in result.output
    assert not (tmp_path / "missing").exists()


def test_bad_dates_are_usage_errors(runner, store_dir, tmp_path):
    result = runner.invoke(cli, ["view", "--out", str(tmp_path / "v.html"), "--store", str(store_dir), "--from", "last year"])
    assert result.exit_code == 2 and "--from" in result.output
    result = runner.invoke(cli, ["view", "--out", str(tmp_path / "v.html"), "--store", str(store_dir), "--from", "2025", "--to", "2024"])
    assert result.exit_code == 2


# --- in a real browser ----------------------------------------------------------


def _open(driver, path: Path) -> dict:
    driver.get_log("browser"), driver.get_log("performance")  # start from empty logs
    driver.get(path.as_uri())
    drawn = driver.execute_script(
        "return [kgraph.network.body.nodeIndices.length, kgraph.network.body.edgeIndices.length]")
    messages = [json.loads(entry["message"])["message"] for entry in driver.get_log("performance")]
    requests = [m["params"]["request"]["url"] for m in messages if m["method"] == "Network.requestWillBeSent"]
    return {"nodes": drawn[0], "edges": drawn[1], "requests": [u for u in requests if u != path.as_uri()],
            "errors": [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]}


@pytest.mark.browser
def test_browser_draws_everything_offline(browser, network, tmp_path):
    graph = select(network)
    write_html(graph, tmp_path / "v.html")
    report = _open(browser, tmp_path / "v.html")
    assert report == {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "requests": [], "errors": []}


@pytest.mark.browser
def test_browser_search_selects_and_zooms(browser, network, tmp_path):
    from selenium.webdriver.common.keys import Keys

    write_html(select(network), tmp_path / "v.html")
    _open(browser, tmp_path / "v.html")
    box = browser.find_element("id", "search")
    box.send_keys("LOWECZ", Keys.ENTER)  # case and diacritics ignored
    assert browser.execute_script("return kgraph.network.getSelectedNodes()") == ["https://w3id.org/kgraph/id/place/lowecz"]
    assert browser.find_element("id", "search-result").text.startswith("Łowecz (1/")
    assert browser.execute_script("return kgraph.network.getScale()") == pytest.approx(1.5)
    box.send_keys(Keys.ENTER)  # the next match
    assert browser.find_element("id", "search-result").text.split(" (")[1].startswith("2/")
    assert browser.execute_script("return kgraph.network.getSelectedNodes()") != ["https://w3id.org/kgraph/id/place/lowecz"]


@pytest.mark.browser
def test_browser_shows_hostile_text_as_text(browser, hostile_store, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException

    graph = select(to_networkx(hostile_store))
    write_html(graph, tmp_path / "v.html", title=HOSTILE_TITLE)
    report = _open(browser, tmp_path / "v.html")
    assert report["errors"] == [] and report["requests"] == []
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    assert browser.find_element("id", "title").text == HOSTILE_TITLE.replace("  ", " ").strip()
    node = browser.execute_script(
        "var n = kgraph.nodes.get('https://w3id.org/kgraph/id/person/hostile');"
        "return [n.label, n.title.textContent, n.title.querySelectorAll('img').length, document.querySelectorAll('img').length];")
    assert node[0] == HOSTILE and HOSTILE in node[1] and node[2:] == [0, 0]


@pytest.mark.browser
def test_browser_large_view_is_laid_out_in_python(browser, tmp_path):
    graph = nx.MultiDiGraph()
    for i in range(1200):
        graph.add_node(f"urn:n{i}", label=f"n{i}", kind="Person" if i % 3 else "City")
    for i in range(1, 1200):
        graph.add_edge(f"urn:n{i}", f"urn:n{(i * 7919) % i}", kind="visit", label="", start="2025-01-01", end="2025-01-01")
    write_html(graph, tmp_path / "big.html")
    report = _open(browser, tmp_path / "big.html")
    assert report == {"nodes": 1200, "edges": 1199, "requests": [], "errors": []}
    assert browser.execute_script("return kgraph.network.physics.options.enabled") is False


@pytest.mark.browser
def test_browser_legend_layout_and_focus(browser, store, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    from kgraph.analyse import network_for

    graph = network_for(store)
    path = tmp_path / "v.html"
    focus = "https://w3id.org/kgraph/id/place/lowecz"
    write_html(graph, path, focus=focus)

    def settled_positions():
        browser.get(path.as_uri())
        WebDriverWait(browser, 30).until(lambda d: d.execute_script(
            "return document.getElementById('network').dataset.settled === 'true'"))
        return browser.execute_script("return kgraph.network.getPositions()")

    first = settled_positions()
    # the legend: each node kind's shape and colour, and the edge colours
    shapes = browser.execute_script("return [...document.querySelectorAll('#legend i')].map(i => i.className)")
    assert {"shape-dot", "shape-square", "shape-triangle", "shape-star", "edge"} <= set(shapes)
    assert browser.execute_script("return document.querySelector('#legend [data-kind=edge-visit]') !== null")
    # settled: physics off, nothing moves; the focus is selected and centred
    assert browser.execute_script("return kgraph.network.physics.options.enabled") is False
    assert browser.execute_script("return kgraph.network.getSelectedNodes()") == [focus]
    centre = browser.execute_script("return kgraph.network.getViewPosition()")
    assert abs(centre["x"] - first[focus]["x"]) < 1 and abs(centre["y"] - first[focus]["y"]) < 1
    browser.execute_script("return new Promise(r => setTimeout(r, 500))")
    assert browser.execute_script("return kgraph.network.getPositions()") == first
    # and the same graph opens the same way again
    assert settled_positions() == first
