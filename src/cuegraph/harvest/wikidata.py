"""Wikidata harvester: music credits (P86 composer, P676 lyricist, P175 performer, P87
librettist) and the external ids that link people and works to the other sources.

Queries go to the Wikidata Query Service through SPARQLWrapper, one at a time (WMF staff
advice: "don't execute more than one request in parallel"), with a descriptive User-Agent
(https://foundation.wikimedia.org/wiki/Policy:User-Agent_policy). A 429 carries
``Retry-After``; ignoring it gets a client banned for a day, so we wait that long (or back
off) before retrying
(https://lists.wikimedia.org/hyperkitty/list/wikidata-tech@lists.wikimedia.org/message/GCR2EGQ4HFM4SWNMMTLRBYLWUJUEXZWA/).
WDQS caches only five minutes, so responses are cached on disk by the shared
:class:`~cuegraph.harvest.http.HttpClient` cache. Wikidata's structured data is CC0.

The queries live in ``harvest/queries/wikidata_*.rq``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from urllib.parse import urlsplit

import SPARQLWrapper as sparqlwrapper_pkg
from SPARQLWrapper import GET, JSON, SPARQLWrapper

from cuegraph import __version__
from cuegraph.errors import BadInput, UpstreamError
from cuegraph.harvest.base import Entry, Harvest, Source
from cuegraph.harvest.checks import Shapes
from cuegraph.harvest.http import HttpClient, Response, short_url, source_message
from cuegraph.harvest.queries import render_remote
from cuegraph.names import has_cjk, same_name
from cuegraph.records import Album, Credit, Person, Record, Song, Work
from cuegraph.roles import resolve_role

#: the shape checks every source makes (cuegraph.harvest.checks)
_SHAPES = Shapes("Wikidata")

__all__ = [
    "NAME",
    "DEFAULT_URL",
    "LICENSE",
    "MIN_INTERVAL",
    "SOURCE",
    "harvest_person",
    "harvest_composer",
    "harvest_work",
    "harvest_all",
    "find_people",
    "sparql_select",
    "agent",
    "api_url",
]

NAME = "wikidata"
DEFAULT_URL = "https://query.wikidata.org/sparql"
#: the Wikibase API (name search, ``wbsearchentities``); setting ``wikidata_api_url``
#: (``CUEGRAPH_WIKIDATA_API_URL``) overrides it
DEFAULT_API_URL = "https://www.wikidata.org/w/api.php"
#: search hits looked at per name
SEARCH_LIMIT = 20
LICENSE = "cc0"
#: WDQS publishes a processing-time budget (60 s per 60 s per client), not a request rate;
#: one query per second, strictly serial, stays far inside it.
MIN_INTERVAL = 1.0
#: largest response accepted, counted after decompression; generous but finite
#: (a 2000-row page of the credits query is a few MB)
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: hosts a redirect may lead to besides the requested one (none: same host only)
REDIRECT_HOSTS: tuple[str, ...] = ()
#: result rows per query: paged with ORDER BY + LIMIT/OFFSET so no query nears the 60 s deadline
PAGE_SIZE = 2000
MAX_PAGES = 25

ENTITY = "http://www.wikidata.org/entity/"
QID = re.compile(r"Q[1-9][0-9]*")

#: P31 classes -> what the item is (first match in this order wins)
_WORK_CLASSES = {
    "Q63952888": "series",
    "Q100269041": "series",
    "Q5398426": "series",
    "Q3464665": "series",
    "Q20650540": "film",
    "Q11424": "film",
    "Q202866": "film",
    "Q220898": "ova",
    "Q7889": "game",
}
_ALBUM_CLASSES = {"Q482994", "Q4176708"}
_PERSON_IDS = {
    "mbArtist": "musicbrainz",
    "vgmdbArtist": "vgmdb",
    "anidbPerson": "anidb",
    "anilistStaff": "anilist",
    "malPerson": "mal",
}
_WORK_IDS = {
    "anilistAnime": "anilist",
    "anidbAnime": "anidb",
    "malAnime": "mal",
    "mbReleaseGroup": "musicbrainz",
}


def agent(contact: str) -> str:
    """The User-Agent sent to WDQS (WMF format: name/version (contact) library/version)."""
    return f"cuegraph/{__version__} ({contact}) SPARQLWrapper/{sparqlwrapper_pkg.__version__}"


def entity_source(qid: str) -> str:
    """The API URL of an item's data (what a record built from that item reflects)."""
    return f"https://www.wikidata.org/wiki/Special:EntityData/{qid}.json"


