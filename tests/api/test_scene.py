"""GET /scene: who composed this scene, with labelled fallbacks (music / silence / no data)."""

from __future__ import annotations

import csv

import pytest

from cuegraph.ingest import import_cuesheet
from support import DATA, FIXTURES

SINGERS = {"Ai Kayano", "Haruka Tomatsu", "Saori Hayami"}


def _names(credits: dict, role: str) -> set[str]:
    return {p["name"] for p in credits.get(role, [])}


@pytest.mark.parametrize("t", ["21:30", "1290", "00:21:30"])
def test_ending_cue_covers_the_time(client, t):
    resp = client.get("/scene", params={"work": "anohana", "episode": 5, "t": t})
    assert resp.status_code == 200
    body = resp.json()
    assert body["precision"] == "cue" and body["status"] == "music"
    assert body["time"]["from"] == 1290.0
    [level] = body["levels"]
    assert level["precision"] == "cue"
    [cue] = level["cues"]
    assert cue["title"].startswith("secret base")
    assert cue["usage"] == "ending"
    assert cue["start_tc"] == "00:20:54.410" and cue["end_tc"] == "00:22:48.480"
    assert cue["when"] == "20:54–22:48"  # as people write it
    assert body["at_time"] == "music"
    assert body["headline"].startswith("secret base") and "cue level" in body["headline"]
    assert "20:54–22:48" in body["headline"]
    assert cue["song"]["title"].startswith("secret base")
    assert _names(cue["credits"], "composer") == {"Norihiko Machida"}
    assert _names(cue["credits"], "lyricist") == {"Norihiko Machida"}
    assert _names(cue["credits"], "singer") == SINGERS
    machida = cue["credits"]["composer"][0]
    assert machida["id"] == "norihiko-machida" and machida["native_name"]
    assert cue["sources"] and all(s.startswith("https://") for s in cue["sources"])
    assert any("Anohana%20-%2005" in s for s in cue["sources"])
    [subs] = [d for d in cue["source_details"] if d["url"].endswith(".ass")]
    assert subs["kind"] == "subtitles" and subs["label"].startswith("subtitle file “")


def test_work_found_by_title_and_native_title(client):
    for ref in (
        "Anohana: The Flower We Saw That Day",
        "ANOHANA: THE FLOWER WE SAW THAT DAY",
        "あの日見た花の名前を僕達はまだ知らない。",
        "https://cuegraph.org/id/work/anohana",
    ):
        body = client.get("/scene", params={"work": ref, "episode": 5, "t": "21:30"}).json()
        assert body["work"]["id"] == "anohana", ref
        assert body["precision"] == "cue"


def test_unrecorded_stretch_is_no_data_with_work_fallback(client):
    body = client.get("/scene", params={"work": "anohana", "episode": 5, "t": "10:00"}).json()
    # status is the best level's result (the work's score); at_time is the moment itself
    assert body["status"] == "music" and body["at_time"] == "no_data"
    assert body["precision"] == "work"
    assert body["headline"] == "Score by REMEDIOS — work level; no cue recorded at 10:00"
    levels = {lv["precision"]: lv for lv in body["levels"]}
    assert levels["cue"]["status"] == "no_data" and levels["cue"]["cues"] == []
    assert "no data" in levels["cue"]["note"]
    # the timed cues elsewhere in the episode are named, so the user sees what is known
    assert {c["usage"] for c in levels["cue"]["other_timed_cues"]} == {"opening", "ending"}
    assert levels["episode"]["status"] == "no_data"
    assert levels["work"]["status"] == "music"
    assert _names(levels["work"]["credits"], "score_composer") == {"REMEDIOS"}
    assert levels["work"]["credits"]["score_composer"][0]["sources"]
    assert "REMEDIOS" in body["summary"]


def test_range_overlapping_a_cue_finds_it(client):
    body = client.get(
        "/scene", params={"work": "anohana", "episode": 5, "from": "20:00", "to": "21:00"}
    ).json()
    assert body["precision"] == "cue"
    assert [c["usage"] for c in body["levels"][0]["cues"]] == ["ending"]
    assert body["time"]["point"] is False


