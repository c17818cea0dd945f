"""GET /composers (search) and /composers/{id} (profile)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from cuegraph.api.data import composer_profile, search_composers
from cuegraph.api.data.models import Listing, Profile
from cuegraph.api.deps import SettingsDep, StoreDep
from cuegraph.api.routes.pages import html_twin

router = APIRouter(prefix="/composers", tags=["composers"])


@router.get("", response_model=Listing)
async def list_composers(
    store: StoreDep, settings: SettingsDep,
    q: Annotated[str | None, Query(description="Name in any script, any word order.")] = None,
) -> dict:
    """Search people and groups by name, native name or alias (all when `q` is empty)."""
    return await run_in_threadpool(search_composers, store, settings.base_iri, q)


@router.get("/{composer_id:path}", response_model=Profile)
async def get_composer(
    composer_id: str, request: Request, store: StoreDep, settings: SettingsDep,
    fmt: Annotated[Literal["json", "html"] | None,
                   Query(alias="format", description="`html`: redirect to the web page.")]
    = None,
) -> Any:
    """A person's or group's profile: names, works by role, songs, cues, collaborators."""
    if page := html_twin(request, fmt, "composer", composer_id):
        return page
    return await run_in_threadpool(composer_profile, store, settings.base_iri, composer_id)
