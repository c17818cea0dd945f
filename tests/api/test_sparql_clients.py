"""Real SPARQL clients against a real ``cuegraph serve`` on 127.0.0.1: SPARQLWrapper (JSON,
XML, CONSTRUCT as Turtle) and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

SCHEMA = "https://schema.org/"
CG = "https://cuegraph.org/ns#"
MADOKA_COMPOSERS = f"""
PREFIX cg: <{CG}> PREFIX schema: <{SCHEMA}>
SELECT DISTINCT ?name WHERE {{
  ?work schema:name "Puella Magi Madoka Magica" .
  ?credit cg:credits ?work ; cg:agent ?p ; cg:role cg:ScoreComposer .
  ?p schema:name ?name .
}}"""


@pytest.fixture(scope="module")
def endpoint(server):
    return server.base + "/sparql"


def test_sparqlwrapper_select_json(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(MADOKA_COMPOSERS)
    sw.setReturnFormat(JSON)
    result = sw.query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    names = {b["name"]["value"] for b in result.convert()["results"]["bindings"]}
    assert names == {"Yuki Kajiura"}


def test_sparqlwrapper_select_xml_via_post(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(MADOKA_COMPOSERS)
    sw.setReturnFormat(XML)
    sw.setMethod(POST)
    doc = sw.query().convert()  # xml.dom.minidom document
    literals = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert literals == ["Yuki Kajiura"]


def test_sparqlwrapper_ask(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(f'ASK {{ ?p <{SCHEMA}name> "Hiromi Mizutani" }}')
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True


def test_sparqlwrapper_construct_turtle(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(f"""PREFIX schema: <{SCHEMA}>
CONSTRUCT {{ ?p schema:name ?name }} WHERE {{ ?p a schema:Person ; schema:name ?name }}""")
    sw.setReturnFormat(TURTLE)
    result = sw.query()
    assert result.response.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=result.convert(), format="turtle")
    assert Literal("Yuki Kajiura") in set(g.objects(None, URIRef(SCHEMA + "name")))
    assert len(g) >= 10


def test_rdflib_sparqlstore(endpoint):
    store = SPARQLStore(query_endpoint=endpoint)
    rows = list(
        store.query(
            MADOKA_COMPOSERS, initNs={}, initBindings={}, queryGraph="__UNION__", DEBUG=False
        )
    )
    assert [str(r[0]) for r in rows] == ["Yuki Kajiura"]
    graph = Graph(store=store)
    people = {str(n) for n in graph.objects(None, URIRef(SCHEMA + "name"))}
    assert "Yuki Kajiura" in people and "Kalafina" in people
