"""The web page: ``/`` serves the single-page app, ``/static/...`` its files (all local)."""

from __future__ import annotations

import mimetypes
from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from cuegraph.errors import NotFound

router = APIRouter(tags=["pages"], include_in_schema=False)

#: the package directory holding index.html, app.js, app.css and vendor/
STATIC = Path(str(resources.files("cuegraph.api") / "static"))
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/css", ".css")


@router.get("/")
async def index() -> FileResponse:
    """The web page."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


@router.get("/static/{path:path}")
async def static(path: str) -> FileResponse:
    """A file of the web page (only files under the static directory)."""
    root = STATIC.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise NotFound(f"no static file {path!r}", {"path": path})
    media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    return FileResponse(target, media_type=media_type,
                        headers={"Cache-Control": "public, max-age=300"})
