"""Remote stores and `kgraph serve`, against real Oxigraph servers on loopback ports."""
import http.server
import json
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from kgraph.cli import cli
from kgraph.store import read_manifest
from kgraph.export import export_graph
from kgraph.query import list_queries, run_query
from kgraph.remote import Endpoint, find_server, wait_until_listening
from kgraph.view import render_html
from kgraph.analyse import network_for

KGRAPH = Path(sys.executable).parent / "kgraph"
# every saved query, with parameters that give rows (and the hostile ones of test_queries)
CALLS = [
    ("who-visited-where", {}), ("who-visited-where", {"place": "lowecz", "from": "2025-09", "to": "2025-09"}),
    ("who-visited-where", {"person": "Kinastowski"}), ("who-visited-where", {"country": "Bułgaria"}),
    ("who-visited-where", {"origin": "Łowecz"}), ("partners", {"city": "Kalisz"}),
    ("partners", {"city": "Kalisz", "partner": "Hautmont", "kind": "partner"}),
    ("cities-with-partners-in", {"country": "Chiny"}), ("posts", {"role": "wiceprezydent", "date": "2017-06-01"}),
    ("timeline", {}), ("timeline", {"place": "Kalisz", "from": "2024"}), ("mentions", {"entity": "Łowecz"}),
    ("wikidata-p190", {}),
    ("partners", {"city": '" } ; DROP ALL ; { "'}), ("who-visited-where", {"place": "}} SELECT * WHERE {?s ?p ?o} #"}),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


VIRTUOSO = Path("/usr/bin/virtuoso-t")
_VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def _oxigraph(tmp_path_factory):
    port = free_port()
    process = subprocess.Popen([find_server(), "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                                "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_listening(process, "127.0.0.1", port)
    return process, {"name": "oxigraph", "query": f"http://127.0.0.1:{port}/query", "store": f"http://127.0.0.1:{port}/store",
                     "root": f"http://127.0.0.1:{port}"}


def _virtuoso(tmp_path_factory):
    if not VIRTUOSO.exists():
        pytest.skip("Virtuoso tests need Debian's virtuoso-opensource (apt-get install virtuoso-opensource)")
    db = tmp_path_factory.mktemp("virtuoso")
    isql, http_port = free_port(), free_port()
    (db / "virtuoso.ini").write_text(_VIRTUOSO_INI.format(db=db, isql=isql, http=http_port), encoding="utf-8")
    process = subprocess.Popen([str(VIRTUOSO), "+foreground", "+configfile", str(db / "virtuoso.ini")], cwd=db,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_listening(process, "127.0.0.1", http_port, seconds=60)
    # the Graph Store endpoint writes as the SPARQL user: a throwaway database, so it may
    subprocess.run(["isql-vt", f"127.0.0.1:{isql}", "dba", "dba", 'exec=grant SPARQL_UPDATE to "SPARQL";'],
                   check=True, capture_output=True, timeout=60)
    return process, {"name": "virtuoso", "query": f"http://127.0.0.1:{http_port}/sparql",
                     "store": f"http://127.0.0.1:{http_port}/sparql-graph-crud", "root": f"http://127.0.0.1:{http_port}"}


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, tmp_path_factory):
    """A writable server store, empty at the start: Oxigraph server, and Virtuoso Open Source (the store behind
    DBpedia), each on free loopback ports with a throwaway database."""
    process, urls = (_oxigraph if request.param == "oxigraph" else _virtuoso)(tmp_path_factory)
    yield urls
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def pushed(server, store_dir):
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["push", "--endpoint", server["store"], "--replace", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    return Endpoint(server["query"])


def test_every_saved_query_answers_remotely_as_locally(pushed, store):
    assert {name for name, _ in CALLS} == {q.name for q in list_queries()}
    for name, params in CALLS:
        local, remote = run_query(store, name, params), run_query(pushed, name, params)
        if local.kind == "graph":
            assert sorted(map(str, remote.triples)) == sorted(map(str, local.triples)), name
        else:
            assert remote.variables == local.variables and remote.records() == local.records(), (name, params)


def test_pages_remotely_as_locally(pushed, store):
    for offset in (0, 5, 20):
        assert (run_query(pushed, "who-visited-where", limit=5, offset=offset).records()
                == run_query(store, "who-visited-where", limit=5, offset=offset).records())


def test_views_and_exports_remotely_are_byte_identical(pushed, store):
    assert export_graph(pushed, "nt") == export_graph(store, "nt")
    assert render_html(network_for(pushed, focus="Łowecz", depth=2)) == render_html(network_for(store, focus="Łowecz", depth=2))


def test_push_replace_twice_leaves_one_copy(server, store_dir, runner, store):
    for _ in range(2):
        assert runner.invoke(cli, ["push", "--endpoint", server["store"], "--replace", "--store", str(store_dir)]).exit_code == 0
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), 'https://w3id.org/kgraph/')) }"
    assert run_query(Endpoint(server["query"]), count).records() == run_query(store, count).records()


