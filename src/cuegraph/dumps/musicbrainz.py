"""The MusicBrainz JSON data dumps -> records.

MetaBrainz publishes one archive per entity type (``artist.tar.xz``, ``work.tar.xz``,
``recording.tar.xz``, ``release-group.tar.xz``, …); each holds ``mbdump/<entity>``, one
entity per line in the WS/2 JSON shape of a lookup with every relationship include
(musicbrainz-server ``lib/MusicBrainz/Script/JSONDump/Constants.pm``: aliases, artist
credits, ``relations`` to every entity type). The relationships, names and ids read here are
MusicBrainz core data, CC0.

What is kept (the rest of the file is read and skipped):

* **artists** linked to an anime or game database (a url relationship to VGMdb, AniDB,
  AniList or MyAnimeList), or already in the store with their MusicBrainz id (from a
  harvest, the Wikidata dump's P434, an earlier artist dump): with their aliases (the
  primary Japanese alias as the native name), external ids, and their relationships to
  works, recordings and release groups as credits;
* **works** of type Soundtrack, or with an artist relationship to a kept artist: the work
  (a song) and all its artist relationships as credits;
* **recordings** whose artist credit or artist relationships name a kept artist: the
  recording, the work it performs, its artist credits and relationships;
* **release groups** of secondary type Soundtrack, or credited to a kept artist: the album
  and its artist credits.

"Kept artist" means kept in this run (artist files are read first) or known to the store,
so import the artist dump first, or harvest/import the people first. Records are the same
shapes :mod:`cuegraph.harvest.musicbrainz` makes from WS/2 answers, so the two meet in
identity resolution by MusicBrainz id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from cuegraph.harvest.musicbrainz import _URL_IDS, NAME, _person, _year
from cuegraph.records import Album, Credit, Person, Record, Recording, Song
from cuegraph.roles import resolve_role

__all__ = ["ENTITIES", "entity_of", "MusicBrainzDump", "entity_url"]

#: dump entity types read, in the order they are imported (artists first)
ENTITIES = ("artist", "work", "recording", "release-group")
#: url relationships that tie an artist to anime/game music (VGMdb, AniDB, AniList, MAL)
_ANIME_SCHEMES = {"vgmdb", "anidb", "anilist", "mal"}
_KIND = {
    "work": "song",
    "recording": "recording",
    "release_group": "album",
    "release-group": "album",
}
_MBID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def entity_of(name: str) -> str | None:
    """The entity type of a dump member or extracted file (``mbdump/work`` -> ``work``)."""
    base = name.rsplit("/", 1)[-1]
    return base if base in ENTITIES else None


def entity_url(entity: str, mbid: str) -> str:
    """The entity's page (what a record built from its dump line reflects)."""
    return f"https://musicbrainz.org/{entity.replace('_', '-')}/{mbid}"


def _key(mbid: str) -> str:
    return f"{NAME}/{mbid}"


def _anime_linked(artist: dict) -> bool:
    for rel in artist.get("relations") or []:
        if isinstance(rel, dict) and rel.get("target-type") == "url":
            resource = str((rel.get("url") or {}).get("resource") or "").rstrip("/")
            if any(p.search(resource) for s, p in _URL_IDS if s in _ANIME_SCHEMES):
                return True
    return False


def _artist_rels(item: dict) -> Iterator[tuple[dict, dict]]:
    for rel in item.get("relations") or []:
        if isinstance(rel, dict) and rel.get("target-type") == "artist":
            artist = rel.get("artist")
            if isinstance(artist, dict) and _valid(artist.get("id")) and rel.get("type"):
                yield rel, artist


def _credits(item: dict) -> Iterator[dict]:
    for ac in item.get("artist-credit") or []:
        artist = ac.get("artist") if isinstance(ac, dict) else None
        if isinstance(artist, dict) and _valid(artist.get("id")):
            yield artist


def _valid(mbid: Any) -> bool:
    return isinstance(mbid, str) and bool(_MBID.fullmatch(mbid))


