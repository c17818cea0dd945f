"""GET /scene: who composed the music at a moment of an episode."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from cuegraph.api.data import scene_lookup
from cuegraph.api.data.models import SceneAnswer
from cuegraph.api.deps import SettingsDep, StoreDep

router = APIRouter(tags=["scene"])


@router.get("/scene", response_model=SceneAnswer)
async def scene(
    store: StoreDep,
    settings: SettingsDep,
    work: Annotated[str, Query(description="Work id (`anohana`), IRI or title (native too).")],
    episode: Annotated[int, Query(description="Episode number (1 for a film).")],
    t: Annotated[str | None, Query(description="A time: seconds, mm:ss or hh:mm:ss.")] = None,
    start: Annotated[str | None, Query(alias="from", description="Range start (with `to`).")]
    = None,
    end: Annotated[str | None, Query(alias="to", description="Range end (with `from`).")] = None,
) -> dict:
    """Who composed this scene: cues at `t` (or `from`-`to`), with labelled fallbacks."""
    return await run_in_threadpool(scene_lookup, store, settings.base_iri, work, episode, t,
                                   start, end)
