"""MusicBrainz harvester (WS/2, JSON): an artist's works, recordings and release groups with
their credit relationships (composer, lyricist, arranger, performer, ...).

Politeness: MusicBrainz allows one request per second per IP on average and answers 503
("slow down") beyond it, and needs a User-Agent naming the application and a contact
(https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting). ``MIN_INTERVAL`` spaces requests
by one second; :class:`~cuegraph.harvest.http.HttpClient` backs off and retries on 503.

Request forms (https://musicbrainz.org/doc/MusicBrainz_API): search
``/artist?query=...``, lookup ``/artist/<mbid>?inc=...``, browse
``/work?artist=<mbid>&limit=&offset=`` (pages of at most 100). Browses ask for
relationship includes (``inc=artist-rels``); that browse requests accept them is inferred
from client libraries (musicbrainz_rs offers ``with_*_relations`` on browse queries), not
checked against the live service — a server refusing them answers 400 and the harvest fails
cleanly, writing nothing. Relationships and their
``type`` strings are MusicBrainz core data, licensed CC0
(https://musicbrainz.org/doc/About/Data_License).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from cuegraph.errors import BadInput, UpstreamError
from cuegraph.harvest.base import Entry, Harvest, Source
from cuegraph.harvest.checks import Shapes
from cuegraph.harvest.http import HttpClient, Response, short_url
from cuegraph.names import same_name
from cuegraph.records import Album, Credit, Person, Record, Recording, Song
from cuegraph.roles import resolve_role

#: the shape checks every source makes (cuegraph.harvest.checks)
_SHAPES = Shapes("MusicBrainz")

__all__ = [
    "NAME",
    "SOURCE",
    "DEFAULT_URL",
    "LICENSE",
    "MIN_INTERVAL",
    "harvest_artist",
    "find_artist",
    "is_mbid",
    "PAGE_SIZE",
]

NAME = "musicbrainz"
DEFAULT_URL = "https://musicbrainz.org/ws/2"
LICENSE = "cc0"
#: "never make more than ONE call per second" — https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting
MIN_INTERVAL = 1.0
#: largest response accepted, counted after decompression; generous but finite
#: (a 100-entity browse page with relationships is one or two MB)
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
#: hosts a redirect may lead to besides the requested one (none: same host only)
REDIRECT_HOSTS: tuple[str, ...] = ()
PAGE_SIZE = 100  # the largest browse page MusicBrainz serves
MAX_PAGES = 50  # per browse: 5000 entities is more than any composer needs

_MBID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_GROUP_TYPES = {"group", "orchestra", "choir"}
#: url-relationship targets that carry another source's id (identity resolution)
_URL_IDS = [
    ("wikidata", re.compile(r"wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]*)$")),
    ("vgmdb", re.compile(r"vgmdb\.net/artist/([0-9]+)$")),
    ("anidb", re.compile(r"anidb\.net/(?:creator/|cr)([0-9]+)$")),
    ("anilist", re.compile(r"anilist\.co/staff/([0-9]+)(?:/.*)?$")),
    ("mal", re.compile(r"myanimelist\.net/people/([0-9]+)(?:/.*)?$")),
]


def is_mbid(text: str) -> bool:
    """Whether ``text`` is a MusicBrainz id (a UUID)."""
    return bool(_MBID.fullmatch(text.strip().lower()))


def _key(mbid: str) -> str:
    return f"{NAME}/{mbid}"


def _get(
    client: HttpClient, base_url: str, path: str, check=None, **params: Any
) -> tuple[dict, str]:
    """One WS/2 request; the JSON object and the request URL. ``check(data, url)`` may
    refuse the shape; only an answer that passed it is cached."""

    def parse(resp: Response) -> dict:
        data = resp.json()
        shown = short_url(resp.url)
        _SHAPES.obj(data, shown, "the answer")
        if "error" in data:
            raise UpstreamError(f"{shown}: MusicBrainz says {str(data['error'])[:200]}")
        if check is not None:
            check(data, shown)
        return data

    resp = client.get(
        f"{base_url.rstrip('/')}/{path}", params={**params, "fmt": "json"}, parse=parse
    )
    return resp.data, resp.url


def _escape_lucene(text: str) -> str:
    return re.sub(r'([+\-&|!(){}\[\]^"~*?:\\/])', r"\\\1", text)


def _search_page(data: dict, shown: str) -> None:
    if not isinstance(data.get("artists"), list):
        raise _SHAPES.error(shown, "an artist search answer without an artists list")


def _lookup(data: dict, shown: str) -> None:
    if not data.get("id"):
        raise _SHAPES.error(shown, "an artist without an id")


def _described(a: dict) -> str:
    extra = a.get("disambiguation") or a.get("type") or ""
    return f"{a.get('name')}{f' ({extra})' if extra else ''} {a.get('id')}"


def find_artist(client: HttpClient, base_url: str, name: str) -> str:
    """The MBID of the artist called ``name``: a search hit whose name, sort name or an
    alias is the same name (:func:`cuegraph.names.same_name`: case, accents, word order,
    long vowels, spacing). The search score is never trusted on its own — the search
    server scores its top hit 100 whatever it is.

    Raises:
        BadInput: no hit has that name, or several different artists do; the message lists
            the candidates (name, disambiguation, MBID) so one can be passed as an MBID.
    """
    name = name.strip()
    if not name:
        raise BadInput("empty artist name")
    client.plan(1)
    phrase = f'"{_escape_lucene(name)}"'
    data, _url = _get(
        client,
        base_url,
        "artist",
        check=_search_page,
        query=f"artist:{phrase} OR alias:{phrase}",
        limit=10,
    )
    hits = [a for a in data["artists"] if isinstance(a, dict) and a.get("id")]

    def names(a: dict) -> list[str]:
        out = [str(a.get("name") or ""), str(a.get("sort-name") or "")]
        out += [str(al.get("name") or "") for al in a.get("aliases") or [] if isinstance(al, dict)]
        return [n for n in out if n]

    named = {str(a["id"]): a for a in hits if any(same_name(name, n) for n in names(a))}
    if len(named) > 1:  # several artists share the name: the primary name decides, if any
        primary = {i: a for i, a in named.items() if same_name(name, str(a.get("name") or ""))}
        named = primary if len(primary) == 1 else named
    if len(named) == 1:
        return next(iter(named))
    if named:
        listed = "; ".join(_described(a) for a in list(named.values())[:5])
        raise BadInput(
            f"MusicBrainz has {len(named)} artists named {name!r}: {listed}; "
            "pass the MBID of the one you mean"
        )
    seen = "; ".join(_described(a) for a in hits[:5]) or "nothing"
    raise BadInput(
        f"MusicBrainz has no artist named {name!r} (the search found: {seen}); "
        "pass an MBID to harvest one of these"
    )


def _browse_page(entity: str):
    def check(data: dict, shown: str) -> None:
        if not isinstance(data.get(f"{entity}s"), list) or not isinstance(
            data.get(f"{entity}-count"), int
        ):
            raise _SHAPES.error(
                shown, f"a {entity} browse page without {entity}s or {entity}-count"
            )

    return check


def _browse(
    client: HttpClient, base_url: str, entity: str, artist: str, inc: str, page_size: int
) -> list[tuple[dict, str]]:
    """Every ``entity`` linked to ``artist``, page by page: (item, page URL) pairs."""
    out: list[tuple[dict, str]] = []
    offset, page_no = 0, 0
    client.plan(1)
    while True:
        data, url = _get(
            client,
            base_url,
            entity,
            check=_browse_page(entity),
            artist=artist,
            inc=inc,
            limit=page_size,
            offset=offset,
        )
        items, count = data[f"{entity}s"], data[f"{entity}-count"]
        if page_no == 0:
            client.plan(max(min(math.ceil(count / page_size), MAX_PAGES) - 1, 0))
        out.extend((item, url) for item in items if isinstance(item, dict) and item.get("id"))
        offset += len(items)
        page_no += 1
        if not items or offset >= count or page_no >= MAX_PAGES:
            return out


class _Collector:
    """Gathers records, one person / song per MBID."""

    def __init__(self) -> None:
        self.people: dict[str, Person] = {}
        self.songs: dict[str, Song] = {}
        self.other: list[Record] = []

    def person(self, artist: dict, source: str, full: bool = False) -> str:
        mbid = str(artist["id"])
        key = _key(mbid)
        if full or key not in self.people:
            self.people[key] = _person(artist, source)
        return key

    def song(self, work: dict, source: str) -> str:
        key = _key(str(work["id"]))
        if key not in self.songs:
            self.songs[key] = Song(
                key=key,
                title=str(work.get("title") or work["id"]),
                ids=((NAME, str(work["id"])),),
                source=source,
            )
        return key

    def relations(self, item: dict, kind: str, target: str, source: str) -> None:
        """Artist relationships of a work/recording -> credits (unknown types kept)."""
        for rel in item.get("relations") or []:
            if not isinstance(rel, dict) or rel.get("target-type") != "artist":
                continue
            artist = rel.get("artist")
            rtype = str(rel.get("type") or "").strip()
            if not isinstance(artist, dict) or not artist.get("id") or not rtype:
                continue
            agent = self.person(artist, source)
            attrs = [str(a) for a in rel.get("attributes") or []]
            self.other.append(
                Credit(
                    agent=agent,
                    role=resolve_role(rtype, NAME),
                    target_kind=kind,
                    target=target,
                    role_text=rtype,
                    note=", ".join(attrs) or None,
                    source=source,
                )
            )

    def artist_credit(self, item: dict, kind: str, target: str, source: str) -> None:
        for ac in item.get("artist-credit") or []:
            artist = ac.get("artist") if isinstance(ac, dict) else None
            if isinstance(artist, dict) and artist.get("id"):
                agent = self.person(artist, source)
                self.other.append(
                    Credit(
                        agent=agent,
                        role=resolve_role("artist credit", NAME),
                        target_kind=kind,
                        target=target,
                        role_text="artist credit",
                        source=source,
                    )
                )

    def records(self) -> list[Record]:
        return [*self.people.values(), *self.songs.values(), *self.other]


def _person(artist: dict, source: str) -> Person:
    name = str(artist.get("name") or artist["id"])
    aliases = [a for a in artist.get("aliases") or [] if isinstance(a, dict) and a.get("name")]
    native = next(
        (str(a["name"]) for a in aliases if a.get("locale") == "ja" and a.get("primary")), None
    )
    others = sorted({str(a["name"]) for a in aliases} - {name, native or ""})
    ids = {(NAME, str(artist["id"]))}
    for rel in artist.get("relations") or []:
        if isinstance(rel, dict) and rel.get("target-type") == "url":
            resource = str((rel.get("url") or {}).get("resource") or "").rstrip("/")
            for scheme, pattern in _URL_IDS:
                if m := pattern.search(resource):
                    ids.add((scheme, m.group(1)))
    kind = "group" if str(artist.get("type") or "").lower() in _GROUP_TYPES else "person"
    return Person(
        key=_key(str(artist["id"])),
        name=name,
        native_name=native,
        kind=kind,
        aliases=tuple(others),
        ids=tuple(sorted(ids)),
        source=source,
    )


def _year(date: Any) -> int | None:
    m = re.match(r"(\d{4})", str(date or ""))
    return int(m.group(1)) if m else None


def harvest_artist(
    client: HttpClient, base_url: str, artist: str, page_size: int = PAGE_SIZE
) -> Harvest:
    """Harvest one artist (an MBID, or a name searched first).

    Reads the artist (aliases, links to other databases), then browses, page by page, the
    works linked to it (with their artist relationships), its recordings (artist credits,
    relationships, the works they perform) and its release groups.
    """
    # politeness even for a bare client: one request per second to this host
    client.intervals.setdefault(urlsplit(base_url).netloc, MIN_INTERVAL)
    artist = artist.strip()
    mbid = artist.lower() if is_mbid(artist) else find_artist(client, base_url, artist)
    col = _Collector()
    client.plan(1)
    data, url = _get(client, base_url, f"artist/{mbid}", check=_lookup, inc="aliases url-rels")
    col.person(data, url, full=True)
    main_name = str(data.get("name") or mbid)

    for work, url in _browse(client, base_url, "work", mbid, "artist-rels", page_size):
        key = col.song(work, url)
        col.relations(work, "song", key, url)

    for rec, url in _browse(
        client, base_url, "recording", mbid, "artist-credits artist-rels work-rels", page_size
    ):
        key = _key(str(rec["id"]))
        song = None
        for rel in rec.get("relations") or []:
            if (
                isinstance(rel, dict)
                and rel.get("target-type") == "work"
                and isinstance(rel.get("work"), dict)
                and rel["work"].get("id")
            ):
                song = col.song(rel["work"], url)
                break
        length = rec.get("length")
        col.other.append(
            Recording(
                key=key,
                title=str(rec.get("title") or rec["id"]),
                song=song,
                length_seconds=Decimal(int(length)) / 1000 if isinstance(length, int) else None,
                ids=((NAME, str(rec["id"])),),
                source=url,
            )
        )
        col.artist_credit(rec, "recording", key, url)
        col.relations(rec, "recording", key, url)

    for rg, url in _browse(client, base_url, "release-group", mbid, "artist-credits", page_size):
        key = _key(str(rg["id"]))
        col.other.append(
            Album(
                key=key,
                title=str(rg.get("title") or rg["id"]),
                year=_year(rg.get("first-release-date")),
                ids=((NAME, str(rg["id"])),),
                source=url,
            )
        )
        col.artist_credit(rg, "album", key, url)

    return Harvest(
        source=NAME,
        key=f"artist-{mbid}",
        records=col.records(),
        license=LICENSE,
        label=f"musicbrainz: {main_name}",
    )


SOURCE = Source(
    name=NAME,
    title="MusicBrainz",
    license=LICENSE,
    default_url=DEFAULT_URL,
    min_interval=MIN_INTERVAL,
    max_response_bytes=MAX_RESPONSE_BYTES,
    redirect_hosts=REDIRECT_HOSTS,
    summary="MusicBrainz (CC0 core data): an artist's works, recordings and release groups with "
    "composer/lyricist/arranger/performer relationships, one request per second.",
    entries=(
        Entry(
            "artist",
            harvest_artist,
            "An artist MBID, or a name: the search hit with "
            "that name or alias is taken, else the candidates are listed.",
            example='"Yuki Kajiura"',
        ),
    ),
)
