"""Composer (person or group) search and profiles."""

from __future__ import annotations

from collections import Counter

from cuegraph.api.data.credits import identifier_links, source_details
from cuegraph.api.data.index import (
    ROLE_ORDER,
    Ids,
    agent_index,
    find_agent,
    links,
    node_details,
    ranked,
    same_as_cluster,
    usage_name,
    work_index,
)
from cuegraph.export.views import is_music_credit
from cuegraph.names import fold
from cuegraph.queries import load_query, render, terms
from cuegraph.roles import role_name
from cuegraph.store import Store
from cuegraph.timecode import format_timecode

__all__ = ["search_composers", "composer_profile"]


def _role_counts(store: Store) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in store.select(load_query("composer_roles")):
        out.setdefault(r["agent"], {})[role_name(r["role"])] = int(r["credits"])
    return out


def search_composers(store: Store, base_iri: str, q: str | None = None) -> dict:
    """People and groups matching ``q`` (every one when ``q`` is empty), best first."""
    ids = Ids(base_iri)
    hits = ranked(agent_index(store, ids).values(), q, lambda a: a.names(), lambda a: a.name)
    roles = _role_counts(store)
    data = [
        {**a.brief(), "roles": roles.get(a.iri, {}), "credits": sum(roles.get(a.iri, {}).values())}
        for a in hits
    ]
    return {"data": data, "count": len(data), "q": q}


def composer_profile(store: Store, base_iri: str, ref: str) -> dict:
    """Everything known about one person or group (and any agent owl:sameAs it).

    Raises:
        PersonNotFound: with close matches.
    """
    ids = Ids(base_iri)
    agent = find_agent(store, ids, ref)
    agents = agent_index(store, ids)
    cluster = same_as_cluster(store, agent.iri)
    values = terms(cluster)
    works = work_index(store, ids)
    by_work: dict[str, dict] = {}
    songs: dict[str, dict] = {}
    by_role: dict[str, list[dict]] = {}
    seen_credits = set()
    for r in store.select(render("composer_credits", agents=values)):
        if r["credit"] in seen_credits:
            continue
        seen_credits.add(r["credit"])
        role = role_name(r["role"])
        target = r["target"]
        work_iri = target if r.get("isWork") else (r.get("songWork") or r.get("recWork"))
        kind = "work" if r.get("isWork") else "song" if r.get("isSong") else "recording"
        by_role.setdefault(role, []).append(
            {
                "kind": kind,
                "id": ids.short(target, kind),
                "iri": target,
                "title": r.get("targetTitle"),
                "role_text": r.get("roleText"),
                "work": _work_brief(works, ids, work_iri),
            }
        )
        if work_iri:
            w = by_work.setdefault(
                work_iri,
                {
                    **(_work_brief(works, ids, work_iri) or {}),
                    "roles": [],
                    "songs": [],
                    "credits": [],
                },
            )
            w["credits"].append(r["credit"])
            if role not in w["roles"]:
                w["roles"].append(role)
            if kind != "work" and r.get("targetTitle") and r["targetTitle"] not in w["songs"]:
                w["songs"].append(r["targetTitle"])
        if kind != "work":
            s = songs.setdefault(
                target,
                {
                    "id": ids.short(target, kind),
                    "iri": target,
                    "kind": kind,
                    "title": r.get("targetTitle"),
                    "native_title": r.get("targetNative"),
                    "work": _work_brief(works, ids, work_iri),
                    "roles": [],
                    "cues": [],
                    "credits": [],
                },
            )
            s["credits"].append(r["credit"])
            if role not in s["roles"]:
                s["roles"].append(role)
    cues = _cues(store, ids, works, values, songs)
    collaborators = _collaborators(store, ids, agents, values, cluster)
    details = source_details(store, seen_credits)
    for item in [*by_work.values(), *songs.values()]:
        item["roles"].sort(key=_role_key)
        # where these credits come from (not where the person's record comes from)
        item["sources"] = list(
            {d["url"]: d for c in item.pop("credits") for d in details.get(c, [])}.values()
        )
    work_list = sorted(by_work.values(), key=lambda w: (w["year"] or "9999", w["title"]))
    record = node_details(store, cluster)
    return {
        **agent.brief(),
        "identity": [ids.short(a, "person") for a in cluster],
        **record,
        "identifier_links": identifier_links(record["identifiers"], "composer"),
        "record_sources": list(source_details(store, cluster).get(agent.iri, [])),
        "counts": {
            "credits": len(seen_credits),
            "works": len(work_list),
            "songs": len(songs),
            "cues": len(cues),
            "collaborators": len(collaborators),
        },
        "roles": {
            role: len(items)
            for role, items in sorted(by_role.items(), key=lambda kv: _role_key(kv[0]))
        },
        "works": work_list,
        "songs": sorted(
            songs.values(),
            key=lambda s: ((s["work"] or {}).get("year") or "9999", s["title"] or ""),
        ),
        "cues": cues,
        "collaborators": collaborators,
        "links": links("composer", agent.id),
    }


