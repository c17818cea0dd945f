"""AniList harvester against a local GraphQL stand-in serving AniList-shaped fixtures."""

from __future__ import annotations

import copy
import json
from urllib.parse import urlsplit

import pytest
from harvest_support import (
    AL,
    FakeTime,
    R,
    anilist_handler,
    client,
    credits,
    pages,
    serve,
)
from werkzeug import Request, Response

from cuegraph.errors import BadInput, PersonNotFound, UpstreamError
from cuegraph.graph.iris import Minter
from cuegraph.harvest import anilist
from cuegraph.ingest.harvests import write_harvest
from cuegraph.namespaces import sparql_prefixes
from cuegraph.store import open_store
from cuegraph.validate import validate_store
from support import BASE

STAFF_PAGES = pages(AL, "staff-hiromi-mizutani", 3)


pytestmark = pytest.mark.source("anilist")  # the `api` fixture: its stand-in URL


def serve_pages(server, seen: list[dict], staff: list[dict] | None = None) -> None:
    """Answer GraphQL POSTs with the fixture pages, recording the variables."""
    serve(server, anilist=anilist_handler(staff=staff, seen=seen))


def test_staff_harvest_follows_pages_and_writes_music_credits(server, api):
    seen: list[dict] = []
    serve_pages(server, seen)
    http = client()
    harvest = anilist.harvest_staff(http, api, "Hiromi Mizutani")
    assert harvest.key == "staff-hiromi-mizutani" and harvest.source == "anilist"
    assert harvest.license == "anilist-terms"
    # first page searched by name, later pages by the id AniList returned
    assert [v["page"] for v in seen] == [1, 2, 3]
    assert seen[0]["search"] == "Hiromi Mizutani" and "id" not in seen[0]
    assert seen[1]["id"] == seen[2]["id"] == 9100001 and "search" not in seen[1]

    store = open_store("memory:")
    summary = write_harvest(store, Minter(BASE), harvest, http)
    assert summary.graph == BASE + "graph/anilist/staff-hiromi-mizutani"
    m = "Hiromi Mizutani"
    assert credits(store) == {
        (m, R["score_composer"], "Jigoku Shoujo", "Music"),
        (m, R["score_composer"], "Jigoku Shoujo Futakomori", "Music"),
        (m, R["score_composer"], "Non Non Biyori", "Music"),
        (m, R["score_composer"], "Tanaka-kun wa Itsumo Kedaruge", "Music"),
        # theme song roles are credits on the (unnamed) ending song, not on the anime
        (m, R["composer"], "Jigoku Shoujo: Yoi no Togi ending", "Theme Song Composition (ED)"),
        (m, R["arranger"], "Jigoku Shoujo: Yoi no Togi ending", "Theme Song Arrangement (ED)"),
    }
    person = store.select(
        sparql_prefixes()
        + """
        SELECT ?native ?id ?same ?src WHERE {
          ?p schema:name "Hiromi Mizutani" ; cg:nativeName ?native ; cg:anilist ?id ;
             schema:sameAs ?same ; prov:wasDerivedFrom ?src }"""
    )
    assert person == [
        {
            "native": "水谷広実",
            "id": "9100001",
            "same": "https://anilist.co/staff/9100001",
            "src": "https://anilist.co/staff/9100001",
        }
    ]
    work = store.select(
        sparql_prefixes()
        + """
        SELECT ?year ?eps WHERE { ?w schema:name "Non Non Biyori" ; a cg:Series ;
          schema:datePublished ?year ; schema:numberOfEpisodes ?eps }"""
    )
    assert [(str(r["year"]), int(r["eps"])) for r in work] == [("2013", 12)]
    licence = store.select(
        sparql_prefixes()
        + f"""
        SELECT ?l WHERE {{ <{summary.graph}> dcterms:license ?l }}"""
    )
    assert [r["l"] for r in licence] == ["https://anilist.co/terms"]
    assert validate_store(store).conforms