def _untimed_rows(sheet: str, episode: int) -> list[dict[str, str]]:
    """The seed cue sheet's untimed rows for one episode (what the answer must list)."""
    with (DATA / "cuesheets" / sheet).open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["episode"] == str(episode) and not r["start"]]


def test_untimed_episode_cue_is_episode_precision(client):
    expected = {(r["title"], r["usage"]) for r in _untimed_rows("madoka-magica.csv", 4)}
    assert ("Magia", "ending") in expected
    for t in ("0", "10:00", "23:59"):
        body = client.get("/scene", params={"work": "madoka-magica", "episode": 4, "t": t}).json()
        assert body["precision"] == "episode", t
        assert body["status"] == "music"  # the best level (episode) found a song
        assert body["at_time"] == "no_data"  # nothing is timed at that moment
        head, _, rest = body["headline"].partition(" — ")
        assert rest.startswith("episode level; no cue recorded")
        assert {f"{title} ({usage})" for title, usage in expected} == set(head.split(", "))
        levels = {lv["precision"]: lv for lv in body["levels"]}
        cues = levels["episode"]["cues"]
        assert {(c["title"], c["usage"]) for c in cues} == expected
        assert not any(c["timed"] for c in cues)
        [cue] = [c for c in cues if c["title"] == "Magia"]
        assert _names(cue["credits"], "composer") == {"Yuki Kajiura"}
        assert "ending" in cue["hint"]
        assert _names(levels["work"]["credits"], "score_composer") == {"Yuki Kajiura"}


def _episode_without_cues(work: str) -> int:
    """An episode of ``work`` that no seed cue sheet mentions (read from data/, so it follows
    the seed as it grows; Steins;Gate's episode 22 today)."""
    with (DATA / "works.csv").open(encoding="utf-8", newline="") as f:
        [episodes] = [int(r["episodes"]) for r in csv.DictReader(f) if r["id"] == work]
    seen: set[int] = set()
    for sheet in (DATA / "cuesheets").glob("*.csv"):
        with sheet.open(encoding="utf-8", newline="") as f:
            seen |= {int(r["episode"]) for r in csv.DictReader(f) if r["work"] == work}
    return min(set(range(1, episodes + 1)) - seen)


def test_episode_without_any_data_falls_back_to_work(client):
    episode = _episode_without_cues("steins-gate-anime")
    body = client.get(
        "/scene", params={"work": "steins-gate-anime", "episode": episode, "t": "5:00"}
    ).json()
    assert body["precision"] == "work"
    assert [lv["status"] for lv in body["levels"]] == ["no_data", "no_data", "music"]


def test_silence_is_not_no_data_and_not_music(fresh_store, minter, api_client):
    import_cuesheet(fresh_store, minter, FIXTURES / "cuesheets" / "good.csv")
    client = api_client(fresh_store)
    body = client.get("/scene", params={"work": "Test Work", "episode": 1, "t": 160}).json()
    assert body["status"] == "silence"
    assert body["precision"] == "cue"
    [level] = body["levels"]
    [cue] = level["cues"]
    assert cue["silence"] is True and cue["credits"] == {}
    assert cue["song"] is None and cue["title"] is None
    assert cue["sources"] == ["https://example.org/silence"]
    # music just before the silence, and no data after it
    before = client.get("/scene", params={"work": "test-work", "episode": 1, "t": 90}).json()
    assert before["status"] == "music"
    assert before["levels"][0]["cues"][0]["title"] == "Good Song"
    after = client.get("/scene", params={"work": "test-work", "episode": 1, "t": 500}).json()
    assert after["at_time"] == "no_data"
    # no untimed cue in episode 1, no score composer: the work's known song is the answer
    assert after["precision"] == "work" and after["status"] == "music"
    assert [lv["status"] for lv in after["levels"]] == ["no_data", "no_data", "music"]
    assert after["headline"].startswith("Songs of Test Work: Good Song — work level")


