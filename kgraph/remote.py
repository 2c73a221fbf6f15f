"""Remote SPARQL endpoints and Graph Stores, and the Oxigraph server behind `kgraph serve`.

`Endpoint` answers `query(...)` and `quads_for_pattern(...)` like a pyoxigraph
Store, with pyoxigraph result objects, so the saved queries, views, analyses
and exports run unchanged against Oxigraph server, Fuseki, GraphDB or any
SPARQL 1.1 Protocol endpoint. The dataset is named per request
(`default-graph-uri`), as the local store does, so no server setting is needed.

The SPARQL Protocol has no way to send bound values beside a query, so
`bind_in_text` does what Jena's ParameterizedSparqlString does: it reads the
query token by token (comments, strings and IRIs are skipped) and puts each
bound variable's term, serialised and escaped by pyoxigraph, where the variable
stood. A value can only ever become one RDF term, never query text.

`push` uploads the layers with the SPARQL 1.1 Graph Store HTTP Protocol.
Credentials come from KGRAPH_ENDPOINT_USER / KGRAPH_ENDPOINT_PASSWORD or
~/.netrc (requests reads it), never from the command line.
"""
from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from kgraph.progress import Progress, silent
from kgraph.errors import RemoteError, StoreError

__all__ = ["Endpoint", "bind_in_text", "push", "find_server", "start_server", "wait_until_listening", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = 60.0  # seconds per request
_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<variable>[?$][A-Za-z_][A-Za-z0-9_]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[({])
  | (?P<close>[)}])
