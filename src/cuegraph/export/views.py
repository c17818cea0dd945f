"""RDF -> networkx views of the credit graph (the one place exports read RDF).

Four views, each built from RDF shaped like :mod:`cuegraph.graph.build`'s output (or any
CONSTRUCT result), given as an rdflib ``Graph`` or a :class:`cuegraph.export.triples.TripleIndex`
(anything with ``subject_objects(p)`` and iteration over triples):

* ``credits`` — a directed graph of people, works, songs, recordings, albums and cues. Each
  ``cg:Credit`` node is collapsed into one edge person -> credited thing labelled with its
  role(s); songs and albums point at their work, recordings at their song, cues at their song
  (labelled with the usage) and at their work (labelled with the episode; episodes themselves
  are collapsed).
* ``bipartite`` — undirected composer <-> work (credits on songs, recordings and albums count
  for their work); node attribute ``bipartite`` is 0 for people, 1 for works.
* ``collaboration`` — undirected person <-> person, linked when both hold music credits on the
  same work, weighted by the number of works shared.
* ``rdf`` — every subject and IRI object as a node and every IRI-to-IRI triple as an edge
  labelled with its predicate (for CONSTRUCT results that do not follow cuegraph's model).

Edge ``weight`` is a float in every view (GEXF stores weights as floats). Every node id and
attribute is a plain ``str``, ``int`` or ``float`` (never ``None``, a list or an rdflib term),
so every writer can serialise it. networkx is imported inside functions.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Literal

from cuegraph.errors import BadInput
from cuegraph.export.triples import Triples
from cuegraph.namespaces import CG, RDF, RDFS, SDO
from cuegraph.roles import ROLE_LABELS, role_name

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = [
    "VIEWS",
    "NODE_TYPES",
    "build_view",
    "credits_view",
    "bipartite_view",
    "collaboration_view",
    "rdf_view",
    "neighbourhood",
    "sample",
    "display_label",
    "COMPOSING_ROLES",
    "is_music_credit",
]

#: node type -> (colour, description); the order is the legend's
NODE_TYPES: dict[str, tuple[str, str]] = {
    "person": ("#e4572e", "person"),
    "group": ("#f3a712", "group"),
    "work": ("#29335c", "work"),
    "song": ("#4f9d69", "song"),
    "recording": ("#8cb369", "recording"),
    "album": ("#669bbc", "album"),
    "cue": ("#a8a8a8", "cue"),
    "other": ("#c9b7ad", "other"),
}

#: roles that make someone a composer in the bipartite view
COMPOSING_ROLES = frozenset({"score_composer", "composer", "arranger", "orchestrator"})

_TYPE_OF = {
    CG.Work: "work",
    CG.Song: "song",
    CG.Recording: "recording",
    CG.Album: "album",
    CG.Cue: "cue",
    CG.SilenceCue: "cue",
}
_USAGE = {
    CG.Opening: "opening",
    CG.Ending: "ending",
    CG.Insert: "insert",
    CG.Score: "score",
    CG.Silence: "silence",
}


def is_music_credit(role: str, role_text: str | None) -> bool:
    """Whether a credit counts for music collaboration: every role but a contributor whose
    role text says directing (a director sharing a work is not a music collaborator). The one
    rule for the collaboration view and the composer profile's collaborators.

    >>> is_music_credit("composer", None), is_music_credit("contributor", "Series Director")
    (True, False)
    """
    return not (role == "contributor" and role_text and "direct" in role_text.lower())


def display_label(name: str, native: str | None) -> str:
    """How people know a name: romanised plus native script when it differs.

    >>> display_label("Yuki Kajiura", "梶浦由記")
    'Yuki Kajiura (梶浦由記)'
    >>> display_label("Kalafina", None)
    'Kalafina'
    """
    if native and native.strip() and native.strip() != name.strip():
        return f"{name} ({native.strip()})"
    return name


def _local(term: str) -> str:
    """The last path segment or fragment of an IRI (a readable fallback label)."""
    tail = term.rstrip("/#")
    for sep in ("#", "/"):
        if sep in tail:
            tail = tail.rsplit(sep, 1)[1]
    return tail or term


def _node_id(term: Any) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:05.2f}"


class _Facts:
    """Indexes of the RDF a view needs, read once from the graph."""

    def __init__(self, rdf: Triples):
        self.types: dict[Any, set] = defaultdict(set)
        for s, o in rdf.subject_objects(RDF.type):
            self.types[s].add(o)
        self.name = {s: str(o) for s, o in rdf.subject_objects(SDO.name)}
        self.native = {s: str(o) for s, o in rdf.subject_objects(CG.nativeName)}
        self.native.update({s: str(o) for s, o in rdf.subject_objects(CG.nativeTitle)})
        self.kind = {s: str(o) for s, o in rdf.subject_objects(CG.kind)}
        self.work = {s: o for s, o in rdf.subject_objects(CG.work)}
        self.song = {s: o for s, o in rdf.subject_objects(CG.song)}
        self.song.update({s: o for s, o in rdf.subject_objects(SDO.recordingOf)})
        self.usage = {s: _USAGE.get(o, _local(str(o))) for s, o in rdf.subject_objects(CG.usage)}
        self.episode = {s: o for s, o in rdf.subject_objects(CG.episode)}
        self.number = {
            s: o.toPython()
            for s, o in rdf.subject_objects(SDO.episodeNumber)
            if isinstance(o, Literal)
        }
        self.start = {s: o.toPython() for s, o in rdf.subject_objects(SDO.startOffset)}
        self.end = {s: o.toPython() for s, o in rdf.subject_objects(SDO.endOffset)}
        agents = {s: o for s, o in rdf.subject_objects(CG.agent)}
        roles: dict[Any, list] = defaultdict(list)
        for s, o in rdf.subject_objects(CG.role):
            roles[s].append(o)
        role_text = {s: str(o) for s, o in rdf.subject_objects(CG.roleText)}
        targets: dict[Any, list] = defaultdict(list)
        for s, o in rdf.subject_objects(CG.credits):
            targets[s].append(o)
        #: (agent, target, role name, role label) for each collapsed credit node
        self.credits: list[tuple[Any, Any, str, str]] = []
        #: the credit nodes (agent, target, role name) that are not music (directing)
        self.not_music: set[tuple[Any, Any, str]] = set()
        for credit, agent in agents.items():
            for role in roles.get(credit, ()):
                name = role_name(str(role))
                label = ROLE_LABELS.get(name, name)
                if name == "contributor":
                    label = role_text.get(credit, label)
                for target in targets.get(credit, ()):
                    self.credits.append((agent, target, name, label))
                    if not is_music_credit(name, role_text.get(credit)):
                        self.not_music.add((agent, target, name))

    def node_type(self, node: Any) -> str | None:
        types = self.types.get(node, ())
        if CG.Agent in types:
            return "group" if self.kind.get(node) == "group" else "person"
        for cls, name in _TYPE_OF.items():
            if cls in types:
                return name
        return None

    def work_of(self, node: Any) -> Any:
        """The work a credited thing belongs to (itself for a work, or when unknown)."""
        seen = 0
        while node in self.work or node in self.song:
            if node in self.work:
                return self.work[node]
            node = self.song[node]
            seen += 1
            if seen > 3:
                break
        return node

    def attrs(self, node: Any, kind: str) -> dict[str, Any]:
        """The plain attributes of a node: id-free, ``None``-free."""
        name = self.name.get(node)
        native = self.native.get(node)
        out: dict[str, Any] = {"type": kind, "iri": _node_id(node)}
        if kind == "cue":
            out.update(self._cue_attrs(node, name))
            return out
        out["label"] = display_label(name, native) if name else _local(str(node))
        out["name"] = name or out["label"]
        if native:
            out["native"] = native
        return out

    def _cue_attrs(self, node: Any, name: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        song = self.song.get(node)
        title = name or (self.name.get(song) if song is not None else None) or "cue"
        usage = self.usage.get(node)
        parts = [usage] if usage else []
        episode = self.episode.get(node)
        number = self.number.get(episode) if episode is not None else None
        if isinstance(number, int):
            out["episode"] = number
            parts.append(f"ep. {number}")
        start, end = self.start.get(node), self.end.get(node)
        if start is not None and end is not None:
            out["start_seconds"] = float(start)
            out["end_seconds"] = float(end)
            parts.append(f"{_clock(float(start))}–{_clock(float(end))}")
        if usage:
            out["usage"] = usage
        out["name"] = title
        out["label"] = f"{title} — {', '.join(parts)}" if parts else title
        return out


def _ensure_node(g: nx.Graph, facts: _Facts, node: Any) -> str:
    nid = _node_id(node)
    if nid not in g:
        kind = facts.node_type(node) or "other"
        g.add_node(nid, **facts.attrs(node, kind))
    return nid


def _add_labelled_edge(g: nx.Graph, u: str, v: str, kind: str, role: str, label: str) -> None:
    """Add an edge or merge another role into it (roles ``;``-joined, labels comma-joined)."""
    if g.has_edge(u, v):
        data = g.edges[u, v]
        roles = data["roles"].split(";")
        if role not in roles:
            data["roles"] = ";".join(sorted([*roles, role]))
            data["label"] = ", ".join(sorted({*data["label"].split(", "), label}))
        data["weight"] += 1.0
    else:
        g.add_edge(u, v, kind=kind, roles=role, label=label, weight=1.0)


def credits_view(rdf: Triples) -> nx.DiGraph:
    """People, works, songs, recordings, albums and cues; credits as labelled edges."""
    import networkx as nx

    facts = _Facts(rdf)
    g = nx.DiGraph(view="credits")
    for node in list(facts.types):
        kind = facts.node_type(node)
        if kind is not None:
            g.add_node(_node_id(node), **facts.attrs(node, kind))
    for agent, target, role, label in facts.credits:
        u, v = _ensure_node(g, facts, agent), _ensure_node(g, facts, target)
        _add_labelled_edge(g, u, v, "credit", role, label)
    for part, work in facts.work.items():
        kind = facts.node_type(part)
        if kind in ("song", "album"):
            u, v = _ensure_node(g, facts, part), _ensure_node(g, facts, work)
            _add_labelled_edge(g, u, v, f"{kind}_of", f"{kind}_of", f"{kind} of")
    for node, song in facts.song.items():
        kind = facts.node_type(node)
        if kind == "recording":
            _add_labelled_edge(
                g,
                _ensure_node(g, facts, node),
                _ensure_node(g, facts, song),
                "recording_of",
                "recording_of",
                "recording of",
            )
        elif kind == "cue":
            usage = facts.usage.get(node, "plays")
            _add_labelled_edge(
                g,
                _ensure_node(g, facts, node),
                _ensure_node(g, facts, song),
                "cue_song",
                usage,
                usage,
            )
    for cue, episode in facts.episode.items():
        work = facts.work.get(episode)
        if work is None or facts.node_type(cue) != "cue":
            continue
        number = facts.number.get(episode)
        label = f"episode {number}" if number is not None else "episode"
        _add_labelled_edge(
            g,
            _ensure_node(g, facts, cue),
            _ensure_node(g, facts, work),
            "cue_work",
            "episode",
            label,
        )
    return g


def _credited_works(facts: _Facts, roles: frozenset | None) -> dict[tuple[Any, Any], list]:
    """(agent, work) -> role names, with credits on parts of a work counted for the work."""
    out: dict[tuple[Any, Any], list] = defaultdict(list)
    for agent, target, role, _label in facts.credits:
        if roles is None or role in roles:
            out[(agent, facts.work_of(target))].append(role)
    return out


def bipartite_view(rdf: Triples) -> nx.Graph:
    """Composers (score composer, composer, arranger, orchestrator) <-> works."""
    import networkx as nx

    facts = _Facts(rdf)
    g = nx.Graph(view="bipartite")
    for (agent, work), roles in _credited_works(facts, COMPOSING_ROLES).items():
        u, v = _ensure_node(g, facts, agent), _ensure_node(g, facts, work)
        g.nodes[u]["bipartite"] = 0
        g.nodes[v]["bipartite"] = 1
        names = sorted(set(roles))
        g.add_edge(
            u,
            v,
            kind="composed",
            roles=";".join(names),
            label=", ".join(ROLE_LABELS.get(r, r) for r in names),
            weight=float(len(roles)),
        )
    return g


def collaboration_view(rdf: Triples) -> nx.Graph:
    """People linked by music credits on the same work, weighted by works shared."""
    import networkx as nx

    facts = _Facts(rdf)
    by_work: dict[Any, set] = defaultdict(set)
    for agent, target, role, _label in facts.credits:
        if (agent, target, role) not in facts.not_music:
            by_work[facts.work_of(target)].add(agent)
    g = nx.Graph(view="collaboration")
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for work, agents in by_work.items():
        ids = sorted(_ensure_node(g, facts, a) for a in agents)
        title = facts.name.get(work) or _local(str(work))
        for i, u in enumerate(ids):
            for v in ids[i + 1 :]:
                shared[(u, v)].append(title)
    for (u, v), titles in shared.items():
        titles.sort()
        g.add_edge(
            u,
            v,
            kind="collaboration",
            weight=float(len(titles)),
            works="; ".join(titles),
            label=f"{len(titles)} shared work{'s' if len(titles) != 1 else ''}",
        )
    return g


def rdf_view(rdf: Triples) -> nx.DiGraph:
    """Every subject and IRI object as a node; IRI-to-IRI triples as predicate-labelled
    edges."""
    import networkx as nx

    facts = _Facts(rdf)
    g = nx.DiGraph(view="rdf")
    names = {s: str(o) for s, o in rdf.subject_objects(RDFS.label)}
    names.update(facts.name)
    for s, p, o in rdf:
        literal = p == RDF.type or isinstance(o, Literal)
        for node in (s,) if literal else (s, o):
            nid = _node_id(node)
            if nid not in g:
                name = names.get(node)
                label = display_label(name, facts.native.get(node)) if name else _local(nid)
                g.add_node(
                    nid,
                    type=facts.node_type(node) or "other",
                    iri=nid,
                    label=label,
                    name=name or label,
                )
        if literal:
            continue
        pred = _local(str(p))
        _add_labelled_edge(g, _node_id(s), _node_id(o), "triple", str(p), pred)
    return g


#: view name -> builder
VIEWS = {
    "credits": credits_view,
    "bipartite": bipartite_view,
    "collaboration": collaboration_view,
    "rdf": rdf_view,
}


def build_view(name: str, rdf: Triples) -> nx.Graph:
    """Build view ``name`` from ``rdf``.

    Raises:
        BadInput: unknown view.
    """
    try:
        builder = VIEWS[name]
    except KeyError:
        raise BadInput(
            f"unknown view {name!r}; choose from {', '.join(VIEWS)}", {"views": list(VIEWS)}
        ) from None
    return builder(rdf)


def _bfs_order(g: nx.Graph, seeds: Iterable[str], depth: int | None) -> dict[str, int]:
    """Distance of every node within ``depth`` of a seed, ignoring edge direction."""
    adj = g.to_undirected(as_view=True) if g.is_directed() else g
    dist: dict[str, int] = {}
    queue: deque[str] = deque()
    for s in seeds:
        if s in g and s not in dist:
            dist[s] = 0
            queue.append(s)
    while queue:
        node = queue.popleft()
        if depth is not None and dist[node] >= depth:
            continue
        for nb in adj[node]:
            if nb not in dist:
                dist[nb] = dist[node] + 1
                queue.append(nb)
    return dist


def neighbourhood(
    view: nx.Graph, seeds: list[str], depth: int, via: nx.Graph | None = None
) -> nx.Graph:
    """The part of ``view`` within ``depth`` steps of the seeds (edge direction ignored).

    A seed that is not a node of ``view`` (say a work in the collaboration view) is replaced by
    the nearest nodes of ``view`` in ``via`` (the credits view): e.g. the work's people.

    Raises:
        BadInput: no seed has a place in this view.
    """
    start = [s for s in seeds if s in view]
    missing = [s for s in seeds if s not in view]
    if missing and via is not None:
        for seed in missing:
            dist = _bfs_order(via, [seed], None)
            hits = [n for n in dist if n in view]
            if hits:
                nearest = min(dist[n] for n in hits)
                start += [n for n in hits if dist[n] == nearest]
    if not start:
        raise BadInput(f"{', '.join(seeds)} has no node in the {view.graph.get('view')} view")
    keep = _bfs_order(view, start, depth)
    sub = view.subgraph(keep).copy()
    sub.graph["seeds"] = ";".join(sorted(start))
    return sub


def sample(view: nx.Graph, max_nodes: int, seeds: Iterable[str] = ()) -> nx.Graph:
    """At most ``max_nodes`` nodes: nearest the seeds first, then the best connected.

    The graph is returned as is when small enough; otherwise a copy of the induced subgraph,
    with ``sampled_from`` (the original node count) in its graph attributes.
    """
    if len(view) <= max_nodes:
        return view
    order = list(_bfs_order(view, seeds, None))
    if len(order) < max_nodes:
        chosen = set(order)
        rest = sorted((n for n in view if n not in chosen), key=lambda n: (-view.degree(n), n))
        order += rest[: max_nodes - len(order)]
    sub = view.subgraph(order[:max_nodes]).copy()
    sub.graph["sampled_from"] = len(view)
    return sub
