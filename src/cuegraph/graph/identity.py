"""Identity resolution: the same person, group, work, song, recording or album seen by
several sources, linked with ``owl:sameAs`` — and the evidence for every link.

Each source mints its own nodes (``person/wikidata/Q…``, ``person/musicbrainz/<mbid>``,
``work/anilist/…``, the seed's ``person/yuki-kajiura``) and keeps the other sources' ids as
data (``cg:wikidata``, ``cg:musicbrainz``, ``cg:anilist``, ``cg:anidb``, ``cg:mal``,
``cg:vgmdb``). The rules, in order:

1. **Shared external ids decide first.** Two nodes of the same kind (agent, work, song,
   recording, album) stating the same (scheme, value) are the same thing, transitively.
2. **Different ids of the same scheme never merge.** Two clusters that both carry ids of one
   scheme, none in common (Wikidata ``Q1`` against ``Q2``), stay apart however alike their
   names — even when another shared id would join them; the refusal is kept as evidence.
3. **Groups and units never merge with people** (``cg:kind`` ``group`` against ``person``).
4. **Names decide only where no id conflicts, and only with shared context.** Names are
   compared with the one name matcher's keys (:func:`cuegraph.names.name_keys` for agents,
   :func:`cuegraph.names.title_keys` for titles: family/given order, macrons and long
   vowels, case, width, punctuation, kana; a native name meets its romanisation through a
   record that gives both). A name match merges two nodes only when they also share
   context: agents credited on the same work, song, recording or album; songs of the same
   work; recordings of the same song; albums of the same work; works crediting the same
   agent, or — for works — the same year and type. Context is compared through the clusters
   found so far, so rules 1, 4 and 5 are repeated until nothing changes.
5. **An untitled song joins the titled song of its slot.** A song a source credits without
   a title (``cg:UntitledSong``: AniList's "Theme Song Composition (OP)") joins the one
   titled song stating the same slot (``cg:slot``: ``op``, ``op1``, ``ed2``) of the same
   work; see :func:`_join_slots`.

Every cluster gets one canonical IRI (fewest path segments, so cuegraph's own ids come
before a source's; then the shortest; then the smallest: deterministic), and
each other member is linked to it with ``owl:sameAs`` both ways, in the named graph
``{base}graph/identity/resolved`` (CC0, PROV-O like any run). Nothing a source said is
changed or deleted, and the identity graph is never read back as input: running again on
the same data writes the same graph.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from cuegraph.errors import BadInput
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import provenance_update, xsd_now
from cuegraph.names import fold, name_keys, title_keys
from cuegraph.namespaces import CG_NS, OWL
from cuegraph.queries import iri as sparql_iri
from cuegraph.queries import literal, load_query, render, render_update
from cuegraph.rdfload import replace_from_ntriples_file
from cuegraph.store import Store

__all__ = [
    "SOURCE",
    "KEY",
    "Node",
    "Link",
    "Refusal",
    "Identity",
    "Resolution",
    "read_nodes",
    "cluster",
    "find_clusters",
    "resolve",
    "explain",
    "canonical_map",
]

SOURCE = "identity"
KEY = "resolved"
LICENSE = "cc0"
KINDS = {CG_NS + k: k.lower() for k in ("Agent", "Work", "Song", "Recording", "Album")}
_KIND_CODES = frozenset(KINDS.values())


@dataclass
class Node:
    """One source's node as identity resolution sees it."""

    iri: str
    kind: str  # agent, work, song, recording, album
    names: set[str] = field(default_factory=set)
    ids: dict[str, set[str]] = field(default_factory=dict)
    agent_kind: str | None = None  # person or group
    year: str | None = None
    work_type: str | None = None
    graphs: set[str] = field(default_factory=set)
    context: set[str] = field(default_factory=set)
    slots: set[str] = field(default_factory=set)  # songs: op, op1, ed2 (cg:slot)
    untitled: bool = False  # songs: credited without a title (cg:UntitledSong)
    works: set[str] = field(default_factory=set)  # songs: their works (cg:work)
    _keys: frozenset[str] | None = field(default=None, repr=False, compare=False)

    def keys(self) -> frozenset[str]:
        """The name matcher's keys of every name (computed once: names are read before)."""
        if self._keys is None:
            match = name_keys if self.kind == "agent" else title_keys
            keys: set[str] = set()
            for n in self.names:
                keys |= match(n)
            self._keys = frozenset(keys)
        return self._keys

    def label(self) -> str:
        return (
            min(self.names, key=lambda n: (not n.isascii(), len(n), n)) if self.names else self.iri
        )


