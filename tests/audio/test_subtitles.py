"""Cues from subtitles: the fixture ASS file (written for the test: OP/ED styles, karaoke
tags, a custom style) and an SRT with ♪ lines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cuegraph.api.data.scene import scene_lookup
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import write_run
from cuegraph.records import Song, Work
from cuegraph.store import open_store
from cuegraph.validate import validate_store
from support import BASE, FIXTURES, cuegraph_cmd

ASS = FIXTURES / "subtitles" / "test-episode.ass"
SRT = FIXTURES / "subtitles" / "test-episode.srt"
MADE_UP = "https://example.org/cuegraph-test-series"  # the test series is made up


@pytest.fixture
def store_url(tmp_path):
    """A made-up series (test data only) with one song, so a title can link to it."""
    url = f"oxigraph:{tmp_path / 'store'}"
    with open_store(url) as store:
        write_run(
            store,
            Minter(BASE),
            "test",
            "series",
            [
                Work(key="test-series", title="Test Series", episodes=12, source=MADE_UP),
                Song(key="haru-no-kaze", title="Haru no Kaze", work="test-series", source=MADE_UP),
            ],
            license="cc0",
        )
    return url


def _run(store_url, *args):
    return cuegraph_cmd("import", "subtitles", *args, env={"CUEGRAPH_STORE": store_url})


def test_ass_fixture_gives_opening_insert_ending(store_url):
    res = _run(
        store_url,
        str(ASS),
        "--work",
        "Test Series",
        "--episode",
        "3",
        "--title",
        "opening=Haru no Kaze",
        "--title",
        "ending=Mata Ashita",
        "--title",
        "00:10:05=Kimi no Koe",
    )
    assert res.returncode == 0, res.stderr
    assert "imported 3 cues" in res.stdout
    with open_store(store_url, read_only=True) as store:
        rows = store.select(
            "PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>\n"
            "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
            "SELECT ?name ?usage ?start ?end ?src ?file ?note ?song WHERE { ?c a cg:MusicCue ; "
            "schema:name ?name ; cg:usage ?usage ; schema:startOffset ?start ; "
            "schema:endOffset ?end ; prov:wasDerivedFrom ?src ; cg:note ?note . "
            "?src schema:name ?file OPTIONAL { ?c cg:song ?song } } ORDER BY ?start"
        )
        answer = scene_lookup(store, BASE, "test-series", 3, t="0:30")
        report = validate_store(store)
    assert report.conforms, report.violations
    got = [
        (r["name"], r["usage"].rsplit("#", 1)[-1], Decimal(str(r["start"])), Decimal(str(r["end"])))
        for r in rows
    ]
    assert got == [
        ("Haru no Kaze", "Opening", Decimal("8.51"), Decimal("86.58")),
        ("Kimi no Koe", "Insert", Decimal("605"), Decimal("614.2")),
        ("Mata Ashita", "Ending", Decimal("1265.33"), Decimal("1367.91")),
    ]
    assert all(r["src"].startswith("urn:sha256:") and r["file"] == "test-episode.ass" for r in rows)
    assert all("this subtitle file's release (test-episode.ass)" in r["note"] for r in rows)
    # a known song is linked; a new title becomes a song of the work (as in a cue sheet)
    assert rows[0]["song"] == f"{BASE}song/haru-no-kaze"
    assert rows[1]["song"] == f"{BASE}song/kimi-no-koe"
    (cue,) = answer["levels"][0]["cues"]
    assert cue["title"] == "Haru no Kaze" and cue["detected"] is True
    assert cue["method"] == "subtitles (style: OP - romaji)"


def test_named_style_and_srt(store_url):
    res = _run(
        store_url,
        str(ASS),
        "--work",
        "test-series",
        "--episode",
        "3",
        "--style",
        "Chorus",
        "--dry-run",
    )
    assert res.returncode == 0, res.stderr
    assert "insert 00:15:40-00:15:49.300 (2 lines; named style)" in res.stdout
    res = _run(
        store_url,
        str(SRT),
        "--work",
        "test-series",
        "--episode",
        "4",
        "--title",
        "insert=River Song",
    )
    assert res.returncode == 0, res.stderr
    assert "insert 00:05:00-00:05:09.250 (2 lines; ♪ markers)" in res.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ["--work", "test-series", "--episode", "3"],
            "error: the opening at 00:00:08.510-00:01:26.580 has no title",
        ),
        (
            [
                "--work",
                "test-series",
                "--episode",
                "3",
                "--style",
                "Lyrics",
                "--title",
                "opening=x",
            ],
            "error: test-episode.ass has no style 'Lyrics' (styles: Chorus, Default, JP_ED",
        ),
        (
            [
                "--work",
                "No Such Work",
                "--episode",
                "3",
                "--title",
                "opening=a",
                "--title",
                "ending=b",
                "--title",
                "insert=c",
            ],
            "error: unknown work 'No Such Work'",
        ),
    ],
)
def test_errors_are_one_line_and_write_nothing(store_url, args, message):
    res = _run(store_url, str(ASS), *args)
    assert res.returncode == 1
    assert res.stderr.startswith(message), res.stderr
    with open_store(store_url, read_only=True) as store:
        assert not store.ask("ASK { ?c a <https://cuegraph.org/ns#MusicCue> }")


def test_not_a_subtitle_file(store_url, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    res = _run(store_url, str(bad), "--work", "test-series", "--episode", "1")
    assert res.returncode == 1 and "not a subtitle file" in res.stderr
