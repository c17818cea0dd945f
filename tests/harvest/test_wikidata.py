"""Wikidata harvester against a local WDQS stand-in (real SPARQLWrapper requests)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from harvest_support import WD, serve, wdqs_handler
from harvest_support import client as _client

from cuegraph.errors import BadInput
from cuegraph.harvest import wikidata
from cuegraph.ingest.harvests import write_harvest
from cuegraph.namespaces import sparql_prefixes
from cuegraph.records import Album, Credit, Person, Song, Work
from cuegraph.store import open_store


def _credits(records):
    return {
        (c.agent, c.role, c.target_kind, c.target, c.role_text)
        for c in records
        if isinstance(c, Credit)
    }


def test_kajiura_credits_roles_and_ids(server):
    serve(server, wikidata=wdqs_handler())
    h = wikidata.harvest_composer(_client(), server.url_for("/sparql"), "Yuki Kajiura")
    assert (h.source, h.key, h.license) == ("wikidata", "person-Q900001", "cc0")
    people = {p.key: p for p in h.records if isinstance(p, Person)}
    kajiura = people["wikidata/Q900001"]
    assert kajiura.name == "Yuki Kajiura" and kajiura.native_name == "梶浦由記"
    assert dict(kajiura.ids) == {
        "wikidata": "Q900001",
        "musicbrainz": "0000c0de-0000-4000-8000-00000000a001",
        "vgmdb": "90010",
        "anidb": "90011",
        "anilist": "90012",
        "mal": "90013",
    }
    assert people["wikidata/Q900002"].kind == "group"
    works = {w.key: w for w in h.records if isinstance(w, Work)}
    assert works["wikidata/Q900101"].type == "series"
    assert dict(works["wikidata/Q900101"].ids)["anilist"] == "90001"
    assert works["wikidata/Q900103"].type == "film" and works["wikidata/Q900103"].year == 2007
    assert {s.key for s in h.records if isinstance(s, Song)} == {
        "wikidata/Q900102",
        "wikidata/Q900104",
    }
    album = next(a for a in h.records if isinstance(a, Album))
    assert dict(album.ids)["musicbrainz"] == "0000c0de-0000-4000-8000-0000000f0001"
    k = "wikidata/Q900001"
    assert _credits(h.records) == {
        (k, "score_composer", "work", "wikidata/Q900101", "P86"),  # P86 on a series: score
        (k, "score_composer", "work", "wikidata/Q900103", "P86"),
        (k, "composer", "song", "wikidata/Q900102", "P86"),
        (k, "lyricist", "song", "wikidata/Q900102", "P676"),
        ("wikidata/Q900002", "performer", "song", "wikidata/Q900102", "P175"),
        (k, "composer", "song", "wikidata/Q900104", "P86"),
        (k, "lyricist", "song", "wikidata/Q900104", "P676"),
        (k, "performer", "album", "wikidata/Q900105", "P175"),
    }
    assert all(
        r.source.startswith("https://www.wikidata.org/wiki/Special:EntityData/Q") for r in h.records
    )


def test_pages_with_limit_offset(server):
    serve(server, wikidata=wdqs_handler())
    client = _client()
    h = wikidata.harvest_person(client, server.url_for("/sparql"), "Q900001", page_size=3)
    queries = [parse_qs(urlsplit(req.url).query)["query"][0] for req, _ in server.log]
    pages = [re.search(r"LIMIT (\d+) OFFSET (\d+)", q).groups() for q in queries]
    assert pages == [("3", "0"), ("3", "3"), ("3", "6")]  # 8 rows: 3 + 3 + 2
    assert len(_credits(h.records)) == 8
    assert client.planned == 3 and client.requests_made == 3


def test_goes_through_sparqlwrapper_with_our_user_agent(server):
    serve(server, wikidata=wdqs_handler())
    wikidata.harvest_person(_client(), server.url_for("/sparql"), "Q900001")
    req = server.log[0][0]
    ua = req.headers["User-Agent"]
    assert ua.startswith("cuegraph/") and "(tests@cuegraph.invalid)" in ua
    assert "SPARQLWrapper/" in ua
    args = parse_qs(urlsplit(req.url).query)
    assert args["format"] == ["json"] and args["output"] == ["json"]  # SPARQLWrapper's params
    assert "VALUES (?person ?work) { (wd:Q900001 UNDEF) }" in args["query"][0]
    assert not args["query"][0].startswith("#")  # comment header not sent


def test_unknown_property_is_kept(server):
    serve(server, wikidata=wdqs_handler(credits=WD / "credits-unknown-property.json"))
    h = wikidata.harvest_person(_client(), server.url_for("/sparql"), "Q900001")
    (credit,) = [c for c in h.records if isinstance(c, Credit)]
    assert credit.role == "contributor" and credit.role_text == "P1431"


def test_written_graph_has_credits_and_cc0_licence(server, minter):
    serve(server, wikidata=wdqs_handler())
    client = _client()
    h = wikidata.harvest_composer(client, server.url_for("/sparql"), "Yuki Kajiura")
    store = open_store("memory:")
    summary = write_harvest(store, minter, h, client)
    assert summary.graph == "https://cuegraph.org/id/graph/wikidata/person-Q900001"
    assert store.ask(
        sparql_prefixes()
        + """ASK { <https://cuegraph.org/id/work/wikidata/Q900101>
        schema:musicBy <https://cuegraph.org/id/person/wikidata/Q900001> }"""
    )
    assert store.ask(
        sparql_prefixes()
        + f"""ASK {{ <{summary.graph}> dcterms:license
        <http://creativecommons.org/publicdomain/zero/1.0/> ; prov:wasGeneratedBy ?run .
        ?run prov:used ?u FILTER(STRSTARTS(STR(?u), "{server.url_for("/sparql")}")) }}"""
    )


