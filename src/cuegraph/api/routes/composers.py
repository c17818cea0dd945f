"""GET /composers (search) and /composers/{ref} (profile)."""

from __future__ import annotations

from cuegraph.api.data import composer_profile, search_composers
from cuegraph.api.data.identity import composer_identity
from cuegraph.api.routes.lookups import lookup_router

__all__ = ["router"]

router = lookup_router(
    identity=composer_identity,
    things="composers",
    view="composer",
    search=search_composers,
    profile=composer_profile,
    q_help="Name in any script, any word order (all when empty).",
    ref_help="Id (`yuki-kajiura`), IRI, name, native name or alias.",
    search_doc="Search people and groups by name, native name or alias, ignoring case, "
    "word order and macrons (all of them when `q` is empty).",
    profile_doc="A person's or group's profile: names, works by role and year, songs and "
    "cues, most frequent music collaborators, counts, external identifiers, "
    "sources.",
)
