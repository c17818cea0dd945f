"""Credits on things (works, songs, recordings), grouped by role, each with where it comes
from: the page (a readable label: site and page title, or host; subtitle files said so) and
the licence of the graph it was read into."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from cuegraph.api.data.index import ROLE_ORDER, Ids
from cuegraph.queries import render, terms
from cuegraph.roles import role_name
from cuegraph.store import Store

__all__ = [
    "credits_of",
    "group_by_role",
    "source_label",
    "source_details",
    "identifier_links",
    "LICENSE_NAMES",
]

#: licence IRIs -> readable names
LICENSE_NAMES = {
    "http://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
    "https://creativecommons.org/licenses/by-sa/4.0/": "CC BY-SA 4.0",
    "https://creativecommons.org/licenses/by-nc-sa/4.0/": "CC BY-NC-SA 4.0",
    "https://anilist.co/terms": "AniList terms",
    "https://animethemes.moe/terms-of-service": "AnimeThemes terms",
    "https://vgmdb.net/": "VGMdb (terms unknown)",
}
_SUBTITLES = (".ass", ".ssa", ".srt", ".vtt", ".sub")


def source_label(url: str) -> dict:
    """A readable label for a source URL: ``{"label", "kind", "host"}``.

    >>> source_label("https://en.wikipedia.org/wiki/Steins;Gate_(TV_series)")["label"]
    'Wikipedia (en): Steins;Gate (TV series)'
    >>> source_label("https://example.org/subs/Anohana%20-%2005.ass")["label"]
    'subtitle file “Anohana - 05.ass” (example.org)'
    >>> source_label("https://en.wikipedia.org/?oldid=491789226&title=Anohana")["label"]
    'Wikipedia (en): Anohana'
    >>> source_label("http://www.kiwiblitz.com/blog/monday-music")["label"]
    'kiwiblitz.com'
    """
    parts = urlsplit(url)
    host = (parts.hostname or url).rstrip(".").removeprefix("www.")
    name = unquote(parts.path.rsplit("/", 1)[-1])
    if name.lower().endswith(_SUBTITLES):
        return {"label": f"subtitle file “{name}” ({host})", "kind": "subtitles", "host": host}
    query = dict(parse_qsl(parts.query))
    if host.endswith("wikipedia.org") and (parts.path.startswith("/wiki/") or "title" in query):
        lang = host.split(".")[0]
        title = (query.get("title") or unquote(parts.path[len("/wiki/") :])).replace("_", " ")
        return {"label": f"Wikipedia ({lang}): {title}", "kind": "page", "host": host}
    return {"label": host, "kind": "page", "host": host}


def source_details(store: Store, nodes) -> dict[str, list[dict]]:
    """Each node's sources: ``{node: [{url, label, kind, host, graph, license,
    license_name}]}`` (one entry per source URL)."""
    nodes = [n for n in dict.fromkeys(nodes) if n]
    out: dict[str, dict[str, dict]] = {}
    if not nodes:
        return {}
    for r in store.select(render("credit_sources", nodes=terms(nodes))):
        entry = out.setdefault(r["node"], {}).setdefault(
            r["source"],
            {
                "url": r["source"],
                **source_label(r["source"]),
                "graph": r["graph"],
                "license": None,
                "license_name": None,
            },
        )
        if r.get("license") and not entry["license"]:
            entry["license"] = r["license"]
            entry["license_name"] = LICENSE_NAMES.get(r["license"], r["license"])
    return {n: sorted(v.values(), key=lambda e: e["url"]) for n, v in out.items()}


#: (scheme, kind) -> URL template of the external identifier's page
_ID_URLS = {
    "wikidata": "https://www.wikidata.org/wiki/{}",
    ("musicbrainz", "composer"): "https://musicbrainz.org/artist/{}",
    ("musicbrainz", "work"): "https://musicbrainz.org/release-group/{}",
    ("anilist", "composer"): "https://anilist.co/staff/{}",
    ("anilist", "work"): "https://anilist.co/anime/{}",
    ("anidb", "composer"): "https://anidb.net/creator/{}",
    ("anidb", "work"): "https://anidb.net/anime/{}",
    ("mal", "composer"): "https://myanimelist.net/people/{}",
    ("mal", "work"): "https://myanimelist.net/anime/{}",
    ("vgmdb", "composer"): "https://vgmdb.net/artist/{}",
    ("vgmdb", "work"): "https://vgmdb.net/product/{}",
}


def identifier_links(identifiers: dict[str, list[str]], kind: str) -> list[dict]:
    """External identifiers as links: ``[{scheme, value, url}]`` (``url`` None when the
    scheme has no page for this kind).

    >>> identifier_links({"wikidata": ["Q123"]}, "composer")[0]["url"]
    'https://www.wikidata.org/wiki/Q123'
    """
    out = []
    for scheme, values in identifiers.items():
        template = _ID_URLS.get(scheme) or _ID_URLS.get((scheme, kind))
        for value in values:
            url = template.format(value) if template and "/" not in value else None
            out.append({"scheme": scheme, "value": value, "url": url})
    return out


def credits_of(store: Store, ids: Ids, targets) -> dict[str, list[dict]]:
    """Every credit on each target: ``{target: [{role, person, sources, ...}]}``."""
    targets = list(dict.fromkeys(t for t in targets if t))
    out: dict[str, dict[str, dict]] = {t: {} for t in targets}
    if not targets:
        return {}
    for r in store.select(render("work_credits", targets=terms(targets))):
        entry = out[r["target"]].setdefault(
            r["credit"],
            {
                "role": role_name(r["role"]),
                "role_iri": r["role"],
                "role_text": r.get("roleText"),
                "person": {
                    "id": ids.short(r["agent"], "person"),
                    "iri": r["agent"],
                    "name": r.get("name") or ids.short(r["agent"], "person"),
                    "native_name": r.get("native"),
                },
                "credit": r["credit"],
                "sources": [],
            },
        )
        if r.get("source") and r["source"] not in entry["sources"]:
            entry["sources"].append(r["source"])
    details = source_details(store, [c for by in out.values() for c in by])
    for by in out.values():
        for credit, entry in by.items():
            entry["source_details"] = details.get(credit, [])
    return {t: sorted(c.values(), key=_order) for t, c in out.items()}


def _order(credit: dict) -> tuple:
    role = credit["role"]
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else 99, credit["person"]["name"])


def group_by_role(credits: list[dict]) -> dict[str, list[dict]]:
    """``{role: [person ...]}`` in role order; each person once per role, with sources."""
    out: dict[str, list[dict]] = {}
    for c in sorted(credits, key=_order):
        people = out.setdefault(c["role"], [])
        same = next((p for p in people if p["id"] == c["person"]["id"]), None)
        if same is None:
            people.append(
                {
                    **c["person"],
                    "sources": list(c["sources"]),
                    "source_details": list(c.get("source_details", [])),
                    "role_text": c.get("role_text"),
                }
            )
        else:
            same["sources"] = sorted(set(same["sources"]) | set(c["sources"]))
            known = {d["url"] for d in same["source_details"]}
            same["source_details"] += [
                d for d in c.get("source_details", []) if d["url"] not in known
            ]
    return out
