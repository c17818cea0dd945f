"""One router shape for the two things people look up: ``GET /<things>?q=`` (search) and
``GET /<things>/{ref}`` (a profile, or its page twin for a browser).

No ``from __future__ import annotations`` here: FastAPI must read the parameters' annotations,
which name this factory's arguments, as objects.
"""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from cuegraph.api.data.models import (
    Ambiguity,
    ComposerProfile,
    Listing,
    Profile,
    WorkProfile,
    error_responses,
)
from cuegraph.api.deps import SettingsDep, StoreDep
from cuegraph.api.routes.pages import html_twin
from cuegraph.errors import Ambiguous

__all__ = ["lookup_router", "page_of"]

_PROFILES = {"composer": ComposerProfile, "work": WorkProfile}


def page_of(request: Request, found: dict, limit: int, offset: int) -> dict:
    """One page of a ``{"data": [...]}`` answer, with ``total`` and the ``next`` page's URL
    (Datasette style; null on the last page)."""
    data = found["data"]
    page = data[offset : offset + limit]
    more = offset + limit < len(data)
    nxt = (
        str(request.url.include_query_params(offset=offset + limit, limit=limit)) if more else None
    )
    if nxt:  # a relative URL: right behind a proxy too
        nxt = nxt[len(str(request.base_url)) - 1 :]
    return {
        **found,
        "data": page,
        "count": len(page),
        "total": len(data),
        "offset": offset,
        "limit": limit,
        "next": nxt,
    }


def lookup_router(
    *,
    things: str,
    view: str,
    search: Callable,
    profile: Callable,
    q_help: str,
    ref_help: str,
    search_doc: str,
    profile_doc: str,
    identity: Callable | None = None,
) -> APIRouter:
    """A router with ``GET /{things}`` (``search(store, base_iri, q)``) and
    ``GET /{things}/{ref}`` (``profile(store, base_iri, ref)``; the page's ``view`` for a
    browser), and with ``identity`` also ``GET /{things}/{ref}/identity`` (the evidence
    joining it with other records). The docs strings become the endpoints' OpenAPI
    descriptions."""
    router = APIRouter(prefix=f"/{things}", tags=[things])

    if identity is not None:  # before the profile: its {ref:path} would swallow /identity

        @router.get(
            "/{ref:path}/identity",
            summary=f"Why this {view}'s records are one",
            operation_id=f"get_{view}_identity",
            description="The identity evidence: the cluster of records taken as one "
            "(canonical IRI first), each link with its rule (a shared "
            "external id, or matching names with their key and the "
            "shared context), merges refused and why, and each member's "
            "names, ids and graphs.",
        )
        async def get_identity(
            ref: Annotated[str, Path(description=ref_help)],
            store: StoreDep,
            settings: SettingsDep,
        ) -> dict:
            return await run_in_threadpool(identity, store, settings.base_iri, ref)

    @router.get(
        "",
        response_model=Listing,
        description=search_doc
        + " Results come a page at a time (`limit`, `offset`); `next` is the URL of "
        "the next page (null on the last).",
        summary=f"Search {things}",
        operation_id=f"search_{things}",
        responses=error_responses(400, 503),
    )
    async def search_things(
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        q: Annotated[str | None, Query(description=q_help)] = None,
        limit: Annotated[int, Query(ge=1, le=1000, description="Results per page.")] = 100,
        offset: Annotated[int, Query(ge=0, description="Results to skip.")] = 0,
    ) -> dict:
        found = await run_in_threadpool(search, store, settings.base_iri, q)
        return page_of(request, found, limit, offset)

    @router.get(
        "/{ref:path}",
        response_model=_PROFILES.get(view, Profile),
        description=profile_doc,
        summary=f"A {view}'s profile",
        operation_id=f"get_{view}",
        responses={
            300: {"model": Ambiguity, "description": "a title several works share"},
            **error_responses(400, 404, 503),
        },
    )
    async def get_thing(
        ref: Annotated[str, Path(description=ref_help)],
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        fmt: Annotated[
            Literal["json", "html"] | None,
            Query(alias="format", description="`html`: redirect to the web page."),
        ] = None,
    ) -> Any:
        if page := html_twin(request, fmt, view, ref):
            return page
        try:
            return await run_in_threadpool(profile, store, settings.base_iri, ref)
        except Ambiguous as e:  # 300: a title several works share; `candidates` to choose
            return JSONResponse(e.to_dict(), status_code=e.status)

    return router
