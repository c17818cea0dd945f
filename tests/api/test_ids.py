"""One IRI <-> id mapping: an id the API lists is an id it answers for, "/" in a key too.

Harvested records are keyed ``<source>/<id>`` (``anilist/101``): the minted IRI keeps the
slash (``…/person/anilist/101``), so the id the listing shows must be ``anilist/101`` and
``GET /composers/anilist/101`` must answer with that person.
"""

from __future__ import annotations

import pytest

from cuegraph.api.data.index import Ids
from cuegraph.graph.build import GraphBuilder
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import write_graph
from cuegraph.records import Credit, Person, Work
from cuegraph.store import open_store

BASE = "https://cuegraph.org/id/"

RECORDS = [
    Person(key="anilist/101", name="Zeta Slashkey", source="https://anilist.co/staff/101"),
    Work(key="anilist/21", title="Slashed Key Story", source="https://anilist.co/anime/21"),
    Person(key="vgmdb/name/ono-taro", name="Taro Onomatopoeia"),
    Credit(
        agent="anilist/101",
        role="score_composer",
        target_kind="work",
        target="anilist/21",
        source="https://anilist.co/anime/21",
    ),
    Credit(agent="vgmdb/name/ono-taro", role="composer", target_kind="work", target="anilist/21"),
]


pytestmark = pytest.mark.client(store="slash_key_store")


@pytest.fixture(scope="module")
def slash_key_store():
    store = open_store("memory:")
    minter = Minter(BASE)
    write_graph(
        store, minter, "test", "slash-keys", GraphBuilder(minter).add_all(RECORDS), license="cc0"
    )
    return store


@pytest.mark.parametrize(
    "q, key", [("Zeta Slashkey", "anilist/101"), ("Taro Onomatopoeia", "vgmdb/name/ono-taro")]
)
def test_listed_id_is_the_key_and_answers(client, q, key):
    listed = client.get("/composers", params={"q": q}).json()["data"]
    assert [d["id"] for d in listed] == [key]
    resp = client.get(f"/composers/{key}")
    assert resp.status_code == 200, resp.text
    assert resp.json()["name"] == q
    assert resp.json()["iri"] == str(Minter(BASE).person(key))


def test_work_with_a_slash_key_and_its_people(client):
    listed = client.get("/works", params={"q": "Slashed Key Story"}).json()["data"]
    assert [d["id"] for d in listed] == ["anilist/21"]
    work = client.get("/works/anilist/21")
    assert work.status_code == 200, work.text
    assert work.json()["iri"] == str(Minter(BASE).work("anilist/21"))
    people = {p["id"] for role in work.json()["credits"].values() for p in role}
    assert people == {"anilist/101", "vgmdb/name/ono-taro"}
    for person in people:  # every id the profile gives is one the API answers for
        assert client.get(f"/composers/{person}").status_code == 200


def test_profile_links_answer(client):
    links = client.get("/composers/anilist/101").json()["links"]
    assert links["json"] == "/composers/anilist/101?format=json"
    assert client.get(links["json"]).json()["id"] == "anilist/101"


def test_identity_route_with_a_slash_key(client):
    resp = client.get("/composers/anilist/101/identity")
    assert resp.status_code == 200, resp.text


def test_unknown_slash_key_is_404(client):
    resp = client.get("/composers/anilist/999")
    assert resp.status_code == 404
    assert "anilist/999" in resp.json()["error"]


@pytest.mark.parametrize(
    "key", ["anilist/101", "yuki-kajiura", "梶浦-由記", "a b/c%d", "vgmdb/name/x"]
)
@pytest.mark.parametrize("kind", ["person", "work", "song", "recording"])
def test_ids_round_trip_with_the_minter(key, kind):
    ids, minter = Ids(BASE), Minter(BASE)
    iri = str(getattr(minter, kind)(key))
    assert ids.full(key, kind) == iri
    assert ids.short(iri, kind) == key


def test_iris_not_minted_here_stay_iris():
    ids = Ids(BASE)
    for iri in [
        "https://example.org/person/x",
        f"{BASE}person/",
        f"{BASE}person/a%2Fb",
        f"{BASE}work/x",
    ]:
        assert ids.short(iri, "person") == iri
        assert ids.full(iri, "person") == iri
