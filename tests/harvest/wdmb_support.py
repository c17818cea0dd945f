"""Local stand-ins for the Wikidata Query Service and MusicBrainz WS/2 (pytest-httpserver).

They serve the fixture files in tests/fixtures/{wikidata,musicbrainz}/ exactly as the real
services would for the requests cuegraph sends, and check what a real service checks
(MusicBrainz: a User-Agent with a contact, fmt=json, browse paging). Tests talk to them with
the real harvest code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from werkzeug import Request, Response

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WD = FIXTURES / "wikidata"
MB = FIXTURES / "musicbrainz"
KAJIURA_QID = "Q900001"
KAJIURA_MBID = "0000c0de-0000-4000-8000-00000000a001"
SPARQL_JSON = "application/sparql-results+json; charset=utf-8"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _json(data: dict, content_type: str = "application/json; charset=utf-8") -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=200, content_type=content_type)


def wdqs_handler(credits: Path = WD / "credits-kajiura.json",
                 find: Path = WD / "find-person-kajiura.json"):
    """A WDQS stand-in: answers the find-person query and pages the credits result with the
    query's own LIMIT/OFFSET (as the real service would)."""

    def handle(request: Request) -> Response:
        query = request.args.get("query", "")
        if not request.headers.get("User-Agent", "").startswith("cuegraph/"):
            return Response("Please set a User-Agent", status=403)
        if "SELECT DISTINCT ?person" in query:
            return _json(load(find), SPARQL_JSON)
        data = load(credits)
        m = re.search(r"LIMIT\s+(\d+)\s+OFFSET\s+(\d+)", query)
        if m:
            limit, offset = int(m.group(1)), int(m.group(2))
            data["results"]["bindings"] = data["results"]["bindings"][offset:offset + limit]
        return _json(data, SPARQL_JSON)

    return handle


def mb_handler():
    """A MusicBrainz WS/2 stand-in for Yuki Kajiura (search, lookup, three browses)."""

    def handle(request: Request) -> Response:
        ua = request.headers.get("User-Agent", "")
        if not re.match(r"cuegraph/\S+ \(.+\)", ua):
            return Response(json.dumps({"error": "missing User-Agent"}), status=403)
        if request.args.get("fmt") != "json":
            return Response("<metadata/>", status=200, content_type="application/xml")
        path = request.path.removeprefix("/ws/2/")
        if path == "artist" and "query" in request.args:
            found = load(MB / "artist-search-kajiura.json")
            if "yuki kajiura" not in request.args["query"].lower():  # only the weak hit
                found["artists"] = [a for a in found["artists"] if a["score"] < 100]
                found["count"] = len(found["artists"])
            return _json(found)
        if path == f"artist/{KAJIURA_MBID}":
            return _json(load(MB / "artist-lookup-kajiura.json"))
        if path in ("work", "recording", "release-group"):
            if request.args.get("artist") != KAJIURA_MBID:
                return _json({f"{path}-count": 0, f"{path}-offset": 0, f"{path}s": []})
            offset = int(request.args.get("offset", 0))
            limit = min(int(request.args.get("limit", 25)), 100)
            files = sorted(MB.glob(f"{path}-browse*.json"))
            items = [i for f in files for i in load(f)[f"{path}s"]]
            # the fixture pages are what MusicBrainz sends for limit=2; other limits re-slice
            return _json({f"{path}-count": len(items), f"{path}-offset": offset,
                          f"{path}s": items[offset:offset + limit]})
        return Response(json.dumps({"error": "Not Found"}), status=404,
                        content_type="application/json")

    return handle


class FakeTime:
    """A clock and sleep for RateLimiter: sleeping advances the clock; sleeps are recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def not_found(request: Request) -> Response:
    """Anything the stand-ins do not serve (other sources' paths): a plain 404."""
    return Response(json.dumps({"error": "Not Found"}), status=404,
                    content_type="application/json")


class Faults:
    """Wraps a handler; while ``mode`` is set, requests matching ``when`` get that fault.

    Modes: ``429``/``503`` (once, with ``Retry-After``), ``500`` (always, with a message),
    ``malformed`` (JSON cut mid-way), ``html`` (an HTML error page with status 200),
    ``truncated`` (Content-Length larger than the body sent).
    """

    def __init__(self, handler, when=lambda request: True, retry_after: str = "7"):
        self.handler, self.when, self.retry_after = handler, when, retry_after
        self.mode: str | None = None
        self.faults_sent = 0

    def __call__(self, request: Request) -> Response:
        if self.mode is None or not self.when(request):
            return self.handler(request)
        mode = self.mode
        self.faults_sent += 1
        if mode in ("429", "503"):
            self.mode = None  # the next attempt succeeds
            return Response("Too many requests, slow down", status=int(mode),
                            headers={"Retry-After": self.retry_after})
        if mode == "500":
            return Response(json.dumps({"error": "database is on fire"}), status=500,
                            content_type="application/json")
        if mode == "malformed":
            return Response('{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": ',
                            status=200, content_type="application/json")
        if mode == "html":
            return Response("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
                            status=200, content_type="text/html")
        if mode == "truncated":
            body = self.handler(request).get_data()
            resp = Response(body[: len(body) // 2], status=200,
                            content_type="application/json")
            resp.headers["Content-Length"] = str(len(body))
            return resp
        raise ValueError(mode)


def start_server():
    """A pytest-httpserver on 127.0.0.1, on a free port."""
    from pytest_httpserver import HTTPServer

    from conftest import free_port

    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.start()
    return server


def serve(server, wd=None, mb=None) -> None:
    """Route /sparql and /ws/2/* to the given handlers, everything else to a 404."""
    if wd is not None:
        server.expect_request("/sparql").respond_with_handler(wd)
    if mb is not None:
        server.expect_request(re.compile(r"^/ws/2/.*")).respond_with_handler(mb)
    server.expect_request(re.compile(".*")).respond_with_handler(not_found)
