"""HTTP hardening: security headers, CORS for updates, no Host reflection, slow clients."""

from __future__ import annotations

import socket
import time

import pytest
from rdflib import Graph, URIRef

from cuegraph.api.security import DATA_CSP, EXPORT_CSP, PAGE_CSP
from cuegraph.config import Settings

TOKEN = "hardening-token"
SD = "http://www.w3.org/ns/sparql-service-description#"

pytestmark = [
    pytest.mark.client(settings=Settings(store="memory:", update_token=TOKEN)),
    # the slow-client tests: the real server with short body and header deadlines
    pytest.mark.serve({"CUEGRAPH_BODY_TIMEOUT": "2", "CUEGRAPH_HEADER_TIMEOUT": "2"}),
]


@pytest.mark.parametrize(
    ("path", "csp"),
    [
        ("/", PAGE_CSP),
        ("/static/app.js", DATA_CSP),
        ("/static/vendor/yasgui/yasgui.min.css", DATA_CSP),
        ("/composers?q=kajiura", DATA_CSP),
        ("/sparql?query=ASK%20%7B%7D", DATA_CSP),
        ("/export?format=svg&composer=yuki-kajiura&depth=1", DATA_CSP),
        ("/export?format=html&composer=yuki-kajiura&depth=1", EXPORT_CSP),
        ("/no/such/page", DATA_CSP),
    ],
)
def test_every_response_has_the_security_headers(client, path, csp):
    resp = client.get(path, headers={"Accept": "application/json"})
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["x-frame-options"] == "DENY"
    assert resp.headers["referrer-policy"] == "no-referrer"
    assert resp.headers["content-security-policy"] == csp
    assert "frame-ancestors 'none'" in csp


def test_docs_allow_only_their_own_inline_script(client):
    resp = client.get("/docs")
    csp = resp.headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in csp and "unsafe-inline" not in csp.split(";")[1]
    assert "frame-ancestors 'none'" in csp


