"""vgmdb.info harvester against a local stand-in serving vgmdb.info-shaped album/artist JSON."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from harvest_support import (
    VG,
    FakeTime,
    R,
    client,
    credits,
    load,
    serve,
    vgmdb_handler,
)

from cuegraph.errors import BadInput, NotFound, UpstreamError
from cuegraph.graph.iris import Minter
from cuegraph.harvest import vgmdb
from cuegraph.ingest.harvests import write_harvest
from cuegraph.namespaces import sparql_prefixes
from cuegraph.records import Recording
from cuegraph.store import open_store
from cuegraph.validate import validate_store
from support import BASE

ALBUM = load(VG / "album-madoka-ost.json")
ARTIST = load(VG / "artist-yuki-kajiura.json")
OST = "Puella Magi Madoka Magica Original Soundtrack I"


pytestmark = pytest.mark.source("vgmdb")  # the `api` fixture: its stand-in URL


def test_album_credits_tracks_and_provenance(server, api):
    serve(server, vgmdb=vgmdb_handler())
    http = client()
    harvest = vgmdb.harvest_album(http, api, 9400001)
    assert harvest.key == "album-9400001" and harvest.license == "vgmdb-unknown"
    store = open_store("memory:")
    summary = write_harvest(store, Minter(BASE), harvest, http)
    assert summary.graph == BASE + "graph/vgmdb/album-9400001"
    assert credits(store) == {
        ("Yuki Kajiura", R["composer"], OST, "Composer"),
        ("Yuki Kajiura", R["arranger"], OST, "Arranger"),
    }
    album = store.select(
        sparql_prefixes()
        + f"""
        SELECT ?native ?year ?same ?src WHERE {{ ?a a cg:Album ; schema:name "{OST}" ;
          cg:nativeTitle ?native ; schema:datePublished ?year ; schema:sameAs ?same ;
          prov:wasDerivedFrom ?src }}"""
    )
    assert [(r["native"], str(r["year"]), r["same"], r["src"]) for r in album] == [
        (
            "魔法少女まどか☆マギカ オリジナルサウンドトラック I",
            "2011",
            "https://vgmdb.net/album/9400001",
            "https://vgmdb.net/album/9400001",
        )
    ]
    tracks = store.select(
        sparql_prefixes()
        + f"""
        SELECT ?t WHERE {{ ?a schema:name "{OST}" ; schema:track/schema:name ?t }}"""
    )
    assert sorted(r["t"] for r in tracks) == ["Credens justitiam", "Decretum", "Sis puella magica!"]
    recs = [r for r in harvest.records if isinstance(r, Recording)]
    assert [(r.key, r.length_seconds) for r in recs][2] == ("vgmdb/9400001/1-3", Decimal(190))
    person = store.select(
        sparql_prefixes()
        + """
        SELECT ?native ?id WHERE { ?p schema:name "Yuki Kajiura" ; cg:nativeName ?native ;
                                      cg:vgmdb ?id }"""
    )
    assert person == [{"native": "梶浦由記", "id": "9400101"}]
    used = store.select(
        sparql_prefixes()
        + f"""
        SELECT ?u WHERE {{ <{summary.graph}> prov:wasGeneratedBy/prov:used ?u }}"""
    )
    assert [r["u"] for r in used] == [api + "/album/9400001?format=json"]
    assert validate_store(store).conforms


def test_unlinked_names_and_vocals(server, api):
    album = copy.deepcopy(ALBUM)
    album["vocals"] = [{"names": {"en": "Guest Singer"}}]
    serve(server, vgmdb=vgmdb_handler(album=album))
    harvest = vgmdb.harvest_album(client(), api, 9400001)
    store = open_store("memory:")
    write_harvest(store, Minter(BASE), harvest)
    assert ("Guest Singer", R["singer"], OST, "Vocals") in credits(store)
    keys = {r.key for r in harvest.records if type(r).__name__ == "Person"}
    assert keys == {"vgmdb/9400101", "vgmdb/name/guest-singer"}


def test_artist_discography_roles_including_unknown_ones(server, api):
    artist = copy.deepcopy(ARTIST)
    artist["discography"][0]["roles"].append("Theremin (as FictionJunction)")
    serve(server, vgmdb=vgmdb_handler(artist=artist))
    harvest = vgmdb.harvest_artist(client(), api, 9400101)
    assert harvest.key == "artist-9400101"
    store = open_store("memory:")
    write_harvest(store, Minter(BASE), harvest)
    k = "Yuki Kajiura"
    assert credits(store) == {
        (k, R["composer"], "Magia", "Composer"),
        (k, R["arranger"], "Magia", "Arranger"),
        (k, R["lyricist"], "Magia", "Lyricist"),
        (k, R["contributor"], "Magia", "Theremin (as FictionJunction)"),
        (k, R["composer"], OST, "Composer"),
        (k, R["arranger"], OST, "Arranger"),
    }
    note = store.select(
        sparql_prefixes()
        + """
        SELECT ?n WHERE { ?c cg:roleText "Theremin (as FictionJunction)" ; cg:note ?n }"""
    )
    assert [r["n"] for r in note] == ["as FictionJunction"]
    person = store.select(
        sparql_prefixes()
        + """
        SELECT ?native ?alias ?kind WHERE { ?p cg:vgmdb "9400101" ; cg:nativeName ?native ;
          schema:alternateName ?alias ; cg:kind ?kind }"""
    )
    # the credited-as name ("as FictionJunction") is one of the artist's names too
    assert sorted(r["alias"] for r in person) == ["FictionJunction", "かじうら ゆき"]
    assert {(r["native"], r["kind"]) for r in person} == {("梶浦由記", "person")}


@pytest.mark.parametrize("value", [0, -1, "79a", None, False])
def test_bad_ids_are_refused(api, value):
    with pytest.raises(BadInput, match="positive integer"):
        vgmdb.harvest_album(client(), api, value)
    with pytest.raises(BadInput, match="positive integer"):
        vgmdb.harvest_artist(client(), api, value)


def test_missing_album_is_not_found(server, api):
    server.expect_request("/vgmdb/album/9499999").respond_with_data("Not Found", status=404)
    with pytest.raises(NotFound, match="no album 9499999"):
        vgmdb.harvest_album(client(), api, 9499999)


def test_not_found_is_decided_by_the_status_code_not_the_message(server, api):
    """A 403 whose body says "HTTP 404" is still the source refusing, not a missing album
    (the old check searched the message for "HTTP 404")."""
    server.expect_request("/vgmdb/album/9499998").respond_with_data(
        "HTTP 404 page moved", status=403
    )
    with pytest.raises(UpstreamError, match="HTTP 403: HTTP 404 page moved") as err:
        vgmdb.harvest_album(client(), api, 9499998)
    assert not isinstance(err.value, NotFound) and err.value.http_status == 403


BAD_BODIES = {
    "html": (b"<html><body><h1>vgmdb.info is down</h1></body></html>", "text/html"),
    "truncated": (json.dumps(ALBUM).encode()[:400], "application/json"),
    "not an album": (b'{"error": "nope"}', "application/json"),
    "bad credits": (
        json.dumps({**ALBUM, "composers": "Yuki Kajiura"}).encode(),
        "application/json",
    ),
    "bad tracks": (
        json.dumps({**ALBUM, "discs": [{"tracks": ["x"]}]}).encode(),
        "application/json",
    ),
    "a list": (b"[]", "application/json"),
}


@pytest.mark.parametrize("kind", sorted(BAD_BODIES))
def test_malformed_responses_fail_with_upstream_error_and_write_nothing(server, api, kind):
    body, ctype = BAD_BODIES[kind]
    server.expect_request("/vgmdb/album/9400001").respond_with_data(body, content_type=ctype)
    store = open_store("memory:")
    with pytest.raises(UpstreamError):
        write_harvest(store, Minter(BASE), vgmdb.harvest_album(client(), api, 9400001))
    assert store.triple_count() == 0 and store.graphs() == []


def test_artist_that_is_not_an_artist_fails(server, api):
    serve(server, vgmdb=vgmdb_handler(artist={"name": "Yuki Kajiura", "discography": "none"}))
    with pytest.raises(UpstreamError, match="not an artist"):
        vgmdb.harvest_artist(client(), api, 9400101)


def test_requests_are_spaced_one_per_second(server, api):
    serve(server, vgmdb=vgmdb_handler())
    ft = FakeTime()
    http = client(ft)
    vgmdb.harvest_album(http, api, 9400001)
    vgmdb.harvest_artist(http, api, 9400101)
    vgmdb.harvest_album(http, api, 9400001)
    assert http.intervals[urlsplit(api).netloc] == vgmdb.MIN_INTERVAL == 1.0
    assert http.requests_made == 3
    assert ft.sleeps == [pytest.approx(1.0), pytest.approx(1.0)]


# -- role wordings and names (issue #11) ----------------------------------------------------


def test_composer_role_wordings_and_credited_as_names(server, api):
    """VGMdb writes "Composer (also as X)", "Composer (as X)", "Composer*" and "Original
    Composer"; all are composer credits (they fell to contributor), the X a credited-as
    name of the artist."""
    artist = copy.deepcopy(ARTIST)
    artist["discography"][0]["roles"] = [
        "Composer (also as FictionJunction YUKI KAJIURA)",
        "Arranger*",
        "Lyricist (as Kajiura Yuki)",
    ]
    artist["discography"][1]["roles"] = ["Original Composer", "Composer*"]
    serve(server, vgmdb=vgmdb_handler(artist=artist))
    harvest = vgmdb.harvest_artist(client(), api, 9400101)
    store = open_store("memory:")
    write_harvest(store, Minter(BASE), harvest)
    k = "Yuki Kajiura"
    assert credits(store) == {
        (k, R["composer"], "Magia", "Composer (also as FictionJunction YUKI KAJIURA)"),
        (k, R["arranger"], "Magia", "Arranger*"),
        (k, R["lyricist"], "Magia", "Lyricist (as Kajiura Yuki)"),
        (k, R["composer"], OST, "Original Composer"),
        (k, R["composer"], OST, "Composer*"),
    }
    notes = store.select(sparql_prefixes() + "SELECT ?n WHERE { ?c cg:note ?n }")
    assert sorted(r["n"] for r in notes) == ["as FictionJunction YUKI KAJIURA", "as Kajiura Yuki"]
    aliases = store.select(
        sparql_prefixes()
        + """
        SELECT ?a WHERE { ?p cg:vgmdb "9400101" ; schema:alternateName ?a }"""
    )
    # the credited-as name is kept; "Kajiura Yuki" is her own name in another order
    assert sorted(r["a"] for r in aliases) == ["FictionJunction YUKI KAJIURA", "かじうら ゆき"]


def test_native_names_with_and_without_a_space_are_one_name(server, api):
    album = copy.deepcopy(ALBUM)
    linked = {"link": "artist/9400101", "names": {"en": "Yuki Kajiura", "ja": "梶浦 由記"}}
    album["arrangers"] = [linked]  # the composers entry says 梶浦由記
    album["performers"] = [{"names": {"ja": "梶浦 由記"}}]
    album["lyricists"] = [{"names": {"ja": "梶浦由記"}}]
    serve(server, vgmdb=vgmdb_handler(album=album))
    harvest = vgmdb.harvest_album(client(), api, 9400001)
    people = [r for r in harvest.records if type(r).__name__ == "Person"]
    by_key = {p.key: p for p in people}
    assert len(people) == len(by_key) == 2  # the linked artist, one unlinked name
    me = by_key["vgmdb/9400101"]
    assert (me.name, me.native_name, me.aliases) == ("Yuki Kajiura", "梶浦由記", ())
    (unlinked,) = [p for k, p in by_key.items() if k.startswith("vgmdb/name/")]
    assert unlinked.name in ("梶浦 由記", "梶浦由記")
    store = open_store("memory:")
    write_harvest(store, Minter(BASE), harvest)
    natives = store.select(
        sparql_prefixes()
        + """
        SELECT ?n WHERE { ?p cg:vgmdb "9400101" ; cg:nativeName ?n }"""
    )
    assert natives == [{"n": "梶浦由記"}]


def test_names_in_en_ja_and_ja_latn(server, api):
    album = copy.deepcopy(ALBUM)
    album["lyricists"] = [{"names": {"ja": "梶浦由記", "ja-latn": "Kajiura Yuki"}}]
    del album["names"]["en"]
    serve(server, vgmdb=vgmdb_handler(album=album))
    harvest = vgmdb.harvest_album(client(), api, 9400001)
    (alb,) = [r for r in harvest.records if type(r).__name__ == "Album"]
    assert alb.title == "Mahou Shoujo Madoka Magica Original Soundtrack I"  # ja-latn
    assert alb.native_title == "魔法少女まどか☆マギカ オリジナルサウンドトラック I"
    unlinked = [
        r
        for r in harvest.records
        if type(r).__name__ == "Person" and r.key.startswith("vgmdb/name/")
    ]
    assert [(p.name, p.native_name) for p in unlinked] == [("Kajiura Yuki", "梶浦由記")]
