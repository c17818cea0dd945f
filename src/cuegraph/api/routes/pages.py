"""The web page: ``/`` serves the single-page app, ``/static/...`` its files (all local)."""

from __future__ import annotations

import mimetypes
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse

from cuegraph.accept import prefers_html
from cuegraph.errors import NotFound
from cuegraph.queries.examples import examples

__all__ = ["router", "html_twin", "STATIC", "sparql_examples"]

router = APIRouter(tags=["pages"], include_in_schema=False)

#: the package directory holding index.html, app.js, app.css and vendor/
STATIC = Path(str(resources.files("cuegraph.api") / "static"))
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/css", ".css")


@router.get("/")
async def index() -> FileResponse:
    """The web page."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.get("/sparql-examples.json")
async def sparql_examples() -> dict:
    """The SPARQL editor's gallery: ``{"data": [{id, title, description, query}], "count"}``
    from the ``.rq`` files in ``cuegraph/queries/examples``."""
    data = examples()
    return {"data": data, "count": len(data)}


@router.get("/static/{path:path}")
async def static(path: str) -> FileResponse:
    """A file of the web page (only files under the static directory)."""
    root = STATIC.resolve()
    try:
        target = (root / path).resolve()
        found = target.is_relative_to(root) and target.is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        found = False
    if not found:
        raise NotFound(f"no static file {path!r}", {"path": path})
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(
        target, media_type=media_type, headers={"Cache-Control": "public, max-age=300"}
    )


def html_twin(
    request: Request, fmt: str | None, view: str, key: str | None = None
) -> RedirectResponse | None:
    """The page showing the same data, when a browser asks for HTML (else None: JSON).

    ``?format=html``, or an ``Accept`` header preferring ``text/html`` to JSON (a browser
    following a link), gets a redirect to the page's view; ``?format=json`` forces JSON.
    """
    wants = fmt == "html" or (fmt != "json" and prefers_html(request.headers.get("accept")))
    if not wants:
        return None
    if key is not None:
        return RedirectResponse(f"/#/{view}/{quote(key, safe='')}", status_code=303)
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "format"]
    query = "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in params)
    return RedirectResponse(f"/#/{view}" + (f"?{query}" if query else ""), status_code=303)
