"""The dump importers' N-Triples writer against GraphBuilder + rdflib (the path it replaced):
the same graph on the dump fixtures and on records with every field set (issue #14)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic

from cuegraph.dumps.ntriples import NTriplesWriter, iri, literal
from cuegraph.graph.build import GraphBuilder
from cuegraph.graph.iris import Minter
from cuegraph.ingest import import_musicbrainz_dump, import_wikidata_dump
from cuegraph.ingest import spool as dump_spool
from cuegraph.records import Album, Credit, Cue, Episode, Person, Recording, Song, Work
from cuegraph.store import open_store

DUMPS = Path(__file__).resolve().parents[1] / "fixtures" / "dumps"
MB = DUMPS / "musicbrainz"
MBFILES = [MB / f"{e}.tar.xz" for e in ("release-group", "work", "recording", "artist")]
BASE = "https://cuegraph.org/id/"


class _RdflibWriter:
    """The spool's previous encoder: GraphBuilder into an rdflib graph, rdflib's N-Triples."""

    def __init__(self, minter: Minter):
        self.minter = minter

    def lines(self, records) -> dict[str, None]:
        g = GraphBuilder(self.minter, Graph(store="SimpleMemory")).add_all(records)
        text = g.serialize(format="nt", encoding="utf-8").decode("utf-8")
        return dict.fromkeys(line + "\n" for line in text.splitlines() if line.strip())


def _graphs(store) -> dict[str, Graph]:
    """Every named graph but the provenance one (its run times differ), as rdflib graphs."""
    out = {}
    for name in store.graphs():
        if name.endswith("/graph/provenance"):
            continue
        g = Graph()
        g.parse(data=store.dump("ntriples", [name]).decode(), format="nt")
        out[name] = g
    return out


def _same(a: dict[str, Graph], b: dict[str, Graph]) -> None:
    assert a.keys() == b.keys() and a
    for name in a:
        assert len(a[name]) == len(b[name]) > 0, name
        assert isomorphic(a[name], b[name]), name


@pytest.mark.parametrize("which", ["musicbrainz", "wikidata"])
def test_the_importers_write_the_graph_the_rdflib_path_wrote(tmp_path, monkeypatch, which):
    def run(store):
        if which == "musicbrainz":
            import_musicbrainz_dump(store, Minter(BASE), MBFILES)
        else:
            import_wikidata_dump(store, Minter(BASE), DUMPS / "wikidata" / "latest-all.json.gz")

    new = open_store(f"oxigraph:{tmp_path / 'new'}")
    run(new)
    monkeypatch.setattr(dump_spool, "NTriplesWriter", _RdflibWriter)
    old = open_store(f"oxigraph:{tmp_path / 'old'}")
    run(old)
    _same(_graphs(new), _graphs(old))


TRICKY = 'quote " backslash \\ newline \n return \r tab \t bell \x07 del \x7f 梶浦 ✓ 𝄞'


def _records():
    m = "musicbrainz/00000000-0000-4000-8000-000000000001"
    return [
        Person(
            key=m,
            name="Yuki Kajiura",
            native_name="梶浦由記",
            kind="person",
            aliases=("Kajiura Yuki", TRICKY),
            ids=(
                ("musicbrainz", m[12:]),
                ("vgmdb", "114"),
                ("wikidata", "Q1"),
                ("unknown-scheme", "x"),
            ),
            source="https://example.org/a https://example.org/b",
        ),
        Person(key="group/kalafina", name="Kalafina", kind="group"),
        Work(
            key="madoka",
            title="Madoka",
            type="series",
            native_title="魔法少女まどか☆マギカ",
            year=2011,
            episodes=12,
            ids=(("wikidata", "Q2"), ("anilist", "9756")),
            source="https://example.org/w",
            aliases=("PMMM",),
        ),
        Work(key="film/ 空", title=TRICKY, type="film"),
        Work(key="g", title="Game", type="game", year=None),
        Work(key="o", title="OVA", type="ova"),
        Song(
            key="song/1",
            title="Sis puella magica!",
            native_title="ソング",
            work="madoka",
            ids=(("musicbrainz", "abc"),),
            source="https://example.org/s",
        ),
        Recording(
            key="rec/1",
            title="Rec",
            song="song/1",
            length_seconds=Decimal("187.5"),
            ids=(("musicbrainz", "r1"),),
            source="https://example.org/r",
        ),
        Recording(key="rec/2", title="Rec 2", length_seconds=Decimal("200")),
        Album(
            key="alb",
            title="OST",
            native_title="サントラ",
            year=2011,
            work="madoka",
            tracks=("rec/1", "rec/2"),
            ids=(("vgmdb", "1"), ("musicbrainz", "rg")),
            source="https://example.org/al",
        ),
        Credit(
            agent=m,
            role="score_composer",
            target_kind="work",
            target="madoka",
            role_text="composer",
            note=TRICKY,
            source="https://example.org/c",
        ),
        Credit(agent=m, role="lyricist", target_kind="song", target="song/1"),
        Credit(
            agent="group/kalafina",
            role="singer",
            target_kind="recording",
            target="rec/1",
            role_text="vocal",
        ),
        Credit(agent=m, role="contributor", target_kind="album", target="alb"),
        # not written directly: through GraphBuilder with a sink
        Episode(work="madoka", number=3, title="ep 3", source="https://example.org/e"),
        Cue(
            work="madoka",
            episode=3,
            usage="score",
            start=Decimal("10.5"),
            end=Decimal("70"),
            song="song/1",
            scene="Mami's last fight",
            source="https://example.org/cue",
            credits=(Credit(agent=m, role="composer", target_kind="song", target="song/1"),),
        ),
    ]


def test_every_field_gives_the_graph_builder_graph():
    minter = Minter(BASE)
    records = _records()
    ours = NTriplesWriter(minter).encode(records)
    theirs = GraphBuilder(minter).add_all(records)
    g = Graph()
    g.parse(data=ours.decode("utf-8"), format="nt")
    assert len(g) == len(theirs) > 100
    assert to_isomorphic(g) == to_isomorphic(theirs)
    # Oxigraph's strict parser reads it too, to the same number of triples
    assert len(list(ox.parse(ours, format=ox.RdfFormat.N_TRIPLES))) == len(theirs)
    # one line per distinct triple
    assert len(ours.splitlines()) == len(theirs)


def test_escaping_follows_the_n_triples_grammar():
    assert literal('a"b\\c\nd\re') == '"a\\"b\\\\c\\nd\\re"'
    assert literal("bell\x07") == '"bell\\u0007"'
    assert literal("梶浦", lang="ja") == '"梶浦"@ja'
    assert (
        literal("2011", datatype="http://www.w3.org/2001/XMLSchema#gYear")
        == '"2011"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    )
    assert iri("https://example.org/a b<c>") == "<https://example.org/a\\u0020b\\u003Cc\\u003E>"
    assert iri("https://example.org/%E7") == "<https://example.org/%E7>"
