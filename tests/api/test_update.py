"""POST /sparql/update: token guard, and the W3C SPARQL 1.1 Protocol update cases.

Tests named ``test_<case>`` replay that W3C protocol case (w3c/rdf-tests
``sparql/sparql11/protocol/manifest.ttl``) against ``/sparql/update`` with the bearer token
added (the only change); follow-up queries go to ``/sparql``. Each test gets its own store,
since the cases run ``CLEAR ALL`` / ``DROP ALL``.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from w3c.protocol import KASEI, assert_4xx_json, assert_tabular, response_boolean

from cuegraph.config import Settings
from cuegraph.store import open_store

TOKEN = "s3cret-token"
AUTH = {"authorization": f"Bearer {TOKEN}"}
UPDATE = {"content-type": "application/sparql-update", **AUTH}
FORM = {"content-type": "application/x-www-form-urlencoded", **AUTH}
DIRECT = {"content-type": "application/sparql-query"}
D1, D2, D3 = (f"{KASEI}data{i}.rdf" for i in (1, 2, 3))


def q(value: str) -> str:
    return quote(value, safe="")


@pytest.fixture
def store():
    s = open_store("memory:")
    s.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 'kept' } }")
    return s


@pytest.fixture
def client(store, api_client):
    # the W3C cases start with CLEAR ALL / DROP ALL, which cuegraph refuses by default
    return api_client(
        store,
        Settings(
            store="memory:",
            update_token=TOKEN,
            max_query_bytes=10_000,
            update_allow_drop_all=True,
        ),
    )


def ask(client, query: str) -> bool:
    return response_boolean(client.post("/sparql", content=query, headers=DIRECT))


# --- token guard ----------------------------------------------------------------------------


def test_updates_are_off_without_a_configured_token(store, api_client):
    off = api_client(store, Settings(store="memory:"))
    resp = off.post("/sparql/update", content="CLEAR ALL", headers=UPDATE)
    assert resp.status_code == 403
    assert "updates are disabled" in assert_4xx_json(resp)["error"]
    assert store.triple_count() == 1


def test_update_without_token_is_401(client, store):
    resp = client.post(
        "/sparql/update", content="CLEAR ALL", headers={"content-type": "application/sparql-update"}
    )
    assert resp.status_code == 401
    assert "Bearer" in assert_4xx_json(resp)["error"]
    assert store.triple_count() == 1


@pytest.mark.parametrize("header", ["Bearer wrong", "Basic czNjcmV0LXRva2Vu", f"{TOKEN}"])
def test_update_with_wrong_token_is_403(client, store, header):
    resp = client.post(
        "/sparql/update",
        content="CLEAR ALL",
        headers={"content-type": "application/sparql-update", "authorization": header},
    )
    assert resp.status_code == 403
    assert "wrong update token" in assert_4xx_json(resp)["error"]
    assert store.triple_count() == 1


def test_update_with_token_is_204_and_visible(client, store):
    resp = client.post(
        "/sparql/update",
        headers=UPDATE,
        content="INSERT DATA { GRAPH <urn:x:new> { <urn:x:a> <urn:x:b> 1 } }",
    )
    assert resp.status_code == 204 and resp.content == b""
    assert ask(client, "ASK { GRAPH <urn:x:new> { <urn:x:a> <urn:x:b> 1 } }") is True
    assert store.triple_count() == 2


@pytest.mark.parametrize(
    ("update", "word"),
    [
        ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD"),
        ("load silent <http://127.0.0.1:9/data.ttl> into graph <urn:x:g>", "LOAD"),
        (
            "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
            "SERVICE",
        ),
    ],
)
def test_remote_fetching_updates_are_refused(client, store, update, word):
    resp = client.post("/sparql/update", content=update, headers=UPDATE)
    assert resp.status_code == 400
    assert word in assert_4xx_json(resp)["error"]
    assert store.triple_count() == 1


def test_huge_update_is_413(client, store):
    body = "INSERT DATA { " + "<urn:x:a> <urn:x:b> 'padding' . " * 2000 + "}"
    resp = client.post("/sparql/update", content=body, headers=UPDATE)
    assert resp.status_code == 413
    assert "10000-byte limit" in assert_4xx_json(resp)["error"]
    assert store.triple_count() == 1


def test_query_sent_to_update_endpoint_is_400(client):
    resp = client.post("/sparql/update", content="query=ASK%20%7B%7D", headers=FORM)
    assert resp.status_code == 400
    assert "/sparql" in assert_4xx_json(resp)["error"]


# --- W3C protocol cases: updates ------------------------------------------------------------


def test_update_post_form(client, store):
    resp = client.post("/sparql/update", content="update=CLEAR+ALL", headers=FORM)
    assert resp.status_code == 204
    assert store.triple_count() == 0


def test_update_post_direct(client, store):
    resp = client.post("/sparql/update", content="CLEAR ALL", headers=UPDATE)
    assert resp.status_code == 204
    assert store.triple_count() == 0


def test_update_clear_of_an_absent_graph_is_400(client):
    resp = client.post("/sparql/update", content="CLEAR GRAPH <urn:x:absent>", headers=UPDATE)
    assert resp.status_code == 400
    assert "does not exist" in assert_4xx_json(resp)["error"]
    silent = client.post(
        "/sparql/update", content="CLEAR SILENT GRAPH <urn:x:absent>", headers=UPDATE
    )
    assert silent.status_code == 204


def test_update_base_uri(client):
    """Oxigraph records empty graphs, so ``CLEAR GRAPH`` of an absent graph is an error
    (SPARQL 1.1 Update §3.2.2); the graph is created first, as on a service that ran the
    case before."""
    create = "CREATE SILENT GRAPH <http://example.org/protocol-base-test/>"
    assert client.post("/sparql/update", content=create, headers=UPDATE).status_code == 204
    update = (
        "CLEAR GRAPH <http://example.org/protocol-base-test/> ;\n"
        "INSERT DATA { GRAPH <http://example.org/protocol-base-test/> "
        "{ <http://example.org/s> <http://example.org/p> <test> } }"
    )
    assert client.post("/sparql/update", content=update, headers=UPDATE).status_code == 204
    resp = client.post(
        "/sparql",
        headers=DIRECT,
        content="""SELECT ?o WHERE {
    GRAPH <http://example.org/protocol-base-test/> {
        <http://example.org/s> <http://example.org/p> ?o
    }
}""",
    )
    assert_tabular(resp)
    rows = resp.json()["results"]["bindings"]
    assert len(rows) == 1
    assert rows[0]["o"]["type"] == "uri"
    assert rows[0]["o"]["value"] != "test" and rows[0]["o"]["value"].startswith("http://")


PREFIXES = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
INSERT_THREE = f"""INSERT DATA {{
    GRAPH <{D1}> {{ <{D1}> a foaf:Document }}
    GRAPH <{D2}> {{ <{D2}> a foaf:Document }}
    GRAPH <{D3}> {{ <{D3}> a foaf:Document }}
}} ;
"""


def test_update_dataset_default_graph(client):
    update = (
        PREFIXES
        + f"""CLEAR ALL ;
