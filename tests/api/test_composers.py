"""GET /composers (search) and /composers/{id} (profile)."""

from __future__ import annotations

import pytest

P = "https://cuegraph.org/id/person/"


def _ids(body: dict) -> list[str]:
    return [d["id"] for d in body["data"]]


@pytest.mark.parametrize(
    "q",
    [
        "kajiura yuki",
        "Yuki Kajiura",
        "梶浦",
        "梶浦由記",
        "KAJIURA",
        "yuki-kajiura",
        "Kajiura, Yuki",
    ],
)
def test_search_finds_kajiura(client, q):
    body = client.get("/composers", params={"q": q}).json()
    assert body["count"] == len(body["data"])
    assert _ids(body)[0] == "yuki-kajiura"


@pytest.mark.parametrize(
    "q", ["Sho Watanabe", "Shō Watanabe", "watanabe sho", "Shou Watanabe", "渡辺翔"]
)
def test_search_ignores_macrons_and_order(client, q):
    assert _ids(client.get("/composers", params={"q": q}).json())[0] == "sho-watanabe"


def test_search_no_match_is_an_empty_list(client):
    body = client.get("/composers", params={"q": "zzqx nobody"}).json()
    assert body == {
        "data": [],
        "count": 0,
        "total": 0,
        "offset": 0,
        "limit": 100,
        "next": None,
        "q": "zzqx nobody",
    }


def test_listing_without_q_has_everyone_with_roles(client, seed_store):
    body = client.get("/composers").json()
    agents = seed_store.select(
        "PREFIX cg: <https://cuegraph.org/ns#> SELECT DISTINCT ?a WHERE { ?a a cg:Agent }"
    )
    assert body["count"] == len(agents) > 10
    kajiura = next(d for d in body["data"] if d["id"] == "yuki-kajiura")
    assert kajiura["native_name"] == "梶浦由記"
    assert kajiura["roles"]["score_composer"] >= 2


def test_profile_of_kajiura(client):
    resp = client.get("/composers/yuki-kajiura")
    assert resp.status_code == 200
    p = resp.json()
    assert p["name"] == "Yuki Kajiura" and p["native_name"] == "梶浦由記"
    assert "Kajiura Yuki" in p["aliases"]
    titles = {w["title"] for w in p["works"]}
    assert {"Puella Magi Madoka Magica", "Kara no Kyoukai: The Garden of Sinners"} <= titles
    madoka = next(w for w in p["works"] if w["id"] == "madoka-magica")
    assert "score_composer" in madoka["roles"] and "Magia" in madoka["songs"]
    years = [w["year"] for w in p["works"]]
    assert years == sorted(years)
    magia = next(s for s in p["songs"] if s["title"] == "Magia")
    assert {"composer", "lyricist"} <= set(magia["roles"])
    assert {c["episode"] for c in magia["cues"]} >= {3, 4, 5, 6, 7, 8}
    assert any(c["title"] == "Magia" and c["usage"] == "ending" for c in p["cues"])
    collaborators = {c["id"]: c for c in p["collaborators"]}
    assert "kalafina" in collaborators and "performer" in collaborators["kalafina"]["roles"]
    assert "yuki-kajiura" not in collaborators
    assert p["counts"]["works"] == len(p["works"]) and p["counts"]["cues"] == len(p["cues"])
    assert p["sources"] and all(s.startswith("http") for s in p["sources"])
    assert (
        p["links"]["graph_view"] == "/export?format=html&composer=yuki-kajiura&view=collaboration"
    )


def test_profile_by_name_or_native_name(client):
    for ref in ("Yuki Kajiura", "梶浦由記", P + "yuki-kajiura"):
        assert client.get(f"/composers/{ref}").json()["id"] == "yuki-kajiura"


def test_singers_have_machida_as_collaborator(client):
    p = client.get("/composers/ai-kayano").json()
    collaborators = {c["id"]: c for c in p["collaborators"]}
    assert {"norihiko-machida", "haruka-tomatsu", "saori-hayami"} <= set(collaborators)
    assert {"composer", "lyricist"} <= set(collaborators["norihiko-machida"]["roles"])


