"""Cue-sheet import: good rows land, bad files are rejected whole with line numbers."""

from __future__ import annotations

import pytest

from cuegraph.errors import CueSheetError
from cuegraph.ingest import import_cuesheet
from cuegraph.validate import validate_store
from support import FIXTURES


def test_malformed_cuesheet_is_rejected_with_line_numbers_and_store_unchanged(fresh_store, minter):
    before = fresh_store.dump("nquads")
    with pytest.raises(CueSheetError) as info:
        import_cuesheet(fresh_store, minter, FIXTURES / "cuesheets" / "bad.csv")
    reasons = {r.line: r.reason for r in info.value.rows}
    assert set(reasons) == {3, 4, 5, 6}
    assert "bad timecode" in reasons[3]
    assert "not after start" in reasons[4]
    assert "unknown role 'whistler'" in reasons[5]
    assert "missing source" in reasons[6]
    assert "line 3" in info.value.message
    assert fresh_store.dump("nquads") == before


def test_skip_bad_rows_imports_the_good_ones(fresh_store, minter):
    summary, bad = import_cuesheet(
        fresh_store, minter, FIXTURES / "cuesheets" / "bad.csv", skip_bad_rows=True
    )
    assert [b.line for b in bad] == [3, 4, 5, 6]
    titles = fresh_store.select(
        "PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>\n"
        f"SELECT ?t WHERE {{ GRAPH <{summary.graph}> {{ ?c a cg:Cue ; schema:name ?t }} }}"
    )
    assert [r["t"] for r in titles] == ["Good Song"]


def test_good_cuesheet_imports_cues_silence_scene_and_new_people(fresh_store, minter):
    summary, bad = import_cuesheet(fresh_store, minter, FIXTURES / "cuesheets" / "good.csv")
    assert bad == []
    rows = fresh_store.select("""
        PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>
        SELECT ?usage ?start ?end WHERE {
          ?c a cg:Cue ; cg:usage ?usage ; cg:episode/cg:work/schema:name "Test Work" .
          OPTIONAL { ?c schema:startOffset ?start ; schema:endOffset ?end }
        } ORDER BY ?start""")
    got = [(r["usage"].rsplit("#", 1)[1], r.get("start"), r.get("end")) for r in rows]
    assert ("Insert", 60.0, 120.5) in got
    assert ("Silence", 150.0, 180.0) in got
    assert ("Ending", None, None) in got
    # 梶浦由記 resolves to the seed's Yuki Kajiura, not a new person
    lyricists = fresh_store.select("""
        PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>
        PREFIX relators: <http://id.loc.gov/vocabulary/relators/>
        SELECT ?p WHERE { ?c cg:role relators:lyr ; cg:agent ?p ;
                             cg:credits/schema:name "Good Song" }""")
    assert [r["p"] for r in lyricists] == ["https://cuegraph.org/id/person/yuki-kajiura"]
    scene = fresh_store.select("""
        PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>
        SELECT ?s ?a ?b WHERE { ?s a cg:Scene ; schema:startOffset ?a ; schema:endOffset ?b }""")
    assert [(r["a"], r["b"]) for r in scene] == [(60.0, 180.0)]
    assert validate_store(fresh_store).conforms


def test_reimport_is_idempotent(fresh_store, minter):
    path = FIXTURES / "cuesheets" / "good.csv"
    import_cuesheet(fresh_store, minter, path)
    first = fresh_store.triple_count()
    data_first = fresh_store.dump("nquads", [str(minter.graph("cuesheet", "good"))])
    import_cuesheet(fresh_store, minter, path)
    assert fresh_store.triple_count() == first
    assert fresh_store.dump("nquads", [str(minter.graph("cuesheet", "good"))]) == data_first


def test_one_names_query_per_cue_sheet(fresh_store, minter, names_lookups):
    """The people and the works a cue sheet names are resolved from one query of the store
    (it was one per kind); both still resolve (the seed's Yuki Kajiura, test above)."""
    names = names_lookups(fresh_store)
    import_cuesheet(fresh_store, minter, FIXTURES / "cuesheets" / "good.csv")
    assert len(names) == 1 and "cg:Agent" in names[0] and "cg:Work" in names[0]
