"""``GET /export``: the graph (or a slice) as GraphML, GEXF, JSON, DOT, HTML, SVG or PNG.

The format comes from ``?format=`` (a short name or a media type) or else the ``Accept``
header, resolved through the same registry. ``format=html`` is the interactive page.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from rdflib import Graph
from starlette.concurrency import run_in_threadpool

from cuegraph.api.deps import SettingsDep, StoreDep
from cuegraph.api.sparql_exec import QueryTask, executor_for
from cuegraph.api.sparql_text import refuse_remote_access
from cuegraph.errors import BadQuery
from cuegraph.export import ExportRequest, get_format, negotiate, run_export
from cuegraph.export.fetch import construct_text, user_query_error
from cuegraph.export.html import DEFAULT_MAX_NODES
from cuegraph.graph.iris import Minter

__all__ = ["router"]

router = APIRouter(tags=["export"])


@router.get("/export")
async def export(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    format: str | None = Query(None, description="graphml, gexf, cytoscape, nodelink, dot, "
                               "html, svg, png (or a media type); default: from Accept"),
    view: str = Query("credits", description="credits, bipartite, collaboration or rdf"),
    composer: str | None = Query(None, description="person id, IRI, name or native name"),
    work: str | None = Query(None, description="work id, IRI, title or native title"),
    depth: int | None = Query(None, description="steps from composer/work (0-5, default 2)"),
    query: str | None = Query(None, description="a SPARQL CONSTRUCT query: the slice to draw"),
    max_nodes: int = Query(DEFAULT_MAX_NODES, description="html/svg/png: sample above this"),
) -> Response:
    """Export the graph, a composer's or work's neighbourhood, or a CONSTRUCT result."""
    fmt = get_format(format) if format else negotiate(request.headers.get("accept"))
    req = ExportRequest(format=fmt.name, view=view, composer=composer, work=work, depth=depth,
                        sparql=query, max_nodes=max_nodes)
    req.check()
    sliced = None
    if query is not None:
        refuse_remote_access(query)  # as /sparql: no SERVICE, no crash-deep nesting
        # the user's query runs under the same time limit as /sparql
        task = QueryTask(construct_text(query), graph_format="ntriples")
        try:
            out = await executor_for(request.app).run(task)
        except BadQuery as e:
            raise user_query_error(e) from None
        sliced = Graph()
        if out.body.strip():
            sliced.parse(data=out.body.decode("utf-8"), format="nt")
    result = await run_in_threadpool(run_export, store, Minter(settings.base_iri), req, sliced)
    headers = {"Content-Disposition": f'inline; filename="{result.filename}"',
               "X-Cuegraph-Nodes": str(result.nodes), "X-Cuegraph-Edges": str(result.edges)}
    if result.warnings:
        headers["X-Cuegraph-Warning"] = result.warnings[0].encode("ascii", "replace").decode()
    media = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return Response(result.body, media_type=media, headers=headers)
