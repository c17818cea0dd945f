"""Nested and chained SPARQL that crashed the engine is refused with 400; the server lives.

Each shape below killed a query worker (stack overflow in pyoxigraph) or, sent through
``/sparql/update``, the whole server process (segfault). The parse in
``cuegraph.api.sparql.check`` bounds nesting, algebra depth, path length and size first.
"""

from __future__ import annotations

import pytest
import requests

from cuegraph.api.sparql.check import MAX_DEPTH, MAX_PATH, check_sparql, parse_sparql
from cuegraph.config import Settings
from cuegraph.errors import BadQuery

TOKEN = "deep-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def _where(shape: str) -> str:
    """A WHERE body of one crashing shape."""
    if shape == "nested_filter":  # the FILTER((1<((((…))))&&(3>2)), 5 000 levels
        return "FILTER((1<" + "(" * 5000 + "2" + ")" * 5000 + ")&&(3>2))"
    if shape == "unions":
        return " UNION ".join(["{ ?s ?p ?o }"] * 10_000)
    if shape == "optionals":
        return "?s ?p ?o " + " ".join(["OPTIONAL { ?s ?p ?o }"] * 20_000)
    if shape == "filters":
        return "?s ?p ?o " + " ".join(["FILTER(?o)"] * 50_000)
    if shape == "ors":
        return "FILTER(" + "||".join(["?o"] * 100_000) + ")"
    if shape == "plus":
        return "FILTER(" + "+".join(["1"] * 10_000) + ")"
    if shape == "path":
        return "?s " + "/".join(["<urn:x:p>"] * 2000) + " ?o"
    raise AssertionError(shape)


SHAPES = ["nested_filter", "unions", "optionals", "filters", "ors", "plus", "path"]


pytestmark = pytest.mark.serve(
    {"CUEGRAPH_UPDATE_TOKEN": TOKEN, "CUEGRAPH_MAX_QUERY_BYTES": "2000000"}
)


@pytest.mark.parametrize("shape", SHAPES)
def test_deep_query_and_update_are_400_and_the_server_lives(server, shape):
    where = _where(shape)
    query = requests.post(
        server.base + "/sparql",
        data=f"ASK {{ {where} }}".encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    update = requests.post(
        server.base + "/sparql/update",
        timeout=60,
        data=f"DELETE {{ GRAPH <urn:x:g> {{ ?s ?p ?o }} }} WHERE {{ {where} }}".encode(),
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    for resp in (query, update):
        assert resp.status_code == 400, resp.text[:300]
        assert "nests" in resp.json()["error"] or "steps" in resp.json()["error"]
    assert server.proc.poll() is None, "the server process died"
    assert requests.get(server.base + "/health", timeout=30).ok
    ask = requests.get(server.base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert ask.status_code == 200 and ask.json()["boolean"] is True


def test_export_query_is_bounded_too(api_client):
    client = api_client(settings=Settings(store="memory:"))
    resp = client.get(
        "/export",
        params={
            "format": "cytoscape",
            "query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o {_where('plus')} }}",
        },
    )
    assert resp.status_code == 400 and "nests" in resp.json()["error"]


def test_long_but_reasonable_chains_still_run(api_client):
    """The limits leave room: 500 alternatives, a 20-step path, 200 OPTIONALs are fine."""
    client = api_client(settings=Settings(store="memory:"))
    for where in [
        "?s ?p ?o FILTER(" + "||".join(f"?o = {i}" for i in range(500)) + ")",
        "?s " + "/".join(["<urn:x:p>"] * 20) + " ?o",
        "?s ?p ?o " + " ".join(["OPTIONAL { ?s <urn:x:q> ?o }"] * 200),
    ]:
        resp = client.post(
            "/sparql",
            content=f"ASK {{ {where} }}",
            headers={"Content-Type": "application/sparql-query"},
        )
        assert resp.status_code == 200, resp.text[:300]


def test_limits_are_where_they_say():
    ors = "ASK { FILTER(" + "||".join(["?o"] * (MAX_DEPTH - 10)) + ") }"
    assert MAX_DEPTH - 10 < parse_sparql(ors).depth <= MAX_DEPTH
    with pytest.raises(BadQuery, match="nests too deeply"):
        parse_sparql("ASK { FILTER(" + "||".join(["?o"] * (MAX_DEPTH + 5)) + ") }")
    with pytest.raises(BadQuery, match="nests too deeply"):  # past the shortcut's length
        check_sparql("ASK { FILTER(" + "||".join(["?o"] * (MAX_DEPTH + 500)) + ") }")
    path = "ASK { ?s " + "/".join(["<urn:x:p>"] * (MAX_PATH + 1)) + " ?o }"
    assert parse_sparql(path)
    with pytest.raises(BadQuery, match="steps"):
        parse_sparql("ASK { ?s " + "/".join(["<urn:x:p>"] * (MAX_PATH + 2)) + " ?o }")
