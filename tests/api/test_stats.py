"""GET /stats: counts by type and role, per source graph and per source."""

from __future__ import annotations


def test_stats_on_seed(seed_store, api_client):
    s = api_client().get("/stats").json()
    assert s["triples"] == seed_store.triple_count()
    works = seed_store.select(
        "PREFIX cg: <https://cuegraph.org/ns#> "
        "SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE { ?w a cg:Work }"
    )
    assert s["types"]["Work"] == works[0]["n"]
    assert s["types"]["Agent"] > 10 and s["types"]["Credit"] > 0
    roles = {r["role"]: r for r in s["roles"]}
    assert roles["score_composer"]["credits"] >= roles["score_composer"]["agents"] >= 1
    assert {"composer", "lyricist", "singer"} <= set(roles)
    graphs = {g["graph"]: g for g in s["graphs"]}
    anohana = graphs["https://cuegraph.org/id/graph/cuesheet/anohana"]
    assert anohana["source"] == "cuesheet" and anohana["triples"] > 0
    assert anohana["license"] == "http://creativecommons.org/publicdomain/zero/1.0/"
    sources = {x["source"]: x for x in s["sources"]}
    assert set(sources) == {g["source"] for g in s["graphs"]}
    cuesheets = [g for g in s["graphs"] if g["source"] == "cuesheet"]
    assert sources["cuesheet"]["graphs"] == len(cuesheets)
    assert sources["cuesheet"]["triples"] == sum(g["triples"] for g in cuesheets)
    assert sources["cuesheet"]["last_harvest"] == max(g["generated"] for g in cuesheets)


def test_stats_counts_a_new_source(fresh_store, minter, api_client):
    from cuegraph.ingest import import_cuesheet
    from support import FIXTURES

    client = api_client(fresh_store)
    before = client.get("/stats").json()
    import_cuesheet(fresh_store, minter, FIXTURES / "cuesheets" / "good.csv")
    after = client.get("/stats").json()
    assert after["types"]["SilenceCue"] == before["types"].get("SilenceCue", 0) + 1
    assert len(after["graphs"]) == len(before["graphs"]) + 1
    assert after["triples"] > before["triples"]


def test_summary_endpoints_are_documented(api_client):
    paths = api_client().get("/openapi.json").json()["paths"]
    for path in ("/scene", "/composers", "/composers/{ref}", "/works", "/works/{ref}", "/stats"):
        op = paths[path]["get"]
        assert op.get("description") or op.get("summary"), path
        assert "200" in op["responses"] and "schema" in str(op["responses"]["200"]), path
    assert "/" not in paths  # the web page is not an API operation
