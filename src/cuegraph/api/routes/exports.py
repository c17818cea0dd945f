"""``GET /export``: the graph (or a slice) as GraphML, GEXF, JSON, DOT, HTML, SVG or PNG.

The format comes from ``?format=`` (a short name or a media type) or else the ``Accept``
header, resolved through the same registry. ``format=html`` is the interactive page.

A user's ``query=`` runs like a ``/sparql`` query: under the query time limit and cut to
``CUEGRAPH_MAX_ROWS`` triples, with the same ``X-Cuegraph-Truncated`` /
``X-Cuegraph-Max-Rows`` headers when cut. The slice is then read and drawn in a separate
export process (one, started on first use), so a big export never holds the server's
interpreter: every other route keeps answering. Other exports are drawn in a worker thread.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from cuegraph.api.deps import SettingsDep, StoreDep
from cuegraph.api.routes.sparql import MAX_ROWS_HEADER, TRUNCATED_HEADER
from cuegraph.api.sparql.text import refuse_remote_access_async
from cuegraph.engine.executor import executor_for
from cuegraph.engine.tasks import QueryTask
from cuegraph.errors import BadQuery, StoreError
from cuegraph.export import ExportRequest, ExportResult, get_format, negotiate, run_export
from cuegraph.export.fetch import construct_text, user_query_error
from cuegraph.export.html import DEFAULT_MAX_NODES
from cuegraph.export.service import export_slice, read_ntriples
from cuegraph.graph.iris import Minter

__all__ = ["router"]

router = APIRouter(tags=["export"])


def _pool(app) -> ProcessPoolExecutor:
    """The app's export process (started on first use; a fresh interpreter, not a fork of
    the server): a big export is drawn there, so the server's interpreter is never held."""
    pool = getattr(app.state, "export_pool", None)
    if pool is None:
        pool = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=20
        )  # memory of big exports returned
        app.state.export_pool = pool
        atexit.register(pool.shutdown, wait=False, cancel_futures=True)
    return pool


async def _build_slice(app, req: ExportRequest, ntriples: bytes) -> ExportResult:
    """Run :func:`export_slice` in the export process."""
    loop = asyncio.get_running_loop()
    try:
        body, nodes, edges, title, warnings = await loop.run_in_executor(
            _pool(app), export_slice, req, ntriples
        )
    except BrokenProcessPool:
        app.state.export_pool = None
        raise StoreError("the export process stopped while drawing; try again") from None
    return ExportResult(body, get_format(req.format), nodes, edges, title, warnings)


@router.get("/export")
async def export(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    format: str | None = Query(
        None,
        description="graphml, gexf, cytoscape, nodelink, dot, "
        "html, svg, png (or a media type); default: from Accept",
    ),
    view: str = Query("credits", description="credits, bipartite, collaboration or rdf"),
    composer: str | None = Query(None, description="person id, IRI, name or native name"),
    work: str | None = Query(None, description="work id, IRI, title or native title"),
    depth: int | None = Query(None, description="steps from composer/work (0-5, default 2)"),
    query: str | None = Query(None, description="a SPARQL CONSTRUCT query: the slice to draw"),
    max_nodes: int = Query(DEFAULT_MAX_NODES, description="html/svg/png: sample above this"),
) -> Response:
    """Export the graph, a composer's or work's neighbourhood, or a CONSTRUCT result."""
    fmt = get_format(format) if format else negotiate(request.headers.get("accept"))
    req = ExportRequest(
        format=fmt.name,
        view=view,
        composer=composer,
        work=work,
        depth=depth,
        sparql=query,
        max_nodes=max_nodes,
    )
    req.check()
    body = None
    truncated = False
    if query is not None:
        await refuse_remote_access_async(query)  # as /sparql: no SERVICE, no crash-deep nesting
        # the user's query runs under the same time limit and row cap as /sparql
        task = QueryTask(construct_text(query), graph_format="ntriples", max_rows=settings.max_rows)
        try:
            out = await executor_for(request.app).run(task)
        except BadQuery as e:
            raise user_query_error(e) from None
        body, truncated = out.body, out.truncated
    if body is not None and not composer and not work:
        # a user's slice is read and drawn in the export process: however big, it never
        # holds this server's interpreter (other routes, /health, keep answering)
        result = await _build_slice(request.app, req, body)
    else:
        sliced = read_ntriples(body) if body is not None else None
        result = await run_in_threadpool(run_export, store, Minter(settings.base_iri), req, sliced)
    headers = {
        "Content-Disposition": f'inline; filename="{result.filename}"',
        "X-Cuegraph-Nodes": str(result.nodes),
        "X-Cuegraph-Edges": str(result.edges),
    }
    if result.warnings:
        headers["X-Cuegraph-Warning"] = result.warnings[0].encode("ascii", "replace").decode()
    # the same truncation headers as /sparql: the slice was cut to max_rows triples
    headers["Access-Control-Expose-Headers"] = f"{TRUNCATED_HEADER}, {MAX_ROWS_HEADER}"
    if truncated:
        headers[TRUNCATED_HEADER] = "true"
        headers[MAX_ROWS_HEADER] = str(settings.max_rows)
    media = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    return Response(result.body, media_type=media, headers=headers)
