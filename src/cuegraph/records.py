"""Plain typed records: what every source (cue sheet, CSV table, harvester) yields.

Records know nothing of RDF. Each names the things it talks about by a *key* — a stable
string within its source, e.g. ``"yuki-kajiura"`` in the seed tables or ``"musicbrainz/<mbid>"``
from a harvester — and :mod:`cuegraph.graph.build` mints deterministic IRIs from those keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "Person",
    "Work",
    "Episode",
    "Song",
    "Recording",
    "Album",
    "Credit",
    "Cue",
    "Record",
    "WORK_TYPES",
    "USAGES",
    "TARGET_KINDS",
]

WORK_TYPES = ("series", "film", "ova", "game")
USAGES = ("opening", "ending", "insert", "score", "silence")
TARGET_KINDS = ("work", "song", "recording", "album", "episode")


@dataclass(frozen=True)
class Person:
    """A person or a group (``kind="group"``)."""

    key: str
    name: str
    native_name: str | None = None
    kind: str = "person"
    aliases: tuple[str, ...] = ()
    ids: tuple[tuple[str, str], ...] = ()  # (scheme, value): wikidata, musicbrainz, anilist, ...
    source: str | None = None


@dataclass(frozen=True)
class Work:
    """A series, film, OVA or game."""

    key: str
    title: str
    type: str = "series"
    native_title: str | None = None
    year: int | None = None
    episodes: int | None = None
    ids: tuple[tuple[str, str], ...] = ()
    source: str | None = None
    aliases: tuple[str, ...] = ()  # other titles (English, romaji, abbreviations)


@dataclass(frozen=True)
class Episode:
    """Episode ``number`` of work ``work``."""

    work: str
    number: int
    title: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Song:
    """A composition (song or score track)."""

    key: str
    title: str
    native_title: str | None = None
    work: str | None = None  # the work it was written for, when known
    ids: tuple[tuple[str, str], ...] = ()
    source: str | None = None
    slot: str | None = None  # the opening/ending slot it fills in its work: op, op1, ed2
    untitled: bool = False  # the source credits it without a title (``title`` is made up)


@dataclass(frozen=True)
class Recording:
    """A recorded version of a song."""

    key: str
    title: str
    song: str | None = None
    length_seconds: Decimal | None = None
    ids: tuple[tuple[str, str], ...] = ()
    source: str | None = None


@dataclass(frozen=True)
class Album:
    """A released album (soundtrack, single)."""

    key: str
    title: str
    native_title: str | None = None
    year: int | None = None
    work: str | None = None
    tracks: tuple[str, ...] = ()  # recording keys, in order
    ids: tuple[tuple[str, str], ...] = ()
    source: str | None = None


@dataclass(frozen=True)
class Credit:
    """``agent`` credited as ``role`` on the ``target_kind`` thing with key ``target``.

    ``role`` is a cuegraph role name (see :data:`cuegraph.graph.roles.ROLES`); ``role_text``
    keeps the source's own wording, and an unknown wording maps to ``contributor``.
    """

    agent: str
    role: str
    target_kind: str
    target: str
    role_text: str | None = None
    note: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Cue:
    """Music used in an episode over ``start``–``end`` seconds (or a deliberate silence).

    ``start``/``end`` are ``None`` for an episode-level cue (e.g. "the ending theme of
    episodes 1–10" from AnimeThemes), which says a song plays somewhere in the episode.
    """

    work: str
    episode: int
    usage: str
    start: Decimal | None = None
    end: Decimal | None = None
    song: str | None = None
    recording: str | None = None
    title: str | None = None
    scene: str | None = None
    note: str | None = None
    source: str | None = None
    credits: tuple[Credit, ...] = field(default=())


Record = Person | Work | Episode | Song | Recording | Album | Credit | Cue
