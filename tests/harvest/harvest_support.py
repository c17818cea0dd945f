"""Shared helpers for the harvest tests: local stand-ins for all five sources, a fake clock,
a polite client for tests, fault injection and a credits query.

The stand-ins (pytest-httpserver handlers) serve the fixture files in
``tests/fixtures/<source>/`` exactly as the real services would for the requests cuegraph
sends, and check what a real service checks (Wikidata and MusicBrainz: a cuegraph
User-Agent; MusicBrainz also ``fmt=json`` and browse paging; AniList GraphQL paging;
AnimeThemes JSON:API paging). Tests talk to them with the real harvest code.

Routes of one stand-in server (see :func:`serve` and :func:`point_sources_at`)::

    /sparql           Wikidata Query Service      CUEGRAPH_WIKIDATA_URL
    /w/api.php        Wikibase search API         (beside the endpoint, see wikidata.api_url)
    /ws/2/...         MusicBrainz WS/2            CUEGRAPH_MUSICBRAINZ_URL
    /anilist          AniList GraphQL (POST)      CUEGRAPH_ANILIST_URL
    /animethemes/...  AnimeThemes API             CUEGRAPH_ANIMETHEMES_URL
    /vgmdb/...        vgmdb.info                  CUEGRAPH_VGMDB_URL
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from werkzeug import Request, Response

from cuegraph.harvest.http import HttpClient, RateLimiter
from cuegraph.namespaces import sparql_prefixes
from cuegraph.roles import ROLES
from support import FIXTURES, free_port

__all__ = [
    "WD",
    "MB",
    "KAJIURA_QID",
    "KAJIURA_MBID",
    "load",
    "pages",
    "wdqs_handler",
    "mb_handler",
    "anilist_handler",
    "animethemes_handler",
    "vgmdb_handler",
    "FakeTime",
    "client",
    "credits",
    "Faults",
    "start_server",
    "stand_in",
    "serve",
    "point_sources_at",
    "source_url",
    "default_handlers",
    "ROUTES",
    "HARVESTS",
    "R",
    "harvest_settings",
]

WD = FIXTURES / "wikidata"
MB = FIXTURES / "musicbrainz"
AL = FIXTURES / "anilist"
AT = FIXTURES / "animethemes"
VG = FIXTURES / "vgmdb"
KAJIURA_QID = "Q900001"
KAJIURA_MBID = "0000c0de-0000-4000-8000-00000000a001"
VGMDB_ALBUM, VGMDB_ARTIST = 9400001, 9400101
SPARQL_JSON = "application/sparql-results+json; charset=utf-8"
#: role name -> role IRI (as a string), for comparing with :func:`credits`
R = {name: str(iri) for name, iri in ROLES.items()}

#: path prefix of each source on the stand-in server, and the variable pointing at it
ROUTES = {
    "wikidata": ("/sparql", "CUEGRAPH_WIKIDATA_URL"),
    "musicbrainz": ("/ws/2", "CUEGRAPH_MUSICBRAINZ_URL"),
    "anilist": ("/anilist", "CUEGRAPH_ANILIST_URL"),
    "animethemes": ("/animethemes", "CUEGRAPH_ANIMETHEMES_URL"),
    "vgmdb": ("/vgmdb", "CUEGRAPH_VGMDB_URL"),
}


def load(path: Path) -> dict:
    """A fixture file as JSON."""
    return json.loads(path.read_text(encoding="utf-8"))


def pages(directory: Path, stem: str, count: int) -> list[dict]:
    """``<stem>-page1.json`` … ``<stem>-page<count>.json`` of a fixture folder."""
    return [load(directory / f"{stem}-page{i}.json") for i in range(1, count + 1)]


def _json(
    data, content_type: str = "application/json; charset=utf-8", status: int = 200
) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status=status, content_type=content_type)


def not_found(request: Request) -> Response:
    """Anything the stand-ins do not serve: a plain JSON 404."""
    return _json({"error": "Not Found"}, status=404)


# -- the five sources ---------------------------------------------------------------------


def _fold(text: str) -> str:
    """Case and accents folded, as the Wikibase search compares (its own folding)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def wbsearch_answer(search: str, language: str, index: Path = WD / "search-index.json") -> dict:
    """What ``wbsearchentities`` answers for ``search``: the indexed items with a label or an
    alias (any language) that starts with it, ignoring case and accents, in the API's shape
    (``search`` hits with ``id``, ``label``, ``description``, ``match``, ``aliases``)."""
    want = _fold(search.strip())
    hits = []
    for item in load(index)["items"]:
        names = [("label", lang, text) for lang, text in item["label"].items()]
        names += [
            ("alias", lang, text) for lang, texts in item["aliases"].items() for text in texts
        ]
        matched = next(
            ((kind, lang, text) for kind, lang, text in names if _fold(text).startswith(want)), None
        )
        if not want or matched is None:
            continue
        kind, lang, text = matched
        label = (
            item["label"].get(language)
            or item["label"].get("mul")
            or next(iter(item["label"].values()))
        )
        qid = item["id"]
        hit = {
            "id": qid,
            "title": qid,
            "pageid": int(qid[1:]) + 1000000,
            "concepturi": f"http://www.wikidata.org/entity/{qid}",
            "repository": "wikidata",
            "url": f"//www.wikidata.org/wiki/{qid}",
            "display": {"label": {"value": label, "language": language}},
            "label": label,
            "description": item["description"],
            "match": {"type": kind, "language": lang, "text": text},
        }
        if kind == "alias":
            hit["aliases"] = [text]
        hits.append(hit)
    return {"searchinfo": {"search": search}, "search": hits, "success": 1}


