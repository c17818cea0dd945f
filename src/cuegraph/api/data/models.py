"""Response models: they type the answers in OpenAPI (``/docs``). Every model lets extra fields
pass (``extra="allow"``), so the JSON never loses a field the model does not name.

:data:`ERRORS` documents the one error shape, ``{"error": ..., "detail": ...}``, for the
statuses an endpoint can answer with (:func:`error_responses`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ErrorBody",
    "error_responses",
    "Listing",
    "SceneAnswer",
    "Ambiguity",
    "Profile",
    "ComposerProfile",
    "WorkProfile",
    "Stats",
    "Health",
    "Source",
    "Person",
    "WorkBrief",
    "Cue",
    "Level",
    "SceneTime",
    "IdentifierLink",
]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorBody(BaseModel):
    """Every error: a message for people and structured detail (close matches, the
    parameter at fault, the formats available ...)."""

    error: str = Field(description="What was wrong, in one line.")
    detail: Any = Field(None, description="Structured detail (may be null).")


_ERROR_TEXT = {
    400: "bad parameter, bad time, malformed query",
    404: "no such work, person, episode or page (with `close_matches` where known)",
    406: "no format that the Accept header allows",
    413: "request larger than the configured limit",
    503: "the query ran past the time limit, or the store is busy",
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` documenting the error statuses ``codes`` with :class:`ErrorBody`."""
    return {code: {"model": ErrorBody, "description": _ERROR_TEXT[code]} for code in codes}


#: the statuses every data endpoint may answer with
ERRORS = error_responses(400, 404, 406, 413, 503)


class Source(_Open):
    """Where a fact comes from: the page and a readable label, with its graph's licence."""

    url: str
    label: str
    kind: Literal["page", "subtitles"]
    host: str
    graph: str | None = None
    license: str | None = None
    license_name: str | None = None


class Person(_Open):
    """A credited person or group."""

    id: str
    iri: str
    name: str
    native_name: str | None = None
    sources: list[str] = []
    source_details: list[Source] = []


class WorkBrief(_Open):
    """A work in a list."""

    id: str
    iri: str
    title: str
    native_title: str | None = None
    type: str | None = None
    year: str | None = None
    episodes: int | None = None


class Listing(_Open):
    """A page of search results: ``data``, ``count`` (on this page), ``total`` (matches),
    ``next`` (the URL of the next page, null on the last) and the query ``q``."""

    data: list[dict[str, Any]]
    count: int
    total: int | None = None
    offset: int = 0
    limit: int | None = None
    next: str | None = None
    q: str | None = None


class Cue(_Open):
    """A cue: music (or a recorded silence) in an episode, timed or not."""

    cue: str
    episode: int
    title: str | None = None
    usage: str
    silence: bool
    timed: bool
    start: float | None = None
    end: float | None = None
    start_tc: str | None = None
    end_tc: str | None = None
    when: str | None = Field(None, description="The times as people write them: `20:54–22:48`.")
    credits: dict[str, list[Person]] = {}
    sources: list[str] = []


class Level(_Open):
    """One level tried (cue, episode, work) with its own result."""

    precision: Literal["cue", "episode", "work"]
    status: Literal["music", "silence", "no_data"]
    note: str
    cues: list[Cue] = []
    credits: dict[str, list[Person]] = {}
    songs: list[dict[str, Any]] = []


class SceneTime(_Open):
    """The moment (or stretch) asked about."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    from_: float = Field(alias="from")
    to: float
    from_tc: str
    to_tc: str
    text: str = Field(description="As people write it: `20:00` or `20:00–21:00`.")
    point: bool


class SceneAnswer(_Open):
    """Who composed this scene: ``headline`` says the best level found and its result;
    ``status``/``precision`` are that level's; ``at_time`` is what the moment itself has."""

    work: WorkBrief
    episode: int
    time: SceneTime
    headline: str
    status: Literal["music", "silence", "no_data"]
    precision: Literal["cue", "episode", "work", "none"]
    at_time: Literal["music", "silence", "no_data"]
    summary: str
    levels: list[Level]


class Ambiguity(ErrorBody):
    """300 Multiple Choices: a title several works share; choose one by its id."""

    candidates: list[WorkBrief]


class IdentifierLink(_Open):
    """An external identifier and the page it names."""

    scheme: str
    value: str
    url: str | None = None


class Profile(_Open):
    """A composer's or work's profile (see the endpoint's description for its fields)."""

    id: str
    iri: str
    counts: dict[str, int]
    links: dict[str, str]
    identifiers: dict[str, list[str]] = {}
    identifier_links: list[IdentifierLink] = []
    same_as: list[str] = []
    record_sources: list[Source] = []


class ComposerProfile(Profile):
    """A person or group: names, works by role and year (each with its credits' sources),
    songs, cues and collaborators."""

    name: str
    native_name: str | None = None
    aliases: list[str] = []
    works: list[dict[str, Any]] = []
    songs: list[dict[str, Any]] = []
    cues: list[dict[str, Any]] = []
    collaborators: list[dict[str, Any]] = []


class WorkProfile(Profile):
    """A work: score composers, songs with credits and episodes, cues by episode."""

    title: str
    native_title: str | None = None
    score_composers: list[Person] = []
    songs: list[dict[str, Any]] = []
    cues_by_episode: list[dict[str, Any]] = []


class Stats(_Open):
    """Counts by type and role, and the source graphs."""

    triples: int
    types: dict[str, int]
    roles: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    graphs: list[dict[str, Any]]


class Health(_Open):
    """Liveness and the number of distinct triples."""

    status: Literal["ok"]
    triples: int
