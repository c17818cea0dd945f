"""The graph writers: networkx view -> bytes in GraphML, GEXF, Cytoscape.js JSON, node-link
JSON and Graphviz DOT.

Each writer takes a networkx graph whose ids and attributes are plain strings and numbers
(see :mod:`cuegraph.export.views`). The HTML page (:mod:`cuegraph.export.html`) and the images
(:mod:`cuegraph.export.images`) build on :func:`cytoscape_json` and :func:`write_dot`; the
format registry (:mod:`cuegraph.export.formats`) imports all of them, none imports it.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cuegraph.export.views import NODE_TYPES

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = [
    "write_graphml",
    "write_gexf",
    "cytoscape_json",
    "write_cytoscape",
    "write_nodelink",
    "write_dot",
    "dot_quote",
]

#: characters XML 1.0 cannot hold (C0 controls other than tab/newline/CR, lone surrogates,
#: U+FFFE/U+FFFF): dropped from GraphML/GEXF text, or the file would not parse
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean_attrs(data: dict[str, Any], xml: bool = False) -> dict[str, Any]:
    """Attributes as every format accepts them: str/int/float/bool values only (``None``
    dropped, lists and sets ``; ``-joined, anything else as ``str``); with ``xml``, no
    character XML 1.0 forbids."""
    out: dict[str, str | int | float] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, bool | int | float):
            out[str(key)] = value
            continue
        if isinstance(value, list | tuple | set | frozenset):
            items = sorted(map(str, value)) if isinstance(value, set | frozenset) else value
            text = "; ".join(map(str, items))
        else:
            text = value if type(value) is str else str(value)  # e.g. an rdflib term
        out[str(key)] = _XML_ILLEGAL.sub("", text) if xml else text
    return out


def _plain_copy(g: nx.Graph, xml: bool = False, canonical_ids: bool = False) -> nx.Graph:
    """A copy with string ids and cleaned attributes (defence against stray rdflib terms).

    ``canonical_ids``: nodes renamed ``n0``, ``n1`` … (GraphML node ids must be XML NMTOKENs,
    which IRIs are not), each keeping its original id in its ``iri`` attribute.
    """
    h = g.__class__()
    h.graph.update(_clean_attrs(g.graph, xml))
    ids = {n: (f"n{i}" if canonical_ids else str(n)) for i, n in enumerate(g)}
    for n, data in g.nodes(data=True):
        attrs = _clean_attrs(data, xml)
        if canonical_ids:
            attrs.setdefault("iri", str(n))
        h.add_node(ids[n], **attrs)
    for u, v, data in g.edges(data=True):
        h.add_edge(ids[u], ids[v], **_clean_attrs(data, xml))
    return h


def write_graphml(g: nx.Graph, **_: Any) -> bytes:
    """GraphML (yEd, Gephi, Cytoscape desktop) as its XML Schema requires: node ids ``n0``,
    ``n1`` … (NMTOKENs; each node's IRI is in its ``iri`` attribute), one ``<key>`` per
    attribute and domain with a unique id (``d0`` …) and a declared ``attr.type``."""
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(
        _plain_copy(g, xml=True, canonical_ids=True),
        buf,
        encoding="utf-8",
        named_key_ids=False,
        infer_numeric_types=True,
    )
    return buf.getvalue()


def write_gexf(g: nx.Graph, **_: Any) -> bytes:
    """GEXF 1.2 (Gephi), static, with viz colours and sizes by degree; node ids are IRIs."""
    import networkx as nx

    h = _plain_copy(g, xml=True)
    top = max((d for _, d in h.degree()), default=1) or 1
    for n, data in h.nodes(data=True):
        colour = NODE_TYPES.get(data.get("type", "other"), NODE_TYPES["other"])[0]
        r, gr, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        data["viz"] = {
            "color": {"r": r, "g": gr, "b": b, "a": 1.0},
            "size": 5.0 + 25.0 * h.degree(n) / top,
        }
    buf = io.BytesIO()
    nx.write_gexf(h, buf, encoding="utf-8", version="1.2draft")
    return buf.getvalue()


def cytoscape_json(g: nx.Graph, extra_node: Callable[[str, dict], dict] | None = None) -> dict:
    """The Cytoscape.js / Cytoscape desktop (``.cyjs``) document: ``elements.nodes[].data.id``,
    ``elements.edges[].data.source/target`` (all ids strings)."""
    nodes = []
    for n, data in g.nodes(data=True):
        item = {**_clean_attrs(data), "id": str(n)}
        if extra_node is not None:
            item.update(extra_node(str(n), item))
        nodes.append({"data": item})
    edges = []
    for i, (u, v, data) in enumerate(g.edges(data=True)):
        edges.append(
            {"data": {**_clean_attrs(data), "id": f"e{i}", "source": str(u), "target": str(v)}}
        )
    return {
        "format_version": "1.0",
        "generated_by": "cuegraph",
        "target_cytoscapejs_version": "~3",
        "data": {**_clean_attrs(g.graph), "directed": g.is_directed()},
        "elements": {"nodes": nodes, "edges": edges},
    }


def write_cytoscape(g: nx.Graph, **_: Any) -> bytes:
    """Cytoscape.js JSON (``cy.add(doc.elements)`` or Cytoscape desktop's ``.cyjs`` import)."""
    return json.dumps(cytoscape_json(g), ensure_ascii=False, indent=1).encode("utf-8")


def write_nodelink(g: nx.Graph, **_: Any) -> bytes:
    """D3-style node-link JSON with ``links`` (set explicitly: networkx 3.6 defaults to
    ``edges``)."""
    import networkx as nx

    data = nx.node_link_data(_plain_copy(g), edges="links")
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def dot_quote(text: str) -> str:
    r"""A DOT quoted string: backslashes and quotes escaped, newlines as ``\n``.

    >>> dot_quote('say "hi"')
    '"say \\"hi\\""'
    """
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r", "").replace("\n", "\\n") + '"'


def _legend(types: list[str]) -> str:
    rows = "".join(
        f'<TR><TD BGCOLOR="{NODE_TYPES[t][0]}" WIDTH="14"> </TD>'
        f'<TD ALIGN="LEFT">{html.escape(NODE_TYPES[t][1])}</TD></TR>'
        for t in types
    )
    return (
        '<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" COLOR="#999999">'
        f'<TR><TD COLSPAN="2"><B>Legend</B></TD></TR>{rows}'
        '<TR><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="9">edges: roles</FONT>'
        "</TD></TR></TABLE>>"
    )


_SHAPES = {
    "person": "ellipse",
    "group": "ellipse",
    "work": "box",
    "song": "note",
    "recording": "component",
    "album": "folder",
    "cue": "cds",
    "other": "ellipse",
}


def write_dot(g: nx.Graph, *, legend: bool = True, title: str | None = None, **_: Any) -> bytes:
    """Graphviz DOT. Node ids are ``n0``, ``n1`` …; names go in ``label``, IRIs in
    ``tooltip`` (never raw IRIs as ids: a colon is a port separator)."""
    directed = g.is_directed()
    arrow = "->" if directed else "--"
    ids = {n: f"n{i}" for i, n in enumerate(g.nodes)}
    lines = [f"{'digraph' if directed else 'graph'} cuegraph {{"]
    lines.append(
        '  graph [charset="UTF-8", fontname="Helvetica", overlap=false, '
        "splines=true, outputorder=edgesfirst, rankdir=LR"
        + (f", label={dot_quote(title)}, labelloc=t" if title else "")
        + "];"
    )
    lines.append('  node [style=filled, fontname="Helvetica", fontsize=10, penwidth=0.5];')
    lines.append('  edge [fontname="Helvetica", fontsize=8, color="#777777", fontcolor="#444444"];')
    for n, data in g.nodes(data=True):
        kind = data.get("type", "other")
        colour = NODE_TYPES.get(kind, NODE_TYPES["other"])[0]
        font = "white" if kind in ("work", "person") else "black"
        attrs = {
            "label": data.get("label", str(n)),
            "tooltip": data.get("iri", str(n)),
            "fillcolor": colour,
            "fontcolor": font,
            "shape": _SHAPES.get(kind, "ellipse"),
            "class": kind,
        }
        lines.append(
            f"  {ids[n]} [" + ", ".join(f"{k}={dot_quote(v)}" for k, v in attrs.items()) + "];"
        )
    for u, v, data in g.edges(data=True):
        label = data.get("label", "")
        weight = data.get("weight", 1)
        lines.append(
            f"  {ids[u]} {arrow} {ids[v]} [label={dot_quote(label)}, "
            f"penwidth={min(1 + 0.5 * (int(weight) - 1), 6):.1f}];"
        )
    if legend:
        present = [t for t in NODE_TYPES if any(d.get("type") == t for _, d in g.nodes(data=True))]
        if present:
            lines.append(f'  legend [shape=plaintext, style="", label={_legend(present)}];')
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")
