"""The one polite — and guarded — HTTP layer every harvester uses.

Politeness:

* A descriptive User-Agent with version and contact (MusicBrainz rejects anonymous agents;
  Wikimedia's User-Agent policy asks for ``name/version (contact) library/version``).
* A per-host minimum spacing between requests (each source module passes its published
  limit, cited there).
* Retries with exponential backoff on connection errors, 429 and 5xx, honouring
  ``Retry-After`` (seconds or an HTTP date) on 429/503 up to ``max_retry_after``.
* An on-disk response cache keyed by method, URL and body, so re-running a harvest makes no
  network requests (``refresh=True`` bypasses it for reading but still writes it).

Guards against a source that misbehaves (each stops the request with one line, is not
retried, and leaves the cache and the store untouched):

* **Size cap.** Bodies are read as a stream and counted as they arrive — after
  decompression, which this module does itself (``Accept-Encoding: gzip, deflate`` only,
  inflated with a bounded ``zlib`` output size), so a gzip bomb stops at ``max_bytes`` of
  inflated data instead of filling memory. Each source sets its own generous cap
  (``MAX_RESPONSE_BYTES`` in its module).
* **Total deadline.** ``timeout`` bounds each wait for the socket; ``deadline`` bounds the
  whole exchange (redirects, headers and body): before every read the socket's timeout is
  set to the time left, so a body dripped one byte at a time ends at the deadline.
* **Redirects** are followed by hand (at most :data:`MAX_REDIRECTS`): only to ``http`` or
  ``https`` (never ``ftp:``, ``file:`` or any other scheme; never from https down to http),
  and only to the requested host or a host the source lists in ``redirect_hosts``.
* **Cache only what parsed.** A response is written to the cache only after the caller's
  ``parse`` accepted it (by default: it is JSON), so a truncated body or an HTML page
  answered with 200 is never replayed by a later run; a cached entry that no longer parses
  is fetched again.

The clock and sleep of the rate limiter are injectable so tests can measure rate limiting
without waiting; deadlines always use the real monotonic clock.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import json
import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from cuegraph import __version__
from cuegraph.errors import UpstreamError

__all__ = [
    "HttpClient",
    "Response",
    "HttpStatusError",
    "user_agent",
    "RateLimiter",
    "source_message",
    "short_url",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_DEADLINE",
    "MAX_REDIRECTS",
]

#: default response size cap (decompressed bytes); sources set their own
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
#: default total seconds for one request (redirects, headers and the whole body)
DEFAULT_DEADLINE = 120.0
#: redirects followed per request at most
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024
_ERROR_BODY = 64 * 1024  # bytes of an error response read for its message


class HttpStatusError(UpstreamError):
    """A source answered with an HTTP error status (4xx, or 429/5xx after the retries);
    ``http_status`` holds it, so callers decide by the code, never by the message."""

    def __init__(self, message: str, http_status: int):
        super().__init__(message, {"http_status": http_status})
        self.http_status = http_status


def user_agent(contact: str) -> str:
    """``cuegraph/<version> (<contact>) python-requests/<version>``."""
    return f"cuegraph/{__version__} ({contact}) python-requests/{requests.__version__}"


def short_url(url: str, limit: int = 80) -> str:
    """A URL as error lines show it: scheme, host and path, the query cut to ``…``.

    >>> short_url("https://query.wikidata.org/sparql?query=SELECT%20*%20%7B%7D")
    'https://query.wikidata.org/sparql?…'
    """
    parts = urlsplit(url)
    text = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else url
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text + ("?…" if parts.query and parts.scheme else "")


def _duration(seconds: float) -> str:
    """``600`` -> ``'10 minutes'``; ``45`` -> ``'45 s'``; ``86400`` -> ``'24 hours'``."""
    if seconds >= 7200:
        return f"{seconds / 3600:g} hours"
    if seconds >= 120:
        return f"{seconds / 60:g} minutes"
    return f"{seconds:g} s"


@dataclass
class Response:
    """A response as the harvesters see it (from the network or the cache).

    ``data`` holds what the request's ``parse`` made of the body (the JSON by default)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    from_cache: bool = False
    data: Any = None

    def json(self) -> Any:
        """The body as JSON; a clear :class:`UpstreamError` when it is not JSON."""
        ctype = self.headers.get("content-type", self.headers.get("Content-Type", ""))
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            kind = (
                "an HTML page"
                if "html" in ctype or self.body.lstrip()[:1] == b"<"
                else "malformed or truncated JSON"
            )
            raise UpstreamError(
                f"{short_url(self.url)} sent {kind}, not JSON ({str(e).splitlines()[0][:120]})"
            ) from None


