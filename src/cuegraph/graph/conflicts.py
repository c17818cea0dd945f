"""Where sources disagree: every (credited thing, role) whose sources give different people.

Credits are compared per source (the ``cg:sourceName`` of the named graph they are stated
in: ``wikidata``, ``musicbrainz``, ``anilist``, ``vgmdb``, ``animethemes``, ``cuesheet``,
``table``), with people and credited things taken through identity resolution
(:mod:`cuegraph.graph.identity`, computed now), so "Yuki Kajiura" on MusicBrainz and
"Kajiura Yuki" on AniList count as one person once the rules join them. Only sources that
credit the role on the thing take part: a source that says nothing does not disagree.

For one (thing, role) the sources' sets of people are

* **agreement** — all equal: not listed;
* **incomplete** — all nested (one says A, another A and B): a source lists fewer people;
* **disagreement** — no overlap: no person is named by two sources that give different
  sets (one says A, another B);
* **partial** — otherwise: the sets overlap without nesting (A and B against B and C; or
  A, A and B, and C from three sources): the sources share someone and differ on others.

All three kinds are listed with each side's people, the named graphs and the source URLs
(``prov:wasDerivedFrom``) behind them. Nothing is merged or deleted: this is a report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from cuegraph.graph.identity import Node, cluster, read_nodes
from cuegraph.queries import load_query
from cuegraph.roles import ROLE_LABELS, role_name
from cuegraph.store import Store

__all__ = ["STATUSES", "Side", "Conflict", "find_conflicts", "classify"]


@dataclass
class Side:
    """What one source says about one (thing, role)."""

    source: str
    people: list[dict] = field(default_factory=list)  # {"iri", "name"}
    graphs: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "source": self.source,
            "people": self.people,
            "graphs": self.graphs,
            "urls": self.urls,
        }


@dataclass
class Conflict:
    """One (thing, role) the sources do not agree on."""

    status: str  # disagreement | partial | incomplete
    target: str
    target_name: str
    target_kind: str
    role: str
    sides: list[Side]

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "target": self.target,
            "target_name": self.target_name,
            "target_kind": self.target_kind,
            "role": self.role,
            "role_label": ROLE_LABELS.get(self.role, self.role),
            "sides": [s.as_dict() for s in self.sides],
        }

    def lines(self) -> list[str]:
        """Plain text: one heading line, then one line per source."""
        out = [
            f"{self.status}: {self.target_name} ({self.target_kind}) · "
            f"{ROLE_LABELS.get(self.role, self.role)} <{self.target}>"
        ]
        for s in self.sides:
            people = ", ".join(p["name"] for p in s.people)
            out.append(f"  {s.source}: {people}  [{' '.join(s.urls or s.graphs)}]")
        return out


#: the labels a listed (thing, role) can get, in the order the docs explain them
STATUSES = ("disagreement", "partial", "incomplete")


def classify(sets: list[frozenset[str]]) -> str:
    """``agreement``, ``incomplete``, ``disagreement`` or ``partial`` for the sources' sets
    of people (see the module docstring).

    >>> classify([frozenset("A"), frozenset("A")])
    'agreement'
    >>> classify([frozenset("A"), frozenset("AB")])
    'incomplete'
    >>> classify([frozenset("A"), frozenset("B")])
    'disagreement'
    >>> classify([frozenset("AB"), frozenset("BC")])
    'partial'
    >>> classify([frozenset("A"), frozenset("AB"), frozenset("C")])
    'partial'
    """
    distinct = sorted(set(sets), key=lambda s: (len(s), sorted(s)))
    if len(distinct) <= 1:
        return "agreement"
    if all(a <= b for a, b in zip(distinct, distinct[1:], strict=False)):
        return "incomplete"
    if all(a.isdisjoint(b) for i, a in enumerate(distinct) for b in distinct[i + 1 :]):
        return "disagreement"
    return "partial"


def find_conflicts(store: Store, status: str | None = None) -> list[Conflict]:
    """Every (credited thing, role) where sources disagree, overlap only in part or one is
    incomplete, sorted by the thing's name, then role; ``status`` keeps only one kind."""
    ident = cluster(read_nodes(store))
    canon = ident.canonical()
    # (target, role) -> source -> agent -> (graphs, urls)
    said: dict[tuple[str, str], dict[str, dict[str, tuple[set, set]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for r in store.select(load_query("conflict_credits")):
        target = canon.get(r["target"], r["target"])
        agent = canon.get(r["agent"], r["agent"])
        role = role_name(r["role"])
        source = str(r.get("sourceName") or _source_of(r["graph"]))
        graphs, urls = said[(target, role)][source].setdefault(agent, (set(), set()))
        graphs.add(r["graph"])
        if r.get("url"):
            urls.add(str(r["url"]))
    out = []
    for (target, role), by_source in said.items():
        if len(by_source) < 2:
            continue
        kind = classify([frozenset(agents) for agents in by_source.values()])
        if kind == "agreement" or (status and kind != status):
            continue
        sides = []
        for source in sorted(by_source):
            agents = by_source[source]
            sides.append(
                Side(
                    source=source,
                    people=sorted(
                        ({"iri": a, "name": _label(ident.nodes, a, canon)} for a in agents),
                        key=lambda p: (p["name"], p["iri"]),
                    ),
                    graphs=sorted({g for gs, _ in agents.values() for g in gs}),
                    urls=sorted({u for _, us in agents.values() for u in us}),
                )
            )
        node = ident.nodes.get(target)
        out.append(
            Conflict(
                kind,
                target,
                _label(ident.nodes, target, canon),
                node.kind if node else "thing",
                role,
                sides,
            )
        )
    return sorted(out, key=lambda c: (c.target_name.casefold(), c.target, c.role))


def _label(nodes: dict[str, Node], iri: str, canon: dict[str, str]) -> str:
    """A display name for a (canonical) node: its own name, else a member's."""
    node = nodes.get(iri)
    if node is not None and node.names:
        return _display(node)
    for member, rep in sorted(canon.items()):
        if rep == iri and member in nodes and nodes[member].names:
            return _display(nodes[member])
    return iri


def _display(node: Node) -> str:
    """Prefer a Latin-script name, then the shortest."""
    return min(node.names, key=lambda n: (not n.isascii(), len(n), n))


def _source_of(graph: str) -> str:
    """``…/graph/<source>/<key>`` -> ``<source>`` (for graphs without provenance)."""
    parts = graph.split("/graph/", 1)
    return parts[1].split("/", 1)[0] if len(parts) == 2 else graph
