"""Work search and a work's music credits (score, songs with roles and episodes, cues)."""

from __future__ import annotations

from urllib.parse import quote

from cuegraph.api.data.composers import graph_view_url
from cuegraph.api.data.credits import credits_of, group_by_role
from cuegraph.api.data.index import Ids, find_work, work_index
from cuegraph.api.data.scene import episode_cues
from cuegraph.api.data.text import fold, match_score
from cuegraph.namespaces import CG_NS
from cuegraph.queries import iri, render
from cuegraph.store import Store

__all__ = ["search_works", "work_profile"]

_ID_SCHEMES = {CG_NS + s: s for s in ("wikidata", "musicbrainz", "anilist", "anidb", "mal",
                                      "vgmdb", "animethemes")}


def search_works(store: Store, base_iri: str, q: str | None = None) -> dict:
    """Works whose id, title or native title match ``q`` (every work when empty)."""
    ids = Ids(base_iri)
    works = list(work_index(store, ids).values())
    if q and q.strip():
        scored = [(match_score(q, [w.id.replace("-", " "), w.title, w.native_title or ""]), w)
                  for w in works]
        works = [w for s, w in sorted(scored, key=lambda s: (-s[0], fold(s[1].title))) if s]
    else:
        works.sort(key=lambda w: fold(w.title))
    data = [w.brief() for w in works]
    return {"data": data, "count": len(data), "q": q}


def work_profile(store: Store, base_iri: str, ref: str) -> dict:
    """A work's music credits: score composers, songs (roles, episodes) and cues by episode.

    Raises:
        WorkNotFound: with close matches.
    """
    ids = Ids(base_iri)
    work = find_work(store, ids, ref)
    identifiers: dict[str, list[str]] = {}
    links, sources = [], []
    for r in store.select(render("work_details", work=iri(work.iri))):
        if r["p"] in _ID_SCHEMES:
            identifiers.setdefault(_ID_SCHEMES[r["p"]], []).append(str(r["value"]))
        elif r["p"].endswith("schema.org/sameAs"):
            links.append(r["value"])
        else:
            sources.append(r["value"])
    song_rows = store.select(render("work_songs", work=iri(work.iri)))
    songs: dict[str, dict] = {}
    for r in song_rows:
        songs.setdefault(r["song"], {"id": ids.short(r["song"], "song"), "iri": r["song"],
                                     "title": r.get("title"),
                                     "native_title": r.get("native")})
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
    return {
        **work.brief(),
        "identifiers": identifiers,
        "same_as": sorted(set(links)),
        "sources": sorted(set(sources)),
        "score_composers": work_credits.get("score_composer", []),
        "credits": work_credits,
        "songs": sorted(songs.values(), key=lambda s: (s["episodes"][:1] or [9999],
                                                       fold(s["title"] or ""))),
        "cues_by_episode": [{"episode": n, "cues": episodes[n]} for n in sorted(episodes)],
        "counts": {"songs": len(songs), "cues": len(cues), "episodes_with_cues": len(episodes)},
        "links": {"graph_view": graph_view_url("work", work.id),
                  "json": f"/works/{quote(work.id, safe='')}?format=json"},
    }
