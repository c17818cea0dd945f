"""Ids and lookups: works and agents by id, IRI, title or name (with close matches)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import quote

from cuegraph.errors import Ambiguous, PersonNotFound, WorkNotFound
from cuegraph.graph.iris import Minter
from cuegraph.names import close_matches, fold, match_score, name_keys, title_aliases, title_keys
from cuegraph.namespaces import CG_NS
from cuegraph.queries import load_query, render, terms
from cuegraph.roles import ROLE_LABELS
from cuegraph.store import Store

__all__ = [
    "Ids",
    "WorkEntry",
    "AgentEntry",
    "work_index",
    "agent_index",
    "find_work",
    "find_agent",
    "terms",
    "usage_name",
    "ROLE_ORDER",
    "ranked",
    "node_details",
    "links",
]

#: the order roles are listed in
ROLE_ORDER = list(ROLE_LABELS)
_E = TypeVar("_E")
_TYPES = {
    CG_NS + "Series": "series",
    CG_NS + "Film": "film",
    CG_NS + "OVA": "ova",
    CG_NS + "Game": "game",
}


class Ids:
    """Short ids from IRIs and back, under one base IRI: an id is the record key the
    :class:`~cuegraph.graph.iris.Minter` minted the IRI from (``{base}work/<key>``; a key may
    hold ``/``, as harvested ``anilist/21`` does), so ``full(short(iri)) == iri``."""

    def __init__(self, base: str):
        self.minter = Minter(base)
        self.base = self.minter.base

    def short(self, value: str, kind: str) -> str:
        """The id of an IRI minted under the base (else the IRI itself)."""
        key = self.minter.key_of(value, kind)
        return value if key is None else key

    def full(self, value: str, kind: str) -> str:
        """The IRI of an id (an IRI stays as it is)."""
        if "://" in value:
            return value
        return str(self.minter.of(kind, value))


@dataclass
class WorkEntry:
    """A work as the index knows it."""

    iri: str
    id: str
    title: str
    native_title: str | None = None
    episodes: int | None = None
    year: str | None = None
    type: str | None = None
    aliases: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """Every text the work is found by: id, title, native title, other titles and their
        derived aliases (:func:`cuegraph.names.title_aliases`)."""
        return [
            self.id.replace("-", " "),
            self.title,
            self.native_title or "",
            *self.aliases,
            *title_aliases(self.title, self.native_title),
            *(a for t in self.aliases for a in title_aliases(t)),
        ]

    def brief(self) -> dict:
        return {
            "id": self.id,
            "iri": self.iri,
            "title": self.title,
            "native_title": self.native_title,
            "type": self.type,
            "year": self.year,
            "episodes": self.episodes,
        }


@dataclass
class AgentEntry:
    """A person or group as the index knows it."""

    iri: str
    id: str
    name: str
    native_name: str | None = None
    aliases: list[str] = field(default_factory=list)
    kind: str | None = None

    def names(self) -> list[str]:
        return [self.name, self.native_name or "", *self.aliases, self.id.replace("-", " ")]

    def brief(self) -> dict:
        return {
            "id": self.id,
            "iri": self.iri,
            "name": self.name,
            "native_name": self.native_name,
            "aliases": self.aliases,
            "kind": self.kind,
        }


def usage_name(usage_iri: str) -> str:
    """``https://cuegraph.org/ns#Ending`` -> ``ending``."""
    return usage_iri.rsplit("#", 1)[-1].lower()


def work_index(store: Store, ids: Ids) -> dict[str, WorkEntry]:
    """Every work, keyed by IRI."""
    out: dict[str, WorkEntry] = {}
    for r in store.select(load_query("work_index")):
        w = out.get(r["work"])
        if w is None:
            w = out[r["work"]] = WorkEntry(r["work"], ids.short(r["work"], "work"), r["title"])
        w.native_title = w.native_title or r.get("native")
        w.episodes = w.episodes or r.get("episodes")
        w.year = w.year or (str(r["year"])[:4] if r.get("year") else None)
        w.type = w.type or _TYPES.get(r.get("type") or "")
        if r.get("alias") and r["alias"] not in w.aliases:
            w.aliases.append(r["alias"])
    return out


def agent_index(store: Store, ids: Ids) -> dict[str, AgentEntry]:
    """Every person or group, keyed by IRI."""
    out: dict[str, AgentEntry] = {}
    for r in store.select(load_query("composer_index")):
        a = out.get(r["agent"])
        if a is None:
            a = out[r["agent"]] = AgentEntry(r["agent"], ids.short(r["agent"], "person"), r["name"])
        a.native_name = a.native_name or r.get("native")
        a.kind = a.kind or r.get("kind")
        if r.get("alias") and r["alias"] not in a.aliases:
            a.aliases.append(r["alias"])
    return out


def _find(
    ref: str,
    entries: dict[str, _E],
    kind: str,
    ids: Ids,
    names: Callable[[_E], Iterable[str | None]],
    keys: Callable[[str], frozenset[str]],
) -> _E | None:
    """An entry by id or IRI, else by a name equal once folded, else by a name sharing a
    match key (:mod:`cuegraph.names`; the first in IRI order)."""
    ref = (ref or "").strip()
    if not ref:
        return None
    as_iri = ids.full(ref, kind)
    if as_iri in entries:
        return entries[as_iri]
    folded = fold(ref)
    for entry in entries.values():
        if any(fold(n) == folded for n in names(entry) if n):
            return entry
    wanted = keys(ref)
    if wanted:
        for _iri, entry in sorted(entries.items()):
            if any(wanted & keys(n) for n in names(entry) if n):
                return entry
    return None