INSERT DATA {{
    GRAPH <{D1}> {{
        <{D1}> a foaf:Document
    }}
}} ;
INSERT {{
    GRAPH <http://example.org/protocol-update-dataset-test/> {{
        ?s a dc:BibliographicResource
    }}
}}
WHERE {{
    ?s a foaf:Document
}}"""
    )
    check = f"""ASK {{
    GRAPH <http://example.org/protocol-update-dataset-test/> {{
        <{D1}> a <http://purl.org/dc/terms/BibliographicResource>
    }}
}}"""
    # control: without using-graph-uri the WHERE sees the (empty) real default graph
    assert client.post("/sparql/update", content=update, headers=UPDATE).status_code == 204
    assert ask(client, check) is False
    resp = client.post(f"/sparql/update?using-graph-uri={q(D1)}", content=update, headers=UPDATE)
    assert resp.status_code == 204
    assert ask(client, check) is True


def _graphs_check(graph: str) -> str:
    bib = "<http://purl.org/dc/terms/BibliographicResource>"
    return f"""ASK {{
    GRAPH <{graph}> {{
        <{D1}> a {bib} .
        <{D2}> a {bib} .
    }}
    FILTER NOT EXISTS {{
        GRAPH <{graph}> {{
            <{D3}> a {bib} .
        }}
    }}
}}"""


def test_update_dataset_default_graphs(client):
    graph = "http://example.org/protocol-update-dataset-graphs-test/"
    update = (
        PREFIXES
        + "DROP ALL ;\n"
        + INSERT_THREE
        + f"""INSERT {{
    GRAPH <{graph}> {{
        ?s a dc:BibliographicResource
    }}
}}
WHERE {{
    ?s a foaf:Document
}}"""
    )
    resp = client.post(
        f"/sparql/update?using-graph-uri={q(D1)}&using-graph-uri={q(D2)}",
        content=update,
        headers=UPDATE,
    )
    assert resp.status_code == 204
    assert ask(client, _graphs_check(graph)) is True


def test_update_dataset_named_graphs(client):
    graph = "http://example.org/protocol-update-dataset-named-graphs-test/"
    update = (
        PREFIXES
        + "DROP ALL ;\n"
        + INSERT_THREE
        + f"""INSERT {{
    GRAPH <{graph}> {{
        ?s a dc:BibliographicResource
    }}
}}
WHERE {{
    GRAPH ?g {{
        ?s a foaf:Document
    }}
}}"""
    )
    resp = client.post(
        f"/sparql/update?using-named-graph-uri={q(D1)}&using-named-graph-uri={q(D2)}",
        content=update,
        headers=UPDATE,
    )
    assert resp.status_code == 204
    assert ask(client, _graphs_check(graph)) is True


def test_update_dataset_full(client):
    graph = "http://example.org/protocol-update-dataset-full-test/"
    update = (
        PREFIXES
        + "DROP ALL ;\n"
        + INSERT_THREE
        + f"""INSERT {{
    GRAPH <{graph}> {{
        ?s <http://example.org/in> ?in
    }}
}}
WHERE {{
    {{
        GRAPH ?g {{ ?s a foaf:Document }}
        BIND(?g AS ?in)
    }}
    UNION
    {{
        ?s a foaf:Document .
        BIND("default" AS ?in)
    }}
}}"""
    )
    resp = client.post(
        f"/sparql/update?using-graph-uri={q(D1)}&using-named-graph-uri={q(D2)}",
        content=update,
        headers=UPDATE,
    )
    assert resp.status_code == 204
    assert (
        ask(
            client,
            f"""ASK {{
    GRAPH <{graph}> {{
        <{D1}> <http://example.org/in> "default" .
        <{D2}> <http://example.org/in> <{D2}> .
    }}
    FILTER NOT EXISTS {{
        GRAPH <{graph}> {{
            <{D3}> ?p ?o
        }}
    }}
}}""",
        )
        is True
    )


def test_bad_multiple_updates(client, store):
    resp = client.post(
        "/sparql/update", content="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", headers=FORM
    )
    assert resp.status_code == 400
    assert "2 update parameters" in assert_4xx_json(resp)["error"]
    assert store.triple_count() == 1


def test_bad_update_wrong_media_type(client, store):
    resp = client.post(
        "/sparql/update", content="CLEAR NAMED", headers={"content-type": "text/plain", **AUTH}
    )
    assert resp.status_code == 415
    assert_4xx_json(resp)
    assert store.triple_count() == 1


def test_bad_update_missing_form_type(client, store):
    resp = client.post("/sparql/update", content="update=CLEAR%20NAMED", headers=AUTH)
    assert resp.status_code == 400
    assert "Content-Type" in assert_4xx_json(resp)["error"]
    assert store.triple_count() == 1


def test_bad_update_non_utf8(client, store):
    resp = client.post(
        "/sparql/update",
        content="CLEAR NAMED".encode("utf-16"),
        headers={"content-type": "application/sparql-update; charset=UTF-16", **AUTH},
    )
    assert resp.status_code == 400
    assert "UTF-8" in assert_4xx_json(resp)["error"]
    assert store.triple_count() == 1


def test_bad_update_syntax(client, store):
    resp = client.post("/sparql/update", content="update=CLEAR%20XYZ", headers=FORM)
    assert resp.status_code == 400
    assert "syntax error" in assert_4xx_json(resp)["error"]
    assert store.triple_count() == 1


def test_bad_update_dataset_conflict(client, store):
    update = """PREFIX foaf:  <http://xmlns.com/foaf/0.1/>
WITH <http://example/addresses>
DELETE { ?person foaf:givenName 'Bill' }
INSERT { ?person foaf:givenName 'William' }
WHERE {
    ?person foaf:givenName 'Bill'
}"""
    resp = client.post(
        "/sparql/update?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        content=update,
        headers=UPDATE,
    )
    assert resp.status_code == 400
    assert "WITH" in assert_4xx_json(resp)["error"]
    assert store.triple_count() == 1


def test_service_description_lists_the_update_service(client):
    from rdflib import Graph, URIRef

    g = Graph().parse(data=client.get("/sparql").text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    update = g.value(None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Update"))
    endpoint = URIRef("http://127.0.0.1:8000/sparql/update")  # the bind address, not Host
    assert g.value(update, URIRef(sd + "endpoint")) == endpoint
