"""Clustering is a pure function of the nodes: the order they were read in does not matter,
and the nodes themselves are left as they were (``graph/identity.cluster`` works on node
positions in IRI order and copies a cluster's ids before merging them)."""

from __future__ import annotations

import copy
import random

from cuegraph.graph.identity import Identity, Node, cluster

P = "https://cuegraph.org/id/person/"
W = "https://cuegraph.org/id/work/"


def _nodes() -> list[Node]:
    """Two people seen by three sources each, a homonym with another Wikidata id, a group
    of the same name and the works that give the names their context."""
    return [
        Node(W + "wikidata/Q1", "work", {"Alpha"}, {"wikidata": {"Q1"}, "anilist": {"1"}}),
        Node(W + "anilist/1", "work", {"ALPHA"}, {"anilist": {"1"}}),
        Node(
            P + "wikidata/Q10",
            "agent",
            {"Yuki Kajiura"},
            {"wikidata": {"Q10"}, "musicbrainz": {"m10"}},
            agent_kind="person",
            context={W + "wikidata/Q1"},
        ),
        Node(
            P + "musicbrainz/m10",
            "agent",
            {"Yuki Kajiura"},
            {"musicbrainz": {"m10"}},
            agent_kind="person",
        ),
        Node(
            P + "anilist/10",
            "agent",
            {"Kajiura Yuki", "梶浦由記"},
            {"anilist": {"10"}},
            agent_kind="person",
            context={W + "anilist/1"},
        ),
        Node(
            P + "cue-10",
            "agent",
            {"KAJIURA, Yuki"},
            agent_kind="person",
            context={W + "anilist/1"},
        ),
        Node(
            P + "wikidata/Q11",
            "agent",
            {"Yuki Kajiura"},
            {"wikidata": {"Q11"}},
            agent_kind="person",
            context={W + "wikidata/Q1"},
        ),
        Node(
            P + "group-kajiura",
            "agent",
            {"Yuki Kajiura"},
            agent_kind="group",
            context={W + "anilist/1"},
        ),
    ]


def _facts(ident: Identity) -> tuple:
    return (
        ident.clusters,
        [lk.as_dict() for lk in ident.links],
        [r.as_dict() for r in ident.refusals],
    )


def test_the_order_nodes_are_read_in_changes_nothing():
    expected = _facts(cluster({n.iri: n for n in _nodes()}))
    # the people's cluster holds every source's record but the homonym and the group
    assert [P + "cue-10", P + "anilist/10", P + "musicbrainz/m10", P + "wikidata/Q10"] in (
        expected[0]
    )
    reasons = {r["reason"] for r in expected[2]}
    assert "different wikidata ids (Q10 / Q11)" in reasons
    assert "a group is never merged with a person" in reasons
    rng = random.Random(7)
    for _ in range(20):
        shuffled = _nodes()
        rng.shuffle(shuffled)
        assert _facts(cluster({n.iri: n for n in shuffled})) == expected


def test_clustering_leaves_the_nodes_unchanged():
    nodes = {n.iri: n for n in _nodes()}
    before = copy.deepcopy({iri: (n.ids, n.names, n.context) for iri, n in nodes.items()})
    ident = cluster(nodes)
    assert len(ident.links) >= 4  # ids were merged into one cluster's
    assert {iri: (n.ids, n.names, n.context) for iri, n in nodes.items()} == before
