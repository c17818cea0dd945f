"""One export, start to finish: check the request, read the slice, build the view, write it.

Shared by ``cuegraph export`` and ``GET /export`` so both accept and refuse the same things.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph

from cuegraph.errors import BadInput
from cuegraph.export.fetch import fetch_construct, fetch_graph, fetch_neighbourhood, find_seed
from cuegraph.export.formats import Format, get_format
from cuegraph.export.html import DEFAULT_MAX_NODES
from cuegraph.export.triples import TripleIndex, Triples, parse_ntriples
from cuegraph.export.views import VIEWS, build_view, credits_view, neighbourhood, sample
from cuegraph.graph.iris import Minter
from cuegraph.store import Store

__all__ = [
    "ExportRequest",
    "ExportResult",
    "run_export",
    "read_ntriples",
    "export_slice",
    "MAX_DEPTH",
    "DEFAULT_DEPTH",
    "MAX_NODES_LIMIT",
]

#: deepest neighbourhood an export accepts
MAX_DEPTH = 5
#: depth used when a composer or work is given without one
DEFAULT_DEPTH = 2
#: highest --max-nodes accepted for the page and images
MAX_NODES_LIMIT = 50_000
_SAMPLED_FORMATS = ("html", "svg", "png")


@dataclass
class ExportRequest:
    """What to export: a slice (composer/work neighbourhood, CONSTRUCT query or everything),
    a view and a format."""

    format: str = "cytoscape"
    view: str = "credits"
    composer: str | None = None
    work: str | None = None
    sparql: str | None = None
    depth: int | None = None
    max_nodes: int = DEFAULT_MAX_NODES

    def check(self) -> Format:
        """Validate everything that needs no store; return the format.

        Raises:
            BadInput: unknown format or view, depth out of range, bad max_nodes.
        """
        fmt = get_format(self.format)
        if self.view not in VIEWS:
            raise BadInput(
                f"unknown view {self.view!r}; choose from {', '.join(VIEWS)}",
                {"views": list(VIEWS)},
            )
        if self.depth is not None:
            if not self.composer and not self.work:
                raise BadInput("depth needs a composer or a work to start from")
            if not 0 <= self.depth <= MAX_DEPTH:
                raise BadInput(f"depth must be between 0 and {MAX_DEPTH} (got {self.depth})")
        if not 1 <= self.max_nodes <= MAX_NODES_LIMIT:
            raise BadInput(
                f"max_nodes must be between 1 and {MAX_NODES_LIMIT} (got {self.max_nodes})"
            )
        return fmt


@dataclass
class ExportResult:
    """The written export plus what a caller may want to report."""

    body: bytes
    format: Format
    nodes: int
    edges: int
    title: str
    warnings: list[str] = field(default_factory=list)

    @property
    def filename(self) -> str:
        stem = "".join(c if c.isascii() and c.isalnum() else "-" for c in self.title.lower())
        stem = "-".join(p for p in stem.split("-") if p)
        return f"{stem[:60] or 'cuegraph'}.{self.format.extension}"


def run_export(
    store: Store, minter: Minter, req: ExportRequest, construct_result: Triples | None = None
) -> ExportResult:
    """Run one export (``construct_result``: the answer to ``req.sparql`` when the caller
    already ran it, e.g. the service under its query time limit).

    Raises:
        BadInput / BadQuery: a bad request; PersonNotFound / WorkNotFound: unknown seed;
        NotAcceptable: images without Graphviz.
    """
    req.check()  # a bad request fails before the store is read
    seeds: list[str] = []
    names: list[str] = []
    if req.composer:
        seeds.append(find_seed(store, minter, "composer", req.composer))
        names.append(req.composer)
    if req.work:
        seeds.append(find_seed(store, minter, "work", req.work))
        names.append(req.work)
    depth = DEFAULT_DEPTH if req.depth is None else req.depth
    rdf: Triples
    if req.sparql:
        rdf = (
            construct_result if construct_result is not None else fetch_construct(store, req.sparql)
        )
    elif seeds and req.view == "credits":
        rdf = fetch_neighbourhood(store, seeds, depth)
    else:
        rdf = fetch_graph(store)
    return render_export(req, rdf, seeds, names)


def render_export(
    req: ExportRequest,
    rdf: Triples,
    seeds: list[str] | None = None,
    names: list[str] | None = None,
) -> ExportResult:
    """Draw the export of triples already read (``seeds``: the composer/work IRIs the
    slice grows from, with their ``names`` as asked); no store needed."""
    seeds, names = seeds or [], names or []
    fmt = req.check()
    depth = DEFAULT_DEPTH if req.depth is None else req.depth
    view = build_view(req.view, rdf)
    warnings = []
    if seeds:
        via = credits_view(rdf) if req.view != "credits" else view
        names = [
            via.nodes[s].get("label", n) if s in via else n
            for s, n in zip(seeds, names, strict=True)
        ]
        view = neighbourhood(view, seeds, depth, via=via)
        title = f"{' + '.join(names)}: {req.view}, depth {depth}"
    elif req.sparql:
        title = f"CONSTRUCT slice: {req.view}"
    else:
        title = f"cuegraph: {req.view}"
    if len(view) == 0 and len(rdf):
        warnings.append(
            f"the {req.view} view draws nothing from these {len(rdf)} triples "
            "(no people, works, songs or cues typed as cuegraph types them); "
            "try --view rdf"
        )
    starts = [s for s in view.graph.get("seeds", "").split(";") if s]
    if fmt.name in _SAMPLED_FORMATS and len(view) > req.max_nodes:
        total = len(view)
        view = sample(view, req.max_nodes, starts)
        warnings.append(
            f"{total} nodes is more than max_nodes={req.max_nodes}: the {fmt.name} "
            f"shows a sample of {len(view)} (raise --max-nodes, or use graphml/gexf)"
        )
    view.graph["title"] = title
    body = fmt.writer(view, max_nodes=req.max_nodes, title=title, seeds=starts)
    return ExportResult(body, fmt, len(view), view.number_of_edges(), title, warnings)


def read_ntriples(data: bytes) -> TripleIndex | Graph:
    """A CONSTRUCT answer in N-Triples, read with the fast index (rdflib when it cannot)."""
    try:
        return parse_ntriples(data)
    except (BadInput, UnicodeDecodeError):
        graph = Graph()
        if data.strip():
            graph.parse(data=data.decode("utf-8"), format="nt")
        return graph


def export_slice(req: ExportRequest, ntriples: bytes) -> tuple[bytes, int, int, str, list[str]]:
    """Build the export of a CONSTRUCT answer alone, without the store (so it can run in
    another process): ``(body, nodes, edges, title, warnings)``.

    Raises:
        BadInput: the request names a composer or work (those need the store).
    """
    if req.composer or req.work:
        raise BadInput("a slice is exported without the store: no composer or work")
    result = render_export(req, read_ntriples(ntriples))
    return result.body, result.nodes, result.edges, result.title, result.warnings
