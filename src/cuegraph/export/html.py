"""The self-contained interactive HTML page: Cytoscape.js and the graph inlined in one file.

The page makes no network requests (its Content-Security-Policy forbids them): the vendored
``vendor/cytoscape/cytoscape.min.js`` is copied into a ``<script>`` element and the graph
into a JSON ``<script>`` element. It pans, zooms, shows every attribute on hover, colours
nodes by type and sizes them by degree. A node's IRI is a link only when it is an absolute
http(s) URL (:func:`cuegraph.links.http_link`); anything else is shown as text. Above
``max_nodes`` nodes it shows a sample and says so, rather than freezing the browser.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from cuegraph.export.views import NODE_TYPES, sample
from cuegraph.export.writers import cytoscape_json
from cuegraph.links import http_link

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["write_html", "cytoscape_js", "DEFAULT_MAX_NODES", "FORCE_LAYOUT_LIMIT"]

#: above this many nodes the page shows a sample (``--max-nodes`` / ``max_nodes=``)
DEFAULT_MAX_NODES = 2000
#: up to this many nodes the page runs a force-directed layout; above, a concentric one
FORCE_LAYOUT_LIMIT = 400
#: above this many nodes labels appear on hover only
LABEL_LIMIT = 300


@cache
def cytoscape_js() -> str:
    """The vendored Cytoscape.js source."""
    path = resources.files("cuegraph.export") / "vendor" / "cytoscape" / "cytoscape.min.js"
    return path.read_text(encoding="utf-8")


@cache
def _template() -> str:
    return (resources.files("cuegraph.export") / "templates" / "graph.html").read_text(
        encoding="utf-8"
    )


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``<``, ``>`` or ``&`` characters)."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write_html(
    g: nx.Graph,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str | None = None,
    seeds: list[str] | None = None,
    **_: Any,
) -> bytes:
    """The interactive page for ``g`` (sampled to ``max_nodes`` nodes when larger)."""
    total = g.graph.get("sampled_from", len(g))
    shown = sample(g, max_nodes, seeds or [])
    total = shown.graph.get("sampled_from", total)
    top = max((d for _, d in shown.degree()), default=1) or 1

    def extra(node: str, data: dict) -> dict:
        colour = NODE_TYPES.get(data.get("type", "other"), NODE_TYPES["other"])[0]
        out = {"color": colour, "size": round(14 + 46 * (shown.degree(node) / top) ** 0.5, 1)}
        href = http_link(data.get("iri", node))  # only http(s) IRIs become links
        if href is not None:
            out["href"] = href
        return out

    doc = cytoscape_json(shown, extra_node=extra)
    warning = ""
    if total > len(shown):
        warning = (
            f"This graph has {total} nodes; showing {len(shown)} (nearest the start "
            f"and best connected) so the browser stays responsive. Raise --max-nodes "
            f"(max_nodes=) or export GraphML/GEXF for the whole graph."
        )
    present = {d.get("type", "other") for _, d in shown.nodes(data=True)}
    title = title or "cuegraph export"
    doc["meta"] = {
        "title": title,
        "view": str(g.graph.get("view", "")),
        "directed": shown.is_directed(),
        "total_nodes": total,
        "shown_nodes": len(shown),
        "shown_edges": shown.number_of_edges(),
        "sampled": bool(warning),
        "warning": warning,
        "force_limit": FORCE_LAYOUT_LIMIT,
        "label_limit": LABEL_LIMIT,
        "legend": [{"type": t, "color": c} for t, (c, _d) in NODE_TYPES.items() if t in present],
    }
    parts = {"TITLE": html.escape(title), "DATA": _script_json(doc), "CYTOSCAPE_JS": cytoscape_js()}
    page = re.sub(r"\{\{(TITLE|DATA|CYTOSCAPE_JS)\}\}", lambda m: parts[m.group(1)], _template())
    return page.encode("utf-8")
