"""AniList GraphQL: music staff of one anime, or the music credits of one staff member.

AniList's terms (https://anilist.gitbook.io/anilist-apiv2-docs/docs/guide/terms-of-use) say
"Hoarding or mass collection of data from the AniList API is strictly prohibited", so this
module only does *targeted* look-ups: one named staff member (:func:`harvest_staff`) or one
media id (:func:`harvest_media`). Empty, very short or wildcard names are refused with
:class:`~cuegraph.errors.BadInput`, and paginated lists stop after :data:`MAX_PAGES` pages.

Only music roles are kept (role text mentioning music, songs, themes, lyrics, composition,
arrangement, vocals, ...); animators, directors and the like are skipped. Role strings are
free text with parenthesised qualifiers ("Theme Song Performance (OP)", "... (English; OP2)");
the qualifier is stripped for the role lookup and the original text is kept in
``Credit.role_text``.

AniList credits staff to the anime, but a theme song's credits are song credits: "Theme
Song Composition (OP)" on Aldnoah.Zero says who wrote its opening, not its score. So a
"Theme Song …" role becomes a credit on an unnamed song of that anime, one per slot its
qualifier names (:func:`song_slots`: ``OP``, ``ED1``, ``OP2, ED2``; language and episode
qualifiers such as ``English`` or ``ep 5`` are kept in the role text only): the song
``anilist/<media>/op2`` titled "<anime> opening 2" (``theme`` when no slot is named), and
"Insert Song …" roles one ``insert`` song. AniList gives no song titles; these songs carry
the anime's AniList URL as their source. Other roles ("Music", "Music Production") stay on
the anime. Non-music roles carrying slot qualifiers ("Animation (ED1)") are skipped.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from cuegraph.errors import BadInput, CuegraphError, PersonNotFound, UpstreamError, WorkNotFound
from cuegraph.graph.iris import slug
from cuegraph.harvest.base import Entry, Harvest, Source
from cuegraph.harvest.checks import Shapes, missing_on_404, positive_id
from cuegraph.harvest.http import HttpClient, Response
from cuegraph.records import Credit, Person, Record, Song, Work
from cuegraph.roles import resolve_role

__all__ = [
    "NAME",
    "SOURCE",
    "DEFAULT_URL",
    "LICENSE",
    "MIN_INTERVAL",
    "MAX_PAGES",
    "PER_PAGE",
    "harvest_staff",
    "harvest_media",
    "role_of",
    "is_music_role",
    "song_slots",
]

NAME = "anilist"
DEFAULT_URL = "https://graphql.anilist.co"
LICENSE = "anilist-terms"
#: https://docs.anilist.co/guide/rate-limiting: "The API is currently in a degraded state and
#: is limited to 30 requests per minute" (normally 90/min) -> one request every 2 s.
MIN_INTERVAL = 2.0
#: largest response accepted, counted after decompression; generous but finite
#: (a 25-edge staff page is tens of KB)
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
#: hosts a redirect may lead to besides the requested one (none: same host only)
REDIRECT_HOSTS: tuple[str, ...] = ()
#: pages of a staff/media list fetched at most (targeted look-ups, never a crawl)
MAX_PAGES = 8
#: entries per page (25 is the connection size public clients use)
PER_PAGE = 25
#: shortest staff name accepted (shorter searches match almost anyone)
MIN_NAME_LENGTH = 3

_SITE = "https://anilist.co"
_shape = Shapes("AniList")
_WILDCARDS = set("*%?_")

_STAFF_QUERY = """
query ($id: Int, $search: String, $page: Int, $perPage: Int) {
  Staff(id: $id, search: $search) {
    id
    name { full native alternative }
    siteUrl
    staffMedia(page: $page, perPage: $perPage, type: ANIME, sort: [START_DATE, ID]) {
      pageInfo { currentPage hasNextPage }
      edges {
        staffRole
        node { id type format episodes siteUrl
               title { romaji english native } startDate { year } }
      }
    }
  }
}
"""

_MEDIA_QUERY = """
query ($id: Int, $page: Int, $perPage: Int) {
  Media(id: $id, type: ANIME) {
    id type format episodes siteUrl
    title { romaji english native }
    startDate { year }
    staff(page: $page, perPage: $perPage, sort: [RELEVANCE, ID]) {
      pageInfo { currentPage hasNextPage }
      edges { role node { id name { full native alternative } siteUrl } }
    }
  }
}
"""

#: AniList MediaFormat -> cuegraph work type
_FORMATS = {
    "TV": "series",
    "TV_SHORT": "series",
    "ONA": "series",
    "MOVIE": "film",
    "OVA": "ova",
    "SPECIAL": "ova",
    "MUSIC": "ova",
}
#: words that make an otherwise unknown role a music role ("Theme Song Guitar (ED)"); known
#: roles count too. "Series Composition" (a writer) and "Compositing" do not match.
_MUSIC_WORDS = re.compile(
    r"\b(music|musical|songs?|lyrics?|vocals?|singing|singers?|chorus|orchestra\w*|"
    r"instrument\w*|band)\b",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(r"\s*\(([^()]*)\)\s*$")


def role_of(text: str) -> tuple[str, str | None]:
    """A cuegraph role for an AniList role string, and its qualifier (``OP``, ``ED1`` ...).

    The whole text is looked up first, then the text without its trailing parentheticals.

    >>> role_of("Theme Song Performance (English; OP2)")
    ('performer', 'English; OP2')
    >>> role_of("Music")
    ('score_composer', None)
    """
    base, qualifiers = text.strip(), list[str]()
    while (m := _QUALIFIER.search(base)) and m.start() > 0:
        qualifiers.insert(0, m.group(1).strip())
        base = base[: m.start()]
    qualifier = "; ".join(q for q in qualifiers if q) or None
    role = resolve_role(text, NAME)
    if role == "contributor":
        role = resolve_role(base, NAME)
    return role, qualifier


_SLOT = re.compile(r"\b(OP|ED)\s*(\d+)?(?:\s*[-–~]\s*(\d+))?\b", re.IGNORECASE)
_SLOT_NAMES = {"op": "opening", "ed": "ending"}


def song_slots(text: str) -> list[tuple[str, int | None]] | None:
    """The songs a theme or insert song role is about, as ``(slot, number)``: ``("op", 2)``
    for OP2, ``("ed", None)`` for an unnumbered ED, ``("theme", None)`` for a theme song
    role naming no slot, ``("insert", None)`` for insert songs; ``None`` for a role that is
    not about songs ("Music", "Animation (ED1)").

    >>> song_slots("Theme Song Composition (OP)")
    [('op', None)]
    >>> song_slots("Theme Song Arrangement (OP2, ED2)")
    [('op', 2), ('ed', 2)]
    >>> song_slots("Theme Song Performance (English; OP1-2)")
    [('op', 1), ('op', 2)]
    >>> song_slots("Insert Song Lyrics (ep 5)")
    [('insert', None)]
    >>> song_slots("Animation (ED1)") is None
    True
    """
    text = (text or "").strip()
    base = text
    while (m := _QUALIFIER.search(base)) and m.start() > 0:
        base = base[: m.start()]
    lowered = base.strip().lower()
    if lowered.startswith("insert song"):
        return [("insert", None)]
    if not lowered.startswith("theme song"):
        return None
    slots: list[tuple[str, int | None]] = []
    for m in _SLOT.finditer(text[len(base) :]):
        kind = m.group(1).lower()
        first = int(m.group(2)) if m.group(2) else None
        last = int(m.group(3)) if m.group(3) else first
        numbers = (
            range(first, last + 1)
            if first is not None and last and last >= first and last - first < 10
            else [first]
        )
        for n in numbers:
            if (kind, n) not in slots:
                slots.append((kind, n))
    return slots or [("theme", None)]


def is_music_role(text: str) -> bool:
    """True for a music-related AniList role (the ones cuegraph keeps)."""
    return bool(_MUSIC_WORDS.search(text or "")) or role_of(text or "")[0] != "contributor"


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise BadInput(
            "anilist: give a staff member's name; AniList's terms forbid "
            "open-ended crawls (mass collection)"
        )
    if set(name) & _WILDCARDS:
        raise BadInput(
            f"anilist: wildcards are not allowed in a staff name ({name!r}); "
            "AniList's terms allow targeted look-ups only"
        )
    if len(name.replace(" ", "")) < MIN_NAME_LENGTH:
        raise BadInput(
            f"anilist: staff name {name!r} is too short (at least "
            f"{MIN_NAME_LENGTH} characters): that would be an open-ended search"
        )
    return name


def _post(
    client: HttpClient,
    url: str,
    query: str,
    variables: dict[str, Any],
    missing: type[CuegraphError],
    what: str,
) -> dict[str, Any]:
    """POST one GraphQL query; the ``data`` object, or a clear error."""
    client.plan(1)

    def parse(resp: Response) -> dict[str, Any]:
        """The ``data`` object; GraphQL errors and other shapes raise (and are not cached)."""
        body = resp.json()
        _shape.obj(body, url, "the GraphQL response")
        errors = body.get("errors")
        if errors:
            listed = errors if isinstance(errors, list) else [errors]
            messages = "; ".join(
                str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in listed
            )
            if any(isinstance(e, dict) and e.get("status") == 404 for e in listed):
                raise missing(f"anilist: {what} not found ({messages})")
            raise UpstreamError(f"{url}: AniList reported: {messages}"[:400])
        return _shape.obj(body.get("data"), url, "data")

    with missing_on_404(missing(f"anilist: {what} not found")):
        return client.post_json(url, {"query": query, "variables": variables}, parse=parse).data


def _page(connection: Any, url: str, what: str) -> tuple[list[dict[str, Any]], bool]:
    """One page of a GraphQL connection: its edges, and whether another page follows."""
    conn = _shape.obj(connection, url, what)
    edges = conn.get("edges")
    if not isinstance(edges, list):  # a connection always has its edges list
        raise _shape.error(url, f"{what}.edges")
    edges = _shape.objects(edges, url, f"{what}.edges")
    info = conn.get("pageInfo") or {}
    return edges, bool(isinstance(info, dict) and info.get("hasNextPage"))


def _person(node: dict[str, Any], url: str) -> Person:
    sid = _shape.int_id(node, url, "staff")
    name = _shape.obj(node.get("name") or {}, url, "staff name")
    full = (name.get("full") or "").strip() or (name.get("native") or "").strip()
    if not full:
        raise UpstreamError(f"{url}: staff {sid} has no name")
    native = (name.get("native") or "").strip() or None
    aliases = tuple(
        a.strip()
        for a in (name.get("alternative") or [])
        if isinstance(a, str) and a.strip() and a.strip() not in (full, native)
    )
    return Person(
        key=f"{NAME}/{sid}",
        name=full,
        native_name=native if native != full else None,
        aliases=aliases,
        ids=((NAME, sid),),
        source=node.get("siteUrl") or f"{_SITE}/staff/{sid}",
    )


def _work(node: dict[str, Any], url: str) -> Work:
    mid = _shape.int_id(node, url, "media")
    title = _shape.obj(node.get("title") or {}, url, "media title")
    main = next(
        (
            t.strip()
            for t in (title.get("romaji"), title.get("english"), title.get("native"))
            if isinstance(t, str) and t.strip()
        ),
        None,
    )
    if main is None:
        raise UpstreamError(f"{url}: media {mid} has no title")
    native = title.get("native") if isinstance(title.get("native"), str) else None
    aliases = tuple(
        dict.fromkeys(
            t.strip()
            for t in (title.get("romaji"), title.get("english"))
            if isinstance(t, str) and t.strip() and t.strip() not in (main, native)
        )
    )
    start = node.get("startDate")
    year = (
        start.get("year")
        if isinstance(start, dict) and isinstance(start.get("year"), int)
        else None
    )
    episodes = node.get("episodes") if isinstance(node.get("episodes"), int) else None
    return Work(
        key=f"{NAME}/{mid}",
        title=main,
        type=_FORMATS.get(str(node.get("format")), "series"),
        native_title=native if native != main else None,
        year=year,
        episodes=episodes,
        ids=((NAME, mid),),
        aliases=aliases,
        source=node.get("siteUrl") or f"{_SITE}/anime/{mid}",
    )


def _credits(person: Person, work: Work, role_text: str, source: str | None) -> list[Record]:
    """The credit records for one AniList role: on the anime, or — for theme and insert
    song roles — on each unnamed song of the anime it names (with that song)."""
    role, _qualifier = role_of(role_text)
    slots = song_slots(role_text)
    if slots is None:
        return [
            Credit(
                agent=person.key,
                role=role,
                target_kind="work",
                target=work.key,
                role_text=role_text,
                source=source,
            )
        ]
    out: list[Record] = []
    for slot, number in slots:
        key = f"{work.key}/{slot}{number or ''}"
        title = {"theme": f"{work.title} theme song", "insert": f"{work.title} insert song"}.get(
            slot
        ) or f"{work.title} {_SLOT_NAMES[slot]}" + (f" {number}" if number else "")
        out.append(
            Song(
                key=key,
                title=title,
                work=work.key,
                source=work.source,
                slot=f"{slot}{number or ''}" if slot in _SLOT_NAMES else None,
                untitled=True,
            )
        )
        out.append(
            Credit(
                agent=person.key,
                role=role,
                target_kind="song",
                target=key,
                role_text=role_text,
                source=source,
            )
        )
    return out


def _dedupe(records: list[Record]) -> list[Record]:
    return list(dict.fromkeys(records))


def _host_interval(client: HttpClient, base_url: str) -> str:
    url = base_url.rstrip("/") or DEFAULT_URL
    client.intervals.setdefault(urlsplit(url).netloc, MIN_INTERVAL)
    return url


def _name_matches(query: str, person: Person) -> bool:
    """Whether AniList's best match for ``query`` is plausibly the person asked for."""
    want = set(slug(query).split("-"))
    for candidate in (person.name, person.native_name, *person.aliases):
        if not candidate:
            continue
        have = slug(candidate)
        if slug(query) == have or want <= set(have.split("-")):
            return True
        if slug(query).replace("-", "") == have.replace("-", ""):
            return True
    return False


