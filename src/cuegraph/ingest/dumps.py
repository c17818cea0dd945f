"""The public dumps (``cuegraph import musicbrainz-dump|wikidata-dump``): the entry point
of the ingest layer into :mod:`cuegraph.dumps`, which streams a dump into records, spools
their triples and replaces the run's graph (with its PROV-O) in one atomic step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from cuegraph import dumps
from cuegraph.dumps import DumpResult, Progress
from cuegraph.graph.iris import Minter
from cuegraph.store import Store

__all__ = ["import_musicbrainz_dump", "import_wikidata_dump"]


def import_musicbrainz_dump(
    store: Store,
    minter: Minter,
    files: Sequence[Path],
    *,
    entity: str | None = None,
    progress: Progress | None = None,
    open_writer: Callable[[], Store] | None = None,
) -> DumpResult:
    """MusicBrainz JSON dump files -> ``musicbrainz/dump-<entity>`` graphs
    (:func:`cuegraph.dumps.import_musicbrainz_dump`)."""
    return dumps.import_musicbrainz_dump(
        store, minter, files, entity=entity, progress=progress, open_writer=open_writer
    )


def import_wikidata_dump(
    store: Store,
    minter: Minter,
    file: Path,
    *,
    progress: Progress | None = None,
    open_writer: Callable[[], Store] | None = None,
) -> DumpResult:
    """The Wikidata JSON dump -> the ``wikidata/dump`` graph
    (:func:`cuegraph.dumps.import_wikidata_dump`)."""
    return dumps.import_wikidata_dump(
        store, minter, file, progress=progress, open_writer=open_writer
    )
