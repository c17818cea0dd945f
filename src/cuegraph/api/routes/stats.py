"""GET /stats: what the graph holds and where it came from."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cuegraph.api.data.models import Stats
from cuegraph.api.summary import summary_for

router = APIRouter(tags=["stats"])


@router.get("/stats", response_model=Stats)
async def stats(request: Request) -> dict:
    """Counts by type and role, and per source its graphs, licences and last harvest
    (computed once per change of the data and served from memory)."""
    return await summary_for(request.app).stats()
