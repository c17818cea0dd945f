"""Export formats: one registry keyed by short name and by media type.

``?format=graphml`` and ``Accept: application/graphml+xml`` resolve to the same
:class:`Format`. Each format's writer (:mod:`cuegraph.export.writers`,
:mod:`cuegraph.export.html`, :mod:`cuegraph.export.images`) takes a networkx view and returns
bytes; none of them imports this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cuegraph.accept import choose
from cuegraph.errors import BadInput, NotAcceptable
from cuegraph.export.html import write_html
from cuegraph.export.images import render_image
from cuegraph.export.writers import (
    write_cytoscape,
    write_dot,
    write_gexf,
    write_graphml,
    write_nodelink,
)

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["Format", "FORMATS", "all_formats", "get_format", "negotiate", "format_for_path"]


@dataclass(frozen=True)
class Format:
    """An export format: short name, media type, file extension, writer."""

    name: str
    media_type: str
    extension: str
    writer: Callable[..., bytes]
    description: str
    aliases: tuple[str, ...] = field(default=())
    #: extra media types that resolve to this format
    media_aliases: tuple[str, ...] = field(default=())


def _svg_writer(g: nx.Graph, **kw: Any) -> bytes:
    return render_image(g, "svg", **kw)


def _png_writer(g: nx.Graph, **kw: Any) -> bytes:
    return render_image(g, "png", **kw)


_ALL = [
    Format(
        "graphml",
        "application/graphml+xml",
        "graphml",
        write_graphml,
        "GraphML (yEd, Gephi, Cytoscape desktop)",
    ),
    Format("gexf", "application/gexf+xml", "gexf", write_gexf, "GEXF 1.2 (Gephi)"),
    Format(
        "cytoscape",
        "application/vnd.cytoscape.js+json",
        "cyjs",
        write_cytoscape,
        "Cytoscape.js JSON (elements with data.id / source / target)",
        aliases=("cyjs", "cytoscape-json"),
    ),
    Format(
        "nodelink",
        "application/vnd.networkx.node-link+json",
        "json",
        write_nodelink,
        "D3-style node-link JSON (nodes, links)",
        aliases=("node-link", "json", "d3"),
        media_aliases=("application/json",),
    ),
    Format("dot", "text/vnd.graphviz", "dot", write_dot, "Graphviz DOT", aliases=("gv",)),
    Format(
        "html",
        "text/html",
        "html",
        write_html,
        "self-contained interactive page (Cytoscape.js inlined, works offline)",
    ),
    Format("svg", "image/svg+xml", "svg", _svg_writer, "SVG image (Graphviz), with a legend"),
    Format("png", "image/png", "png", _png_writer, "PNG image (Graphviz), with a legend"),
]

#: every short name, alias and media type -> its format
FORMATS: dict[str, Format] = {}
for _f in _ALL:
    for _key in (_f.name, *_f.aliases, _f.media_type, *_f.media_aliases):
        FORMATS[_key.lower()] = _f


def get_format(name: str) -> Format:
    """The format with this short name, alias or media type.

    Raises:
        BadInput: unknown format.
    """
    fmt = FORMATS.get((name or "").strip().lower())
    if fmt is None:
        names = [f.name for f in _ALL]
        raise BadInput(
            f"unknown format {name!r}; choose from {', '.join(names)}",
            {"formats": {f.name: f.media_type for f in _ALL}},
        )
    return fmt


def negotiate(accept: str | None, default: str = "cytoscape") -> Format:
    """The best format for an HTTP ``Accept`` header (``*/*`` or none: ``default``), chosen
    by :func:`cuegraph.accept.choose` among every format's media types, ``default`` first
    (equal preferences keep the registry's order).

    Raises:
        NotAcceptable: nothing acceptable.
    """
    first = get_format(default)
    offers = [first.media_type, *first.media_aliases]
    offers += [m for f in _ALL for m in (f.media_type, *f.media_aliases) if m not in offers]
    chosen = choose(accept, offers)
    if chosen is None:
        raise NotAcceptable(
            f"no export format matches Accept: {accept}",
            {"formats": {f.name: f.media_type for f in _ALL}},
        )
    return FORMATS[chosen.lower()]


def format_for_path(path: str) -> Format | None:
    """The format a file name's extension suggests (``kajiura.gexf`` -> gexf), if any."""
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    for f in _ALL:
        if ext == f.extension or ext in f.aliases:
            return f
    return None


def all_formats() -> list[Format]:
    """Every format, once each."""
    return list(_ALL)