def wdqs_handler(
    credits: Path = WD / "credits-kajiura.json", find: Path = WD / "find-person-kajiura.json"
):
    """A WDQS stand-in (with the Wikibase search API at ``/w/api.php`` beside it): answers
    ``wbsearchentities``, the find-person query (the fixture's people among the query's
    candidates) and pages the credits result with the query's own LIMIT/OFFSET (as the real
    service would)."""

    def handle(request: Request) -> Response:
        query = request.args.get("query", "")
        if not request.headers.get("User-Agent", "").startswith("cuegraph/"):
            return Response("Please set a User-Agent", status=403)
        if request.path == "/w/api.php":
            if request.args.get("action") != "wbsearchentities":
                return _json({"error": {"code": "badvalue"}})
            return _json(
                wbsearch_answer(request.args.get("search", ""), request.args.get("language", "en"))
            )
        if "SELECT DISTINCT ?person" in query:
            found = load(find)
            asked = (
                set(re.findall(r"wd:(Q\d+)", query.split("VALUES ?person", 1)[-1].split("}", 1)[0]))
                if "VALUES ?person" in query
                else set()
            )
            found["results"]["bindings"] = [
                b
                for b in found["results"]["bindings"]
                if b["person"]["value"].rsplit("/", 1)[-1] in asked
            ]
            return _json(found, SPARQL_JSON)
        data = load(credits)
        m = re.search(r"LIMIT\s+(\d+)\s+OFFSET\s+(\d+)", query)
        if m:
            limit, offset = int(m.group(1)), int(m.group(2))
            data["results"]["bindings"] = data["results"]["bindings"][offset : offset + limit]
        return _json(data, SPARQL_JSON)

    return handle


def mb_handler():
    """A MusicBrainz WS/2 stand-in for Yuki Kajiura (search, lookup, three browses)."""

    def handle(request: Request) -> Response:
        ua = request.headers.get("User-Agent", "")
        if not re.match(r"cuegraph/\S+ \(.+\)", ua):
            return _json({"error": "missing User-Agent"}, status=403)
        if request.args.get("fmt") != "json":
            return Response("<metadata/>", status=200, content_type="application/xml")
        path = request.path.removeprefix("/ws/2/")
        if path == "artist" and "query" in request.args:
            found = load(MB / "artist-search-kajiura.json")
            if "yuki kajiura" not in request.args["query"].lower():  # only the weak hit
                found["artists"] = [a for a in found["artists"] if a["score"] < 100]
                found["count"] = len(found["artists"])
            return _json(found)
        if path == f"artist/{KAJIURA_MBID}":
            return _json(load(MB / "artist-lookup-kajiura.json"))
        if path in ("work", "recording", "release-group"):
            if request.args.get("artist") != KAJIURA_MBID:
                return _json({f"{path}-count": 0, f"{path}-offset": 0, f"{path}s": []})
            offset = int(request.args.get("offset", 0))
            limit = min(int(request.args.get("limit", 25)), 100)
            files = sorted(MB.glob(f"{path}-browse*.json"))
            items = [i for f in files for i in load(f)[f"{path}s"]]
            # the fixture pages are what MusicBrainz sends for limit=2; other limits re-slice
            return _json(
                {
                    f"{path}-count": len(items),
                    f"{path}-offset": offset,
                    f"{path}s": items[offset : offset + limit],
                }
            )
        return not_found(request)

    return handle


