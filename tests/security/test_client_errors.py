"""What the client got wrong is a 4xx naming it, never a 500: unsupported custom functions."""

from __future__ import annotations

import pytest
import requests

from cuegraph.config import Settings

QUERIES = [
    "SELECT (<http://example.org/fn>(1) AS ?x) {}",
    "SELECT * { ?s ?p ?o FILTER(<http://example.org/fn>(?o)) } LIMIT 1",
    "SELECT (xsd:nonsense(1) AS ?x) {}",
]


pytestmark = pytest.mark.serve({"CUEGRAPH_UPDATE_TOKEN": "t"})


@pytest.mark.parametrize("query", QUERIES)
def test_unsupported_custom_function_is_400(server, api_client, query):
    worker = requests.get(server.base + "/sparql", params={"query": query}, timeout=30)
    thread = api_client(settings=Settings(store="memory:")).get("/sparql", params={"query": query})
    for resp in (worker, thread):
        assert resp.status_code == 400, resp.text
        assert "is not supported" in resp.json()["error"]


def test_unsupported_custom_function_in_an_update_is_400(server):
    resp = requests.post(
        server.base + "/sparql/update",
        timeout=30,
        headers={"Authorization": "Bearer t", "Content-Type": "application/sparql-update"},
        data=b"INSERT { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> ?x } } "
        b"WHERE { BIND(<http://example.org/fn>(1) AS ?x) }",
    )
    assert resp.status_code == 400 and "is not supported" in resp.json()["error"]
