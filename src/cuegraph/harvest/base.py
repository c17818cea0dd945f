"""What every harvester returns, and how a harvest is written to the store.

A source module (``harvest/<source>.py``) exposes module constants

* ``NAME`` — short source name (``"musicbrainz"``), also the named-graph prefix;
* ``DEFAULT_URL`` and ``ENV_VAR`` — base URL and the variable that overrides it
  (``CUEGRAPH_MUSICBRAINZ_URL``);
* ``LICENSE`` — a key of :data:`cuegraph.graph.write.LICENSES`;
* ``MIN_INTERVAL`` — seconds between requests, from the source's published rate limit;

and one or more functions ``harvest_*(client, base_url, ...) -> Harvest`` that only turn API
responses into records. Writing is :func:`write_harvest`'s job.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from cuegraph.graph.iris import Minter
from cuegraph.graph.write import RunSummary, write_run
from cuegraph.harvest.http import HttpClient
from cuegraph.records import Record
from cuegraph.store import Store

__all__ = ["Harvest", "write_harvest", "base_url"]


@dataclass
class Harvest:
    """One harvest's result: the records and what graph they belong in.

    ``key`` names what was harvested within the source (``"artist-<mbid>"``,
    ``"staff-hiromi-mizutani"``); a later harvest with the same source and key replaces it.
    """

    source: str
    key: str
    records: list[Record]
    license: str
    label: str = ""
    used: list[str] = field(default_factory=list)  # request URLs (filled from the client)


def base_url(module) -> str:
    """The source's base URL: its ``ENV_VAR`` when set, else its ``DEFAULT_URL``."""
    return os.environ.get(module.ENV_VAR) or module.DEFAULT_URL


def write_harvest(store: Store, minter: Minter, harvest: Harvest,
                  client: HttpClient | None = None) -> RunSummary:
    """Write a completed harvest into its named graph (atomically replacing the last run)."""
    used = list(harvest.used) or (list(client.urls) if client else [])
    return write_run(store, minter, harvest.source, harvest.key, harvest.records,
                     license=harvest.license, used=used,
                     label=harvest.label or f"{harvest.source} {harvest.key}")
