"""Liveness and size."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from cuegraph.api.summary import summary_for

router = APIRouter(tags=["health"])


@router.get("/health")
async def health(request: Request) -> dict:
    """Service status and the number of distinct triples in the store (a triple kept in
    several graphs counts once). Constant cost: the count is kept per change of the data.
    While the first count of a large store runs, ``triples`` is null and ``counting`` true."""
    return await health_body(request.app)


async def health_body(app: Any) -> dict:
    """The body of ``GET /health`` (this route and the fast path,
    :mod:`cuegraph.api.sparql.fast`, both answer it)."""
    triples = await summary_for(app).triples()
    if triples is None:
        return {"status": "ok", "triples": None, "counting": True}
    return {"status": "ok", "triples": triples}