def test_nothing_known_is_precision_none(fresh_store, api_client):
    fresh_store.update("""
      PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>
      INSERT DATA { GRAPH <https://cuegraph.org/id/graph/test/bare> {
        <https://cuegraph.org/id/work/bare> a cg:Work, cg:Film ; schema:name "Bare Film" .
      } }""")
    body = (
        api_client(fresh_store)
        .get("/scene", params={"work": "bare", "episode": 1, "t": "8:20"})
        .json()
    )
    assert (body["precision"], body["status"], body["at_time"]) == ("none", "no_data", "no_data")
    assert [lv["status"] for lv in body["levels"]] == ["no_data"] * 3
    assert body["headline"].startswith("Nothing known — no cue recorded at 8:20")


@pytest.mark.parametrize(
    "params, word",
    [
        ({"t": "-5"}, "t"),
        ({"t": "abc"}, "t"),
        ({"t": "1:75"}, "t"),
        ({"t": "1e9"}, "t"),
        ({"t": "1:60:00"}, "t"),
        ({"from": "22:00", "to": "21:00"}, "after"),
        ({"from": "21:00"}, "to"),
        ({"t": "1", "from": "1", "to": "2"}, "not both"),
        ({}, "missing time"),
    ],
)
def test_bad_times_are_400(client, params, word):
    resp = client.get("/scene", params={"work": "anohana", "episode": 5, **params})
    assert resp.status_code == 400
    body = resp.json()
    assert set(body) == {"error", "detail"}
    assert word in body["error"]


def test_unknown_work_is_404_with_close_matches(client):
    resp = client.get("/scene", params={"work": "anohanna", "episode": 1, "t": 0})
    assert resp.status_code == 404
    body = resp.json()
    assert "anohanna" in body["error"]
    assert body["detail"]["work"] == "anohanna"
    assert "anohana" in [m["id"] for m in body["detail"]["close_matches"]]
    madoka = client.get("/scene", params={"work": "madoka", "episode": 1, "t": 0}).json()
    assert madoka["detail"]["close_matches"][0]["id"] == "madoka-magica"


@pytest.mark.parametrize("episode, nearest", [(12, 11), (0, 1), (-1, 1)])
def test_episode_out_of_range_is_404(client, episode, nearest):
    resp = client.get("/scene", params={"work": "anohana", "episode": episode, "t": 0})
    assert resp.status_code == 404
    body = resp.json()
    assert f"no episode {episode}" in body["error"] and "1-11" in body["error"]
    assert body["detail"]["episodes"] == 11
    assert body["detail"]["close_matches"] == [nearest]  # the nearest episode there is


def test_non_numeric_episode_is_400(client):
    resp = client.get("/scene", params={"work": "anohana", "episode": "five", "t": 0})
    assert resp.status_code == 400
    assert "episode" in resp.json()["error"]


def test_scene_is_documented(client):
    op = client.get("/openapi.json").json()["paths"]["/scene"]["get"]
    assert op["summary"] or op["description"]
    names = {p["name"] for p in op["parameters"]}
    assert {"work", "episode", "t", "from", "to"} <= names


def test_cue_with_only_a_recording_gets_its_songs_credits(fresh_store, api_client):
    """A cue naming a recording (not a song) is credited through schema:recordingOf."""
    fresh_store.update("""
      PREFIX cg: <https://cuegraph.org/ns#> PREFIX schema: <https://schema.org/>
      INSERT DATA { GRAPH <https://cuegraph.org/id/graph/test/recording> {
        <https://cuegraph.org/id/recording/magia-tv> a cg:Recording ;
            schema:name "Magia (TV size)" ;
            schema:recordingOf <https://cuegraph.org/id/song/magia> .
        <https://cuegraph.org/id/work/madoka-magica/episode/9/cue/t> a cg:Cue, cg:MusicCue ;
            cg:episode <https://cuegraph.org/id/work/madoka-magica/episode/9> ;
            cg:usage cg:Ending ; schema:startOffset 1300.0 ; schema:endOffset 1390.0 ;
            cg:recording <https://cuegraph.org/id/recording/magia-tv> .
        <https://cuegraph.org/id/work/madoka-magica/episode/9>
            cg:work <https://cuegraph.org/id/work/madoka-magica> ; schema:episodeNumber 9 .
      } }""")
    body = (
        api_client(fresh_store)
        .get("/scene", params={"work": "madoka-magica", "episode": 9, "t": "22:00"})
        .json()
    )
    assert body["precision"] == "cue"
    [cue] = body["levels"][0]["cues"]
    assert cue["recording"]["title"] == "Magia (TV size)"
    assert cue["song"]["id"] == "magia" and cue["title"] == "Magia (TV size)"
    assert _names(cue["credits"], "composer") == {"Yuki Kajiura"}
    assert _names(cue["credits"], "performer") == {"Kalafina"}


