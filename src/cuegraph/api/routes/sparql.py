"""A read-only SPARQL endpoint (SELECT/ASK as SPARQL JSON; CONSTRUCT/DESCRIBE as Turtle)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from cuegraph.api.deps import StoreDep
from cuegraph.errors import BadQuery

router = APIRouter(tags=["sparql"])


async def _answer(store, query: str | None) -> Response:
    if not query:
        raise BadQuery("missing query parameter")
    out = await run_in_threadpool(store.query_serialized, query)
    return Response(out.body, media_type=out.media_type)


@router.get("/sparql")
async def sparql_get(store: StoreDep, query: str | None = None) -> Response:
    """Run a SPARQL query given as ``?query=``."""
    return await _answer(store, query)


@router.post("/sparql")
async def sparql_post(request: Request, store: StoreDep) -> Response:
    """Run a SPARQL query sent urlencoded (``query=``) or as ``application/sparql-query``."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip()
    if ctype == "application/sparql-query":
        query = (await request.body()).decode("utf-8")
    else:
        form = await request.form()
        query = form.get("query")
    return await _answer(store, query if isinstance(query, str) else None)
