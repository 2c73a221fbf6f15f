"""Reviewing extracted facts: the queue, the YAML it writes, the CLI, the HTTP API and the page in a real browser."""
import difflib
import io
import json
import shutil
import subprocess
import sys
import time

import pytest

from kgraph.cli import cli
from kgraph.records import load_records
from kgraph.review import ReviewConflict, ReviewError, ReviewQueue, _yaml, add_paths

# A news item written for these tests: a curated person's name misspelled, and a visit to a town not yet in the records.
EXTRA_TEXT = """Burmistrz Łowecza w Kaliszu
12 marca 2025
Do Kalisza przyjechał Stratsimir Petkow, burmistrz Łowecza w Bułgarii.
Dzień później burmistrz Jan Wiśniewski z Bochni odwiedził Opole.
"""


@pytest.fixture
def review_data(data_dir, tmp_path):
    """The records without their visits (so the seed texts' visits are new), and one more text."""
    yaml = _yaml()
    path = data_dir / "events.yaml"
    events = yaml.load(path.read_text(encoding="utf-8"))
    for k in range(len(events) - 1, -1, -1):
        if events[k]["type"] in ("visit", "delegation", "exchange"):
            del events[k]
    out = io.StringIO()
    yaml.dump(events, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    load_records(data_dir)
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "petkow.txt").write_text(EXTRA_TEXT, encoding="utf-8")
    return data_dir


def _texts(data_dir, tmp_path):
    return [data_dir / "texts", tmp_path / "news" / "petkow.txt"]


def _find(queue, kind, **fields):
    found = [p for p in queue.proposals(kind=kind) if all(p["fields"].get(k) == v for k, v in fields.items())]
    assert len(found) == 1, [p["fields"] for p in queue.proposals(kind=kind)]
    return found[0]


def _snapshot(data_dir):
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(data_dir.glob("*.yaml"))}


def test_add_queues_new_facts_once_and_leaves_out_curated_ones(review_data, tmp_path):
    queue = ReviewQueue(review_data)
    first = add_paths(queue, _texts(review_data, tmp_path))
    assert first.queued > 10 and first.already_curated > 0
    assert _find(queue, "visit", visitor="Kalisz", place="Martin", start="2025-11-06")
    again = add_paths(queue, _texts(review_data, tmp_path))
    assert again.queued == 0 and again.already_queued == first.queued + first.already_queued


