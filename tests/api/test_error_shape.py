"""Every error of the summary endpoints is JSON ``{"error": str, "detail": ...}``, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.client(raise_server_exceptions=False)


def assert_canonical_error(resp, status: int) -> dict:
    """The one error shape: the status, a JSON object with exactly error and detail."""
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"error", "detail"}
    assert isinstance(body["error"], str) and body["error"]
    return body


CASES = [
    ("/composers/no-such-person", 404),
    ("/works/no-such-work", 404),
    ("/scene?work=no-such-work&episode=1&t=0", 404),
    ("/scene?work=anohana&episode=99&t=0", 404),
    ("/scene?work=anohana&episode=0&t=0", 404),
    ("/scene?work=anohana&episode=5&t=-5", 400),
    ("/scene?work=anohana&episode=5&t=abc", 400),
    ("/scene?work=anohana&episode=5&from=10&to=5", 400),
    ("/scene?work=anohana&episode=x&t=1", 400),
    ("/scene?episode=1&t=1", 400),
    ("/scene?work=anohana&episode=5", 400),
    ("/static/nothing-here.js", 404),
    ("/static/../__init__.py", 404),
    ("/static/%00", 404),
    ("/static/" + "a" * 300, 404),  # longer than a file name may be
    ("/no/such/page", 404),
]


@pytest.mark.parametrize("path, status", CASES)
def test_error_shape(client, path, status):
    assert_canonical_error(client.get(path), status)


def test_missing_parameter_names_it(client):
    body = assert_canonical_error(client.get("/scene?episode=1&t=1"), 400)
    assert "work" in body["error"]


def test_not_found_detail_names_what_was_missing(client):
    body = assert_canonical_error(client.get("/works/no-such-work"), 404)
    assert body["detail"]["work"] == "no-such-work"
    assert isinstance(body["detail"]["close_matches"], list)


def test_odd_input_never_500(client):
    for path in (
        "/composers?q=%00%01",
        "/composers?q=" + "a" * 2000,
        "/works?q=%E2%80%8B",
        "/composers/%3Cscript%3E",
        "/works/%22%20%7D%20DROP",
        "/scene?work=%22%7D&episode=1&t=1",
        "/scene?work=anohana&episode=5&t=1e400",
        "/scene?work=anohana&episode=5&t=NaN",
        "/scene?work=anohana&episode=5&t=inf",
        "/scene?work=anohana&episode=99999999999999999999&t=1",
    ):
        resp = client.get(path)
        assert resp.status_code < 500, (path, resp.text)
        if resp.status_code >= 400:
            assert_canonical_error(resp, resp.status_code)


ODD = [
    "",
    " ",
    "a" * 3000,
    "梶浦",
    "😀",
    "%00",
    "'\"<>{}\\",
    "-1",
    "0",
    "1e309",
    "nan",
    "99999999999999999999",
    "../..",
    "http://127.0.0.1:9/x",
    "1:2:3:4",
    "00:60",
    "٥",
]
TEMPLATES = [
    "/composers?q={v}",
    "/works?q={v}",
    "/composers/{v}",
    "/works/{v}",
    "/scene?work={v}&episode=5&t=1",
    "/scene?work=anohana&episode={v}&t=1",
    "/scene?work=anohana&episode=5&t={v}",
    "/scene?work=anohana&episode=5&from={v}&to=9",
    "/scene?work=anohana&episode=5&t=1&format={v}",
    "/sparql?query={v}",
    "/sparql?query=ASK%7B%7D&format={v}",
    "/sparql?query=ASK%7B%7D&default-graph-uri={v}",
    "/stats?x={v}",
    "/static/{v}",
    "/{v}",
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_endpoint_with_odd_values_never_500(client, template):
    """Empty, very long, non-Latin, numeric-looking and hostile values: a 2xx/3xx or a 4xx
    in the one error shape, never a 500."""
    for value in ODD:
        path = template.format(v=quote(value, safe=""))
        for accept in ("application/json", "text/html"):
            resp = client.get(path, headers={"Accept": accept}, follow_redirects=False)
            assert resp.status_code < 500, (path, resp.text[:300])
            if resp.status_code == 404 and accept == "text/html":  # a browser: a 404 page
                assert resp.headers["content-type"].startswith("text/html")
                assert "Not found" in resp.text and "<script" not in resp.text
            elif resp.status_code >= 400:
                assert_canonical_error(resp, resp.status_code)
