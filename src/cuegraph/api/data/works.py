"""Work search and a work's music credits (score, songs with roles and episodes, cues)."""

from __future__ import annotations

from cuegraph.api.data.credits import (
    credits_of,
    group_by_role,
    identifier_links,
    source_details,
)
from cuegraph.api.data.index import Ids, find_work, links, node_details, ranked, work_index
from cuegraph.api.data.scene import episode_cues
from cuegraph.names import fold
from cuegraph.queries import iri, render
from cuegraph.store import Store

__all__ = ["search_works", "work_profile"]


def search_works(store: Store, base_iri: str, q: str | None = None) -> dict:
    """Works whose id, title or native title match ``q`` (every work when empty)."""
    ids = Ids(base_iri)
    works = ranked(work_index(store, ids).values(), q, lambda w: w.names(), lambda w: w.title)
    data = [w.brief() for w in works]
    return {"data": data, "count": len(data), "q": q}


def work_profile(store: Store, base_iri: str, ref: str) -> dict:
    """A work's music credits: score composers, songs (roles, episodes) and cues by episode.

    Raises:
        WorkNotFound: with close matches.
    """
    ids = Ids(base_iri)
    work = find_work(store, ids, ref)
    song_rows = store.select(render("work_songs", work=iri(work.iri)))
    songs: dict[str, dict] = {}
    for r in song_rows:
        songs.setdefault(
            r["song"],
            {
                "id": ids.short(r["song"], "song"),
                "iri": r["song"],
                "title": r.get("title"),
                "native_title": r.get("native"),
            },
        )
    credits = credits_of(store, ids, [work.iri, *songs])
    cues = episode_cues(store, ids, work, None)
    for iri_, s in songs.items():
        played = [c for c in cues if (c["song"] or {}).get("iri") == iri_]
        s["credits"] = group_by_role(credits.get(iri_, []))
        s["episodes"] = sorted({c["episode"] for c in played})
        s["usages"] = sorted({c["usage"] for c in played})
    episodes: dict[int, list[dict]] = {}
    for c in cues:
        episodes.setdefault(c["episode"], []).append(c)
    work_credits = group_by_role(credits.get(work.iri, []))
    record = node_details(store, [work.iri])
    return {
        **work.brief(),
        **record,
        "identifier_links": identifier_links(record["identifiers"], "work"),
        "record_sources": source_details(store, [work.iri]).get(work.iri, []),
        "score_composers": work_credits.get("score_composer", []),
        "credits": work_credits,
        "songs": sorted(
            songs.values(), key=lambda s: (s["episodes"][:1] or [9999], fold(s["title"] or ""))
        ),
        "cues_by_episode": [{"episode": n, "cues": episodes[n]} for n in sorted(episodes)],
        "counts": {"songs": len(songs), "cues": len(cues), "episodes_with_cues": len(episodes)},
        "links": links("work", work.id),
    }
