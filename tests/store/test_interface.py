"""What every backend answers through the :class:`~cuegraph.store.Store` interface instead of
callers checking its type."""

from __future__ import annotations

import tempfile
from pathlib import Path

from cuegraph.ingest.spool import spool_dir
from cuegraph.store import OxigraphStore, RemoteStore, open_store


def test_scratch_dir_is_beside_an_embedded_store_on_disk(tmp_path):
    with OxigraphStore(str(tmp_path / "store")) as store:
        assert store.scratch_dir() == tmp_path.resolve()
        assert spool_dir(store) == tmp_path.resolve()


def test_scratch_dir_elsewhere_is_the_system_temporary_directory():
    remote = RemoteStore("http://127.0.0.1:9/query")  # nothing is sent: no request is made
    for store in (OxigraphStore(None), remote):
        assert store.scratch_dir() is None
        assert spool_dir(store) == Path(tempfile.gettempdir())


def test_graph_size_counts_one_graph(tmp_path):
    """``Store.graph_size``: the triples of one named graph, whatever the others hold; 0 for
    a graph that holds nothing."""
    for url in ("memory:", f"oxigraph:{tmp_path / 'store'}"):
        with open_store(url) as store:
            store.update(
                "INSERT DATA { GRAPH <urn:g:a> { <urn:s> <urn:p> 1, 2, 3 } "
                "GRAPH <urn:g:b> { <urn:s> <urn:p> 1 } }"
            )
            assert store.graph_size("urn:g:a") == 3
            assert store.graph_size("urn:g:b") == 1
            assert store.graph_size("urn:g:none") == 0