def harvest_staff(
    client: HttpClient, base_url: str, name: str, *, max_pages: int = MAX_PAGES
) -> Harvest:
    """The music credits of one AniList staff member, found by name.

    Args:
        client: the polite HTTP client (its interval for AniList's host is set here).
        base_url: the GraphQL endpoint.
        name: the staff member's name (romanised, native or an alternative name).
        max_pages: stop after this many pages of ``staffMedia``.

    Raises:
        BadInput: an empty, too short or wildcard name (an open-ended crawl).
        PersonNotFound: AniList has no such staff member.
        UpstreamError: AniList failed or answered in an unexpected shape.
    """
    query_name = _check_name(name)
    url = _host_interval(client, base_url)
    what = f"staff member {query_name!r}"
    records: list[Record] = []
    person: Person | None = None
    staff_id: int | None = None
    page, truncated = 1, False
    while True:
        variables: dict[str, Any] = {"page": page, "perPage": PER_PAGE}
        if staff_id is None:
            variables["search"] = query_name
        else:
            variables["id"] = staff_id
        data = _post(client, url, _STAFF_QUERY, variables, PersonNotFound, what)
        staff = data.get("Staff")
        if staff is None:
            raise PersonNotFound(f"anilist: {what} not found")
        staff = _shape.obj(staff, url, "Staff")
        if person is None:
            person = _person(staff, url)
            if not _name_matches(query_name, person):
                raise PersonNotFound(
                    f"anilist: no staff member named {query_name!r} (AniList's closest match "
                    f"is {person.name!r}, id {person.ids[0][1]}); give the exact name"
                )
            staff_id = int(person.ids[0][1])
            records.append(person)
        edges, has_next = _page(staff.get("staffMedia"), url, "staffMedia")
        for edge in edges:
            node = _shape.obj(edge.get("node"), url, "staffMedia node")
            role_text = (edge.get("staffRole") or "").strip()
            if (
                node.get("type") not in (None, "ANIME")
                or not role_text
                or not is_music_role(role_text)
            ):
                continue
            work = _work(node, url)
            records.append(work)
            records.extend(_credits(person, work, role_text, person.source))
        if not has_next:
            break
        if page >= max_pages:
            truncated = True
            break
        page += 1
    assert person is not None
    label = f"AniList staff {person.name}" + (f" (first {max_pages} pages)" if truncated else "")
    return Harvest(
        source=NAME,
        key=f"staff-{slug(person.name)}",
        records=_dedupe(records),
        license=LICENSE,
        label=label,
    )


