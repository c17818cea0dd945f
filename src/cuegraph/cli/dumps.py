"""``cuegraph import musicbrainz-dump`` and ``cuegraph import wikidata-dump`` (see README
"Importing the public dumps")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from cuegraph.cli.common import command, err_console, minter, open_cli_store
from cuegraph.cli.core import import_app, say
from cuegraph.dumps import Progress as DumpProgress
from cuegraph.ingest.dumps import DumpResult

__all__ = ["import_musicbrainz_dump", "import_wikidata_dump"]


class _Bar(DumpProgress):
    """Bytes read of the file (compressed), entities read and kept, on stderr."""

    def __init__(self, bar: Progress):
        super().__init__()
        self.bar = bar
        self.task: TaskID | None = None

    def start(self, label: str, total: int) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.task = self.bar.add_task(label, total=total or None, entities="")
        super().start(label, total)

    def refresh(self) -> None:
        if self.task is not None:
            self.bar.update(
                self.task,
                completed=self.done,
                entities=f"{self.read:,} entities read, {self.kept:,} kept",
            )


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[entities]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )


def _import(run: Callable[..., DumpResult], *args: Any, **kw: Any) -> None:
    """Run one dump import under a progress bar, report it, then resolve identities (after
    the bar is gone: resolving may take a while)."""
    from cuegraph.cli.identity import resolve_after_import

    with open_cli_store() as store:
        with _bar() as bar:
            result = run(store, minter(), *args, progress=_Bar(bar), **kw)
        _report(result)
        resolve_after_import(store)


def _report(result: DumpResult) -> None:
    for run in result.runs:
        say(
            f"imported {run.records} records into {run.graph} ({run.triples} triples, "
            f"{run.previous_triples} before)"
        )
    rate = result.read / result.seconds if result.seconds else 0
    say(
        f"read {result.read} entities, kept {result.kept}, in {result.seconds:.1f} s "
        f"({rate:,.0f} entities/s)"
    )


@command("musicbrainz-dump", group=import_app)
def import_musicbrainz_dump(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="MusicBrainz JSON dump files: artist.tar.xz, work.tar.xz, recording.tar.xz, "
            "release-group.tar.xz as published, or extracted mbdump/<entity> files."
        ),
    ],
    entity: Annotated[
        str | None,
        typer.Option(
            help="The entity type of extracted files whose name does not say it: artist, work, "
            "recording or release-group."
        ),
    ] = None,
) -> None:
    """Import the MusicBrainz JSON data dumps (one entity per line, WS/2 JSON).

    Kept: artists linked to VGMdb, AniDB, AniList or MyAnimeList (or already in the store
    with their MusicBrainz id), with aliases, external ids and their relationships; works
    of type Soundtrack or related to a kept artist; recordings and release groups crediting
    a kept artist, and Soundtrack release groups. Give the artist dump first, or in the same
    command (artist files are read first). Each entity type goes into its own graph,
    musicbrainz/dump-<entity> (licence CC0), replaced atomically once the whole file has
    been read; identity resolution runs afterwards. Memory stays flat whatever the file
    size: triples are spooled to a temporary file beside the store. A truncated file or a
    corrupt compressed block is one error line, and nothing is written.

    Re-run, not resume: interrupted (an error, Ctrl-C, kill -9), it writes nothing; run it
    again and it reads the file from the start and writes the same graph as one clean run.
    Importing the same dump again replaces its graph with the same triples (idempotent).
    """
    from cuegraph.ingest import import_musicbrainz_dump as run

    _import(run, files, entity=entity)


@command("wikidata-dump", group=import_app)
def import_wikidata_dump(
    file: Annotated[
        Path,
        typer.Argument(
            help="The Wikidata JSON dump: latest-all.json.gz or .json.bz2 (or uncompressed)."
        ),
    ],
) -> None:
    """Import the Wikidata JSON dump (one entity per line inside a JSON array).

    Two passes over the file: first the anime series, films, OVAs and video games with
    composer (P86), lyricist (P676) or performer (P175) statements, with their labels,
    aliases, year and AniList/AniDB/MAL/MusicBrainz ids, one credit per statement; then
    the people and groups those statements name (labels in en/mul/ja, aliases, native
    name, MusicBrainz/VGMdb/AniDB/AniList/MAL ids). Everything goes into the graph
    wikidata/dump (licence CC0), replaced atomically once both passes are done; identity
    resolution runs afterwards. Memory stays flat whatever the file size. A truncated
    file or a corrupt compressed block is one error line, and nothing is written.

    Re-run, not resume: interrupted (an error, Ctrl-C, kill -9), it writes nothing; run it
    again and it reads the file from the start and writes the same graph as one clean run.
    Importing the same dump again replaces its graph with the same triples (idempotent).
    """
    from cuegraph.ingest import import_wikidata_dump as run

    _import(run, file)
