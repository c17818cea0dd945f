"""Graph-visualisation exports: RDF -> networkx views -> GraphML, GEXF, Cytoscape.js JSON,
node-link JSON, DOT, a self-contained interactive HTML page, and PNG/SVG images.

* :mod:`cuegraph.export.views` — the views (``credits``, ``bipartite``, ``collaboration``,
  ``rdf``), neighbourhoods and sampling;
* :mod:`cuegraph.export.fetch` — the few SPARQL queries an export runs;
* :mod:`cuegraph.export.writers` — the file writers (GraphML, GEXF, Cytoscape.js and
  node-link JSON, DOT); :mod:`cuegraph.export.html` and :mod:`cuegraph.export.images` the
  page and the Graphviz images, built on them;
* :mod:`cuegraph.export.formats` — the format registry (short name and media type -> writer),
  which imports the writers (none imports it back);
* :mod:`cuegraph.export.service` — one export start to finish (CLI and API share it).
"""

from __future__ import annotations

from cuegraph.export.formats import FORMATS, Format, all_formats, get_format, negotiate
from cuegraph.export.service import ExportRequest, ExportResult, run_export
from cuegraph.export.views import VIEWS, build_view

__all__ = [
    "ExportRequest",
    "ExportResult",
    "run_export",
    "FORMATS",
    "Format",
    "all_formats",
    "get_format",
    "negotiate",
    "VIEWS",
    "build_view",
]