def harvest_media(
    client: HttpClient, base_url: str, media_id: int, *, max_pages: int = MAX_PAGES
) -> Harvest:
    """The music staff of one AniList anime (by its AniList media id).

    Raises:
        BadInput: the id is not a positive integer.
        WorkNotFound: AniList has no anime with this id.
        UpstreamError: AniList failed or answered in an unexpected shape.
    """
    mid = positive_id(media_id, "media", NAME)
    url = _host_interval(client, base_url)
    what = f"anime {mid}"
    records: list[Record] = []
    work: Work | None = None
    page, truncated = 1, False
    while True:
        data = _post(
            client,
            url,
            _MEDIA_QUERY,
            {"id": mid, "page": page, "perPage": PER_PAGE},
            WorkNotFound,
            what,
        )
        media = data.get("Media")
        if media is None:
            raise WorkNotFound(f"anilist: {what} not found")
        media = _shape.obj(media, url, "Media")
        if work is None:
            work = _work(media, url)
            records.append(work)
        edges, has_next = _page(media.get("staff"), url, "staff")
        for edge in edges:
            role_text = (edge.get("role") or "").strip()
            if not role_text or not is_music_role(role_text):
                continue
            person = _person(_shape.obj(edge.get("node"), url, "staff node"), url)
            records.append(person)
            records.extend(_credits(person, work, role_text, work.source))
        if not has_next:
            break
        if page >= max_pages:
            truncated = True
            break
        page += 1
    assert work is not None
    label = f"AniList anime {work.title}" + (f" (first {max_pages} pages)" if truncated else "")
    return Harvest(
        source=NAME, key=f"media-{mid}", records=_dedupe(records), license=LICENSE, label=label
    )


SOURCE = Source(
    name=NAME,
    title="AniList",
    license=LICENSE,
    default_url=DEFAULT_URL,
    min_interval=MIN_INTERVAL,
    max_response_bytes=MAX_RESPONSE_BYTES,
    redirect_hosts=REDIRECT_HOSTS,
    summary="AniList (AniList terms): music staff roles of a person or an anime.",
    entries=(
        Entry("staff", harvest_staff, "A staff member's name.", example='"Hiromi Mizutani"'),
        Entry("media", harvest_media, "An AniList anime id.", value=int, example="<id>"),
    ),
)
