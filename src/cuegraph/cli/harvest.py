"""``cuegraph harvest ...``: fetch credits from public sources into the store."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
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
from cuegraph.harvest.base import Entry, Source
from cuegraph.harvest.http import RateLimiter
from cuegraph.harvest.sources import SOURCES
from cuegraph.ingest.harvests import HarvestOutcome, Hooks, harvest_all, run_harvest

harvest_app = typer.Typer(
    help="Fetch credits from public sources into the store.\n\n"
    f"Sources: {', '.join(s.title for s in SOURCES.values())}; one named graph per "
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


def _option(entry: Entry, required: bool) -> inspect.Parameter:
    """The ``--<option>`` of one entry: its type and help from the registry; a flag for a
    ``bool`` entry; required when it is the source's only way in."""
    decl = typer.Option(f"--{entry.option}", help=entry.help)
    name = entry.option.replace("-", "_")
    kind = inspect.Parameter.KEYWORD_ONLY
    if entry.value is bool:
        return inspect.Parameter(name, kind, annotation=Annotated[bool, decl], default=False)
    if required:
        return inspect.Parameter(name, kind, annotation=Annotated[entry.value, decl])
    annotation = Annotated[entry.value | None, decl]  # type: ignore[name-defined]
    return inspect.Parameter(name, kind, annotation=annotation, default=None)


def _examples(source: Source) -> str:
    """The command's epilog: one example command line per entry that has an example."""
    lines = [
        f"cuegraph harvest {source.name} --{e.option}"
        + ("" if e.value is bool else f" {e.example}")
        for e in source.entries
        if e.example or e.value is bool
    ]
    # \b: click keeps the paragraph's lines as they are (one command a line, indented)
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines) if lines else ""


def _source_command(source: Source) -> Callable[..., None]:
    """``cuegraph harvest <source>``, built from the registry: one option per entry of
    ``source`` (exactly one of them given), then ``--refresh`` and ``--contact``."""

    def run(*, refresh: bool = False, contact: str | None = None, **given: Any) -> None:
        options = {e.option: given[e.option.replace("-", "_")] for e in source.entries}
        for e in source.entries:  # a flag left off counts as not given
            if e.value is bool and options[e.option] is False:
                options[e.option] = None
        _one(source.name, refresh, contact, **options)

    params = [_option(e, required=len(source.entries) == 1) for e in source.entries]
    kind = inspect.Parameter.KEYWORD_ONLY
    params += [
        inspect.Parameter("refresh", kind, annotation=Refresh, default=False),
        inspect.Parameter("contact", kind, annotation=Contact, default=None),
    ]
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in params}
    run.__name__ = run.__qualname__ = f"harvest_{source.name}"
    run.__doc__ = source.summary
    return run


# One command per registered source (cuegraph.harvest.sources): its options, their help,
# the command's help and its examples all come from the source's SOURCE; nothing here
# names a source.
for _source in SOURCES.values():
    command(_source.name, group=harvest_app, help=_source.summary, epilog=_examples(_source))(
        _source_command(_source)
    )


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
