"""Running harvests: one polite client per source, the harvest, then the atomic write.

A harvest builds all its records in memory first; only a complete harvest reaches
:func:`~cuegraph.harvest.base.write_harvest`, which replaces the source's named graph in one
update. A source that fails (unreachable, 5xx after retries, malformed answer, a guard of
:mod:`cuegraph.harvest.http` tripped) therefore leaves the store exactly as it was, and the
error says so.

**Fetch first, then open for writing.** Given a store *opener* (a function returning a
store, as the CLI passes), a run opens the store for writing only once its records are
built, writes, and closes it again: the embedded store's write lock is never held while a
source is being fetched (a slow or dripping source cannot keep ``cuegraph load`` or another
harvest waiting). The store is opened once briefly before fetching, so a store that cannot
be written fails before any request is spent.

Source modules are imported lazily by name (``cuegraph.harvest.<name>``), so one missing
module only disables its own command.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from cuegraph.errors import BadInput, CuegraphError, UpstreamError
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import RunSummary
from cuegraph.harvest.base import Harvest, base_url, write_harvest
from cuegraph.harvest.http import DEFAULT_DEADLINE, DEFAULT_MAX_BYTES, HttpClient, RateLimiter
from cuegraph.records import Person, Work
from cuegraph.store import Store

__all__ = ["SOURCES", "SourceUnavailable", "HarvestOutcome", "Hooks", "load_source",
           "make_client", "run_harvest", "harvest_all"]

#: a store, or a function opening one (then opened only to write)
StoreOrOpener = Store | Callable[[], Store]
#: environment variables overriding the guards for every source (tests, slow links)
DEADLINE_VAR = "CUEGRAPH_HARVEST_DEADLINE"
MAX_BYTES_VAR = "CUEGRAPH_HARVEST_MAX_BYTES"

#: every harvest source, in the order `harvest all` runs them
SOURCES = ("wikidata", "musicbrainz", "anilist", "vgmdb", "animethemes")


class SourceUnavailable(CuegraphError):
    """A harvester module is not installed (yet)."""

    status = 501


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
    skipped: str | None = None  # why the source was not run (no id known, module missing)
    requests: int = 0
    cache_hits: int = 0
    waited: float = 0.0
    seconds: float = 0.0
    harvest: Harvest | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None


def load_source(name: str) -> ModuleType:
    """``cuegraph.harvest.<name>``, or :class:`SourceUnavailable` with one clear line."""
    modname = f"cuegraph.harvest.{name}"
    try:
        return importlib.import_module(modname)
    except ModuleNotFoundError as e:
        if e.name == modname:
            raise SourceUnavailable(f"the {name} harvester is not available "
                                    f"(module {modname} is missing)") from None
        raise


def _env_number(name: str, kind: type) -> float | int | None:
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        number = kind(value)
    except ValueError:
        raise BadInput(f"{name} must be a positive number, not {value!r}") from None
    if number <= 0:
        raise BadInput(f"{name} must be a positive number, not {value!r}")
    return number


def make_client(module: ModuleType, *, contact: str, cache_dir: str | Path | None,
                refresh: bool = False, limiter: RateLimiter | None = None,
                hooks: Hooks | None = None, **kw: Any) -> HttpClient:
    """A client for one source: its published spacing for its host, its response size cap
    (``MAX_RESPONSE_BYTES``) and redirect hosts (``REDIRECT_HOSTS``), the shared cache.
    ``CUEGRAPH_HARVEST_DEADLINE`` / ``CUEGRAPH_HARVEST_MAX_BYTES`` override the guards."""
    host = urlsplit(base_url(module)).netloc
    hooks = hooks or Hooks()
    guards: dict[str, Any] = {
        "deadline": _env_number(DEADLINE_VAR, float) or DEFAULT_DEADLINE,
        "max_bytes": _env_number(MAX_BYTES_VAR, int)
        or int(getattr(module, "MAX_RESPONSE_BYTES", DEFAULT_MAX_BYTES)),
        "redirect_hosts": tuple(getattr(module, "REDIRECT_HOSTS", ())),
    }
    return HttpClient(contact=contact, cache_dir=Path(cache_dir) if cache_dir else None,
                      refresh=refresh, intervals={host: float(module.MIN_INTERVAL)},
                      limiter=limiter or RateLimiter(), on_request=hooks.on_request,
                      on_plan=hooks.on_plan, **{**guards, **kw})


def writing(store: StoreOrOpener):
    """A context manager giving the store to write to: ``store`` itself when it is already
    open (left open), else a store opened now from the opener (closed afterwards)."""
    if isinstance(store, Store):
        return contextlib.nullcontext(store)
    return store()


def run_harvest(store: StoreOrOpener, minter: Minter, source: str, function: str, *args: Any,
                contact: str, cache_dir: str | Path | None, refresh: bool = False,
                limiter: RateLimiter | None = None, hooks: Hooks | None = None,
                client_options: dict[str, Any] | None = None) -> HarvestOutcome:
    """Run ``cuegraph.harvest.<source>.<function>(client, base_url, *args)`` and write it.

    Raises:
        SourceUnavailable: the module is missing.
        UpstreamError: the source failed; the message says the store was not changed.
    """
    module = load_source(source)
    fn = getattr(module, function, None)
    if fn is None:
        raise SourceUnavailable(f"the {source} harvester has no {function}()")
    hooks = hooks or Hooks()
    limiter = limiter or RateLimiter()
    client = make_client(module, contact=contact, cache_dir=cache_dir, refresh=refresh,
                         limiter=limiter, hooks=hooks, **(client_options or {}))
    if not isinstance(store, Store):
        with writing(store):  # fail now, before any request, if it cannot be written
            pass
    if hooks.on_start:
        hooks.on_start(source)
    t0, waited0 = time.monotonic(), limiter.waited
    try:
        harvest = fn(client, base_url(module), *args)  # every request; the store is closed
        with writing(store) as target:
            summary = write_harvest(target, minter, harvest, client)
    except CuegraphError as e:
        raise UpstreamError(f"{source} harvest failed, nothing was written: "
                            f"{e.message}") from None
    finally:
        if hooks.on_done:
            hooks.on_done(source)
    return HarvestOutcome(source=source, summary=summary, requests=client.requests_made,
                          cache_hits=client.cache_hits, waited=limiter.waited - waited0,
                          seconds=time.monotonic() - t0, harvest=harvest)


def _subject_ids(harvest: Harvest | None) -> dict[str, set[str]]:
    """External ids of the person a harvest is about (not of everyone it mentions).

    Wikidata keys are ``person-Q1+Q2``, MusicBrainz keys ``artist-<mbid>``; their person
    records are ``wikidata/Q1`` and ``musicbrainz/<mbid>``.
    """
    if harvest is None:
        return {}
    if harvest.source == "wikidata" and harvest.key.startswith("person-"):
        keys = {f"wikidata/{q}" for q in harvest.key[len("person-"):].split("+")}
    elif harvest.source == "musicbrainz" and harvest.key.startswith("artist-"):
        keys = {f"musicbrainz/{harvest.key[len('artist-'):]}"}
    else:
        return {}
    out: dict[str, set[str]] = {}
    for r in harvest.records:
        if isinstance(r, Person) and r.key in keys:
            for scheme, value in r.ids:
                out.setdefault(scheme, set()).add(str(value))
    return out


def harvest_all(store: StoreOrOpener, minter: Minter, composer: str, *, contact: str,
                cache_dir: str | Path | None, refresh: bool = False, max_anime: int = 3,
                limiter: RateLimiter | None = None, hooks: Hooks | None = None,
                client_options: dict[str, Any] | None = None,
                ) -> tuple[list[HarvestOutcome], Any]:
    """Harvest one composer from every source, then resolve identities.

    Order: Wikidata by name (its ids point at the others: P434 MusicBrainz, P3435 VGMdb,
    P11227 AniList), MusicBrainz (the MBID from Wikidata, else the name), AniList staff
    (by name), VGMdb artist (only with an id from Wikidata or MusicBrainz), AnimeThemes
    (the first ``max_anime`` anime Wikidata credits the composer on). A failing or missing
    source is reported and the others still run; identity resolution runs last.

    Returns:
        The outcomes (one per source tried, failures with ``error``) and the
        :class:`~cuegraph.graph.identity.Resolution`.
    """
    from cuegraph.graph.identity import resolve

    limiter = limiter or RateLimiter()
    common = dict(contact=contact, cache_dir=cache_dir, refresh=refresh, limiter=limiter,
                  hooks=hooks, client_options=client_options)
    outcomes: list[HarvestOutcome] = []

    def attempt(source: str, function: str, *args: Any) -> HarvestOutcome:
        try:
            out = run_harvest(store, minter, source, function, *args, **common)
        except SourceUnavailable as e:
            out = HarvestOutcome(source=source, skipped=e.message)
        except CuegraphError as e:
            out = HarvestOutcome(source=source, error=e.message)
        outcomes.append(out)
        return out

    wd = attempt("wikidata", "harvest_composer", composer)
    person_ids = _subject_ids(wd.harvest)
    mb_ids = sorted(person_ids.get("musicbrainz", ()))
    mb = attempt("musicbrainz", "harvest_artist", mb_ids[0] if len(mb_ids) == 1 else composer)
    person_ids_mb = _subject_ids(mb.harvest)
    attempt("anilist", "harvest_staff", composer)
    vgmdb_ids = sorted(person_ids.get("vgmdb", set()) | person_ids_mb.get("vgmdb", set()))
    if len(vgmdb_ids) == 1 and vgmdb_ids[0].isdigit():
        attempt("vgmdb", "harvest_artist", int(vgmdb_ids[0]))
    else:
        why = "ambiguous" if vgmdb_ids else "no"
        outcomes.append(HarvestOutcome(source="vgmdb", skipped=f"{why} VGMdb artist id from "
                                       "Wikidata (P3435) or MusicBrainz"))
    titles = sorted({r.title for r in (wd.harvest.records if wd.harvest else [])
                     if isinstance(r, Work) and r.type in ("series", "film", "ova")})
    for title in titles[:max_anime]:
        attempt("animethemes", "harvest_anime", title)
    with writing(store) as target:
        return outcomes, resolve(target, minter)
