"""`cuegraph serve`'s HTTP protocol sends a small response's header block and body in one
``send()`` (uvicorn alone writes them separately: two segments, two client wake-ups).

A real uvicorn server in a thread, with ``header_deadline_protocol``; the event loop's socket
transport is instrumented (its own ``write`` still runs) to count the writes it is given.
"""

from __future__ import annotations

import socket
import threading
import time
from asyncio import selector_events

import pytest

BIG = 300_000  # larger than what is joined (_JOIN): sent as a write of its own


@pytest.fixture(params=["h11", "httptools"])
def server(request, monkeypatch):
    import uvicorn

    from cuegraph.api.security import header_deadline_protocol

    writes: list[bytes] = []
    original = selector_events._SelectorSocketTransport.write

    def counting_write(self, data):
        writes.append(bytes(data))
        return original(self, data)

    monkeypatch.setattr(selector_events._SelectorSocketTransport, "write", counting_write)

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        body = b"x" * BIG if scope["path"] == "/big" else b"ok"
        headers = [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

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
        http=header_deadline_protocol(5, request.param),
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield port, writes
    srv.should_exit = True
    thread.join(10)


def _exchange(sock: socket.socket, request: bytes, length: int) -> bytes:
    sock.sendall(request)
    got = b""
    while not (b"\r\n\r\n" in got and len(got.split(b"\r\n\r\n", 1)[1]) >= length):
        chunk = sock.recv(65536)
        assert chunk, "connection closed early"
        got += chunk
    return got


def test_header_and_small_body_go_in_one_write(server):
    port, writes = server
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        for _ in range(3):  # keep-alive: each response one write
            got = _exchange(sock, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 2)
            assert got.startswith(b"HTTP/1.1 200") and got.endswith(b"\r\n\r\nok")
    responses = [w for w in writes if w.startswith(b"HTTP/1.1 200")]
    assert len(responses) == 3
    assert all(w.endswith(b"\r\n\r\nok") for w in responses)  # header block and body joined


def test_a_large_body_is_not_copied_and_arrives_whole(server):
    port, writes = server
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        got = _exchange(sock, b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n", BIG)
        assert got.split(b"\r\n\r\n", 1)[1] == b"x" * BIG
        got = _exchange(sock, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 2)
        assert got.endswith(b"\r\n\r\nok")
    assert any(w == b"x" * BIG for w in writes)  # the big body: a write of its own


def test_a_head_response_is_sent_without_a_body_write(server):
    port, writes = server
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
        got = b""
        while b"\r\n\r\n" not in got:  # the held header block is flushed on the next turn
            chunk = sock.recv(4096)
            assert chunk
            got += chunk
        assert got.startswith(b"HTTP/1.1 200") and got.endswith(b"\r\n\r\n")
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):  # and nothing after the header block
            sock.recv(4096)
    assert writes and b"".join(writes) == got  # no body write, however small
