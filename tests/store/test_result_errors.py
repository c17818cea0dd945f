"""pyoxigraph errors raised while results are read (evaluation is lazy) or while a dump names
its graphs come out as cuegraph's own errors, as those raised when a query starts do."""

from __future__ import annotations

import pytest

from cuegraph.errors import BadInput, StoreError
from cuegraph.store import OxigraphStore

#: port 9 (discard): pyoxigraph refuses to call it, an OSError while the first row is read
_SERVICE = "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }"


@pytest.fixture
def store():
    s = OxigraphStore(None)
    yield s
    s.close()


@pytest.mark.parametrize(
    "read",
    [
        lambda s: s.select(f"SELECT * {{ {_SERVICE} }}"),
        lambda s: s.ask(f"ASK {{ {_SERVICE} }}"),
        lambda s: s.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {_SERVICE} }}"),
        lambda s: s.query_serialized(f"SELECT * {{ {_SERVICE} }}"),
        lambda s: s.query_serialized(f"SELECT * {{ {_SERVICE} }}", max_rows=5),
        lambda s: s.query_serialized(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {_SERVICE} }}"),
    ],
    ids=["select", "ask", "construct", "serialized", "serialized-limited", "serialized-graph"],
)
def test_a_failure_while_reading_results_is_a_store_error(store, read):
    with pytest.raises(StoreError, match="store read failed"):
        read(store)


@pytest.mark.parametrize("fmt", ["nquads", "turtle"])
def test_dump_of_a_graph_name_that_is_no_iri_is_bad_input(store, fmt):
    with pytest.raises(BadInput, match="not a graph IRI: 'not an iri'"):
        store.dump(fmt, graphs=["not an iri"])


def test_dump_of_good_graph_names_still_works(store):
    store.update("INSERT DATA { GRAPH <urn:g> { <urn:s> <urn:p> <urn:o> } }")
    assert store.dump("nquads", graphs=["urn:g"]) == b"<urn:s> <urn:p> <urn:o> <urn:g> .\n"
