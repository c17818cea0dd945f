"""AnimeThemes.moe JSON:API: an anime's openings, endings and inserts, who performs them, and
in which episodes they play.

One search (``GET /anime?q=<name>``, documented in animethemes-api-docs
``docs/anime/index/README.md``) with :data:`INCLUDE` (allowed include paths in
``docs/anime/README.md`` and animethemes-server ``PerformanceSchema``) returns anime with
their themes, theme entries (versions, each with a free-text ``episodes`` range such as
``"1-10"`` or ``"1-3, 5"``), songs and their performances: ``song.performances`` (an artist
or a group, and for a group member's performance the ``member``, with the credited
``alias``/``as``) where present, else the deprecated ``song.artists``. Result pages are
followed (``links.next``) up to :data:`MAX_PAGES`.
Only anime whose name, slug or a synonym contains the asked-for name are kept.

Records: a :class:`~cuegraph.records.Work` per anime, a :class:`~cuegraph.records.Song` per
theme song, a :class:`~cuegraph.records.Person` and a ``performer`` credit per artist, and an
untimed :class:`~cuegraph.records.Cue` (start/end ``None``) per episode a theme plays in, with
usage opening/ending/insert from the theme type (OP/ED/IN). AnimeThemes holds no composer,
lyricist or arranger credits. An artist whose performance names a member is a group; its
members get their own performer credits ("member of <group>").
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from cuegraph.errors import BadInput, NotFound, UpstreamError
from cuegraph.graph.iris import slug
from cuegraph.harvest.base import Entry, Harvest, Source
from cuegraph.harvest.checks import Shapes
from cuegraph.harvest.http import HttpClient, Response
from cuegraph.names import match_score, tokens
from cuegraph.records import Credit, Cue, Person, Record, Song, Work
from cuegraph.roles import resolve_role

__all__ = [
    "NAME",
    "SOURCE",
    "DEFAULT_URL",
    "LICENSE",
    "MIN_INTERVAL",
    "MAX_PAGES",
    "PAGE_SIZE",
    "INCLUDE",
    "harvest_anime",
    "parse_episodes",
]

NAME = "animethemes"
DEFAULT_URL = "https://api.animethemes.moe"
LICENSE = "animethemes-terms"
#: animethemes-api-docs docs/jsonapi/intro/ratelimiting: "The AnimeThemes API limits requests
#: to 90 per minute" (server: RouteServiceProvider `Limit::perMinute(90)`) -> 60/90 s apart.
MIN_INTERVAL = 60.0 / 90.0
#: largest response accepted, counted after decompression; generous but finite
#: (a 15-anime search page with its includes is a few hundred KB)
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
#: hosts a redirect may lead to besides the requested one (none: same host only)
REDIRECT_HOSTS: tuple[str, ...] = ()
#: result pages followed at most
MAX_PAGES = 3
#: anime per result page
PAGE_SIZE = 15
INCLUDE = (
    "animesynonyms,animethemes.animethemeentries,animethemes.song.artists,"
    "animethemes.song.performances.artist,animethemes.song.performances.member"
)
#: longest episode range expanded (guards against typos such as "1-1000000")
MAX_RANGE = 2000
MIN_NAME_LENGTH = 2

_USAGE = {"OP": "opening", "ED": "ending", "IN": "insert"}
#: a theme's slug naming its slot in the anime ("OP", "OP1", "ED2"; AnimeThemes writes the
#: number only when the sequence has one): kept as the song's cg:slot
_SLOT = re.compile(r"(?:OP|ED)(?:[1-9][0-9]*)?")
_FORMATS = {
    "TV": "series",
    "TV Short": "series",
    "ONA": "series",
    "Movie": "film",
    "OVA": "ova",
    "Special": "ova",
}
_shape = Shapes("AnimeThemes")
_RANGE = re.compile(r"^(\d+)\s*(?:[-\u2010-\u2015~\u301c]\s*(\d+))?$")


def parse_episodes(text: str | None) -> list[int]:
    """Episode numbers from an AnimeThemes ``episodes`` string; unreadable parts are skipped.

    >>> parse_episodes("1-3, 5")
    [1, 2, 3, 5]
    >>> parse_episodes("11")
    [11]
    >>> parse_episodes(None)
    []
    """
    numbers: set[int] = set()
    for part in re.split(r"[,;&]", text or ""):
        m = _RANGE.match(part.strip())
        if not m:
            continue
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        if lo < 1 or hi < lo or hi - lo > MAX_RANGE:
            continue
        numbers.update(range(lo, hi + 1))
    return sorted(numbers)


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if len("".join(tokens(name))) < MIN_NAME_LENGTH:
        raise BadInput(f"animethemes: give an anime name to search for (got {name!r})")
    return name


def _matches(query: str, anime: dict[str, Any]) -> bool:
    """Whether the anime is the one searched for (by name, slug or a synonym), as the
    search matcher (:func:`cuegraph.names.match_score`) sees it: the site's search also
    returns fuzzy hits, which are dropped."""
    names = [anime.get("name"), anime.get("slug")]
    names += [s.get("text") for s in anime.get("animesynonyms") or [] if isinstance(s, dict)]
    return match_score(query, [n for n in names if isinstance(n, str)]) > 0


def _fetch(client: HttpClient, url: str, params: dict[str, Any]) -> dict[str, Any]:
    client.plan(1)

    def parse(resp: Response) -> dict[str, Any]:
        body = resp.json()
        if not isinstance(body, dict) or not isinstance(body.get("anime"), list):
            raise _shape.error(url, "no anime list")
        return body

    return client.get(url, params=params, headers={"Accept": "application/json"}, parse=parse).data


def _anime_records(anime: dict[str, Any], base: str, url: str) -> list[Record]:
    aid = _shape.int_id(anime, url, "anime")
    name = anime.get("name")
    if not isinstance(name, str) or not name.strip():
        raise UpstreamError(f"{url}: anime {aid} has no name")
    anime_slug = anime.get("slug") if isinstance(anime.get("slug"), str) else aid
    source = f"{base}/anime/{anime_slug}"
    wtype = _FORMATS.get(str(anime.get("media_format")), "series")
    year = anime.get("year") if isinstance(anime.get("year"), int) else None
    work = Work(
        key=f"{NAME}/{aid}",
        title=name.strip(),
        type=wtype,
        year=year,
        ids=((NAME, aid),),
        source=source,
    )
    records: list[Record] = [work]
    for theme in _shape.objects(anime.get("animethemes"), url, "animethemes"):
        usage = _USAGE.get(str(theme.get("type") or "").upper())
        song_obj = theme.get("song")
        if usage is None or not isinstance(song_obj, dict):
            continue  # an unknown theme type or a theme without a song says nothing usable
        sid = _shape.int_id(song_obj, url, "song")
        title = (song_obj.get("title") or "").strip() or f"{name} {theme.get('slug') or ''}"
        slug = theme.get("slug")
        slug = slug if isinstance(slug, str) else ""
        song = Song(
            key=f"{NAME}/{sid}",
            title=title.strip(),
            work=work.key,
            ids=((NAME, sid),),
            source=source,
            slot=slug.lower() if _SLOT.fullmatch(slug) else None,
            untitled=not (song_obj.get("title") or "").strip(),
        )
        records.append(song)
        performances = song_obj.get("performances")
        if performances is not None:  # the current model: who performed, group members too
            for perf in _shape.objects(performances, url, "song.performances"):
                records.extend(_performance(perf, song, url, source))
        else:  # "artists" (deprecated upstream), in older answers
            for artist in _shape.objects(song_obj.get("artists"), url, "song.artists"):
                records.extend(_performer(artist, song, url, source))
        episodes: set[int] = set()
        entries = _shape.objects(theme.get("animethemeentries"), url, "animethemeentries")
        for entry in entries:
            episodes.update(parse_episodes(entry.get("episodes")))
        if not episodes and wtype == "film" and entries:
            episodes = {1}  # a film is its own episode 1
        for number in sorted(episodes):
            records.append(
                Cue(
                    work=work.key,
                    episode=number,
                    usage=usage,
                    song=song.key,
                    title=song.title,
                    note=theme.get("slug") or None,
                    source=source,
                )
            )
    return records


def _performer(artist: dict[str, Any], song: Song, url: str, source: str) -> list[Record]:
    aid = _shape.int_id(artist, url, "artist")
    name = artist.get("name")
    if not isinstance(name, str) or not name.strip():
        raise UpstreamError(f"{url}: artist {aid} has no name")
    # the credited character or alias: the pivot object (artistsong / performance) or,
    # in older responses, a top-level "as"
    pivot = artist.get("artistsong") or artist.get("performance") or {}
    credited_as = (pivot.get("as") if isinstance(pivot, dict) else None) or artist.get("as")
    alias = pivot.get("alias") if isinstance(pivot, dict) else None
    person = Person(
        key=f"{NAME}/{aid}",
        name=name.strip(),
        ids=((NAME, aid),),
        source=source,
        aliases=(alias.strip(),)
        if isinstance(alias, str) and alias.strip() and alias.strip() != name.strip()
        else (),
    )
    note = (
        f"as {credited_as.strip()}"
        if isinstance(credited_as, str) and credited_as.strip()
        else None
    )
    credit = Credit(
        agent=person.key,
        role=resolve_role("performer", NAME),
        target_kind="song",
        target=song.key,
        role_text="performer",
        note=note,
        source=source,
    )
    return [person, credit]


def _artist(artist: Any, url: str, what: str, kind: str, source: str, alias: Any = None) -> Person:
    if not isinstance(artist, dict):
        raise _shape.error(url, what)
    aid = _shape.int_id(artist, url, "artist")
    name = artist.get("name")
    if not isinstance(name, str) or not name.strip():
        raise UpstreamError(f"{url}: artist {aid} has no name")
    alias = alias.strip() if isinstance(alias, str) else ""
    return Person(
        key=f"{NAME}/{aid}",
        name=name.strip(),
        kind=kind,
        ids=((NAME, aid),),
        aliases=(alias,) if alias and alias != name.strip() else (),
        source=source,
    )


def _performance(perf: dict[str, Any], song: Song, url: str, source: str) -> list[Record]:
    """One ``song.performances`` item: ``artist`` (an artist or a group) with the credited
    ``alias`` / ``as`` (character), and for a group member's performance ``member`` with
    ``member_alias`` / ``member_as`` (animethemes-server ``PerformanceSchema``: a
    performance links a song to an artist or to a membership of a group)."""
    member_obj = perf.get("member")
    group = _artist(
        perf.get("artist"),
        url,
        "performance.artist",
        "group" if isinstance(member_obj, dict) else "person",
        source,
        perf.get("alias"),
    )
    role = resolve_role("performer", NAME)

    def note(credited: Any, prefix: str = "") -> str | None:
        parts = [prefix] if prefix else []
        if isinstance(credited, str) and credited.strip():
            parts.append(f"as {credited.strip()}")
        return ", ".join(parts) or None

    out: list[Record] = [
        group,
        Credit(
            agent=group.key,
            role=role,
            target_kind="song",
            target=song.key,
            role_text="performer",
            note=note(perf.get("as")),
            source=source,
        ),
    ]
    if isinstance(member_obj, dict):
        member = _artist(
            member_obj, url, "performance.member", "person", source, perf.get("member_alias")
        )
        out += [
            member,
            Credit(
                agent=member.key,
                role=role,
                target_kind="song",
                target=song.key,
                role_text="performer",
                note=note(perf.get("member_as"), f"member of {group.name}"),
                source=source,
            ),
        ]
    return out


def _one_per_key(records: list[Record]) -> list[Record]:
    """One person record per key: an artist seen as a group anywhere is a group; aliases
    from every performance are kept."""
    people: dict[str, Person] = {}
    for r in records:
        if isinstance(r, Person):
            seen = people.get(r.key)
            people[r.key] = (
                r
                if seen is None
                else replace(
                    seen,
                    kind="group" if "group" in (seen.kind, r.kind) else seen.kind,
                    aliases=tuple(dict.fromkeys(seen.aliases + r.aliases)),
                )
            )
    out: list[Record] = []
    for r in dict.fromkeys(records):
        if isinstance(r, Person):
            if r.key in people:
                out.append(people.pop(r.key))
        else:
            out.append(r)
    return out


def harvest_anime(
    client: HttpClient, base_url: str, name: str, *, max_pages: int = MAX_PAGES
) -> Harvest:
    """Themes, performers and episode usage of the anime matching ``name``.

    Raises:
        BadInput: an empty name.
        NotFound: no anime on AnimeThemes matches the name.
        UpstreamError: AnimeThemes failed or answered in an unexpected shape.
    """
    query = _check_name(name)
    base = (base_url or DEFAULT_URL).rstrip("/")
    client.intervals.setdefault(urlsplit(base).netloc, MIN_INTERVAL)
    url = f"{base}/anime"
    found: list[dict[str, Any]] = []
    seen: list[str] = []
    page, truncated = 1, False
    while True:
        body = _fetch(
            client,
            url,
            {"q": query, "include": INCLUDE, "page[size]": PAGE_SIZE, "page[number]": page},
        )
        for anime in _shape.objects(body["anime"], url, "anime"):
            seen.append(str(anime.get("name")))
            if _matches(query, anime):
                found.append(anime)
        links = body.get("links")
        if not (isinstance(links, dict) and links.get("next")):
            break
        if page >= max_pages:
            truncated = True
            break
        page += 1  # the next page of the same search (links.next names the same query)
    if not found:
        closest = f" (the search returned: {', '.join(seen[:5])})" if seen else ""
        raise NotFound(f"animethemes: no anime named {query!r}{closest}")
    records: list[Record] = []
    for anime in found:
        records.extend(_anime_records(anime, base, url))
    label = f"AnimeThemes {query}" + (f" (first {max_pages} pages)" if truncated else "")
    return Harvest(
        source=NAME,
        key=f"anime-{slug(query)}",
        records=_one_per_key(records),
        license=LICENSE,
        label=label,
    )


SOURCE = Source(
    name=NAME,
    title="AnimeThemes",
    license=LICENSE,
    default_url=DEFAULT_URL,
    min_interval=MIN_INTERVAL,
    max_response_bytes=MAX_RESPONSE_BYTES,
    redirect_hosts=REDIRECT_HOSTS,
    summary="AnimeThemes: which episodes each opening/ending plays in, and its performers.",
    entries=(Entry("anime", harvest_anime, "An anime's name.", example='"Anohana"'),),
)
