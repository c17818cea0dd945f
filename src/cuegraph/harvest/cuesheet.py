"""Cue sheets: one CSV row per cue — the industry's way to document music use.

Columns (UTF-8, header row required; ``scene`` and ``notes`` are optional):

==========  ===============================================================================
work        the work's id or title (``anohana`` or ``Anohana``)
episode     episode number (1 for a film)
start, end  ``HH:MM:SS(.ms)``, ``MM:SS`` or seconds, at most 48 hours; ``end`` after
            ``start``. Both empty: an untimed cue — the music plays somewhere in that episode
title       the song or track title (may be empty for a silence)
usage       ``opening``, ``ending``, ``insert``, ``score`` or ``silence`` (OP/ED/IN/BGM accepted)
credits     ``role=name`` pairs separated by ``;`` (roles: composer, lyricist, arranger,
            performer, singer, conductor, orchestrator, score_composer)
source      the http(s) IRI the row's facts come from (RFC 3987, with a host)
scene       optional scene name; rows sharing it make one scene
notes       optional free text
==========  ===============================================================================

Names in ``credits`` are matched against people already in the graph (by id, name, native
name or alias); a name that matches nobody becomes a new person with that name. ``work`` is
matched the same way against known works; an unknown one becomes a new series.

No cell may hold a control character (NUL, escape, DEL, C1 …), nor a line break except in
``notes`` (:func:`cuegraph.harvest.csvfile.check_text`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cuegraph.errors import RowError
from cuegraph.graph.iris import slug
from cuegraph.harvest.csvfile import convert_rows, require_url
from cuegraph.records import Credit, Cue, Person, Record, Song, Work
from cuegraph.roles import ROLES
from cuegraph.timecode import parse_timecode

__all__ = ["COLUMNS", "read_cuesheet", "parse_credits", "USAGE_ALIASES"]

COLUMNS = ("work", "episode", "start", "end", "title", "usage", "credits", "source")

USAGE_ALIASES = {
    "opening": "opening",
    "op": "opening",
    "ending": "ending",
    "ed": "ending",
    "insert": "insert",
    "in": "insert",
    "insert song": "insert",
    "score": "score",
    "bgm": "score",
    "background": "score",
    "background score": "score",
    "silence": "silence",
}


def parse_credits(text: str, resolve: Callable[[str], str | None]) -> list[tuple[str, str, str]]:
    """Parse ``role=name; role=name`` into ``(role, person_key, name)`` triples.

    ``resolve`` maps a written name to a known person key (or ``None`` for a new person).

    Raises:
        ValueError: a pair without ``=``, an empty name, or an unknown role.
    """
    out = []
    for pair in filter(None, (p.strip() for p in text.split(";"))):
        if "=" not in pair:
            raise ValueError(f"credit {pair!r} is not role=name")
        role, name = (x.strip() for x in pair.split("=", 1))
        role_key = role.lower().replace(" ", "_")
        if role_key not in ROLES or role_key == "contributor":
            known = ", ".join(r for r in ROLES if r != "contributor")
            raise ValueError(f"unknown role {role!r} (known: {known})")
        if not name:
            raise ValueError(f"credit {pair!r} has no name")
        out.append((role_key, resolve(name) or slug(name), name))
    return out


def read_cuesheet(
    path: Path,
    resolve_person: Callable[[str], str | None] = lambda n: None,
    resolve_work: Callable[[str], str | None] = lambda n: None,
    skip_bad_rows: bool = False,
) -> tuple[list[Record], list[RowError]]:
    """Read a cue sheet into records.

    Raises:
        BadInput: the file is missing, not UTF-8, or lacks columns.
        CueSheetError: a row is malformed (unless ``skip_bad_rows``).
    """
    new_people: dict[str, str] = {}
    new_works: set[str] = set()

    def convert(row: dict[str, str]) -> list[Record]:
        if not row["work"]:
            raise ValueError("missing work")
        known = resolve_work(row["work"])
        new_work = known is None
        work = slug(row["work"]) if known is None else known
        if not work:
            raise ValueError(f"work {row['work']!r} has no letters or digits")
        try:
            episode = int(row["episode"])
            if episode < 1:
                raise ValueError
        except ValueError:
            raise ValueError(f"episode {row['episode']!r} is not a positive whole number") from None
        if not row["start"] and not row["end"]:
            start = end = None  # untimed: the music plays somewhere in the episode
        else:
            try:
                start = parse_timecode(row["start"])
            except ValueError as e:
                raise ValueError(f"start: {e}") from None
            try:
                end = parse_timecode(row["end"])
            except ValueError as e:
                raise ValueError(f"end: {e}") from None
            if end <= start:
                raise ValueError(f"end {row['end']} is not after start {row['start']}")
        usage = USAGE_ALIASES.get(row["usage"].lower())
        if usage is None:
            raise ValueError(
                f"unknown usage {row['usage']!r} (opening, ending, insert, score or silence)"
            )
        title = row["title"] or None
        if usage != "silence" and not title:
            raise ValueError("missing title (only a silence may have none)")
        source = require_url(row["source"])
        credits = parse_credits(row["credits"], resolve_person)
        if usage == "silence" and credits:
            raise ValueError("a silence has no credits")
        if usage == "silence" and start is None:
            raise ValueError("a silence needs start and end times")
        records: list[Record] = []
        if new_work and work not in new_works:
            new_works.add(work)
            records.append(Work(key=work, title=row["work"], source=source))
        song = slug(title) if title and usage != "silence" else None
        if song == "":
            raise ValueError(f"title {title!r} has no letters or digits")
        if song:
            assert title is not None  # a song is named after its title
            records.append(Song(key=song, title=title, work=work, source=source))
        creds = []
        for role, key, name in credits:
            assert song is not None  # only a song has credits (a silence has none)
            if resolve_person(name) is None and key not in new_people:
                new_people[key] = name
                records.append(Person(key=key, name=name, source=source))
            creds.append(
                Credit(
                    agent=key,
                    role=role,
                    target_kind="song",
                    target=song,
                    role_text=role,
                    source=source,
                )
            )
        records.append(
            Cue(
                work=work,
                episode=episode,
                usage=usage,
                start=start,
                end=end,
                song=song,
                title=title,
                scene=row.get("scene") or None,
                note=row.get("notes") or None,
                source=source,
                credits=tuple(creds),
            )
        )
        return records

    return convert_rows(path, COLUMNS, convert, skip_bad_rows)
