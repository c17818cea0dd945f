"""One handler maps every error to a JSON body ``{"error": ..., "detail": ...}``."""

from __future__ import annotations

import html
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from cuegraph.accept import prefers_html
from cuegraph.errors import CuegraphError

__all__ = ["install_error_handlers", "error_response", "not_found_page", "cuegraph_error_response"]

log = logging.getLogger("cuegraph.api")


def error_response(status: int, message: str, detail=None, headers=None) -> JSONResponse:
    """The one JSON error shape."""
    return JSONResponse({"error": message, "detail": detail}, status_code=status, headers=headers)


def not_found_page(request: Request, message: str) -> HTMLResponse | None:
    """A 404 page for a browser (Accept prefers text/html, as when following a link); None
    for API clients, which keep the JSON error."""
    if not prefers_html(request.headers.get("accept")):
        return None
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Not found — cuegraph</title>"
        '<link rel="stylesheet" href="/static/app.css"></head><body><main class="not-found">'
        "<h1>Not found</h1><p>" + html.escape(message) + "</p>"
        '<p><a href="/">Search cuegraph</a> · <a href="/docs">API documentation</a></p>'
        "</main></body></html>"
    )
    return HTMLResponse(body, status_code=404)


def cuegraph_error_response(request: Request, exc: CuegraphError) -> Response:
    """The response to a :class:`CuegraphError` (also used by the /sparql fast path, which
    runs outside FastAPI's exception middleware)."""
    if exc.status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc.message)
    if exc.status == 404 and (page := not_found_page(request, exc.message)):
        return page  # a browser following a dead link gets a page, not raw JSON
    return error_response(exc.status, exc.message, exc.detail)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers for cuegraph errors, validation errors and HTTP errors."""

    @app.exception_handler(CuegraphError)
    async def _cuegraph(request: Request, exc: CuegraphError) -> Response:
        return cuegraph_error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg")}
            for e in exc.errors()
        ]
        first = problems[0] if problems else {"where": "request", "problem": "invalid"}
        return error_response(400, f"bad parameter {first['where']}: {first['problem']}", problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        if exc.status_code == 404 and (page := not_found_page(request, message)):
            return page
        return error_response(exc.status_code, message, None, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal error", type(exc).__name__)