@dataclass(frozen=True)
class Link:
    """Why two nodes were joined: ``rule`` is ``id`` (``scheme``, ``value``), ``name``
    (``names``: the two names that matched, ``keys``: their shared keys, ``context``: the
    shared context) or ``slot`` (``value``: the opening/ending slot both songs fill,
    ``context``: the work, ``names``: the untitled song's made-up name and the title)."""

    a: str
    b: str
    rule: str
    scheme: str | None = None
    value: str | None = None
    names: tuple[str, str] | None = None
    keys: tuple[str, ...] = ()
    context: str | None = None

    def why(self) -> str:
        if self.rule == "id":
            return f"same {self.scheme} id {self.value}"
        first, second = self.names or ("?", "?")
        if self.rule == "slot":
            return (
                f"both the {self.value} song of {self.context}; the untitled "
                f"{first!r} is {second!r}"
            )
        return (
            f"names {first!r} ~ {second!r} (key {', '.join(self.keys)}), "
            f"shared context {self.context}"
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"a": self.a, "b": self.b, "rule": self.rule, "why": self.why()}
        if self.rule == "id":
            out.update(scheme=self.scheme, value=self.value)
        elif self.rule == "slot":
            out.update(slot=self.value, context=self.context, names=list(self.names or ()))
        else:
            out.update(names=list(self.names or ()), keys=list(self.keys), context=self.context)
        return out


@dataclass(frozen=True)
class Refusal:
    """Two nodes that evidence would have joined, kept apart by a rule."""

    a: str
    b: str
    evidence: str
    reason: str

    def as_dict(self) -> dict:
        return {"a": self.a, "b": self.b, "evidence": self.evidence, "reason": self.reason}


@dataclass
class Identity:
    """The outcome of clustering: clusters (canonical IRI first), links and refusals."""

    nodes: dict[str, Node]
    clusters: list[list[str]]
    links: list[Link]
    refusals: list[Refusal]

    def canonical(self) -> dict[str, str]:
        """Every clustered IRI -> its cluster's canonical IRI."""
        return {m: c[0] for c in self.clusters for m in c}


@dataclass
class Resolution:
    """What a resolution run found and wrote."""

    graph: str
    clusters: list[list[str]] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    triples: int = 0
    previous_triples: int = 0
    seconds: float = 0.0
    graphs_read: list[str] = field(default_factory=list)


# ---- reading ---------------------------------------------------------------------------