def test_commands_take_endpoint(pushed, runner, tmp_path):
    url = pushed.url
    result = runner.invoke(cli, ["query", "who-visited-where", "-p", "place=Martin", "--endpoint", url, "--format", "csv"])
    assert result.exit_code == 0 and "Krystian Kinastowski" in result.output
    result = runner.invoke(cli, ["view", "--out", str(tmp_path / "v.html"), "--focus", "Martin", "--endpoint", url])
    assert result.exit_code == 0 and (tmp_path / "v.html").exists()
    result = runner.invoke(cli, ["analyze", "centrality", "--projection", "city-city", "--top", "1", "--endpoint", url])
    assert result.exit_code == 0 and "Kalisz" in result.output
    result = runner.invoke(cli, ["export", "--format", "gexf", "--endpoint", url])
    assert result.exit_code == 0 and 'mode="dynamic"' in result.output


@pytest.mark.parametrize("url, message", [
    ("http://127.0.0.1:9/query", "cannot reach http://127.0.0.1:9/query"),
    ("ftp://example.org/sparql", "give an http(s) URL"),
])
def test_unreachable_or_bad_endpoint_is_one_clear_line(runner, url, message):
    result = runner.invoke(cli, ["query", "partners", "-p", "city=Kalisz", "--endpoint", url, "--timeout", "2"])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_http_errors_name_the_status(server, runner):
    result = runner.invoke(cli, ["query", "partners", "-p", "city=Kalisz", "--endpoint", f"{server['root']}/nowhere"])
    assert result.exit_code == 1 and "404" in result.output


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_POST(self):
        _Recorder.seen.append(self.headers.get("Authorization"))
        self.send_response(401)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_credentials_come_from_the_environment(runner, monkeypatch):
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("KGRAPH_ENDPOINT_USER", "ana")
    monkeypatch.setenv("KGRAPH_ENDPOINT_PASSWORD", "secret")
    try:
        result = runner.invoke(cli, ["query", "partners", "-p", "city=Kalisz", "--endpoint", f"http://127.0.0.1:{httpd.server_port}/q"])
    finally:
        httpd.shutdown()
    assert result.exit_code == 1 and "401" in result.output and "KGRAPH_ENDPOINT_USER" in result.output
    assert _Recorder.seen and _Recorder.seen[0].startswith("Basic ")


# --- kgraph serve -------------------------------------------------------------