# -- the query service -------------------------------------------------------------------
def sparql_select(client: HttpClient, endpoint: str, query: str) -> list[dict]:
    """Run a SELECT on WDQS, politely, with the client's disk cache.

    SPARQLWrapper writes the protocol request (URL parameters, ``Accept``, our agent); the
    shared :class:`~cuegraph.harvest.http.HttpClient` sends it, so Wikidata gets the same
    guards as every source: the size cap, the total deadline, redirects only within
    http(s) on the endpoint's own host (urllib, under SPARQLWrapper, would follow one to
    ``ftp://`` or another host), retries after ``Retry-After``, and a cache entry only for
    an answer that parsed as SPARQL JSON results.

    Returns:
        The SPARQL JSON result bindings.

    Raises:
        UpstreamError: the service kept failing, refused the query, or did not send SPARQL
            JSON results; one line naming the endpoint (never the whole encoded query).
    """
    sw = SPARQLWrapper(endpoint, returnFormat=JSON, agent=agent(client.contact))
    sw.setMethod(GET)
    sw.setQuery(query)
    request = sw._createRequest()  # the request SPARQLWrapper would send through urllib
    headers = dict(request.header_items())
    client.intervals.setdefault(urlsplit(endpoint).netloc, MIN_INTERVAL)
    try:
        resp = client.request("GET", request.full_url, headers=headers, parse=_bindings)
    except UpstreamError as e:
        raise UpstreamError(f"Wikidata query service failed: {e.message}") from None
    return resp.data


def _bindings(resp: Response) -> list[dict]:
    data = resp.json()  # UpstreamError for HTML pages, malformed or truncated JSON
    try:
        rows = data["results"]["bindings"]
        if not isinstance(rows, list):
            raise TypeError
    except (KeyError, TypeError):
        raise _SHAPES.error(short_url(resp.url), "not SPARQL SELECT results") from None
    return rows


def _value(row: dict, var: str) -> str | None:
    cell = row.get(var)
    return cell.get("value") if isinstance(cell, dict) else None


def _qid(row: dict, var: str) -> str | None:
    v = _value(row, var)
    if v and v.startswith(ENTITY) and QID.fullmatch(v[len(ENTITY) :]):
        return v[len(ENTITY) :]
    return None


# -- harvests ----------------------------------------------------------------------------
def _check_qid(qid: str) -> str:
    qid = qid.strip().upper()
    if not QID.fullmatch(qid):
        raise BadInput(f"not a Wikidata item id: {qid!r} (expected Q followed by digits)")
    return qid


def api_url(base_url: str, api: str | None = None) -> str:
    """The Wikibase API used for name search: ``api`` when given (the setting
    ``wikidata_api_url``), else Wikidata's own for the public query service, else
    ``/w/api.php`` on the endpoint's host (a mirror or a local stand-in serves both)."""
    if api:
        return api
    if base_url.rstrip("/") == DEFAULT_URL:
        return DEFAULT_API_URL
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}/w/api.php"


def search_items(client: HttpClient, base_url: str, name: str, api: str | None = None) -> list[str]:
    """QIDs the search API (``wbsearchentities``: labels and aliases in every language,
    ignoring case and accents) finds for ``name`` whose matched label or alias is the same
    name by :func:`cuegraph.names.same_name` (order, long vowels, spacing), best first."""
    api = api_url(base_url, api)
    client.intervals.setdefault(urlsplit(api).netloc, MIN_INTERVAL)
    language = "ja" if has_cjk(name) else "en"

    def parse(resp: Response) -> list[dict]:
        data = resp.json()
        hits = data.get("search") if isinstance(data, dict) else None
        if not isinstance(hits, list):
            error = data.get("error") if isinstance(data, dict) else None
            why = f": {source_message(json.dumps(error))}" if error else ""
            raise _SHAPES.error(short_url(resp.url), f"not a wbsearchentities answer{why}")
        return [h for h in hits if isinstance(h, dict)]

    client.plan(1)
    hits = client.get(
        api,
        params={
            "action": "wbsearchentities",
            "search": name,
            "language": language,
            "uselang": language,
            "type": "item",
            "limit": SEARCH_LIMIT,
            "format": "json",
        },
        parse=parse,
    ).data
    found: list[str] = []
    for hit in hits:
        qid = str(hit.get("id") or "")
        match = hit.get("match") if isinstance(hit.get("match"), dict) else {}
        texts = [match.get("text"), hit.get("label"), *(hit.get("aliases") or [])]
        if QID.fullmatch(qid) and any(isinstance(t, str) and same_name(name, t) for t in texts):
            found.append(qid)
    return list(dict.fromkeys(found))