def test_accept_writes_an_event_with_source_and_evidence_keeping_comments(review_data, tmp_path):
    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    before = _snapshot(review_data)
    visit = _find(queue, "visit", visitor="Kalisz", place="Martin", start="2025-11-06")
    queue.accept(visit["id"])
    member = _find(queue, "visit", visitor="Krystian Kinastowski", place="Martin")
    queue.accept(member["id"])
    after = _snapshot(review_data)
    diff = [line for line in difflib.unified_diff(before["events.yaml"].splitlines(), after["events.yaml"].splitlines(),
                                                  lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert not [line for line in diff if line.startswith("-")], "an accepted fact only adds lines"
    assert len(diff) < 20
    assert {k: v for k, v in after.items() if k != "events.yaml"} == {k: v for k, v in before.items() if k != "events.yaml"}
    event = [e for e in load_records(review_data).events if e.location == "martin" and e.visitors][0]
    assert event.visitors == ("kalisz", "krystian-kinastowski")  # one delegation, one event
    assert event.sources == ("news-2025-11-12-dni-sw-marcina-w-martinie",)
    assert "w słowackim mieście Martin" in event.evidence[0].sentence and event.evidence[0].start > 0


def test_reject_is_remembered_across_texts_and_queues(review_data, tmp_path):
    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    wrong = _find(queue, "visit", visitor="Kalisz", place="Martin", start="2024-11-08")
    queue.reject(wrong["id"])
    assert wrong["key"] in (review_data / "review" / "rejected.yaml").read_text(encoding="utf-8")
    (review_data / "review" / "queue.json").unlink()  # a fresh queue still knows the rejection
    fresh = ReviewQueue(review_data)
    add_paths(fresh, _texts(review_data, tmp_path))
    assert wrong["key"] not in {p["key"] for p in fresh.proposals()}


def test_a_decided_proposal_cannot_be_decided_again(review_data, tmp_path):
    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    visit = _find(queue, "visit", visitor="Kalisz", place="Martin", start="2025-11-06")
    other_tab = ReviewQueue(review_data)
    queue.accept(visit["id"])
    with pytest.raises(ReviewConflict, match="accepted meanwhile"):
        other_tab.reject(visit["id"])


def test_edit_relinks_and_link_propagates_then_accept_adds_an_alias(review_data, tmp_path):
    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    visit = _find(queue, "visit", visitor="Stratsimir Petkow", place="Kalisz")
    assert visit["links"]["visitor"] is None  # a new name
    entity = _find(queue, "entity", name="Stratsimir Petkow")
    queue.link(entity["id"], "name", "stratsimir-petkov")
    assert queue.get(visit["id"])["links"]["visitor"] == "stratsimir-petkov"
    queue.accept(entity["id"])
    person = load_records(review_data).entity("stratsimir-petkov")
    assert "Stratsimir Petkow" in person.aliases
    queue.edit(visit["id"], {"visitor": "Stratsimir Petkov"})  # the misspelling fixed: links by name
    assert queue.get(visit["id"])["links"]["visitor"] == "stratsimir-petkov"


def test_refused_edits_and_accepts_write_nothing(review_data, tmp_path):
    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    before = _snapshot(review_data)
    visit = _find(queue, "visit", visitor="Kalisz", place="Martin", start="2025-11-06")
    with pytest.raises(ReviewError, match="not a date"):
        queue.edit(visit["id"], {"start": "2025-02-30"})
    with pytest.raises(ReviewError, match="cannot edit 'person'"):
        queue.edit(visit["id"], {"person": "X"})
    queue.link(visit["id"], "place", "krystian-kinastowski")  # a person as the place: the records refuse it
    with pytest.raises(ReviewError, match=r"refused, nothing written: .*events\.yaml:\d+: .*'location' names 'krystian-kinastowski', a person"):
        queue.accept(visit["id"])
    assert _snapshot(review_data) == before
    assert queue.get(visit["id"])["status"] == "pending"


def test_hand_edits_made_meanwhile_are_kept(review_data, tmp_path):
    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    path = review_data / "events.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# checked by hand on Monday\n", encoding="utf-8")
    queue.accept(_find(queue, "visit", visitor="Kalisz", place="Martin", start="2025-11-06")["id"])
    assert "# checked by hand on Monday" in path.read_text(encoding="utf-8")


def test_undo_restores_files_and_queue(review_data, tmp_path):
    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    before = _snapshot(review_data)
    visit = _find(queue, "visit", visitor="Jan Wiśniewski", place="Opole")  # new person, new town, new document
    written = queue.accept(visit["id"])
    assert {"jan-wisniewski", "opole"} <= set(written)
    assert (review_data / "texts" / "petkow.txt").exists()  # the text is kept with its records
    assert queue.undo()["status"] == "pending"
    assert _snapshot(review_data) == before
    assert not (review_data / "texts" / "petkow.txt").exists()
    with pytest.raises(ReviewError, match="nothing to undo"):
        queue.undo()


def test_new_town_gets_country_and_coordinates_from_the_gazetteer(review_data, tmp_path):
    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    queue.accept(_find(queue, "visit", visitor="Jan Wiśniewski", place="Opole")["id"])
    opole = load_records(review_data).entity("opole")
    assert opole.country == "polska" and opole.lat == pytest.approx(50.67, abs=0.05)


def test_merge_makes_two_new_names_one_record(review_data, tmp_path):
    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    keep = _find(queue, "entity", name="Jan Wiśniewski")
    drop = queue.edit(_find(queue, "entity", name="Stratsimir Petkow")["id"], {"name": "J. Wiśniewski"})
    queue.merge(keep["id"], drop["id"])
    assert queue.get(drop["id"])["status"] == "merged"
    with pytest.raises(ReviewError, match="two different pending entity"):
        queue.merge(keep["id"], keep["id"])
    queue.accept(keep["id"])
    person = load_records(review_data).entity("jan-wisniewski")
    assert person.labels["pl"] == "Jan Wiśniewski" and person.aliases == ("J. Wiśniewski",)


def test_an_accepted_fact_leaves_the_extracted_graph(review_data, tmp_path):
    from kgraph.build import build
    from kgraph.query import run_query
    from kgraph.store import open_store

    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    texts = _texts(review_data, tmp_path)

    def kalisz_in_martin(store_name):
        """(curated rows, rows with the extracted graph too) of Kalisz's November 2025 visit to Martin."""
        build(review_data, tmp_path / store_name, extracted=texts)
        store = open_store(tmp_path / store_name)
        return tuple(sum(r["visitorName"] == "Kalisz" for r in run_query(
            store, "who-visited-where", {"place": "Martin", "from": "2025-11-01"}, include_extracted=extracted).records())
            for extracted in (False, True))

    assert kalisz_in_martin("before") == (0, 1)  # extracted only
    queue.accept(_find(queue, "visit", visitor="Kalisz", place="Martin", start="2025-11-06")["id"])
    assert kalisz_in_martin("after") == (1, 1)  # curated now, and the extracted copy left out


# -- the CLI


def test_cli_list_json_accept_reject_and_second_add(runner, review_data, tmp_path):
    texts = [str(p) for p in _texts(review_data, tmp_path)]
    result = runner.invoke(cli, ["review", "add", *texts, "--data", str(review_data)])
    assert result.exit_code == 0 and result.output.startswith("queued ")
    listed = json.loads(runner.invoke(cli, ["review", "list", "--format", "json", "--data", str(review_data)]).output)
    assert {"id", "kind", "document", "visitor", "place", "start", "end"} <= set(next(p for p in listed if p["kind"] == "visit"))
    assert {"id", "kind", "document", "person", "role", "of"} <= set(next(p for p in listed if p["kind"] == "role"))
    assert {"id", "kind", "document", "type", "name"} <= set(next(p for p in listed if p["kind"] == "entity"))
    accept = next(p["id"] for p in listed if p["kind"] == "visit" and p["visitor"] == "Kalisz" and p["start"] == "2025-11-06")
    reject = next(p["id"] for p in listed if p["kind"] == "visit" and p["start"] == "2024-11-08")
    assert runner.invoke(cli, ["review", "accept", accept, "--data", str(review_data)]).exit_code == 0
    assert runner.invoke(cli, ["review", "reject", reject, "--data", str(review_data)]).exit_code == 0
    again = runner.invoke(cli, ["review", "accept", accept, "--data", str(review_data)])
    assert again.exit_code == 1 and "accepted meanwhile" in again.output and "Traceback" not in again.output
    unknown = runner.invoke(cli, ["review", "show", "nope", "--data", str(review_data)])
    assert unknown.exit_code == 1 and "no proposal 'nope'" in unknown.output
    runner.invoke(cli, ["review", "add", *texts, "--data", str(review_data)])
    pending = json.loads(runner.invoke(cli, ["review", "list", "--format", "json", "--data", str(review_data)]).output)
    assert accept not in {p["id"] for p in pending} and reject not in {p["id"] for p in pending}


# -- the HTTP API


@pytest.fixture
def client(review_data, tmp_path):
    from starlette.testclient import TestClient

    from kgraph.reviewweb import make_app

    queue = ReviewQueue(review_data)
    add_paths(queue, _texts(review_data, tmp_path))
    return TestClient(make_app(queue, "secret", hosts=["testserver"]), base_url="http://testserver"), queue


def test_page_needs_the_token_and_forbids_foreign_content(client):
    http, _ = client
    assert http.get("/").status_code == 403
    page = http.get("/?token=secret")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy and "unsafe-inline" not in policy
    assert "http" not in page.text.split("<body>")[1].replace("http-equiv", "")  # nothing fetched from elsewhere


def test_writes_need_the_token_header_and_a_local_host(client):
    http, queue = client
    proposal = queue.proposals(kind="visit")[0]
    assert http.post(f"/api/proposals/{proposal['id']}/accept?token=secret").status_code == 403  # a query token is not enough
    assert http.post(f"/api/proposals/{proposal['id']}/accept", headers={"X-Kgraph-Token": "secret", "Host": "evil.example"}).status_code == 400
    assert queue.get(proposal["id"])["status"] == "pending"
    done = http.post(f"/api/proposals/{proposal['id']}/accept", headers={"X-Kgraph-Token": "secret"})
    assert done.status_code == 200 and queue.get(proposal["id"])["status"] == "accepted"
    conflict = http.post(f"/api/proposals/{proposal['id']}/reject", headers={"X-Kgraph-Token": "secret"})
    assert conflict.status_code == 409 and "meanwhile" in conflict.json()["error"]


# -- in a real browser


@pytest.fixture
def review_server(review_data, tmp_path):
    """`kgraph review` as a user starts it, on a free port; yields the URL it prints."""
    from kgraph.review import add_paths as add

    add(ReviewQueue(review_data), _texts(review_data, tmp_path))
    process = subprocess.Popen([sys.executable, "-m", "kgraph.cli", "review", "--no-browser", "--data", str(review_data),
                                "--store", str(tmp_path / ".kgraph")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert line.startswith("review page: http://127.0.0.1:"), line + process.stderr.read()
    yield line.split("review page: ")[1].strip()
    process.terminate()
    process.wait(10)


def _wait(driver, predicate, timeout=10):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        # the page re-renders after each answer: an element read a moment ago may be gone, so ask again
        return WebDriverWait(driver, timeout, ignored_exceptions=(
            NoSuchElementException, StaleElementReferenceException, AttributeError)).until(lambda d: predicate(d))
    except TimeoutException:
        raise AssertionError(f"the page did not get there; it says: {driver.find_element('id', 'status').text!r}") from None


def _card(driver, fact_prefix):
    """The proposal card whose fact starts with `fact_prefix`, read in one script (the page re-renders after each decision)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('.proposal')].find(c => c.querySelector('.fact').textContent.startsWith(arguments[0])) || null",
        fact_prefix)


def _press(driver, fact_prefix, key):
    """Make the card of `fact_prefix` the current proposal (a click on its fact), then press `key`."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.action_chains import ActionChains

    for _ in range(5):
        try:
            card = _wait(driver, lambda d: _card(d, fact_prefix))
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", card)  # clear of the sticky header
            card.find_element("css selector", ".fact").click()
            break
        except StaleElementReferenceException:  # re-rendered meanwhile: find it again
            time.sleep(0.1)
    ActionChains(driver).send_keys(key).perform()


def _progress(driver):
    return driver.find_element("id", "progress").text


@pytest.mark.browser
def test_browser_review_end_to_end(local_browser, review_server, review_data, tmp_path, runner):
    from selenium.webdriver.common.keys import Keys

    driver = local_browser
    driver.get(review_server)
    _wait(driver, lambda d: d.find_elements("css selector", ".proposal"))
    total = int(_progress(driver).split(" z ")[1].split()[0])
    assert _progress(driver).startswith(f"0 z {total}")

    # accept a visit, with the keyboard
    _press(driver, "Kalisz → Martin, 2025-11-06", "a")
    _wait(driver, lambda d: _progress(d).startswith("1 z"))
    # reject a wrong one
    _press(driver, "Kalisz → Martin, 2024-11-08", "r")
    _wait(driver, lambda d: _progress(d).startswith("2 z"))
    # link a new candidate to an existing curated person, by searching without diacritics or case
    _press(driver, "Stratsimir Petkow (Person)", "l")
    search = _wait(driver, lambda d: d.find_element("css selector", ".link-form input.search"))
    search.send_keys("PETKOV")
    _wait(driver, lambda d: d.find_elements("css selector", ".link-form .result[data-id='stratsimir-petkov']"))
    search.send_keys(Keys.ENTER)
    _wait(driver, lambda d: "stratsimir-petkov" in _card(d, "Stratsimir Petkow (Person)").text)
    _press(driver, "Stratsimir Petkow (Person)", "a")
    _wait(driver, lambda d: _card(d, "Stratsimir Petkow (Person)") is None)
    # fix a misspelled name, then accept the visit
    _press(driver, "Stratsimir Petkow → Kalisz, bez daty", "e")
    field = _wait(driver, lambda d: d.find_element("css selector", ".edit-form input[name='visitor']"))
    field.clear()
    field.send_keys("Stratsimir Petkov", Keys.ENTER)
    _wait(driver, lambda d: _card(d, "Stratsimir Petkov → Kalisz, bez daty") is not None)
    _press(driver, "Stratsimir Petkov → Kalisz, bez daty", "a")
    _wait(driver, lambda d: _card(d, "Stratsimir Petkov → Kalisz, bez daty") is None)
    # accept one more, and undo it
    reviewed = int(_progress(driver).split()[0])
    _press(driver, "Łowecz → Kalisz, 2024-10-10", "a")
    _wait(driver, lambda d: int(_progress(d).split()[0]) == reviewed + 1)
    _press(driver, "Hamm → Kalisz", "u")
    _wait(driver, lambda d: _card(d, "Łowecz → Kalisz, 2024-10-10") is not None)
    # filters
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", "kind")).select_by_value("visit")
    _wait(driver, lambda d: d.execute_script(
        "return [...document.querySelectorAll('.proposal')].every(c => c.dataset.kind === 'visit')"))
    # decided in another tab meanwhile: the page says so and shows the queue as it is now
    other_tab = ReviewQueue(review_data)
    other_tab.reject(_find(other_tab, "visit", visitor="Hamm", place="Kalisz")["id"])
    _press(driver, "Hamm → Kalisz", "a")
    _wait(driver, lambda d: "meanwhile" in d.find_element("id", "status").text and _card(d, "Hamm → Kalisz") is None)
    # the rebuild button builds the store the page was started with
    driver.find_element("id", "rebuild").click()
    _wait(driver, lambda d: d.find_element("id", "status").text.startswith("built "), timeout=60)
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert [m for m in errors if "409 (Conflict)" not in m] == [] and len(errors) == 1  # only the conflict provoked

    # the decisions are records: build, then the curated graph holds exactly the accepted visits, with their sources
    store = tmp_path / "store"
    assert runner.invoke(cli, ["build", "--data", str(review_data), "--store", str(store)]).exit_code == 0
    from kgraph.query import run_query
    from kgraph.store import open_store

    graph = open_store(store)
    rows = run_query(graph, "who-visited-where", include_extracted=False).records()
    assert sorted((r["visitorName"], r["destinationName"], r["start"]) for r in rows) == [
        ("Kalisz", "Martin", "2025-11-06"), ("Stratsimir Petkov", "Kalisz", None)]
    sources = run_query(graph, """PREFIX kgo: <https://w3id.org/kgraph/ontology#>
        PREFIX dct: <http://purl.org/dc/terms/>
        SELECT ?source ?evidence WHERE { ?visit a kgo:Visit ; dct:source ?source ; kgo:evidence ?evidence }""",
                        include_extracted=False).records()
    assert {str(r["source"]).rsplit("/", 1)[-1] for r in sources} == {"news-2025-11-12-dni-sw-marcina-w-martinie",
                                                                      "2025-03-12-burmistrz-lowecza-w-kaliszu"}
    # and adding the same texts again queues neither the accepted nor the rejected facts, nor the one corrected,
    # with the queue kept or gone (then the records and rejected.yaml remember them)
    decided = {"visit|kalisz|martin|2025-11-06", "visit|kalisz|martin|2024-11-08", "visit|stratsimir petkow|kalisz|"}
    for keep_queue in (True, False):
        if not keep_queue:
            (review_data / "review" / "queue.json").unlink()
        result = runner.invoke(cli, ["review", "add", *map(str, _texts(review_data, tmp_path)), "--data", str(review_data)])
        assert result.exit_code == 0, result.output
        assert not decided & {p["key"] for p in ReviewQueue(review_data).proposals()}


@pytest.mark.browser
def test_browser_shows_hostile_document_text_as_text(local_browser, data_dir, tmp_path):
    hostile = tmp_path / "x.txt"
    hostile.write_text("Wizyta <img src=x onerror=alert(1)>\n5 maja 2024\nDo Opola przyjechał burmistrz Jan <b>Nowak</b> "
                       "z Kitzingen <script>alert(2)</script>.\n", encoding="utf-8")
    add_paths(ReviewQueue(data_dir), [hostile])
    process = subprocess.Popen([sys.executable, "-m", "kgraph.cli", "review", "--no-browser", "--data", str(data_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().split("review page: ")[1].strip()
        local_browser.get(url)
        # read as the page settles (it renders the queue after loading it): the markup shows as text or never
        _wait(local_browser, lambda d: "<img src=x onerror=alert(1)>" in d.find_element("id", "queue").text, timeout=30)
        assert local_browser.find_elements("css selector", "#queue img, #queue script, #queue b") == []
    finally:
        process.terminate()
        process.wait(10)
