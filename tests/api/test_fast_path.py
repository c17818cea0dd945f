"""The plain-ASGI fast path (:mod:`cuegraph.api.sparql.fast`): ``GET``/``POST /sparql`` and
``GET /health`` are answered without FastAPI's routing, with the routes' own code."""

from __future__ import annotations

import asyncio
import json

from cuegraph.api.sparql.fast import SparqlFastPath


class _Router:
    """Stands for FastAPI's routing behind the fast path: records what reaches it."""

    def __init__(self) -> None:
        self.reached: list[tuple[str, str]] = []

    async def __call__(self, scope, receive, send) -> None:
        self.reached.append((scope["method"], scope["path"]))
        await send({"type": "http.response.start", "status": 599, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def _call(app, method: str, path: str, query: bytes = b"") -> tuple[_Router, int, bytes]:
    router = _Router()
    fast = SparqlFastPath(router)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"accept", b"application/json")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
        "app": app,
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(fast(scope, receive, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return router, sent[0]["status"], body


def test_health_is_answered_without_the_router_and_as_the_route_does(client, seed_store):
    router, status, body = _call(client.app, "GET", "/health")
    assert router.reached == [] and status == 200
    assert json.loads(body) == {"status": "ok", "triples": seed_store.triple_count()}
    # the same bytes as through the whole app (middleware, FastAPI route declared too)
    assert client.get("/health").content == body


def test_sparql_is_answered_without_the_router(client):
    router, status, body = _call(client.app, "GET", "/sparql", b"query=ASK%7B%7D")
    assert router.reached == [] and status == 200
    assert json.loads(body) == {"head": {}, "boolean": True}


def test_other_methods_and_paths_reach_the_router(client):
    for method, path in (("POST", "/health"), ("GET", "/healthz"), ("GET", "/sparql/update")):
        router, status, _ = _call(client.app, method, path)
        assert router.reached == [(method, path)] and status == 599
