"""The SPARQL 1.1 Protocol endpoints: read-only ``/sparql`` and token-guarded ``/sparql/update``.

* ``/sparql`` — GET ``?query=``, POST urlencoded, POST ``application/sparql-query``;
  ``default-graph-uri`` / ``named-graph-uri`` (repeatable); results negotiated by Accept
  (q-values) or ``format=``; without a query, the Service Description.
* ``/sparql/update`` — POST ``update=`` or ``application/sparql-update`` with
  ``Authorization: Bearer <CUEGRAPH_UPDATE_TOKEN>``; off when no token is configured.

Limits: ``query_timeout`` (503), ``max_rows`` (results truncated, header
``X-Cuegraph-Truncated: true``), ``max_query_bytes`` (413). ``SERVICE`` and ``LOAD`` are
refused (400): the server never fetches a URL a client names.
"""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from cuegraph.api.data.models import ErrorBody
from cuegraph.api.deps import SettingsDep, StoreDep
from cuegraph.api.security import public_base
from cuegraph.api.sparql.description import service_description
from cuegraph.api.sparql.negotiation import (
    CONVERTED,
    GRAPH_OFFERS,
    PLAIN_TEXT,
    RESULT_OFFERS,
    choose,
    choose_format,
    convert_graph,
    executed_as,
)
from cuegraph.api.sparql.protocol import (
    FORM,
    QUERY_TYPE,
    UPDATE_TYPE,
    read_query_request,
    read_update_request,
)
from cuegraph.api.sparql.text import (
    add_using_clauses,
    query_dataset,
    query_form,
    refuse_remote_access_async,
    shift_error_lines,
    with_base,
)
from cuegraph.config import Settings
from cuegraph.engine.executor import executor_for
from cuegraph.engine.formats import GRAPH_FORMATS, RDFLIB_FORMATS
from cuegraph.engine.tasks import QueryTask
from cuegraph.errors import BadQuery, Forbidden, NotAcceptable, Unauthorized
from cuegraph.namespaces import PREFIXES
from cuegraph.sandbox import offline_executor
from cuegraph.store import Store

__all__ = ["router", "answer", "TRUNCATED_HEADER", "MAX_ROWS_HEADER", "EMPTY_GRAPH"]

router = APIRouter(tags=["sparql"])

#: set to "true" when a result was cut to ``max_rows`` rows (or triples)
TRUNCATED_HEADER = "X-Cuegraph-Truncated"
#: the row limit that applied, sent with :data:`TRUNCATED_HEADER`
MAX_ROWS_HEADER = "X-Cuegraph-Max-Rows"
#: stands for an empty default graph (a dataset given only named graphs); never written to
EMPTY_GRAPH = "urn:x-cuegraph:empty-default-graph"

_RESULTS_DOC: dict[int | str, dict[str, Any]] = {
    "200": {
        "description": "SELECT/ASK: SPARQL JSON (default), XML, CSV, TSV or TSV as text/plain; "
        "CONSTRUCT/DESCRIBE: Turtle (default), N-Triples, JSON-LD, RDF/XML, TriG, N-Quads, "
        "or RDF/JSON, CSV or TSV (converted); "
        "no query: the Service Description (Turtle by default). A result cut to the row "
        f"limit carries `{TRUNCATED_HEADER}: true`.",
        "content": {t: {} for t in (*RESULT_OFFERS, *GRAPH_OFFERS)},
    },
    "303": {"description": "no query and Accept prefers text/html: the web page at /"},
    "400": {
        "description": "syntax error, SERVICE, several queries, bad parameter",
        "model": ErrorBody,
    },
    "406": {"description": "no acceptable result format", "model": ErrorBody},
    "413": {"description": "request larger than max_query_bytes", "model": ErrorBody},
    "415": {
        "description": "POST body neither a form nor application/sparql-query",
        "model": ErrorBody,
    },
    "503": {
        "description": "the query ran longer than query_timeout and was stopped",
        "model": ErrorBody,
    },
}
_QUERY_BODY = {
    "requestBody": {
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "format": {"type": "string"},
                    },
                    "required": ["query"],
                }
            },
            QUERY_TYPE: {"schema": {"type": "string"}},
        }
    }
}
_UPDATE_BODY = {
    "requestBody": {
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "properties": {
                        "update": {"type": "string"},
                        "using-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "using-named-graph-uri": {"type": "array", "items": {"type": "string"}},
                    },
                    "required": ["update"],
                }
            },
            UPDATE_TYPE: {"schema": {"type": "string"}},
        }
    }
}