def test_unknown_composer_is_404_with_close_matches(client):
    # a typo (not a spelling variant: "kajiuraa" is one, long vowels fold to one letter)
    resp = client.get("/composers/yuki-kajiuro")
    assert resp.status_code == 404
    body = resp.json()
    assert "yuki-kajiuro" in body["error"]
    assert body["detail"]["close_matches"][0]["id"] == "yuki-kajiura"


def test_profile_follows_owl_same_as(fresh_store, api_client):
    """An agent linked by owl:sameAs (identity resolution) contributes its credits."""
    fresh_store.update("""
      PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>
      PREFIX owl: <http://www.w3.org/2002/07/owl#>
      PREFIX relators: <http://id.loc.gov/vocabulary/relators/>
      INSERT DATA { GRAPH <https://cuegraph.org/id/graph/test/sameas> {
        <https://cuegraph.org/id/person/mb-kajiura> a cg:Agent ; schema:name "梶浦由記 (mb)" ;
            owl:sameAs <https://cuegraph.org/id/person/yuki-kajiura> .
        <https://cuegraph.org/id/song/test-song> a cg:Song ; schema:name "Test Song" .
        <https://cuegraph.org/id/credit/test> a cg:Credit ;
            cg:agent <https://cuegraph.org/id/person/mb-kajiura> ;
            cg:role relators:cmp ; cg:credits <https://cuegraph.org/id/song/test-song> .
      } }""")
    client = api_client(fresh_store)
    p = client.get("/composers/yuki-kajiura").json()
    assert p["identity"] == ["yuki-kajiura", "mb-kajiura"]
    assert "Test Song" in {s["title"] for s in p["songs"]}
    other = client.get("/composers/mb-kajiura").json()
    assert "Magia" in {s["title"] for s in other["songs"]}


def test_browser_gets_the_page_twin(client):
    html = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    resp = client.get("/composers/yuki-kajiura", headers=html, follow_redirects=False)
    assert resp.status_code == 303
    assert resp.headers["location"] == "/#/composer/yuki-kajiura"
    forced = client.get("/composers/yuki-kajiura?format=json", headers=html)
    assert forced.status_code == 200 and forced.json()["id"] == "yuki-kajiura"
    assert forced.json()["links"]["json"] == "/composers/yuki-kajiura?format=json"
    work = client.get("/works/madoka-magica?format=html", follow_redirects=False)
    assert work.headers["location"] == "/#/work/madoka-magica"


def test_identifiers_and_directors(fresh_store, api_client):
    """External ids and schema:sameAs links show on profiles (the seed has none); a director
    sharing a work is not a music collaborator, a fellow arranger is."""
    fresh_store.update("""
      PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>
      PREFIX relators: <http://id.loc.gov/vocabulary/relators/>
      INSERT DATA { GRAPH <https://cuegraph.org/id/graph/test/ids> {
        <https://cuegraph.org/id/person/yuki-kajiura> cg:wikidata "Q1056939" ;
            cg:musicbrainz "a9c2ccda-0b5d-4f4b-9b88-1a5b0b3a0d1e" ;
            schema:sameAs <https://www.wikidata.org/wiki/Q1056939> .
        <https://cuegraph.org/id/work/madoka-magica> cg:anilist "9756" .
        <https://cuegraph.org/id/person/test-director> a cg:Agent ; schema:name "A Director" .
        <https://cuegraph.org/id/person/test-arranger> a cg:Agent ; schema:name "An Arranger" .
        <https://cuegraph.org/id/credit/test-dir> a cg:Credit ;
            cg:agent <https://cuegraph.org/id/person/test-director> ; cg:role cg:Contributor ;
            cg:roleText "Series Director" ;
            cg:credits <https://cuegraph.org/id/work/madoka-magica> .
        <https://cuegraph.org/id/credit/test-arr> a cg:Credit ;
            cg:agent <https://cuegraph.org/id/person/test-arranger> ; cg:role relators:arr ;
            cg:credits <https://cuegraph.org/id/work/madoka-magica> .
      } }""")
    client = api_client(fresh_store)
    p = client.get("/composers/yuki-kajiura").json()
    assert p["identifiers"] == {
        "wikidata": ["Q1056939"],
        "musicbrainz": ["a9c2ccda-0b5d-4f4b-9b88-1a5b0b3a0d1e"],
    }
    assert p["same_as"] == ["https://www.wikidata.org/wiki/Q1056939"]
    collaborators = {c["id"]: c for c in p["collaborators"]}
    assert "arranger" in collaborators["test-arranger"]["roles"]
    assert "test-director" not in collaborators
    assert p["counts"]["collaborators"] == len(p["collaborators"])
    w = client.get("/works/madoka-magica").json()
    assert w["identifiers"] == {"anilist": ["9756"]}