class RateLimiter:
    """Keeps at least ``interval`` seconds between the starts of requests to one host."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self.waited = 0.0  # total seconds spent waiting (for progress output)

    def wait(self, host: str, interval: float) -> float:
        """Block until a request to ``host`` may start; returns the seconds waited."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + interval
        delay = start - now
        if delay > 0:
            self.sleep(delay)
            self.waited += delay
        return max(delay, 0.0)

    def push_back(self, host: str, seconds: float) -> None:
        """Hold every request to ``host`` for ``seconds`` (after a 429/503)."""
        with self._lock:
            self._next[host] = max(self._next.get(host, 0.0), self.clock() + seconds)


class _Refused(Exception):
    """A guard stopped the exchange (cap, deadline, redirect): not retried."""


class _Broken(Exception):
    """The exchange broke (connection lost, truncated body, timeout): retried."""


@dataclass
class _Raw:
    """A response read within the guards."""

    url: str
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpClient:
    """A polite, guarded HTTP client shared by the harvesters of one run.

    Args:
        contact: URL or e-mail put in the User-Agent.
        cache_dir: where responses are cached (``None``: no cache).
        refresh: ignore cached responses (they are still rewritten).
        intervals: host -> minimum seconds between requests.
        retries: attempts after the first, for 429/5xx/connection errors.
        backoff: first backoff in seconds (doubles each retry) when no Retry-After is given.
        max_retry_after: longest Retry-After honoured before giving up, in seconds.
        timeout: seconds to wait for the connection or for any one read.
        deadline: seconds one request may take in all (redirects, headers, body).
        max_bytes: largest body accepted, counted after decompression.
        redirect_hosts: hosts, besides the requested one, a redirect may lead to.
    """

    contact: str = "https://github.com/cuegraph/cuegraph"
    cache_dir: Path | None = None
    refresh: bool = False
    intervals: dict[str, float] = field(default_factory=dict)
    retries: int = 4
    backoff: float = 1.0
    max_retry_after: float = 300.0
    timeout: float = 30.0
    deadline: float = DEFAULT_DEADLINE
    max_bytes: int = DEFAULT_MAX_BYTES
    redirect_hosts: tuple[str, ...] = ()
    limiter: RateLimiter = field(default_factory=RateLimiter)
    session: requests.Session = field(default_factory=requests.Session)
    on_request: Callable[[str], None] | None = None  # progress hook: called per network request
    on_plan: Callable[[int], None] | None = None  # progress hook: more requests planned
    requests_made: int = 0
    planned: int = 0
    cache_hits: int = 0
    urls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = user_agent(self.contact)
        # only encodings this module inflates itself, within the size cap
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        if self.cache_dir is not None:
            self.cache_dir = Path(self.cache_dir)

    # -- cache -------------------------------------------------------------------------
    def _cache_path(self, method: str, url: str, body: bytes | None) -> Path | None:
        if self.cache_dir is None:
            return None
        digest = hashlib.sha256(method.encode() + b" " + url.encode() + b"\n" + (body or b""))
        host = urlsplit(url).netloc.replace(":", "_") or "local"
        return self.cache_dir / host / f"{digest.hexdigest()}.json"

    def _cache_get(self, path: Path | None) -> Response | None:
        if path is None or self.refresh or not path.is_file():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return Response(
                raw["url"],
                raw["status"],
                raw["headers"],
                raw["body"].encode("utf-8"),
                from_cache=True,
            )
        except (OSError, ValueError, KeyError, AttributeError):
            return None  # a damaged cache entry is refetched

    def _cache_put(self, path: Path | None, resp: Response) -> None:
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "url": resp.url,
                    "status": resp.status,
                    "headers": resp.headers,
                    "body": resp.body.decode("utf-8", "replace"),
                }
            ),
            encoding="utf-8",
        )
        tmp.replace(path)

    # -- hooks -------------------------------------------------------------------------
    def plan(self, n: int = 1) -> None:
        """Announce ``n`` more requests (drives the progress bar's total)."""
        self.planned += n
        if self.on_plan:
            self.on_plan(n)

    def count_request(self, url: str) -> None:
        """Count one network request (progress hook included)."""
        self.requests_made += 1
        if self.on_request:
            self.on_request(url)

    def interval(self, host: str, default: float = 0.0) -> float:
        """Minimum spacing for ``host`` (``intervals[host]``, ``intervals["*"]``, default)."""
        return self.intervals.get(host, self.intervals.get("*", default))

    # -- requests ----------------------------------------------------------------------
    def get(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        parse: Callable[[Response], Any] | None = None,
    ) -> Response:
        """GET ``url`` (with ``params``) politely; see :meth:`request`."""
        req = requests.Request("GET", url, params=params).prepare()
        return self.request("GET", req.url or url, headers=headers, parse=parse)

    def post_json(
        self,
        url: str,
        payload: Any,
        headers: dict[str, str] | None = None,
        parse: Callable[[Response], Any] | None = None,
    ) -> Response:
        """POST a JSON body (GraphQL APIs)."""
        body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        hdrs = {"Content-Type": "application/json", "Accept": "application/json"}
        hdrs.update(headers or {})
        return self.request("POST", url, body=body, headers=hdrs, parse=parse)

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        parse: Callable[[Response], Any] | None = None,
    ) -> Response:
        """Send one request with caching, rate limiting, retries and the guards.

        ``parse`` turns the response into what the caller needs (default:
        :meth:`Response.json`); its result is ``Response.data``. Only a response it
        accepts is cached; its :class:`UpstreamError` reaches the caller.

        Raises:
            UpstreamError: the source kept failing, could not be reached, sent too much,
                took longer than the deadline, redirected where we do not follow, or sent
                something ``parse`` refused. One line naming the host and path.
        """
        parse = parse or Response.json
        cache_path = self._cache_path(method, url, body)
        cached = self._cache_get(cache_path)
        if cached is not None:
            try:
                cached.data = parse(cached)
            except UpstreamError:
                cached = None  # an entry that no longer parses is fetched again
        if cached is not None:
            self.cache_hits += 1
            self.urls.append(url)
            return cached
        host = urlsplit(url).netloc
        interval = self.intervals.get(host, self.intervals.get("*", 0.0))
        delay = self.backoff
        last_problem = ""
        for attempt in range(self.retries + 1):
            self.limiter.wait(host, interval)
            try:
                raw = self._exchange(method, url, body, headers)
            except _Refused as e:
                raise UpstreamError(f"{short_url(url)}: {e}") from None
            except _Broken as e:
                last_problem = str(e)
                if attempt < self.retries:
                    self.limiter.sleep(delay)
                    delay *= 2
                    continue
                raise UpstreamError(f"{short_url(url)}: {last_problem}") from None
            if raw.status == 429 or raw.status >= 500:
                wait = _retry_after(raw.headers.get("retry-after"), self.limiter.clock)
                last_problem = f"HTTP {raw.status}: {source_message(raw.body, raw.reason)}"
                if wait is not None and wait > self.max_retry_after:
                    raise HttpStatusError(
                        f"{short_url(url)}: HTTP {raw.status} asked us to wait "
                        f"{_duration(wait)} (Retry-After: {raw.headers.get('retry-after')}); "
                        f"refused, we wait at most {_duration(self.max_retry_after)}: "
                        "try again later",
                        raw.status,
                    )
                if attempt < self.retries:
                    self.limiter.push_back(host, wait if wait is not None else delay)
                    delay *= 2
                    continue
                raise HttpStatusError(
                    f"{short_url(url)} failed after {attempt + 1} attempt(s): {last_problem}",
                    raw.status,
                )
            if raw.status >= 400:
                raise HttpStatusError(
                    f"{short_url(url)}: HTTP {raw.status}: {source_message(raw.body, raw.reason)}",
                    raw.status,
                )
            resp = Response(raw.url, raw.status, raw.headers, raw.body)
            resp.data = parse(resp)  # UpstreamError: not cached
            self._cache_put(cache_path, resp)
            self.urls.append(url)
            return resp
        raise UpstreamError(f"{short_url(url)}: {last_problem}")  # pragma: no cover

    # -- one guarded exchange ----------------------------------------------------------
    def _exchange(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str] | None
    ) -> _Raw:
        """One request and its redirects, within the deadline, the cap and the redirect
        rules; the body of an error status is read only as far as its message."""
        ends = time.monotonic() + self.deadline
        origin = urlsplit(url)
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            left = ends - time.monotonic()
            if left <= 0:
                raise _Refused(self._late())
            self.count_request(current)
            try:
                raw = self.session.request(
                    method,
                    current,
                    data=body,
                    headers=headers,
                    stream=True,
                    allow_redirects=False,
                    timeout=(min(self.timeout, left), min(self.timeout, left)),
                )
            except requests.RequestException as e:
                if time.monotonic() >= ends:
                    raise _Refused(self._late()) from None
                raise _Broken(_network_problem(urlsplit(current).netloc, e)) from None
            try:
                location = raw.headers.get("Location")
                if 300 <= raw.status_code < 400 and location:
                    if hop == MAX_REDIRECTS:
                        raise _Refused(f"more than {MAX_REDIRECTS} redirects")
                    current = self._redirect_target(origin, current, location)
                    if raw.status_code == 303 or (
                        raw.status_code in (301, 302) and method == "POST"
                    ):
                        method, body = "GET", None  # as browsers and requests do
                    continue
                limit = self.max_bytes if raw.status_code < 400 else _ERROR_BODY
                data = self._read_body(raw, ends, limit, truncate=raw.status_code >= 400)
                return _Raw(
                    current,
                    raw.status_code,
                    raw.reason or "",
                    {k.lower(): v for k, v in raw.headers.items()},
                    data,
                )
            finally:
                if raw.raw.isclosed():
                    raw.raw.release_conn()  # read to the end: the connection is reused
                else:
                    raw.close()
        raise _Refused(f"more than {MAX_REDIRECTS} redirects")  # pragma: no cover

    def _late(self) -> str:
        return (
            f"no complete answer within the {self.deadline:g} s deadline for one request "
            "(stopped; the source may be overloaded or dripping its answer)"
        )

    def _redirect_target(self, origin, current: str, location: str) -> str:
        """The absolute URL a redirect points at, if we follow it; else :class:`_Refused`."""
        target = urljoin(current, location.strip())
        parts = urlsplit(target)
        scheme = parts.scheme.lower()
        shown = short_url(target)
        if scheme not in ("http", "https"):
            raise _Refused(f"refused a redirect to {shown}: only http and https are followed")
        if urlsplit(current).scheme == "https" and scheme == "http":
            raise _Refused(f"refused a redirect from https down to {shown}")
        host = (parts.hostname or "").lower()
        allowed = {(origin.hostname or "").lower(), *(h.lower() for h in self.redirect_hosts)}
        if host not in allowed:
            raise _Refused(
                f"refused a redirect to another host ({shown}); followed only "
                f"within {', '.join(sorted(allowed))}"
            )
        return target

    def _read_body(
        self, raw: requests.Response, ends: float, limit: int, truncate: bool = False
    ) -> bytes:
        """The body, inflated, at most ``limit`` bytes (``truncate``: cut there instead of
        failing), read before ``ends``."""
        encoding = (raw.headers.get("Content-Encoding") or "identity").strip().lower()
        inflate = _inflater(encoding)
        if inflate is None:
            raise _Refused(f"sent Content-Encoding {encoding!r}, which was not asked for")
        declared = raw.headers.get("Content-Length", "")
        if not truncate and encoding == "identity" and declared.isdigit() and int(declared) > limit:
            raise _Refused(self._too_big(limit, f"it announced {int(declared):,} bytes"))
        sock = _socket_of(raw.raw)
        out = bytearray()
        wire = 0
        while True:
            left = ends - time.monotonic()
            if left <= 0:
                raise _Refused(self._late())
            if sock is not None:
                try:
                    sock.settimeout(min(self.timeout, left))
                except OSError:
                    sock = None
            try:
                chunk = raw.raw.read1(_CHUNK, decode_content=False)
            except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as e:
                if time.monotonic() >= ends - 0.01:
                    raise _Refused(self._late()) from None
                if isinstance(e, (urllib3.exceptions.ReadTimeoutError, socket.timeout)):
                    raise _Broken(f"{urlsplit(raw.url).netloc} did not answer in time") from None
                raise _Broken(
                    f"{urlsplit(raw.url).netloc} broke off the response (truncated body)"
                ) from None
            if not chunk:
                break
            wire += len(chunk)
            if wire > limit:  # on the wire too (a compressed stream that never inflates)
                if truncate:
                    return bytes(out[:limit])
                raise _Refused(self._too_big(limit))
            try:
                out += inflate(chunk, limit + 1 - len(out))
            except zlib.error:
                raise _Broken(
                    f"{urlsplit(raw.url).netloc} sent a damaged {encoding} body"
                ) from None
            if len(out) > limit:
                if truncate:
                    return bytes(out[:limit])
                raise _Refused(
                    self._too_big(
                        limit, "counted after decompression" if encoding != "identity" else ""
                    )
                )
        if encoding != "identity":
            try:
                rest = inflate(None, limit + 1 - len(out))
            except zlib.error:
                raise _Broken(
                    f"{urlsplit(raw.url).netloc} sent a truncated {encoding} body"
                ) from None
            out += rest
            if len(out) > limit and not truncate:
                raise _Refused(self._too_big(limit, "counted after decompression"))
        return bytes(out[:limit])

    def _too_big(self, limit: int, why: str = "") -> str:
        return (
            f"the response is larger than the {_size(limit)} cap for this source "
            f"({why + '; ' if why else ''}stopped reading)"
        )


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _inflater(encoding: str) -> Callable[[bytes | None, int], bytes] | None:
    """A function ``(chunk, most) -> bytes`` inflating at most ``most`` bytes per call
    (``chunk=None``: the end of the stream), or ``None`` for an encoding not handled."""
    if encoding in ("identity", ""):
        return lambda chunk, most: chunk or b""
    if encoding in ("gzip", "x-gzip"):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        d = zlib.decompressobj()
    else:
        return None

    def inflate(chunk: bytes | None, most: int) -> bytes:
        most = max(most, 1)
        if chunk is None:
            out = d.decompress(d.unconsumed_tail, most) if d.unconsumed_tail else b""
            if not d.eof and len(out) < most:
                raise zlib.error("stream ended early")
            return out
        out = d.decompress(d.unconsumed_tail + chunk if d.unconsumed_tail else chunk, most)
        return out  # what did not fit stays in unconsumed_tail; the caller stops at the cap

    return inflate


