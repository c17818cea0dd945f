"""MusicBrainz harvester against a local WS/2 stand-in serving fixtures in the API's shape."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from harvest_support import KAJIURA_MBID, MB, mb_handler, serve
from harvest_support import client as _client

from cuegraph.errors import BadInput, UpstreamError
from cuegraph.harvest import musicbrainz
from cuegraph.ingest.harvests import write_harvest
from cuegraph.namespaces import sparql_prefixes
from cuegraph.records import Album, Credit, Person, Recording, Song
from cuegraph.store import open_store

MBP = "0000c0de-0000-4000-8000-0000000"
K = f"musicbrainz/{KAJIURA_MBID}"


def _harvest(server, artist="Yuki Kajiura", client=None):
    serve(server, musicbrainz=mb_handler())
    return musicbrainz.harvest_artist(
        client or _client(), server.url_for("/ws/2"), artist, page_size=2
    )


def test_kajiura_by_name_credits_and_roles(server):
    h = _harvest(server)
    assert (h.source, h.key, h.license) == ("musicbrainz", f"artist-{KAJIURA_MBID}", "cc0")
    people = {p.key: p for p in h.records if isinstance(p, Person)}
    me = people[K]
    assert me.name == "Yuki Kajiura" and me.native_name == "梶浦由記"
    assert me.aliases == ("Kajiura Yuki",)
    assert dict(me.ids) == {
        "musicbrainz": KAJIURA_MBID,
        "wikidata": "Q900001",
        "vgmdb": "90010",
    }  # from the url relationships
    assert people[f"musicbrainz/{MBP}0a002"].kind == "group"  # Kalafina
    songs = {s.key: s.title for s in h.records if isinstance(s, Song)}
    assert sorted(songs.values()) == [
        "ARIA",
        "Credens justitiam",
        "Magia",
        "Sis puella magica!",
        "oblivious",
    ]
    credits = {
        (c.agent, c.role, c.target_kind, songs.get(c.target, c.target), c.role_text)
        for c in h.records
        if isinstance(c, Credit)
    }
    magia_rec, sis_rec = f"musicbrainz/{MBP}0c001", f"musicbrainz/{MBP}0c002"
    album = f"musicbrainz/{MBP}f0001"
    assert credits == {
        (K, "composer", "song", "ARIA", "composer"),
        (K, "lyricist", "song", "ARIA", "lyricist"),
        (K, "composer", "song", "Credens justitiam", "composer"),
        (K, "arranger", "song", "Magia", "arranger"),
        (K, "composer", "song", "Magia", "composer"),
        (K, "lyricist", "song", "Magia", "lyricist"),
        (K, "composer", "song", "oblivious", "composer"),
        (K, "lyricist", "song", "oblivious", "lyricist"),
        # "writer" is not in the role table: kept as contributor with its text
        (K, "contributor", "song", "Sis puella magica!", "writer"),
        (f"musicbrainz/{MBP}0a002", "performer", "recording", magia_rec, "artist credit"),
        (K, "arranger", "recording", magia_rec, "arranger"),
        (K, "performer", "recording", sis_rec, "artist credit"),
        (K, "performer", "album", album, "artist credit"),
    }
    recs = {r.key: r for r in h.records if isinstance(r, Recording)}
    assert songs[recs[magia_rec].song] == "Magia"
    assert recs[magia_rec].length_seconds == Decimal("263")
    (alb,) = [a for a in h.records if isinstance(a, Album)]
    assert alb.year == 2011
    # every record names the API URL it came from
    assert all(urlsplit(r.source).path.startswith("/ws/2/") for r in h.records)


def test_browses_every_page(server):
    client = _client()
    _harvest(server, client=client)
    work_pages = [
        parse_qs(urlsplit(req.url).query)
        for req, _ in server.log
        if urlsplit(req.url).path == "/ws/2/work"
    ]
    assert [(q["offset"], q["limit"], q["inc"]) for q in work_pages] == [
        (["0"], ["2"], ["artist-rels"]),
        (["2"], ["2"], ["artist-rels"]),
        (["4"], ["2"], ["artist-rels"]),
    ]
    # search, lookup, 3 work pages, 1 recording page, 1 release-group page
    assert client.requests_made == 7 == len(server.log)
    assert client.planned == 7


def test_every_request_asks_json_with_our_user_agent(server):
    _harvest(server)
    for req, _ in server.log:
        assert parse_qs(urlsplit(req.url).query)["fmt"] == ["json"]
        ua = req.headers["User-Agent"]
        assert ua.startswith("cuegraph/") and "(tests@cuegraph.invalid)" in ua


def test_by_mbid_skips_the_search(server):
    h = _harvest(server, artist=KAJIURA_MBID.upper())
    first = urlsplit(server.log[0][0].url)
    assert first.path == f"/ws/2/artist/{KAJIURA_MBID}"
    assert parse_qs(first.query)["inc"] == ["aliases url-rels"]
    assert any(isinstance(r, Credit) for r in h.records)


def test_unknown_artist_and_unknown_mbid(server):
    with pytest.raises(BadInput, match="no artist named 'FictionJunctio'"):
        _harvest(server, artist="FictionJunctio")
    with pytest.raises(UpstreamError, match="HTTP 404: Not Found"):
        musicbrainz.harvest_artist(
            _client(), server.url_for("/ws/2"), "ffffffff-0000-4000-8000-000000000000"
        )


def test_written_graph(server, minter):
    client = _client()
    h = _harvest(server, client=client)
    store = open_store("memory:")
    summary = write_harvest(store, minter, h, client)
    assert summary.records == len(h.records)
    base = "https://cuegraph.org/id/"
    assert store.ask(
        sparql_prefixes()
        + f"""ASK {{
        ?song schema:name "Magia" ; schema:composer <{base}person/{K}> ;
              schema:lyricist <{base}person/{K}> .
        ?c cg:role cg:Contributor ; cg:roleText "writer" ; prov:wasDerivedFrom ?url .
        <{summary.graph}> dcterms:license <http://creativecommons.org/publicdomain/zero/1.0/>
    }}"""
    )


# -- choosing the artist by name, never by the search score (issue #11) --------------------


def _search_answer(server, fixture: str):
    plain = mb_handler()

    def handle(request):
        if request.path == "/ws/2/artist" and "query" in request.args:
            from werkzeug import Response

            return Response((MB / fixture).read_bytes(), content_type="application/json")
        return plain(request)

    serve(server, musicbrainz=handle)


def test_a_score_100_top_hit_with_another_name_is_not_taken(server):
    """The search server scores its top hit 100 whatever it is: for "Yuki Kajiura" it
    returned Howard Shore, and the harvest took him."""
    _search_answer(server, "artist-search-top-hit-other.json")
    with pytest.raises(BadInput) as err:
        musicbrainz.harvest_artist(_client(), server.url_for("/ws/2"), "Yuki Kajiura")
    message = err.value.message
    assert message.startswith("MusicBrainz has no artist named 'Yuki Kajiura'")
    # the candidates are listed with their MBIDs, to pass one
    assert "Howard Shore (Person) 0000c0de-0000-4000-8000-00000000b001" in message
    assert "FictionJunction (Yuki Kajiura's project) 0000c0de" in message
    assert "pass an MBID" in message
    assert len(server.log) == 1  # nothing harvested after the search


def test_the_artist_is_found_by_name_below_a_top_hit(server):
    _search_answer(server, "artist-search-kajiura-second.json")
    for asked in ("kajiura yuki", "Yuki Kajiura", "梶浦由記", "ＹＵＫＩ　ＫＡＪＩＵＲＡ"):
        assert musicbrainz.find_artist(_client(), server.url_for("/ws/2"), asked) == KAJIURA_MBID, (
            asked
        )


def test_two_artists_with_the_same_name_are_listed_not_guessed(server, tmp_path):
    import json

    data = json.loads((MB / "artist-search-kajiura.json").read_text())
    twin = dict(
        data["artists"][0],
        id="0000c0de-0000-4000-8000-00000000b002",
        disambiguation="another person",
        score=90,
    )
    twin["aliases"] = []
    data["artists"].append(twin)
    (tmp_path / "twins.json").write_text(json.dumps(data))
    plain = mb_handler()

    def handle(request):
        if request.path == "/ws/2/artist" and "query" in request.args:
            from werkzeug import Response

            return Response(json.dumps(data), content_type="application/json")
        return plain(request)

    serve(server, musicbrainz=handle)
    with pytest.raises(BadInput, match="2 artists named 'Yuki Kajiura'") as err:
        musicbrainz.find_artist(_client(), server.url_for("/ws/2"), "Yuki Kajiura")
    assert KAJIURA_MBID in err.value.message and "b002" in err.value.message
