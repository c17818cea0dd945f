"""Typed dependencies: handlers write ``store: StoreDep`` and ``settings: SettingsDep``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cuegraph.config import Settings
from cuegraph.store import Store

__all__ = ["StoreDep", "SettingsDep", "get_store", "get_settings"]


# async on purpose: FastAPI runs a plain ``def`` dependency on a thread-pool thread, two
# thread hops per request for an attribute read (measured: most of /sparql's fixed cost)
async def get_store(request: Request) -> Store:
    return request.app.state.store


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
