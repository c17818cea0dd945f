"""Failures of a whole harvest run, for every source: retried rate limits, persistent errors
and bad bodies, all leaving the store as it was (byte for byte) and saying so."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from harvest_support import (
    HARVESTS,
    FakeTime,
    Faults,
    default_handlers,
    harvest_settings,
    serve,
)

from cuegraph.errors import StoreError, UpstreamError
from cuegraph.ingest.harvests import run_harvest
from cuegraph.store import open_store

#: which request of each source's harvest gets the fault: a mid-run one where there are
#: several (MusicBrainz: the recordings browse after search, lookup and works; AniList and
#: AnimeThemes: the second page), else the only one
FAULTY = {
    "wikidata": lambda r: "OFFSET" in r.args.get("query", ""),
    "musicbrainz": lambda r: urlsplit(r.url).path == "/ws/2/recording",
    "anilist": lambda r: r.get_json()["variables"]["page"] == 2,
    "animethemes": lambda r: r.args.get("page[number]") == "2",
    "vgmdb": lambda r: True,
}
SOURCES = sorted(FAULTY)


#: the code under test reads the sources' URLs from the settings
pytestmark = pytest.mark.usefixtures("point_sources")


def _setup(server, source: str, ft: FakeTime) -> Faults:
    handlers = default_handlers()
    faults = handlers[source] = Faults(handlers[source], FAULTY[source], ft=ft)
    serve(server, **handlers)
    return faults


def _run(store, minter, source: str, ft: FakeTime):
    option, value = HARVESTS[source]
    return run_harvest(
        store,
        minter,
        source,
        option,
        value,
        settings=harvest_settings(),
        limiter=ft.limiter(),
        client_options={"timeout": 10},
    )


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("status", ["429", "503"])
def test_rate_limit_answers_are_retried_after_retry_after(server, minter, source, status):
    ft = FakeTime()
    faults = _setup(server, source, ft)
    faults.mode = status
    store = open_store("memory:")
    out = _run(store, minter, source, ft)
    assert faults.faults_sent == 1
    assert out.summary.records > 0 and out.requests == len(server.log)
    # the request after the fault arrived only once the Retry-After (7 s) had passed
    (i,) = [n for n, (_, faulted) in enumerate(faults.arrivals) if faulted]
    assert faults.arrivals[i + 1][0] - faults.arrivals[i][0] >= 7
    assert out.waited >= 7
    # and the run wrote the same graph as a run without the fault
    clean = open_store("memory:")
    _run(clean, minter, source, FakeTime())
    g = out.summary.graph
    assert store.dump("nquads", graphs=[g]) == clean.dump("nquads", graphs=[g])


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize(
    "mode, message",
    [
        ("500", "HTTP 500: database is on fire$"),
        ("malformed", "malformed or truncated JSON"),
        ("html", "HTML page"),
        ("truncated", "truncated body|IncompleteRead"),
        ("shape", r"unexpected (Wikidata|MusicBrainz|AniList|AnimeThemes|vgmdb\.info) response "),
    ],
)
def test_failures_leave_the_previous_graph_byte_for_byte(server, minter, source, mode, message):
    ft = FakeTime()
    faults = _setup(server, source, ft)
    store = open_store("memory:")
    first = _run(store, minter, source, ft)
    before = store.dump("nquads")
    assert first.summary.triples > 0 and first.summary.graph in store.graphs()
    faults.mode = mode
    ft = faults.ft = FakeTime()
    with pytest.raises(UpstreamError, match=message) as err:
        _run(store, minter, source, ft)
    assert err.value.message.startswith(f"{source} harvest failed, nothing was written: ")
    assert "\n" not in err.value.message
    assert store.dump("nquads") == before
    if mode in ("500", "truncated"):  # retried with backoff, then given up
        assert faults.faults_sent == 5 and len(ft.sleeps) >= 4
    else:  # a bad body is not retried
        assert faults.faults_sent == 1


def test_too_long_retry_after_is_not_waited_for(server, minter):
    ft = FakeTime()
    faults = _setup(server, "musicbrainz", ft)
    faults.retry_after = "86400"  # a day: the ban text's horizon, beyond max_retry_after
    faults.mode = "503"
    with pytest.raises(UpstreamError, match="HTTP 503"):
        _run(open_store("memory:"), minter, "musicbrainz", ft)
    assert sum(ft.sleeps) < 100


def test_a_store_fault_is_the_stores_error_not_the_sources(server, minter, tmp_path):
    """The source answered; the store refused the write (open read-only): that is a
    StoreError naming the store, not "wikidata harvest failed" (a 502 blaming the source),
    and the store keeps what it had."""
    serve(server, **default_handlers())
    path = tmp_path / "store"
    with open_store(f"oxigraph:{path}") as store:
        _run(store, minter, "wikidata", FakeTime())
    with open_store(f"oxigraph:{path}", read_only=True) as store:
        before = store.dump("nquads")
        with pytest.raises(StoreError, match="read-only") as err:
            _run(store, minter, "wikidata", FakeTime())
        assert not isinstance(err.value, UpstreamError)
        assert "harvest failed" not in err.value.message
        assert store.dump("nquads") == before
