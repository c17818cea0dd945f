"""Rate limiting measured, and the on-disk cache: a re-run makes zero requests."""

from __future__ import annotations

import time

import pytest
from harvest_support import (
    HARVESTS,
    FakeTime,
    Faults,
    default_handlers,
    harvest_settings,
    serve,
)
from werkzeug import Response

from cuegraph.harvest.http import HttpClient
from cuegraph.harvest.sources import SOURCES
from cuegraph.ingest.harvests import run_harvest
from cuegraph.store import open_store

#: the code under test reads the sources' URLs from the settings
pytestmark = pytest.mark.usefixtures("point_sources")


def test_requests_to_a_limited_host_are_spaced_real_clock(server):
    arrivals: list[float] = []

    def ping(request):
        arrivals.append(time.monotonic())
        return Response("{}", content_type="application/json")

    server.expect_request("/ping").respond_with_handler(ping)
    host = f"127.0.0.1:{server.port}"
    client = HttpClient(intervals={host: 0.25})
    t0 = time.monotonic()
    for i in range(4):
        client.get(server.url_for("/ping"), params={"i": i})
    elapsed = time.monotonic() - t0
    assert elapsed >= 0.75 - 0.01
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    # arrivals are the limiter's spacing less the jitter of getting each request there
    # (connection set-up, a busy machine): allow a little
    assert len(gaps) == 3 and min(gaps) >= 0.25 - 0.05
    # the limiter did the waiting (less the time the requests themselves took)
    assert client.limiter.waited >= 0.5


def test_rate_limiter_with_fake_clock_spaces_and_separates_hosts():
    ft = FakeTime()
    limiter = ft.limiter()
    starts = []
    for _ in range(5):
        limiter.wait("musicbrainz.org", 1.0)
        starts.append(ft.now)
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == [1.0] * 4
    before = ft.now
    assert limiter.wait("query.wikidata.org", 1.0) == 0.0 and ft.now == before
    limiter.push_back("musicbrainz.org", 30)  # a Retry-After
    assert limiter.wait("musicbrainz.org", 1.0) == pytest.approx(30.0)


@pytest.mark.parametrize("source", sorted(HARVESTS))
def test_rerun_with_cache_makes_zero_requests_and_same_graph(server, minter, tmp_path, source):
    serve(server, **default_handlers())
    option, value = HARVESTS[source]
    cache = tmp_path / "cache"

    def run(store, refresh=False):
        return run_harvest(
            store,
            minter,
            source,
            option,
            value,
            settings=harvest_settings(cache),
            refresh=refresh,
            limiter=FakeTime().limiter(),
        )

    store1, store2 = open_store("memory:"), open_store("memory:")
    first = run(store1)
    served = len(server.log)
    assert first.requests == served > 0 and first.cache_hits == 0
    second = run(store2)
    assert len(server.log) == served  # the server saw nothing new
    assert second.requests == 0 and second.cache_hits == served
    g = first.summary.graph
    assert second.summary.graph == g and first.summary.triples > 0
    assert store1.dump("nquads", graphs=[g]) == store2.dump("nquads", graphs=[g])
    # running again into the same store replaces the graph with identical content
    again = run(store1)
    assert again.summary.triples == again.summary.previous_triples
    assert store1.dump("nquads", graphs=[g]) == store2.dump("nquads", graphs=[g])
    # --refresh bypasses the cache
    fresh = run(open_store("memory:"), refresh=True)
    assert fresh.requests == served and len(server.log) == 2 * served


#: each source's published limit as seconds between requests (cited beside MIN_INTERVAL)
PUBLISHED = {
    "musicbrainz": 1.0,
    "wikidata": 1.0,
    "anilist": 2.0,
    "animethemes": 60 / 90,
    "vgmdb": 1.0,
}


@pytest.mark.parametrize("source", sorted(HARVESTS))
def test_a_whole_run_keeps_the_source_published_spacing(server, minter, source):
    ft = FakeTime()
    handlers = default_handlers()
    recorder = handlers[source] = Faults(handlers[source], ft=ft)
    serve(server, **handlers)
    option, value = HARVESTS[source]
    out = run_harvest(
        open_store("memory:"),
        minter,
        source,
        option,
        value,
        settings=harvest_settings(),
        limiter=ft.limiter(),
    )
    assert SOURCES[source].min_interval == pytest.approx(PUBLISHED[source])
    times = [t for t, _ in recorder.arrivals]
    assert len(times) == out.requests == len(server.log)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(g >= PUBLISHED[source] - 1e-9 for g in gaps), gaps
    assert out.waited == pytest.approx(PUBLISHED[source] * len(gaps))
