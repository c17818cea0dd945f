"""GET /conflicts: where sources disagree (JSON, or a plain page with ``?format=html``)."""

from __future__ import annotations

from html import escape
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from cuegraph.accept import prefers_html
from cuegraph.api.data.identity import conflicts_listing
from cuegraph.api.deps import StoreDep

__all__ = ["router"]

router = APIRouter(tags=["identity"])


@router.get(
    "/conflicts",
    summary="Where sources disagree",
    operation_id="list_conflicts",
    response_model=None,
)
async def conflicts(
    request: Request,
    store: StoreDep,
    status: Annotated[
        str | None,
        Query(
            description="Only `disagreement` (the sources' people "
            "do not overlap), `partial` (they overlap without "
            "nesting) or `incomplete` (one source lists "
            "fewer)."
        ),
    ] = None,
    fmt: Annotated[
        Literal["json", "html"] | None,
        Query(alias="format", description="`html`: a page listing them."),
    ] = None,
) -> dict | HTMLResponse:
    """Every (work, song, recording or album; role) where sources credit different people,
    labelled `disagreement`, `partial` or `incomplete`, each side with its people, named graphs and
    source URLs. People and works are compared through identity resolution; nothing is
    merged or deleted."""
    listing = await run_in_threadpool(conflicts_listing, store, status)
    if fmt == "html" or (fmt != "json" and prefers_html(request.headers.get("accept"))):
        return HTMLResponse(_page(listing))
    return listing


def _page(listing: dict) -> str:
    """A plain page: one table row per source of each conflict (every value escaped)."""
    rows = []
    for c in listing["data"]:
        for i, side in enumerate(c["sides"]):
            head = (
                f"<td rowspan='{len(c['sides'])}' class='{escape(c['status'])}'>"
                f"{escape(c['status'])}</td><td rowspan='{len(c['sides'])}'>"
                f"{escape(c['target_name'])} <small>({escape(c['target_kind'])})</small>"
                f"</td><td rowspan='{len(c['sides'])}'>{escape(c['role_label'])}</td>"
                if i == 0
                else ""
            )
            people = ", ".join(escape(p["name"]) for p in side["people"])
            urls = " ".join(
                f"<a href='{escape(u)}' rel='nofollow'>{escape(u)}</a>" for u in side["urls"]
            )
            rows.append(
                f"<tr>{head}<td>{escape(side['source'])}</td><td>{people}</td><td>{urls}</td></tr>"
            )
    body = (
        (
            "<table><thead><tr><th>status</th><th>credited thing</th><th>role</th>"
            "<th>source</th><th>people</th><th>source URLs</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
        if rows
        else "<p>No conflicts: every source that credits a role agrees.</p>"
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>cuegraph: conflicts</title>"
        "<link rel='stylesheet' href='/static/app.css'></head><body><main>"
        f"<h1>Where sources disagree ({listing['count']})</h1>"
        "<p><b>disagreement</b>: the sources name people that do not overlap (A against "
        "B); <b>partial</b>: they overlap without nesting (A and B against B and C); "
        "<b>incomplete</b>: one source lists fewer (A against A and B). "
        "<a href='/conflicts?format=json'>JSON</a> · <a href='/'>cuegraph</a></p>"
        f"{body}</main></body></html>"
    )
