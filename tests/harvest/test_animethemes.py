"""AnimeThemes harvester against a local JSON:API stand-in serving AnimeThemes-shaped pages."""

from __future__ import annotations

import copy
import json
from urllib.parse import urlsplit

import pytest
from harvest_support import (
    AT,
    FakeTime,
    animethemes_handler,
    client,
    load,
    pages,
    serve,
)

from cuegraph.errors import BadInput, NotFound, UpstreamError
from cuegraph.graph.iris import Minter
from cuegraph.harvest import animethemes
from cuegraph.ingest.harvests import write_harvest
from cuegraph.namespaces import sparql_prefixes
from cuegraph.store import open_store
from cuegraph.validate import validate_store
from support import BASE

PAGES = pages(AT, "search-anohana", 2)
TV = "Ano Hi Mita Hana no Namae wo Bokutachi wa Mada Shiranai."
MOVIE = TV + " Movie"
SECRET_BASE = "secret base ~Kimi ga Kureta Mono~ (10 years after Ver.)"


pytestmark = pytest.mark.source("animethemes")  # the `api` fixture: its stand-in URL


def serve_pages(server, answers: list[dict], seen: list[dict]) -> None:
    """Answer ``GET /anime`` with ``answers[page[number] - 1]``, recording the query."""
    serve(server, animethemes=animethemes_handler(answers, seen))


def harvest_into_store(http, api, name="anohana"):
    harvest = animethemes.harvest_anime(http, api, name)
    store = open_store("memory:")
    summary = write_harvest(store, Minter(BASE), harvest, http)
    return harvest, store, summary


def test_search_follows_pages_and_keeps_only_matching_anime(server, api):
    seen: list[dict] = []
    serve_pages(server, PAGES, seen)
    harvest, store, summary = harvest_into_store(client(), api)
    assert harvest.key == "anime-anohana" and harvest.license == "animethemes-terms"
    assert summary.graph == BASE + "graph/animethemes/anime-anohana"
    assert [s["page[number]"] for s in seen] == ["1", "2"]
    assert all(s["q"] == "anohana" for s in seen)
    assert seen[0]["include"] == (
        "animesynonyms,animethemes.animethemeentries,"
        "animethemes.song.artists,"
        "animethemes.song.performances.artist,"
        "animethemes.song.performances.member"
    )
    works = store.select(sparql_prefixes() + "SELECT ?t WHERE { ?w a cg:Work ; schema:name ?t }")
    # matched through the "AnoHana" synonyms; the fuzzy hit "Ano Natsu de Matteru" is dropped
    assert sorted(r["t"] for r in works) == [TV, MOVIE]
    film = store.ask(sparql_prefixes() + f'ASK {{ ?w schema:name "{MOVIE}" ; a cg:Film }}')
    assert film
    assert validate_store(store).conforms


def test_performers_are_credited_on_songs_with_their_character(server, api):
    serve_pages(server, PAGES, [])
    _, store, _ = harvest_into_store(client(), api)
    rows = store.select(
        sparql_prefixes()
        + """
        SELECT ?who ?song ?note ?text WHERE {
          ?c a cg:Credit ; cg:role relators:prf ; cg:agent/schema:name ?who ;
             cg:credits ?s ; cg:roleText ?text . ?s a cg:Song ; schema:name ?song .
          OPTIONAL { ?c cg:note ?note } }"""
    )
    got = {(r["who"], r["song"], r.get("note"), r["text"]) for r in rows}
    assert got == {
        ("Galileo Galilei", "Aoi Shiori", None, "performer"),
        ("Ai Kayano", SECRET_BASE, 'as Meiko "Menma" Honma', "performer"),
        ("Haruka Tomatsu", SECRET_BASE, 'as Naruko "Anaru" Anjou', "performer"),
        ("Saori Hayami", SECRET_BASE, 'as Chiriko "Tsuruko" Tsurumi', "performer"),
    }
    # no composer/lyricist/arranger credits: AnimeThemes has none
    roles = store.select(sparql_prefixes() + "SELECT DISTINCT ?r WHERE { ?c cg:role ?r }")
    assert [r["r"] for r in roles] == ["http://id.loc.gov/vocabulary/relators/prf"]


def test_episode_ranges_become_untimed_cues_with_usage(server, api):
    serve_pages(server, PAGES, [])
    _, store, _ = harvest_into_store(client(), api)
    rows = store.select(
        sparql_prefixes()
        + """
        SELECT ?work ?n ?usage ?song ?start WHERE {
          ?c a cg:MusicCue ; cg:usage ?usage ; cg:song/schema:name ?song ;
             cg:episode ?e . ?e schema:episodeNumber ?n ; cg:work/schema:name ?work .
          OPTIONAL { ?c schema:startOffset ?start } }"""
    )
    assert all(r.get("start") is None for r in rows)
    cues = {(r["work"], int(r["n"]), r["usage"].rsplit("#", 1)[1], r["song"]) for r in rows}
    expected = {(TV, n, "Opening", "Aoi Shiori") for n in range(1, 11)}
    # the ending's two versions: episodes "1-10" and "11"
    expected |= {(TV, n, "Ending", SECRET_BASE) for n in range(1, 12)}
    # a film without an episode range is its own episode 1
    expected |= {(MOVIE, 1, "Ending", SECRET_BASE)}
    assert cues == expected
    # the same AnimeThemes song is one song node, used by both works
    songs = store.select(
        sparql_prefixes()
        + f"""
        SELECT ?s WHERE {{ ?s a cg:Song ; schema:name "{SECRET_BASE}" }}"""
    )
    assert len(songs) == 1


