"""GET /stats: what the graph holds and where it came from."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from cuegraph.api.data import graph_stats
from cuegraph.api.data.models import Stats
from cuegraph.api.deps import StoreDep

router = APIRouter(tags=["stats"])


@router.get("/stats", response_model=Stats)
async def stats(store: StoreDep) -> dict:
    """Counts by type and role, and per source its graphs, licences and last harvest."""
    return await run_in_threadpool(graph_stats, store)