def find_work(store: Store, ids: Ids, ref: str) -> WorkEntry:
    """A work by id, IRI or title (native title too; case and width ignored).

    Raises:
        WorkNotFound: with close matches in the detail.
        Ambiguous: a title several works share, with the ``candidates`` (an id is exact).
    """
    works = work_index(store, ids)
    hit = _find(ref, works, "work", ids, lambda w: [w.id, *w.names()], title_keys)
    if hit is not None and ids.full(ref.strip(), "work") not in works:
        # a title (not an id): several works may carry it ("Steins;Gate", anime and game)
        folded = fold(ref)
        same = [
            w
            for w in works.values()
            if any(fold(t) == folded for t in (w.title, w.native_title) if t)
        ]
        if len(same) > 1:
            raise Ambiguous(
                f"{ref.strip()!r} names {len(same)} works: choose one by its id",
                [w.brief() for w in sorted(same, key=lambda w: w.id)],
                {"work": ref},
            )
    if hit is None:
        pairs = [(w.iri, t) for w in works.values() for t in (w.id, *w.names()) if t]
        close = [works[k].brief() for k in close_matches(ref, pairs)]
        raise WorkNotFound(f"no work {ref!r}", {"work": ref, "close_matches": close})
    return hit


def find_agent(store: Store, ids: Ids, ref: str) -> AgentEntry:
    """A person or group by id, IRI or exact name (native name and aliases too).

    Raises:
        PersonNotFound: with close matches in the detail.
    """
    agents = agent_index(store, ids)
    hit = _find(ref, agents, "person", ids, lambda a: [a.id, *a.names()], name_keys)
    if hit is None:
        pairs = [(a.iri, n) for a in agents.values() for n in a.names() if n]
        close = [agents[k].brief() for k in close_matches(ref, pairs)]
        raise PersonNotFound(
            f"no person or group {ref!r}", {"composer": ref, "close_matches": close}
        )
    return hit


def ranked(entries: Iterable, q: str | None, names: Callable, label: Callable) -> list:
    """Entries matching ``q`` (any of ``names(entry)``, any word order), best first, ties by
    ``label(entry)``; every entry in ``label`` order when ``q`` is empty."""
    if not (q and q.strip()):
        return sorted(entries, key=lambda e: fold(label(e)))
    scored = [(match_score(q, names(e)), e) for e in entries]
    return [e for s, e in sorted(scored, key=lambda s: (-s[0], fold(label(s[1])))) if s]


_ID_SCHEMES = {
    CG_NS + s: s
    for s in ("wikidata", "musicbrainz", "anilist", "anidb", "mal", "vgmdb", "animethemes")
}
_SAME_AS = "https://schema.org/sameAs"


def node_details(store: Store, nodes: Iterable[str]) -> dict:
    """External identifiers (by scheme), ``schema:sameAs`` links and sources of the nodes,
    merged: ``{"identifiers": {scheme: [...]}, "same_as": [...], "sources": [...]}``."""
    identifiers: dict[str, list[str]] = {}
    same_as, sources = set(), set()
    for r in store.select(render("node_details", nodes=terms(nodes))):
        if r["p"] in _ID_SCHEMES:
            ids = identifiers.setdefault(_ID_SCHEMES[r["p"]], [])
            if str(r["value"]) not in ids:
                ids.append(str(r["value"]))
        elif r["p"] == _SAME_AS:
            same_as.add(r["value"])
        else:  # prov:wasDerivedFrom
            sources.add(r["value"])
    return {"identifiers": identifiers, "same_as": sorted(same_as), "sources": sorted(sources)}


def links(kind: str, key: str) -> dict:
    """Where else to see a composer or work: its HTML graph view (the export service) and its
    JSON."""
    collection = {"composer": "composers", "work": "works"}[kind]
    # a composer's graph opens on the people network (who they work with)
    view = "&view=collaboration" if kind == "composer" else ""
    return {
        "graph_view": f"/export?format=html&{kind}={quote(key, safe='')}{view}",
        "json": f"/{collection}/{quote(key, safe='/')}?format=json",
    }


def same_as_cluster(store: Store, start: str) -> list[str]:
    """``start`` and every agent linked to it by owl:sameAs (either direction, transitively)."""
    links: dict[str, set[str]] = {}
    for r in store.select(load_query("composer_same_as")):
        links.setdefault(r["a"], set()).add(r["b"])
        links.setdefault(r["b"], set()).add(r["a"])
    seen, todo = [start], [start]
    while todo:
        for other in sorted(links.get(todo.pop(), ())):
            if other not in seen:
                seen.append(other)
                todo.append(other)
    return seen


def sources_of(store: Store, nodes) -> dict[str, list[str]]:
    """prov:wasDerivedFrom sources of nodes, keyed by node."""
    out: dict[str, list[str]] = {}
    nodes = list(dict.fromkeys(nodes))
    if not nodes:
        return out
    for r in store.select(render("scene_sources", nodes=terms(nodes))):
        out.setdefault(r["node"], []).append(r["source"])
    return {k: sorted(v) for k, v in out.items()}


__all__ += ["same_as_cluster", "sources_of"]
