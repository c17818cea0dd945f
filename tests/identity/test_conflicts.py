"""Conflicts: disagreement, partial, incomplete and agreement between sources, listed
exactly."""

from __future__ import annotations

from cuegraph.graph.conflicts import find_conflicts
from cuegraph.graph.write import write_run
from cuegraph.records import Credit, Person, Song, Work
from support import BASE

P, W, S, G = BASE + "person/", BASE + "work/", BASE + "song/", BASE + "graph/"
ALDNOAH = Work(key="aldnoah-zero", title="Aldnoah.Zero", year=2014)


def _credit(agent, target, role, url, kind="work"):
    return Credit(agent=agent, role=role, target_kind=kind, target=target, source=url)


def test_disagreement_sets_that_do_not_overlap(store, minter):
    write_run(
        store,
        minter,
        "wikidata",
        "aldnoah",
        [
            ALDNOAH,
            Person(key="wikidata/Q1", name="Hiroyuki Sawano", ids=(("wikidata", "Q1"),)),
            _credit("wikidata/Q1", "aldnoah-zero", "score_composer", "https://wd.example/Q1"),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "anilist",
        "aldnoah",
        [
            ALDNOAH,
            Person(key="anilist/101", name="Yuki Kajiura", ids=(("anilist", "101"),)),
            _credit("anilist/101", "aldnoah-zero", "score_composer", "https://al.example/20632"),
        ],
        license="cc0",
    )
    assert [c.as_dict() for c in find_conflicts(store)] == [
        {
            "status": "disagreement",
            "target": W + "aldnoah-zero",
            "target_name": "Aldnoah.Zero",
            "target_kind": "work",
            "role": "score_composer",
            "role_label": "score composer",
            "sides": [
                {
                    "source": "anilist",
                    "people": [{"iri": P + "anilist/101", "name": "Yuki Kajiura"}],
                    "graphs": [G + "anilist/aldnoah"],
                    "urls": ["https://al.example/20632"],
                },
                {
                    "source": "wikidata",
                    "people": [{"iri": P + "wikidata/Q1", "name": "Hiroyuki Sawano"}],
                    "graphs": [G + "wikidata/aldnoah"],
                    "urls": ["https://wd.example/Q1"],
                },
            ],
        }
    ]
    assert find_conflicts(store, "incomplete") == []
    assert find_conflicts(store, "partial") == []


def test_partial_sets_that_overlap_without_nesting(store, minter):
    # one source says {Kajiura, Sawano}, another {Sawano, Kalafina}: they share Sawano
    song = Song(key="heavenly-blue", title="heavenly blue", work="aldnoah-zero")
    kajiura, sawano = (
        Person(key="kajiura", name="Yuki Kajiura"),
        Person(key="sawano", name="Hiroyuki Sawano"),
    )
    write_run(
        store,
        minter,
        "musicbrainz",
        "song",
        [
            ALDNOAH,
            song,
            kajiura,
            sawano,
            _credit("kajiura", "heavenly-blue", "arranger", "https://mb.example/w", "song"),
            _credit("sawano", "heavenly-blue", "arranger", "https://mb.example/w", "song"),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "vgmdb",
        "album",
        [
            ALDNOAH,
            song,
            sawano,
            Person(key="kalafina", name="Kalafina", kind="group"),
            _credit("sawano", "heavenly-blue", "arranger", "https://vgmdb.example/a", "song"),
            _credit("kalafina", "heavenly-blue", "arranger", "https://vgmdb.example/a", "song"),
        ],
        license="cc0",
    )
    found = find_conflicts(store)
    assert ["\n".join(c.lines()) for c in found] == [
        f"partial: heavenly blue (song) · arranger <{S}heavenly-blue>\n"
        "  musicbrainz: Hiroyuki Sawano, Yuki Kajiura  [https://mb.example/w]\n"
        "  vgmdb: Hiroyuki Sawano, Kalafina  [https://vgmdb.example/a]"
    ]
    assert [c.as_dict()["sides"][1]["people"] for c in found] == [
        [
            {"iri": P + "sawano", "name": "Hiroyuki Sawano"},
            {"iri": P + "kalafina", "name": "Kalafina"},
        ]
    ]
    assert find_conflicts(store, "partial") == found
    assert find_conflicts(store, "disagreement") == find_conflicts(store, "incomplete") == []


def test_incomplete_one_source_lists_fewer(store, minter):
    song = Song(key="heavenly-blue", title="heavenly blue", work="aldnoah-zero")
    kajiura = Person(key="yuki-kajiura", name="Yuki Kajiura")
    write_run(
        store,
        minter,
        "musicbrainz",
        "song",
        [
            ALDNOAH,
            song,
            kajiura,
            _credit("yuki-kajiura", "heavenly-blue", "composer", "https://mb.example/w", "song"),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "vgmdb",
        "album",
        [
            ALDNOAH,
            song,
            kajiura,
            Person(key="sawano", name="Hiroyuki Sawano"),
            _credit("yuki-kajiura", "heavenly-blue", "composer", "https://vgmdb.example/a", "song"),
            _credit("sawano", "heavenly-blue", "composer", "https://vgmdb.example/a", "song"),
        ],
        license="cc0",
    )
    (c,) = find_conflicts(store)
    assert "\n".join(c.lines()) == (
        f"incomplete: heavenly blue (song) · composer <{S}heavenly-blue>\n"
        "  musicbrainz: Yuki Kajiura  [https://mb.example/w]\n"
        "  vgmdb: Hiroyuki Sawano, Yuki Kajiura  [https://vgmdb.example/a]"
    )
    assert find_conflicts(store, "disagreement") == []


def test_agreement_is_not_listed_even_across_spellings(store, minter):
    # the same person spelled two ways, joined by identity resolution: no conflict
    write_run(
        store,
        minter,
        "wikidata",
        "w",
        [
            ALDNOAH,
            Person(key="wikidata/Q1", name="Hiroyuki Sawano"),
            _credit("wikidata/Q1", "aldnoah-zero", "score_composer", "https://wd.example/Q1"),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "anilist",
        "w",
        [
            ALDNOAH,
            Person(key="anilist/7", name="Sawano Hiroyuki", native_name="澤野弘之"),
            _credit("anilist/7", "aldnoah-zero", "score_composer", "https://al.example/7"),
        ],
        license="cc0",
    )
    assert find_conflicts(store) == []


def test_a_source_that_says_nothing_does_not_disagree(store, minter):
    write_run(
        store,
        minter,
        "wikidata",
        "w",
        [
            ALDNOAH,
            Person(key="s", name="Hiroyuki Sawano"),
            _credit("s", "aldnoah-zero", "score_composer", "https://wd.example/1"),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "anilist",
        "w",
        [
            ALDNOAH,
            Person(key="k", name="Yuki Kajiura"),
            _credit("k", "aldnoah-zero", "lyricist", "https://al.example/1"),
        ],
        license="cc0",
    )
    assert find_conflicts(store) == []
