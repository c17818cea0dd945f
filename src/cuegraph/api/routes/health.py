"""Liveness and size."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cuegraph.api.summary import summary_for

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(request: Request) -> dict:
    """Service status and the number of distinct triples in the store (a triple kept in
    several graphs counts once). Constant cost: the count is kept per change of the data.
    While the first count of a large store runs, ``triples`` is null and ``counting`` true."""
    triples = await summary_for(request.app).triples()
    if triples is None:
        return {"status": "ok", "triples": None, "counting": True}
    return {"status": "ok", "triples": triples}
