"""A read-write open publishes a snapshot only when the newest one is not already the
store's present state — decided from the store's files, so a write by any process (one
killed before it published, a plain pyoxigraph writer) is never hidden from readers."""

from __future__ import annotations

import pyoxigraph as ox

from cuegraph.engine.snapshots import Snapshots
from cuegraph.store import open_store


def _insert(store, value: str) -> None:
    store.update(f'INSERT DATA {{ GRAPH <urn:x:g> {{ <urn:x:a> <urn:x:p> "{value}" }} }}')


def _values_seen_beside(path, writer) -> set[str]:
    """What a reader opened beside the open ``writer`` sees (the newest snapshot)."""
    reader = open_store(f"oxigraph:{path}", read_only=True)
    try:
        assert reader.generation == writer.generation
        rows = reader.select("SELECT ?v WHERE { GRAPH <urn:x:g> { ?s ?p ?v } }")
        return {str(r["v"]) for r in rows}
    finally:
        reader.close()


def test_reopening_an_unchanged_store_reuses_the_newest_snapshot(tmp_path):
    path = tmp_path / "s"
    store = open_store(f"oxigraph:{path}")
    _insert(store, "one")
    store.close()  # publishes the state it leaves
    published = Snapshots(path).generations()
    for _ in range(3):
        store = open_store(f"oxigraph:{path}")
        assert Snapshots(path).generations() == published  # no checkpoint made
        assert store.generation == published[-1]
        assert _values_seen_beside(path, store) == {"one"}
        store.close()
    assert Snapshots(path).generations() == published


def test_a_write_that_published_nothing_gets_a_snapshot_at_the_next_open(tmp_path):
    path = tmp_path / "s"
    store = open_store(f"oxigraph:{path}")
    _insert(store, "one")
    store.close()
    before = Snapshots(path).newest()
    raw = ox.Store(str(path))  # a writer that publishes nothing (like one killed before it did)
    raw.update('INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:p> "two" } }')
    del raw
    store = open_store(f"oxigraph:{path}")
    assert store.generation != before
    assert _values_seen_beside(path, store) == {"one", "two"}
    store.close()


def test_a_write_flushed_to_tables_without_a_snapshot_is_noticed_too(tmp_path):
    path = tmp_path / "s"
    store = open_store(f"oxigraph:{path}")
    _insert(store, "one")
    store.close()
    before = Snapshots(path).newest()
    raw = ox.Store(str(path))
    raw.update('DELETE DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:p> "one" } }')
    raw.flush()  # in a table file now, the write-ahead log emptied
    del raw
    store = open_store(f"oxigraph:{path}")
    assert store.generation != before
    assert _values_seen_beside(path, store) == set()
    store.close()