def test_scene_html_twin_redirects_to_the_page(client):
    resp = client.get(
        "/scene",
        params={"work": "anohana", "episode": 5, "t": "21:30", "format": "html"},
        follow_redirects=False,
    )
    assert resp.status_code == 303
    assert resp.headers["location"] == "/#/scene?work=anohana&episode=5&t=21%3A30"
    assert (
        client.get(
            "/scene", params={"work": "anohana", "episode": 5, "t": "21:30", "format": "xml"}
        ).status_code
        == 400
    )


def test_a_film_is_its_own_episode_one(client):
    body = client.get("/scene", params={"work": "your-name", "episode": 1, "t": "2:00"}).json()
    assert body["precision"] == "cue" and body["levels"][0]["cues"][0]["usage"] == "opening"
    resp = client.get("/scene", params={"work": "Your Name.", "episode": 2, "t": "2:00"})
    assert resp.status_code == 404
    assert resp.json()["detail"]["episodes"] == 1


def test_headline_and_status_agree_at_every_level(client):
    """A Steins;Gate episode with no cue, at 20:00: the best level is the work's score, and
    the headline, status and precision all say so, in one voice."""
    episode = _episode_without_cues("steins-gate-anime")
    body = client.get(
        "/scene", params={"work": "steins-gate-anime", "episode": episode, "t": "20:00"}
    ).json()
    assert body["headline"] == "Score by Takeshi Abo — work level; no cue recorded at 20:00"
    best = next(lv for lv in body["levels"] if lv["precision"] == body["precision"])
    assert (best["status"], body["status"]) == ("music", "music")
    assert body["time"]["text"] == "20:00"


def test_minutes_past_59_are_accepted(client):
    body = client.get("/scene", params={"work": "anohana", "episode": 5, "t": "60:00"}).json()
    assert body["time"]["from"] == 3600.0 and body["time"]["text"] == "1:00:00"


def test_work_without_score_lists_its_songs(client):
    """Jigoku Shōjo: Yoi no Togi has no score credit but its songs (いろがみ, …) are in the
    graph; the list is the seed's credits.csv songs for that work."""
    with (DATA / "credits.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["work"] == "hell-girl-yoi-no-togi"]
    assert not any(r["role"] == "score_composer" for r in rows)
    body = client.get(
        "/scene", params={"work": "hell-girl-yoi-no-togi", "episode": 1, "t": "5:00"}
    ).json()
    assert body["precision"] == "work" and body["status"] == "music"
    work = body["levels"][-1]
    assert {s["title"] for s in work["songs"]} == {r["song"] for r in rows}
    [irogami] = [s for s in work["songs"] if s["title"] == "いろがみ"]
    assert _names(irogami["credits"], "composer") == {"Hiromi Mizutani"}
    assert "いろがみ" in body["headline"] and "Nothing is known" not in body["summary"]


@pytest.mark.parametrize("ref", ["Steins;Gate", "STEINS;GATE", "steins;gate"])
def test_ambiguous_title_answers_300_with_candidates(client, ref):
    resp = client.get("/scene", params={"work": ref, "episode": 1, "t": "1:00"})
    assert resp.status_code == 300
    body = resp.json()
    assert {c["id"] for c in body["candidates"]} == {"steins-gate-anime", "steins-gate-game"}
    assert {c["type"] for c in body["candidates"]} == {"series", "game"}
    assert "2 works" in body["error"]


def test_an_id_is_exact_on_one_work(client):
    for ref in ("steins-gate-game", "https://cuegraph.org/id/work/steins-gate-game"):
        body = client.get("/scene", params={"work": ref, "episode": 1, "t": "1:00"}).json()
        assert body["work"]["id"] == "steins-gate-game"
