"""HTTP hardening as pure ASGI middleware (no per-request task or body copy on the way).

* :class:`SecurityHeaders` adds ``X-Content-Type-Options: nosniff``, ``X-Frame-Options:
  DENY``, ``Referrer-Policy: no-referrer`` and a ``Content-Security-Policy`` to every
  response: for the web page, scripts, styles, images and requests from cuegraph's own
  origin only (no inline script; inline style attributes, which YASGUI and Swagger UI set,
  allowed); for the self-contained ``/export`` HTML page, its own inline scripts but no
  request at all; for everything else (JSON, SVG, RDF, files) nothing may run or load. A
  response that sets its own policy (``/docs``, with the hash of its one inline script)
  keeps it. ``frame-ancestors 'none'`` everywhere: no page of cuegraph can be framed.
* :class:`SplitCORS`: ``/sparql``, the API and the pages stay open to scripts of every
  origin (read-only, no credentials); ``/sparql/update`` answers CORS only for the origins
  configured in ``CUEGRAPH_UPDATE_ORIGINS`` (none by default), so a page elsewhere cannot
  have a browser send it an ``Authorization`` header.
* :func:`public_base`: the base URL the service names itself by (query ``BASE``, Service
  Description) comes from configuration, never from the request's ``Host`` header.
* :class:`RequestDeadline`: a client sending its body byte by byte is cut off (408) once
  reading it took longer than the deadline; :func:`header_deadline_protocol` closes a
  connection whose request headers do not arrive in time.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import time
from collections.abc import Iterable

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cuegraph.config import Settings
from cuegraph.errors import CuegraphError

__all__ = [
    "SecurityHeaders",
    "SplitCORS",
    "RequestDeadline",
    "public_base",
    "PAGE_CSP",
    "EXPORT_CSP",
    "DATA_CSP",
    "inline_script_csp",
    "header_deadline_protocol",
]

#: the web page (and any other HTML cuegraph serves from its origin)
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: the self-contained graph page of /export?format=html (its scripts are inline)
EXPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
#: JSON, SVG, RDF, CSV …: nothing runs, nothing loads, if a browser opens it as a document
DATA_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"

_FIXED = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def inline_script_csp(html: str) -> str:
    """:data:`PAGE_CSP` also allowing exactly the inline ``<script>`` blocks of ``html``."""
    hashes = []
    for body in re.findall(r"<script>(.*?)</script>", html, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return PAGE_CSP.replace("script-src 'self'", "script-src 'self' " + " ".join(hashes))


class SecurityHeaders:
    """Add the headers above to every HTTP response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in _FIXED if n not in names]
                if b"content-security-policy" not in names:
                    ctype = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                    if not ctype.startswith(b"text/html"):
                        csp = DATA_CSP
                    elif path == "/export" or path.startswith("/export/"):
                        csp = EXPORT_CSP
                    else:
                        csp = PAGE_CSP
                    headers.append((b"content-security-policy", csp.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SplitCORS:
    """Open CORS everywhere except ``/sparql/update`` (configured origins only)."""

    def __init__(self, app: ASGIApp, update_origins: Iterable[str] = ()):
        self.origins = {o.rstrip("/") for o in update_origins if o}
        self.open = CORSMiddleware(
            app, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"]
        )
        self.update = CORSMiddleware(
            app,
            allow_origins=sorted(self.origins),
            allow_methods=["POST"],
            allow_headers=["Authorization", "Content-Type"],
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").rstrip("/") != "/sparql/update":
            await self.open(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        origin = headers.get(b"origin", b"").decode("latin-1")
        if (
            scope["method"] == "OPTIONS"
            and origin
            and origin not in self.origins
            and b"access-control-request-method" in headers
        ):
            # a preflight from an origin not configured: no CORS header at all
            body = (
                b'{"error":"cross-origin updates are not allowed from this origin (see '
                b'CUEGRAPH_UPDATE_ORIGINS)","detail":null}'
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        await self.update(scope, receive, send)


class RequestDeadline:
    """Answer 408 and close when reading a request body takes longer than ``seconds``.

    uvicorn has no body-read timeout: a client sending one byte a second holds a connection
    (and, for a SPARQL request, the handler) as long as it likes. The deadline counts from
    the first read of the body; each read waits at most the time left.
    """

    def __init__(self, app: ASGIApp, seconds: float):
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        started: list[float] = []
        state = {"response_started": False, "timed_out": False}

        async def receive_with_deadline() -> Message:
            if state["timed_out"]:
                return {"type": "http.disconnect"}
            if not started:
                started.append(time.monotonic())
            left = self.seconds - (time.monotonic() - started[0])
            try:  # a timer, not a task per read (asyncio.wait_for would start one)
                async with asyncio.timeout(max(left, 0.001)):
                    return await receive()
            except TimeoutError:
                state["timed_out"] = True
                raise _SlowBody(
                    f"the request body was not received within {self.seconds:g} s: send it at once",
                    {"timeout_seconds": self.seconds},
                ) from None

        async def send_tracking(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["response_started"] = True
            await send(message)

        try:
            await self.app(scope, receive_with_deadline, send_tracking)
        except _SlowBody:
            if state["response_started"]:
                return
            body = (
                b'{"error":"the request body was not received within %d s: send it '
                b'at once","detail":{"timeout_seconds":%d}}'
                % (int(self.seconds), int(self.seconds))
            )
            await send(
                {
                    "type": "http.response.start",
                    "status": 408,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})


class _SlowBody(CuegraphError):
    """Raised from ``receive`` at the deadline; the app's error handler answers 408."""

    status = 408


def public_base(settings: Settings) -> str:
    """``https://host[:port]`` the service names itself by (no trailing slash).

    ``CUEGRAPH_PUBLIC_URL`` when set, else the address ``cuegraph serve`` listens on.
    """
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = settings.host
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def header_deadline_protocol(seconds: float, impl: str = "auto") -> type:
    """uvicorn's HTTP protocol, closing a connection whose request headers take longer than
    ``seconds`` to arrive (uvicorn has no such timeout: a client sending its headers a byte
    at a time, or nothing at all, would hold the connection for ever).

    ``impl`` is ``"httptools"`` (uvicorn's C parser, several times cheaper per request),
    ``"h11"`` (pure Python) or ``"auto"``: httptools when it is installed, else h11. The
    deadline is the same for both: it runs from the connection's first byte (or from the first
    byte of a following keep-alive request) to the end of that request's headers.

    Pass it as ``uvicorn.run(..., http=header_deadline_protocol(10))``.
    """
    if impl == "auto":
        try:
            import httptools  # noqa: F401
        except ImportError:
            impl = "h11"
        else:
            impl = "httptools"
    base: type
    if impl == "httptools":
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        base = HttpToolsProtocol
    elif impl == "h11":
        from uvicorn.protocols.http.h11_impl import H11Protocol

        base = H11Protocol
    else:
        raise ValueError(f"unknown HTTP implementation {impl!r}: use auto, httptools or h11")

    class HeaderDeadline(base):
        _header_timer: asyncio.TimerHandle | None = None

        def _waiting_for_headers(self) -> bool:
            # both implementations set ``cycle`` once a request's headers are complete
            return self.cycle is None or self.cycle.response_complete

        def _arm(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(seconds, self._deadline)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _deadline(self) -> None:
            self._header_timer = None
            if self._waiting_for_headers() and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:
            super().connection_made(_OneSegment(transport, self.loop))
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._waiting_for_headers():
                self._arm()
            super().data_received(data)
            if not self._waiting_for_headers():
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    HeaderDeadline.__name__ = HeaderDeadline.__qualname__ = f"HeaderDeadline_{impl}"
    return HeaderDeadline


class _OneSegment:
    """A transport that sends a small response's header block and body in one ``send()``.

    uvicorn writes the header block when the app sends ``http.response.start`` and the body
    with the next message: two system calls and two TCP segments per response, and the
    client wakes for each. This holds back one small write (a header block, at most
    :data:`_HOLD` bytes) until the next write, sent joined to it, or until the event loop's
    next turn, whichever comes first; nothing else is buffered. Everything else is the
    wrapped transport's.
    """

    __slots__ = ("_transport", "_loop", "_held", "_flush_handle")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop):
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None
        self._flush_handle: asyncio.Handle | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            if len(data) <= _JOIN:
                self._transport.write(held + data)
            else:  # a large body: not worth a copy
                self._transport.write(held)
                self._transport.write(data)
        elif len(data) <= _HOLD and not self._transport.is_closing():
            self._held = bytes(data)
            if self._flush_handle is None:
                self._flush_handle = self._loop.call_soon(self._flush)
        else:
            self._transport.write(data)

    def _flush(self) -> None:
        self._flush_handle = None
        held, self._held = self._held, None
        if held is not None and not self._transport.is_closing():
            self._transport.write(held)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._transport, name)


#: the largest write :class:`_OneSegment` holds back (a header block), and the largest one
#: it joins to the held one
_HOLD = 16384
_JOIN = 262144