@pytest.fixture(scope="module")
def served(store_dir):
    port = free_port()
    process = subprocess.Popen([str(KGRAPH), "serve", "--port", str(port), "--store", str(store_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    assert first.startswith(f"SPARQL endpoint: http://127.0.0.1:{port}/query"), first + process.stderr.read()
    yield process, f"http://127.0.0.1:{port}"
    if process.poll() is None:
        process.kill()


def test_serve_answers_sparqlwrapper(served):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(f"{served[1]}/query")
    client.setQuery("PREFIX kgo: <https://w3id.org/kgraph/ontology#> "
                    "SELECT (COUNT(?p) AS ?n) WHERE { ?p a kgo:Person }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["results"]["bindings"][0]["n"]["value"] == "51"


@pytest.mark.parametrize("accept, starts", [
    ("application/sparql-results+json", '{"head"'), ("application/sparql-results+xml", "<?xml"),
    ("text/csv", "n\r\n"), ("text/tab-separated-values", "?n\n"),
])
def test_serve_result_formats_over_get(served, accept, starts):
    answer = requests.get(f"{served[1]}/query", params={"query": "SELECT (1 AS ?n) {}"}, headers={"Accept": accept}, timeout=10)
    assert answer.status_code == 200 and answer.text.startswith(starts)


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples"])
def test_serve_construct(served, accept):
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"
    answer = requests.post(f"{served[1]}/query", data={"query": query}, headers={"Accept": accept}, timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(accept) and answer.text.strip()


def test_serve_refuses_writes(served, store_dir):
    update = requests.post(f"{served[1]}/update", data="DROP ALL", headers={"Content-Type": "application/sparql-update"}, timeout=10)
    store = requests.put(f"{served[1]}/store?default", data="<urn:a> <urn:b> <urn:c> .",
                         headers={"Content-Type": "application/n-triples"}, timeout=10)
    assert update.status_code >= 400 and store.status_code >= 400
    count = requests.get(f"{served[1]}/query", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                         headers={"Accept": "text/csv"}, timeout=10)
    assert int(count.text.split()[1]) == read_manifest(store_dir).quads


def test_serve_refuses_service_and_fetches_nothing(served):
    hits = []

    class Trap(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
        do_GET = do_POST

        def log_message(self, *args):
            pass

    trap = http.server.HTTPServer(("127.0.0.1", 0), Trap)
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    try:
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{trap.server_port}/internal?secret=1> {{ ?s ?p ?o }} }}"
        for answer in (requests.get(f"{served[1]}/query", params={"query": query}, timeout=10),
                       requests.post(f"{served[1]}/query", data={"query": query}, timeout=10),
                       requests.post(f"{served[1]}/query", data=query.encode(),
                                     headers={"Content-Type": "application/sparql-query"}, timeout=10)):
            assert answer.status_code == 400 and "SERVICE" in answer.text
    finally:
        trap.shutdown()
    assert hits == []


@pytest.mark.browser
def test_serve_query_page_works_offline(served, local_browser):
    from selenium.webdriver.support.ui import WebDriverWait

    local_browser.get_log("browser"), local_browser.get_log("performance")
    local_browser.get(f"{served[1]}/")
    options = [o.text for o in local_browser.find_elements("css selector", "#examples option")]
    assert any(o.startswith("who-visited-where") for o in options)
    local_browser.find_element("id", "run").click()
    WebDriverWait(local_browser, 10).until(lambda d: d.find_element("id", "status").text == "10 rows")
    assert len(local_browser.find_elements("css selector", "#results tr")) == 11
    messages = [json.loads(e["message"])["message"] for e in local_browser.get_log("performance")]
    requests_made = {m["params"]["request"]["url"] for m in messages if m["method"] == "Network.requestWillBeSent"}
    assert all(url.startswith(served[1]) for url in requests_made), requests_made
    assert [e for e in local_browser.get_log("browser") if e["level"] == "SEVERE"] == []


def test_serve_under_concurrent_load(served):
    from benchmarks.load import run_load  # the load benchmark's own loop, smaller (results: benchmarks/LOAD.md)

    result = run_load(f"{served[1]}/query", clients=8, queries=25)
    assert result["errors"] == 0, result["first_errors"]
    assert result["queries"] == 200


def test_serve_stops_cleanly_on_sigterm(served):
    process, url = served
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
    assert "stopped" in process.stderr.read()
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=2)


def test_serve_reports_a_busy_port(store_dir, runner):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([str(KGRAPH), "serve", "--port", str(port), "--store", str(store_dir)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Error:" in result.stderr and "Traceback" not in result.stderr


def test_push_into_one_named_graph(server, store_dir, runner, store):
    result = runner.invoke(cli, ["push", "--endpoint", server["store"], "--graph", "urn:kgraph:everything",
                                 "--replace", "--store", str(store_dir)])
    assert result.exit_code == 0, result.output
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:kgraph:everything> { ?s ?p ?o } }"
    answer = Endpoint(server["query"]).query(count)  # the server's own dataset: kgraph's layer graphs are not named
    remote = next(iter(answer))[0].value
    distinct = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }").records()[0]["n"]
    assert remote == distinct


def test_rebuild_while_serving_keeps_the_served_build_while_it_is_served(data_dir, tmp_path):
    """A build while serving never deletes the files a server reads; the answers come from the old build or,
    once `serve` has followed, the new one; a stopped `serve` leaves no build marked as served."""
    store = tmp_path / ".kgraph"
    port = free_port()
    process = subprocess.Popen([str(KGRAPH), "serve", "--port", str(port), "--store", str(store), "--data", str(data_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert process.stdout.readline().startswith("SPARQL endpoint")
        served = [p for p in store.iterdir() if p.name.startswith("build-")]
        with open(data_dir / "places.yaml", "a", encoding="utf-8") as places:
            places.write("\n- id: nowe-miasto\n  type: city\n  labels: {pl: Nowe Miasto, en: New Town}\n  country: polska\n  sources: [https://example.org/nowe]\n")
        assert subprocess.run([str(KGRAPH), "build", "--store", str(store), "--data", str(data_dir)],
                              capture_output=True).returncode == 0
        assert all(p.exists() for p in served)  # the server's files were not deleted under it
        answer = requests.get(f"http://127.0.0.1:{port}/query", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                              headers={"Accept": "text/csv"}, timeout=10)
        assert answer.status_code == 200 and int(answer.text.split()[1]) >= 3460
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    assert not list(store.glob("build-*/SERVING-*"))



def test_serve_answers_from_each_new_build_without_a_restart(tmp_path):
    """A running `kgraph serve` follows `kgraph build` (an incremental one here): within seconds its answers
    come from the new build, and the build it served before is released and removed by the next build."""
    import shutil
    import time

    from kgraph.resources import default_data_dir

    data, store = tmp_path / "data", tmp_path / "store"
    shutil.copytree(default_data_dir(), data)
    subprocess.run([str(KGRAPH), "build", "--data", str(data), "--store", str(store)], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen([str(KGRAPH), "serve", "--port", str(port), "--store", str(store), "--data", str(data)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    query = ('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?label WHERE { '
             '<https://w3id.org/kgraph/id/event/2025-11-delegacja-kalisza-do-martina> rdfs:label ?label '
             'FILTER(lang(?label) = "pl") }')

    def label() -> str:
        answer = requests.get(f"http://127.0.0.1:{port}/query", params={"query": query},
                              headers={"Accept": "text/csv"}, timeout=10)
        return answer.text.splitlines()[1]

    try:
        assert process.stdout.readline().startswith("SPARQL endpoint:")
        assert label() == "Delegacja Kalisza w Martinie"
        first = {p.name for p in store.iterdir() if p.name.startswith("build-")}
        events = data / "events.yaml"
        events.write_text(events.read_text(encoding="utf-8").replace(
            "labels: {pl: Delegacja Kalisza w Martinie,", "labels: {pl: Delegacja Kalisza do Martina,", 1), encoding="utf-8")
        built = subprocess.run([str(KGRAPH), "build", "--data", str(data), "--store", str(store)],
                               check=True, capture_output=True, text=True)
        assert "incremental" in built.stderr
        deadline = time.monotonic() + 30
        while label() != "Delegacja Kalisza do Martina":
            assert time.monotonic() < deadline, "the server still answers from the old build"
            time.sleep(0.2)
        assert first <= {p.name for p in store.iterdir()}  # still there: the old server may be finishing a query
        time.sleep(7)  # the old server is stopped and its build released
        subprocess.run([str(KGRAPH), "build", "--data", str(data), "--store", str(store), "--full"], check=True,
                       capture_output=True)
        assert not first & {p.name for p in store.iterdir()}
        assert label() in ("Delegacja Kalisza do Martina",)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    assert process.returncode == 0