def anilist_handler(
    staff: list[dict] | None = None, media: list[dict] | None = None, seen: list[dict] | None = None
):
    """An AniList GraphQL stand-in: a ``Staff`` query gets ``staff[page - 1]``, a ``Media``
    query ``media[page - 1]`` (Hiromi Mizutani's and Anohana's fixture pages by default);
    the variables of every request are appended to ``seen``."""
    staff = staff if staff is not None else pages(AL, "staff-hiromi-mizutani", 3)
    media = media if media is not None else pages(AL, "media-anohana", 2)

    def handle(request: Request) -> Response:
        body = request.get_json()
        variables = body["variables"]
        if seen is not None:
            seen.append(variables)
        answers = staff if "Staff(" in body["query"] else media
        return _json(answers[variables["page"] - 1])

    return handle


def animethemes_handler(answers: list[dict] | None = None, seen: list[dict] | None = None):
    """An AnimeThemes stand-in: ``GET /anime`` gets ``answers[page[number] - 1]`` (the
    Anohana search pages by default); the query arguments are appended to ``seen``."""
    answers = answers if answers is not None else pages(AT, "search-anohana", 2)

    def handle(request: Request) -> Response:
        if not request.path.endswith("/anime"):
            return not_found(request)
        args = request.args.to_dict()
        if seen is not None:
            seen.append(args)
        return _json(answers[int(args.get("page[number]", "1")) - 1])

    return handle


def vgmdb_handler(album: dict | None = None, artist: dict | None = None):
    """A vgmdb.info stand-in: ``/album/9400001`` and ``/artist/9400101`` with
    ``format=json`` (the Madoka OST and Yuki Kajiura by default), 404 otherwise."""
    album = album if album is not None else load(VG / "album-madoka-ost.json")
    artist = artist if artist is not None else load(VG / "artist-yuki-kajiura.json")
    answers = {f"album/{VGMDB_ALBUM}": album, f"artist/{VGMDB_ARTIST}": artist}

    def handle(request: Request) -> Response:
        path = request.path.split("/vgmdb/", 1)[-1].strip("/")
        if request.args.get("format") != "json" or path not in answers:
            return Response("Not Found", status=404, content_type="text/plain")
        return _json(answers[path])

    return handle


# -- clock, client, queries ----------------------------------------------------------------