def test_profile_credits_carry_their_own_sources(client):
    """Each work/song row cites the pages its credits were read from, with the licence of the
    graph; the person record's own sources (TV Tropes for Kajiura) are kept apart."""
    body = client.get("/composers/yuki-kajiura").json()
    madoka = next(w for w in body["works"] if w["id"] == "madoka-magica")
    urls = {s["url"] for s in madoka["sources"]}
    assert "https://simple.wikipedia.org/wiki/Puella_Magi_Madoka_Magica" in urls
    assert not any("tvtropes" in u for w in body["works"] for s in w["sources"] for u in [s["url"]])
    wiki = next(s for s in madoka["sources"] if "wikipedia" in s["url"])
    assert wiki["label"] == "Wikipedia (simple): Puella Magi Madoka Magica"
    assert wiki["license_name"] == "CC0 1.0" and wiki["graph"].endswith("/graph/table/credits")
    assert any("tvtropes.org" == s["label"] for s in body["record_sources"])
    assert all(s["sources"] for s in body["songs"])


def test_identifier_links_point_at_the_sites(fresh_store, api_client):
    fresh_store.update("""PREFIX cg: <https://cuegraph.org/ns#>
      INSERT DATA { GRAPH <https://cuegraph.org/id/graph/test/ids> {
        <https://cuegraph.org/id/person/yuki-kajiura> cg:wikidata "Q4115189" ;
            cg:vgmdb "104" ; cg:anilist "95259" . } }""")
    body = api_client(fresh_store).get("/composers/yuki-kajiura").json()
    links = {x["scheme"]: x["url"] for x in body["identifier_links"]}
    assert links == {
        "wikidata": "https://www.wikidata.org/wiki/Q4115189",
        "vgmdb": "https://vgmdb.net/artist/104",
        "anilist": "https://anilist.co/staff/95259",
    }


def test_one_definition_of_collaborator_for_profile_and_export(client, seed_store):
    """The profile's collaborators are exactly the person's neighbours in the export's
    collaboration view, with the same number of shared works, for everyone in the seed."""
    from rdflib import Graph

    from cuegraph.export.views import collaboration_view

    rdf = Graph().parse(data=seed_store.dump("ntriples").decode("utf-8"), format="nt")
    view = collaboration_view(rdf)
    people = client.get("/composers", params={"limit": 1000}).json()["data"]
    checked = 0
    for person in people:
        profile = client.get(f"/composers/{person['id']}").json()
        mine = {c["iri"]: c["shared"] for c in profile["collaborators"]}
        theirs = (
            {n: int(view.edges[person["iri"], n]["weight"]) for n in view.neighbors(person["iri"])}
            if person["iri"] in view
            else {}
        )
        assert mine == theirs, person["id"]
        assert profile["counts"]["collaborators"] == len(theirs)
        checked += bool(theirs)
    assert checked >= 10
    kajiura = client.get("/composers/yuki-kajiura").json()
    assert kajiura["counts"]["collaborators"] >= 5  # everyone on Madoka's music, Kalafina ...