def test_media_harvest_keeps_music_staff_and_strips_qualifiers(server, api):
    seen: list[dict] = []
    serve_pages(server, seen)
    harvest = anilist.harvest_media(client(), api, 9200101)
    assert harvest.key == "media-9200101"
    assert [v["page"] for v in seen] == [1, 2] and all(v["id"] == 9200101 for v in seen)
    store = open_store("memory:")
    write_harvest(store, Minter(BASE), harvest)
    work = "Ano Hi Mita Hana no Namae wo Bokutachi wa Mada Shiranai."
    op, ed = f"{work} opening", f"{work} ending"
    got = credits(store)
    assert got == {
        ("REMEDIOS", R["score_composer"], work, "Music"),
        ("Galileo Galilei", R["performer"], op, "Theme Song Performance (OP)"),
        ("Yuuki Ozaki", R["composer"], op, "Theme Song Composition (OP)"),
        ("Yuuki Ozaki", R["lyricist"], op, "Theme Song Lyrics (OP)"),
        ("Norihiko Machida", R["composer"], ed, "Theme Song Composition (ED)"),
        ("Norihiko Machida", R["lyricist"], ed, "Theme Song Lyrics (ED)"),
        ("Ai Kayano", R["performer"], ed, "Theme Song Performance (ED)"),
        ("Haruka Tomatsu", R["performer"], ed, "Theme Song Performance (ED)"),
        ("Saori Hayami", R["performer"], ed, "Theme Song Performance (ED)"),
    }
    # the director is not a music credit and is not harvested at all
    assert not store.ask(sparql_prefixes() + 'ASK { ?p schema:name "Tatsuyuki Nagai" }')
    # score composer shortcut on the work
    assert store.ask(
        sparql_prefixes()
        + f"""
        ASK {{ ?w schema:name "{work}" ; schema:musicBy/schema:name "REMEDIOS" }}"""
    )


def test_pages_are_capped(server, api):
    seen: list[dict] = []
    serve_pages(server, seen)
    harvest = anilist.harvest_staff(client(), api, "Hiromi Mizutani", max_pages=2)
    assert [v["page"] for v in seen] == [1, 2]
    assert "first 2 pages" in harvest.label
    titles = {r.title for r in harvest.records if type(r).__name__ == "Work"}
    assert "Jigoku Shoujo: Yoi no Togi" not in titles and "Non Non Biyori" in titles


def test_unknown_music_role_is_kept_as_contributor_with_its_text(server, api):
    edited = copy.deepcopy(STAFF_PAGES)
    edited[2]["data"]["Staff"]["staffMedia"]["edges"][1]["staffRole"] = "Theme Song Guitar (ED)"
    serve_pages(server, [], staff=edited)
    store = open_store("memory:")
    write_harvest(store, Minter(BASE), anilist.harvest_staff(client(), api, "Hiromi Mizutani"))
    assert (
        "Hiromi Mizutani",
        R["contributor"],
        "Jigoku Shoujo: Yoi no Togi ending",
        "Theme Song Guitar (ED)",
    ) in credits(store)


@pytest.mark.parametrize("name", ["", "   ", "ab", "*", "Mizu*", "%", "Hiromi?"])
def test_open_ended_staff_searches_are_refused_before_any_request(server, api, name):
    seen: list[dict] = []
    serve_pages(server, seen)
    with pytest.raises(BadInput, match="anilist"):
        anilist.harvest_staff(client(), api, name)
    assert seen == [] and len(server.log) == 0


@pytest.mark.parametrize("media_id", [0, -5, "abc", None, True])
def test_bad_media_ids_are_refused(api, media_id):
    with pytest.raises(BadInput, match="positive integer"):
        anilist.harvest_media(client(), api, media_id)


def test_native_and_reordered_names_are_accepted_but_a_different_person_is_not(server, api):
    serve_pages(server, [])
    assert anilist.harvest_staff(client(), api, "水谷広実").key == "staff-hiromi-mizutani"
    assert anilist.harvest_staff(client(), api, "Mizutani Hiromi").key == "staff-hiromi-mizutani"
    with pytest.raises(PersonNotFound, match="closest match is 'Hiromi Mizutani'"):
        anilist.harvest_staff(client(), api, "Yuki Kajiura")


def test_not_found_is_a_clear_error(server, api):
    server.expect_request("/anilist", method="POST").respond_with_data(
        (AL / "not-found.json").read_bytes(), status=404, content_type="application/json"
    )
    with pytest.raises(PersonNotFound, match="not found"):
        anilist.harvest_staff(client(), api, "Nobody Atall")


