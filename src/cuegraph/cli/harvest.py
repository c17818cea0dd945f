"""``cuegraph harvest ...``: fetch credits from public sources into the store."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from cuegraph.cli.common import app, command, console, err_console, minter, open_cli_store, settings
from cuegraph.cli.core import say
from cuegraph.errors import BadInput
from cuegraph.harvest.http import RateLimiter
from cuegraph.harvest.sources import SOURCES
from cuegraph.ingest.harvests import HarvestOutcome, Hooks, harvest_all, run_harvest

harvest_app = typer.Typer(
    help="Fetch credits from public sources into the store.\n\n"
    "Sources: Wikidata, MusicBrainz, AniList, AnimeThemes, VGMdb; one named graph per "
    "source and key, with its licence. Requests are serial, spaced "
    "by each source's published limit, retried on 429/503 after Retry-After, and cached on "
    "disk (CUEGRAPH_CACHE_DIR) once they parsed. Each response is capped in size (after "
    "decompression) and in total time (CUEGRAPH_HARVEST_MAX_BYTES, "
    "CUEGRAPH_HARVEST_DEADLINE); redirects are followed only over http(s) on the source's "
    "own host. The store is opened only to write the finished run. "
    "Base URLs: CUEGRAPH_<SOURCE>_URL.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(harvest_app, name="harvest")

Refresh = Annotated[
    bool, typer.Option("--refresh", help="Ignore cached responses (they are still rewritten).")
]
Contact = Annotated[
    str | None,
    typer.Option(
        "--contact",
        help="Contact (URL or e-mail) for the User-Agent; default CUEGRAPH_USER_AGENT_CONTACT.",
    ),
]


class _Bar:
    """A rich progress bar fed by the harvest hooks: requests done / planned, waits."""

    def __init__(self, progress: Progress, limiter: RateLimiter):
        self.p, self.limiter = progress, limiter
        self.task = progress.add_task("harvest", total=0, waited=0.0)
        self.source = ""
        self.pending: str | None = None  # the request in flight: counted once it succeeded

    def hooks(self) -> Hooks:
        return Hooks(
            on_start=self.start, on_plan=self.plan, on_request=self.request, on_done=self.done
        )

    def _total(self) -> float:
        return self.p.tasks[0].total or 0

    def start(self, source: str) -> None:
        self.source = source
        self.p.update(self.task, description=f"{source}: starting")

    def plan(self, n: int) -> None:
        self.p.update(self.task, total=self._total() + n)

    def request(self, url: str) -> None:
        """A request starts: the one before it is done (a failed one ends the run, so the
        bar never counts a failed attempt); the same URL again is a retry, not progress."""
        retry = url == self.pending
        done = 0 if retry or self.pending is None else 1
        self.pending = url
        task = self.p.tasks[0]
        total = max(self._total(), task.completed + done + 1)
        path = urlsplit(url).path
        path = path if len(path) <= 40 else "…" + path[-39:]
        self.p.update(
            self.task,
            advance=done,
            total=total,
            waited=self.limiter.waited,
            description=f"{self.source}: {'retrying ' if retry else ''}{path}",
        )

    def done(self, source: str) -> None:
        advance, self.pending = (1 if self.pending else 0), None
        self.p.update(self.task, advance=advance, description=f"{source}: done")


@contextmanager
def _progress(limiter: RateLimiter):
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("requests · waited {task.fields[waited]:.1f}s"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )
    with progress:
        yield _Bar(progress, limiter)


def _print_outcome(out: HarvestOutcome) -> None:
    if out.skipped:
        say(f"{out.source}: skipped ({out.skipped})")
        return
    s = out.summary
    if s is None:
        return
    console.print(
        f"{out.source}: {s.records} records, {s.triples} triples (+{s.added} / -{s.removed}) "
        f"in {s.graph}\n  {out.requests} requests, {out.cache_hits} from cache, "
        f"{out.waited:.1f}s rate-limit wait, {out.seconds:.1f}s",
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=True,
    )


def _settings(contact: str | None):
    s = settings()
    return s.model_copy(update={"user_agent_contact": contact}) if contact else s


def _one(source: str, refresh: bool, contact: str | None, **options: Any) -> None:
    """Run the one entry of ``source`` whose option was given (see
    :data:`~cuegraph.harvest.sources.SOURCES`)."""
    option, value = _exactly_one(**options)
    limiter = RateLimiter()
    # the store is opened only to write, once the records are built (never while fetching)
    with _progress(limiter) as bar:
        out = run_harvest(
            open_cli_store,
            minter(),
            source,
            option,
            value,
            settings=_settings(contact),
            refresh=refresh,
            limiter=limiter,
            hooks=bar.hooks(),
        )
    _print_outcome(out)


def _exactly_one(**options: Any) -> tuple[str, Any]:
    given = [(k, v) for k, v in options.items() if v is not None]
    if len(given) != 1:
        names = " or ".join("--" + k.replace("_", "-") for k in options)
        raise BadInput(f"give exactly one of {names}")
    return given[0]


def _help(source: str, option: str) -> str:
    """An option's help, from the source registry."""
    return SOURCES[source].entry(option).help


