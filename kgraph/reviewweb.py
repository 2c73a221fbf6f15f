"""The review page: a small Starlette app over a ReviewQueue, for people who are not programmers.

`kgraph review` serves it with uvicorn on 127.0.0.1 and a random token: the page's URL carries the
token, every API call sends it back in a header (a cross-site form or image cannot set one), and a
request for another Host is refused (DNS rebinding). The page loads nothing from elsewhere: its
script and style are inline, allowed by a per-response nonce in the Content-Security-Policy, and
it writes every document text through textContent (no markup from documents ever runs).
"""
from __future__ import annotations

import asyncio
import hmac
import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from kgraph.errors import KgraphError
from kgraph.review import KINDS, ReviewConflict, ReviewError, ReviewQueue, _CuratedIndex, proposal_summary

__all__ = ["make_app", "new_token", "serve"]

_PAGE = Path(__file__).with_name("review_page.html")
TOKEN_HEADER = "X-Kgraph-Token"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def make_app(queue: ReviewQueue, token: str, *, hosts=("127.0.0.1", "localhost"), rebuild=None) -> Starlette:
    """The review app over `queue`; `rebuild` (optional) is called by the page's rebuild button and
    returns a one-line summary."""
    lock = asyncio.Lock()  # one decision at a time in this process; the queue's file lock covers other processes

    def authorised(request: Request, supplied: str | None) -> bool:
        return supplied is not None and hmac.compare_digest(supplied.encode(), token.encode())

    def error(status: int, message: str) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status)

    async def page(request: Request) -> Response:
        if not authorised(request, request.query_params.get("token")):
            return Response("kgraph review: open the URL with its token, as `kgraph review` printed it\n",
                            status_code=403, media_type="text/plain")
        nonce = secrets.token_urlsafe(16)
        html = _PAGE.read_text(encoding="utf-8").replace("{{nonce}}", nonce)
        return HTMLResponse(html, headers={
            "Content-Security-Policy": f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
                                       "connect-src 'self'; img-src 'none'; base-uri 'none'; form-action 'none'; "
                                       "frame-ancestors 'none'",
            "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})

    def api(handler):
        async def endpoint(request: Request) -> Response:
            if not authorised(request, request.headers.get(TOKEN_HEADER)):
                return error(403, f"missing or wrong {TOKEN_HEADER}; reload the page from the URL kgraph printed")
            try:
                body = await request.json() if request.method == "POST" and await request.body() else {}
            except ValueError:
                return error(400, "the request body is not JSON")
            async with lock:
                try:
                    result = await asyncio.to_thread(handler, request, body if isinstance(body, dict) else {})
                except ReviewConflict as e:
                    return error(409, str(e))
                except KgraphError as e:
                    return error(422, str(e))
            return JSONResponse(result, headers={"Cache-Control": "no-store"})
        return endpoint

    def state(request: Request, body: dict) -> dict:
        params = request.query_params
        kind = params.get("kind") or None
        if kind is not None and kind not in KINDS:
            raise ReviewError(f"kind must be one of {', '.join(KINDS)}")
        try:
            confidence = float(params["min_confidence"]) if params.get("min_confidence") else None
        except ValueError:
            raise ReviewError("min_confidence must be a number from 0 to 1") from None
        everything = queue.proposals()
        chosen = [p for p in everything if (kind is None or p["kind"] == kind)
                  and (confidence is None or (p["evidence"].get("confidence") or 0) >= confidence)
                  and (not params.get("document") or p["document"] == params["document"])]
        index = _CuratedIndex(queue._records())
        reviewed, total = queue.progress()
        documents = {}
        for p in everything:
            documents.setdefault(p["document"], {"document": p["document"], "title": p.get("title"), "date": p.get("date")})
        return {"reviewed": reviewed, "total": total, "documents": sorted(documents.values(), key=lambda d: d["document"]),
                "proposals": [_for_page(p, queue, index) for p in chosen]}

    def decide(request: Request, body: dict) -> dict:
        proposal_id, action = request.path_params["id"], request.path_params["action"]
        if action == "accept":
            written = queue.accept(proposal_id)
            return {"ok": True, "message": f"accepted; wrote {', '.join(written) or 'nothing new'}"}
        if action == "reject":
            queue.reject(proposal_id)
            return {"ok": True, "message": "rejected; it will not be proposed again"}
        if action == "edit":
            fields = body.get("fields")
            if not isinstance(fields, dict):
                raise ReviewError("edit needs {fields: {name: value}}")
            queue.edit(proposal_id, fields)
            return {"ok": True, "message": "edited"}
        if action == "link":
            queue.link(proposal_id, str(body.get("field") or ""), body.get("id") or None)
            return {"ok": True, "message": f"linked to {body.get('id')}" if body.get("id") else "marked new"}
        raise ReviewError(f"unknown action '{action}'")

    def merge(request: Request, body: dict) -> dict:
        kept = queue.merge(str(body.get("keep") or ""), str(body.get("drop") or ""))
        return {"ok": True, "message": f"merged into {kept['fields']['name']}"}

    def undo(request: Request, body: dict) -> dict:
        proposal = queue.undo()
        return {"ok": True, "message": f"undone: {proposal_summary(proposal)['id']} is pending again", "id": proposal["id"]}

    def search(request: Request, body: dict) -> dict:
        return {"results": queue.search(request.query_params.get("q", ""))}

    def rebuild_graph(request: Request, body: dict) -> dict:
        if rebuild is None:
            raise ReviewError("no store to rebuild here; run `kgraph build`")
        return {"ok": True, "message": rebuild()}

    routes = [
        Route("/", page),
        Route("/api/state", api(state)),
        Route("/api/search", api(search)),
        Route("/api/proposals/{id}/{action}", api(decide), methods=["POST"]),
        Route("/api/merge", api(merge), methods=["POST"]),
        Route("/api/undo", api(undo), methods=["POST"]),
        Route("/api/rebuild", api(rebuild_graph), methods=["POST"]),
    ]
    return Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))])


def _for_page(proposal: dict, queue: ReviewQueue, index) -> dict:
    return {**proposal_summary(proposal), "fields": proposal["fields"], "title": proposal.get("title"),
            "date": proposal.get("date"), "evidence": proposal.get("evidence") or {},
            "mentions": proposal.get("mentions") or [], "linked": queue.describe_links(proposal, index),
            "aliases": proposal.get("aliases") or []}


def serve(queue: ReviewQueue, *, host: str = "127.0.0.1", port: int = 0, token: str | None = None,
          rebuild=None, on_ready=None) -> None:
    """Run the page until interrupted; `on_ready(url)` is called once the socket listens (port 0: a free one)."""
    import socket

    import uvicorn

    token = token or new_token()
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound = sock.getsockname()[1]
    hosts = {host, "127.0.0.1", "localhost"} if host in ("127.0.0.1", "localhost", "::1") else {host}
    app = make_app(queue, token, hosts=sorted(h if ":" not in h else f"[{h}]" for h in hosts) + ["*"] * (host == "0.0.0.0"),
                   rebuild=rebuild)
    url = f"http://{host if ':' not in host else f'[{host}]'}:{bound}/?token={token}"
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if on_ready:
        on_ready(url)
    server.run(sockets=[sock])