class MusicBrainzDump:
    """Turns dump lines into records; ``known`` holds the MBIDs of kept artists."""

    def __init__(self, known: set[str] | None = None):
        self.known: set[str] = set(known or ())

    def records(self, entity: str, item: dict) -> list[Record]:
        """The records of one dump line (empty: skipped)."""
        mbid = item.get("id")
        if not _valid(mbid):
            return []
        return {
            "artist": self._artist,
            "work": self._work,
            "recording": self._recording,
            "release-group": self._release_group,
        }[entity](item, str(mbid))

    # -- helpers -------------------------------------------------------------------------
    def _stub(self, artist: dict, source: str) -> Person:
        return _person({k: v for k, v in artist.items() if k != "relations"}, source)

    def _rel_credits(self, item: dict, kind: str, key: str, source: str) -> list[Record]:
        out: list[Record] = []
        for rel, artist in _artist_rels(item):
            rtype = str(rel["type"]).strip()
            attrs = [str(a) for a in rel.get("attributes") or []]
            out.append(self._stub(artist, source))
            out.append(
                Credit(
                    agent=_key(artist["id"]),
                    role=resolve_role(rtype, NAME),
                    target_kind=kind,
                    target=key,
                    role_text=rtype,
                    note=", ".join(attrs) or None,
                    source=source,
                )
            )
        return out

    def _ac_credits(self, item: dict, kind: str, key: str, source: str) -> list[Record]:
        out: list[Record] = []
        for artist in _credits(item):
            out.append(self._stub(artist, source))
            out.append(
                Credit(
                    agent=_key(artist["id"]),
                    role=resolve_role("artist credit", NAME),
                    target_kind=kind,
                    target=key,
                    role_text="artist credit",
                    source=source,
                )
            )
        return out

    def _names_known(self, item: dict) -> bool:
        ids = {a["id"] for _r, a in _artist_rels(item)} | {a["id"] for a in _credits(item)}
        return bool(ids & self.known)

    # -- entities ------------------------------------------------------------------------
    def _artist(self, item: dict, mbid: str) -> list[Record]:
        if not (_anime_linked(item) or mbid in self.known):
            return []
        self.known.add(mbid)
        source = entity_url("artist", mbid)
        out: list[Record] = [_person(item, source)]
        agent = _key(mbid)
        for rel in item.get("relations") or []:
            if not isinstance(rel, dict) or not rel.get("type"):
                continue
            ttype = str(rel.get("target-type") or "")
            target = rel.get(ttype)
            kind = _KIND.get(ttype)
            if kind is None or not isinstance(target, dict) or not _valid(target.get("id")):
                continue
            tkey = _key(target["id"])
            title = str(target.get("title") or target["id"])
            ids = ((NAME, str(target["id"])),)
            turl = entity_url(ttype, target["id"])
            out.append(
                {"song": Song, "recording": Recording, "album": Album}[kind](
                    key=tkey, title=title, ids=ids, source=turl
                )
            )
            rtype = str(rel["type"]).strip()
            attrs = [str(a) for a in rel.get("attributes") or []]
            out.append(
                Credit(
                    agent=agent,
                    role=resolve_role(rtype, NAME),
                    target_kind=kind,
                    target=tkey,
                    role_text=rtype,
                    note=", ".join(attrs) or None,
                    source=source,
                )
            )
        return out

    def _work(self, item: dict, mbid: str) -> list[Record]:
        soundtrack = str(item.get("type") or "").lower() == "soundtrack"
        if not (soundtrack or self._names_known(item)):
            return []
        source, key = entity_url("work", mbid), _key(mbid)
        song = Song(
            key=key, title=str(item.get("title") or mbid), ids=((NAME, mbid),), source=source
        )
        return [song, *self._rel_credits(item, "song", key, source)]

    def _recording(self, item: dict, mbid: str) -> list[Record]:
        if not self._names_known(item):
            return []
        source, key = entity_url("recording", mbid), _key(mbid)
        out: list[Record] = []
        song = None
        for rel in item.get("relations") or []:
            work = rel.get("work") if isinstance(rel, dict) else None
            if (
                rel.get("target-type") == "work"
                and isinstance(work, dict)
                and _valid(work.get("id"))
            ):
                song = _key(work["id"])
                out.append(
                    Song(
                        key=song,
                        title=str(work.get("title") or work["id"]),
                        ids=((NAME, work["id"]),),
                        source=entity_url("work", work["id"]),
                    )
                )
                break
        length = item.get("length")
        out.append(
            Recording(
                key=key,
                title=str(item.get("title") or mbid),
                song=song,
                length_seconds=Decimal(int(length)) / 1000 if isinstance(length, int) else None,
                ids=((NAME, mbid),),
                source=source,
            )
        )
        out += self._ac_credits(item, "recording", key, source)
        out += self._rel_credits(item, "recording", key, source)
        return out

    def _release_group(self, item: dict, mbid: str) -> list[Record]:
        types = {str(t).lower() for t in item.get("secondary-types") or []}
        if not ("soundtrack" in types or self._names_known(item)):
            return []
        source, key = entity_url("release-group", mbid), _key(mbid)
        album = Album(
            key=key,
            title=str(item.get("title") or mbid),
            year=_year(item.get("first-release-date")),
            ids=((NAME, mbid),),
            source=source,
        )
        return [
            album,
            *self._ac_credits(item, "album", key, source),
            *self._rel_credits(item, "album", key, source),
        ]
