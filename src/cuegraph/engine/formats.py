"""The one table of result and RDF formats: short name, media type, pyoxigraph and rdflib
names, file extensions; and the graph formats written from N-Triples here. Imports only
pyoxigraph and the standard library (query workers import it and start fast).

>>> GRAPH_FORMATS["turtle"], RDFLIB_FORMATS["ntriples"], RDF_FILE_FORMATS[".nq"]
('text/turtle', 'nt', 'nquads')
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

__all__ = [
    "RESULT_FORMATS",
    "GRAPH_FORMATS",
    "RDF_FILE_FORMATS",
    "OX_RESULTS",
    "OX_RDF",
    "RDFLIB_FORMATS",
    "MEDIA_ALIASES",
    "W3C_NAMES",
    "CONVERTED",
    "convert_graph",
]

#: SELECT/ASK result formats: short name -> media type
RESULT_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: CONSTRUCT/DESCRIBE (and dump) formats: short name -> media type
GRAPH_FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "trig": "application/trig",
    "nquads": "application/n-quads",
}
#: other media types clients send for a format, per kind (``select``: SELECT/ASK results,
#: ``graph``: CONSTRUCT/DESCRIBE) -> short name
MEDIA_ALIASES = {
    "select": {"application/json": "json", "application/xml": "xml", "text/xml": "xml"},
    "graph": {
        "application/x-turtle": "turtle",
        "application/turtle": "turtle",
        "application/json": "jsonld",
        "application/xml": "rdfxml",
    },
}
#: short name -> its name in the W3C formats registry (``http://www.w3.org/ns/formats/``)
W3C_NAMES = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
    "trig": "TriG",
    "nquads": "N-Quads",
}
#: file extension -> graph format name (``cuegraph load``)
RDF_FILE_FORMATS = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
}
#: short name -> pyoxigraph's results format
OX_RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
#: short name -> pyoxigraph's RDF format
OX_RDF = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}
#: short name -> rdflib's serializer (the formats rdflib writes for cuegraph)
RDFLIB_FORMATS = {
    "turtle": "turtle",
    "ntriples": "nt",
    "jsonld": "json-ld",
    "rdfxml": "xml",
    "nquads": "nquads",
    "trig": "trig",
}
#: graph formats cuegraph writes from N-Triples (the engine does not write them) -> media type
CONVERTED = {
    "rdfjson": "application/rdf+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}


def convert_graph(fmt: str, ntriples: bytes) -> tuple[bytes, str]:
    """A CONSTRUCT/DESCRIBE answer (N-Triples) as RDF/JSON (W3C RDF 1.1 JSON Alternate
    Serialization) or as a ``subject, predicate, object`` CSV/TSV table (TSV terms in
    N-Triples syntax, as in SPARQL TSV results).

    >>> body, media = convert_graph("rdfjson", b'<http://a> <http://b> "c"@en .')
    >>> media, json.loads(body)["http://a"]["http://b"][0]["lang"]
    ('application/rdf+json', 'en')
    """
    triples = list(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    if fmt == "rdfjson":
        out: dict[str, dict[str, list]] = {}
        for t in triples:
            subject = (
                t.subject.value if isinstance(t.subject, ox.NamedNode) else f"_:{t.subject.value}"
            )
            out.setdefault(subject, {}).setdefault(t.predicate.value, []).append(
                _rdfjson_object(t.object)
            )
        return json.dumps(out, ensure_ascii=False).encode("utf-8"), CONVERTED[fmt]
    rows = [("subject", "predicate", "object")]
    if fmt == "csv":
        rows += [(_plain(t.subject), t.predicate.value, _plain(t.object)) for t in triples]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        return buf.getvalue().encode("utf-8"), CONVERTED[fmt]
    lines = ["?subject\t?predicate\t?object"]
    lines += [f"{t.subject}\t{t.predicate}\t{t.object}" for t in triples]
    return ("\n".join(lines) + "\n").encode("utf-8"), CONVERTED[fmt]


def _plain(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _rdfjson_object(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": f"_:{term.value}"}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out
