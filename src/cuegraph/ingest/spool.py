"""Spooling records as N-Triples to a temporary file: the dump imports' write phase.

A dump reader (:mod:`cuegraph.dumps`) yields records as it reads; :class:`TripleSpool` turns
them into N-Triples a few hundred at a time (:class:`~cuegraph.dumps.ntriples.NTriplesWriter`:
the triples :class:`~cuegraph.graph.build.GraphBuilder` makes, as strings, without rdflib
graphs) and appends them to a temporary N-Triples file, so memory holds one batch, never the
dump. When the dump has been read to its end without an error,
:func:`~cuegraph.graph.write.write_ntriples_file` replaces the run's named graph and its
provenance in one atomic step (the same loading path as ``cuegraph load``). An error or a
kill before that step leaves the store as it was; the temporary file is removed (or, after
``kill -9``, by the next import).
"""

from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from cuegraph.dumps.ntriples import NTriplesWriter
from cuegraph.graph.iris import Minter
from cuegraph.pids import alive
from cuegraph.records import Record
from cuegraph.store import Store

__all__ = ["TripleSpool", "spool_dir", "BATCH"]

#: records turned into N-Triples at a time (a batch's lines are written without duplicates)
BATCH = 500
#: lines remembered so that a triple written lately is not written again (a popular
#: artist's name, types and ids come with every work credited to them): bounded, so memory
#: stays flat; what is left over the loader drops (a graph is a set)
RECENT = 100_000
_PREFIX = ".cuegraph-import-"


def spool_dir(store: Store) -> Path:
    """Where the temporary N-Triples file goes: beside the embedded store (same disk as the
    shadow store it is loaded into), else the system's temporary directory."""
    return store.scratch_dir() or Path(tempfile.gettempdir())


def _remove_leftovers(folder: Path) -> None:
    """Spool files of killed imports (their process is gone)."""
    for old in folder.glob(f"{_PREFIX}*.nt"):
        try:
            pid = int(old.name[len(_PREFIX) :].split("-", 1)[0])
        except ValueError:
            continue
        if not alive(pid):
            old.unlink(missing_ok=True)


class TripleSpool:
    """Records in, N-Triples out to a temporary file (a context manager that removes it)."""

    def __init__(self, minter: Minter, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(folder)
        fd, name = tempfile.mkstemp(prefix=f"{_PREFIX}{os.getpid()}-", suffix=".nt", dir=folder)
        self.path = Path(name)
        self._f = os.fdopen(fd, "wb")
        self._writer = NTriplesWriter(minter)
        self._batch: list[Record] = []
        self._recent: OrderedDict[str, None] = OrderedDict()
        self.records = 0

    def add(self, records: Iterable[Record]) -> None:
        for r in records:
            self._batch.append(r)
            self.records += 1
        if len(self._batch) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            recent = self._recent
            fresh = [line for line in self._writer.lines(self._batch) if line not in recent]
            for line in fresh:
                recent[line] = None
            while len(recent) > RECENT:
                recent.popitem(last=False)
            self._f.write("".join(fresh).encode("utf-8"))
            self._batch = []

    def finish(self) -> Path:
        """Write the last batch and close the file; its path."""
        self._flush()
        self._f.close()
        return self.path

    def __enter__(self) -> TripleSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._f.closed:
            self._f.close()
        self.path.unlink(missing_ok=True)
