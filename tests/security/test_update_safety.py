"""Updates cannot lose data silently: no writes into the default graph (which dumps leave
out), no CLEAR/DROP ALL unless allowed, and ``cuegraph backup`` to come back from one."""

from __future__ import annotations

import pytest
import requests
from fastapi.testclient import TestClient

from cuegraph.api import create_app
from cuegraph.config import Settings
from cuegraph.store import open_store
from support import cuegraph_cmd, served

TOKEN = "safety-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}


@pytest.fixture
def store():
    s = open_store("memory:")
    s.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 'kept' } }")
    return s


def _client(store, **settings) -> TestClient:
    return TestClient(create_app(store, Settings(store="memory:", update_token=TOKEN, **settings)))


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:x:a> <urn:x:b> 'lost in dumps' }",
        "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } <urn:x:a> <urn:x:b> 2 }",
        "INSERT { ?s <urn:x:copy> ?o } WHERE { ?s <urn:x:p> ?o }",
        "DELETE { GRAPH <urn:x:g> { ?s ?p ?o } } INSERT { ?s ?p ?o } WHERE { GRAPH <urn:x:g> "
        "{ ?s ?p ?o } }",
        "ADD GRAPH <urn:x:g> TO DEFAULT",
        "COPY <urn:x:g> TO DEFAULT",
        "PREFIX x: <urn:x:>\nINSERT DATA { GRAPH x:g { x:a x:b 1 } } ;\nINSERT DATA { x:a x:b 3 }",
    ],
)
def test_updates_into_the_default_graph_are_refused(store, update):
    before = store.dump()
    resp = _client(store).post("/sparql/update", content=update, headers=HEADERS)
    assert resp.status_code == 400, resp.text
    assert "default graph" in resp.json()["error"]
    assert store.dump() == before


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { GRAPH <urn:x:new> { <urn:x:a> <urn:x:b> 1 } }",
        "WITH <urn:x:g> INSERT { ?s <urn:x:copy> ?o } WHERE { ?s <urn:x:p> ?o }",
        "INSERT { GRAPH <urn:x:g2> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
        "DELETE DATA { <urn:x:a> <urn:x:b> 1 }",
        "ADD <urn:x:g> TO <urn:x:g3>",
    ],
)
def test_updates_into_named_graphs_still_work(store, update):
    resp = _client(store).post("/sparql/update", content=update, headers=HEADERS)
    assert resp.status_code == 204, resp.text


@pytest.mark.parametrize(
    "update",
    [
        "DROP ALL",
        "CLEAR ALL",
        "drop silent named",
        "CLEAR NAMED",
        "INSERT DATA { GRAPH <urn:x:h> { <urn:x:a> <urn:x:b> 1 } } ; DROP ALL",
    ],
)
def test_emptying_every_graph_is_refused_unless_allowed(store, update):
    resp = _client(store).post("/sparql/update", content=update, headers=HEADERS)
    assert resp.status_code == 400
    assert "CUEGRAPH_UPDATE_ALLOW_DROP_ALL" in resp.json()["error"]
    assert store.triple_count() == 1
    allowed = _client(store, update_allow_drop_all=True)
    assert allowed.post("/sparql/update", content=update, headers=HEADERS).status_code == 204


def test_backup_while_serving_brings_back_a_dropped_store(tmp_path):
    """`cuegraph backup` beside a running server; after DROP ALL the copy has everything."""
    with served(
        tmp_path, env={"CUEGRAPH_UPDATE_TOKEN": TOKEN, "CUEGRAPH_UPDATE_ALLOW_DROP_ALL": "true"}
    ) as server:
        before = requests.get(server.base + "/health", timeout=30).json()["triples"]
        assert before > 0
        copy = tmp_path / "backup"
        done = cuegraph_cmd("--store", server.store, "backup", str(copy))
        assert done.returncode == 0, done.stderr
        assert f"to {copy}" in done.stdout
        again = cuegraph_cmd("--store", server.store, "backup", str(copy))
        assert again.returncode == 1 and again.stderr.startswith("error: ")
        dropped = requests.post(
            server.base + "/sparql/update", data=b"DROP ALL", headers=HEADERS, timeout=30
        )
        assert dropped.status_code == 204
        ask = requests.get(
            server.base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30
        ).json()
        assert ask["boolean"] is False
    restored = open_store(f"oxigraph:{copy}", read_only=True)
    try:
        assert restored.triple_count() == before
    finally:
        restored.close()


def test_backup_of_a_store_that_is_not_embedded_is_refused(tmp_path):
    """Only the embedded store on disk is backed up by cuegraph: a remote store (here a URL
    nobody listens on: the refusal comes before any request) or ``memory:`` gets one error
    line, and no directory is made."""
    for store in ("http://127.0.0.1:9/sparql", "memory:"):
        copy = tmp_path / "copy"
        res = cuegraph_cmd("--store", store, "backup", str(copy))
        assert res.returncode == 1, res.stderr
        lines = [x for x in res.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
        assert "embedded" in lines[0] or "on-disk" in lines[0]
        assert not copy.exists()
