"""The one polite HTTP layer every harvester uses.

* A descriptive User-Agent with version and contact (MusicBrainz rejects anonymous agents;
  Wikimedia's User-Agent policy asks for ``name/version (contact) library/version``).
* A per-host minimum spacing between requests (each source module passes its published
  limit, cited there).
* Retries with exponential backoff on connection errors, 429 and 5xx, honouring
  ``Retry-After`` (seconds or an HTTP date) on 429/503.
* Timeouts on every request.
* An on-disk response cache keyed by method, URL and body, so re-running a harvest makes no
  network requests (``refresh=True`` bypasses it for reading but still writes it).

The clock and sleep are injectable so tests can measure rate limiting without waiting.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from cuegraph import __version__
from cuegraph.errors import UpstreamError

__all__ = ["HttpClient", "Response", "user_agent", "RateLimiter", "source_message"]


def user_agent(contact: str) -> str:
    """``cuegraph/<version> (<contact>) python-requests/<version>``."""
    return f"cuegraph/{__version__} ({contact}) python-requests/{requests.__version__}"


@dataclass
class Response:
    """A response as the harvesters see it (from the network or the cache)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    from_cache: bool = False

    def json(self) -> Any:
        """The body as JSON; a clear :class:`UpstreamError` when it is not JSON."""
        ctype = self.headers.get("content-type", self.headers.get("Content-Type", ""))
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            kind = "an HTML page" if "html" in ctype or self.body.lstrip()[:1] == b"<" else \
                "malformed or truncated JSON"
            raise UpstreamError(f"{self.url} sent {kind}, not JSON ({e})".splitlines()[0]) \
                from None


class RateLimiter:
    """Keeps at least ``interval`` seconds between the starts of requests to one host."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
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


@dataclass
class HttpClient:
    """A polite HTTP client shared by the harvesters of one run.

    Args:
        contact: URL or e-mail put in the User-Agent.
        cache_dir: where responses are cached (``None``: no cache).
        refresh: ignore cached responses (they are still rewritten).
        intervals: host -> minimum seconds between requests.
        retries: attempts after the first, for 429/5xx/connection errors.
        backoff: first backoff in seconds (doubles each retry) when no Retry-After is given.
        max_retry_after: longest Retry-After honoured before giving up, in seconds.
        timeout: seconds per request.
    """

    contact: str = "https://github.com/cuegraph/cuegraph"
    cache_dir: Path | None = None
    refresh: bool = False
    intervals: dict[str, float] = field(default_factory=dict)
    retries: int = 4
    backoff: float = 1.0
    max_retry_after: float = 300.0
    timeout: float = 30.0
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
            return Response(raw["url"], raw["status"], raw["headers"],
                            raw["body"].encode("utf-8"), from_cache=True)
        except (OSError, ValueError, KeyError):
            return None  # a damaged cache entry is refetched

    def _cache_put(self, path: Path | None, resp: Response) -> None:
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"url": resp.url, "status": resp.status,
                                   "headers": resp.headers,
                                   "body": resp.body.decode("utf-8", "replace")}),
                       encoding="utf-8")
        tmp.replace(path)

    # -- hooks for clients that send requests themselves (SPARQLWrapper) ----------------
    def plan(self, n: int = 1) -> None:
        """Announce ``n`` more requests (drives the progress bar's total)."""
        self.planned += n
        if self.on_plan:
            self.on_plan(n)

    def cached(self, method: str, url: str, body: bytes | None = None) -> Response | None:
        """The cached response for a request (``None`` when absent or ``refresh``)."""
        resp = self._cache_get(self._cache_path(method, url, body))
        if resp is not None:
            self.cache_hits += 1
            self.urls.append(url)
        return resp

    def remember(self, method: str, url: str, body: bytes | None, resp: Response) -> None:
        """Cache a good response fetched outside :meth:`request` and note its URL."""
        self._cache_put(self._cache_path(method, url, body), resp)
        self.urls.append(url)

    def count_request(self, url: str) -> None:
        """Count one network request (progress hook included)."""
        self.requests_made += 1
        if self.on_request:
            self.on_request(url)

    def interval(self, host: str, default: float = 0.0) -> float:
        """Minimum spacing for ``host`` (``intervals[host]``, ``intervals["*"]``, default)."""
        return self.intervals.get(host, self.intervals.get("*", default))

    # -- requests ----------------------------------------------------------------------
    def get(self, url: str, params: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> Response:
        """GET ``url`` (with ``params``) politely; see :meth:`request`."""
        req = requests.Request("GET", url, params=params).prepare()
        return self.request("GET", req.url or url, headers=headers)

    def post_json(self, url: str, payload: Any, headers: dict[str, str] | None = None
                  ) -> Response:
        """POST a JSON body (GraphQL APIs)."""
        body = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        hdrs = {"Content-Type": "application/json", "Accept": "application/json"}
        hdrs.update(headers or {})
        return self.request("POST", url, body=body, headers=hdrs)

    def request(self, method: str, url: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        """Send one request with caching, rate limiting and retries.

        Raises:
            UpstreamError: the source kept failing (the message names the URL, the status
                and the source's own message), or could not be reached.
        """
        cache_path = self._cache_path(method, url, body)
        cached = self._cache_get(cache_path)
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
            self.count_request(url)
            try:
                raw = self.session.request(method, url, data=body, headers=headers,
                                           timeout=self.timeout)
            except requests.RequestException as e:
                last_problem = _network_problem(host, e)
                if attempt < self.retries:
                    self.limiter.sleep(delay)
                    delay *= 2
                    continue
                raise UpstreamError(f"{url}: {last_problem}") from None
            if raw.status_code == 429 or raw.status_code >= 500:
                wait = _retry_after(raw.headers.get("Retry-After"), self.limiter.clock)
                last_problem = f"HTTP {raw.status_code}: {_message(raw)}"
                if attempt < self.retries and (wait is None or wait <= self.max_retry_after):
                    pause = wait if wait is not None else delay
                    self.limiter.push_back(host, pause)
                    delay *= 2
                    continue
                raise UpstreamError(f"{url} failed after {attempt + 1} attempt(s): "
                                    f"{last_problem}")
            if raw.status_code >= 400:
                raise UpstreamError(f"{url}: HTTP {raw.status_code}: {_message(raw)}")
            resp = Response(url, raw.status_code,
                            {k.lower(): v for k, v in raw.headers.items()}, raw.content)
            self._cache_put(cache_path, resp)
            self.urls.append(url)
            return resp
        raise UpstreamError(f"{url}: {last_problem}")  # pragma: no cover


def _network_problem(host: str, e: requests.RequestException) -> str:
    """A one-line description of a failed exchange."""
    broken = requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    if isinstance(e, broken):
        return f"{host} broke off the response (truncated body)"
    if isinstance(e, requests.Timeout):
        return f"{host} did not answer in time"
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


def _message(raw: requests.Response) -> str:
    """The source's own error message from a failed response."""
    return source_message(raw.content, raw.reason or "no message")


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
                    return " ".join(str(data[key]).split())[:300]
    except ValueError:
        pass
    return text[:200] or fallback