def _endpoint(request: Request) -> str:
    # the configured public URL, never the request's Host header (it would be reflected);
    # the path from the scope (``request.url`` builds a whole URL first: 9 % of an ASK {})
    return public_base(request.app.state.settings) + request.scope["path"].rstrip("/")


async def answer(request: Request) -> Response:
    """Answer a query request (GET or POST /sparql) with the app's store and settings; the
    FastAPI routes below and the fast path (:mod:`cuegraph.api.sparql.fast`) both call it.

    Raises:
        CuegraphError: anything the client got wrong (4xx) or a time limit (503).
    """
    state = request.app.state
    return await _answer(request, state.store, state.settings)


async def _answer(request: Request, store: Store, settings: Settings) -> Response:
    parsed = await read_query_request(request, settings.max_query_bytes)
    if parsed.text is None:
        return await _service_description(request, store, settings)
    await refuse_remote_access_async(parsed.text)
    form = query_form(parsed.text)
    fmt = choose_format(form, request.headers.get("accept"), parsed.formats)
    endpoint = _endpoint(request)
    default_graphs, named_graphs = parsed.default_graphs, parsed.named_graphs
    if not default_graphs and not named_graphs:  # no protocol dataset: the query's FROMs
        default_graphs, named_graphs = query_dataset(parsed.text, endpoint)
    if named_graphs and not default_graphs:  # a dataset without default graphs
        default_graphs = [EMPTY_GRAPH]
    task = QueryTask(
        query=with_base(parsed.text, endpoint),
        result_format=executed_as(fmt) if form != "graph" else "json",
        graph_format=executed_as(fmt, form) if form == "graph" else "turtle",
        default_graph_uris=default_graphs,
        named_graph_uris=named_graphs,
        max_rows=settings.max_rows,
        prefixes=PREFIXES,  # cuegraph's prefixes, predeclared without shifting lines
    )
    try:
        out = await executor_for(request.app).run(task)
    except BadQuery as e:
        raise BadQuery(shift_error_lines(e.message), e.detail) from None
    # browsers' scripts (the SPARQL editor, other sites) may read the truncation headers
    headers = {
        "Vary": "Accept",
        "Access-Control-Expose-Headers": f"{TRUNCATED_HEADER}, {MAX_ROWS_HEADER}",
    }
    if out.truncated:  # by max_rows, or by a remote server's own limit (out.row_limit)
        headers[TRUNCATED_HEADER] = "true"
        headers[MAX_ROWS_HEADER] = str(out.row_limit or settings.max_rows)
    body, media_type = out.body, out.media_type
    if form == "graph" and fmt in CONVERTED:  # RDF/JSON, CSV, TSV: written from N-Triples
        body, media_type = convert_graph(fmt, body)
    elif fmt == PLAIN_TEXT:
        media_type = "text/plain; charset=utf-8"
    return Response(body, media_type=media_type, headers=headers)


async def _service_description(request: Request, store: Store, settings: Settings) -> Response:
    offers = list(GRAPH_OFFERS) + ["text/html"]
    chosen = choose(request.headers.get("accept"), offers)
    if chosen == "text/html":
        return RedirectResponse("/", status_code=303)
    if chosen is None:
        raise NotAcceptable(
            "the Service Description is available as "
            + ", ".join(sorted(set(GRAPH_OFFERS) - {"application/json", "application/xml"})),
        )
    fmt = GRAPH_OFFERS[chosen]
    graphs = await run_in_threadpool(store.graphs)
    endpoint = _endpoint(request)
    update = endpoint + "/update" if settings.update_token else None
    data = service_description(endpoint, update, graphs)
    body = data.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
    return Response(body, media_type=GRAPH_FORMATS[fmt], headers={"Vary": "Accept"})