@contextmanager
def _bulk() -> Iterator[None]:
    """Python's cyclic garbage collector paused: reading and clustering allocate millions of
    small objects and keep nearly all of them, so every collection pass walked the growing
    heap for nothing (a third of the CPU time of clustering 100 000 records). Whatever
    garbage is left is collected once the collector runs again. A caller that drops the
    nodes before then (``resolve``, ``explain``) spares even that: a full collection of
    100 000 records' nodes costs about a second, freeing them by reference count nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def read_nodes(store: Store) -> dict[str, Node]:
    """Every node identity resolution looks at (see :func:`_read_nodes`)."""
    with _bulk():
        return _read_nodes(store)


def _read_nodes(store: Store) -> dict[str, Node]:
    """Every node identity resolution looks at, with its names, ids, kind and context (three
    plain SELECTs with compact rows, joined here; the identity graph itself is never read).

    A node's ``graphs`` are the named graphs that type it (every builder and importer types
    the nodes it describes). The rows come as SPARQL CSV on the embedded store: pyoxigraph
    writes them without a Python object per value, which was most of the time spent
    reading a large store (see ``benchmarks/identity.py``).
    """
    own = "/graph/identity/"
    nodes: dict[str, Node] = {}
    work_types: dict[str, str] = {}
    untitled: set[str] = set()
    for node, kind, graph in _rows(store, "identity_types", ("node", "kind", "graph")):
        if own in graph or node.startswith("_:"):  # blank nodes cannot be linked
            continue
        if kind in _KIND_CODES:
            n = nodes.get(node)
            if n is None:
                nodes[node] = n = Node(node, kind)
            n.graphs.add(graph)
        elif kind == "untitled":
            untitled.add(node)
        else:  # series, film, ova, game
            work_types[node] = kind
    for iri, wtype in work_types.items():
        if iri in nodes:
            nodes[iri].work_type = wtype
    for iri in untitled:
        if iri in nodes:
            nodes[iri].untitled = True
    # the identity graph holds owl:sameAs links only, so no fact below comes from it
    for node, what, value in _rows(store, "identity_facts", ("node", "what", "value")):
        n = nodes.get(node)
        if n is None:
            continue
        if what == "name":
            n.names.add(value)
        elif what == "kind":
            n.agent_kind = value
        elif what == "year":
            n.year = value[:4]
        elif what == "slot":
            n.slots.add(value.strip().lower())
        else:
            ids = n.ids.get(what)
            if ids is None:
                n.ids[what] = ids = set()
            ids.add(value.strip())
    # Context decides only between nodes of one kind sharing a name key (rule 4), so the
    # context edges (the costly read: every credit and every cue's song) are read only for
    # the kinds that have such nodes, and not at all when none has: the clusters are the
    # same, and a load that brings nothing to link pays two small SELECTs.
    shared = _kinds_sharing_a_name(nodes)
    if _slotted_songs_to_compare(nodes):  # the slot rule needs each song's work
        shared.add("song")
    if shared & {"agent", "work", "album"}:  # their context comes from credits too
        query = "identity_context"
    elif shared:  # songs and recordings: their work, song and albums only
        query = "identity_structure"
    else:
        return nodes
    add_context(nodes, _rows(store, query, ("s", "p", "o")))
    return nodes


def _rows(store: Store, name: str, variables: tuple[str, ...]) -> Iterator[list[str]]:
    """The rows of query ``name`` as lists of strings, in the order of ``variables`` (an
    unbound value is ``""``): read from the SPARQL CSV results on the embedded store, from
    :meth:`~cuegraph.store.Store.select` elsewhere."""
    query = load_query(name)
    if store.embedded:
        body = store.query_serialized(query, result_format="csv").body
        reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
        header = next(reader, None)
        if header is not None and tuple(header) != variables:
            raise AssertionError(f"{name}.rq answers {header}, expected {list(variables)}")
        return reader
    return ([str(r.get(v, "")) for v in variables] for r in store.select(query))


def _slotted_songs_to_compare(nodes: dict[str, Node]) -> bool:
    """Whether an untitled song and another song both state a slot (the slot rule)."""
    untitled = titled = False
    for n in nodes.values():
        if n.slots:
            if n.untitled:
                untitled = True
            else:
                titled = True
            if untitled and titled:
                return True
    return False


def _kinds_sharing_a_name(nodes: dict[str, Node]) -> set[str]:
    """The kinds with two nodes that share a name key (the only nodes whose context is
    compared)."""
    first: dict[tuple[str, str], str] = {}
    kinds: set[str] = set()
    for iri, n in nodes.items():
        if n.kind in kinds:
            continue
        for k in n.keys():
            if first.setdefault((n.kind, k), iri) != iri:
                kinds.add(n.kind)
                break
    return kinds


def add_context(nodes: dict[str, Node], edges: Iterable[Sequence[str]]) -> None:
    """Fill each node's ``context`` from ``(subject, "credit"|"work"|"song"|"track",
    object)`` edges: agents get what they are credited on, with its work and albums; songs
    their work and albums; recordings their song, its work and albums; albums their work
    and credited agents; works their credited agents (on the work or anything of it)."""
    credits: list[tuple[str, str]] = []
    work_of: dict[str, str] = {}
    song_of: dict[str, str] = {}
    albums_of: dict[str, set[str]] = defaultdict(set)
    for s, p, o in edges:
        if p == "credit":
            credits.append((s, o))
        elif p == "work":
            work_of[s] = o
            n = nodes.get(s)
            if n is not None and n.kind == "song":
                n.works.add(o)
        elif p == "song":
            song_of[s] = o
        elif p == "track":
            albums_of[o].add(s)

    def around(x: str) -> set[str]:
        out = {x}
        song = song_of.get(x)
        if song:
            out.add(song)
        for y in (x, song):
            if y and y in work_of:
                out.add(work_of[y])
        out |= albums_of.get(x, set())
        return out

    for rec, song in song_of.items():
        for album in albums_of.get(rec, ()):
            albums_of[song].add(album)
    memo: dict[str, set[str]] = {}  # a work is credited many times: its surroundings once
    for agent, target in credits:
        things = memo.get(target)
        if things is None:
            memo[target] = things = around(target)
        if agent in nodes:
            nodes[agent].context |= things
        for thing in things:
            n = nodes.get(thing)
            if n is not None and n.kind in ("work", "album"):
                n.context.add(agent)
    for x, n in nodes.items():
        if n.kind in ("song", "recording", "album"):
            n.context |= around(x) - {x}


# ---- clustering ------------------------------------------------------------------------


class _Clusters:
    """Union-find over the nodes' positions in IRI order (so the smaller position is the
    smaller IRI), keeping per root the ids by scheme and whether a person and a group are
    among its members. A context item that is not a node is its own root forever (only
    nodes are ever joined), so it needs no entry."""

    def __init__(self, order: list[str], ids: list[dict[str, set[str]]], kinds: list[int]):
        self.order = order
        self.index = {iri: i for i, iri in enumerate(order)}
        self.parent = list(range(len(order)))
        # ids by scheme per root: the node's own dict until the root takes in another
        # cluster (then a copy, so no node is changed)
        self.ids = ids
        self.owned = [False] * len(order)
        self.kinds = kinds  # 1: a person among the members, 2: a group

    def find(self, x: int) -> int:
        parent = self.parent
        root = parent[x]
        if parent[root] == root:
            return root
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def root_iri(self, iri: str) -> str:
        """The IRI of the root of ``iri``'s cluster (``iri`` itself when not a node)."""
        i = self.index.get(iri)
        return iri if i is None else self.order[self.find(i)]

    def conflict(self, a: int, b: int) -> str | None:
        """Why roots ``a`` and ``b`` may not merge (None: they may)."""
        ia, ib = self.ids[a], self.ids[b]
        if ia and ib:
            for scheme in sorted(ia.keys() & ib.keys()):
                if not ia[scheme] & ib[scheme]:
                    return (
                        f"different {scheme} ids ({', '.join(sorted(ia[scheme]))} / "
                        f"{', '.join(sorted(ib[scheme]))})"
                    )
        if self.kinds[a] | self.kinds[b] == 3:
            return "a group is never merged with a person"
        return None

    def union(self, a: int, b: int) -> None:
        keep, gone = (a, b) if a < b else (b, a)
        self.parent[gone] = keep
        gone_ids = self.ids[gone]
        if gone_ids:
            ids = self.ids[keep]
            if not self.owned[keep]:
                self.ids[keep] = ids = {s: set(v) for s, v in ids.items()}
                self.owned[keep] = True
            for scheme, values in gone_ids.items():
                mine = ids.get(scheme)
                if mine is None:
                    ids[scheme] = set(values)
                else:
                    mine.update(values)
        self.ids[gone] = _NO_IDS
        self.kinds[keep] |= self.kinds[gone]