''', re.VERBOSE)


def bind_in_text(text: str, substitutions: dict) -> str:
    """SPARQL text with each bound variable replaced by its term (SEP-0007 semantics).

    In a SELECT clause a bound variable becomes `(term AS ?var)`, so it is still
    projected; in GROUP BY it becomes `(term)`.

    >>> import pyoxigraph as ox
    >>> bind_in_text('SELECT ?x ?name WHERE { ?x <p> ?name . FILTER(?name != "?name") } # ?name',
    ...              {ox.Variable("name"): ox.Literal('a" } DROP ALL #')})
    'SELECT ?x ("a\\\\" } DROP ALL #" AS ?name) WHERE { ?x <p> "a\\\\" } DROP ALL #" . FILTER("a\\\\" } DROP ALL #" != "?name") } # ?name'
    """
    terms = {v.value: str(t) for v, t in substitutions.items()}
    if not terms:
        return text
    out, last, clause, depth = [], 0, None, 0
    for token in _TOKEN.finditer(text):
        kind, value = token.lastgroup, token.group()
        if kind == "word":
            word = value.upper()
            if word == "SELECT":
                clause, depth = "select", 0
            elif word == "WHERE" and clause == "select":
                clause = None
            elif word == "GROUP":
                clause, depth = "group", 0
            elif word in ("HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"):
                clause = None
        elif kind == "open":
            if value == "{" and clause == "select":
                clause = None
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "variable" and value[1:] in terms:
            term = terms[value[1:]]
            if clause == "select" and depth == 0:
                replacement = f"({term} AS {value})"
            elif clause == "group" and depth == 0:
                replacement = f"({term})"
            else:
                replacement = term
            out.append(text[last:token.start()])
            out.append(replacement)
            last = token.end()
    out.append(text[last:])
    return "".join(out)


MAX_ANSWER_BYTES = int(float(os.environ.get("KGRAPH_MAX_ANSWER_MB", "1024")) * (1 << 20))


def _session(retries: int):
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = requests.Session()
    # connections are retried, and answers the server says to try again; a read that timed out is not
    # (a query the server is still working on would be sent again, and --timeout would mean several times itself)
    retry = Retry(total=retries, connect=retries, read=0, backoff_factor=0.5,
                  status_forcelist=(429, 502, 503, 504), allowed_methods=None, raise_on_status=False)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    user, password = os.environ.get("KGRAPH_ENDPOINT_USER"), os.environ.get("KGRAPH_ENDPOINT_PASSWORD")
    if user is not None:
        session.auth = (user, password or "")
    return session  # without those variables requests looks in ~/.netrc


def _send(session, method: str, url: str, what: str, timeout: float, **kwargs):
    import requests

    deadline = time.monotonic() + timeout
    try:
        response = session.request(method, url, timeout=timeout, stream=True, **kwargs)
        # the whole answer within the timeout (requests' timeout is per read: a server sending a byte a second
        # would never be cut off), and no bigger than the cap
        chunks, size = [], 0
        read = getattr(response.raw, "read1", None)  # what has arrived, however little: a trickle is noticed
        for chunk in iter(lambda: read(1 << 16), b"") if read else response.iter_content(1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_ANSWER_BYTES:
                response.close()
                raise RemoteError(f"{url} sent more than {MAX_ANSWER_BYTES >> 20} MB for {what}; ask for less "
                                  "(LIMIT, --limit) or raise KGRAPH_MAX_ANSWER_MB")
            if time.monotonic() > deadline:
                response.close()
                raise requests.exceptions.Timeout(f"answer not complete after {timeout:g} s")
        response._content = b"".join(chunks)
    except requests.exceptions.ConnectionError as e:
        raise RemoteError(f"cannot reach {url}: {_reason(e)}; is the server running and the URL right?") from e
    except requests.exceptions.Timeout as e:
        raise RemoteError(f"{url} did not answer {what} within {timeout:g} s; raise --timeout or try later") from e
    except requests.exceptions.RequestException as e:
        raise RemoteError(f"{what} to {url} failed: {_reason(e)}") from e
    if response.status_code >= 400:
        detail = " ".join(response.text.split())[:200]
        hint = " (check KGRAPH_ENDPOINT_USER/KGRAPH_ENDPOINT_PASSWORD or ~/.netrc)" if response.status_code in (401, 403) else ""
        raise RemoteError(f"{url} answered {what} with {response.status_code} {response.reason}{hint}: {detail}")
    return response


def _reason(error: Exception) -> str:
    text = str(error)
    match = re.search(r"\] ([^'\]\)\"]+)", text) or re.search(r"Caused by \w+\('?([^']+)", text)
    return (match.group(1) if match else text.splitlines()[0])[:160]


def _canonical_booleans(content: bytes) -> bytes:
    """xsd:boolean values as "true"/"false": Virtuoso writes the other lexical forms, "1" and "0"."""
    if b"XMLSchema#boolean" not in content:
        return content
    import json

    answer = json.loads(content)
    for row in answer.get("results", {}).get("bindings", []):
        for value in row.values():
            if value.get("datatype") == "http://www.w3.org/2001/XMLSchema#boolean" and value.get("value") in ("1", "0"):
                value["value"] = "true" if value["value"] == "1" else "false"
    return json.dumps(answer).encode("utf-8")


class Endpoint:
    """A SPARQL 1.1 Protocol endpoint that answers like a read-only pyoxigraph Store."""

    remote = True

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, retries: int = 3):
        if not re.match(r"https?://", url):
            raise RemoteError(f"--endpoint {url!r}: give an http(s) URL, e.g. http://127.0.0.1:7878/query")
        self.url, self.timeout = url, timeout
        self._session = _session(retries)

    def __repr__(self):
        return f"Endpoint({self.url!r})"

    def query(self, text: str, *, default_graph=None, substitutions=None, **_ignored):
        bound = bind_in_text(text, substitutions or {})
        # the same dataset as the local store: these graphs as the default graph, and as named graphs for GRAPH ?g
        params = [(kind, g.value) for kind in ("default-graph-uri", "named-graph-uri") for g in (default_graph or [])]
        # the result kind of the query form: Virtuoso answers a CONSTRUCT asked with a results type in that type
        from kgraph.query import _NOT_KEYWORDS

        graph_form = re.search(r"\b(CONSTRUCT|DESCRIBE)\b", _NOT_KEYWORDS.sub(" ", text), re.I) is not None
        accept = "application/n-triples, text/turtle;q=0.9" if graph_form else "application/sparql-results+json"
        # a form-encoded POST (SPARQL 1.1 Protocol, 2.1.2): every server takes it; Virtuoso 7 never answers a
        # direct `application/sparql-query` POST
        response = _send(self._session, "POST", self.url, "the query", self.timeout,
                         data=[("query", bound.encode("utf-8"))] + [(k, v.encode("utf-8")) for k, v in params],
                         headers={"Accept": accept})
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        try:
            if content_type in ("application/sparql-results+json", "application/json"):
                return ox.parse_query_results(_canonical_booleans(response.content), format=ox.QueryResultsFormat.JSON)
            if content_type == "application/sparql-results+xml":
                return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.XML)
            if content_type in ("application/n-triples", "text/plain", "text/turtle"):
                rdf_format = ox.RdfFormat.TURTLE if content_type == "text/turtle" else ox.RdfFormat.N_TRIPLES
                return [q.triple for q in ox.parse(response.content, format=rdf_format)]
        except (SyntaxError, ValueError) as e:
            raise RemoteError(f"{self.url} sent a malformed {content_type} answer: {e}") from e
        raise RemoteError(f"{self.url} answered with {content_type or 'no content type'}; "
                          "is it a SPARQL query endpoint (e.g. .../query or .../sparql)?")

    def quads_for_pattern(self, subject, predicate, obj, graph_name):
        """Every triple of one named graph, as quads (what kgraph.export reads)."""
        text = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
        triples = self.query(text, substitutions={ox.Variable("g"): graph_name})
        return [ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in triples]


def push(store: ox.Store, url: str, graphs, *, replace: bool = False, into: str | None = None,
         timeout: float = DEFAULT_TIMEOUT, retries: int = 3, progress: Progress = silent) -> dict[str, int]:
    """Upload named graphs of `store` to a Graph Store (`url`, e.g. http://host:7878/store), one by one
    (shown by `progress`, kgraph.progress).

    Each graph keeps its IRI, unless `into` names one graph for all of them.
    `replace` sends PUT (the remote graph becomes exactly this one; with `into`,
    only the first layer replaces and the others are added); otherwise POST
    adds to what is there. Returns triples sent per graph.
    """
    session = _session(retries)
    sent = {}
    from urllib.parse import urlparse

    if urlparse(url).path in ("", "/"):
        raise RemoteError(f"{url} is a server's root, not its Graph Store; give the store's URL "
                          f"(Oxigraph server: {url.rstrip('/')}/store, Fuseki: .../DATASET/data)")
    graphs = list(graphs)
    for number, graph in enumerate(progress(graphs, total=len(graphs), what="graphs")):
        buffer = io.BytesIO()
        triples = sorted((ox.Triple(q.subject, q.predicate, q.object)
                          for q in store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph)))), key=str)
        ox.serialize(triples, buffer, format=ox.RdfFormat.N_TRIPLES)
        target = into or str(graph)
        method = "PUT" if replace and (into is None or number == 0) else "POST"
        _send(session, method, url, f"the upload of {graph}", timeout, params={"graph": target},
              data=buffer.getvalue(), headers={"Content-Type": "application/n-triples"})
        sent[str(graph)] = len(triples)
    return sent


# ---------------------------------------------------------------------------
# the Oxigraph server


def find_server() -> str:
    """The `oxigraph` server program installed with kgraph (PyPI package `oxigraph`)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise StoreError("the Oxigraph server is not installed; `pip install oxigraph` (it comes with kgraph)")
    return found


def check_port_free(host: str, port: int) -> None:
    """RemoteError unless `host:port` can be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as e:
            raise RemoteError(f"cannot listen on {host}:{port} ({e.strerror}); another server may be there: "
                              "stop it or choose another --port") from None


def start_server(location: Path, host: str, port: int, *, timeout_s: float | None = None) -> subprocess.Popen:
    """`oxigraph serve-read-only` on a built store; the default graph is the union of its graphs.
    A port another program holds is refused first (else the readiness check would talk to that program)."""
    check_port_free(host, port)
    command = [find_server(), "serve-read-only", "--location", str(location), "--bind", f"{host}:{port}",
               "--union-default-graph"]
    if timeout_s:
        command += ["--timeout-s", str(int(timeout_s))]
    return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_until_listening(process: subprocess.Popen, host: str, port: int, *, seconds: float = 30.0) -> None:
    """Return once the server accepts connections; RemoteError if it exits or never listens."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode("utf-8", "replace").strip() if process.stdout else ""
            raise RemoteError(f"the Oxigraph server stopped at once (exit {process.returncode}): "
                              f"{output.splitlines()[-1] if output else 'no message'}; is port {port} free?")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RemoteError(f"the Oxigraph server did not listen on {host}:{port} within {seconds:g} s")
