"""The SPARQL 1.1 Service Description returned by ``GET /sparql`` without a query."""

from __future__ import annotations

from rdflib import BNode, Graph, Namespace, URIRef
from rdflib.namespace import RDF

from cuegraph.engine.formats import GRAPH_FORMATS, RESULT_FORMATS, W3C_NAMES

__all__ = ["SD", "FORMATS", "service_description"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")

#: every result format /sparql serves (engine.formats' table), by its W3C formats name
_RESULT_FORMATS = [W3C_NAMES[name] for name in (*RESULT_FORMATS, *GRAPH_FORMATS)]


def service_description(endpoint: str, update_endpoint: str | None, graphs: list[str]) -> Graph:
    """Describe the query service at ``endpoint`` (and the update service, when enabled).

    Args:
        endpoint: absolute URL of /sparql.
        update_endpoint: absolute URL of /sparql/update, or ``None`` when updates are off.
        graphs: the named graphs of the store (listed in the default dataset).
    """
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", FORMATS)
    service = URIRef(endpoint + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in _RESULT_FORMATS:
        g.add((service, SD.resultFormat, FORMATS[name]))
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    g.add((dataset, SD.defaultGraph, default_graph))
    g.add((default_graph, RDF.type, SD.Graph))
    for iri in graphs:
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(iri)))
    if update_endpoint:
        upd = URIRef(update_endpoint + "#service")
        g.add((upd, RDF.type, SD.Service))
        g.add((upd, SD.endpoint, URIRef(update_endpoint)))
        g.add((upd, SD.supportedLanguage, SD.SPARQL11Update))
    return g
