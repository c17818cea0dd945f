"""cuegraph serve in front of a remote store: /sparql answers through the app (issue #14's
deployment). Virtuoso refused every /sparql query once: the app's BASE line came after the
predeclared PREFIXes, an order SPARQL allows and Virtuoso's parser does not."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from cuegraph.api import create_app
from cuegraph.config import Settings
from cuegraph.store import open_store
from servers import MissingServer, OxigraphServer, SparqlServer, VirtuosoServer, clear_store

pytestmark = pytest.mark.server

PERSON = "https://cuegraph.org/id/person/yuki-kajiura"
DATA = (
    f"INSERT DATA {{ GRAPH <https://cuegraph.org/id/graph/test/serve> {{ "
    f"<{PERSON}> a <https://cuegraph.org/ns#Agent> ; "
    f'<https://schema.org/name> "Yuki Kajiura" }} }}'
)


@pytest.fixture(
    scope="module", params=[OxigraphServer, VirtuosoServer], ids=["oxigraph", "virtuoso"]
)
def server(request, tmp_path_factory) -> Iterator[SparqlServer]:
    cls = request.param
    try:
        srv = cls(tmp_path_factory.mktemp(cls.name)).start()
    except MissingServer as e:
        pytest.fail(str(e))
    clear_store(srv.url)
    with open_store(srv.url) as store:
        store.update(DATA)
    yield srv
    srv.stop()


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?n WHERE { ?p a cg:Agent ; schema:name ?n }",  # predeclared prefixes
        "PREFIX s: <https://schema.org/> SELECT ?n WHERE { ?p s:name ?n }",
        "BASE <https://cuegraph.org/id/> SELECT ?n WHERE { <person/yuki-kajiura> schema:name ?n }",
    ],
)
def test_sparql_through_the_app(server, query):
    with open_store(server.url) as store, TestClient(create_app(store, Settings())) as client:
        r = client.post(
            "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"}
        )
        assert r.status_code == 200, r.text
        rows = r.json()["results"]["bindings"]
        assert [b["n"]["value"] for b in rows] == ["Yuki Kajiura"]
        ask = client.get(
            "/sparql",
            params={"query": f"ASK {{ <{PERSON}> a cg:Agent }}"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert ask.status_code == 200 and ask.json()["boolean"] is True


class CountingProxy:
    """A plain HTTP proxy on 127.0.0.1 in front of the server: it forwards each request and
    keeps its body, so a test sees every request cuegraph made."""

    def __init__(self, target: str):
        import http.server
        import threading
        import urllib.parse

        import requests

        parts = urllib.parse.urlsplit(target)
        self.bodies: list[bytes] = []
        upstream = f"{parts.scheme}://{parts.netloc}"
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.bodies.append(body)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() in ("content-type", "accept", "user-agent")
                }
                r = requests.post(upstream + self.path, data=body, headers=headers, timeout=120)
                self.send_response(r.status_code)
                for k, v in r.headers.items():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{parts.path}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def counts(self) -> int:
        """Requests so far that count every triple (``RemoteStore.triple_count``)."""
        import urllib.parse

        queries = [urllib.parse.parse_qs(b.decode()).get("query", [""])[0] for b in self.bodies]
        return sum("SELECT DISTINCT ?s ?p ?o" in q for q in queries)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _wait_for(client, path: str, key: str, value, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        got = client.get(path).json()
        if got.get(key) == value or time.monotonic() > deadline:
            return got
        time.sleep(0.1)


def test_health_and_stats_are_cached_on_a_remote_store(server):
    """/health and /stats count every triple on the server once, then answer from memory
    (no further count request reaches the server); a write through cuegraph recounts, and
    a write by someone else is seen once ``remote_count_ttl`` has passed."""
    from cuegraph.config import Settings

    proxy = CountingProxy(server.url)
    try:
        with open_store(server.url) as direct:
            base = direct.triple_count()
        store = open_store(proxy.url)
        app = create_app(store, Settings(remote_count_ttl=3))
        with TestClient(app) as client:
            first = _wait_for(client, "/health", "triples", base)
            assert first == {"status": "ok", "triples": base}
            counted = proxy.counts()
            assert counted >= 1
            requests_before = len(proxy.bodies)
            for _ in range(3):
                assert client.get("/health").json()["triples"] == base
            assert proxy.counts() == counted and len(proxy.bodies) == requests_before
            stats = client.get("/stats").json()
            after_stats = len(proxy.bodies)
            assert client.get("/stats").json() == stats
            assert len(proxy.bodies) == after_stats  # the second /stats asked nothing
            assert proxy.counts() <= counted + 1  # /stats counted at most once more
            assert requests_before <= after_stats

            # a write through cuegraph's store: the next figures are recounted
            store.update(
                "INSERT DATA { GRAPH <https://cuegraph.org/id/graph/test/cache> { "
                "<urn:x:a> <urn:x:b> 1 , 2 } }"
            )
            assert _wait_for(client, "/health", "triples", base + 2)["triples"] == base + 2
            assert client.get("/stats").json() != stats

            # a write by another client: unseen until the TTL, then recounted
            with open_store(server.url) as other:
                other.update(
                    "INSERT DATA { GRAPH <https://cuegraph.org/id/graph/test/cache> { "
                    "<urn:x:a> <urn:x:b> 3 } }"
                )
            t0 = time.monotonic()
            counts = proxy.counts()
            assert client.get("/health").json()["triples"] == base + 2
            if time.monotonic() - t0 < 2:  # well inside the TTL: no count was sent
                assert proxy.counts() == counts
            assert _wait_for(client, "/health", "triples", base + 3)["triples"] == base + 3
            assert time.monotonic() - t0 >= 1  # seen only after the TTL
    finally:
        with open_store(server.url) as direct:
            direct.drop_graph("https://cuegraph.org/id/graph/test/cache")
        proxy.close()
