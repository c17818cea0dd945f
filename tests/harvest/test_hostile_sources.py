"""Sources that misbehave on purpose: an endless body, a gzip bomb, a body dripped one byte
at a time, redirects to other schemes and hosts, and 200 answers that are not the API's.

Each runs the real harvest against a local stand-in on 127.0.0.1 and checks that the run
stops with one line, and that the store and the on-disk cache are exactly as they were.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from harvest_support import (
    HARVESTS,
    KAJIURA_MBID,
    ROUTES,
    FakeTime,
    Faults,
    default_handlers,
    harvest_settings,
    mb_handler,
    serve,
    start_server,
)
from werkzeug import Request, Response

from cuegraph.config import Settings, from_environment
from cuegraph.errors import UpstreamError
from cuegraph.harvest import wikidata
from cuegraph.harvest.http import HttpClient
from cuegraph.harvest.sources import SOURCES
from cuegraph.ingest.harvests import make_client, run_harvest
from cuegraph.store import open_store
from support import free_port

MiB = 1024 * 1024


#: the code under test reads the sources' URLs from the settings
pytestmark = pytest.mark.usefixtures("point_sources")


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` with its bytes (the cache, compared byte for byte)."""
    if not directory.exists():
        return {}
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def harvest(store, minter, source: str, cache: Path | None, refresh: bool = False, **options):
    option, value = HARVESTS[source]
    return run_harvest(
        store,
        minter,
        source,
        option,
        value,
        settings=harvest_settings(cache),
        refresh=refresh,
        limiter=FakeTime().limiter(),
        client_options={"timeout": 10, "retries": 2, **options},
    )


@pytest.fixture
def before(server, minter, tmp_path):
    """A store and a cache holding a good Wikidata and MusicBrainz harvest; returns
    ``(store, cache_dir, snapshot_of_both)``."""
    serve(server, **default_handlers())
    store = open_store("memory:")
    cache = tmp_path / "cache"
    for source in ("wikidata", "musicbrainz"):
        harvest(store, minter, source, cache)
    server.clear()
    return store, cache, (store.dump("nquads"), snapshot(cache))


def unchanged(store, cache, saved) -> bool:
    return (store.dump("nquads"), snapshot(cache)) == saved


def endless(chunk: bytes = b"x" * 65536):
    """A body that never ends (a JSON string that never closes)."""

    def body():
        yield b'{"head": {"vars": ["person"]}, "results": {"bindings": [{"person": "'
        while True:
            yield chunk

    return body


# -- size cap ------------------------------------------------------------------------------


def test_endless_body_stops_at_the_cap(server, before, minter):
    store, cache, saved = before
    served = []

    def handler(request: Request) -> Response:
        served.append(request.path)
        return Response(endless()(), content_type="application/sparql-results+json")

    serve(server, wikidata=handler)
    t0 = time.monotonic()
    with pytest.raises(UpstreamError) as err:
        harvest(store, minter, "wikidata", cache, refresh=True, max_bytes=2 * MiB)
    message = err.value.message
    assert message.startswith("wikidata harvest failed, nothing was written: ")
    assert "larger than the 2 MiB cap" in message and "stopped reading" in message
    assert "\n" not in message and len(message) < 300
    assert len(served) == 1  # a cap is not retried
    assert time.monotonic() - t0 < 30
    assert unchanged(store, cache, saved)


def test_announced_length_over_the_cap_is_refused_before_reading(server, before, minter):
    store, cache, saved = before
    big = b"[" + b"0," * (3 * MiB) + b"0]"
    serve(server, musicbrainz=lambda request: Response(big, content_type="application/json"))
    with pytest.raises(UpstreamError, match=f"announced {len(big):,} bytes"):
        harvest(store, minter, "musicbrainz", cache, refresh=True, max_bytes=1 * MiB)
    assert unchanged(store, cache, saved)


def test_each_source_has_its_own_finite_cap(monkeypatch):
    for source in ROUTES:
        module = SOURCES[source]
        client = make_client(module, harvest_settings())
        assert client.max_bytes == module.max_response_bytes
        assert 1 * MiB <= client.max_bytes <= 128 * MiB
        assert client.deadline > 0 and client.redirect_hosts == module.redirect_hosts
    monkeypatch.setenv("CUEGRAPH_HARVEST_MAX_BYTES", "12345")
    monkeypatch.setenv("CUEGRAPH_HARVEST_DEADLINE", "2.5")
    client = make_client(SOURCES["wikidata"], from_environment())
    assert (client.max_bytes, client.deadline) == (12345, 2.5)
    default = make_client(SOURCES["wikidata"], Settings())  # Settings() reads no variable
    assert default.max_bytes == SOURCES["wikidata"].max_response_bytes


