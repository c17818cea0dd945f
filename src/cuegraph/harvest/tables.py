"""The seed tables in ``data/``: people, works and credits, one cited row each.

* ``people.csv``: ``id,name,native_name,kind,aliases,wikidata,musicbrainz,source``
* ``works.csv``: ``id,title,native_title,type,year,episodes,source``
* ``credits.csv``: ``work,song,role,person,source,note`` — an empty ``song`` credits the
  whole work (e.g. its score composer); ``person`` and ``work`` are ids from the other tables.
"""

from __future__ import annotations

import re
from pathlib import Path

from cuegraph.errors import RowError
from cuegraph.graph.iris import slug
from cuegraph.harvest.csvfile import convert_rows, require_url
from cuegraph.records import WORK_TYPES, Credit, Person, Record, Song, Work
from cuegraph.roles import ROLES

__all__ = ["read_people", "read_works", "read_credits"]

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_QID = re.compile(r"^Q[1-9]\d*$")
_MBID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _id(value: str, column: str = "id") -> str:
    if not _ID.match(value):
        raise ValueError(f"{column} {value!r} must be a lowercase slug like 'yuki-kajiura'")
    return value


def read_people(path: Path, skip_bad_rows: bool = False) -> tuple[list[Record], list[RowError]]:
    """Read ``people.csv``."""

    def convert(row: dict[str, str]) -> list[Record]:
        key = _id(row["id"])
        if not row["name"]:
            raise ValueError("missing name")
        kind = row.get("kind") or "person"
        if kind not in ("person", "group"):
            raise ValueError(f"kind {kind!r} must be person or group")
        ids = []
        if row.get("wikidata"):
            if not _QID.match(row["wikidata"]):
                raise ValueError(f"wikidata {row['wikidata']!r} is not a Q-id")
            ids.append(("wikidata", row["wikidata"]))
        if row.get("musicbrainz"):
            if not _MBID.match(row["musicbrainz"]):
                raise ValueError(f"musicbrainz {row['musicbrainz']!r} is not an MBID")
            ids.append(("musicbrainz", row["musicbrainz"]))
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
        return [
            Person(
                key=key,
                name=row["name"],
                native_name=row.get("native_name") or None,
                kind=kind,
                aliases=aliases,
                ids=tuple(ids),
                source=require_url(row["source"]),
            )
        ]

    return convert_rows(path, ("id", "name", "source"), convert, skip_bad_rows)


def read_works(path: Path, skip_bad_rows: bool = False) -> tuple[list[Record], list[RowError]]:
    """Read ``works.csv``."""

    def convert(row: dict[str, str]) -> list[Record]:
        key = _id(row["id"])
        if not row["title"]:
            raise ValueError("missing title")
        wtype = row.get("type") or "series"
        if wtype not in WORK_TYPES:
            raise ValueError(f"type {wtype!r} must be one of {', '.join(WORK_TYPES)}")
        year = episodes = None
        if row.get("year"):
            if not re.fullmatch(r"\d{4}", row["year"]):
                raise ValueError(f"year {row['year']!r} is not a 4-digit year")
            year = int(row["year"])
        if row.get("episodes"):
            if not row["episodes"].isdigit() or int(row["episodes"]) < 1:
                raise ValueError(f"episodes {row['episodes']!r} is not a positive number")
            episodes = int(row["episodes"])
        return [
            Work(
                key=key,
                title=row["title"],
                native_title=row.get("native_title") or None,
                type=wtype,
                year=year,
                episodes=episodes,
                source=require_url(row["source"]),
            )
        ]

    return convert_rows(path, ("id", "title", "type", "source"), convert, skip_bad_rows)


def read_credits(
    path: Path,
    people: set[str] | None = None,
    works: set[str] | None = None,
    skip_bad_rows: bool = False,
) -> tuple[list[Record], list[RowError]]:
    """Read ``credits.csv``; ``people``/``works`` are the known ids to check references."""

    def convert(row: dict[str, str]) -> list[Record]:
        work = _id(row["work"], "work")
        if works is not None and work not in works:
            raise ValueError(f"unknown work {work!r} (not in works.csv)")
        person = _id(row["person"], "person")
        if people is not None and person not in people:
            raise ValueError(f"unknown person {person!r} (not in people.csv)")
        role = row["role"].lower()
        if role not in ROLES or role == "contributor":
            raise ValueError(
                f"unknown role {row['role']!r} "
                f"(known: {', '.join(r for r in ROLES if r != 'contributor')})"
            )
        source = require_url(row["source"])
        note = row.get("note") or None
        if not row.get("song"):
            return [
                Credit(
                    agent=person,
                    role=role,
                    target_kind="work",
                    target=work,
                    role_text=role,
                    note=note,
                    source=source,
                )
            ]
        song = slug(row["song"])
        if not song:
            raise ValueError(f"song {row['song']!r} has no letters or digits")
        return [
            Song(key=song, title=row["song"], work=work, source=source),
            Credit(
                agent=person,
                role=role,
                target_kind="song",
                target=song,
                role_text=role,
                note=note,
                source=source,
            ),
        ]

    return convert_rows(path, ("work", "song", "role", "person", "source"), convert, skip_bad_rows)
