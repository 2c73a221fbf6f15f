"""The front of `kgraph serve`: kgraph's own offline query page, and the SPARQL endpoint passed through to the
Oxigraph server behind it, read-only, with SERVICE refused.

The Oxigraph server listens on a loopback port of its own; this Starlette app listens where the user asked
and forwards `/query` (GET, form POST or direct POST, with the client's Accept header) unchanged. It adds
two things the Oxigraph binary has no switch for: a query page that makes no request outside the server
(Oxigraph's bundled YASGUI asks prefix.cc for prefixes), and a refusal of queries with SERVICE, which would
make this machine fetch whatever URL a client names. Writes (`/update`, `/store`) are refused here too.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import threading
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from kgraph.errors import KgraphError
from kgraph.query import list_queries, uses_service
from kgraph.remote import start_server, wait_until_listening
from kgraph.store import live_build, mark_served

__all__ = ["make_front", "LiveBackend"]

_FORWARDED_HEADERS = ("content-type",)


class LiveBackend:
    """The Oxigraph server behind the front, always on the live build of a store.

    `follow()` checks the store's CURRENT every `interval` seconds; when a `kgraph build` (full or
    incremental) has made another build live, a server is started on it, the front's queries go to
    it from then on, and the old server is stopped a few seconds later (queries it is answering end
    first) and its build released to the next build's clean-up. A build that is served carries a
    SERVING-<pid> marker, so no build removes it meanwhile.
    """

    GRACE = 5.0  # seconds the old server keeps answering after the switch

    def __init__(self, store_dir: Path, *, timeout_s: float | None = None):
        self.store_dir, self.timeout_s = Path(store_dir), timeout_s
        self.url, self.process, self.build, self.marker = "", None, None, None
        self.stopped = threading.Event()
        self.retiring: list[tuple] = []  # (timer, process, marker) of servers replaced by a newer build's

    def _start_on(self, build: Path):
        marker = mark_served(self.store_dir, os.getpid(), build)
        with socket.socket() as probe:  # a loopback port of its own
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = start_server(build / "oxigraph", "127.0.0.1", port, timeout_s=self.timeout_s)
        try:
            wait_until_listening(process, "127.0.0.1", port)
        except KgraphError:
            if marker is not None:
                marker.unlink(missing_ok=True)
            raise
        return f"http://127.0.0.1:{port}", process, marker

    def start(self) -> None:
        build = live_build(self.store_dir)
        self.url, self.process, self.marker = self._start_on(build)
        self.build = build

    def follow(self, interval: float = 1.0) -> None:
        self.follower = threading.Thread(target=self._follow, args=(interval,), name="kgraph-follow-builds", daemon=True)
        self.follower.start()

    def _follow(self, interval: float) -> None:
        while not self.stopped.wait(interval):
            build = live_build(self.store_dir)
            if build is None or build == self.build:
                continue
            try:
                url, process, marker = self._start_on(build)
            except (KgraphError, OSError):
                continue  # removed meanwhile, or not openable yet: the next look tries again
            if self.stopped.is_set():  # stopped while this server started: it never serves
                self._stop(process, marker)
                return
            old = (self.process, self.marker)
            self.url, self.process, self.marker, self.build = url, process, marker, build
            timer = threading.Timer(self.GRACE, self._stop, args=old)
            self.retiring.append((timer, *old))
            timer.start()

    @staticmethod
    def _stop(process: subprocess.Popen | None, marker: Path | None) -> None:
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if marker is not None:
            marker.unlink(missing_ok=True)

    def stop(self) -> None:
        """Stop the server, and those a newer build replaced that are still finishing (their timers would
        die with this process: they run in daemon threads), and release their builds."""
        self.stopped.set()
        if getattr(self, "follower", None) is not None:
            self.follower.join(timeout=60)  # a server it is starting now is stopped by it, not left behind
        for timer, process, marker in self.retiring:
            timer.cancel()
            self._stop(process, marker)
        self._stop(self.process, self.marker)


def make_front(backend: LiveBackend, *, timeout: float | None = None) -> Starlette:
    """The app in front of the Oxigraph server of `backend`, whose URL changes when a new build goes live."""
    import httpx

    # TCP_NODELAY: a query's headers and body go out at once, not 40 ms apart (Nagle and delayed ACKs)
    transport = httpx.AsyncHTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
                                         limits=httpx.Limits(max_keepalive_connections=32))
    client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def query(request: Request) -> Response:
        body = await request.body()
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if request.method == "GET":
            text = request.query_params.get("query", "")
        elif content_type == "application/x-www-form-urlencoded":
            text = dict(parse_qsl(body.decode("utf-8", "replace"))).get("query", "")
        else:
            text = body.decode("utf-8", "replace")
        if uses_service(text):
            return PlainTextResponse("SERVICE is not allowed here: this endpoint answers from its own graph and "
                                     "does not fetch other URLs\n", status_code=400)
        headers = {"Accept": request.headers.get("accept", "application/sparql-results+json")}
        if request.method == "POST":
            headers["Content-Type"] = request.headers.get("content-type", "application/sparql-query")

        try:
            answer = await client.request(request.method, f"{backend.url}/query", params=list(request.query_params.multi_items()),
                                          content=body if request.method == "POST" else None, headers=headers)
        except Exception as e:  # the server behind went away or timed out: the client gets a status, not a hang
            return PlainTextResponse(f"the SPARQL server did not answer ({type(e).__name__})\n", status_code=502)
        return Response(answer.content, status_code=answer.status_code,
                        headers={k: v for k, v in answer.headers.items() if k.lower() in _FORWARDED_HEADERS})

    async def read_only(request: Request) -> Response:
        return PlainTextResponse("this endpoint is read-only: updates and Graph Store writes are refused\n",
                                 status_code=403)

    async def page(request: Request) -> Response:
        nonce = secrets.token_urlsafe(16)
        examples = [{"name": q.name, "summary": q.summary, "text": q.text} for q in list_queries()]
        data = json.dumps(examples, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return HTMLResponse(_PAGE.replace("{{nonce}}", nonce).replace("{{examples}}", data), headers={
            "Content-Security-Policy": f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
                                       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            "X-Content-Type-Options": "nosniff"})

    return Starlette(routes=[
        Route("/", page),
        Route("/query", query, methods=["GET", "POST"]),
        Route("/update", read_only, methods=["GET", "POST", "PUT", "DELETE"]),
        Route("/store", read_only, methods=["GET", "POST", "PUT", "DELETE", "HEAD"]),
    ])


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kgraph SPARQL</title>
<style nonce="{{nonce}}">
body { font: 14px/1.4 system-ui, sans-serif; margin: 1em; }
textarea { width: 100%; height: 14em; font: 13px monospace; }
table { border-collapse: collapse; margin-top: 1em; font-size: 13px; }
td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
#status { color: #555; margin: .5em 0; }
#status.error { color: #a00; }
</style>
</head>
<body>
<h1>kgraph SPARQL endpoint</h1>
<p>Queries go to <code>/query</code> (SPARQL 1.1 Protocol, read-only). The default graph is the union of the
graphs. Saved queries as examples:
<select id="examples"><option value="">—</option></select></p>
<textarea id="query" spellcheck="false">SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10</textarea>
<p><button id="run">Run (Ctrl+Enter)</button></p>
<div id="status"></div>
<div id="results"></div>
<script type="application/json" id="examples-data">{{examples}}</script>
<script nonce="{{nonce}}">
(function () {
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var select = document.getElementById("examples"), area = document.getElementById("query");
  examples.forEach(function (q, k) {
    var option = document.createElement("option");
    option.value = String(k); option.textContent = q.name + ": " + q.summary;
    select.appendChild(option);
  });
  select.addEventListener("change", function () { if (select.value) area.value = examples[+select.value].text; });
  function show(message, error) { var s = document.getElementById("status"); s.textContent = message; s.className = error ? "error" : ""; }
  function run() {
    show("…");
    var results = document.getElementById("results");
    results.replaceChildren();
    fetch("/query", {method: "POST", headers: {"Content-Type": "application/sparql-query",
                                               "Accept": "application/sparql-results+json, application/n-triples;q=0.9"},
                     body: area.value})
      .then(function (r) { return r.text().then(function (t) { return [r, t]; }); })
      .then(function (pair) {
        var response = pair[0], text = pair[1];
        if (!response.ok) { show(response.status + ": " + text, true); return; }
        if ((response.headers.get("Content-Type") || "").indexOf("json") === -1) {
          var pre = document.createElement("pre"); pre.textContent = text; results.appendChild(pre); show("done"); return;
        }
        var data = JSON.parse(text);
        if (data.boolean !== undefined) { show(String(data.boolean)); return; }
        var table = document.createElement("table"), head = document.createElement("tr");
        data.head.vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
        table.appendChild(head);
        data.results.bindings.forEach(function (row) {
          var tr = document.createElement("tr");
          data.head.vars.forEach(function (v) { var td = document.createElement("td"); td.textContent = row[v] ? row[v].value : ""; tr.appendChild(td); });
          table.appendChild(tr);
        });
        results.appendChild(table);
        show(data.results.bindings.length + " rows");
      })
      .catch(function (e) { show(String(e), true); });
  }
  document.getElementById("run").addEventListener("click", run);
  area.addEventListener("keydown", function (e) { if (e.key === "Enter" && e.ctrlKey) { e.preventDefault(); run(); } });
})();
</script>
</body>
</html>
"""
