"""The security tests' fixtures: a canary listener on 127.0.0.1.

The canary records every connection made to it: if cuegraph ever fetches a URL a client named
(``SERVICE``, ``LOAD``, a JSON-LD context …), the canary hears it. ``hits`` lists the first
bytes each connection sent.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest


class Canary:
    """Listen on a free port of 127.0.0.1 until :meth:`close`."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.hits: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            conn.settimeout(1)
            try:
                data = conn.recv(4096)
            except OSError:
                data = b""
            self.hits.append(data or b"<connected>")
            try:  # an answer a SPARQL client would take, so a fetch would "succeed"
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json"
                    b"\r\nContent-Length: 48\r\nConnection: close\r\n\r\n"
                    b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
                )
            except OSError:
                pass
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()

    def __enter__(self) -> Canary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    """A :class:`Canary` listening for the whole module."""
    with Canary() as c:
        yield c
