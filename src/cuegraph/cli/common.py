"""Shared CLI plumbing: the Typer app, global options, error handling, store opening."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from contextvars import ContextVar
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console

from cuegraph import __version__
from cuegraph.config import Settings, from_environment
from cuegraph.errors import CuegraphError
from cuegraph.graph.iris import Minter
from cuegraph.store import Store, open_store

__all__ = [
    "app",
    "main",
    "command",
    "console",
    "err_console",
    "open_cli_store",
    "minter",
    "settings",
]

console = Console()
err_console = Console(stderr=True)

app = typer.Typer(
    name="cuegraph",
    help=(
        "cuegraph: who composed the music in anime, films and games, down to the scene.\n\n"
        "Start with `cuegraph build` (loads data/ into the store), then `cuegraph serve`. "
        "The store is chosen with --store or CUEGRAPH_STORE: oxigraph:PATH (default "
        "oxigraph:.cuegraph/store), memory:, or a remote SPARQL endpoint URL."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        console.print(f"cuegraph {__version__}")
        raise typer.Exit()


#: this invocation's settings, set once by the root command
_settings: ContextVar[Settings] = ContextVar("cuegraph_settings")


@app.callback()
def _root(
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="CUEGRAPH_STORE",
            show_envvar=True,
            help="Store URL: oxigraph:PATH, memory:, or http(s)://host/sparql.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Read the settings once, for the whole invocation (the one place the CLI reads the
    environment, through :func:`cuegraph.config.from_environment`); commands get them with
    :func:`settings`."""
    try:
        settings_obj = from_environment()
    except ValidationError as e:
        first = e.errors()[0]
        name = "CUEGRAPH_" + "_".join(str(p) for p in first["loc"]).upper()
        err_console.print(
            f"error: {name}: {first['msg']}",
            markup=False,
            highlight=False,
            emoji=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    if store:
        settings_obj = settings_obj.model_copy(update={"store": store})
    _settings.set(settings_obj)


def settings() -> Settings:
    """The settings of this invocation (environment plus --store), read once by the root
    command (a command always runs under it)."""
    return _settings.get()


def minter() -> Minter:
    return Minter(settings().base_iri)


def open_cli_store(read_only: bool = False) -> Store:
    """Open the configured store (read-only commands can run beside `cuegraph serve`)."""
    s = settings()
    return open_store(
        s.store, read_only=read_only, update_url=s.update_url, remote_timeout=s.remote_timeout
    )


def command(*args: Any, group: typer.Typer | None = None, **kwargs: Any) -> Callable:
    """``app.command`` (or ``group.command``) that also turns cuegraph errors into one line
    on stderr and exit code 1."""

    def deco(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*a: Any, **k: Any) -> Any:
            try:
                return func(*a, **k)
            except CuegraphError as e:
                err_console.print(
                    f"error: {e.message}",
                    markup=False,
                    highlight=False,
                    emoji=False,
                    soft_wrap=True,
                )
                raise typer.Exit(1) from None
            except KeyboardInterrupt:
                err_console.print("interrupted")
                raise typer.Exit(130) from None

        return (group or app).command(*args, **kwargs)(wrapper)

    return deco


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
