"""Hostile values in cue sheets and seed tables: every one is refused with its line number
and a reason, never a traceback, and the store is left exactly as it was.

Also the same bounds where the values are checked again: the SHACL shapes (``validate``) and
the ``/scene`` API's ``t``/``from``/``to``.
"""

from __future__ import annotations

import csv
import io

import pytest

from cuegraph.errors import CueSheetError
from cuegraph.graph.iris import Minter
from cuegraph.ingest import import_cuesheet, import_table
from cuegraph.validate import validate_store
from support import BASE, DATA, cuegraph_cmd, make_store

# the API tests below: the module's seed store, errors as the client sees them
pytestmark = pytest.mark.client(store="store", raise_server_exceptions=False)

HEADER = ["work", "episode", "start", "end", "title", "usage", "credits", "source", "notes"]
GOOD = {
    "work": "Test Work",
    "episode": "1",
    "start": "00:01:00",
    "end": "00:02:00",
    "title": "Good Song",
    "usage": "insert",
    "credits": "composer=Test Composer",
    "source": "https://example.org/good",
    "notes": "",
}


def sheet(tmp_path, *rows: dict, name: str = "sheet.csv"):
    """A cue sheet: a good row first (line 2), then ``rows`` (lines 3 …)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, HEADER, lineterminator="\n")
    writer.writeheader()
    for row in (GOOD, *rows):
        writer.writerow({**GOOD, **row})
    path = tmp_path / name
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store():
    """One seed store for the module: every import below must be refused, so it never
    changes (each test checks that)."""
    return make_store()


def refused(store, path, line: int = 3) -> str:
    """Import ``path``; assert it is refused whole with ``line`` named and nothing written."""
    before = store.dump("nquads")
    with pytest.raises(CueSheetError) as info:
        import_cuesheet(store, Minter(BASE), path)
    assert [r.line for r in info.value.rows] == [line]
    assert f"line {line}" in info.value.message
    assert store.dump("nquads") == before
    return info.value.rows[0].reason


# ---- IRIs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, why",
    [
        ("https://example.org/cue?x=<script>", "'<'"),
        ('https://example.org/"quoted"', "'\"'"),
        ("https://example.org/a{b}", "'{'"),
        ("https://example.org/a|b", "'|'"),
        ("https://example.org/a\\b", "'\\'"),
        ("https://example.org/a^b", "'^'"),
        ("https://example.org/a`b", "'`'"),
        ("https://example.org/a#b#c", "'#'"),
        ("https://example.org/%zz", "percent"),
        ("https://example.org/\u202eevil", "bidirectional"),
        ("https://example.org:99999/", "port"),
        ("http:///no-host", "no host"),
        ("javascript:alert(1)", "not an http(s) URL"),
    ],
)
def test_source_must_be_an_rfc3987_http_iri(store, tmp_path, source, why):
    reason = refused(store, sheet(tmp_path, {"source": source}))
    assert reason.startswith("source ") and why in reason


def test_source_with_angle_brackets_is_one_error_line_from_the_cli(tmp_path):
    url = f"oxigraph:{tmp_path / 'store'}"
    path = sheet(tmp_path, {"source": "https://example.org/cue?x=<script>"})
    res = cuegraph_cmd("--store", url, "import", "cuesheet", str(path))
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines() == [res.stderr.strip()]
    assert "line 3" in res.stderr and "RFC 3987" in res.stderr
    dump = cuegraph_cmd("--store", url, "dump", "-f", "nquads")
    assert dump.returncode == 0 and dump.stdout.strip() == ""


def test_unicode_iris_still_pass(store, tmp_path):
    """RFC 3987 is about IRIs: non-ASCII letters are fine (not only RFC 3986 URIs)."""
    path = sheet(
        tmp_path,
        {
            "source": "https://ja.wikipedia.org/wiki/梶浦由記",
            "start": "00:03:00",
            "end": "00:04:00",
        },
    )
    fresh = make_store(data_dir=None)
    summary, bad = import_cuesheet(fresh, Minter(BASE), path)
    assert bad == [] and summary.triples > 0
    assert fresh.select(
        "SELECT ?c WHERE { ?c <http://www.w3.org/ns/prov#wasDerivedFrom> "
        "<https://ja.wikipedia.org/wiki/梶浦由記> }"
    )


# ---- timecodes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, why",
    [
        ("00:00:00", "99999999999:00:00", "past 48:00:00"),
        ("00:00:00", "1e308", "bad timecode"),
        ("0", "9" * 400, "400 characters"),
        ("0", "1." + "0" * 399 + "1", "characters"),
        ("9" * 400, "9" * 401, "400 characters"),
        ("48:00:00", "48:00:01", "past 48:00:00"),
        ("0", "172800.5", "past 48:00:00"),
        ("0", "٣٠", "bad timecode"),  # Arabic-Indic digits: int() reads them, cuegraph does not
    ],
)
def test_timecodes_are_bounded_to_48_hours(store, tmp_path, start, end, why):
    reason = refused(store, sheet(tmp_path, {"start": start, "end": end}))
    assert why in reason and len(reason) < 200  # the 400 digits are not echoed back


def test_48_hours_is_still_a_time(tmp_path):
    fresh = make_store(data_dir=None)
    path = sheet(tmp_path, {"start": "47:59:00", "end": "48:00:00"})
    _, bad = import_cuesheet(fresh, Minter(BASE), path)
    assert bad == []
    assert validate_store(fresh).conforms


def test_huge_timecode_from_the_cli_has_no_traceback(tmp_path):
    url = f"oxigraph:{tmp_path / 'store'}"
    path = sheet(tmp_path, {"end": "9" * 400})
    res = cuegraph_cmd("--store", url, "import", "cuesheet", str(path))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and "OverflowError" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "line 3" in res.stderr


@pytest.mark.parametrize(
    "offset",
    [
        '"99999999999"^^xsd:decimal',
        '"172800.001"^^xsd:decimal',
        '"1e308"^^xsd:double',
        '"-1"^^xsd:decimal',
    ],
)
def test_shapes_refuse_offsets_past_48_hours(tmp_path, offset):
    """A store loaded from RDF (not through the importer) gets the same bound from SHACL."""
    fresh = make_store(data_dir=None)
    path = sheet(tmp_path)
    import_cuesheet(fresh, Minter(BASE), path)
    assert validate_store(fresh).conforms
    cue = fresh.select("SELECT ?c WHERE { ?c a <https://cuegraph.org/ns#Cue> }")[0]["c"]
    fresh.update(f"""PREFIX schema: <https://schema.org/>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        DELETE {{ GRAPH ?g {{ <{cue}> schema:endOffset ?e }} }}
        INSERT {{ GRAPH ?g {{ <{cue}> schema:endOffset {offset} }} }}
        WHERE {{ GRAPH ?g {{ <{cue}> schema:endOffset ?e }} }}""")
    report = validate_store(fresh)
    assert not report.conforms
    assert any("endOffset" in v or "end offset" in v for v in report.violations)


def test_shapes_refuse_control_characters_in_names(tmp_path):
    fresh = make_store(data_dir=None)
    import_cuesheet(fresh, Minter(BASE), sheet(tmp_path))
    fresh.update("""PREFIX schema: <https://schema.org/> PREFIX cg: <https://cuegraph.org/ns#>
        DELETE { GRAPH ?g { ?s schema:name ?n } } INSERT { GRAPH ?g { ?s schema:name "a\\u0000b" } }
        WHERE { GRAPH ?g { ?s a cg:Song ; schema:name ?n } }""")
    report = validate_store(fresh)
    assert not report.conforms
    assert any("control characters" in v for v in report.violations)


# ---- control characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "column, value",
    [
        ("title", "Good\x00Song"),
        ("title", "Good\x1b[31mSong"),
        ("title", "Good\x7fSong"),
        ("title", "Good\x85Song"),
        ("title", "Good\nSong"),
        ("title", "Good\u2028Song"),
        ("work", "Test\x00Work"),
        ("credits", "composer=Test\x00Composer"),
        ("notes", "a note\x00with a NUL"),
        ("episode", "1\x00"),
    ],
)
def test_control_characters_are_refused_in_cue_sheets(store, tmp_path, column, value):
    reason = refused(store, sheet(tmp_path, {column: value}))
    assert reason.startswith(
        (f"{column} holds a control character (U+", f"{column} holds a line break (U+")
    )


@pytest.mark.parametrize("title", ["}", "!!!", "・・・", "—"])
def test_a_title_without_letters_or_digits_is_refused(store, tmp_path, title):
    """Found by the fuzz test: such a title made a song key of "" and so a music cue without
    a song (the shapes refused the graph after it was written)."""
    assert "has no letters or digits" in refused(store, sheet(tmp_path, {"title": title}))


def test_notes_may_span_lines(tmp_path):
    fresh = make_store(data_dir=None)
    notes = "one\ntwo\tthree\r\nfour\u2028five"
    _, bad = import_cuesheet(fresh, Minter(BASE), sheet(tmp_path, {"notes": notes}))
    assert bad == []


@pytest.mark.parametrize(
    "kind, line",
    [
        ("people", "x-person,Bad\x00Name,,person,,,,https://example.org/p"),
        ("people", "x-person,Name,ネーム\x07,person,,,,https://example.org/p"),
        ("works", "x-work,Bad\x00Title,,series,2011,12,https://example.org/w"),
        ("people", "x-person,Name,,person,,,,https://example.org/p?<script>"),
    ],
)
def test_control_characters_and_bad_iris_are_refused_in_seed_tables(tmp_path, kind, line):
    header = (DATA / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / f"{kind}.csv"
    path.write_text(f"{header}\n{line}\n", encoding="utf-8")
    fresh = make_store(data_dir=None)
    with pytest.raises(CueSheetError) as info:
        import_table(fresh, Minter(BASE), kind, path)
    assert [r.line for r in info.value.rows] == [2]
    assert (
        "control character" in info.value.rows[0].reason or "RFC 3987" in info.value.rows[0].reason
    )
    assert fresh.dump("nquads").strip() == b""


def test_the_seed_data_passes_the_stricter_checks():
    store = make_store()  # builds data/: every source is an RFC 3987 IRI, no control chars
    assert validate_store(store).conforms


# ---- the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"t": "9" * 5000},
        {"t": "1" + "0" * 400},
        {"t": "1e9"},
        {"t": "1000000000"},
        {"t": "99999999999:00:00"},
        {"t": "48:00:01"},
        {"t": "0." + "0" * 5000 + "1"},
        {"from": "0", "to": "9" * 5000},
        {"from": "9" * 5000, "to": "9" * 5001},
        {"from": "0", "to": "172800.5"},
    ],
)
def test_scene_times_past_48_hours_or_too_long_are_400(client, params):
    resp = client.get("/scene", params={"work": "anohana", "episode": 5, **params})
    assert resp.status_code == 400, resp.text[:300]
    body = resp.json()
    assert set(body) == {"error", "detail"}
    assert (
        "48:00:00" in body["error"]
        or "characters" in body["error"]
        or "bad timecode" in body["error"]
    )
    assert len(body["error"]) < 300  # thousands of digits are not echoed in the message


def test_scene_at_48_hours_is_answered(client):
    resp = client.get("/scene", params={"work": "anohana", "episode": 5, "t": "48:00:00"})
    assert resp.status_code == 200


def test_a_non_ascii_name_resolves_to_the_same_person_in_a_second_sheet(tmp_path):
    """Found by the fuzz test: a person first written with a non-ASCII key (梶浦由記) was
    matched by a later cue sheet under the key's IRI form (%E6…), minted again (%25E6…): a
    credit to nobody, which SHACL refused."""
    fresh = make_store(data_dir=None)
    first = sheet(tmp_path, name="one.csv")
    first.write_text(
        first.read_text(encoding="utf-8").replace("Test Composer", "梶浦由記"), encoding="utf-8"
    )
    import_cuesheet(fresh, Minter(BASE), first)
    second = sheet(
        tmp_path, {"title": "Other Song", "start": "00:05:00", "end": "00:06:00"}, name="two.csv"
    )
    second.write_text(
        second.read_text(encoding="utf-8").replace("Test Composer", "梶浦由記"), encoding="utf-8"
    )
    import_cuesheet(fresh, Minter(BASE), second)
    agents = {
        r["p"]
        for r in fresh.select("SELECT DISTINCT ?p WHERE { ?c <https://cuegraph.org/ns#agent> ?p }")
    }
    assert agents == {BASE + "person/%E6%A2%B6%E6%B5%A6%E7%94%B1%E8%A8%98"}
    assert validate_store(fresh).conforms