def test_update_preflight_from_another_origin_is_refused(client):
    pre = client.options(
        "/sparql/update",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert "access-control-allow-origin" not in pre.headers
    assert "authorization" not in pre.headers.get("access-control-allow-headers", "").lower()
    post = client.post(
        "/sparql/update",
        content="CLEAR GRAPH <urn:x:none>",
        headers={
            "Origin": "https://evil.example",
            "Content-Type": "application/sparql-update",
            "Authorization": f"Bearer {TOKEN}",
        },
    )
    assert "access-control-allow-origin" not in post.headers


def test_update_cors_for_a_configured_origin(api_client):
    allowed = api_client(
        settings=Settings(
            store="memory:", update_token=TOKEN, update_origins="https://admin.example"
        )
    )
    pre = allowed.options(
        "/sparql/update",
        headers={
            "Origin": "https://admin.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "https://admin.example"
    other = allowed.options(
        "/sparql/update",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in other.headers


def test_query_endpoint_stays_open_to_every_origin(client):
    pre = client.options(
        "/sparql",
        headers={
            "Origin": "https://anywhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "*"
    got = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://anywhere.example"}
    )
    assert got.headers["access-control-allow-origin"] == "*"


def test_host_header_is_not_reflected(client, api_client):
    evil = {"Host": "evil.example"}
    sd = Graph().parse(data=client.get("/sparql", headers=evil).text, format="turtle")
    endpoints = {str(o) for o in sd.objects(None, URIRef(SD + "endpoint"))}
    assert endpoints == {"http://127.0.0.1:8000/sparql", "http://127.0.0.1:8000/sparql/update"}
    row = client.get(
        "/sparql",
        headers={**evil, "Accept": "application/sparql-results+json"},
        params={"query": "SELECT (<rel> AS ?x) {}"},
    ).json()
    assert row["results"]["bindings"][0]["x"]["value"] == "http://127.0.0.1:8000/rel"
    public = api_client(settings=Settings(store="memory:", public_url="https://cuegraph.example/"))
    sd = Graph().parse(data=public.get("/sparql", headers=evil).text, format="turtle")
    assert {str(o) for o in sd.objects(None, URIRef(SD + "endpoint"))} == {
        "https://cuegraph.example/sparql"
    }


# --- slow clients, against the real server ------------------------------------------------


def _port(server) -> int:
    return int(server.base.rsplit(":", 1)[1])


def _drip(sock: socket.socket, data: bytes, seconds: float) -> tuple[float, bytes]:
    """Send ``data`` a byte at a time (0.25 s apart) until the server answers or closes;
    (time taken, what it sent)."""
    start = time.monotonic()
    sock.settimeout(0.25)
    for byte in data:
        if time.monotonic() - start > seconds:
            break
        try:
            sock.send(bytes([byte]))
        except OSError:
            return time.monotonic() - start, b""
        try:
            got = sock.recv(4096)
            return time.monotonic() - start, got  # b"" means closed
        except TimeoutError:
            continue
    return time.monotonic() - start, b"<still open>"


def test_headers_sent_byte_by_byte_are_cut_off(server):
    with socket.create_connection(("127.0.0.1", _port(server))) as sock:
        took, got = _drip(sock, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200, 20)
    assert got != b"<still open>" and took < 6


def test_a_silent_connection_is_closed(server):
    with socket.create_connection(("127.0.0.1", _port(server))) as sock:
        sock.settimeout(8)
        start = time.monotonic()
        assert sock.recv(100) == b""
        assert time.monotonic() - start < 6


def test_body_sent_byte_by_byte_gets_408(server):
    with socket.create_connection(("127.0.0.1", _port(server))) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query"
            b"\r\nContent-Length: 200\r\n\r\n"
        )
        took, got = _drip(sock, b"A" * 200, 20)
    assert got.startswith(b"HTTP/1.1 408"), got[:100]
    assert took < 6


def test_a_normal_client_is_not_affected(server):
    import requests

    resp = requests.post(
        server.base + "/sparql",
        data=b"ASK {}",
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert resp.status_code == 200 and resp.json()["boolean"] is True


# --- the policy in a real browser -------------------------------------------------------------


@pytest.mark.browser
def test_page_runs_its_own_scripts_and_blocks_injected_ones(server):
    """In Chromium: the page (YASGUI included) loads with no CSP violation, and a script
    element injected into it (what a stored XSS would add) does not run."""
    from browser import chromium, watch

    with chromium() as browser:
        page = browser.new_page()
        errors, _ = watch(page)
        page.goto(server.base + "/", wait_until="networkidle")
        assert not [e for e in errors if "Content Security Policy" in e], errors
        page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.injected = 1'; document.body.appendChild(s); }""")
        assert page.evaluate("() => window.injected") is None
        assert any("Content Security Policy" in e for e in errors), errors
        docs = browser.new_page()
        docs_errors, _ = watch(docs)
        docs.goto(server.base + "/docs", wait_until="networkidle")
        docs.wait_for_selector(".swagger-ui .info .title", timeout=15000)
        assert not [e for e in docs_errors if "Content Security Policy" in e], docs_errors


# --- the header deadline in each of uvicorn's HTTP parsers ------------------------------------


@pytest.fixture(scope="module", params=["h11", "httptools"])
def bare_server(request):
    """uvicorn with ``header_deadline_protocol(1.5, impl)`` in a thread, on a tiny ASGI app."""
    import threading

    import uvicorn

    from cuegraph.api.security import header_deadline_protocol

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
        )
        await send({"type": "http.response.body", "body": b"ok"})

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        loop="asyncio",
        lifespan="off",
        http=header_deadline_protocol(1.5, request.param),
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    assert config.http.__mro__[1].__module__.endswith(
        "h11_impl" if request.param == "h11" else "httptools_impl"
    )
    yield port
    srv.should_exit = True
    thread.join(10)


def _response(sock: socket.socket) -> bytes:
    """One whole response of the tiny app (it ends in ``ok``), however it is split."""
    got = b""
    while not got.endswith(b"ok"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        got += chunk
    return got


def test_each_parser_cuts_off_slow_headers(bare_server):
    with socket.create_connection(("127.0.0.1", bare_server)) as sock:
        took, got = _drip(sock, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200, 20)
    assert got != b"<still open>" and took < 4


def test_each_parser_closes_a_silent_connection(bare_server):
    with socket.create_connection(("127.0.0.1", bare_server)) as sock:
        sock.settimeout(8)
        start = time.monotonic()
        assert sock.recv(100) == b""
        assert time.monotonic() - start < 4


def test_each_parser_cuts_off_slow_headers_of_a_second_request(bare_server):
    with socket.create_connection(("127.0.0.1", bare_server)) as sock:
        sock.settimeout(5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _response(sock).startswith(b"HTTP/1.1 200")
        took, got = _drip(sock, b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200, 20)
    assert got != b"<still open>" and took < 4


def test_each_parser_answers_a_prompt_client(bare_server):
    with socket.create_connection(("127.0.0.1", bare_server)) as sock:
        sock.settimeout(5)
        for _ in range(3):  # keep-alive: every request answered, none cut off
            time.sleep(0.6)
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _response(sock).startswith(b"HTTP/1.1 200")
