"""Running harvests: one polite client per source, the harvest, then the atomic write.

A source (:data:`cuegraph.harvest.sources.SOURCES`) only turns API answers into records;
this module gives it a client, runs the entry asked for and writes the result. A harvest
builds all its records in memory first; only a complete harvest reaches
:func:`write_harvest`, which replaces the source's named graph in one update. A source that
fails (unreachable, 5xx after retries, malformed answer, a guard of
:mod:`cuegraph.harvest.http` tripped) therefore leaves the store exactly as it was, and the
error says so. A refusal of what was asked (:class:`~cuegraph.errors.BadInput`, a 4xx such
as "not a Wikidata item id" or "no such artist") keeps its own class and status.

**Fetch first, then open for writing.** Given a store *opener* (a function returning a
store, as the CLI passes), a run opens the store for writing only once its records are
built, writes, and closes it again: the embedded store's write lock is never held while a
source is being fetched (a slow or dripping source cannot keep ``cuegraph load`` or another
harvest waiting). The store is opened once briefly before fetching, so a store that cannot
be written fails before any request is spent.

Base URLs, the contact, the cache folder and the request guards come from the
:class:`~cuegraph.config.Settings` passed in (``CUEGRAPH_<SOURCE>_URL`` and friends).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cuegraph.config import Settings
from cuegraph.errors import CuegraphError, StoreError, UpstreamError
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import RunSummary, write_run
from cuegraph.harvest.base import Harvest, Source
from cuegraph.harvest.http import DEFAULT_DEADLINE, HttpClient, RateLimiter
from cuegraph.harvest.sources import SOURCES, get_source
from cuegraph.records import Person, Work
from cuegraph.store import Store, StoreOrOpener, writing

__all__ = [
    "HarvestOutcome",
    "Hooks",
    "base_url",
    "make_client",
    "write_harvest",
    "run_harvest",
    "harvest_all",
]


@dataclass
class Hooks:
    """Progress callbacks (the CLI draws its bar with them)."""

    on_start: Callable[[str], None] | None = None
    on_plan: Callable[[int], None] | None = None
    on_request: Callable[[str], None] | None = None
    on_done: Callable[[str], None] | None = None


@dataclass
class HarvestOutcome:
    """One source's run: its summary, or the error that stopped it."""

    source: str
    summary: RunSummary | None = None
    error: str | None = None
    skipped: str | None = None  # why the source was not run (no id known)
    requests: int = 0
    cache_hits: int = 0
    waited: float = 0.0
    seconds: float = 0.0
    harvest: Harvest | None = field(default=None, repr=False)


def base_url(source: Source, settings: Settings) -> str:
    """The source's base URL: its setting (``CUEGRAPH_<SOURCE>_URL``), else its default."""
    return getattr(settings, source.url_setting, None) or source.default_url


def make_client(
    source: Source,
    settings: Settings,
    *,
    refresh: bool = False,
    limiter: RateLimiter | None = None,
    hooks: Hooks | None = None,
    **kw: Any,
) -> HttpClient:
    """A client for one source: its published spacing for its host, its response size cap
    and redirect hosts, the shared cache and contact of ``settings``; the settings
    ``harvest_deadline`` / ``harvest_max_bytes`` override the guards."""
    host = urlsplit(base_url(source, settings)).netloc
    hooks = hooks or Hooks()
    guards: dict[str, Any] = {
        "deadline": settings.harvest_deadline or DEFAULT_DEADLINE,
        "max_bytes": settings.harvest_max_bytes or source.max_response_bytes,
        "redirect_hosts": source.redirect_hosts,
    }
    cache = settings.cache_dir
    return HttpClient(
        contact=settings.user_agent_contact,
        cache_dir=Path(cache) if cache else None,
        refresh=refresh,
        intervals={host: source.min_interval},
        limiter=limiter or RateLimiter(),
        on_request=hooks.on_request,
        on_plan=hooks.on_plan,
        **{**guards, **kw},
    )


def write_harvest(
    store: Store, minter: Minter, harvest: Harvest, client: HttpClient | None = None
) -> RunSummary:
    """Write a completed harvest into its named graph (atomically replacing the last run),
    with its licence and the request URLs as PROV-O."""
    used = list(harvest.used) or (list(client.urls) if client else [])
    return write_run(
        store,
        minter,
        harvest.source,
        harvest.key,
        harvest.records,
        license=harvest.license,
        used=used,
        label=harvest.label or f"{harvest.source} {harvest.key}",
    )


