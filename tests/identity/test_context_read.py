"""Identity resolution reads context edges only for the kinds that share a name key
(``graph/identity.read_nodes``): songs and recordings get theirs from the structure edges
alone (no credits), and the clusters are the same as with every edge read."""

from __future__ import annotations

from cuegraph.graph.identity import cluster, read_nodes, resolve
from cuegraph.graph.write import write_run
from cuegraph.records import Album, Credit, Person, Recording, Song, Work
from support import BASE

S, R = BASE + "song/", BASE + "recording/"


def test_songs_of_one_title_merge_only_within_their_work(store, minter):
    write_run(
        store,
        minter,
        "a",
        "k",
        [Work(key="w1", title="Alpha"), Song(key="a/s", title="Connect", work="w1")],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "b",
        "k",
        [
            Work(key="w1", title="Alpha"),
            Work(key="w2", title="Beta"),
            Song(key="b/s", title="connect", work="w1"),
            Song(key="b/other", title="Connect", work="w2"),
        ],
        license="cc0",
    )
    assert resolve(store, minter).clusters == [[S + "a/s", S + "b/s"]]


def test_recordings_of_one_title_merge_when_they_record_one_song(store, minter):
    # no album: the recording -> song edges alone give the shared context
    write_run(
        store,
        minter,
        "a",
        "k",
        [
            Song(key="s1", title="Sis Puella Magica!"),
            Recording(key="a/r", title="Point Zero", song="s1"),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "b",
        "k",
        [
            Song(key="s2", title="Credens justitiam"),
            Recording(key="b/r", title="Point Zero", song="s1"),
            Recording(key="b/r2", title="Point Zero", song="s2"),
        ],
        license="cc0",
    )
    assert resolve(store, minter).clusters == [[R + "a/r", R + "b/r"]]


def test_songs_merge_through_the_albums_of_their_recordings(store, minter):
    write_run(
        store,
        minter,
        "a",
        "k",
        [
            Album(key="alb", title="OST", tracks=("a/r",)),
            Song(key="a/s", title="Magia"),
            Recording(key="a/r", title="Magia (TV)", song="a/s"),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "b",
        "k",
        [
            Album(key="alb", title="OST"),
            Song(key="b/s", title="MAGIA"),
            Recording(key="b/r", title="Magia (instrumental)", song="b/s"),
            Album(key="alb2", title="Singles", tracks=("b/r",)),
            Album(key="alb", title="OST", tracks=("b/r",)),
        ],
        license="cc0",
    )
    assert [S + "a/s", S + "b/s"] in resolve(store, minter).clusters


def test_clusters_equal_those_from_every_context_edge(store, minter):
    # songs share names, and so do two people (whose context comes from credits)
    write_run(
        store,
        minter,
        "a",
        "k",
        [
            Work(key="w1", title="Alpha"),
            Song(key="a/s", title="Connect", work="w1"),
            Person(key="a/p", name="Yuki Kajiura"),
            Credit(
                agent="a/p",
                role="composer",
                target_kind="song",
                target="a/s",
                source="https://example.org/a",
            ),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "b",
        "k",
        [
            Work(key="w1", title="Alpha"),
            Song(key="b/s", title="Connect", work="w1"),
            Person(key="b/p", name="Kajiura Yuki"),
            Credit(
                agent="b/p",
                role="composer",
                target_kind="song",
                target="b/s",
                source="https://example.org/b",
            ),
        ],
        license="cc0",
    )
    clusters = cluster(read_nodes(store)).clusters
    assert clusters == [[BASE + "person/a/p", BASE + "person/b/p"], [S + "a/s", S + "b/s"]]