def test_insert_themes_and_listed_episodes(server, api):
    pages = copy.deepcopy(PAGES)
    theme = pages[0]["anime"][0]["animethemes"][0]
    theme["type"] = "IN"
    theme["animethemeentries"][0]["episodes"] = "1-3, 5"
    serve_pages(server, pages, [])
    _, store, _ = harvest_into_store(client(), api)
    rows = store.select(
        sparql_prefixes()
        + """
        SELECT ?n WHERE { ?c cg:usage cg:Insert ; cg:song/schema:name "Aoi Shiori" ;
                          cg:episode/schema:episodeNumber ?n }"""
    )
    assert sorted(int(r["n"]) for r in rows) == [1, 2, 3, 5]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1-10", list(range(1, 11))),
        ("11", [11]),
        ("1-3, 5", [1, 2, 3, 5]),
        ("2\u20134", [2, 3, 4]),
        ("1-3, 2-4", [1, 2, 3, 4]),
        ("", []),
        (None, []),
        ("Movie", []),
        ("5-3", []),
        ("0", []),
        ("1-999999", []),
        ("12, x, 13", [12, 13]),
    ],
)
def test_parse_episodes(text, expected):
    assert animethemes.parse_episodes(text) == expected


def test_page_cap(server, api):
    seen: list[dict] = []
    serve_pages(server, PAGES, seen)
    harvest = animethemes.harvest_anime(client(), api, "anohana", max_pages=1)
    assert len(seen) == 1 and "first 1 pages" in harvest.label
    titles = {getattr(r, "title", None) for r in harvest.records}
    assert TV in titles and MOVIE not in titles


def test_no_match_is_not_found(server, api):
    serve_pages(server, [load(AT / "search-empty.json")], [])
    with pytest.raises(NotFound, match="no anime named 'zzz nothing'"):
        animethemes.harvest_anime(client(), api, "zzz nothing")


def test_empty_name_is_refused_before_any_request(server, api):
    serve_pages(server, PAGES, [])
    for name in ("", "  ", "!"):
        with pytest.raises(BadInput):
            animethemes.harvest_anime(client(), api, name)
    assert len(server.log) == 0


BAD_BODIES = {
    "html": (b"<html><head><title>502</title></head><body>Bad Gateway</body></html>", "text/html"),
    "truncated": (json.dumps(PAGES[0]).encode()[:500], "application/json"),
    "no anime list": (b'{"message": "Server Error"}', "application/json"),
    "wrong shape": (
        json.dumps({"anime": [{"id": "x", "name": "AnoHana"}], "links": {"next": None}}).encode(),
        "application/json",
    ),
    "bad themes": (
        json.dumps(
            {"anime": [{"id": 1, "name": "AnoHana", "animethemes": "OP"}], "links": {"next": None}}
        ).encode(),
        "application/json",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
def test_malformed_responses_fail_with_upstream_error_and_write_nothing(server, api, kind):
    body, ctype = BAD_BODIES[kind]
    server.expect_request("/animethemes/anime").respond_with_data(body, content_type=ctype)
    store = open_store("memory:")
    with pytest.raises(UpstreamError):
        write_harvest(store, Minter(BASE), animethemes.harvest_anime(client(), api, "anohana"))
    assert store.triple_count() == 0 and store.graphs() == []


def test_requests_are_spaced_by_min_interval(server, api):
    serve_pages(server, PAGES, [])
    ft = FakeTime()
    http = client(ft)
    animethemes.harvest_anime(http, api, "anohana")
    assert http.intervals[urlsplit(api).netloc] == animethemes.MIN_INTERVAL
    assert animethemes.MIN_INTERVAL == pytest.approx(60 / 90)
    assert http.requests_made == 2
    assert ft.sleeps == [pytest.approx(60 / 90)]


def test_performances_credit_groups_and_their_members(server, api):
    """``song.performances`` (the current model; ``artists`` is deprecated upstream) names a
    group's members: the group is a group, each member is credited too."""
    serve_pages(server, [load(AT / "search-madoka-performances.json")], [])
    harvest, store, _ = harvest_into_store(client(), api, "madoka")
    rows = store.select(
        sparql_prefixes()
        + """
        SELECT ?who ?song ?note WHERE {
          ?c a cg:Credit ; cg:role relators:prf ; cg:agent/schema:name ?who ;
             cg:credits/schema:name ?song . OPTIONAL { ?c cg:note ?note } }"""
    )
    assert {(r["who"], r["song"], r.get("note")) for r in rows} == {
        ("ClariS", "Connect", None),
        ("Kalafina", "Magia", None),
        ("Wakana", "Magia", "member of Kalafina"),
        ("Keiko", "Magia", "member of Kalafina"),
        ("Hikaru", "Magia", "member of Kalafina"),
    }
    people = {p.name: p for p in harvest.records if type(p).__name__ == "Person"}
    assert len(people) == 5 == len({p.key for p in people.values()})
    assert people["Kalafina"].kind == "group" and people["Wakana"].kind == "person"
    cues = store.select(
        sparql_prefixes()
        + """
        SELECT ?n WHERE { ?c a cg:MusicCue ; cg:song/schema:name "Magia" ;
                          cg:episode/schema:episodeNumber ?n }"""
    )
    assert sorted(int(r["n"]) for r in cues) == [3, 4, 5, 6, 7, 8]
    assert validate_store(store).conforms


def test_a_performance_without_an_artist_is_a_shape_error(server, api):
    page = load(AT / "search-madoka-performances.json")
    page["anime"][0]["animethemes"][0]["song"]["performances"] = [{"id": 1, "artist": None}]
    serve_pages(server, [page], [])
    with pytest.raises(UpstreamError, match="performance.artist"):
        animethemes.harvest_anime(client(), api, "madoka")
