"""The explore page (map, timeline, network) and the map picture: what they hold, and how they behave in Chromium."""
import json

import pytest

from kgraph.analyse import network_and_selection
from kgraph.build import build
from kgraph.cli import cli
from kgraph.explore import explore_payload, render_explore, write_explore
from kgraph.store import open_store

PLACE = "https://w3id.org/kgraph/id/place/"


@pytest.fixture(scope="module")
def selection(store):
    return network_and_selection(store)  # (the whole network, the default selection)


@pytest.fixture(scope="module")
def payload(selection):
    full, shown = selection
    return explore_payload(shown, full=full)


def test_every_town_is_on_the_map_or_listed_off_it(selection, payload):
    full, shown = selection
    towns = {n for n, d in shown.nodes(data=True) if d["kind"] in ("City", "Region")}
    on_map = {p["id"] for p in payload["places"]}
    off_map = {p["id"] for p in payload["off_map"]["places"]}
    assert towns <= on_map | off_map and not on_map & off_map
    assert all(full.nodes[p]["lat"] is not None for p in on_map)
    visits = [(u, v) for u, v, d in shown.edges(data=True) if d["kind"] == "visit"]
    assert len(payload["visits"]) + len(payload["off_map"]["visits"]) == len(visits)  # every visit drawn or listed


def test_a_persons_visit_starts_where_they_held_a_post(payload):
    visit = next(v for v in payload["visits"] if v["visitorLabel"] == "Krystian Kinastowski" and v["placeLabel"] == "Martin")
    assert visit["from"] == PLACE + "kalisz" and visit["start"] == "2025-11-06"


def test_timeline_holds_visits_posts_partnerships_and_events(payload, selection):
    kinds = {i["kind"] for i in payload["items"]}
    assert kinds == {"visit", "post", "partnership", "event"}
    assert all(i["start"] for i in payload["items"])
    by_person = explore_payload(selection[1], full=selection[0], group_by="person")
    assert {g["content"] for g in by_person["groups"]} >= {"Krystian Kinastowski", "Stratsimir Petkov"}


def test_page_is_deterministic_and_self_contained(selection):
    full, shown = selection
    page = render_explore(shown, full=full)
    assert page == render_explore(shown, full=full)
    head = page.split("<body>")[0]
    assert "default-src 'none'" in head
    assert " src=" not in page.replace(" src=x", "") and "<link" not in page  # nothing loaded from anywhere


def test_extracted_places_come_with_gazetteer_coordinates(tmp_path, data_dir):
    text = tmp_path / "t.txt"
    text.write_text("Wizyta w Opolu\n5 maja 2024\nDo Opola przyjechał burmistrz Jan Kowalczyk z Kitzingen.\n", encoding="utf-8")
    build(data_dir, tmp_path / "s", extracted=[text])
    full, shown = network_and_selection(open_store(tmp_path / "s"))
    opole = next(n for n, d in full.nodes(data=True) if d["label"] == "Opole")
    assert full.nodes[opole]["lat"] == pytest.approx(50.67, abs=0.05)
    payload = explore_payload(shown, full=full)
    assert opole in {p["id"] for p in payload["places"]}