class FakeTime:
    """A clock and sleep for RateLimiter: sleeping advances the clock; sleeps are recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def limiter(self) -> RateLimiter:
        """A rate limiter on this fake clock."""
        return RateLimiter(self.clock, self.sleep)


def client(ft: FakeTime | None = None, **kw) -> HttpClient:
    """A test client: test contact, no cache, rate limited on a fake clock."""
    ft = ft or FakeTime()
    return HttpClient(
        contact=kw.pop("contact", "tests@cuegraph.invalid"), limiter=ft.limiter(), **kw
    )


def credits(store) -> set[tuple[str, str, str, str]]:
    """Every credit as (agent name, role IRI, credited thing's name, role text)."""
    rows = store.select(
        sparql_prefixes()
        + """
        SELECT ?who ?role ?what ?text WHERE {
          ?c a cg:Credit ; cg:agent/schema:name ?who ; cg:role ?role ;
             cg:credits/schema:name ?what ; cg:roleText ?text }"""
    )
    return {(r["who"], r["role"], r["what"], r["text"]) for r in rows}


# -- faults --------------------------------------------------------------------------------


class Faults:
    """Wraps a handler; while ``mode`` is set, requests matching ``when`` get that fault.

    Modes: ``429``/``503`` (once, with ``Retry-After``), ``500`` (always, with a message),
    ``malformed`` (JSON cut mid-way), ``html`` (an HTML error page with status 200),
    ``truncated`` (Content-Length larger than the body sent), ``shape`` (valid JSON, but
    not what the API sends).

    With a :class:`FakeTime` ``ft``, ``arrivals`` records (fake time, faulted?) per request,
    so tests can measure the spacing the client kept.
    """

    def __init__(
        self,
        handler,
        when: Callable[[Request], bool] = lambda request: True,
        retry_after: str = "7",
        ft: FakeTime | None = None,
    ):
        self.handler, self.when, self.retry_after, self.ft = handler, when, retry_after, ft
        self.mode: str | None = None
        self.faults_sent = 0
        self.arrivals: list[tuple[float, bool]] = []

    def __call__(self, request: Request) -> Response:
        faulty = self.mode is not None and self.when(request)
        if self.ft is not None:
            self.arrivals.append((self.ft.now, faulty))
        if not faulty:
            return self.handler(request)
        mode = self.mode
        self.faults_sent += 1
        if mode in ("429", "503"):
            self.mode = None  # the next attempt succeeds
            return Response(
                "Too many requests, slow down",
                status=int(mode),
                headers={"Retry-After": self.retry_after},
            )
        if mode == "500":
            return _json({"error": "database is on fire"}, status=500)
        if mode == "malformed":
            return Response(
                '{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": ',
                status=200,
                content_type="application/json",
            )
        if mode == "html":
            return Response(
                "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>",
                status=200,
                content_type="text/html",
            )
        if mode == "shape":
            return _json({"unexpected": ["answer"]})
        if mode == "truncated":
            body = self.handler(request).get_data()
            resp = Response(body[: len(body) // 2], status=200, content_type="application/json")
            resp.headers["Content-Length"] = str(len(body))
            return resp
        raise ValueError(mode)


# -- the server ----------------------------------------------------------------------------


def start_server():
    """A pytest-httpserver on 127.0.0.1, on a free port."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=free_port())
    server.start()
    return server


def stand_in() -> Iterator:
    """Body of a ``server`` fixture: ``yield from stand_in()``; stopped afterwards."""
    server = start_server()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def serve(server, **handlers) -> None:
    """Route each source's paths (:data:`ROUTES`) to the handler given under its name
    (``wikidata=…``, ``musicbrainz=…``, ``anilist=…``, ``animethemes=…``, ``vgmdb=…``);
    everything else gets a 404."""
    for source, handler in handlers.items():
        prefix = ROUTES[source][0]
        server.expect_request(re.compile(rf"^{re.escape(prefix)}(/.*)?$")).respond_with_handler(
            handler
        )
        if source == "wikidata":  # the search API, on the endpoint's host as Wikidata's is
            server.expect_request("/w/api.php").respond_with_handler(handler)
    server.expect_request(re.compile(".*")).respond_with_handler(not_found)


def default_handlers() -> dict:
    """A stand-in per source, serving the default fixtures."""
    return {
        "wikidata": wdqs_handler(),
        "musicbrainz": mb_handler(),
        "anilist": anilist_handler(),
        "animethemes": animethemes_handler(),
        "vgmdb": vgmdb_handler(),
    }


#: one typical harvest per source: (entry option, value), all served by the stand-ins
HARVESTS = {
    "wikidata": ("composer", "Yuki Kajiura"),
    "musicbrainz": ("artist", "Yuki Kajiura"),
    "anilist": ("staff", "Hiromi Mizutani"),
    "animethemes": ("anime", "anohana"),
    "vgmdb": ("album", VGMDB_ALBUM),
}


def harvest_settings(cache_dir=None, contact: str = "tests@cuegraph.invalid", **fields):
    """Settings for a test harvest: the environment (``point_sources_at`` sets the sources'
    URLs there), a test contact and ``cache_dir`` (``None``: no cache)."""
    from cuegraph.config import from_environment

    return from_environment(
        user_agent_contact=contact, cache_dir=str(cache_dir) if cache_dir else None, **fields
    )


def point_sources_at(server, monkeypatch) -> None:
    """Set every ``CUEGRAPH_<SOURCE>_URL`` to the stand-in's route for that source."""
    for prefix, variable in ROUTES.values():
        monkeypatch.setenv(variable, server.url_for(prefix))


def source_url(server, source: str) -> str:
    """The stand-in's base URL for one source."""
    return server.url_for(ROUTES[source][0])
