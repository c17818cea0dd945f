"""Response models: they document the answers' main fields in OpenAPI (extra fields pass)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["Listing", "SceneAnswer", "Profile", "Stats"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Listing(_Open):
    """A list envelope: ``data`` and ``count`` (and the query ``q``)."""

    data: list[dict[str, Any]]
    count: int
    q: str | None = None


class SceneAnswer(_Open):
    """Who composed this scene: the levels tried, each labelled with its precision."""

    work: dict[str, Any]
    episode: int
    time: dict[str, Any]
    headline: str
    status: Literal["music", "silence", "no_data"]
    precision: Literal["cue", "episode", "work", "none"]
    at_time: Literal["music", "silence", "no_data"]
    summary: str
    levels: list[dict[str, Any]]


class Profile(_Open):
    """A composer's or work's profile (see the endpoint's description for its fields)."""

    id: str
    iri: str
    counts: dict[str, int]
    links: dict[str, str]


class Stats(_Open):
    """Counts by type and role, and the source graphs."""

    triples: int
    types: dict[str, int]
    roles: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    graphs: list[dict[str, Any]]