# One command per source; the options are the source's entries in the registry
# (cuegraph.harvest.sources), their help text and the command's help come from there.


@command("wikidata", group=harvest_app, help=SOURCES["wikidata"].summary)
def harvest_wikidata(
    composer: Annotated[str | None, typer.Option(help=_help("wikidata", "composer"))] = None,
    person: Annotated[str | None, typer.Option(help=_help("wikidata", "person"))] = None,
    work: Annotated[str | None, typer.Option(help=_help("wikidata", "work"))] = None,
    all_: Annotated[bool, typer.Option("--all", help=_help("wikidata", "all"))] = False,
    refresh: Refresh = False,
    contact: Contact = None,
) -> None:
    _one(
        "wikidata",
        refresh,
        contact,
        composer=composer,
        person=person,
        work=work,
        all=True if all_ else None,
    )


@command("musicbrainz", group=harvest_app, help=SOURCES["musicbrainz"].summary)
def harvest_musicbrainz(
    artist: Annotated[str, typer.Option(help=_help("musicbrainz", "artist"))],
    refresh: Refresh = False,
    contact: Contact = None,
) -> None:
    _one("musicbrainz", refresh, contact, artist=artist)


@command("anilist", group=harvest_app, help=SOURCES["anilist"].summary)
def harvest_anilist(
    staff: Annotated[str | None, typer.Option(help=_help("anilist", "staff"))] = None,
    media: Annotated[int | None, typer.Option(help=_help("anilist", "media"))] = None,
    refresh: Refresh = False,
    contact: Contact = None,
) -> None:
    _one("anilist", refresh, contact, staff=staff, media=media)


@command("animethemes", group=harvest_app, help=SOURCES["animethemes"].summary)
def harvest_animethemes(
    anime: Annotated[str, typer.Option(help=_help("animethemes", "anime"))],
    refresh: Refresh = False,
    contact: Contact = None,
) -> None:
    _one("animethemes", refresh, contact, anime=anime)


@command("vgmdb", group=harvest_app, help=SOURCES["vgmdb"].summary)
def harvest_vgmdb(
    album: Annotated[int | None, typer.Option(help=_help("vgmdb", "album"))] = None,
    artist: Annotated[int | None, typer.Option(help=_help("vgmdb", "artist"))] = None,
    refresh: Refresh = False,
    contact: Contact = None,
) -> None:
    _one("vgmdb", refresh, contact, album=album, artist=artist)


def _print_resolution(res: Any) -> None:
    from cuegraph.cli.identity import print_resolution

    print_resolution(res)


@command("all", group=harvest_app)
def harvest_all_cmd(
    composer: Annotated[str, typer.Option(help="The composer's name.")],
    max_anime: Annotated[
        int,
        typer.Option(
            help="AnimeThemes: how many of the composer's anime (from Wikidata) to harvest."
        ),
    ] = 3,
    refresh: Refresh = False,
    contact: Contact = None,
) -> None:
    """Every source for one composer, then identity resolution (owl:sameAs between the
    sources' nodes that share an external id). Sources that fail are reported; the others
    still run; the exit code is 1 if any failed."""
    limiter = RateLimiter()
    t0 = time.monotonic()
    with _progress(limiter) as bar:  # the store is opened only to write each source
        outcomes, res = harvest_all(
            open_cli_store,
            minter(),
            composer,
            settings=_settings(contact),
            refresh=refresh,
            max_anime=max_anime,
            limiter=limiter,
            hooks=bar.hooks(),
        )
    for out in outcomes:
        _print_outcome(out)
    _print_resolution(res)
    say(f"done in {time.monotonic() - t0:.1f}s")
    failed = [o for o in outcomes if o.error]
    for o in failed:
        say(f"error: {o.error}", err=True)
    if failed:
        raise typer.Exit(1)


@command("resolve", group=harvest_app)
def harvest_resolve() -> None:
    """Identity resolution only (the same as `cuegraph resolve`, kept as an alias)."""
    from cuegraph.cli.identity import resolve_cmd

    resolve_cmd()
