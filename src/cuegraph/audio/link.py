"""Link an audio file to a recording in the graph — from its tags, or a mapping the user
gives; never by guessing.

In order:

1. the MusicBrainz recording id in the file's tags, as MusicBrainz Picard writes it
   (``MUSICBRAINZ_TRACKID`` in Vorbis comments/FLAC/APE, ``UFID:http://musicbrainz.org`` in
   ID3, ``MusicBrainz Track Id`` in MP4), matched against ``cg:musicbrainz`` of recordings;
2. the ``TITLE`` tag plus the ``ALBUM`` tag: a recording named so that is a track
   (``schema:track``) of an album named so — and only when exactly one matches (``TRACKNUMBER``
   is kept in the report);
3. a mapping CSV (columns ``file,recording``: a file name or path, and a recording IRI).

A file none of these links is reported as unlinked with the reason.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from cuegraph.errors import BadInput
from cuegraph.names import title_keys
from cuegraph.queries import load_query
from cuegraph.store import Store

__all__ = ["Tags", "read_tags", "Linker", "read_mapping"]


@dataclass(frozen=True)
class Tags:
    title: str | None = None
    album: str | None = None
    track: str | None = None
    composer: str | None = None
    artist: str | None = None
    mbid: str | None = None


def read_tags(path: Path) -> Tags:
    """The tags cuegraph uses, read with mutagen (empty when the file has none)."""
    import mutagen

    try:
        f = mutagen.File(str(path), easy=True)
    except Exception:  # noqa: BLE001 - a file mutagen cannot parse simply has no tags to use
        return Tags()
    if f is None or f.tags is None:
        return Tags()

    def get(*names: str) -> str | None:
        for n in names:
            try:
                v = f.tags.get(n)
            except (KeyError, ValueError):
                v = None
            if v:
                return str(v[0]).strip() or None
        return None

    return Tags(
        title=get("title"),
        album=get("album"),
        track=(get("tracknumber") or "").split("/")[0] or None,
        composer=get("composer"),
        artist=get("artist"),
        mbid=get("musicbrainz_trackid", "musicbrainz_recordingid"),
    )


def _title_album_keys(title: str, album: str) -> list[tuple[str, str]]:
    """Match keys of a (title, album) pair: :func:`cuegraph.names.title_keys` of each (case,
    width, punctuation, spacing and long vowels ignored)."""
    return [(t, a) for t in title_keys(title) for a in title_keys(album)]


def read_mapping(path: Path) -> dict[str, str]:
    """A mapping CSV (``file,recording``) → {file name or path: recording IRI}."""
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"cannot read mapping {path}: {e}") from None
    if rows and not {"file", "recording"} <= set(rows[0]):
        raise BadInput(f"mapping {path} needs the columns file,recording")
    out = {}
    for i, r in enumerate(rows, start=2):
        f, rec = (r.get("file") or "").strip(), (r.get("recording") or "").strip()
        if not f or "://" not in rec:
            raise BadInput(f"mapping {path} line {i}: needs a file and a recording IRI")
        out[f] = rec
    return out


class Linker:
    """Looks files up in the graph (two queries, once)."""

    def __init__(self, store: Store, mapping: dict[str, str] | None = None):
        self.mapping = mapping or {}
        rows = store.select(load_query("recording_index"))
        self.by_mbid: dict[str, set[str]] = {}
        self.by_title: dict[tuple[str, str], set[str]] = {}
        self.known: set[str] = set()
        for r in rows:
            self.known.add(r["rec"])
            if r.get("mbid"):
                self.by_mbid.setdefault(r["mbid"].lower(), set()).add(r["rec"])
            if r.get("title") and r.get("album"):
                for key in _title_album_keys(r["title"], r["album"]):
                    self.by_title.setdefault(key, set()).add(r["rec"])

    def link(self, path: Path, tags: Tags) -> tuple[str | None, str]:
        """(recording IRI or None, how it was linked — or why not)."""
        for key in (str(path), path.name):
            if key in self.mapping:
                rec = self.mapping[key]
                if rec not in self.known:
                    return None, f"the mapping names {rec}, which is not a recording in the graph"
                return rec, "mapping"
        if tags.mbid:
            found = self.by_mbid.get(tags.mbid.lower(), set())
            if len(found) == 1:
                return next(iter(found)), "musicbrainz-id"
            if len(found) > 1:
                return None, f"MusicBrainz id {tags.mbid} matches {len(found)} recordings"
        if tags.title and tags.album:
            found = set()
            for pair in _title_album_keys(tags.title, tags.album):
                found |= self.by_title.get(pair, set())
            if len(found) == 1:
                return next(iter(found)), "title+album"
            if len(found) > 1:
                return None, (
                    f"title {tags.title!r} on album {tags.album!r} matches {len(found)} recordings"
                )
        if not (tags.mbid or tags.title):
            return None, "no MusicBrainz id or title tag, and not in the mapping"
        what = (
            f"MusicBrainz id {tags.mbid}"
            if tags.mbid
            else f"title {tags.title!r}"
            + (f" on album {tags.album!r}" if tags.album else " (no album tag)")
        )
        return None, f"no recording in the graph for {what}"
