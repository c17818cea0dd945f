"""Reading the public dumps (MusicBrainz JSON data dumps, the Wikidata JSON dump) into records.

This is the read phase only: a reader streams its file one line at a time (:mod:`.reader`)
and turns the entities worth keeping into records (:mod:`.musicbrainz`, :mod:`.wikidata`),
handed out batch by batch with the key of the graph they belong to. It never opens the
store: what is already known (the MusicBrainz artists of the store) is passed in, and the
write phase — spooling the records as N-Triples, replacing each graph and its provenance in
one atomic step, identity resolution afterwards — is :mod:`cuegraph.ingest.dumps`'s, the
same way a harvest's records are written by :mod:`cuegraph.ingest.harvests`.

A reader raises :class:`~cuegraph.errors.BadInput` on a damaged file (a truncated line, a
corrupt compressed block, a Wikidata array not closed) while it reads; the write phase only
starts once every file has been read to its end, so such a file writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cuegraph.dumps import musicbrainz as mb
from cuegraph.dumps import wikidata as wd
from cuegraph.dumps.reader import DumpLine, Lines, compression, parse_line, read_lines
from cuegraph.errors import BadInput
from cuegraph.records import Record

__all__ = [
    "Progress",
    "DumpGraph",
    "DumpReader",
    "MusicBrainzDumpReader",
    "WikidataDumpReader",
    "musicbrainz_files",
]

#: the licence of both dumps' data (MusicBrainz core data, Wikidata: CC0)
LICENSE = "cc0"


class Progress:
    """What a reader reports as it reads (the CLI draws a bar from it): bytes read of the
    file (compressed), entities read and kept. Subclasses override :meth:`refresh`."""

    def __init__(self) -> None:
        self.label = ""
        self.total = 0
        self.done = 0
        self.read = 0
        self.kept = 0

    def start(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self.refresh()

    def advance(self, nbytes: int) -> None:
        self.done += nbytes
        if nbytes >= 1 << 20 or self.done % (1 << 20) < nbytes:
            self.refresh()

    def entity(self, kept: bool) -> None:
        self.read += 1
        self.kept += kept
        if self.read % 5000 == 0:
            self.refresh()

    def refresh(self) -> None:
        """Redraw (nothing by default)."""


@dataclass
class DumpGraph:
    """One graph a dump import writes: its key within the source (``dump-work``), its
    label, and the files it was read from."""

    key: str
    label: str
    used: list[str] = field(default_factory=list)


class DumpReader(Protocol):
    """A dump as the write phase sees it: :meth:`read` yields ``(graph key, records)``
    batches; once it is exhausted, :meth:`graphs` lists every graph to write (an empty one
    too: a graph whose file kept nothing is replaced by an empty graph)."""

    source: str
    license: str

    def read(self, progress: Progress) -> Iterator[tuple[str, Sequence[Record]]]: ...

    def graphs(self) -> list[DumpGraph]: ...


def _stem(path: Path) -> str:
    name = path.name.lower()
    for ext in (
        ".tar.xz",
        ".tar.gz",
        ".tar.bz2",
        ".tgz",
        ".tar",
        ".xz",
        ".gz",
        ".bz2",
        ".jsonl",
        ".json",
    ):
        if name.endswith(ext):
            return name[: -len(ext)]
    return name


def _parsed(lines: Lines, path: Path, line: DumpLine, body: bytes | None = None) -> dict:
    """:func:`parse_line`, but a line garbled by a corrupt compressed block is reported as
    the corruption it is."""
    try:
        return parse_line(path, line, body)
    except BadInput as e:
        raise lines.damaged() or e from None


def musicbrainz_files(files: Sequence[Path], entity: str | None = None) -> list[Path]:
    """The MusicBrainz dump files to read, checked, in the order they are read (artists
    first: the other entity types keep what credits a kept artist).

    Raises:
        BadInput: an unknown ``entity``, a missing file, an extracted file whose name does
            not tell its entity type (and no ``entity``).
    """
    if entity is not None and entity not in mb.ENTITIES:
        raise BadInput(
            f"unknown MusicBrainz dump entity {entity!r} (one of: {', '.join(mb.ENTITIES)})"
        )
    paths = [Path(f) for f in files]
    for p in paths:
        if not p.is_file():
            raise BadInput(f"no such file: {p}")
        if compression(p) != "tar" and (entity or mb.entity_of(_stem(p))) is None:
            raise BadInput(
                f"{p}: cannot tell which entity type this dump holds from its name; "
                f"pass --entity ({', '.join(mb.ENTITIES)})"
            )

    def order(p: Path) -> int:
        e = entity or mb.entity_of(_stem(p))
        return mb.ENTITIES.index(e) if e else len(mb.ENTITIES)

    return sorted(paths, key=order)


class MusicBrainzDumpReader:
    """MusicBrainz JSON dump files (``.tar.xz`` as published, or extracted
    ``mbdump/<entity>`` files; ``entity`` names the type when the file name does not) ->
    one graph per entity type, ``dump-<entity>``. ``known_artists``: the MusicBrainz ids of
    the people and groups the store already holds."""

    source = mb.NAME
    license = LICENSE

    def __init__(
        self, files: Sequence[Path], *, entity: str | None = None, known_artists: set[str]
    ):
        self.paths = musicbrainz_files(files, entity)
        self.entity = entity
        self.known_artists = known_artists
        self._used: dict[str, list[str]] = {}

    def _members(self, path: Path) -> Callable[[str], str | None]:
        def members(name: str) -> str | None:
            if compression(path) != "tar":
                return self.entity or mb.entity_of(_stem(path))
            return mb.entity_of(name)

        return members

    def read(self, progress: Progress) -> Iterator[tuple[str, Sequence[Record]]]:
        dump = mb.MusicBrainzDump(self.known_artists)
        used = self._used
        for p in self.paths:
            progress.start(p.name, p.stat().st_size)
            lines = read_lines(p, self._members(p), progress.advance)
            for kind, line in lines:
                if not line.text.strip():
                    continue
                item = _parsed(lines, p, line)
                records = dump.records(kind, item)
                progress.entity(bool(records))
                if records:
                    yield f"dump-{kind}", records
                files = used.setdefault(kind, [])
                if p.name not in files:
                    files.append(p.name)

    def graphs(self) -> list[DumpGraph]:
        return [
            DumpGraph(f"dump-{kind}", f"musicbrainz: JSON dump ({kind})", self._used[kind])
            for kind in mb.ENTITIES
            if kind in self._used
        ]


def _array_body(line: DumpLine) -> bytes | None:
    """A Wikidata dump line without the array's punctuation (``None``: ``[`` / ``]``)."""
    text = line.text.strip()
    if text in (b"[", b"]", b""):
        return None
    if text.endswith(b","):
        text = text[:-1]
    return text