def find_people(client: HttpClient, base_url: str, name: str, api: str | None = None) -> list[str]:
    """QIDs of the people called ``name`` (found by the search API, in any language, case
    or accents) that are credited on some work."""
    name = name.strip()
    if not name:
        raise BadInput("empty name")
    candidates = search_items(client, base_url, name, api)
    if not candidates:
        return []
    client.plan(1)
    rows = sparql_select(
        client,
        base_url,
        render_remote("wikidata_find_person", people=" ".join(f"wd:{q}" for q in candidates)),
    )
    return sorted({q for r in rows if (q := _qid(r, "person"))}, key=lambda q: int(q[1:]))


def harvest_person(
    client: HttpClient, base_url: str, qid: str, page_size: int = PAGE_SIZE
) -> Harvest:
    """Everything person ``qid`` is credited on (composer, lyricist, performer, librettist)."""
    qid = _check_qid(qid)
    return _harvest(client, base_url, [qid], [], f"person-{qid}", page_size=page_size)


def harvest_composer(
    client: HttpClient,
    base_url: str,
    name: str,
    page_size: int = PAGE_SIZE,
    *,
    api: str | None = None,
) -> Harvest:
    """Find people by name (``api``: the Wikibase API URL, see :func:`api_url`), then
    harvest their credits (one graph for all matches)."""
    qids = find_people(client, base_url, name, api)
    if not qids:
        raise BadInput(f"Wikidata has no composer, lyricist or performer labelled {name!r}")
    return _harvest(
        client,
        base_url,
        qids,
        [],
        "person-" + "+".join(qids),
        label=f"wikidata: {name}",
        page_size=page_size,
    )


def harvest_work(
    client: HttpClient, base_url: str, qid: str, page_size: int = PAGE_SIZE
) -> Harvest:
    """The music credits of work ``qid`` (a series, film, game, album or song)."""
    qid = _check_qid(qid)
    return _harvest(client, base_url, [], [qid], f"work-{qid}", page_size=page_size)


#: ``harvest wikidata --all``: rows per page and most pages (a few dozen queries, each far
#: below the 60 s deadline), the whole anime/film/OVA/game subset of the dump importer
ALL_PAGE_SIZE = 5000
ALL_MAX_PAGES = 60


def harvest_all(
    client: HttpClient, base_url: str, _value: object = None, page_size: int = ALL_PAGE_SIZE
) -> Harvest:
    """Every series, film, OVA and video game (the ``P31`` classes above) with a composer,
    lyricist or performer statement, and the people named: the subset the Wikidata dump
    importer keeps, through the query service, paged (``wikidata_all.rq``, ORDER BY +
    LIMIT/OFFSET). Every query goes through :func:`sparql_select`, so every guard of the
    shared client applies. Stops with an error rather than write a partial graph when the
    pages run past ``ALL_MAX_PAGES``."""
    classes = " ".join(f"wd:{c}" for c in _WORK_CLASSES)
    rows: list[dict] = []
    for page in range(ALL_MAX_PAGES):
        client.plan(1)
        batch = sparql_select(
            client,
            base_url,
            render_remote(
                "wikidata_all", classes=classes, limit=str(page_size), offset=str(page * page_size)
            ),
        )
        rows.extend(batch)
        if len(batch) < page_size:
            break
    else:
        raise UpstreamError(
            f"Wikidata query service: more than {ALL_MAX_PAGES} pages of "
            f"{page_size} rows; nothing was written (use the dump: "
            "cuegraph import wikidata-dump)"
        )
    records = credits_to_records(rows)
    credits = [r for r in records if isinstance(r, Credit) and r.target_kind == "work"]
    agents = {c.agent for c in credits}
    records = [
        r
        for r in records
        if isinstance(r, Work) or r in credits or (isinstance(r, Person) and r.key in agents)
    ]
    return Harvest(
        source=NAME,
        key="all",
        records=records,
        license=LICENSE,
        label="wikidata: every anime series, film, OVA and video game",
    )


def _harvest(
    client: HttpClient,
    base_url: str,
    people: list[str],
    works: list[str],
    key: str,
    label: str = "",
    page_size: int = PAGE_SIZE,
) -> Harvest:
    pairs = " ".join([f"(wd:{q} UNDEF)" for q in people] + [f"(UNDEF wd:{q})" for q in works])
    rows: list[dict] = []
    for page in range(MAX_PAGES):
        client.plan(1)
        batch = sparql_select(
            client,
            base_url,
            render_remote(
                "wikidata_credits", pairs=pairs, limit=str(page_size), offset=str(page * page_size)
            ),
        )
        rows.extend(batch)
        if len(batch) < page_size:
            break
    return Harvest(
        source=NAME,
        key=key,
        records=credits_to_records(rows),
        license=LICENSE,
        label=label or f"wikidata: {key}",
    )


