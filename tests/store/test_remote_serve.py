"""cuegraph serve in front of a remote store: /sparql answers through the app (issue #14's
deployment). Virtuoso refused every /sparql query once: the app's BASE line came after the
predeclared PREFIXes, an order SPARQL allows and Virtuoso's parser does not."""

from __future__ import annotations

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