_AGENT_BITS = {"person": 1, "group": 2}
_NO_IDS: dict[str, set[str]] = {}


def _canonical(members: Iterable[str]) -> list[str]:
    """Members with the canonical IRI first (fewest ``/``: cuegraph's own ids such as
    ``person/yuki-kajiura`` before a source's ``person/anilist/101``; then the shortest, then
    the smallest), the rest sorted."""
    ordered = sorted(members, key=lambda s: (s.count("/"), len(s), s))
    return [ordered[0], *sorted(ordered[1:])]


def cluster(nodes: dict[str, Node]) -> Identity:
    """Apply the rules (module docstring) to ``nodes``; pure, deterministic."""
    with _bulk():
        return _cluster(nodes)


def _cluster(nodes: dict[str, Node]) -> Identity:
    """The rules, on node positions (ints) rather than IRIs: at 100 000 records the
    clustering is a few million look-ups, so each is kept cheap (see
    ``benchmarks/identity.py``). Every choice follows IRI order, as documented."""
    order = sorted(nodes)
    ids_of: list[dict[str, set[str]]] = []
    kinds: list[int] = []
    # kind -> scheme -> value -> positions, and kind -> name key -> positions
    by_id: dict[str, dict[str, defaultdict[str, list[int]]]] = defaultdict(dict)
    by_key: dict[str, defaultdict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    bits = _AGENT_BITS
    for i, iri in enumerate(order):
        n = nodes[iri]
        ids = n.ids
        ids_of.append(ids)
        kinds.append(bits.get(n.agent_kind, 0) if n.agent_kind else 0)
        if ids:
            schemes = by_id[n.kind]
            for scheme, values in ids.items():
                per_value = schemes.get(scheme)
                if per_value is None:
                    schemes[scheme] = per_value = defaultdict(list)
                for value in values:
                    per_value[value].append(i)
        per_key = by_key[n.kind]
        for k in n.keys():
            per_key[k].append(i)
    uf = _Clusters(order, ids_of, kinds)
    index = uf.index
    find, conflict, union = uf.find, uf.conflict, uf.union
    links: list[Link] = []
    refusals: dict[tuple[str, str, str], Refusal] = {}

    def refuse(a: str, b: str, rule: str, evidence: str | Callable[[], str], why: str) -> None:
        """Keep the first refusal of a pair by a rule (``evidence``: what would have
        joined them, or how to say it)."""
        key = (a, b, rule) if a < b else (b, a, rule)
        if key not in refusals:
            said = evidence if isinstance(evidence, str) else evidence()
            refusals[key] = Refusal(key[0], key[1], said, why)

    def join(a: str, b: str, link: Link) -> bool:
        """Join the clusters of nodes ``a`` and ``b`` unless a rule forbids it (then the
        refusal is kept); True when joined."""
        ra, rb = find(index[a]), find(index[b])
        if ra == rb:
            return False
        why = conflict(ra, rb)
        if why is not None:
            refuse(a, b, link.rule, link.why, why)
            return False
        union(ra, rb)
        links.append(link)
        return True

    # rule 1 (and 2): shared ids, each (kind, scheme, value) in order
    for kind in sorted(by_id):
        schemes = by_id[kind]
        for scheme in sorted(schemes):
            per_value = schemes[scheme]
            for value in sorted(v for v, m in per_value.items() if len(m) > 1):
                earlier: list[int] = []  # one member per cluster seen so far
                for i in per_value[value]:
                    for e in earlier:
                        re_, ri = find(e), find(i)
                        if re_ == ri:
                            break
                        why = conflict(re_, ri)
                        if why is None:
                            union(re_, ri)
                            links.append(Link(order[e], order[i], "id", scheme, value))
                            break
                        refuse(order[e], order[i], "id", f"same {scheme} id {value}", why)
                    else:
                        earlier.append(i)
    buckets = [
        (kind, per_key[k])
        for kind in sorted(by_key)
        for per_key in (by_key[kind],)
        for k in sorted(k for k, m in per_key.items() if len(m) > 1)
    ]
    del by_id, by_key
    # rules 4 and 5, repeated until nothing changes; a node's context is prepared when a
    # bucket of its first needs it
    prepared: dict[int, tuple[list[int], list[str]]] = {}
    slotted = sorted(x for x, n in nodes.items() if n.kind == "song" and n.slots and n.works)
    changed = True
    while changed:
        changed = _join_slots(nodes, slotted, uf.root_iri, join, refusals)
        for kind, members in buckets:
            r0 = find(members[0])
            for m in members:
                if find(m) != r0:
                    break
            else:
                continue  # one cluster already
            seen: dict[str, list[int]] = {}  # context -> members having it
            for i in members:
                entry = prepared.get(i)
                if entry is None:
                    prepared[i] = entry = _context_of(nodes[order[i]], index)
                positions, others = entry
                if not others and len(positions) == 1:  # the common case: no set to sort
                    context = [order[find(positions[0])]]
                else:
                    context = sorted({order[find(j)] for j in positions}.union(others))
                for c in context:
                    firsts = seen.get(c)
                    if firsts is None:
                        seen[c] = [i]
                        continue
                    # join the first earlier member a rule allows (a refused group must not
                    # keep two people of its name apart)
                    for first in firsts:
                        rf, ri = find(first), find(i)
                        if rf == ri:
                            break
                        n, other = nodes[order[i]], nodes[order[first]]
                        if (
                            kind == "work"
                            and other.work_type
                            and n.work_type
                            and other.work_type != n.work_type
                        ):
                            continue  # a series and a game of one title are two works
                        why = conflict(rf, ri)
                        if why is None:
                            union(rf, ri)
                            links.append(_name_link(other, n, c))
                            changed = True
                            break
                        refuse(
                            other.iri,
                            n.iri,
                            "name",
                            partial(_name_why, other, n, c),  # worked out if first
                            why,
                        )
                    else:
                        firsts.append(i)
    members_of: dict[int, list[str]] = defaultdict(list)
    for i, iri in enumerate(order):
        members_of[find(i)].append(iri)
    clusters = sorted(_canonical(m) for m in members_of.values() if len(m) > 1)
    return Identity(
        nodes, clusters, links, sorted(refusals.values(), key=lambda r: (r.a, r.b, r.evidence))
    )


def _context_of(n: Node, index: dict[str, int]) -> tuple[list[int], list[str]]:
    """A node's context: the positions of the nodes in it, and what is no node (its own
    root for good: a credited thing nobody types; a work's "year 2011, series")."""
    positions: list[int] = []
    others: list[str] = []
    for c in n.context:
        j = index.get(c)
        if j is None:
            others.append(c)
        else:
            positions.append(j)
    if n.kind == "work" and n.year and n.work_type:
        others.append(f"year {n.year}, {n.work_type}")
    return positions, others


def _join_slots(
    nodes: dict[str, Node],
    slotted: list[str],
    root: Callable[[str], str],
    join: Callable[[str, str, Link], bool],
    refusals: dict[tuple[str, str, str], Refusal],
) -> bool:
    """Rule 5: an untitled song (AniList's "opening 1" of an anime) joins the one titled
    song that fills the same slot (op1, ed2 …) of the same work (through the work clusters
    found so far). Only the slot the sources state decides — ``op`` never meets ``op1`` —
    and a song stating several slots of several works says which is which nowhere, so it
    takes no part. When titled songs of two clusters claim one slot, nothing is joined and
    the refusal is kept. True when something was joined."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri in slotted:
        n = nodes[iri]
        if len(n.slots) > 1 and len(n.works) > 1:
            continue
        for work in n.works:
            for slot in n.slots:
                groups[(root(work), slot)].append(iri)
    changed = False
    for (work, slot), members in sorted(groups.items()):
        untitled = [m for m in members if nodes[m].untitled]
        titled = [m for m in members if not nodes[m].untitled]
        roots = sorted({root(m) for m in titled})
        if not untitled or not roots:
            continue
        if len(roots) > 1:
            claims = "; ".join(sorted({nodes[m].label() for m in titled}))
            for m in untitled:
                key = (m, " ".join(roots), "slot")
                refusals.setdefault(
                    key,
                    Refusal(
                        m,
                        roots[0],
                        f"the {slot} song of {work}",
                        f"titled songs of {len(roots)} clusters fill that slot ({claims})",
                    ),
                )
            continue
        song = titled[0]
        for m in untitled:
            if root(m) == roots[0]:
                continue
            link = Link(
                song,
                m,
                "slot",
                value=slot,
                context=work,
                names=(nodes[m].label(), nodes[song].label()),
            )
            changed = join(song, m, link) or changed
    return changed


def _name_why(a: Node, b: Node, context: str) -> str:
    """What a name link of ``a`` and ``b`` would say (for a refusal, only when it is new)."""
    return _name_link(a, b, context).why()


def _name_link(a: Node, b: Node, context: str) -> Link:
    match = name_keys if a.kind == "agent" else title_keys
    for na in sorted(a.names):
        ka = match(na)
        for nb in sorted(b.names):
            shared = ka & match(nb)
            if shared:
                return Link(
                    a.iri,
                    b.iri,
                    "name",
                    names=(na, nb),
                    keys=tuple(sorted(shared)),
                    context=context,
                )
    return Link(a.iri, b.iri, "name", context=context)  # pragma: no cover (keys matched)


# ---- running ---------------------------------------------------------------------------


def find_clusters(store: Store) -> tuple[list[list[str]], list[str]]:
    """Clusters (canonical IRI first) and the named graphs their members came from."""
    ident = cluster(read_nodes(store))
    return ident.clusters, _graphs(ident)


def _graphs(ident: Identity) -> list[str]:
    return sorted(
        {g for c in ident.clusters for m in c for g in ident.nodes[m].graphs if m in ident.nodes}
    )


def resolve(store: Store, minter: Minter, *, skip_if_nothing: bool = False) -> Resolution:
    """Cluster every node and replace the identity graph with the ``owl:sameAs`` links.

    With ``skip_if_nothing`` (used after imports), a store with nothing to link and no
    identity graph yet is left as it is (no empty graph, no provenance entry).
    """
    with _bulk():  # the nodes are dropped before the collector runs again (see _bulk)
        return _resolve(store, minter, skip_if_nothing)


def _resolve(store: Store, minter: Minter, skip_if_nothing: bool) -> Resolution:
    t0 = time.monotonic()
    started = xsd_now()
    ident = cluster(read_nodes(store))
    target = str(minter.graph(SOURCE, KEY))
    if (
        skip_if_nothing
        and not ident.clusters
        and not store.ask(render("graph_any", graph=sparql_iri(target)))
    ):
        return Resolution(graph=target, refusals=ident.refusals, seconds=time.monotonic() - t0)
    graphs_read = _graphs(ident)
    same_as = f"> <{OWL.sameAs}> <"
    prov = str(minter.provenance_graph())
    with tempfile.TemporaryDirectory(prefix="cuegraph-identity-") as tmp:
        # the links as N-Triples, written in one bulk replace (no triple objects: at 100 000
        # records building them cost more than the store's own load)
        path = Path(tmp) / "same-as.nt"
        digest = hashlib.sha256()
        expected = 0
        with open(path, "wb") as out:
            for members in ident.clusters:
                rep = members[0]
                lines = "".join(
                    f"<{rep}{same_as}{other}> .\n<{other}{same_as}{rep}> .\n"
                    for other in members[1:]
                ).encode("utf-8")
                out.write(lines)
                digest.update(lines)
                expected += 2 * (len(members) - 1)
        swap = provenance_update(
            minter,
            SOURCE,
            KEY,
            license=LICENSE,
            used=graphs_read,
            label="identity: owl:sameAs links (shared ids; names with shared context)",
            record_count=len(ident.clusters),
            started=started,
        )
        digest_triple = (
            f"{sparql_iri(target)} {sparql_iri(_DIGEST)} {literal(digest.hexdigest())} ."
        )
        swap += " ;\n" + render_update("graph_insert", graph=sparql_iri(prov), body=digest_triple)
        previous = store.graph_size(target)
        if previous == expected and _stored_digest(store, prov, target) == digest.hexdigest():
            store.update(swap)  # the same links: only the run's provenance is new
            written = previous
        else:
            written = replace_from_ntriples_file(store, target, path, swap_extra=swap)
    return Resolution(
        graph=target,
        clusters=ident.clusters,
        links=ident.links,
        refusals=ident.refusals,
        triples=written,
        previous_triples=previous,
        seconds=time.monotonic() - t0,
        graphs_read=graphs_read,
    )


#: the SHA-256 of the N-Triples last written into the identity graph, on the graph's node in
#: the provenance graph: a run finding the same links (and as many triples stored) leaves
#: the graph as it is instead of rewriting hundreds of thousands of triples
_DIGEST = CG_NS + "linksDigest"


def _stored_digest(store: Store, prov: str, graph: str) -> str | None:
    rows = store.select(
        render("identity_digest", prov_graph=sparql_iri(prov), graph=sparql_iri(graph))
    )
    return str(rows[0]["d"]) if len(rows) == 1 else None


def canonical_map(store: Store) -> tuple[dict[str, str], dict[str, Node]]:
    """Every clustered IRI -> its canonical IRI (computed now, the rules above), and the
    nodes read."""
    ident = cluster(read_nodes(store))
    return ident.canonical(), ident.nodes


# ---- explaining ------------------------------------------------------------------------


def explain(store: Store, minter: Minter, ref: str, kind: str | None = None) -> dict:
    """The evidence about one entity: its cluster (canonical IRI first), every link inside
    it with its rule and evidence, the merges refused with their reason, and each member's
    names, ids and graphs.

    ``ref`` is an IRI, an id (``yuki-kajiura``, ``anilist/101``) or a name; ``kind``
    (``agent``, ``work``…) narrows a name or id.

    Raises:
        BadInput: nothing or several things match ``ref``.
    """
    with _bulk():  # the nodes are dropped before the collector runs again (see _bulk)
        return _explain(store, minter, ref, kind)


def _explain(store: Store, minter: Minter, ref: str, kind: str | None) -> dict:
    ident = cluster(read_nodes(store))
    iri = _find(ident.nodes, minter, ref, kind)
    members = next((c for c in ident.clusters if iri in c), [iri])
    inside = set(members)
    links = [lk for lk in ident.links if lk.a in inside or lk.b in inside]
    refused = [r for r in ident.refusals if r.a in inside or r.b in inside]
    stored = _stored_links(store, members)
    return {
        "entity": iri,
        "kind": ident.nodes[iri].kind,
        "canonical": members[0],
        "members": [_member(ident.nodes[m]) for m in members if m in ident.nodes],
        "links": [lk.as_dict() for lk in links],
        "refused": [r.as_dict() for r in refused],
        "written": stored,
    }


def _member(n: Node) -> dict:
    return {
        "iri": n.iri,
        "names": sorted(n.names),
        "kind": n.agent_kind or n.kind,
        "ids": {s: sorted(v) for s, v in sorted(n.ids.items())},
        "graphs": sorted(n.graphs),
    }


def _stored_links(store: Store, members: list[str]) -> bool:
    """True when the stored identity graph already links every member to the canonical IRI
    (``cuegraph resolve`` has run since the data changed)."""
    if len(members) < 2:
        return True
    try:
        values = " ".join(sparql_iri(m) for m in members[1:])
        rep = sparql_iri(members[0])
    except ValueError:  # not writable in SPARQL: cannot have been linked either
        return False
    rows = store.select(render("identity_linked", members=values, canonical=rep))
    return len(rows) == len(members) - 1


def _find(nodes: dict[str, Node], minter: Minter, ref: str, kind: str | None) -> str:
    ref = (ref or "").strip()
    if not ref:
        raise BadInput("empty entity: give an IRI, an id or a name")
    kinds = [kind] if kind else ["agent", "work", "song", "recording", "album"]
    mint = {
        "agent": minter.person,
        "work": minter.work,
        "song": minter.song,
        "recording": minter.recording,
        "album": minter.album,
    }
    for k in kinds:
        for candidate in (ref, str(mint[k](ref))):
            if candidate in nodes and nodes[candidate].kind == k:
                return candidate
    folded = fold(ref)
    hits = sorted(
        i for i, n in nodes.items() if n.kind in kinds and any(fold(x) == folded for x in n.names)
    )
    if not hits:
        hits = sorted(
            i
            for i, n in nodes.items()
            if n.kind in kinds
            and (name_keys(ref) if n.kind == "agent" else title_keys(ref)) & n.keys()
        )
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise BadInput(
            f"no person, group, work, song, recording or album matches {ref!r}", {"entity": ref}
        )
    listed = "; ".join(f"{nodes[h].label()} <{h}>" for h in hits[:5])
    raise BadInput(
        f"{ref!r} matches {len(hits)} nodes: {listed}; pass an IRI",
        {"entity": ref, "matches": hits},
    )
