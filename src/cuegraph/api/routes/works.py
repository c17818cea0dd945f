"""GET /works (search) and /works/{ref} (the work's music credits)."""

from __future__ import annotations

from cuegraph.api.data import search_works, work_profile
from cuegraph.api.data.identity import work_identity
from cuegraph.api.routes.lookups import lookup_router

__all__ = ["router"]

router = lookup_router(
    identity=work_identity,
    things="works",
    view="work",
    search=search_works,
    profile=work_profile,
    q_help="Title (native too) or id (all when empty).",
    ref_help="Id (`madoka-magica`), IRI or title (native title too).",
    search_doc="Search works by title, native title or id (all of them when `q` is empty).",
    profile_doc="A work's music: score composers, each song with its roles and episodes, "
    "cues by episode, external identifiers, sources.",
)
