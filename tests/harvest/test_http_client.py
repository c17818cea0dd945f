"""The polite HTTP client's edges: Retry-After forms, unreachable hosts, cache damage."""

from __future__ import annotations

import email.utils
import time

import pytest
from harvest_support import FakeTime
from werkzeug import Response

from cuegraph.errors import UpstreamError
from cuegraph.harvest.http import HttpClient, RateLimiter, _retry_after, user_agent
from support import free_port


def test_retry_after_seconds_and_http_date():
    assert _retry_after("120", time.monotonic) == 120.0
    when = email.utils.formatdate(time.time() + 90, usegmt=True)
    assert 85 <= _retry_after(when, time.monotonic) <= 91
    assert (
        _retry_after("soon", time.monotonic) is None and _retry_after(None, time.monotonic) is None
    )


def test_429_with_http_date_retry_after_is_waited(server):
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            when = email.utils.formatdate(time.time() + 30, usegmt=True)
            return Response("slow down", status=429, headers={"Retry-After": when})
        return Response('{"ok": true}', content_type="application/json")

    server.expect_request("/x").respond_with_handler(handler)
    ft = FakeTime()
    client = HttpClient(limiter=RateLimiter(ft.clock, ft.sleep))
    assert client.get(server.url_for("/x")).json() == {"ok": True}
    assert len(calls) == 2 and 25 <= max(ft.sleeps) <= 31


def test_unreachable_host_fails_with_one_line():
    ft = FakeTime()
    client = HttpClient(limiter=RateLimiter(ft.clock, ft.sleep), retries=2, timeout=2)
    url = f"http://127.0.0.1:{free_port()}/nothing-listens-here"
    with pytest.raises(UpstreamError, match="could not reach 127.0.0.1") as err:
        client.get(url)
    assert "\n" not in err.value.message
    assert client.requests_made == 3 and ft.sleeps == [1.0, 2.0]  # exponential backoff


def test_damaged_cache_entry_is_refetched(server, tmp_path):
    server.expect_request("/y").respond_with_json({"n": 1})
    client = HttpClient(cache_dir=tmp_path)
    client.get(server.url_for("/y"))
    (entry,) = list(tmp_path.rglob("*.json"))
    entry.write_text("{not json", encoding="utf-8")
    again = HttpClient(cache_dir=tmp_path)
    assert again.get(server.url_for("/y")).json() == {"n": 1}
    assert again.requests_made == 1 and len(server.log) == 2
    third = HttpClient(cache_dir=tmp_path)
    assert third.get(server.url_for("/y")).from_cache and third.requests_made == 0


def test_user_agent_names_app_version_and_contact(server):
    server.expect_request("/z").respond_with_json({})
    HttpClient(contact="ops@cuegraph.invalid").get(server.url_for("/z"))
    ua = server.log[0][0].headers["User-Agent"]
    assert ua == user_agent("ops@cuegraph.invalid")
    assert ua.startswith("cuegraph/") and "(ops@cuegraph.invalid)" in ua