@router.get("/sparql", responses=_RESULTS_DOC)
async def sparql_get(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    query: str | None = Query(
        None, description="The SPARQL query. Without it: the Service Description."
    ),
    default_graph_uri: list[str] | None = Query(
        None,
        alias="default-graph-uri",
        description="Graphs forming the default graph (default: the union of all graphs).",
    ),
    named_graph_uri: list[str] | None = Query(
        None, alias="named-graph-uri", description="Graphs visible to GRAPH (default: all)."
    ),
    format: str | None = Query(
        None,
        description="Result format overriding Accept: json, xml, csv, tsv, text "
        "(SELECT/ASK); turtle, ntriples, jsonld, rdfxml, trig, nquads (CONSTRUCT/DESCRIBE). "
        "A format of the other query form falls back to Accept.",
    ),
) -> Response:
    """Run a read-only SPARQL query (SPARQL 1.1 Protocol, query via GET).

    Without ``query`` the Service Description is returned (Turtle unless Accept asks for
    N-Triples, JSON-LD or RDF/XML; a browser asking for text/html is sent to ``/``).
    Queries see the union of all named graphs as their default graph. ``SERVICE`` is refused.
    """
    return await _answer(request, store, settings)


@router.post("/sparql", responses=_RESULTS_DOC, openapi_extra=_QUERY_BODY)
async def sparql_post(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Run a read-only SPARQL query sent urlencoded (``query=``) or as
    ``application/sparql-query`` (``default-graph-uri``/``named-graph-uri`` in the URL or the
    form)."""
    return await _answer(request, store, settings)


def _check_token(request: Request, settings: Settings) -> None:
    if not settings.update_token:
        raise Forbidden("updates are disabled: this server has no CUEGRAPH_UPDATE_TOKEN")
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise Unauthorized("an update needs Authorization: Bearer <token>")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        token.strip().encode(), settings.update_token.encode()
    ):
        raise Forbidden("wrong update token")


@router.post(
    "/sparql/update",
    status_code=204,
    openapi_extra=_UPDATE_BODY,
    responses={
        "204": {"description": "the update was applied"},
        "400": {"description": "syntax error, LOAD/SERVICE, USING together with using-graph-uri"},
        "401": {"description": "no Authorization: Bearer token"},
        "403": {"description": "updates disabled (no token configured) or wrong token"},
        "413": {"description": "request larger than max_query_bytes"},
        "415": {"description": "body neither a form nor application/sparql-update"},
    },
)
async def sparql_update(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    """Apply a SPARQL 1.1 Update (``update=`` form or ``application/sparql-update``).

    Off unless ``CUEGRAPH_UPDATE_TOKEN`` is set; then ``Authorization: Bearer <token>`` is
    required. ``using-graph-uri``/``using-named-graph-uri`` set the dataset of the
    operations' WHERE clauses. ``LOAD`` and ``SERVICE`` are refused. Updates are not under
    the query time limit.
    """
    _check_token(request, settings)
    if store.read_only:
        raise Forbidden(f"the store {store.url} is open read-only")
    parsed = await read_update_request(request, settings.max_query_bytes)
    text = parsed.text or ""
    await refuse_remote_access_async(
        text, update=True, allow_drop_all=settings.update_allow_drop_all
    )
    text = add_using_clauses(text, parsed.default_graphs, parsed.named_graphs)
    text = with_base(text, _endpoint(request))
    try:
        # first in a disposable worker: a text that crashes the parser kills only that
        await executor_for(request.app).check_update(text)
        # the embedded engine's updates run one at a time on a thread that cannot open
        # network sockets (a remote store's client needs them)
        offline = offline_executor() if store.embedded else None
        await asyncio.get_running_loop().run_in_executor(offline, _apply, store, text)
    except BadQuery as e:
        raise BadQuery(shift_error_lines(e.message), e.detail) from None
    return Response(status_code=204)


def _apply(store: Store, update: str) -> None:
    store.update(update)
    store.publish()  # a snapshot of this state: queries from now on and readers beside us see it
