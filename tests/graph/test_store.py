"""The embedded store: atomic graph replacement, persistence flags, formats."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from cuegraph.errors import BadInput, BadQuery, StoreError
from cuegraph.store import open_store


def _graph(n: int, value: str) -> Graph:
    g = Graph()
    for i in range(n):
        g.add((URIRef(f"urn:x:s{i}"), URIRef("urn:x:p"), Literal(value)))
    return g


def test_replace_graph_is_atomic_when_the_update_fails(tmp_path):
    store = open_store(f"oxigraph:{tmp_path / 's'}")
    store.replace_graph("urn:x:g", _graph(5, "old"))
    before = store.dump("nquads")
    with pytest.raises(BadQuery):
        store.replace_graph("urn:x:g", _graph(7, "new"), swap_extra="THIS IS NOT SPARQL")
    assert store.dump("nquads") == before
    store.replace_graph("urn:x:g", _graph(3, "new"))
    assert store.triple_count() == 3
    store.replace_graph("urn:x:g", Graph())
    assert store.graphs() == []
    store.close()


def test_read_only_store_refuses_writes(tmp_path):
    path = tmp_path / "s"
    rw = open_store(f"oxigraph:{path}")
    rw.replace_graph("urn:x:g", _graph(2, "v"))
    rw.close()
    ro = open_store(f"oxigraph:{path}", read_only=True)
    assert ro.triple_count() == 2
    with pytest.raises(StoreError, match="read-only"):
        ro.replace_graph("urn:x:g", _graph(1, "w"))
    ro.close()


def test_dump_formats_and_unknown_format(tmp_path):
    store = open_store("memory:")
    store.replace_graph("urn:x:g", _graph(2, "v"))
    assert b"<urn:x:g>" in store.dump("nquads")
    assert b"urn:x:g" not in store.dump("ntriples")
    assert store.dump("turtle").strip()
    with pytest.raises(BadInput, match="unknown format"):
        store.dump("bogus")


def test_run_summary_counts_changed_triples_not_just_the_net(minter):
    from cuegraph.graph.write import write_run
    from cuegraph.records import Person

    store = open_store("memory:")
    first = write_run(
        store, minter, "test", "k", [Person("a", "Alpha", source="https://e.org/1")], license="cc0"
    )
    assert first.removed == 0 and first.added == first.triples
    # same number of triples, one name changed: +1/-1 (a net count would say +0/-0)
    second = write_run(
        store, minter, "test", "k", [Person("a", "Alfa", source="https://e.org/1")], license="cc0"
    )
    assert second.triples == first.triples
    assert (second.added, second.removed) == (2, 2)  # schema:name and rdfs:label
    third = write_run(
        store, minter, "test", "k", [Person("a", "Alfa", source="https://e.org/1")], license="cc0"
    )
    assert (third.added, third.removed) == (0, 0)