BAD_BODIES = {
    "html": (b"<!DOCTYPE html><html><body>Bad gateway</body></html>", "text/html"),
    "truncated": (json.dumps(STAFF_PAGES[0]).encode()[:300], "application/json"),
    "wrong shape": (
        b'{"data": {"Staff": {"id": 1, "name": {"full": "Hiromi Mizutani"}, '
        b'"staffMedia": {"edges": "none"}}}}',
        "application/json",
    ),
    "graphql error": ((AL / "too-many-requests.json").read_bytes(), "application/json"),
    "not an object": (b"[1, 2, 3]", "application/json"),
}


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
def test_malformed_responses_fail_with_upstream_error_and_write_nothing(server, api, kind):
    body, ctype = BAD_BODIES[kind]
    server.expect_request("/anilist", method="POST").respond_with_data(body, content_type=ctype)
    store = open_store("memory:")
    with pytest.raises(UpstreamError):
        write_harvest(store, Minter(BASE), anilist.harvest_staff(client(), api, "Hiromi Mizutani"))
    assert store.triple_count() == 0 and store.graphs() == []


def test_a_bad_later_page_fails_the_whole_harvest(server, api):
    def handler(request: Request) -> Response:
        if request.get_json()["variables"]["page"] == 1:
            return Response(json.dumps(STAFF_PAGES[0]), content_type="application/json")
        return Response("<html>oops</html>", content_type="text/html")

    server.expect_request("/anilist", method="POST").respond_with_handler(handler)
    store = open_store("memory:")
    with pytest.raises(UpstreamError, match="HTML"):
        write_harvest(store, Minter(BASE), anilist.harvest_staff(client(), api, "Hiromi Mizutani"))
    assert store.triple_count() == 0


def test_requests_are_spaced_by_min_interval(server, api):
    serve_pages(server, [])
    ft = FakeTime()
    http = client(ft)
    anilist.harvest_staff(http, api, "Hiromi Mizutani")
    host = urlsplit(api).netloc
    assert http.intervals[host] == anilist.MIN_INTERVAL == 2.0
    assert http.requests_made == 3
    # the first request goes at once, each later one waits the full interval
    assert ft.sleeps == [pytest.approx(2.0), pytest.approx(2.0)]


@pytest.mark.parametrize(
    "text, role, qualifier",
    [
        ("Theme Song Performance (OP)", "performer", "OP"),
        ("Theme Song Composition (ED1)", "composer", "ED1"),
        ("Theme Song Arrangement (OP2, ED2)", "arranger", "OP2, ED2"),
        ("Theme Song Performance (English; OP2)", "performer", "English; OP2"),
        ("Insert Song Lyrics (ep 5) (TV)", "lyricist", "ep 5; TV"),
        ("Music", "score_composer", None),
        ("Series Composition", "contributor", None),
    ],
)
def test_role_strings(text, role, qualifier):
    assert anilist.role_of(text) == (role, qualifier)
    assert anilist.is_music_role(text) == (text != "Series Composition")


def _aldnoah_page(edges: list[tuple[str, int, str]]) -> dict:
    """One AniList Media page (the real response's shape) for Aldnoah.Zero with these
    (role, staff id, full name) edges."""
    return {
        "data": {
            "Media": {
                "id": 20632,
                "type": "ANIME",
                "format": "TV",
                "episodes": 12,
                "siteUrl": "https://anilist.co/anime/20632",
                "title": {
                    "romaji": "ALDNOAH.ZERO",
                    "english": "Aldnoah.Zero",
                    "native": "アルドノア・ゼロ",
                },
                "startDate": {"year": 2014},
                "staff": {
                    "pageInfo": {"currentPage": 1, "hasNextPage": False},
                    "edges": [
                        {
                            "role": role,
                            "node": {
                                "id": sid,
                                "name": {"full": name, "native": None, "alternative": []},
                                "siteUrl": f"https://anilist.co/staff/{sid}",
                            },
                        }
                        for role, sid, name in edges
                    ],
                },
            }
        }
    }


