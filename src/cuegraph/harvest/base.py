"""What a harvester is: a :class:`Source` (its name, licence, base URL, politeness and its
ways in, :class:`Entry`) and what each way in returns, a :class:`Harvest` of records.

A source module (``harvest/<source>.py``) only turns API responses into records: its
entry functions are called as ``function(client, base_url, value, **keywords)`` with the
shared polite :class:`~cuegraph.harvest.http.HttpClient` and return a :class:`Harvest`.
They never open or write the store; :mod:`cuegraph.ingest` runs them and writes the result
(one named graph per source and key, with its licence and PROV-O). Every source is listed
in :data:`cuegraph.harvest.sources.SOURCES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cuegraph.errors import BadInput
from cuegraph.records import Record

__all__ = ["Harvest", "Entry", "Source"]


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


@dataclass(frozen=True)
class Entry:
    """One way into a source: the CLI option (``--<option> VALUE``) and the function it runs.

    ``value`` is the option's type (``str``, ``int``, or ``bool`` for a flag taking no
    value); ``settings`` maps keyword arguments of ``function`` to the
    :class:`~cuegraph.config.Settings` fields that fill them (the Wikibase API URL);
    ``example`` is the option's value as ``cuegraph harvest <source> --help`` shows it in
    an example command line, written as typed in a shell (empty: no example; a flag's
    example is the bare option).
    """

    option: str
    function: Callable[..., Harvest]
    help: str
    value: type = str
    settings: Mapping[str, str] = field(default_factory=dict)
    example: str = ""


@dataclass(frozen=True)
class Source:
    """A harvest source.

    Attributes:
        name: short name (``"musicbrainz"``), also the named-graph prefix.
        title: the name error lines and help use (``"MusicBrainz"``).
        summary: one paragraph for ``cuegraph harvest <name> --help``.
        license: a key of :data:`cuegraph.graph.write.LICENSES`.
        default_url: the public base URL; the :class:`~cuegraph.config.Settings` field
            ``<name>_url`` (``CUEGRAPH_<NAME>_URL``) overrides it.
        min_interval: seconds between requests, from the source's published rate limit.
        max_response_bytes: the largest response accepted, after decompression.
        redirect_hosts: hosts a redirect may lead to besides the requested one.
        entries: the ways in, in the order the CLI lists them.
    """

    name: str
    title: str
    summary: str
    license: str
    default_url: str
    min_interval: float
    max_response_bytes: int
    redirect_hosts: tuple[str, ...]
    entries: tuple[Entry, ...]

    @property
    def url_setting(self) -> str:
        """The :class:`~cuegraph.config.Settings` field overriding the base URL."""
        return f"{self.name}_url"

    def entry(self, option: str) -> Entry:
        """The entry behind ``--<option>``, or :class:`BadInput` listing the known ones."""
        for e in self.entries:
            if e.option == option:
                return e
        raise BadInput(
            f"{self.name} has no harvest by {option!r} (one of "
            f"{', '.join(e.option for e in self.entries)})"
        )

    def keywords(self, entry: Entry, settings: Any) -> dict[str, Any]:
        """The keyword arguments ``entry`` takes from ``settings``."""
        return {kw: getattr(settings, name) for kw, name in entry.settings.items()}
