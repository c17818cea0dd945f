"""Liveness and size."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from cuegraph.api.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(store: StoreDep) -> dict:
    """Service status and the number of triples (quads) in the store."""
    triples = await run_in_threadpool(store.triple_count)
    return {"status": "ok", "triples": triples}