def _rss_run(variables: dict, *args: str) -> tuple[int, str]:
    """Run the cuegraph CLI in a child; its exit code's stderr and its peak RSS (KiB)."""
    exe = Path(sys.executable).with_name("cuegraph")
    proc = subprocess.Popen(
        [str(exe), *args],
        env={**os.environ, **variables},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    err = []
    reader = threading.Thread(target=lambda: err.append(proc.stderr.read()))
    reader.start()
    _pid, _status, usage = os.wait4(proc.pid, 0)
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(_status)
    return usage.ru_maxrss, (proc.returncode, err[0].decode())


@pytest.mark.parametrize("source", ["wikidata", "musicbrainz"])
def test_hostile_body_keeps_the_harvest_small_in_memory(tmp_path, source):
    """The CLI's peak RSS on an endless body (Wikidata) or a gzip bomb (MusicBrainz) stays
    within about the cap of a normal run's: the child's own ``ru_maxrss``, side by side."""
    server = start_server()
    try:
        hostile = {"on": False}
        normal = default_handlers()[source]

        def handler(request):
            if not hostile["on"]:
                return normal(request)
            if source == "wikidata":
                return Response(endless()(), content_type="application/sparql-results+json")
            return Response(
                BOMB, content_type="application/json", headers={"Content-Encoding": "gzip"}
            )

        serve(server, **{source: handler})
        store = f"oxigraph:{tmp_path / 'store'}"
        prefix, variable = ROUTES[source]
        variables = {
            variable: server.url_for(prefix),
            "CUEGRAPH_STORE": store,
            "CUEGRAPH_CACHE_DIR": str(tmp_path / "cache"),
            "CUEGRAPH_HARVEST_MAX_BYTES": str(16 * MiB),
        }
        args = (
            ("harvest", "wikidata", "--person", "Q900001", "--refresh")
            if source == "wikidata"
            else ("harvest", "musicbrainz", "--artist", KAJIURA_MBID, "--refresh")
        )
        normal_rss, (code, err) = _rss_run(variables, *args)
        assert code == 0, err
        with open_store(store, read_only=True) as s:
            saved = s.dump("nquads")
        cache_before = snapshot(tmp_path / "cache")
        hostile["on"] = True
        hostile_rss, (code, err) = _rss_run(variables, *args)
        assert code == 1 and err.strip().splitlines() == [err.strip()]
        assert "larger than the 16 MiB cap" in err
        # a 16 MiB cap: the peak grows by about the cap, not by what the source sends
        # (an endless body, or 256 MiB inflated from a 250 KiB bomb)
        print(
            f"{source}: peak RSS normal {normal_rss // 1024} MiB, hostile {hostile_rss // 1024} MiB"
        )
        assert hostile_rss - normal_rss < 3 * 16 * 1024, (normal_rss, hostile_rss)
        with open_store(store, read_only=True) as s:
            assert s.dump("nquads") == saved
        assert snapshot(tmp_path / "cache") == cache_before
    finally:
        server.clear()
        server.stop()


# -- gzip ----------------------------------------------------------------------------------


def _bomb(inflated: int = 256 * MiB) -> bytes:
    """``inflated`` bytes of a JSON-looking text, gzip-compressed (about 250 KiB)."""
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b" " * MiB
    parts = [c.compress(b'{"artists": ["')]
    parts += [c.compress(block) for _ in range(inflated // MiB)]
    parts.append(c.compress(b'"]}') + c.flush())
    return b"".join(parts)


BOMB = _bomb()


def test_gzip_bomb_is_capped_on_inflated_bytes_and_never_cached(server, before, minter):
    store, cache, saved = before
    assert len(BOMB) < MiB  # small on the wire

    def handler(request: Request) -> Response:
        return Response(BOMB, content_type="application/json", headers={"Content-Encoding": "gzip"})

    serve(server, musicbrainz=handler)
    with pytest.raises(UpstreamError) as err:
        harvest(store, minter, "musicbrainz", cache, refresh=True, max_bytes=4 * MiB)
    assert "larger than the 4 MiB cap" in err.value.message
    assert "counted after decompression" in err.value.message
    assert unchanged(store, cache, saved)  # no cache file, store as it was


def test_gzip_answers_are_inflated_and_give_the_same_graph(server, minter, tmp_path):
    plain = mb_handler()
    encodings = []

    def gzipped(request: Request) -> Response:
        encodings.append(request.headers.get("Accept-Encoding"))
        resp = plain(request)
        resp.set_data(gzip.compress(resp.get_data()))
        resp.headers["Content-Encoding"] = "gzip"
        return resp

    serve(server, musicbrainz=gzipped)
    a, b = open_store("memory:"), open_store("memory:")
    out = harvest(a, minter, "musicbrainz", tmp_path / "c1")
    server.clear()
    serve(server, musicbrainz=plain)
    harvest(b, minter, "musicbrainz", tmp_path / "c2")
    assert out.summary.records > 0 and encodings and set(encodings) == {"gzip, deflate"}
    g = out.summary.graph
    assert a.dump("nquads", graphs=[g]) == b.dump("nquads", graphs=[g])


# -- total deadline ------------------------------------------------------------------------


def drip(every: float, count: int = 10_000):
    def body():
        yield b'{"artists": ['
        for _ in range(count):
            time.sleep(every)
            yield b" "

    return body


def test_drip_feed_stops_at_the_total_deadline(server, before, minter):
    store, cache, saved = before
    served = []

    def handler(request: Request) -> Response:
        served.append(request.path)
        return Response(drip(0.3, 40)(), content_type="application/json")

    serve(server, musicbrainz=handler)
    t0 = time.monotonic()
    # every read gets a byte well within the 10 s timeout: only a total deadline stops it
    with pytest.raises(UpstreamError) as err:
        harvest(store, minter, "musicbrainz", cache, refresh=True, deadline=2.0)
    took = time.monotonic() - t0
    assert "within the 2 s deadline" in err.value.message and "\n" not in err.value.message
    assert 1.9 <= took < 2.0 + 1.5, took
    assert len(served) == 1  # not retried
    assert unchanged(store, cache, saved)


def test_slow_headers_count_against_the_deadline(server, before, minter):
    store, cache, saved = before

    def handler(request: Request) -> Response:
        time.sleep(3)
        return Response("{}", content_type="application/json")

    serve(server, musicbrainz=handler)
    t0 = time.monotonic()
    with pytest.raises(UpstreamError, match="deadline"):
        harvest(store, minter, "musicbrainz", cache, refresh=True, deadline=1.0)
    assert time.monotonic() - t0 < 2.5
    assert unchanged(store, cache, saved)


def test_store_is_not_locked_while_a_source_is_fetched(tmp_path):
    """`cuegraph harvest` opens the embedded store only to write: while it waits on a slow
    source, another writer can open the store."""
    server = start_server()
    got = threading.Event()
    try:
        plain = mb_handler()

        def slow(request: Request) -> Response:
            if request.path == "/ws/2/artist":
                got.set()
                time.sleep(4)
            return plain(request)

        serve(server, musicbrainz=slow)
        store = f"oxigraph:{tmp_path / 'store'}"
        open_store(store).close()
        variables = {
            "CUEGRAPH_MUSICBRAINZ_URL": server.url_for("/ws/2"),
            "CUEGRAPH_STORE": store,
            "CUEGRAPH_CACHE_DIR": str(tmp_path / "cache"),
        }
        exe = Path(sys.executable).with_name("cuegraph")
        proc = subprocess.Popen(
            [str(exe), "harvest", "musicbrainz", "--artist", "Yuki Kajiura"],
            env={**os.environ, **variables},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert got.wait(60), "the harvest never reached the source"
        with open_store(store) as other:  # a second writer, while the harvest fetches
            other.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }")
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "musicbrainz: 23 records" in out
        with open_store(store, read_only=True) as s:
            assert "urn:x:g" in s.graphs() and len(s.graphs()) >= 3
    finally:
        server.clear()
        server.stop()


# -- redirects -----------------------------------------------------------------------------


class Listener:
    """A TCP port that records whether anything connected (an 'FTP server')."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]

    def connections(self) -> int:
        n = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return n
            conn.close()
            n += 1

    def close(self) -> None:
        self.sock.close()


def redirecting(to: str, status: int = 302):
    return lambda request: Response("", status=status, headers={"Location": to})


@pytest.mark.parametrize("source", sorted(ROUTES))
def test_redirect_to_ftp_is_refused_without_connecting(server, before, minter, source):
    store, cache, saved = before
    ftp = Listener()
    try:
        serve(server, **{source: redirecting(f"ftp://127.0.0.1:{ftp.port}/credits.json")})
        with pytest.raises(UpstreamError) as err:
            harvest(store, minter, source, cache, refresh=True)
        assert "refused a redirect to ftp://127.0.0.1" in err.value.message
        assert "only http and https are followed" in err.value.message
        assert ftp.connections() == 0
        assert len(server.log) == 1  # not retried
    finally:
        ftp.close()
    assert unchanged(store, cache, saved)


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "gopher://127.0.0.1/x", "data:application/json,{}"]
)
def test_redirect_to_another_scheme_is_refused(server, before, minter, target):
    store, cache, saved = before
    serve(server, wikidata=redirecting(target, 301))
    with pytest.raises(UpstreamError, match="only http and https are followed"):
        harvest(store, minter, "wikidata", cache, refresh=True)
    assert unchanged(store, cache, saved)


def test_redirect_to_another_host_is_refused(server, before, minter):
    store, cache, saved = before
    other = start_server()  # "another host": localhost is not 127.0.0.1 by name
    try:
        other.expect_request("/sparql").respond_with_data("{}", content_type="application/json")
        serve(server, wikidata=redirecting(f"http://localhost:{other.port}/sparql?x=1"))
        with pytest.raises(UpstreamError) as err:
            harvest(store, minter, "wikidata", cache, refresh=True)
        assert (
            f"refused a redirect to another host (http://localhost:{other.port}/sparql?…)"
            in err.value.message
        )
        assert "followed only within 127.0.0.1" in err.value.message
        assert len(other.log) == 0
    finally:
        other.clear()
        other.stop()
    assert unchanged(store, cache, saved)


def test_redirect_within_the_host_is_followed_and_listed_hosts_too(server):
    plain = mb_handler()

    def moved(request: Request) -> Response:
        if request.path.startswith("/ws/2/old/"):  # the old path moved (same host)
            new = request.full_path.replace("/ws/2/old/", "/ws/2/", 1)
            return Response("", status=301, headers={"Location": new})
        return plain(request)

    serve(server, musicbrainz=moved)
    client = HttpClient(limiter=FakeTime().limiter())
    resp = client.get(server.url_for("/ws/2/old/artist/" + KAJIURA_MBID), params={"fmt": "json"})
    assert resp.data["id"] == KAJIURA_MBID and client.requests_made == 2
    # another host only when the source lists it
    server.clear()
    serve(server, musicbrainz=plain)
    away = redirecting(
        server.url_for("/ws/2/artist/" + KAJIURA_MBID).replace("127.0.0.1", "localhost")
        + "?fmt=json"
    )
    hop = start_server()
    try:
        hop.expect_request("/start").respond_with_handler(away)
        listed = HttpClient(limiter=FakeTime().limiter(), redirect_hosts=("localhost",))
        assert listed.get(hop.url_for("/start")).data["id"] == KAJIURA_MBID
        with pytest.raises(UpstreamError, match="another host"):
            HttpClient(limiter=FakeTime().limiter()).get(hop.url_for("/start"))
    finally:
        hop.clear()
        hop.stop()


def test_redirect_loops_stop(server):
    server.expect_request("/a").respond_with_handler(redirecting("/b"))
    server.expect_request("/b").respond_with_handler(redirecting("/a"))
    client = HttpClient(limiter=FakeTime().limiter())
    with pytest.raises(UpstreamError, match="more than 5 redirects"):
        client.get(server.url_for("/a"))
    assert client.requests_made == 6


def test_wikidata_redirect_is_refused_through_sparqlwrapper_requests(server):
    """The Wikidata client builds its request with SPARQLWrapper, but never lets urllib
    follow a redirect (it followed one to ftp:// before)."""
    ftp = Listener()
    try:
        serve(server, wikidata=redirecting(f"ftp://127.0.0.1:{ftp.port}/"))
        with pytest.raises(UpstreamError, match="only http and https"):
            wikidata.sparql_select(
                HttpClient(limiter=FakeTime().limiter()),
                server.url_for("/sparql"),
                "SELECT * { ?s ?p ?o }",
            )
        assert ftp.connections() == 0
    finally:
        ftp.close()


# -- cache only what parsed (issue #11) ---------------------------------------------------


@pytest.mark.parametrize("source", sorted(ROUTES))
@pytest.mark.parametrize("mode", ["html", "malformed", "shape"])
def test_a_bad_200_answer_is_never_cached(server, minter, tmp_path, source, mode):
    handlers = default_handlers()
    faults = handlers[source] = Faults(handlers[source])
    serve(server, **handlers)
    store, cache = open_store("memory:"), tmp_path / "cache"
    faults.mode = mode
    with pytest.raises(UpstreamError):
        harvest(store, minter, source, cache)
    assert snapshot(cache) == {} and store.graphs() == []
    # the source is fine again: the next run asks it (nothing bad was kept) and succeeds
    faults.mode = None
    out = harvest(store, minter, source, cache)
    assert out.requests > 0 and out.cache_hits == 0 and out.summary.records > 0
    again = harvest(open_store("memory:"), minter, source, cache)
    assert again.requests == 0 and again.cache_hits == out.requests  # now it is cached


def test_a_cache_entry_that_no_longer_parses_is_fetched_again(server, tmp_path):
    server.expect_request("/j").respond_with_json({"ok": 1})
    client = HttpClient(cache_dir=tmp_path, limiter=FakeTime().limiter())
    client.get(server.url_for("/j"))
    (entry,) = tmp_path.rglob("*.json")
    raw = json.loads(entry.read_text())
    raw["body"] = "<html>cached by an older version</html>"
    entry.write_text(json.dumps(raw))
    again = HttpClient(cache_dir=tmp_path, limiter=FakeTime().limiter())
    assert again.get(server.url_for("/j")).data == {"ok": 1}
    assert again.requests_made == 1 and len(server.log) == 2


# -- error lines (issue #11) ---------------------------------------------------------------


def test_wikidata_error_line_does_not_embed_the_query(server, minter):
    serve(
        server,
        wikidata=lambda request: Response(
            '{"error": "database is on fire"}', status=500, content_type="application/json"
        ),
    )
    with pytest.raises(UpstreamError) as err:  # by QID: the first request is the query
        run_harvest(
            open_store("memory:"),
            minter,
            "wikidata",
            "person",
            "Q900001",
            settings=harvest_settings(),
            limiter=FakeTime().limiter(),
            client_options={"retries": 1},
        )
    message = err.value.message
    assert "database is on fire" in message and "/sparql?…" in message
    assert "SELECT" not in message and "%20" not in message and len(message) < 300


def test_a_refused_ten_minute_retry_after_says_so(server, minter):
    serve(
        server,
        musicbrainz=lambda request: Response(
            "slow down", status=503, headers={"Retry-After": "600"}
        ),
    )
    ft = FakeTime()
    with pytest.raises(UpstreamError) as err:
        run_harvest(
            open_store("memory:"),
            minter,
            "musicbrainz",
            "artist",
            KAJIURA_MBID,
            settings=harvest_settings(),
            limiter=ft.limiter(),
        )
    message = err.value.message
    assert "asked us to wait 10 minutes (Retry-After: 600)" in message
    assert "refused" in message and "we wait at most 5 minutes" in message
    assert sum(ft.sleeps) == 0 and len(server.log) == 1


def test_unused_port_is_still_a_clear_line():
    client = HttpClient(limiter=FakeTime().limiter(), retries=0, timeout=2)
    with pytest.raises(UpstreamError, match="could not reach 127.0.0.1") as err:
        client.get(f"http://127.0.0.1:{free_port()}/x?query=" + "SELECT%20" * 300)
    assert len(err.value.message) < 150


def test_a_compressed_stream_that_never_ends_is_capped_on_the_wire(server):
    """gzip members that inflate to nothing, sent without end: the inflated size stays
    small, so the bytes received are capped too."""
    member = gzip.compress(b"")

    def handler(request: Request) -> Response:
        def body():
            while True:
                yield member * 1000

        return Response(
            body(), content_type="application/json", headers={"Content-Encoding": "gzip"}
        )

    server.expect_request("/g").respond_with_handler(handler)
    client = HttpClient(limiter=FakeTime().limiter(), max_bytes=1 * MiB, retries=0)
    with pytest.raises(UpstreamError, match="larger than the 1 MiB cap"):
        client.get(server.url_for("/g"))
