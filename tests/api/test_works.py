"""GET /works (search) and /works/{id} (a work's music credits)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest


@pytest.mark.parametrize(
    "q, expected",
    [
        ("madoka", "madoka-magica"),
        ("まどか", "madoka-magica"),
        ("magica madoka", "madoka-magica"),
        ("anohana", "anohana"),
    ],
)
def test_search_works(client, q, expected):
    body = client.get("/works", params={"q": q}).json()
    assert body["count"] >= 1 and body["data"][0]["id"] == expected


def test_listing_without_q_has_every_work(client, seed_store):
    body = client.get("/works").json()
    works = seed_store.select(
        "PREFIX cg: <https://cuegraph.org/ns#> SELECT DISTINCT ?w WHERE { ?w a cg:Work }"
    )
    assert body["count"] == len(works) == len(body["data"])


def test_work_profile_madoka(client):
    w = client.get("/works/madoka-magica").json()
    assert w["title"] == "Puella Magi Madoka Magica" and w["episodes"] == 12
    assert [p["id"] for p in w["score_composers"]] == ["yuki-kajiura"]
    songs = {s["title"]: s for s in w["songs"]}
    magia = songs["Magia"]
    assert {p["name"] for p in magia["credits"]["composer"]} == {"Yuki Kajiura"}
    assert {p["name"] for p in magia["credits"]["performer"]} == {"Kalafina"}
    assert magia["episodes"] == [1, 2, 3, 4, 5, 6, 7, 8, 10, 11]  # 11: BD/DVD-only ending
    assert set(magia["usages"]) == {"ending", "insert"}
    connect = songs["Connect"]
    assert {p["id"] for p in connect["credits"]["composer"]} == {"sho-watanabe"}
    episodes = {e["episode"]: e["cues"] for e in w["cues_by_episode"]}
    assert {c["title"] for c in episodes[10]} == {"Magia", "Connect"}
    assert w["links"]["graph_view"] == "/export?format=html&work=madoka-magica"
    assert w["sources"]


def test_work_profile_anohana_timed_cues(client):
    w = client.get("/works/Anohana: The Flower We Saw That Day").json()
    assert w["id"] == "anohana"
    episodes = {e["episode"]: e["cues"] for e in w["cues_by_episode"]}
    # every episode has its ending (it.wikipedia's episode list); 5, 7 and 9 are timed
    assert set(episodes) == set(range(1, 12))
    assert [c["usage"] for c in episodes[5]] == ["opening", "ending"]
    assert all(c["timed"] for c in episodes[5])
    assert [(c["title"], c["timed"]) for c in episodes[1]] == [("Dear Love", False)]
    assert [c["title"] for c in episodes[11]] == ["Still…"]


def test_unknown_work_is_404_with_close_matches(client):
    resp = client.get("/works/madoka-magika")
    assert resp.status_code == 404
    body = resp.json()
    assert body["detail"]["close_matches"][0]["id"] == "madoka-magica"


def test_work_credits_cite_sources_and_subtitle_files(client):
    body = client.get("/works/anohana").json()
    [remedios] = body["score_composers"]
    assert [d["label"] for d in remedios["source_details"]] == ["Wikipedia (en): Anohana"]
    secret = next(s for s in body["songs"] if s["title"].startswith("secret base"))
    details = secret["credits"]["composer"][0]["source_details"]
    subtitles = [d for d in details if d["kind"] == "subtitles"]
    assert subtitles and all(d["url"].endswith(".ass") for d in subtitles)
    for d in subtitles:  # each names its own file, whichever release it is
        name = unquote(d["url"].rsplit("/", 1)[1])
        assert d["label"].startswith(f"subtitle file “{name}”"), d
    assert any(d["kind"] == "page" for d in details)  # and the lyrics page credits cite
    assert body["identifier_links"] == [] and body["record_sources"]


def test_an_ambiguous_title_is_300_with_candidates(client):
    resp = client.get("/works/Steins;Gate", params={"format": "json"})
    assert resp.status_code == 300
    assert {c["id"] for c in resp.json()["candidates"]} == {"steins-gate-anime", "steins-gate-game"}
    assert client.get("/works/steins-gate-game").json()["type"] == "game"
