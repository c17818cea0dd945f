"""The /sparql fast path: queries answered in plain ASGI, without FastAPI's routing.

``GET /sparql`` and ``POST /sparql`` are cuegraph's hot path, and FastAPI's per-request
work (route matching over every route, dependency solving, its exception and exit-stack
middleware) cost more than the query itself (measured: about two thirds of the server's
CPU time per ``ASK {}``). :class:`SparqlFastPath` sits inside the security middleware
(request deadline, security headers and CSP, CORS: they apply unchanged) and answers these
two methods on exactly ``/sparql`` with the same handler the FastAPI routes use
(:func:`cuegraph.api.routes.sparql.answer`), so the parse gate, the predeclared prefixes,
content negotiation, limits and the ``{"error", "detail"}`` bodies are the same code.
Errors are answered by the app's own error response (:func:`cuegraph_error_response`);
an unexpected one propagates to the app's 500 handler as before.

``GET /health`` is answered here too (:func:`cuegraph.api.routes.health.health_body`, the
route's own code): a monitor polls it, and FastAPI's routing was most of its cost.

The FastAPI routes stay declared: they document /sparql and /health in the OpenAPI
description, and answer whenever the fast path is not installed.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from cuegraph.api.errors import cuegraph_error_response
from cuegraph.errors import CuegraphError

__all__ = ["SparqlFastPath", "PATH", "HEALTH"]

PATH = "/sparql"
HEALTH = "/health"
_METHODS = ("GET", "POST")


class SparqlFastPath:
    """Answer ``GET``/``POST /sparql`` and ``GET /health`` directly; pass everything else
    to ``app``."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _METHODS:
            await self.app(scope, receive, send)
            return
        path = _route_path(scope)
        if path == PATH:
            from cuegraph.api.routes.sparql import answer
        elif path == HEALTH and scope["method"] == "GET":
            answer = _health
        else:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            response = await answer(request)
        except CuegraphError as exc:
            response = cuegraph_error_response(request, exc)
        await response(scope, receive, send)


async def _health(request: Request) -> Response:
    from cuegraph.api.routes.health import health_body

    return JSONResponse(await health_body(request.app))


def _route_path(scope: Scope) -> str:
    """The path the router would match (without the ``root_path`` a proxy mounts us at)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        return path[len(root) :]
    return path
