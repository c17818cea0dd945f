"""OpenAPI: typed answers, documented errors; paginated searches; a browser's 404 is a page."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def spec(client):
    return client.get("/openapi.json").json()


def _ref(schema: dict) -> str:
    return schema.get("$ref", "").rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    "path, model",
    [
        ("/scene", "SceneAnswer"),
        ("/composers", "Listing"),
        ("/works", "Listing"),
        ("/composers/{ref}", "ComposerProfile"),
        ("/works/{ref}", "WorkProfile"),
    ],
)
def test_answers_are_typed(spec, path, model):
    ok = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    assert _ref(ok["schema"]) == model
    assert spec["components"]["schemas"][model]["properties"]


@pytest.mark.parametrize(
    "path, codes",
    [
        ("/scene", {"400", "404", "503"}),
        ("/composers/{ref}", {"400", "404", "503"}),
        ("/works", {"400", "503"}),
    ],
)
def test_errors_are_documented_with_their_shape(spec, path, codes):
    responses = spec["paths"][path]["get"]["responses"]
    assert codes <= set(responses)
    for code in codes:
        schema = responses[code]["content"]["application/json"]["schema"]
        assert _ref(schema) == "ErrorBody"
    body = spec["components"]["schemas"]["ErrorBody"]
    assert set(body["properties"]) == {"error", "detail"} and body["required"] == ["error"]


def test_scene_documents_the_ambiguity_answer(spec):
    answer = spec["paths"]["/scene"]["get"]["responses"]["300"]
    assert _ref(answer["content"]["application/json"]["schema"]) == "Ambiguity"
    scene = spec["components"]["schemas"]["SceneAnswer"]["properties"]
    assert {"headline", "at_time", "status", "precision"} <= set(scene)


def test_searches_paginate_with_next_links(client):
    first = client.get("/works", params={"limit": 4}).json()
    assert first["count"] == 4 and first["total"] > 4
    seen, page = [w["id"] for w in first["data"]], first
    while page["next"]:
        assert page["next"].startswith("/works?")
        page = client.get(page["next"]).json()
        seen += [w["id"] for w in page["data"]]
    assert len(seen) == len(set(seen)) == first["total"]
    everyone = client.get("/works").json()
    assert seen == [w["id"] for w in everyone["data"]] and everyone["next"] is None
    q = client.get("/composers", params={"q": "a", "limit": 1}).json()
    assert "q=a" in q["next"] and q["count"] == 1
    assert client.get("/composers", params={"limit": 0}).status_code == 400


def test_a_browser_404_is_a_page_and_api_clients_get_json(client):
    browser = client.get("/no/such/page", headers={"Accept": "text/html,application/xhtml+xml"})
    assert browser.status_code == 404
    assert browser.headers["content-type"].startswith("text/html")
    assert "Not found" in browser.text and '<a href="/">' in browser.text
    evil = client.get("/static/<script>x", headers={"Accept": "text/html"})
    assert "<script>x" not in evil.text  # the message is escaped
    api = client.get("/no/such/page")
    assert api.status_code == 404 and set(api.json()) == {"error", "detail"}


def test_sparql_errors_are_documented(spec):
    responses = spec["paths"]["/sparql"]["get"]["responses"]
    for code in ("400", "406", "413", "503"):
        schema = responses[code]["content"]["application/json"]["schema"]
        assert _ref(schema) == "ErrorBody"
