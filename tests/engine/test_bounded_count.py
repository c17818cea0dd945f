"""The constant-memory distinct-triple count agrees with the set-based one.

``/health`` and ``/stats`` fall back to ``store_triples_bounded.rq`` when
``store_triples.rq`` (a DISTINCT over every triple) needs more than the query memory cap;
both must give the number of distinct triples, a triple kept in several graphs once.
"""

from __future__ import annotations

import random

import pyoxigraph as ox

from cuegraph.queries import load_query

EX = "http://example.org/"


def _count(store: ox.Store, name: str) -> int:
    rows = list(store.query(load_query(name)))
    return int(rows[0]["n"].value)


def test_bounded_count_equals_the_distinct_count_with_triples_in_several_graphs():
    rng = random.Random(7)
    store = ox.Store()
    triples = {(rng.randrange(40), rng.randrange(5), rng.randrange(60)) for _ in range(900)}
    graphs = [ox.NamedNode(f"{EX}graph/{g}") for g in ("a", "b", "c", "zz")]
    for s, p, o in triples:
        # each triple in one to four graphs, in any order of graph names
        for g in rng.sample(graphs, rng.randint(1, 4)):
            store.add(
                ox.Quad(
                    ox.NamedNode(f"{EX}s{s}"),
                    ox.NamedNode(f"{EX}p{p}"),
                    ox.Literal(str(o)) if o % 2 else ox.NamedNode(f"{EX}o{o}"),
                    g,
                )
            )
    assert len(store) > len(triples)  # duplicates across graphs exist
    assert _count(store, "store_triples_bounded") == len(triples)
    assert _count(store, "store_triples") == len(triples)


def test_bounded_count_of_an_empty_store_is_zero():
    assert _count(ox.Store(), "store_triples_bounded") == 0