def test_bad_input(server, tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text('{"head": {"vars": ["person"]}, "results": {"bindings": []}}')
    serve(server, wikidata=wdqs_handler(find=empty))
    with pytest.raises(BadInput, match="not a Wikidata item id"):
        wikidata.harvest_person(_client(), server.url_for("/sparql"), "Kajiura")
    with pytest.raises(BadInput, match="no composer, lyricist or performer labelled"):
        # the find query's answer has no ?person bindings
        wikidata.harvest_composer(_client(), server.url_for("/sparql"), "Nobody At All")


def test_work_harvest_asks_for_the_work(server):
    serve(server, wikidata=wdqs_handler())
    h = wikidata.harvest_work(_client(), server.url_for("/sparql"), "q900101")
    assert h.key == "work-Q900101"
    query = parse_qs(urlsplit(server.log[0][0].url).query)["query"][0]
    assert "VALUES (?person ?work) { (UNDEF wd:Q900101) }" in query
    assert "wdt:P31/wdt:P279* wd:Q215380" in query  # groups recognised through subclasses


# -- finding people by name (issue #11) -----------------------------------------------------


@pytest.mark.parametrize(
    "asked", ["yuki kajiura", "YUKI KAJIURA", "Kajiura Yuki", "Yūki Kajiura", "梶浦由記"]
)
def test_composer_is_found_through_the_search_api(server, asked):
    """wbsearchentities ignores case and accents and knows aliases in every language; the
    exact-label SPARQL look-up found none of these but the English label."""
    serve(server, wikidata=wdqs_handler())
    client = _client()
    h = wikidata.harvest_composer(client, server.url_for("/sparql"), asked)
    assert h.key == "person-Q900001"
    search = [
        parse_qs(urlsplit(r.url).query)
        for r, _ in server.log
        if urlsplit(r.url).path == "/w/api.php"
    ]
    assert len(search) == 1 and search[0]["action"] == ["wbsearchentities"]
    assert search[0]["language"] == (["ja"] if asked == "梶浦由記" else ["en"])
    # a hit whose label merely starts with the name (a list article) is not a candidate
    find = [
        parse_qs(urlsplit(r.url).query)["query"][0]
        for r, _ in server.log
        if "SELECT DISTINCT ?person" in parse_qs(urlsplit(r.url).query).get("query", [""])[0]
    ]
    assert "VALUES ?person { wd:Q900001 }" in find[0]


def test_search_answer_shape_is_the_api_s(server):
    """The stand-in's answer has the fields of the recorded one (search-yuki-kajiura.json)."""
    from harvest_support import load, wbsearch_answer

    recorded = load(WD / "search-yuki-kajiura.json")
    made = wbsearch_answer("yuki kajiura", "en")
    assert [h["id"] for h in made["search"]] == [h["id"] for h in recorded["search"]]
    for mine, real in zip(made["search"], recorded["search"], strict=True):
        assert set(real) - {"aliases"} <= set(mine) and mine["match"] == real["match"]


def test_mul_labels_name_people_and_works(server):
    """Items named only in the language-neutral "mul" language keep their names."""
    serve(server, wikidata=wdqs_handler(credits=WD / "credits-mul-labels.json"))
    h = wikidata.harvest_person(_client(), server.url_for("/sparql"), "Q900002")
    (person,) = [p for p in h.records if isinstance(p, Person)]
    (song,) = [s for s in h.records if isinstance(s, Song)]
    assert (person.name, person.kind) == ("Kalafina", "group")
    assert song.title == "Magia"
    query = parse_qs(urlsplit(server.log[0][0].url).query)["query"][0]
    assert 'FILTER(LANG(?personMul) = "mul")' in query and 'LANG(?workMul) = "mul"' in query


def test_search_api_url_is_beside_a_non_default_endpoint(monkeypatch):
    from cuegraph.config import from_environment

    assert wikidata.api_url(wikidata.DEFAULT_URL) == "https://www.wikidata.org/w/api.php"
    assert wikidata.api_url("http://127.0.0.1:9/sparql") == "http://127.0.0.1:9/w/api.php"
    # CUEGRAPH_WIKIDATA_API_URL is a setting, handed to the composer search by the registry
    monkeypatch.setenv("CUEGRAPH_WIKIDATA_API_URL", "http://mirror.invalid/w/api.php")
    source = wikidata.SOURCE
    keywords = source.keywords(source.entry("composer"), from_environment())
    assert keywords == {"api": "http://mirror.invalid/w/api.php"}
    assert (
        wikidata.api_url("http://127.0.0.1:9/sparql", **keywords)
        == "http://mirror.invalid/w/api.php"
    )
