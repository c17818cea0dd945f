"""Importing the public dumps: a dump reader's records -> one atomic replace per graph.

The read phase is :mod:`cuegraph.dumps` (a reader turns a MusicBrainz or Wikidata JSON dump
into records, batch by batch, and never opens the store); this module is the write phase,
the same for every dump: the records are spooled as N-Triples to a temporary file beside the
store (:class:`~cuegraph.ingest.spool.TripleSpool`, one batch in memory at a time), and only
when the whole dump has been read without an error is each of its graphs —
``musicbrainz/dump-<entity>``, ``wikidata/dump`` — replaced with its provenance (licence,
files read, start and end times) in one atomic step (:func:`~cuegraph.graph.write.
write_ntriples_file`, the loading path of ``cuegraph load``). The CLI runs identity
resolution afterwards, as after every import. Memory holds one batch of records plus what
the reader keeps (artist ids for MusicBrainz, the people named by kept works for Wikidata),
never the file.

**Re-run, not resume.** An import interrupted by an error, Ctrl-C or ``kill -9`` wrote
nothing; running it again reads the dump from the start and writes the same graph as one
clean run (the graph is replaced, never appended to).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cuegraph.dumps import (
    DumpReader,
    MusicBrainzDumpReader,
    Progress,
    WikidataDumpReader,
)
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import RunSummary, write_ntriples_file, xsd_now
from cuegraph.ingest.spool import TripleSpool, spool_dir
from cuegraph.queries import load_query
from cuegraph.store import Store, writing

__all__ = [
    "DumpResult",
    "import_dump",
    "import_musicbrainz_dump",
    "import_wikidata_dump",
    "known_musicbrainz_artists",
]


@dataclass
class DumpResult:
    """One import: the runs written (one per graph), entities read and kept, the seconds
    it took (reading and writing)."""

    runs: list[RunSummary]
    read: int
    kept: int
    seconds: float


def known_musicbrainz_artists(store: Store) -> set[str]:
    """MusicBrainz ids of the people and groups the store already holds."""
    return {str(r["id"]) for r in store.select(load_query("dump_known_artists"))}


def import_dump(
    store: Store,
    minter: Minter,
    reader: DumpReader,
    *,
    progress: Progress | None = None,
    open_writer: Callable[[], Store] | None = None,
) -> DumpResult:
    """Read a whole dump, spooling its records, then write each of its graphs.

    Args:
        store: the store; it decides where the spool files go (beside an embedded store).
        minter: the IRI minter.
        reader: the dump (:class:`~cuegraph.dumps.DumpReader`).
        progress: told what is read (the CLI's bar).
        open_writer: opens the store the graphs are written to, only once the dump has been
            read (default: ``store`` itself, left open).

    Raises:
        BadInput: the reader found the dump damaged; nothing was written.
    """
    progress = progress or Progress()
    t0, started = time.monotonic(), xsd_now()
    folder = spool_dir(store)
    with contextlib.ExitStack() as spools_open:
        spools: dict[str, TripleSpool] = {}

        def spool(key: str) -> TripleSpool:
            if key not in spools:  # each removes its file when the import ends, however
                spools[key] = spools_open.enter_context(TripleSpool(minter, folder))
            return spools[key]

        for key, records in reader.read(progress):
            spool(key).add(records)
        progress.refresh()
        with writing(open_writer or store) as target:
            runs = [
                write_ntriples_file(
                    target,
                    minter,
                    reader.source,
                    graph.key,
                    spool(graph.key).finish(),
                    license=reader.license,
                    used=graph.used,
                    label=graph.label,
                    record_count=spool(graph.key).records,
                    started=started,
                )
                for graph in reader.graphs()
            ]
            seconds = time.monotonic() - t0
    return DumpResult(
        runs=runs,
        read=progress.read,
        kept=progress.kept,
        seconds=seconds,
    )


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
    ``mbdump/<entity>`` files; ``entity`` names the type when the file name does not): one
    graph per entity type. The artists the store already knows count as kept (see
    :mod:`cuegraph.dumps.musicbrainz`); the rest as :func:`import_dump`."""
    reader = MusicBrainzDumpReader(
        files, entity=entity, known_artists=known_musicbrainz_artists(store)
    )
    return import_dump(store, minter, reader, progress=progress, open_writer=open_writer)


def import_wikidata_dump(
    store: Store,
    minter: Minter,
    file: Path,
    *,
    progress: Progress | None = None,
    open_writer: Callable[[], Store] | None = None,
) -> DumpResult:
    """Import the Wikidata JSON dump (``.json.gz``, ``.json.bz2`` or uncompressed) into the
    graph ``wikidata/dump``: the kept works and their credits, then the people they name
    (see :mod:`cuegraph.dumps.wikidata`); the rest as :func:`import_dump`."""
    return import_dump(
        store,
        minter,
        WikidataDumpReader(file),
        progress=progress,
        open_writer=open_writer,
    )
