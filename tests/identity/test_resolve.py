"""Identity resolution rules on real-world name pairs (cuegraph.graph.identity)."""

from __future__ import annotations

import pytest

from cuegraph.errors import BadInput
from cuegraph.graph.identity import explain, resolve
from cuegraph.graph.write import write_run
from cuegraph.namespaces import sparql_prefixes
from cuegraph.records import Album, Credit, Person, Recording, Song, Work
from cuegraph.store import open_store
from support import BASE

P, W = BASE + "person/", BASE + "work/"


def _same_as(store) -> set[tuple[str, str]]:
    rows = store.select(
        sparql_prefixes()
        + f"""SELECT ?a ?b WHERE {{
        GRAPH <{BASE}graph/identity/resolved> {{ ?a owl:sameAs ?b }} }}"""
    )
    return {(r["a"], r["b"]) for r in rows}


def _cluster_of(res, iri: str) -> list[str]:
    return next((c for c in res.clusters if iri in c), [iri])


def _credit(agent: str, target: str, kind: str = "work", role: str = "score_composer"):
    return Credit(
        agent=agent,
        role=role,
        target_kind=kind,
        target=target,
        source="https://example.org/" + agent,
    )


def test_family_given_order_across_sources_on_one_work(store, minter):
    # the work is the same by its AniList id; the people only by name in that context
    write_run(
        store,
        minter,
        "wikidata",
        "one",
        [
            Work(
                key="wikidata/Q1",
                title="Puella Magi Madoka Magica",
                year=2011,
                ids=(("wikidata", "Q1"), ("anilist", "9756")),
            ),
            Person(key="wikidata/Q900001", name="Yuki Kajiura", ids=(("wikidata", "Q900001"),)),
            _credit("wikidata/Q900001", "wikidata/Q1"),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "anilist",
        "one",
        [
            Work(
                key="anilist/9756", title="Mahou Shoujo Madoka★Magica", ids=(("anilist", "9756"),)
            ),
            Person(key="anilist/101", name="Kajiura Yuki", ids=(("anilist", "101"),)),
            _credit("anilist/101", "anilist/9756"),
        ],
        license="cc0",
    )
    res = resolve(store, minter)
    assert res.clusters == [
        [P + "anilist/101", P + "wikidata/Q900001"],
        [W + "wikidata/Q1", W + "anilist/9756"],
    ]  # shortest first
    names = [lk for lk in res.links if lk.rule == "name"]
    assert len(names) == 1
    assert names[0].names == ("Kajiura Yuki", "Yuki Kajiura")
    assert "kajiura yuki" in names[0].keys
    assert names[0].context in (W + "anilist/9756", W + "wikidata/Q1")
    assert (P + "anilist/101", P + "wikidata/Q900001") in _same_as(store)


def test_macron_variants_merge_on_a_shared_work(store, minter):
    for source, name in (("a", "Shirō Sagisu"), ("b", "Shirou Sagisu"), ("c", "Sagisu Shiro")):
        write_run(
            store,
            minter,
            source,
            "k",
            [
                Work(key="evangelion", title="Neon Genesis Evangelion", year=1995),
                Person(key=f"{source}/sagisu", name=name),
                _credit(f"{source}/sagisu", "evangelion"),
            ],
            license="cc0",
        )
    res = resolve(store, minter)
    assert res.clusters == [[P + "a/sagisu", P + "b/sagisu", P + "c/sagisu"]]


def test_a_name_match_without_shared_context_does_not_merge(store, minter):
    write_run(
        store,
        minter,
        "a",
        "k",
        [Work(key="w1", title="One"), Person(key="a/x", name="Shirō Sagisu"), _credit("a/x", "w1")],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "b",
        "k",
        [Work(key="w2", title="Two"), Person(key="b/x", name="Shiro Sagisu"), _credit("b/x", "w2")],
        license="cc0",
    )
    assert resolve(store, minter).clusters == []


def test_native_script_meets_its_romanisation_through_a_record_giving_both(store, minter):
    # VGMdb-like: the album's tracks, one source naming the composer only in Japanese
    write_run(
        store,
        minter,
        "vgmdb",
        "album-1",
        [
            Album(key="vgmdb/1", title="Fate/Zero Original Soundtrack", tracks=("vgmdb/1-1",)),
            Recording(key="vgmdb/1-1", title="Point Zero"),
            Person(key="vgmdb/ja-kajiura", name="梶浦由記"),
            _credit("vgmdb/ja-kajiura", "vgmdb/1-1", "recording", "composer"),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "musicbrainz",
        "x",
        [
            Album(key="vgmdb/1", title="Fate/Zero Original Soundtrack"),
            Person(
                key="musicbrainz/k",
                name="Yuki Kajiura",
                native_name="梶浦 由記",
                ids=(("musicbrainz", "dfeaf7c1"),),
            ),
            _credit("musicbrainz/k", "vgmdb/1", "album", "composer"),
        ],
        license="cc0",
    )
    res = resolve(store, minter)
    assert res.clusters == [[P + "musicbrainz/k", P + "vgmdb/ja-kajiura"]]
    link = res.links[0]
    assert link.names == ("梶浦 由記", "梶浦由記") and link.context == BASE + "album/vgmdb/1"


def test_work_with_english_romaji_and_japanese_titles(store, minter):
    write_run(
        store,
        minter,
        "wikidata",
        "w",
        [
            Work(
                key="wikidata/Q1",
                title="Anohana: The Flower We Saw That Day",
                year=2011,
                native_title="あの日見た花の名前を僕達はまだ知らない。",
                ids=(("wikidata", "Q1"),),
            )
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "anilist",
        "w",
        [
            Work(
                key="anilist/9989",
                title="Ano Hi Mita Hana no Namae wo Bokutachi wa Mada Shiranai.",
                native_title="あの日見た花の名前を僕達はまだ知らない",
                year=2011,
                ids=(("anilist", "9989"),),
            )
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "cuesheet",
        "w",
        [
            Work(
                key="anohana",
                title="ano hi mita hana no namae wo bokutachi wa mada shiranai",
                year=2011,
            )
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "other",
        "w",
        [  # same title, a game of another year
            Work(
                key="other/game",
                title="Anohana: The Flower We Saw That Day",
                type="game",
                year=2012,
            )
        ],
        license="cc0",
    )
    res = resolve(store, minter)
    assert res.clusters == [[W + "anohana", W + "anilist/9989", W + "wikidata/Q1"]]
    assert {lk.context for lk in res.links} == {"year 2011, series"}


def test_same_romanised_name_different_ids_is_never_merged(store, minter):
    # two different composers romanised "Takeshi Abe", both credited on one compilation
    write_run(
        store,
        minter,
        "wikidata",
        "k",
        [
            Album(key="best-of", title="Anime Best"),
            Person(
                key="wikidata/Q11",
                name="Takeshi Abe",
                native_name="阿部武",
                ids=(("wikidata", "Q11"),),
            ),
            Person(
                key="wikidata/Q12",
                name="Abe Takeshi",
                native_name="安部毅",
                ids=(("wikidata", "Q12"),),
            ),
            _credit("wikidata/Q11", "best-of", "album", "composer"),
            _credit("wikidata/Q12", "best-of", "album", "composer"),
        ],
        license="cc0",
    )
    # a third record without ids joins one of them, never both
    write_run(
        store,
        minter,
        "cuesheet",
        "k",
        [
            Album(key="best-of", title="Anime Best"),
            Person(key="takeshi-abe", name="Takeshi Abe"),
            _credit("takeshi-abe", "best-of", "album", "composer"),
        ],
        license="cc0",
    )
    res = resolve(store, minter)
    assert not any(P + "wikidata/Q11" in c and P + "wikidata/Q12" in c for c in res.clusters)
    assert res.clusters == [[P + "takeshi-abe", P + "wikidata/Q11"]]
    refused = [r for r in res.refusals if {r.a, r.b} & {P + "wikidata/Q12"}]
    assert refused and all(
        "different wikidata ids (Q11 / Q12)" in r.reason
        or "different wikidata ids (Q12 / Q11)" in r.reason
        for r in refused
    )


def test_different_ids_of_one_scheme_block_a_shared_id_too(store, minter):
    write_run(
        store,
        minter,
        "a",
        "k",
        [
            Person(key="a/1", name="X", ids=(("wikidata", "Q1"), ("musicbrainz", "m"))),
            Person(key="a/2", name="Y", ids=(("wikidata", "Q2"), ("musicbrainz", "m"))),
        ],
        license="cc0",
    )
    res = resolve(store, minter)
    assert res.clusters == []
    assert res.refusals[0].reason == "different wikidata ids (Q1 / Q2)"
    assert res.refusals[0].evidence == "same musicbrainz id m"


def test_a_group_and_its_member_are_never_merged(store, minter):
    # VGMdb lists FictionJunction as one of Yuki Kajiura's names; both credited on one song
    write_run(
        store,
        minter,
        "vgmdb",
        "k",
        [
            Song(key="parallel-hearts", title="Parallel Hearts"),
            Person(key="vgmdb/kajiura", name="Yuki Kajiura", aliases=("FictionJunction",)),
            Person(key="vgmdb/fj", name="FictionJunction", kind="group"),
            _credit("vgmdb/kajiura", "parallel-hearts", "song", "composer"),
            _credit("vgmdb/fj", "parallel-hearts", "song", "performer"),
        ],
        license="cc0",
    )
    res = resolve(store, minter)
    assert res.clusters == []
    assert [(r.a, r.b, r.reason) for r in res.refusals] == [
        (P + "vgmdb/fj", P + "vgmdb/kajiura", "a group is never merged with a person")
    ]


def test_resolving_twice_changes_nothing(store, minter):
    test_family_given_order_across_sources_on_one_work(store, minter)
    graph = f"{BASE}graph/identity/resolved"
    before = store.dump("nquads", graphs=[graph])
    first = [c[:] for c in resolve(store, minter).clusters]
    again = resolve(store, minter)
    assert again.clusters == first
    assert again.previous_triples == again.triples == 4
    assert store.dump("nquads", graphs=[graph]) == before


def test_canonical_iri_does_not_depend_on_write_order(minter):
    dumps = []
    for order in (
        (("b", "Shirou Sagisu"), ("a", "Shirō Sagisu")),
        (("a", "Shirō Sagisu"), ("b", "Shirou Sagisu")),
    ):
        store = open_store("memory:")
        for source, name in order:
            write_run(
                store,
                minter,
                source,
                "k",
                [
                    Work(key="eva", title="Evangelion"),
                    Person(key=f"{source}/s", name=name),
                    _credit(f"{source}/s", "eva"),
                ],
                license="cc0",
            )
        resolve(store, minter)
        dumps.append(sorted(_same_as(store)))
    assert dumps[0] == dumps[1] == [(P + "a/s", P + "b/s"), (P + "b/s", P + "a/s")]


def test_explain_gives_the_evidence(store, minter):
    test_family_given_order_across_sources_on_one_work(store, minter)
    out = explain(store, minter, "kajiura yuki")
    assert out["canonical"] == P + "anilist/101"
    assert [m["iri"] for m in out["members"]] == [P + "anilist/101", P + "wikidata/Q900001"]
    (link,) = out["links"]
    assert link["rule"] == "name" and link["names"] == ["Kajiura Yuki", "Yuki Kajiura"]
    assert out["written"] is True
    work = explain(store, minter, W + "wikidata/Q1")
    assert [lk["why"] for lk in work["links"]] == ["same anilist id 9756"]
    with pytest.raises(BadInput):
        explain(store, minter, "Nobody At All")


def test_a_refused_group_does_not_keep_two_records_of_one_person_apart(store, minter):
    # the group sorts first in its name bucket; both person records still join each other
    write_run(
        store,
        minter,
        "a",
        "k",
        [
            Song(key="s", title="Song"),
            Person(key="a/claris", name="ClariS", kind="group"),
            Person(key="b/clara", name="Clara", aliases=("ClariS",)),
            Person(key="c/clara", name="CLARIS"),
            _credit("a/claris", "s", "song", "performer"),
            _credit("b/clara", "s", "song", "singer"),
            _credit("c/clara", "s", "song", "singer"),
        ],
        license="cc0",
    )
    res = resolve(store, minter)
    assert res.clusters == [[P + "b/clara", P + "c/clara"]]
    assert {(r.a, r.b, r.reason) for r in res.refusals} == {
        (P + "a/claris", P + "b/clara", "a group is never merged with a person"),
        (P + "a/claris", P + "c/clara", "a group is never merged with a person"),
    }
