"""Importing the public dumps (MusicBrainz JSON data dumps, the Wikidata JSON dump).

Both importers read their file as a stream, one line at a time (:mod:`.reader`), turn the
entities worth keeping into records (:mod:`.musicbrainz`, :mod:`.wikidata`), spool their
triples to a temporary N-Triples file (:mod:`.run`), and only when the whole file has been
read without an error replace the run's named graph — ``musicbrainz/dump-<entity>`` or
``wikidata/dump`` — and its provenance (licence CC0) in one atomic step, the loading path of
``cuegraph load``. Memory holds one batch of records plus the set of ids kept (artists for
MusicBrainz, the people named by kept works for Wikidata), never the file.

**Re-run, not resume.** An import interrupted by an error, Ctrl-C or ``kill -9`` wrote
nothing; running it again reads the dump from the start and writes the same graph as one
clean run (the graph is replaced, never appended to).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cuegraph.dumps import musicbrainz as mb
from cuegraph.dumps import wikidata as wd
from cuegraph.dumps.reader import compression, parse_line, read_lines
from cuegraph.dumps.run import TripleSpool, spool_dir
from cuegraph.errors import BadInput
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import RunSummary, _xsd_now, write_ntriples_file
from cuegraph.namespaces import CG
from cuegraph.store import Store

__all__ = [
    "Progress",
    "DumpResult",
    "import_musicbrainz_dump",
    "import_wikidata_dump",
    "known_musicbrainz_artists",
]

LICENSE = "cc0"


class Progress:
    """What an importer reports as it reads (the CLI draws a bar from it): bytes read of
    the file (compressed), entities read and kept. Subclasses override :meth:`refresh`."""

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
class DumpResult:
    """One import: the runs written (one per graph), entities read and kept."""

    runs: list[RunSummary]
    read: int
    kept: int
    seconds: float


def known_musicbrainz_artists(store: Store) -> set[str]:
    """MusicBrainz ids of the people and groups the store already holds."""
    rows = store.select(
        f"SELECT DISTINCT ?id WHERE {{ ?p a <{CG.Agent}> ; <{CG.musicbrainz}> ?id }}"
    )
    return {str(r["id"]) for r in rows}


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


def import_musicbrainz_dump(
    store: Store,
    minter: Minter,
    files: Sequence[Path],
    *,
    entity: str | None = None,
    progress: Progress | None = None,
    open_writer: Callable[[], Store] | None = None,
) -> DumpResult:
    """Import MusicBrainz JSON dump files (``.tar.xz`` as published, or extracted
    ``mbdump/<entity>`` files; ``entity`` names the type when the file name does not).

    ``store`` is read for the artists it knows; ``open_writer`` (default: ``store``) opens
    the store the graphs are written to, only once every file has been read.
    """
    progress = progress or Progress()
    t0, started = time.monotonic(), _xsd_now()
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

    paths.sort(key=order)
    dump = mb.MusicBrainzDump(known_musicbrainz_artists(store))
    folder = spool_dir(store)
    spools: dict[str, TripleSpool] = {}
    used: dict[str, list[str]] = {}
    try:
        for p in paths:
            progress.start(f"{p.name}", p.stat().st_size)

            def members(name: str, p: Path = p) -> str | None:
                if compression(p) != "tar":
                    return entity or mb.entity_of(_stem(p))
                return mb.entity_of(name)

            lines = read_lines(p, members, progress.advance)
            for kind, line in lines:
                if not line.text.strip():
                    continue
                item = _parsed(lines, p, line)
                records = dump.records(kind, item)
                progress.entity(bool(records))
                if records:
                    if kind not in spools:
                        spools[kind] = TripleSpool(minter, folder)
                    spools[kind].add(records)
                used.setdefault(kind, [])
                if p.name not in used[kind]:
                    used[kind].append(p.name)
        progress.refresh()
        writer = open_writer() if open_writer else store
        runs = []
        try:
            for kind in mb.ENTITIES:
                if kind not in used:
                    continue
                spool = spools.get(kind) or TripleSpool(minter, folder)
                spools[kind] = spool
                path = spool.finish()
                runs.append(
                    write_ntriples_file(
                        writer,
                        minter,
                        mb.NAME,
                        f"dump-{kind}",
                        path,
                        license=LICENSE,
                        used=used[kind],
                        label=f"musicbrainz: JSON dump ({kind})",
                        record_count=spool.records,
                        started=started,
                    )
                )
        finally:
            if open_writer:
                writer.close()
    finally:
        for spool in spools.values():
            spool.__exit__(None, None, None)
    return DumpResult(
        runs=runs, read=progress.read, kept=progress.kept, seconds=time.monotonic() - t0
    )


def _parsed(lines, path: Path, line, body: bytes | None = None) -> dict:
    """:func:`parse_line`, but a line garbled by a corrupt compressed block is reported as
    the corruption it is."""
    try:
        return parse_line(path, line, body)
    except BadInput as e:
        raise lines.damaged() or e from None


def _array_body(path: Path, line) -> bytes | None:
    """A Wikidata dump line without the array's punctuation (``None``: ``[`` / ``]``)."""
    text = line.text.strip()
    if text in (b"[", b"]", b""):
        return None
    if text.endswith(b","):
        text = text[:-1]
    return text


def import_wikidata_dump(
    store: Store,
    minter: Minter,
    file: Path,
    *,
    progress: Progress | None = None,
    open_writer: Callable[[], Store] | None = None,
) -> DumpResult:
    """Import the Wikidata JSON dump (``.json.gz``, ``.json.bz2`` or uncompressed) in two
    passes: the kept works and their credits, then the people they name."""
    progress = progress or Progress()
    t0, started = time.monotonic(), _xsd_now()
    path = Path(file)
    if not path.is_file():
        raise BadInput(f"no such file: {path}")
    size = path.stat().st_size
    named: set[str] = set()
    with TripleSpool(minter, spool_dir(store)) as spool:
        # pass 1: works with credit statements
        progress.start(f"{path.name} (1/2: works)", size)
        closed = False
        lines = read_lines(path, None, progress.advance)
        for _kind, line in lines:
            try:
                closed = _check_array(path, line, closed)
            except BadInput as e:
                raise lines.damaged() or e from None
            body = _array_body(path, line)
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
                spool.add(records)
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
            body = _array_body(path, line)
            if body is None:
                continue
            qid = wd.item_id(body)
            if qid is not None and qid not in named:
                continue
            entity = _parsed(lines, path, line, body)
            if str(entity.get("id")) in named:
                person = wd.person_record(entity)
                if person is not None:
                    spool.add([person])
                    progress.kept += 1
        progress.refresh()
        nt = spool.finish()
        writer = open_writer() if open_writer else store
        try:
            run = write_ntriples_file(
                writer,
                minter,
                wd.NAME,
                "dump",
                nt,
                license=LICENSE,
                used=[path.name],
                label="wikidata: JSON dump",
                record_count=spool.records,
                started=started,
            )
        finally:
            if open_writer:
                writer.close()
    return DumpResult(
        runs=[run], read=progress.read, kept=progress.kept, seconds=time.monotonic() - t0
    )


def _check_array(path: Path, line, closed: bool) -> bool:
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