def credits_to_records(rows: list[dict]) -> list[Record]:
    """Turn ``wikidata_credits`` result rows into people, works/songs/albums and credits."""
    people: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    works: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    links: set[tuple[str, str, str]] = set()
    for row in rows:
        person, work = _qid(row, "person"), _qid(row, "work")
        prop = (_value(row, "prop") or "").rsplit("/", 1)[-1]
        if not person or not work or not prop:
            continue
        links.add((work, prop, person))
        p = people[person]
        for var in ("personLabel", "personMul", "personJa", "isGroup"):
            if (v := _value(row, var)) is not None:
                p[var].add(v)
        for var, scheme in _PERSON_IDS.items():
            if v := _value(row, var):
                p["ids"].add((scheme, v))
        w = works[work]
        for var in ("workLabel", "workMul", "workJa", "date"):
            if v := _value(row, var):
                w[var].add(v)
        if c := _qid(row, "class"):
            w["class"].add(c)
        for var, scheme in _WORK_IDS.items():
            if v := _value(row, var):
                w["ids"].add((scheme, v))

    records: list[Record] = []
    for qid in sorted(people):
        p = people[qid]
        # English, else the language-neutral "mul" label many items keep, else Japanese
        name = _first(p["personLabel"]) or _first(p["personMul"]) or _first(p["personJa"]) or qid
        native = _first(p["personJa"])
        records.append(
            Person(
                key=f"wikidata/{qid}",
                name=name,
                native_name=native if native != name else None,
                kind="group" if "true" in p["isGroup"] else "person",
                ids=tuple(sorted({("wikidata", qid), *p["ids"]})),
                source=entity_source(qid),
            )
        )
    kinds: dict[str, str] = {}
    for qid in sorted(works):
        w = works[qid]
        kind, record = _work_record(qid, w)
        kinds[qid] = kind
        records.append(record)
    for work, prop, person in sorted(links):
        kind = kinds[work]
        role = resolve_role(prop, NAME)
        if kind == "work" and role == "composer":
            role = "score_composer"  # P86 on a film or series: it is the score
        records.append(
            Credit(
                agent=f"wikidata/{person}",
                role=role,
                target_kind=kind,
                target=f"wikidata/{work}",
                role_text=prop,
                source=entity_source(work),
            )
        )
    return records


def _first(values: set[str]) -> str | None:
    return sorted(values)[0] if values else None


def _work_record(qid: str, w: dict) -> tuple[str, Record]:
    title = _first(w["workLabel"]) or _first(w["workMul"]) or _first(w["workJa"]) or qid
    native = _first(w["workJa"])
    native = native if native != title else None
    ids = tuple(sorted({("wikidata", qid), *w["ids"]}))
    years = sorted(int(d[:4]) for d in w["date"] if re.match(r"\d{4}", d))
    year = years[0] if years else None
    key, source = f"wikidata/{qid}", entity_source(qid)
    work_types = [_WORK_CLASSES[c] for c in sorted(w["class"]) if c in _WORK_CLASSES]
    has_anime_id = any(s in ("anilist", "anidb", "mal") for s, _ in ids)
    if work_types or has_anime_id:
        order = ["series", "film", "ova", "game"]
        wtype = min(work_types, key=order.index) if work_types else "series"
        return "work", Work(
            key=key, title=title, type=wtype, native_title=native, year=year, ids=ids, source=source
        )
    if w["class"] & _ALBUM_CLASSES:
        return "album", Album(
            key=key, title=title, native_title=native, year=year, ids=ids, source=source
        )
    return "song", Song(key=key, title=title, native_title=native, ids=ids, source=source)


SOURCE = Source(
    name=NAME,
    title="Wikidata",
    license=LICENSE,
    default_url=DEFAULT_URL,
    min_interval=MIN_INTERVAL,
    max_response_bytes=MAX_RESPONSE_BYTES,
    redirect_hosts=REDIRECT_HOSTS,
    summary="Wikidata (CC0): composer P86, lyricist P676, performer P175 credits and the "
    "external ids (MusicBrainz, VGMdb, AniDB, AniList, MyAnimeList) of a person or "
    "work, or --all.",
    entries=(
        Entry(
            "composer",
            harvest_composer,
            "A person's name or alias, in any language, case "
            "or accents (found with Wikidata's search API).",
            settings={"api": "wikidata_api_url"},
            example='"Yuki Kajiura"',
        ),
        Entry("person", harvest_person, "A person's Wikidata id (Q…).", example="Q…"),
        Entry("work", harvest_work, "A work's Wikidata id (Q…).", example="Q…"),
        Entry(
            "all",
            harvest_all,
            "Every anime series, film, OVA and video game with a "
            "composer, lyricist or performer, and the people named (the dump importer's "
            "subset), in pages of 5000 rows: a few dozen queries. For the whole of "
            "Wikidata prefer `cuegraph import wikidata-dump`.",
            value=bool,
        ),
    ),
)
