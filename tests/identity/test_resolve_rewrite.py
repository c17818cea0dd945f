"""Re-running ``cuegraph resolve``: the same links leave the identity graph as it is (its
digest is kept in the provenance graph); changed or tampered ones are rewritten."""

from __future__ import annotations

from cuegraph.graph.identity import resolve
from cuegraph.graph.write import write_run
from cuegraph.records import Credit, Person, Work
from cuegraph.store import open_store

BASE = "https://cuegraph.org/id/"
P, W = BASE + "person/", BASE + "work/"
GRAPH, PROV = BASE + "graph/identity/resolved", BASE + "graph/provenance"
SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"


def _digest(store) -> list:
    return store.select(f"""SELECT ?d WHERE {{ GRAPH <{PROV}> {{
        <{GRAPH}> <https://cuegraph.org/ns#linksDigest> ?d }} }}""")


def _links(store) -> int:
    return len(store.select(f"SELECT * WHERE {{ GRAPH <{GRAPH}> {{ ?a <{SAME_AS}> ?b }} }}"))


def test_an_unchanged_resolution_keeps_the_graph_and_a_changed_one_rewrites_it(minter):
    store = open_store("memory:")
    for source, name in (("a", "Shirō Sagisu"), ("b", "Sagisu Shirou")):
        write_run(
            store,
            minter,
            source,
            "k",
            [
                Work(key="eva", title="Evangelion"),
                Person(key=f"{source}/s", name=name),
                Credit(
                    agent=f"{source}/s",
                    role="score_composer",
                    target_kind="work",
                    target="eva",
                    source="https://example.org/" + source,
                ),
            ],
            license="cc0",
        )
    first = resolve(store, minter)
    assert (first.previous_triples, first.triples) == (0, 2)
    digest = _digest(store)
    assert len(digest) == 1 and len(digest[0]["d"]) == 64
    # a link removed behind cuegraph's back: the count differs, so the graph is rewritten
    store.update(f"DELETE DATA {{ GRAPH <{GRAPH}> {{ <{P}a/s> <{SAME_AS}> <{P}b/s> }} }}")
    again = resolve(store, minter)
    assert (again.previous_triples, again.triples) == (1, 2) and _links(store) == 2
    # nothing changed since: the same digest and graph; provenance stays one entry
    once_more = resolve(store, minter)
    assert (once_more.previous_triples, once_more.triples) == (2, 2) and _links(store) == 2
    assert _digest(store) == digest
    # new links: a third record joins, the graph and its digest change
    write_run(
        store,
        minter,
        "c",
        "k",
        [
            Work(key="eva", title="Evangelion"),
            Person(key="c/s", name="SAGISU Shiro"),
            Credit(
                agent="c/s",
                role="score_composer",
                target_kind="work",
                target="eva",
                source="https://example.org/c",
            ),
        ],
        license="cc0",
    )
    changed = resolve(store, minter)
    assert (changed.previous_triples, changed.triples) == (2, 4) and _links(store) == 4
    assert _digest(store) != digest and len(_digest(store)) == 1
