"""Shared helpers for the export tests: seed IRIs, and strict checks of GraphML and GEXF.

The checks go further than a networkx round trip (networkx reads files that Gephi, yEd or a
schema validator refuse). :func:`check_graphml` enforces the rules of the GraphML 1.0 XML
Schema (graphml-structure.xsd + graphml-attributes.xsd): namespace, element order, NMTOKEN
ids, unique ``<key>`` ids, declared ``for`` and ``attr.type``, every ``<data>`` pointing at a
key of its own domain, values of the declared type, edges between declared nodes.
:func:`check_gexf` does the same for GEXF 1.2 (namespace, static mode, typed attribute
declarations, ``attvalue``\\ s that reference them, viz colours and sizes, edge ends and
weights). Both refuse ``None`` and Python object reprs in values.
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET

import networkx as nx

__all__ = [
    "BASE",
    "KAJIURA",
    "KALAFINA",
    "MADOKA",
    "MAGIA",
    "check_graphml",
    "check_gexf",
    "read_graphml_by_iri",
    "svg_text",
]

BASE = "https://cuegraph.org/id/"
KAJIURA = BASE + "person/yuki-kajiura"
KALAFINA = BASE + "person/kalafina"
MADOKA = BASE + "work/madoka-magica"
MAGIA = BASE + "song/magia"

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"
VIZ_NS = "http://www.gexf.net/1.2draft/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: xs:NMTOKEN (XML NameChar+; \w covers letters, digits and _)
_NMTOKEN = re.compile(r"^[\w.:\-\u00b7\u0300-\u036f\u203f-\u2040]+$")
#: xs:double / xs:float lexical space
_XSD_DOUBLE = re.compile(r"^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|-?INF|NaN)$")
_XSD_INT = re.compile(r"^[+-]?\d+$")
_PY_REPR = re.compile(r"^None$|rdflib\.term|^<\w+ object at|^\[.*\]$|^\{.*\}$|^\(.*\)$")


def _value_ok(text: str, kind: str) -> bool:
    """Does ``text`` belong to the lexical space of the declared type ``kind``?"""
    if kind in ("int", "integer", "long"):
        if not _XSD_INT.match(text):
            return False
        bits = 32 if kind == "int" else 64
        return -(2 ** (bits - 1)) <= int(text) < 2 ** (bits - 1)
    if kind in ("float", "double"):
        return bool(_XSD_DOUBLE.match(text))
    if kind == "boolean":
        return text in ("true", "false", "1", "0")
    return kind in ("string", "anyURI", "liststring")


def _no_repr(text: str, where: str) -> None:
    assert not _PY_REPR.search(text), f"{where}: a Python value leaked: {text!r}"


def check_graphml(body: bytes) -> ET.Element:
    """Assert ``body`` is GraphML valid under the GraphML 1.0 schema rules; return the root."""
    root = ET.fromstring(body)
    g = f"{{{GRAPHML_NS}}}"
    assert root.tag == f"{g}graphml", root.tag
    assert GRAPHML_NS in root.get(f"{{{XSI_NS}}}schemaLocation", "")
    for el in root.iter():
        assert el.tag.startswith(g), f"element outside the GraphML namespace: {el.tag}"
    children = [c.tag[len(g) :] for c in root]
    # graphml.type content: desc?, key*, (graph | data)*
    assert re.fullmatch(r"(desc,)?(key,)*((graph|data),)*", "".join(f"{c}," for c in children)), (
        children
    )
    keys: dict[str, tuple[str, str]] = {}
    names: set[tuple[str, str]] = set()
    for key in root.findall(f"{g}key"):
        kid, domain = key.get("id", ""), key.get("for", "all")
        assert _NMTOKEN.match(kid), f"key id {kid!r} is not an NMTOKEN"
        assert kid not in keys, f"duplicate key id {kid!r} (key_id_key)"
        assert domain in ("all", "graph", "node", "edge", "hyperedge", "port", "endpoint")
        name, kind = key.get("attr.name", ""), key.get("attr.type", "string")
        assert _NMTOKEN.match(name), f"attr.name {name!r} is not an NMTOKEN"
        assert kind in ("boolean", "int", "long", "float", "double", "string"), kind
        assert (name, domain) not in names, f"two keys named {name!r} for {domain}"
        names.add((name, domain))
        keys[kid] = (domain, kind)

    def check_data(parent: ET.Element, domain: str) -> None:
        seen = set()
        for data in parent.findall(f"{g}data"):
            ref = data.get("key", "")
            assert ref in keys, f"<data key={ref!r}> has no <key> (data_key_ref)"
            assert ref not in seen, f"two <data key={ref!r}> on one {domain}"
            seen.add(ref)
            for_, kind = keys[ref]
            assert for_ in (domain, "all"), f"<data key={ref!r}> (for {for_}) on a {domain}"
            text = data.text or ""
            assert _value_ok(text, kind), f"{text!r} is not a GraphML {kind}"
            _no_repr(text, f"{domain} data {ref}")

    check_data(root, "graphml")
    graphs = root.findall(f"{g}graph")
    assert len(graphs) == 1
    graph = graphs[0]
    assert graph.get("edgedefault") in ("directed", "undirected")
    if graph.get("id") is not None:
        assert _NMTOKEN.match(graph.get("id"))
    check_data(graph, "graph")
    kinds = [c.tag[len(g) :] for c in graph]
    assert set(kinds) <= {"desc", "data", "node", "edge"}, set(kinds)
    nodes = set()
    for node in graph.findall(f"{g}node"):
        nid = node.get("id", "")
        assert _NMTOKEN.match(nid), f"node id {nid!r} is not an NMTOKEN"
        assert nid not in nodes, f"duplicate node id {nid!r}"
        nodes.add(nid)
        assert {c.tag for c in node} <= {f"{g}data"}
        check_data(node, "node")
    edge_ids = set()
    for edge in graph.findall(f"{g}edge"):
        for end in ("source", "target"):
            assert edge.get(end) in nodes, f"edge {end} {edge.get(end)!r} is not a node"
        if edge.get("id") is not None:
            assert _NMTOKEN.match(edge.get("id")) and edge.get("id") not in edge_ids
            edge_ids.add(edge.get("id"))
        assert {c.tag for c in edge} <= {f"{g}data"}
        check_data(edge, "edge")
    return root


def check_gexf(body: bytes) -> ET.Element:
    """Assert ``body`` is well-formed GEXF 1.2 as Gephi reads it; return the root."""
    root = ET.fromstring(body)
    x, viz = f"{{{GEXF_NS}}}", f"{{{VIZ_NS}}}"
    assert root.tag == f"{x}gexf" and root.get("version") == "1.2"
    for el in root.iter():
        assert el.tag.startswith((x, viz)), f"element outside GEXF 1.2: {el.tag}"
    graph = root.find(f"{x}graph")
    assert graph is not None
    assert graph.get("defaultedgetype") in ("directed", "undirected")
    assert graph.get("mode", "static") == "static"
    declared: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    for attrs in graph.findall(f"{x}attributes"):
        cls = attrs.get("class")
        assert cls in declared and attrs.get("mode", "static") == "static"
        titles = set()
        for attr in attrs.findall(f"{x}attribute"):
            aid, title, kind = attr.get("id"), attr.get("title"), attr.get("type")
            assert aid and aid not in declared[cls], f"duplicate {cls} attribute id {aid!r}"
            assert title and title not in titles, f"duplicate {cls} attribute {title!r}"
            titles.add(title)
            assert kind in (
                "integer",
                "long",
                "double",
                "float",
                "boolean",
                "string",
                "liststring",
                "anyURI",
            ), kind
            declared[cls][aid] = kind

    def check_values(el: ET.Element, cls: str) -> None:
        holder = el.find(f"{x}attvalues")
        seen = set()
        for value in [] if holder is None else holder.findall(f"{x}attvalue"):
            ref = value.get("for")
            assert ref in declared[cls], f"attvalue for {ref!r}: no such {cls} attribute"
            assert ref not in seen
            seen.add(ref)
            text = value.get("value", "")
            assert _value_ok(text, declared[cls][ref]), (text, declared[cls][ref])
            _no_repr(text, f"{cls} attvalue {ref}")

    nodes = set()
    for node in graph.iterfind(f"{x}nodes/{x}node"):
        nid = node.get("id")
        assert nid and nid not in nodes, f"missing or duplicate node id {nid!r}"
        nodes.add(nid)
        assert node.get("label"), f"node {nid} has no label"
        _no_repr(node.get("label"), f"node {nid} label")
        check_values(node, "node")
        colour = node.find(f"{viz}color")
        if colour is not None:
            assert all(0 <= int(colour.get(c)) <= 255 for c in "rgb")
            assert 0.0 <= float(colour.get("a", "1")) <= 1.0
        size = node.find(f"{viz}size")
        if size is not None:
            assert float(size.get("value")) > 0
    edge_ids = set()
    for edge in graph.iterfind(f"{x}edges/{x}edge"):
        eid = edge.get("id")
        assert eid and eid not in edge_ids, f"missing or duplicate edge id {eid!r}"
        edge_ids.add(eid)
        assert edge.get("source") in nodes and edge.get("target") in nodes
        weight = edge.get("weight")
        assert weight is None or (_value_ok(weight, "double") and math.isfinite(float(weight)))
        assert edge.get("type", graph.get("defaultedgetype")) in ("directed", "undirected")
        check_values(edge, "edge")
    return root


def read_graphml_by_iri(body: bytes) -> nx.Graph:
    """Check a GraphML export (:func:`check_graphml`), then read it back with networkx, nodes
    named by their ``iri`` again."""
    check_graphml(body)
    back = nx.read_graphml(io.BytesIO(body))
    iris = {n: d["iri"] for n, d in back.nodes(data=True)}
    assert len(set(iris.values())) == len(iris), "two nodes share an IRI"
    return nx.relabel_nodes(back, iris)


def svg_text(body: bytes) -> str:
    """All the text an SVG draws, one string."""
    root = ET.fromstring(body)
    return " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