def test_map_picture(selection, tmp_path, runner, store_dir):
    out, png = tmp_path / "e.html", tmp_path / "e.png"
    result = runner.invoke(cli, ["explore", "--store", str(store_dir), "--out", str(out), "--png", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    first = png.read_bytes()
    runner.invoke(cli, ["explore", "--store", str(store_dir), "--out", str(out), "--png", str(png)])
    assert png.read_bytes() == first


def test_cli_options(runner, store_dir, tmp_path):
    out = tmp_path / "m.html"
    result = runner.invoke(cli, ["view", "--store", str(store_dir), "--layout", "map", "--out", str(out)])
    assert result.exit_code == 0 and "places" in result.stderr
    data = json.loads(out.read_text(encoding="utf-8").split('id="kgraph-data">')[1].split("</script>")[0])
    assert data["panels"] == ["map"] and data["network"] is None
    bad = runner.invoke(cli, ["explore", "--store", str(store_dir), "--out", str(out), "--group-by", "city"])
    assert bad.exit_code == 2
    empty = runner.invoke(cli, ["explore", "--store", str(store_dir), "--out", str(tmp_path / "x.html"), "--from", "2100", "--to", "2100"])
    assert empty.exit_code == 1 and "nothing to show" in empty.output and not (tmp_path / "x.html").exists()


# -- in Chromium, offline


def _open(driver, path):
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get_log("browser"), driver.get_log("performance")
    driver.get(path.as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.body.dataset.ready === 'true'"))
    messages = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    requests = [m["params"]["request"]["url"] for m in messages if m["method"] == "Network.requestWillBeSent"]
    return [u for u in requests if u != path.as_uri()], [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.mark.browser
def test_browser_panels_hold_the_selection_and_the_window_filters_all_three(browser, selection, tmp_path):
    full, shown = selection
    path = tmp_path / "e.html"
    write_explore(shown, path, full=full)
    payload = explore_payload(shown, full=full)
    requests, errors = _open(browser, path)
    assert requests == [] and errors == []
    before = browser.execute_script("return kgraph.counts()")
    visits = sum(1 for _, _, d in shown.edges(data=True) if d["kind"] == "visit")
    assert before["markers"] == len(payload["places"])
    assert before["arcs"] == len({(v["from"], v["place"]) for v in payload["visits"]})
    assert before["timelineItems"] == len(payload["items"])
    assert before["networkVisits"] == before["timelineVisits"] == before["mapVisits"] + before["mapUndrawnVisits"] == visits
    browser.execute_script("kgraph.setWindow('2025-01-01', '2025-12-31')")
    after = browser.execute_script("return kgraph.counts()")
    in_2025 = [v for v in payload["visits"] + payload["off_map"]["visits"] if v["start"] and v["start"] <= "2025-12-31"
               and (v["end"] or v["start"]) >= "2025-01-01"]
    assert after["networkVisits"] == after["timelineVisits"] == after["mapVisits"] + after["mapUndrawnVisits"] == len(in_2025)
    assert 0 < len(in_2025) < visits and after["timelineItems"] < before["timelineItems"]
    assert after["networkEdges"] < before["networkEdges"]


@pytest.mark.browser
def test_browser_selecting_a_town_on_the_map_selects_it_everywhere(browser, selection, tmp_path):
    full, shown = selection
    path = tmp_path / "e.html"
    write_explore(shown, path, full=full)
    _open(browser, path)
    browser.execute_script("kgraph.markers[arguments[0]].fire('click')", PLACE + "martin")
    assert PLACE + "martin" in browser.execute_script("return kgraph.network.network.getSelectedNodes()")
    selected = browser.execute_script("return kgraph.timeline.getSelection()")
    assert selected and all(any(PLACE + "martin" in i["nodes"] for i in explore_payload(shown, full=full)["items"]
                                if i["id"] == s) for s in selected)
    # and from the network to the map
    browser.execute_script("kgraph.network.network.selectNodes([arguments[0]]);"
                           "kgraph.network.network.body.emitter.emit('selectNode', {nodes: [arguments[0]]})", PLACE + "lowecz")
    assert browser.execute_script("return kgraph.markers[arguments[0]].options.radius", PLACE + "lowecz") == 10


@pytest.mark.browser
def test_browser_shows_hostile_labels_as_text(browser, data_dir, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException

    places = data_dir / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace("labels: {pl: Martin, en: Martin}",
                                                                  "labels: {pl: '<img src=x onerror=alert(1)>Martin', en: Martin}"),
                      encoding="utf-8")
    build(data_dir, tmp_path / "s")
    full, shown = network_and_selection(open_store(tmp_path / "s"))
    path = tmp_path / "e.html"
    write_explore(shown, path, full=full)
    requests, errors = _open(browser, path)
    assert requests == [] and errors == []
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert "<img src=x onerror=alert(1)>Martin" in browser.find_element("id", "timeline").text