def _role_key(role: str) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else 99


def _work_brief(works: dict, ids: Ids, work_iri: str | None) -> dict | None:
    if not work_iri:
        return None
    w = works.get(work_iri)
    if w is None:
        return {
            "id": ids.short(work_iri, "work"),
            "iri": work_iri,
            "title": None,
            "native_title": None,
            "year": None,
        }
    return {
        "id": w.id,
        "iri": w.iri,
        "title": w.title,
        "native_title": w.native_title,
        "year": w.year,
    }


def _cues(store: Store, ids: Ids, works: dict, values: str, songs: dict) -> list[dict]:
    out, seen = [], set()
    for r in store.select(render("composer_cues", agents=values)):
        if r["cue"] in seen:
            continue
        seen.add(r["cue"])
        cue = {
            "cue": r["cue"],
            "title": r.get("name"),
            "usage": usage_name(r["usage"]),
            "work": _work_brief(works, ids, r["work"]),
            "episode": r["episode"],
            "start": r.get("start"),
            "end": r.get("end"),
            "start_tc": None if r.get("start") is None else format_timecode(r["start"]),
            "end_tc": None if r.get("end") is None else format_timecode(r["end"]),
        }
        out.append(cue)
        if r["target"] in songs:
            songs[r["target"]]["cues"].append(
                {k: cue[k] for k in ("episode", "usage")} | {"work": (cue["work"] or {}).get("id")}
            )
    for s in songs.values():
        s["cues"].sort(key=lambda c: (c["work"] or "", c["episode"]))
    return sorted(
        out, key=lambda c: ((c["work"] or {}).get("title") or "", c["episode"], c["start"] or 0)
    )


def _collaborators(
    store: Store, ids: Ids, agents: dict, values: str, cluster: list[str]
) -> list[dict]:
    """People with music credits on the same works (the export's collaboration view uses the
    same rule: :func:`cuegraph.export.views.is_music_credit`, credits on a work's parts count
    for the work), most works shared first."""
    shared: dict[str, set[str]] = {}
    roles: dict[str, Counter] = {}
    for r in store.select(render("composer_collaborators", agents=values)):
        role = role_name(r["role"])
        if r["other"] in cluster or not is_music_credit(role, r.get("roleText")):
            continue
        shared.setdefault(r["other"], set()).add(r["work"])
        roles.setdefault(r["other"], Counter())[role] += 1
    out = []
    for other, works in shared.items():
        a = agents.get(other)
        out.append(
            {
                "id": ids.short(other, "person"),
                "iri": other,
                "name": a.name if a else ids.short(other, "person"),
                "native_name": a.native_name if a else None,
                "shared": len(works),
                "roles": [r for r, _ in roles[other].most_common()],
            }
        )
    return sorted(out, key=lambda c: (-c["shared"], fold(c["name"])))