def _check_array(path: Path, line: DumpLine, closed: bool) -> bool:
    """Whether the array has been closed (``]`` seen); anything after it is an error."""
    text = line.text.strip()
    if closed and text:
        raise BadInput(
            f"{path}: line {line.number}: data after the closing ']'; nothing was written"
        )
    if line.number == 1 and text != b"[":
        raise BadInput(
            f"{path}: line 1 is not '[': not a Wikidata JSON dump (one entity "
            "per line inside a JSON array); nothing was written"
        )
    return closed or text == b"]"


class WikidataDumpReader:
    """The Wikidata JSON dump (``.json.gz``, ``.json.bz2`` or uncompressed) -> the graph
    ``dump``, in two passes: the kept works and their credits, then the people they name."""

    source = wd.NAME
    license = LICENSE

    def __init__(self, file: Path):
        self.path = Path(file)
        if not self.path.is_file():
            raise BadInput(f"no such file: {self.path}")

    def read(self, progress: Progress) -> Iterator[tuple[str, Sequence[Record]]]:
        path, size = self.path, self.path.stat().st_size
        named: set[str] = set()
        # pass 1: works with credit statements
        progress.start(f"{path.name} (1/2: works)", size)
        closed = False
        lines = read_lines(path, None, progress.advance)
        for _kind, line in lines:
            try:
                closed = _check_array(path, line, closed)
            except BadInput as e:
                raise lines.damaged() or e from None
            body = _array_body(line)
            if body is None:
                continue
            tail = body.endswith(b"}")
            if not line.complete or not tail or wd.credit_props_in(body):
                entity = _parsed(lines, path, line, body)
            else:
                progress.entity(False)
                continue
            records, people = wd.work_records(entity)
            progress.entity(bool(records))
            if records:
                yield "dump", records
                named |= people
        if not closed:
            raise BadInput(
                f"{path}: the JSON array is not closed (no final ']'): the file "
                "is truncated; nothing was written"
            )
        # pass 2: the people and groups those works name
        progress.start(f"{path.name} (2/2: people)", size)
        lines = read_lines(path, None, progress.advance)
        for _kind, line in lines:
            body = _array_body(line)
            if body is None:
                continue
            qid = wd.item_id(body)
            if qid is not None and qid not in named:
                continue
            entity = _parsed(lines, path, line, body)
            if str(entity.get("id")) in named:
                person = wd.person_record(entity)
                if person is not None:
                    yield "dump", [person]
                    progress.kept += 1

    def graphs(self) -> list[DumpGraph]:
        return [DumpGraph("dump", "wikidata: JSON dump", [self.path.name])]
