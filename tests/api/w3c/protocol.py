"""Helpers for the W3C SPARQL 1.1 Protocol cases (w3c/rdf-tests sparql/sparql11/protocol).

The published manifest (``manifest.ttl``) describes each case as HTTP requests against
``/sparql/`` on a service preloaded with the graphs ``http://kasei.us/2009/09/sparql/data/
data1.rdf`` … ``data3.rdf``. The data files themselves (``data1.nt`` …) are not in the
stored copy of the suite we could read, so :func:`load_kasei_graphs` writes what the cases'
queries need: each ``dataN.rdf`` graph says ``<dataN.rdf> a foaf:Document`` (the cases ask
for ``<data1.rdf> a ?type . <data2.rdf> a ?type`` — one shared type).

Deviations, applied by the tests: the path ``/sparql/`` becomes ``/sparql`` (queries) or
``/sparql/update`` (updates, which also carry ``Authorization: Bearer``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from rdflib import Graph

__all__ = [
    "CASES",
    "KASEI",
    "FOAF_DOCUMENT",
    "load_kasei_graphs",
    "response_boolean",
    "assert_tabular",
    "assert_rdf",
    "assert_4xx_json",
    "SPARQL_RESULTS_NS",
]

#: the entries of the manifest (``mf:entries``), in its order
CASES = (
    "query_post_form",
    "query_dataset_default_graphs_get",
    "query_dataset_default_graphs_post",
    "query_dataset_named_graphs_post",
    "query_dataset_named_graphs_get",
    "query_dataset_full",
    "query_multiple_dataset",
    "query_get",
    "query_content_type_select",
    "query_content_type_ask",
    "query_content_type_describe",
    "query_content_type_construct",
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
    "query_post_direct",
    "bad_query_method",
    "bad_multiple_queries",
    "bad_query_wrong_media_type",
    "bad_query_missing_form_type",
    "bad_query_missing_direct_type",
    "bad_query_non_utf8",
    "bad_query_syntax",
    "bad_update_get",
    "bad_multiple_updates",
    "bad_update_wrong_media_type",
    "bad_update_missing_form_type",
    "bad_update_non_utf8",
    "bad_update_syntax",
    "bad_update_dataset_conflict",
)
KASEI = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
SPARQL_RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
_BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
_TABULAR_TYPES = _BOOLEAN_TYPES + ("text/csv", "text/tab-separated-values")
_RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


def load_kasei_graphs(store) -> None:
    """Write the three protocol test graphs (see the module docstring)."""
    for i in (1, 2, 3):
        doc = f"{KASEI}data{i}.rdf"
        store.update(
            f"INSERT DATA {{ GRAPH <{doc}> {{ <{doc}> a <{FOAF_DOCUMENT}> ; "
            f'<http://purl.org/dc/terms/title> "data {i}" }} }}'
        )


def _media(resp) -> str:
    return resp.headers["content-type"].split(";")[0].strip()


def response_boolean(resp) -> bool:
    """The boolean of a 2xx ASK response (SPARQL JSON or XML), checking the media type."""
    assert 200 <= resp.status_code < 400, resp.text
    media = _media(resp)
    assert media in _BOOLEAN_TYPES, media
    if media.endswith("json"):
        return json.loads(resp.content)["boolean"]
    root = ET.fromstring(resp.content)
    return root.find(f"{SPARQL_RESULTS_NS}boolean").text == "true"


def assert_tabular(resp) -> str:
    """A 2xx SELECT response in a tabular results format; returns the media type."""
    assert 200 <= resp.status_code < 400, resp.text
    media = _media(resp)
    assert media in _TABULAR_TYPES, media
    return media


def assert_rdf(resp) -> Graph:
    """A 2xx CONSTRUCT/DESCRIBE response in an RDF format, parsed."""
    assert 200 <= resp.status_code < 400, resp.text
    media = _media(resp)
    assert media in _RDF_TYPES, media
    return Graph().parse(data=resp.content, format=_RDF_TYPES[media])


def assert_4xx_json(resp) -> dict:
    """A 4xx answer with the one JSON error shape."""
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.text)
    body = resp.json()
    assert set(body) == {"error", "detail"} and body["error"], body
    return body
