"""Failures: retried rate limits, persistent errors and bad bodies, all leaving the store as
it was (byte for byte) and saying so."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from wdmb_support import FakeTime, Faults, mb_handler, serve, start_server, wdqs_handler

from cuegraph.errors import UpstreamError
from cuegraph.harvest.http import RateLimiter
from cuegraph.harvest.run import run_harvest
from cuegraph.store import open_store

SOURCES = {
    # source: (function, argument, stand-in, which request gets the fault: a mid-run one)
    "wikidata": ("harvest_person", "Q900001", wdqs_handler, lambda r: True),
    "musicbrainz": ("harvest_artist", "Yuki Kajiura", lambda: mb_handler(),
                    lambda r: urlsplit(r.url).path == "/ws/2/recording"),
}


@pytest.fixture
def server(monkeypatch):
    s = start_server()
    monkeypatch.setenv("CUEGRAPH_WIKIDATA_URL", s.url_for("/sparql"))
    monkeypatch.setenv("CUEGRAPH_MUSICBRAINZ_URL", s.url_for("/ws/2"))
    yield s
    s.clear()
    s.stop()


def _setup(server, source):
    function, arg, handler, when = SOURCES[source]
    faults = Faults(handler(), when=when)
    serve(server, **{"wd" if source == "wikidata" else "mb": faults})
    return faults, function, arg


def _run(store, minter, source, function, arg, ft):
    return run_harvest(store, minter, source, function, arg, contact="tests@cuegraph.invalid",
                       cache_dir=None, limiter=RateLimiter(ft.clock, ft.sleep),
                       client_options={"timeout": 10})


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("status", ["429", "503"])
def test_rate_limit_answers_are_retried_after_retry_after(server, minter, source, status):
    faults, function, arg = _setup(server, source)
    faults.mode = status
    ft = FakeTime()
    store = open_store("memory:")
    out = _run(store, minter, source, function, arg, ft)
    assert faults.faults_sent == 1
    assert out.summary.records > 0 and out.requests == len(server.log)
    assert max(ft.sleeps) >= 7  # the Retry-After was honoured before the next attempt
    assert out.waited >= 7


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("mode, message", [
    ("500", "database is on fire"),
    ("malformed", "malformed or truncated JSON"),
    ("html", "HTML page"),
    ("truncated", "truncated body|IncompleteRead"),
])
def test_failures_leave_the_previous_graph_byte_for_byte(server, minter, source, mode,
                                                         message):
    faults, function, arg = _setup(server, source)
    store = open_store("memory:")
    first = _run(store, minter, source, function, arg, FakeTime())
    before = store.dump("nquads")
    assert first.summary.triples > 0 and before
    faults.mode = mode
    ft = FakeTime()
    with pytest.raises(UpstreamError, match=message) as err:
        _run(store, minter, source, function, arg, ft)
    assert f"{source} harvest failed, nothing was written" in err.value.message
    assert "\n" not in err.value.message
    assert store.dump("nquads") == before
    if mode in ("500", "truncated"):  # retried with backoff, then given up
        assert faults.faults_sent == 5 and len(ft.sleeps) >= 4
    else:  # a bad body is not retried
        assert faults.faults_sent == 1


def test_too_long_retry_after_is_not_waited_for(server, minter):
    faults, function, arg = _setup(server, "musicbrainz")
    faults.retry_after = "86400"  # a day: the ban text's horizon, beyond max_retry_after
    faults.mode = "503"
    ft = FakeTime()
    with pytest.raises(UpstreamError, match="HTTP 503"):
        _run(open_store("memory:"), minter, "musicbrainz", function, arg, ft)
    assert sum(ft.sleeps) < 100
