"""`cuegraph resolve` / `explain` / `conflicts` and GET /composers|works/{ref}/identity,
GET /conflicts, on Aldnoah.Zero as two sources tell it."""

from __future__ import annotations

import json

import pytest

from cuegraph.graph.iris import Minter
from cuegraph.graph.write import write_run
from cuegraph.records import Credit, Person, Work
from cuegraph.store import open_store
from support import BASE, cuegraph_cmd

P, W = BASE + "person/", BASE + "work/"

pytestmark = pytest.mark.client(store="aldnoah_store")


def _aldnoah(store, minter) -> None:
    """Wikidata: Sawano scores Aldnoah.Zero; a (bad) source says Kajiura does. Kajiura is
    also in the seed-like table under her usual id, spelled family name first there."""
    work = Work(
        key="aldnoah-zero", title="Aldnoah.Zero", year=2014, native_title="アルドノア・ゼロ"
    )
    write_run(
        store,
        minter,
        "wikidata",
        "aldnoah",
        [
            work,
            Person(key="hiroyuki-sawano", name="Hiroyuki Sawano", ids=(("wikidata", "Q1"),)),
            Credit(
                agent="hiroyuki-sawano",
                role="score_composer",
                target_kind="work",
                target="aldnoah-zero",
                source="https://wd.example/Q1",
            ),
        ],
        license="cc0",
    )
    write_run(
        store,
        minter,
        "anilist",
        "aldnoah",
        [
            Work(key="anilist/20632", title="ALDNOAH.ZERO", year=2014, ids=(("anilist", "20632"),)),
            Person(key="yuki-kajiura", name="Kajiura Yuki <b>", native_name="梶浦由記"),
            Person(
                key="anilist/101",
                name="Yuki Kajiura",
                native_name="梶浦由記",
                ids=(("anilist", "101"),),
            ),
            Credit(
                agent="anilist/101",
                role="score_composer",
                target_kind="work",
                target="anilist/20632",
                source="https://al.example/20632",
            ),
            Credit(
                agent="yuki-kajiura",
                role="lyricist",
                target_kind="work",
                target="anilist/20632",
                source="https://al.example/20632",
            ),
        ],
        license="cc0",
    )


@pytest.fixture(scope="module")
def aldnoah_store():
    store = open_store("memory:")
    _aldnoah(store, Minter(BASE))
    return store


def test_work_identity_shows_the_title_match_and_its_context(client):
    body = client.get("/works/aldnoah-zero/identity").json()
    assert body["canonical"] == W + "aldnoah-zero"
    assert [m["iri"] for m in body["members"]] == [W + "aldnoah-zero", W + "anilist/20632"]
    (link,) = body["links"]
    assert link["rule"] == "name" and link["names"] == ["Aldnoah.Zero", "ALDNOAH.ZERO"]
    assert link["context"] == "year 2014, series" and link["keys"] == ["aldnoahzero"]


def test_composer_identity_names_the_native_name_and_shared_work(client):
    body = client.get("/composers/yuki-kajiura/identity").json()
    assert [m["iri"] for m in body["members"]] == [P + "yuki-kajiura", P + "anilist/101"]
    (link,) = body["links"]
    assert link["names"] == ["梶浦由記", "梶浦由記"]
    assert link["context"] == W + "anilist/20632"  # both credited on AniList's node
    assert client.get("/composers/nobody-here/identity").status_code == 404


def test_conflicts_json_and_errors(client):
    body = client.get("/conflicts").json()
    assert body["count"] == 1
    (c,) = body["data"]
    assert (c["status"], c["target"], c["role"]) == (
        "disagreement",
        W + "aldnoah-zero",
        "score_composer",
    )
    assert [(s["source"], [p["iri"] for p in s["people"]]) for s in c["sides"]] == [
        ("anilist", [P + "yuki-kajiura"]),
        ("wikidata", [P + "hiroyuki-sawano"]),
    ]
    assert client.get("/conflicts", params={"status": "incomplete"}).json()["count"] == 0
    assert client.get("/conflicts", params={"status": "partial"}).json()["count"] == 0
    bad = client.get("/conflicts", params={"status": "bogus"})
    assert bad.status_code == 400 and bad.json()["error"]


def test_conflicts_page_escapes_what_sources_wrote(client):
    page = client.get("/conflicts", params={"format": "html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "disagreement" in page.text and "Hiroyuki Sawano" in page.text
    assert "<b>" not in page.text.split("<main>", 1)[1].replace("<b>disagreement</b>", "").replace(
        "<b>incomplete</b>", ""
    ).replace("<b>partial</b>", "")


def test_cli_resolve_explain_conflicts(tmp_path):
    url = f"oxigraph:{tmp_path / 'store'}"
    store = open_store(url)
    _aldnoah(store, Minter(BASE))
    store.close()
    out = cuegraph_cmd("--store", url, "resolve")
    assert out.returncode == 0, out.stderr
    assert (
        f"linked {W}aldnoah-zero = {W}anilist/20632: names 'Aldnoah.Zero' ~ "
        "'ALDNOAH.ZERO' (key aldnoahzero), shared context year 2014, series"
    ) in out.stdout
    assert "identity: 2 clusters, 4 owl:sameAs triples (+4 / -0)" in out.stdout
    again = cuegraph_cmd("--store", url, "harvest", "resolve")  # the alias; nothing changes
    assert "identity: 2 clusters, 4 owl:sameAs triples (+0 / -0)" in again.stdout
    explained = cuegraph_cmd("--store", url, "explain", "Yuki Kajiura", "--json")
    assert explained.returncode == 0, explained.stderr
    assert json.loads(explained.stdout)["canonical"] == P + "yuki-kajiura"
    text = cuegraph_cmd("--store", url, "explain", W + "aldnoah-zero").stdout
    assert f"canonical {W}aldnoah-zero" in text and "shared context year 2014" in text
    missing = cuegraph_cmd("--store", url, "explain", "Nobody Here")
    assert missing.returncode == 1 and missing.stderr.startswith("error: no person")
    listed = cuegraph_cmd("--store", url, "conflicts").stdout.splitlines()
    assert listed == [
        f"disagreement: Aldnoah.Zero (work) · score composer <{W}aldnoah-zero>",
        "  anilist: Kajiura Yuki <b>  [https://al.example/20632]",
        "  wikidata: Hiroyuki Sawano  [https://wd.example/Q1]",
        "1 conflict(s)",
    ]
    bad = cuegraph_cmd("--store", url, "conflicts", "--status", "x")
    assert bad.returncode == 1 and "unknown --status" in bad.stderr
