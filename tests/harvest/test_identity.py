"""Identity resolution: owl:sameAs between sources' nodes that share an external id."""

from __future__ import annotations

import pytest
from harvest_support import (
    KAJIURA_MBID,
    FakeTime,
    harvest_settings,
    mb_handler,
    serve,
    wdqs_handler,
)

from cuegraph.graph.identity import resolve
from cuegraph.graph.write import write_run
from cuegraph.ingest.harvests import run_harvest
from cuegraph.namespaces import sparql_prefixes
from cuegraph.records import Person, Work
from cuegraph.store import open_store

B = "https://cuegraph.org/id/"
MBP = "0000c0de-0000-4000-8000-0000000"


pytestmark = pytest.mark.usefixtures("point_sources")


@pytest.fixture
def server(server):
    serve(server, wikidata=wdqs_handler(), musicbrainz=mb_handler())
    return server


def _same_as(store) -> set[tuple[str, str]]:
    rows = store.select(
        sparql_prefixes()
        + f"""SELECT ?a ?b WHERE {{
        GRAPH <{B}graph/identity/resolved> {{ ?a owl:sameAs ?b }} }}"""
    )
    return {(r["a"], r["b"]) for r in rows}


def test_wikidata_and_musicbrainz_nodes_are_linked(server, minter):
    store = open_store("memory:")
    for source, option in (("wikidata", "composer"), ("musicbrainz", "artist")):
        run_harvest(
            store,
            minter,
            source,
            option,
            "Yuki Kajiura",
            settings=harvest_settings(),
            limiter=FakeTime().limiter(),
        )
    res = resolve(store, minter)
    wd_k, mb_k = f"{B}person/wikidata/Q900001", f"{B}person/musicbrainz/{KAJIURA_MBID}"
    wd_kala, mb_kala = f"{B}person/wikidata/Q900002", f"{B}person/musicbrainz/{MBP}0a002"
    wd_alb, mb_alb = f"{B}album/wikidata/Q900105", f"{B}album/musicbrainz/{MBP}f0001"
    links = _same_as(store)
    for a, b in ((wd_k, mb_k), (wd_kala, mb_kala), (wd_alb, mb_alb)):
        assert (a, b) in links and (b, a) in links
    assert len(res.clusters) == 3 and len(links) == 6 == res.triples
    # songs share titles but no ids and no shared context: not linked
    assert not any("/song/" in a for a, _ in links)
    assert res.graphs_read == sorted(
        [f"{B}graph/musicbrainz/artist-{KAJIURA_MBID}", f"{B}graph/wikidata/person-Q900001"]
    )
    assert store.ask(
        sparql_prefixes()
        + f"""ASK {{ <{res.graph}> a cg:SourceGraph ;
        dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/> ;
        prov:wasGeneratedBy/prov:used <{B}graph/wikidata/person-Q900001> }}"""
    )
    # a second resolution writes the same graph
    before = store.dump("nquads", graphs=[res.graph])
    again = resolve(store, minter)
    assert again.previous_triples == again.triples == 6
    assert store.dump("nquads", graphs=[res.graph]) == before


def test_same_value_in_different_kinds_or_schemes_is_not_a_link(minter):
    store = open_store("memory:")
    write_run(
        store,
        minter,
        "a",
        "one",
        [
            Person(key="a/p", name="P", ids=(("anilist", "5"),)),
            Work(key="a/w", title="W", ids=(("anidb", "7"),)),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "b",
        "two",
        [
            Work(key="b/w", title="W2", ids=(("anilist", "5"),)),  # an anime id, not a staff id
            Person(key="b/p", name="P2", ids=(("mal", "7"),)),
            Person(key="b/q", name="Q", ids=(("mal", "7"), ("vgmdb", "9"))),
            Person(key="c/r", name="R", ids=(("vgmdb", "9"),)),
        ],
        license="cc0",
    )
    res = resolve(store, minter)
    # only b/p ~ b/q (mal 7) ~ c/r (vgmdb 9, transitively) are one
    assert res.clusters == [[f"{B}person/b/p", f"{B}person/b/q", f"{B}person/c/r"]]
    assert len(_same_as(store)) == 4
