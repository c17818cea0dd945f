"""One table per idea: the formats /sparql serves, its Service Description and its OpenAPI
entry all come from engine.formats; pages, /conflicts and the 404 page read Accept with
q-values (cuegraph.accept.prefers_html)."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from cuegraph.api.sparql.negotiation import GRAPH_OFFERS, RESULT_OFFERS
from cuegraph.engine.formats import GRAPH_FORMATS, RESULT_FORMATS, W3C_NAMES

SD = "http://www.w3.org/ns/sparql-service-description#"
W3C = "http://www.w3.org/ns/formats/"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"
SELECT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 3"


def _described_formats(client) -> set[str]:
    g = Graph().parse(data=client.get("/sparql").text, format="turtle")
    service = next(g.subjects(URIRef(SD + "endpoint"), None))
    return {str(o) for o in g.objects(service, URIRef(SD + "resultFormat"))}


def test_the_description_lists_every_format_served(client):
    described = _described_formats(client)
    # TriG and N-Quads were left out though /sparql serves them
    assert {W3C + "TriG", W3C + "N-Quads"} <= described
    assert described == {W3C + W3C_NAMES[n] for n in (*RESULT_FORMATS, *GRAPH_FORMATS)}


@pytest.mark.parametrize("name", list(GRAPH_FORMATS))
def test_each_described_graph_format_is_served(client, name):
    media = GRAPH_FORMATS[name]
    resp = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": media})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == media


@pytest.mark.parametrize("name", list(RESULT_FORMATS))
def test_each_described_result_format_is_served(client, name):
    media = RESULT_FORMATS[name]
    resp = client.get("/sparql", params={"query": SELECT}, headers={"Accept": media})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == media


def test_openapi_lists_every_offered_media_type(client):
    op = client.get("/openapi.json").json()["paths"]["/sparql"]["get"]
    content = set(op["responses"]["200"]["content"])
    assert content == set(RESULT_OFFERS) | set(GRAPH_OFFERS)
    assert {"application/trig", "application/n-quads", "application/rdf+json"} <= content


def test_load_cli_formats_come_from_the_table():
    from cuegraph.rdfload import CLI_FORMATS

    assert CLI_FORMATS == {
        "ntriples": "application/n-triples",
        "turtle": "text/turtle",
        "rdfxml": "application/rdf+xml",
    }


HTML_LOW_JSON = {"Accept": "application/json;q=0.5, text/html"}
NO_HTML = {"Accept": "text/html;q=0, application/json"}


def test_page_twin_weighs_accept_q_values(client):
    url = "/composers/yuki-kajiura"
    page = client.get(url, headers=HTML_LOW_JSON, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/#/composer/yuki-kajiura"
    data = client.get(url, headers=NO_HTML, follow_redirects=False)
    assert data.status_code == 200 and data.json()["id"] == "yuki-kajiura"
    # JSON wins a tie and when nothing else is said
    for accept in ("*/*", "application/json, text/html", ""):
        resp = client.get(url, headers={"Accept": accept}, follow_redirects=False)
        assert resp.status_code == 200, accept


def test_conflicts_weigh_accept_q_values(client):
    page = client.get("/conflicts", headers=HTML_LOW_JSON)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    data = client.get("/conflicts", headers=NO_HTML)
    assert data.status_code == 200
    assert data.headers["content-type"].startswith("application/json")
    assert "data" in data.json()


def test_not_found_page_weighs_accept_q_values(client):
    url = "/no-such-page"
    page = client.get(url, headers=HTML_LOW_JSON)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html") and "Not found" in page.text
    data = client.get(url, headers=NO_HTML)
    assert data.status_code == 404 and set(data.json()) == {"error", "detail"}
    assert client.get(url).json()["error"]  # no Accept: the JSON error
