"""GET /works (search) and /works/{id} (the work's music credits)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from cuegraph.api.data import search_works, work_profile
from cuegraph.api.data.models import Listing, Profile
from cuegraph.api.deps import SettingsDep, StoreDep
from cuegraph.api.routes.pages import html_twin

router = APIRouter(prefix="/works", tags=["works"])


@router.get("", response_model=Listing)
async def list_works(
    store: StoreDep, settings: SettingsDep,
    q: Annotated[str | None, Query(description="Title (native too) or id.")] = None,
) -> dict:
    """Search works by title, native title or id (all when `q` is empty)."""
    return await run_in_threadpool(search_works, store, settings.base_iri, q)


@router.get("/{work_id:path}", response_model=Profile)
async def get_work(
    work_id: str, request: Request, store: StoreDep, settings: SettingsDep,
    fmt: Annotated[Literal["json", "html"] | None,
                   Query(alias="format", description="`html`: redirect to the web page.")]
    = None,
) -> Any:
    """A work's music: score composers, songs with roles and episodes, cues by episode."""
    if page := html_twin(request, fmt, "work", work_id):
        return page
    return await run_in_threadpool(work_profile, store, settings.base_iri, work_id)
