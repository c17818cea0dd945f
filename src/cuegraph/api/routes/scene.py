"""GET /scene: who composed the music at a moment of an episode."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from cuegraph.api.data import scene_lookup
from cuegraph.api.data.models import Ambiguity, SceneAnswer, error_responses
from cuegraph.api.deps import SettingsDep, StoreDep
from cuegraph.api.routes.pages import html_twin
from cuegraph.errors import Ambiguous

router = APIRouter(tags=["scene"])


@router.get(
    "/scene",
    response_model=SceneAnswer,
    responses={
        300: {"model": Ambiguity, "description": "the title names several works: `candidates`"},
        **error_responses(400, 404, 503),
    },
)
async def scene(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    work: Annotated[str, Query(description="Work id (`anohana`), IRI or title (native too).")],
    episode: Annotated[int, Query(description="Episode number (1 for a film).")],
    t: Annotated[str | None, Query(description="A time: seconds, mm:ss or hh:mm:ss.")] = None,
    start: Annotated[
        str | None, Query(alias="from", description="Range start (with `to`).")
    ] = None,
    end: Annotated[str | None, Query(alias="to", description="Range end (with `from`).")] = None,
    fmt: Annotated[
        Literal["json", "html"] | None,
        Query(alias="format", description="`html`: redirect to the web page."),
    ] = None,
) -> Any:
    """Who composed this scene: cues at `t` (or `from`-`to`), with labelled fallbacks."""
    if page := html_twin(request, fmt, "scene"):
        return page
    try:
        return await run_in_threadpool(
            scene_lookup, store, settings.base_iri, work, episode, t, start, end
        )
    except Ambiguous as e:  # 300 Multiple Choices: the works that title names
        return JSONResponse(e.to_dict(), status_code=e.status)
