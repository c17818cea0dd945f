"""Identity resolution: the same person or work seen by several sources.

Harvesters mint their own nodes (``person/wikidata/Q…``, ``person/musicbrainz/<mbid>``,
``work/anilist/…``) and keep the other sources' ids as data (``cg:wikidata``,
``cg:musicbrainz``, ``cg:anilist``, ``cg:anidb``, ``cg:mal``, ``cg:vgmdb``). Two nodes of the
same kind (agent, work, song, recording, album) that share one (scheme, value) pair — say a
Wikidata item whose P434 is the MBID MusicBrainz gave — are the same thing, and so,
transitively, is everything linked to them. Each such cluster gets ``owl:sameAs`` links from
every member to a representative (the shortest IRI, then the smallest) and back, written to
the named graph ``{base}graph/identity/resolved`` (licence CC0: facts derived from CC0 and
our own ids), replaced atomically on every run, with PROV-O metadata like any other run.
No names are compared: only shared ids link nodes.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rdflib import Graph, Literal, URIRef

from cuegraph.graph.iris import Minter
from cuegraph.graph.write import write_graph
from cuegraph.namespaces import OWL, XSD, bind_prefixes
from cuegraph.queries import load_query
from cuegraph.store import Store

__all__ = ["SOURCE", "KEY", "Resolution", "find_clusters", "resolve"]

SOURCE = "identity"
KEY = "resolved"
LICENSE = "cc0"


@dataclass
class Resolution:
    """What a resolution run found and wrote."""

    graph: str
    clusters: list[list[str]] = field(default_factory=list)
    triples: int = 0
    previous_triples: int = 0
    seconds: float = 0.0
    graphs_read: list[str] = field(default_factory=list)

    @property
    def links(self) -> int:
        return self.triples


def find_clusters(store: Store) -> tuple[list[list[str]], list[str]]:
    """Clusters (sorted IRIs, representative first) of nodes sharing an external id, and the
    named graphs the ids came from."""
    rows = store.select(load_query("identity_ids"))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_id: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    graphs: set[str] = set()
    for r in rows:
        by_id[(str(r["kind"]), str(r["scheme"]), str(r["value"]).strip())].add(str(r["node"]))
    for (_kind, _scheme, _value), nodes in by_id.items():
        ordered = sorted(nodes)
        for other in ordered[1:]:
            a, b = find(ordered[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, set[str]] = defaultdict(set)
    for node in parent:
        members[find(node)].add(node)
    clusters = []
    for group in members.values():
        if len(group) > 1:
            clusters.append(sorted(group, key=lambda s: (len(s), s)))
    linked = {n for c in clusters for n in c}
    for r in rows:
        if str(r["node"]) in linked:
            graphs.add(str(r["graph"]))
    return sorted(clusters), sorted(graphs)


def resolve(store: Store, minter: Minter) -> Resolution:
    """Find clusters and replace the identity graph with their ``owl:sameAs`` links."""
    t0 = time.monotonic()
    started = _now()
    clusters, graphs_read = find_clusters(store)
    data = Graph()
    bind_prefixes(data)
    for cluster in clusters:
        rep = URIRef(cluster[0])
        for other in cluster[1:]:
            data.add((rep, OWL.sameAs, URIRef(other)))
            data.add((URIRef(other), OWL.sameAs, rep))
    run = write_graph(store, minter, SOURCE, KEY, data, license=LICENSE, used=graphs_read,
                      label="identity: owl:sameAs links from shared external ids",
                      record_count=len(clusters), started=started, t0=t0)
    return Resolution(graph=run.graph, clusters=clusters, triples=run.triples,
                      previous_triples=run.previous_triples, seconds=run.seconds,
                      graphs_read=graphs_read)


def _now() -> Literal:
    return Literal(datetime.now(UTC).isoformat(timespec="seconds"), datatype=XSD.dateTime)