def _socket_of(resp: Any) -> socket.socket | None:
    """The socket under a urllib3 response (to set a per-read timeout), if reachable."""
    conn = getattr(resp, "_connection", None) or getattr(resp, "connection", None)
    sock = getattr(conn, "sock", None)
    if isinstance(sock, socket.socket):
        return sock
    fp = getattr(getattr(resp, "_fp", None), "fp", None)
    sock = getattr(getattr(fp, "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _network_problem(host: str, e: requests.RequestException) -> str:
    """A one-line description of a failed exchange."""
    broken = requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    if isinstance(e, broken):
        return f"{host} broke off the response (truncated body)"
    if isinstance(e, requests.Timeout):
        return f"{host} did not answer in time"
    if isinstance(e, requests.ConnectionError):
        return f"could not reach {host}: check the network ({type(e).__name__})"
    return f"could not reach {host}: {type(e).__name__}"


def _retry_after(value: str | None, clock: Callable[[], float]) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def source_message(body: bytes | str | None, fallback: str = "no message") -> str:
    """A source's own error message, shortened to one line: a JSON body's ``error`` /
    ``message`` / ``errors`` member when it has one, else the text itself."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    text = " ".join(str(body or "").split())
    try:
        data = json.loads(text)
        if isinstance(data, dict):
            for key in ("error", "message", "errors"):
                if key in data:
                    return " ".join(str(data[key]).split())[:200]
    except ValueError:
        pass
    return text[:200] or fallback
