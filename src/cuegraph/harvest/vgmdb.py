"""VGMdb through the unofficial vgmdb.info JSON API (hufman/vgmdb): albums and artists.

* ``GET /album/<id>?format=json``: the album's names, release date, credit lists
  (``composers``, ``arrangers``, ``performers``, ``lyricists``, ``vocals``; each item
  ``{"link": "artist/<id>", "names": {"en": ..., "ja": ...}}``, unlinked names have no link)
  and ``discs[].tracks[].names`` (no per-track credits exist in this API).
* ``GET /artist/<id>?format=json``: the artist's names and ``discography`` / ``featured_on``
  lists (``{"link": "album/<id>", "titles": {...}, "date", "roles": ["Composer", ...]}``).

The shapes are those of ``schema/album.json``, ``schema/artist.json`` and
``vgmdb/parsers/album.py`` in hufman/vgmdb. Credits point at the album. VGMdb.net's own data
terms were not found, so runs are licensed ``vgmdb-unknown``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from cuegraph.errors import NotFound
from cuegraph.graph.iris import slug
from cuegraph.harvest.base import Entry, Harvest, Source
from cuegraph.harvest.checks import Shapes, missing_on_404, positive_id
from cuegraph.harvest.http import HttpClient, Response
from cuegraph.names import has_cjk, same_name
from cuegraph.records import Album, Credit, Person, Record, Recording
from cuegraph.roles import resolve_role

__all__ = [
    "NAME",
    "SOURCE",
    "DEFAULT_URL",
    "LICENSE",
    "MIN_INTERVAL",
    "CREDIT_KEYS",
    "harvest_album",
    "harvest_artist",
]

NAME = "vgmdb"
DEFAULT_URL = "https://vgmdb.info"
LICENSE = "vgmdb-unknown"
#: hufman/vgmdb commit 551da15 "Apply a rate-limit to the info pages" (2026-04-19): nginx
#: `limit_req_zone ... rate=1r/s` with `burst=2` -> at most one request per second.
MIN_INTERVAL = 1.0
#: largest response accepted, counted after decompression; generous but finite
#: (a large album or discography page is well under one MB)
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
#: hosts a redirect may lead to besides the requested one (none: same host only)
REDIRECT_HOSTS: tuple[str, ...] = ()

#: album JSON credit list -> the role wording it stands for (vgmdb/parsers/album.py maps
#: "Composed by", "Composer", "Music" ... onto these keys)
CREDIT_KEYS = {
    "composers": "Composer",
    "arrangers": "Arranger",
    "performers": "Performer",
    "lyricists": "Lyricist",
    "vocals": "Vocals",
}

_LINK = re.compile(r"^/?(album|artist|org|product|event)/(\d+)")
#: "Composer (as X)", "Composer (also as X)", "Composer (credited as X)": the credited name
_AS = re.compile(r"^(.*?)\s*\((?:also\s+)?(?:credited\s+)?as\s+(.*)\)\s*$", re.IGNORECASE)
_LENGTH = re.compile(r"^(\d+):([0-5]\d)$")
_shape = Shapes("vgmdb.info")


def _fetch(
    client: HttpClient, base: str, kind: str, number: int, check=None
) -> tuple[dict[str, Any], str]:
    """One vgmdb.info page; ``check(body, url)`` may refuse its shape (then it is not
    cached)."""
    url = f"{base}/{kind}/{number}"
    client.intervals.setdefault(urlsplit(base).netloc, MIN_INTERVAL)
    client.plan(1)

    def parse(resp: Response) -> dict[str, Any]:
        body = _shape.obj(resp.json(), url, kind)
        if check is not None:
            check(body, url)
        return body

    with missing_on_404(NotFound(f"vgmdb: no {kind} {number}")):
        resp = client.get(
            url, params={"format": "json"}, headers={"Accept": "application/json"}, parse=parse
        )
    return resp.data, url


def _names(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}


def _pick(names: dict[str, str], *prefer: str) -> str | None:
    for key in prefer:
        if names.get(key):
            return names[key]
    return next(iter(names.values()), None)


def _year(date: Any) -> int | None:
    m = re.match(r"^(\d{4})", date) if isinstance(date, str) else None
    return int(m.group(1)) if m else None


def _length(value: Any) -> Decimal | None:
    m = _LENGTH.match(value.strip()) if isinstance(value, str) else None
    return Decimal(int(m.group(1)) * 60 + int(m.group(2))) if m else None


def _link_id(link: Any, kind: str) -> str | None:
    m = _LINK.match(link.strip()) if isinstance(link, str) else None
    return m.group(2) if m and m.group(1) == kind else None


def _person(item: dict[str, Any], source: str) -> Person | None:
    names = _names(item.get("names"))
    name = _pick(names, "en", "ja-latn", "ja")
    if not name:
        return None
    native = names.get("ja") if names.get("ja") != name else None
    artist_id = _link_id(item.get("link"), "artist")
    if artist_id:
        return Person(
            key=f"{NAME}/{artist_id}",
            name=name,
            native_name=native,
            ids=((NAME, artist_id),),
            source=source,
        )
    # an unlinked name: VGMdb has no artist page for it, so it is keyed by the name
    return Person(
        key=f"{NAME}/name/{_name_key(name)}", name=name, native_name=native, source=source
    )


def _album_title(body: dict[str, Any]) -> str:
    name = body.get("name")
    return _pick(_names(body.get("names")), "en", "ja-latn", "ja") or (
        name.strip() if isinstance(name, str) else ""
    )


def _album_shape(body: dict[str, Any], url: str) -> None:
    if not _album_title(body) or not isinstance(body.get("discs"), list):
        raise _shape.error(url, "not an album")


def _artist_shape(body: dict[str, Any], url: str) -> None:
    name = body.get("name")
    if (
        not isinstance(name, str)
        or not name.strip()
        or not isinstance(body.get("discography"), list)
        or not isinstance(body.get("featured_on") or [], list)
    ):
        raise _shape.error(url, "not an artist")


def harvest_album(client: HttpClient, base_url: str, album_id: int) -> Harvest:
    """One VGMdb album: its tracks and its composers, arrangers, performers, lyricists.

    Raises:
        BadInput: the id is not a positive integer.
        NotFound: vgmdb.info has no such album.
        UpstreamError: vgmdb.info failed or sent something that is not an album.
    """
    number = positive_id(album_id, "album", NAME)
    base = (base_url or DEFAULT_URL).rstrip("/")
    body, url = _fetch(client, base, "album", number, check=_album_shape)
    names = _names(body.get("names"))
    title = _album_title(body)
    discs = body["discs"]
    link = body.get("vgmdb_link")
    source = link if isinstance(link, str) else f"https://vgmdb.net/album/{number}"
    key = f"{NAME}/{number}"
    records: list[Record] = []
    tracks: list[str] = []
    for d, disc in enumerate(discs, start=1):
        if not isinstance(disc, dict) or not isinstance(disc.get("tracks", []), list):
            raise _shape.error(url, "discs")
        for t, track in enumerate(disc.get("tracks") or [], start=1):
            if not isinstance(track, dict):
                raise _shape.error(url, "tracks")
            track_names = _names(track.get("names"))
            track_title = _pick(track_names, "English", "Romaji", "Japanese")
            if not track_title:
                continue
            rec = Recording(
                key=f"{key}/{d}-{t}",
                title=track_title,
                length_seconds=_length(track.get("track_length")),
                source=source,
            )
            records.append(rec)
            tracks.append(rec.key)
    native = names.get("ja") if names.get("ja") != title else None
    records.insert(
        0,
        Album(
            key=key,
            title=title,
            native_title=native,
            year=_year(body.get("release_date")),
            tracks=tuple(tracks),
            ids=((NAME, str(number)),),
            source=source,
        ),
    )
    people: dict[str, Person] = {}
    credits: list[Record] = []
    for list_key, label in CREDIT_KEYS.items():
        items = body.get(list_key) or []
        if not isinstance(items, list):
            raise _shape.error(url, list_key)
        for item in items:
            person = _person(item, source) if isinstance(item, dict) else None
            if person is None:
                continue
            _merge(people, person)
            credits.append(
                Credit(
                    agent=person.key,
                    role=resolve_role(label, NAME),
                    target_kind="album",
                    target=key,
                    role_text=label,
                    source=source,
                )
            )
    records += [*people.values(), *credits]
    return Harvest(
        source=NAME,
        key=f"album-{number}",
        records=list(dict.fromkeys(records)),
        license=LICENSE,
        label=f"VGMdb album {title}",
    )


def _role(text: str) -> tuple[str, str | None, str | None]:
    """A discography role -> (cuegraph role, note, credited-as name).

    VGMdb writes ``Composer (as HAPPY-SYNTHESIZER)`` or ``Composer (also as X)`` when the
    artist was credited under another name, ``Composer*`` for a footnoted credit and
    ``Original Composer`` on arrangement albums (the composer of the music arranged).

    >>> _role("Composer (also as Nobuo Uematsu)")
    ('composer', 'as Nobuo Uematsu', 'Nobuo Uematsu')
    >>> _role("Original Composer*")
    ('composer', None, None)
    """
    m = _AS.match(text)
    base, alias = (m.group(1), m.group(2).strip()) if m else (text, None)
    base = base.strip().rstrip("*").strip()
    role = resolve_role(text, NAME)
    if role == "contributor":
        role = resolve_role(base, NAME)
    if role == "contributor" and base.lower().startswith("original "):
        role = resolve_role(base[len("original ") :], NAME)
    return role, (f"as {alias}" if alias else None), alias or None


def _name_key(name: str) -> str:
    """The key of an unlinked name: native names written with or without a space between
    family and given name (植松伸夫 / 植松 伸夫) are one name."""
    return slug(name.replace(" ", "").replace("\u3000", "") if has_cjk(name) else name)


def _merge(people: dict[str, Person], person: Person) -> Person:
    """One record per key: the first one seen, with a differing later name kept as an
    alias (a spacing variant of the same name is the same name, not an alias)."""
    first = people.setdefault(person.key, person)
    if first is person:
        return person
    known = [first.name, first.native_name or "", *first.aliases]
    extra = tuple(
        n
        for n in (person.name, person.native_name)
        if n and not any(same_name(n, k) for k in known if k)
    )
    if extra or (person.native_name and not first.native_name):
        first = replace(
            first,
            native_name=first.native_name or person.native_name,
            aliases=tuple(dict.fromkeys(first.aliases + extra)),
        )
        people[person.key] = first
    return first


def harvest_artist(client: HttpClient, base_url: str, artist_id: int) -> Harvest:
    """One VGMdb artist and their credited roles on every album of their discography.

    Raises:
        BadInput: the id is not a positive integer.
        NotFound: vgmdb.info has no such artist.
        UpstreamError: vgmdb.info failed or sent something that is not an artist.
    """
    number = positive_id(artist_id, "artist", NAME)
    base = (base_url or DEFAULT_URL).rstrip("/")
    body, url = _fetch(client, base, "artist", number, check=_artist_shape)
    name = body["name"]
    albums = body["discography"]
    featured = body.get("featured_on") or []
    link = body.get("vgmdb_link")
    source = link if isinstance(link, str) else f"https://vgmdb.net/artist/{number}"
    native = body.get("name_real") if isinstance(body.get("name_real"), str) else None
    aliases = tuple(
        a
        for a in (body.get("name_trans"),)
        if isinstance(a, str) and a.strip() and a not in (name, native)
    )
    person = Person(
        key=f"{NAME}/{number}",
        name=name.strip(),
        native_name=native.strip() if native and native.strip() != name.strip() else None,
        kind="group" if body.get("type") == "Unit" else "person",
        aliases=aliases,
        ids=((NAME, str(number)),),
        source=source,
    )
    records: list[Record] = [person]
    credited: list[str] = []
    for entry in [*albums, *featured]:
        if not isinstance(entry, dict):
            raise _shape.error(url, "discography")
        album_id = _link_id(entry.get("link"), "album")
        titles = _names(entry.get("titles"))
        title = _pick(titles, "en", "ja-latn", "ja")
        roles = entry.get("roles") or []
        if album_id is None or not title or not isinstance(roles, list):
            continue
        album_source = f"https://vgmdb.net/album/{album_id}"
        records.append(
            Album(
                key=f"{NAME}/{album_id}",
                title=title,
                native_title=titles.get("ja") if titles.get("ja") != title else None,
                year=_year(entry.get("date")),
                ids=((NAME, album_id),),
                source=album_source,
            )
        )
        for text in roles:
            if not isinstance(text, str) or not text.strip():
                continue
            role, note, credited_as = _role(text.strip())
            if credited_as and not any(
                same_name(credited_as, n)
                for n in (person.name, person.native_name or "", *credited)
            ):
                credited.append(credited_as)
            records.append(
                Credit(
                    agent=person.key,
                    role=role,
                    target_kind="album",
                    target=f"{NAME}/{album_id}",
                    role_text=text.strip(),
                    note=note,
                    source=source,
                )
            )
    if credited:  # the names the artist was credited as are the artist's names too
        records[0] = person = replace(
            person, aliases=tuple(dict.fromkeys(person.aliases + tuple(credited)))
        )
    return Harvest(
        source=NAME,
        key=f"artist-{number}",
        records=list(dict.fromkeys(records)),
        license=LICENSE,
        label=f"VGMdb artist {person.name}",
    )


SOURCE = Source(
    name=NAME,
    title="VGMdb",
    license=LICENSE,
    default_url=DEFAULT_URL,
    min_interval=MIN_INTERVAL,
    max_response_bytes=MAX_RESPONSE_BYTES,
    redirect_hosts=REDIRECT_HOSTS,
    summary="VGMdb through vgmdb.info: album credits or an artist's discography.",
    entries=(
        Entry("album", harvest_album, "A VGMdb album id.", value=int, example="<id>"),
        Entry("artist", harvest_artist, "A VGMdb artist id.", value=int, example="<id>"),
    ),
)
