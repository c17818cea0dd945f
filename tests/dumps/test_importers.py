"""The dump importers on their fixtures: the kept entities and credits exactly, the skipped
ones absent, damaged files refused with nothing written (issue #14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cuegraph.errors import BadInput
from cuegraph.graph.iris import Minter
from cuegraph.ingest import import_musicbrainz_dump, import_wikidata_dump
from cuegraph.store import open_store
from support import DATA, cuegraph_cmd

FIX = Path(__file__).resolve().parents[1] / "fixtures"
DUMPS = FIX / "dumps"
MB = DUMPS / "musicbrainz"
WD = DUMPS / "wikidata"
BASE = "https://cuegraph.org/id/"
CG = "https://cuegraph.org/ns#"
MBFILES = [MB / f"{e}.tar.xz" for e in ("release-group", "work", "recording", "artist")]


def _store(tmp_path: Path, name: str = "store"):
    return open_store(f"oxigraph:{tmp_path / name}")


def _graph_rows(store, graph: str, query: str) -> set[tuple]:
    rows = store.select(query.replace("$G", f"<{BASE}graph/{graph}>"))
    return {tuple(str(v) for v in r.values()) for r in rows}


def _ids(store, graph: str, kind: str) -> set[str]:
    """The musicbrainz/wikidata ids of the nodes of one type in a graph."""
    scheme = "musicbrainz" if graph.startswith("musicbrainz") else "wikidata"
    q = f"SELECT ?id WHERE {{ GRAPH $G {{ ?n a <{CG}{kind}> ; <{CG}{scheme}> ?id }} }}"
    return {r[0] for r in _graph_rows(store, graph, q)}


def _credits(store, graph: str) -> set[tuple[str, str, str]]:
    """(agent id, role text, target id) of every credit in a graph."""
    scheme = "musicbrainz" if graph.startswith("musicbrainz") else "wikidata"
    q = (
        f"SELECT ?a ?t ?w WHERE {{ GRAPH $G {{ ?c a <{CG}Credit> ; <{CG}agent> ?p ; "
        f"<{CG}credits> ?x ; <{CG}roleText> ?t . ?p <{CG}{scheme}> ?a . "
        f"?x <{CG}{scheme}> ?w }} }}"
    )
    return _graph_rows(store, graph, q)


def _fixture_json(name: str) -> dict:
    return json.loads((FIX / name).read_text(encoding="utf-8"))


# -- MusicBrainz -----------------------------------------------------------------------------
def test_musicbrainz_dump_keeps_the_fixture_entities_and_credits_exactly(tmp_path):
    store = _store(tmp_path)
    result = import_musicbrainz_dump(store, Minter(BASE), MBFILES)
    assert [r.graph.rsplit("/", 1)[-1] for r in result.runs] == [
        "dump-artist",
        "dump-work",
        "dump-recording",
        "dump-release-group",
    ]
    kajiura = _fixture_json("musicbrainz/artist-lookup-kajiura.json")["id"]
    # artists: only the one linked to VGMdb (Kalafina, FictionJunction, Howard Shore and
    # the placeholders have no anime/game link and were not known)
    assert _ids(store, "musicbrainz/dump-artist", "Agent") == {kajiura}
    # works: the five of the harvest fixture, each credit exactly as its relations say
    works = [
        w
        for p in (1, 2, 3)
        for w in _fixture_json(f"musicbrainz/work-browse-page{p}.json")["works"]
    ]
    assert _ids(store, "musicbrainz/dump-work", "Song") == {w["id"] for w in works}
    expected = {
        (r["artist"]["id"], r["type"], w["id"])
        for w in works
        for r in w["relations"]
        if r["target-type"] == "artist"
    }
    assert expected and _credits(store, "musicbrainz/dump-work") == expected
    # recordings: both credit Kajiura (arranger), with their artist credits
    recs = _fixture_json("musicbrainz/recording-browse.json")["recordings"]
    assert _ids(store, "musicbrainz/dump-recording", "Recording") == {r["id"] for r in recs}
    expected = {
        (r["artist"]["id"], r["type"], rec["id"])
        for rec in recs
        for r in rec["relations"]
        if r["target-type"] == "artist"
    }
    expected |= {
        (ac["artist"]["id"], "artist credit", rec["id"])
        for rec in recs
        for ac in rec["artist-credit"]
    }
    assert _credits(store, "musicbrainz/dump-recording") == expected
    # the soundtrack release group, credited to Kajiura
    rg = _fixture_json("musicbrainz/release-group-browse.json")["release-groups"][0]
    assert _ids(store, "musicbrainz/dump-release-group", "Album") == {rg["id"]}
    assert _credits(store, "musicbrainz/dump-release-group") == {
        (kajiura, "artist credit", rg["id"])
    }
    # skipped entities are nowhere
    text = store.dump("nquads").decode()
    for absent in ("Placeholder", "Howard Shore", "fe00", "fe01", "fe02", "fe03"):
        assert absent not in text
    assert result.kept == 1 + len(works) + len(recs) + 1
    assert result.read > 900  # every line of the four files was read


def test_musicbrainz_provenance_is_cc0_and_names_the_files(tmp_path):
    store = _store(tmp_path)
    import_musicbrainz_dump(store, Minter(BASE), MBFILES)
    rows = store.select(
        f"SELECT ?l ?u WHERE {{ GRAPH <{BASE}graph/provenance> {{ "
        f"<{BASE}graph/musicbrainz/dump-work> <http://purl.org/dc/terms/license> ?l ; "
        f"<http://www.w3.org/ns/prov#wasGeneratedBy> ?run . "
        f"?run <http://www.w3.org/ns/prov#used> ?u }} }}"
    )
    assert [(r["l"], r["u"]) for r in rows] == [
        ("http://creativecommons.org/publicdomain/zero/1.0/", "work.tar.xz")
    ]


def test_extracted_file_and_archive_give_the_same_graph(tmp_path):
    a, b = _store(tmp_path, "a"), _store(tmp_path, "b")
    import_musicbrainz_dump(a, Minter(BASE), [MB / "artist.tar.xz", MB / "work.tar.xz"])
    import_musicbrainz_dump(b, Minter(BASE), [MB / "artist.tar.xz", MB / "mbdump" / "work"])
    g = [f"{BASE}graph/musicbrainz/dump-work"]
    assert a.dump("ntriples", g) and sorted(a.dump("ntriples", g).splitlines()) == sorted(
        b.dump("ntriples", g).splitlines()
    )


def test_works_need_a_known_artist(tmp_path):
    """Without the artist dump (and nothing in the store) Kajiura's songs are not kept;
    once the store knows her MusicBrainz id, they are."""
    store = _store(tmp_path)
    r = import_musicbrainz_dump(store, Minter(BASE), [MB / "work.tar.xz"])
    assert r.kept == 0 and _ids(store, "musicbrainz/dump-work", "Song") == set()
    import_musicbrainz_dump(store, Minter(BASE), [MB / "artist.tar.xz"])
    r = import_musicbrainz_dump(store, Minter(BASE), [MB / "work.tar.xz"])
    assert r.kept == 5


def test_reimport_gives_the_same_graph(tmp_path):
    store = _store(tmp_path)
    import_musicbrainz_dump(store, Minter(BASE), MBFILES)
    first = store.dump("ntriples", [f"{BASE}graph/musicbrainz/dump-work"])
    again = import_musicbrainz_dump(store, Minter(BASE), MBFILES)
    assert store.dump("ntriples", [f"{BASE}graph/musicbrainz/dump-work"]) == first
    assert again.runs[1].previous_triples == again.runs[1].triples


@pytest.mark.parametrize(
    "name,entity,message",
    [
        (
            "work-truncated",
            "work",
            "line 245 is not a complete JSON entity (the file ends in the middle of it",
        ),
        ("work-corrupt.tar.xz", None, "corrupt or truncated archive"),
    ],
)
def test_damaged_musicbrainz_dump_writes_nothing(tmp_path, name, entity, message):
    store = _store(tmp_path)
    import_musicbrainz_dump(store, Minter(BASE), [MB / "artist.tar.xz", MB / "work.tar.xz"])
    before = store.dump("nquads")
    with pytest.raises(BadInput) as e:
        import_musicbrainz_dump(store, Minter(BASE), [MB / name], entity=entity)
    assert message in e.value.message and "nothing was written" in e.value.message
    assert store.dump("nquads") == before
    assert not list(tmp_path.glob(".cuegraph-import-*"))  # the spool file is gone


def test_unknown_entity_file_is_refused(tmp_path):
    with pytest.raises(BadInput, match="pass --entity"):
        import_musicbrainz_dump(_store(tmp_path), Minter(BASE), [MB / "work-truncated"])


# -- Wikidata --------------------------------------------------------------------------------
def test_wikidata_dump_keeps_the_fixture_works_people_and_credits_exactly(tmp_path):
    store = _store(tmp_path)
    result = import_wikidata_dump(store, Minter(BASE), WD / "latest-all.json.gz")
    # anime series and anime film with P86 (the fixture's real credits); the songs Magia and
    # ARIA and the album have credits too but are not works; placeholders are humans
    assert _ids(store, "wikidata/dump", "Work") == {"Q900101", "Q900103"}
    assert _ids(store, "wikidata/dump", "Agent") == {"Q900001"}  # Kalafina: only on Magia
    assert _credits(store, "wikidata/dump") == {
        ("Q900001", "P86", "Q900101"),
        ("Q900001", "P86", "Q900103"),
    }
    rows = store.select(
        f"SELECT ?role WHERE {{ GRAPH <{BASE}graph/wikidata/dump> {{ ?c <{CG}role> ?role }} }}"
    )
    assert {r["role"] for r in rows} == {f"{CG}ScoreComposer"}
    person = f"{BASE}person/wikidata/Q900001"
    rows = store.select(
        f"SELECT ?p ?o WHERE {{ GRAPH <{BASE}graph/wikidata/dump> {{ <{person}> ?p ?o }} }}"
    )
    facts = {(r["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(r["o"])) for r in rows}
    assert {
        ("name", "Yuki Kajiura"),
        ("nativeName", "梶浦由記"),
        ("musicbrainz", "0000c0de-0000-4000-8000-00000000a001"),
        ("vgmdb", "90010"),
        ("anidb", "90011"),
        ("anilist", "90012"),
        ("mal", "90013"),
    } <= facts
    work = f"{BASE}work/wikidata/Q900101"
    rows = store.select(
        f"SELECT ?p ?o WHERE {{ GRAPH <{BASE}graph/wikidata/dump> {{ <{work}> ?p ?o }} }}"
    )
    facts = {(r["p"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(r["o"])) for r in rows}
    assert {
        ("name", "Puella Magi Madoka Magica"),
        ("nativeTitle", "魔法少女まどか☆マギカ"),
        ("datePublished", "2011"),
        ("anilist", "90001"),
        ("anidb", "90002"),
        ("mal", "90003"),
    } <= facts
    text = store.dump("nquads").decode()
    for absent in ("Q900102", "Q900104", "Q900105", "Q900002", "Placeholder", "P1431"):
        assert absent not in text
    assert result.read == 248 and result.kept == 3


def test_gz_and_bz2_give_the_same_graph(tmp_path):
    a, b = _store(tmp_path, "a"), _store(tmp_path, "b")
    import_wikidata_dump(a, Minter(BASE), WD / "latest-all.json.gz")
    import_wikidata_dump(b, Minter(BASE), WD / "latest-all.json.bz2")
    g = [f"{BASE}graph/wikidata/dump"]
    assert sorted(a.dump("ntriples", g).splitlines()) == sorted(b.dump("ntriples", g).splitlines())


@pytest.mark.parametrize(
    "name,message",
    [
        ("truncated.json.gz", "is not a complete JSON entity (the file ends in the middle"),
        ("corrupt.json.bz2", "corrupt or truncated bz2 data"),
        ("corrupt.json.gz", "corrupt or truncated gz data"),
    ],
)
def test_damaged_wikidata_dump_writes_nothing(tmp_path, name, message):
    store = _store(tmp_path)
    import_wikidata_dump(store, Minter(BASE), WD / "latest-all.json.gz")
    before = store.dump("nquads")
    with pytest.raises(BadInput) as e:
        import_wikidata_dump(store, Minter(BASE), WD / name)
    assert message in e.value.message and "nothing was written" in e.value.message
    assert store.dump("nquads") == before


def test_a_dump_cut_after_a_whole_line_is_refused(tmp_path):
    """Cut exactly at a line end, every line parses: the missing ']' still tells."""
    import gzip

    text = gzip.decompress((WD / "latest-all.json.gz").read_bytes())
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(gzip.compress(text[: text.index(b"\n", len(text) // 2) + 1]))
    with pytest.raises(BadInput, match="not closed"):
        import_wikidata_dump(_store(tmp_path), Minter(BASE), cut)


def test_cli_one_error_line_and_exit_1(tmp_path):
    env = {"CUEGRAPH_STORE": f"oxigraph:{tmp_path / 'store'}", "PATH": "/usr/bin:/bin"}
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "cuegraph.cli",
            "import",
            "wikidata-dump",
            str(WD / "corrupt.json.gz"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    if "No module named cuegraph.cli.__main__" in r.stderr:
        r = subprocess.run(
            [
                str(Path(sys.executable).parent / "cuegraph"),
                "import",
                "wikidata-dump",
                str(WD / "corrupt.json.gz"),
            ],
            capture_output=True,
            text=True,
            env=env,
        )
    assert r.returncode == 1
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "corrupt" in lines[0]


def test_cli_resolves_identities_after_the_import(tmp_path):
    """Identity resolution runs once the dump's graph is written: the dump's
    Kajiura (Q900001) is the seed's, and the CLI prints the resolution's line."""
    env = {"CUEGRAPH_STORE": f"oxigraph:{tmp_path / 'store'}"}
    assert cuegraph_cmd("build", str(DATA), env=env).returncode == 0
    r = cuegraph_cmd("import", "wikidata-dump", str(WD / "latest-all.json.gz"), env=env)
    assert r.returncode == 0, r.stderr
    assert "identity: " in r.stdout and "imported 5 records" in r.stdout
    store = _store(tmp_path)
    assert store.ask(
        f"ASK {{ GRAPH <{BASE}graph/identity/resolved> {{ <{BASE}person/yuki-kajiura> "
        f"<http://www.w3.org/2002/07/owl#sameAs> <{BASE}person/wikidata/Q900001> }} }}"
    )
