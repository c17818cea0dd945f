"""``cuegraph backup DIR``: a consistent copy of the embedded store, restorable as is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cuegraph.cli.common import command, open_cli_store
from cuegraph.cli.core import say
from cuegraph.errors import BadInput
from cuegraph.store import open_store

__all__ = ["backup"]


@command("backup")
def backup(
    target: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="New directory to write the copy to (must not exist, or be empty)"
        ),
    ],
) -> None:
    """Copy the embedded store to DIR, consistently, even while `cuegraph serve` runs.

    Restore: stop the server, then either serve the copy (CUEGRAPH_STORE=oxigraph:DIR) or
    move it in place of the store directory. A remote store is backed up by its own server
    (or with `cuegraph dump`).
    """
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BadInput(
            f"{target} already exists and is not an empty directory; choose a new "
            "one (a backup never overwrites)"
        )
    store = open_cli_store(read_only=True)
    try:
        store.backup(target)
    finally:
        store.close()
    copy = open_store(f"oxigraph:{target}", read_only=True)
    try:
        say(f"backed up {copy.triple_count()} quads in {len(copy.graphs())} graphs to {target}")
    finally:
        copy.close()
    say(
        f"restore: stop the server, then CUEGRAPH_STORE=oxigraph:{target} (or move the "
        "directory in place of the store)"
    )