def run_harvest(
    store: StoreOrOpener,
    minter: Minter,
    source: str | Source,
    option: str,
    value: Any,
    *,
    settings: Settings,
    refresh: bool = False,
    limiter: RateLimiter | None = None,
    hooks: Hooks | None = None,
    client_options: dict[str, Any] | None = None,
) -> HarvestOutcome:
    """Run the entry ``option`` of ``source`` (``harvest <source> --<option> VALUE``) and
    write its records.

    Raises:
        BadInput: an unknown source or entry, or the source refused ``value`` (a 4xx
            error keeps its own class: not found, bad id, too short a name).
        UpstreamError: the source failed; the message says the store was not changed.
    """
    src = get_source(source) if isinstance(source, str) else source
    entry = src.entry(option)
    hooks = hooks or Hooks()
    limiter = limiter or RateLimiter()
    client = make_client(
        src, settings, refresh=refresh, limiter=limiter, hooks=hooks, **(client_options or {})
    )
    if not isinstance(store, Store):
        with writing(store):  # fail now, before any request, if it cannot be written
            pass
    if hooks.on_start:
        hooks.on_start(src.name)
    t0, waited0 = time.monotonic(), limiter.waited
    try:
        try:  # every request; the store is closed meanwhile
            harvest = entry.function(
                client, base_url(src, settings), value, **src.keywords(entry, settings)
            )
        except CuegraphError as e:
            if e.status < 500:  # the source refused what was asked: the user's error, kept
                raise
            raise UpstreamError(
                f"{src.name} harvest failed, nothing was written: {e.message}"
            ) from None
        with writing(store) as target:  # a store fault is the store's error, not the source's
            summary = write_harvest(target, minter, harvest, client)
    finally:
        if hooks.on_done:
            hooks.on_done(src.name)
    return HarvestOutcome(
        source=src.name,
        summary=summary,
        requests=client.requests_made,
        cache_hits=client.cache_hits,
        waited=limiter.waited - waited0,
        seconds=time.monotonic() - t0,
        harvest=harvest,
    )


def _subject_ids(harvest: Harvest | None) -> dict[str, set[str]]:
    """External ids of the person a harvest is about (not of everyone it mentions).

    Wikidata keys are ``person-Q1+Q2``, MusicBrainz keys ``artist-<mbid>``; their person
    records are ``wikidata/Q1`` and ``musicbrainz/<mbid>``.
    """
    if harvest is None:
        return {}
    if harvest.source == "wikidata" and harvest.key.startswith("person-"):
        keys = {f"wikidata/{q}" for q in harvest.key[len("person-") :].split("+")}
    elif harvest.source == "musicbrainz" and harvest.key.startswith("artist-"):
        keys = {f"musicbrainz/{harvest.key[len('artist-') :]}"}
    else:
        return {}
    out: dict[str, set[str]] = {}
    for r in harvest.records:
        if isinstance(r, Person) and r.key in keys:
            for scheme, value in r.ids:
                out.setdefault(scheme, set()).add(str(value))
    return out


def harvest_all(
    store: StoreOrOpener,
    minter: Minter,
    composer: str,
    *,
    settings: Settings,
    refresh: bool = False,
    max_anime: int = 3,
    limiter: RateLimiter | None = None,
    hooks: Hooks | None = None,
    client_options: dict[str, Any] | None = None,
) -> tuple[list[HarvestOutcome], Any]:
    """Harvest one composer from every source, then resolve identities.

    Order (that of :data:`~cuegraph.harvest.sources.SOURCES`): Wikidata by name (its ids
    point at the others: P434 MusicBrainz, P3435 VGMdb, P11227 AniList), MusicBrainz (the
    MBID from Wikidata, else the name), AniList staff (by name), VGMdb artist (only with an
    id from Wikidata or MusicBrainz), AnimeThemes (the first ``max_anime`` anime Wikidata
    credits the composer on). A failing source is reported and the others still run;
    identity resolution runs last.

    Returns:
        The outcomes (one per source tried, failures with ``error``) and the
        :class:`~cuegraph.graph.identity.Resolution`.
    """
    from cuegraph.graph.identity import resolve

    limiter = limiter or RateLimiter()
    outcomes: list[HarvestOutcome] = []

    def attempt(source: str, option: str, value: Any) -> HarvestOutcome:
        try:
            out = run_harvest(
                store,
                minter,
                SOURCES[source],
                option,
                value,
                settings=settings,
                refresh=refresh,
                limiter=limiter,
                hooks=hooks,
                client_options=client_options,
            )
        except UpstreamError as e:  # says which source failed and that nothing was written
            out = HarvestOutcome(source=source, error=e.message)
        except StoreError:  # the store cannot be written: no other source can be either
            raise
        except CuegraphError as e:  # the source refused the name or id it was given
            out = HarvestOutcome(
                source=source, error=f"{source} harvest failed, nothing was written: {e.message}"
            )
        outcomes.append(out)
        return out

    wd = attempt("wikidata", "composer", composer)
    person_ids = _subject_ids(wd.harvest)
    mb_ids = sorted(person_ids.get("musicbrainz", ()))
    mb = attempt("musicbrainz", "artist", mb_ids[0] if len(mb_ids) == 1 else composer)
    person_ids_mb = _subject_ids(mb.harvest)
    attempt("anilist", "staff", composer)
    vgmdb_ids = sorted(person_ids.get("vgmdb", set()) | person_ids_mb.get("vgmdb", set()))
    if len(vgmdb_ids) == 1 and vgmdb_ids[0].isdigit():
        attempt("vgmdb", "artist", int(vgmdb_ids[0]))
    else:
        why = "ambiguous" if vgmdb_ids else "no"
        outcomes.append(
            HarvestOutcome(
                source="vgmdb",
                skipped=f"{why} VGMdb artist id from Wikidata (P3435) or MusicBrainz",
            )
        )
    titles = sorted(
        {
            r.title
            for r in (wd.harvest.records if wd.harvest else [])
            if isinstance(r, Work) and r.type in ("series", "film", "ova")
        }
    )
    for title in titles[:max_anime]:
        attempt("animethemes", "anime", title)
    with writing(store) as target:
        return outcomes, resolve(target, minter)
