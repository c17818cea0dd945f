"""Queries answered in the server process (:mod:`cuegraph.engine.inline`): only the
bounded sublanguage, on a snapshot of the committed state, the same answer as a worker's."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from cuegraph.api import create_app
from cuegraph.config import Settings
from cuegraph.engine.inline import INLINE_ROWS, inline_shape
from cuegraph.store import OxigraphStore

TOKEN = "inline-token"
JSON = {"Accept": "application/sparql-results+json"}


@pytest.mark.parametrize(
    "query",
    [
        "ASK {}",
        "ask where { }",
        "ASK { ?s a <urn:x:C> }",
        "PREFIX ex: <urn:x:> SELECT ?o WHERE { ex:c ex:v ?o . }",
        "BASE <http://h/sparql>\nSELECT * { <a> <b> ?o } LIMIT 5",
        "SELECT ?s ?o { ?s <urn:p> ?o } # a comment after the query",
    ],
)
def test_bounded_queries_are_recognised(query):
    assert inline_shape(query) is not None


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?s { ?s ?p ?s }",  # repeated variable: the engine filters a scan
        "SELECT ?s { ?s ?p ?o . ?o ?q ?r }",  # a join
        "SELECT ?s { ?s ?p ?o ; ?q ?r }",
        "SELECT ?s { ?s ?p ?o , ?r }",
        "SELECT DISTINCT ?s { ?s ?p ?o }",
        "SELECT ?s { ?s ?p ?o } ORDER BY ?s",
        "SELECT ?s { ?s ?p ?o } OFFSET 1000000",
        "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
        "SELECT ?s { ?s ?p ?o FILTER(true) }",
        "SELECT ?s { GRAPH ?g { ?s ?p ?o } }",
        "SELECT ?s FROM <urn:g> { ?s ?p ?o }",
        "SELECT ?s { ?s <urn:a>/<urn:b> ?o }",
        "SELECT ?s { ?s <urn:a>* ?o }",
        'SELECT ?s { ?s ?p "x" }',  # literals (and their escapes) are left to workers
        "SELECT ?s { ?s <urn:\\u0041> ?o }",  # any backslash
        "SELECT ?s { ?s ?p ?o } VALUES ?s { <urn:a> }",
        "SELECT ?s { ?s ?p ?o SERVICE <http://127.0.0.1:1/> { ?a ?b ?c } }",
        "ASK { ?s ?p ?o } LIMIT 1",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DESCRIBE <urn:a>",
        "SELECT ?s { ?s ?p ?o }} { ?a ?b ?c }",
    ],
)
def test_everything_else_goes_to_a_worker(query):
    assert inline_shape(query) is None


@pytest.fixture
def client(tmp_path):
    store = OxigraphStore(str(tmp_path / "store"))
    settings = Settings(update_token=TOKEN, query_workers=1, max_rows=10_000)
    app = create_app(store, settings, close_store=True)
    with TestClient(app) as c:
        yield c


def _update(client: TestClient, text: str) -> None:
    resp = client.post(
        "/sparql/update", data={"update": text}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert resp.status_code == 204, resp.text


def _values(client: TestClient, query: str) -> list[str]:
    resp = client.get("/sparql", params={"query": query}, headers=JSON)
    assert resp.status_code == 200, resp.text
    return sorted(b["o"]["value"] for b in resp.json()["results"]["bindings"])


def _set(n: int) -> str:
    return (
        "DELETE WHERE { GRAPH <urn:x:g> { <urn:x:c> <urn:x:v> ?o } } ; "
        f"INSERT DATA {{ GRAPH <urn:x:g> {{ <urn:x:c> <urn:x:v> {n} }} }}"
    )


def _inline(client: TestClient) -> int:
    return client.app.state.sparql_executor.answered_inline


def _settle(client: TestClient, seen_inline: int, check=lambda: None) -> None:
    """Run ``check`` until a query has been answered inline since ``seen_inline`` (our lease
    is opened in the background after a write; a busy machine may take a while)."""
    deadline = time.monotonic() + 30
    while _inline(client) == seen_inline and time.monotonic() < deadline:
        check()
        time.sleep(0.01)


def test_inline_answers_see_each_committed_update(client):
    query = "SELECT ?o WHERE { <urn:x:c> <urn:x:v> ?o }"
    for n in range(8):
        _update(client, _set(n))
        before = _inline(client)
        # right after the write (a worker), then until our lease caught up (inline)
        _settle(client, before, lambda n=n: _values_are(client, query, [str(n)]))
        assert _inline(client) > before, "no query was answered in the server process"
        assert _values(client, query) == [str(n)]


def _values_are(client: TestClient, query: str, expected: list[str]) -> None:
    assert _values(client, query) == expected


def test_inline_and_worker_answers_are_the_same(client):
    _update(
        client,
        "INSERT DATA { GRAPH <urn:x:g> { "
        + " ".join(f"<urn:x:c> <urn:x:p> {i} ." for i in range(5))
        + " } }",
    )
    inline = "SELECT ?o WHERE { <urn:x:c> <urn:x:p> ?o }"
    worker = "SELECT ?o WHERE { <urn:x:c> <urn:x:p> ?o FILTER(true) }"
    _settle(client, _inline(client), lambda: _values(client, inline))  # lease caught up
    before = _inline(client)
    assert _values(client, inline) == _values(client, worker) == [str(i) for i in range(5)]
    assert _inline(client) == before + 1
    for fmt in ("xml", "csv", "tsv", "text"):
        before = _inline(client)
        a = client.get("/sparql", params={"query": inline, "format": fmt})
        assert _inline(client) == before + 1  # this format was answered inline
        b = client.get("/sparql", params={"query": worker, "format": fmt})
        assert _inline(client) == before + 1  # and this one by a worker
        assert a.status_code == b.status_code == 200
        assert a.headers["content-type"] == b.headers["content-type"]
        assert sorted(a.content.splitlines()) == sorted(b.content.splitlines())


def test_more_rows_than_inline_go_to_a_worker_and_are_all_answered(client):
    n = INLINE_ROWS * 3
    _update(
        client,
        "INSERT DATA { GRAPH <urn:x:g> { "
        + " ".join(f"<urn:x:c> <urn:x:many> {i} ." for i in range(n))
        + " } }",
    )
    query = "SELECT ?o WHERE { <urn:x:c> <urn:x:many> ?o }"
    for _ in range(3):
        before = _inline(client)
        assert len(_values(client, query)) == n
        assert _inline(client) == before  # handed to a worker, never cut short


def test_inline_readers_never_see_a_partial_update(client):
    """Each update deletes the value and inserts the next in one transaction: a reader
    that saw zero or two values would have seen a state that was never committed."""
    _update(client, _set(0))
    query = "SELECT ?o WHERE { <urn:x:c> <urn:x:v> ?o }"
    seen: list[list[str]] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.append(_values(client, query))

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for n in range(1, 40):
            _update(client, _set(n))
            if n % 8 == 0:  # let our lease catch up now and then, so readers go inline
                _settle(client, _inline(client))
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert seen and all(len(v) == 1 and 0 <= int(v[0]) < 40 for v in seen), [
        v for v in seen if len(v) != 1
    ][:5]
    assert _inline(client) > 0
