"""The ``cuegraph`` command line: thin commands over the library.

Every command turns a :class:`cuegraph.errors.CuegraphError` into one line on stderr and a
non-zero exit (see :func:`cuegraph.cli.common.command`). Command modules register themselves
on :data:`app` when imported below.
"""

from __future__ import annotations

from cuegraph.cli import (
    audio,  # noqa: F401  (registers tracks, cues, identify)
    backup,  # noqa: F401  (registers backup)
    core,  # noqa: F401  (registers build, import, load, query, ...)
    dumps,  # noqa: F401  (registers import musicbrainz-dump, import wikidata-dump)
    export,  # noqa: F401  (registers export)
    harvest,  # noqa: F401  (registers harvest ...)
    identity,  # noqa: F401  (registers resolve, explain, conflicts)
)
from cuegraph.cli.common import app, main

__all__ = ["app", "main"]