def test_theme_song_composition_is_a_song_credit_never_a_score_credit(server, api):
    # Aldnoah.Zero: Sawano scored it; Kajiura wrote its first opening ("heavenly blue")
    serve(
        server,
        anilist=anilist_handler(
            media=[
                _aldnoah_page(
                    [
                        ("Music", 95, "Hiroyuki Sawano"),
                        ("Theme Song Composition (OP)", 101, "Yuki Kajiura"),
                        ("Theme Song Arrangement (OP2, ED2)", 95, "Hiroyuki Sawano"),
                        ("Theme Song Performance (English; OP2)", 102, "Aimer"),
                        ("Theme Song Lyrics", 103, "cAnON."),
                        ("Insert Song Performance (ep 5)", 104, "mizuki"),
                        ("Animation (ED1)", 105, "Animator"),
                        ("Key Animation (OP)", 106, "Key Animator"),
                    ]
                )
            ]
        ),
    )
    store = open_store("memory:")
    write_harvest(store, Minter(BASE), anilist.harvest_media(client(), api, 20632))
    assert credits(store) == {
        ("Hiroyuki Sawano", R["score_composer"], "ALDNOAH.ZERO", "Music"),
        ("Yuki Kajiura", R["composer"], "ALDNOAH.ZERO opening", "Theme Song Composition (OP)"),
        (
            "Hiroyuki Sawano",
            R["arranger"],
            "ALDNOAH.ZERO opening 2",
            "Theme Song Arrangement (OP2, ED2)",
        ),
        (
            "Hiroyuki Sawano",
            R["arranger"],
            "ALDNOAH.ZERO ending 2",
            "Theme Song Arrangement (OP2, ED2)",
        ),
        (
            "Aimer",
            R["performer"],
            "ALDNOAH.ZERO opening 2",
            "Theme Song Performance (English; OP2)",
        ),
        ("cAnON.", R["lyricist"], "ALDNOAH.ZERO theme song", "Theme Song Lyrics"),
        ("mizuki", R["performer"], "ALDNOAH.ZERO insert song", "Insert Song Performance (ep 5)"),
    }
    # the work's score composer is Sawano alone; Kajiura's credit is on a song of the work
    rows = store.select(
        sparql_prefixes()
        + """
        SELECT ?who WHERE { ?w cg:anilist "20632" ; schema:musicBy/schema:name ?who }"""
    )
    assert [r["who"] for r in rows] == ["Hiroyuki Sawano"]
    song = store.select(
        sparql_prefixes()
        + """
        SELECT ?song ?work WHERE { ?song a cg:Song ; schema:composer/schema:name "Yuki Kajiura" ;
                                         cg:work ?work }"""
    )
    assert song == [{"song": BASE + "song/anilist/20632/op", "work": BASE + "work/anilist/20632"}]
    # the English title is kept as another title of the work
    assert store.ask(
        sparql_prefixes()
        + """
        ASK { ?w cg:anilist "20632" ; schema:name "ALDNOAH.ZERO" ;
                 schema:alternateName "Aldnoah.Zero" ; cg:nativeTitle "アルドノア・ゼロ"@ja }"""
    )
    # animators whose roles carry OP/ED qualifiers are not music staff
    assert not store.ask(sparql_prefixes() + 'ASK { ?p schema:name "Animator" }')
    assert not store.ask(sparql_prefixes() + 'ASK { ?p schema:name "Key Animator" }')
    assert validate_store(store).conforms


@pytest.mark.parametrize(
    "text, slots",
    [
        ("Theme Song Composition (OP)", [("op", None)]),
        ("Theme Song Composition (ED1)", [("ed", 1)]),
        ("Theme Song Arrangement (OP2, ED2)", [("op", 2), ("ed", 2)]),
        ("Theme Song Performance (English; OP2)", [("op", 2)]),
        ("Theme Song Lyrics (OP 3)", [("op", 3)]),
        ("Theme Song Lyrics", [("theme", None)]),
        ("Insert Song Composition (eps 3, 7)", [("insert", None)]),
        ("Music", None),
        ("Music Production", None),
        ("Animation (ED1)", None),
        ("Storyboard (OP, ED)", None),
    ],
)
def test_song_slots(text, slots):
    assert anilist.song_slots(text) == slots
