"""Core commands: build, import, load, query, stats, validate, dump, serve."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cuegraph.cli.common import (
    app,
    command,
    console,
    err_console,
    minter,
    open_cli_store,
    settings,
)
from cuegraph.errors import BadInput
from cuegraph.graph.write import LICENSES
from cuegraph.store import GRAPH_FORMATS, RESULT_FORMATS, Store

__all__ = ["say", "loaded_summary", "import_app"]

import_app = typer.Typer(
    help="Import local files (cue sheets, seed tables) into the store.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(import_app, name="import")


def say(text: str, err: bool = False) -> None:
    """Print one plain line on stdout (or stderr): no markup, emoji codes, highlighting or
    wrapping, so IRIs (``urn:x:…``), file names and messages come out exactly as they are."""
    (err_console if err else console).print(
        text, markup=False, emoji=False, highlight=False, soft_wrap=True
    )


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


def loaded_summary(store: Store) -> dict[str, int]:
    """Triples, people, works, songs, cues and credits in the store."""
    from cuegraph.queries import load_query

    row = (store.select(load_query("counts")) or [{}])[0]
    out = {"triples": store.triple_count()}
    out.update({k: int(row.get(k, 0)) for k in ("people", "works", "songs", "cues", "credits")})
    return out


def _print_summary(store: Store) -> None:
    s = loaded_summary(store)
    say("loaded: " + ", ".join(f"{v} {k}" for k, v in s.items()))


@command("build")
def build(
    data_dir: Annotated[
        Path,
        typer.Argument(help="Folder with people.csv, works.csv, credits.csv and cuesheets/*.csv."),
    ] = Path("data"),
) -> None:
    """Build the graph from data/ (one named graph per file).

    DATA_DIR (default: data/) holds people.csv, works.csv, credits.csv and cuesheets/*.csv.
    Every file is checked first; a bad row stops the build before anything is written.
    Running it again replaces each file's graph, so the result is the same.
    """
    from cuegraph.ingest import build_from_data

    with open_cli_store() as store:
        files = 3 + len(list((data_dir / "cuesheets").glob("*.csv")))
        with _progress() as bar:
            task = bar.add_task("building", total=files * 2)
            result = build_from_data(
                store,
                minter(),
                data_dir,
                on_step=lambda s: bar.update(task, advance=1, description=s),
            )
        for run in result.runs:
            say(f"  {run.graph}: {run.records} records, {run.triples} triples")
        _print_summary(store)
        _resolve(store)


@command("cuesheet", group=import_app)
def import_cuesheet(
    file: Annotated[Path, typer.Argument(help="The cue sheet (UTF-8 CSV).")],
    key: Annotated[
        str | None,
        typer.Option(
            help="Graph key (default: the file name "
            "without .csv); importing the same key again "
            "replaces it."
        ),
    ] = None,
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            "--skip-bad-rows",
            help="Import the good rows and list the bad ones (default: reject "
            "the whole file on any bad row).",
        ),
    ] = False,
) -> None:
    """Import a cue sheet: one row per cue.

    Columns: work, episode, start, end, title, usage, credits, source (+ optional scene,
    notes). Times are HH:MM:SS(.ms), MM:SS or seconds; usage is opening, ending, insert,
    score or silence; credits are role=name pairs separated by ';' (roles: composer,
    lyricist, arranger, performer, singer, conductor, orchestrator, score_composer); source
    is the URL the row's facts come from. A malformed row is reported with its line number.
    """
    from cuegraph.ingest import import_cuesheet as run

    with open_cli_store() as store:
        summary, bad = run(store, minter(), file, key=key, skip_bad_rows=skip_bad_rows)
        _resolve(store)
    for row in bad:
        say(f"skipped {file}: {row}", err=True)
    say(
        f"imported {summary.records} records into {summary.graph} "
        f"({summary.triples} triples, +{summary.added} -{summary.removed})"
    )


@command("table", group=import_app)
def import_table(
    kind: Annotated[str, typer.Argument(help="people, works or credits")],
    file: Annotated[Path, typer.Argument(help="The table (UTF-8 CSV).")],
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            "--skip-bad-rows",
            help="Import the good rows and list the bad ones (default: reject "
            "the whole file on any bad row).",
        ),
    ] = False,
) -> None:
    """Import one seed table (see data/README.md for the columns)."""
    from cuegraph.ingest import import_table as run

    with open_cli_store() as store:
        summary, bad, _ = run(store, minter(), kind, file, skip_bad_rows=skip_bad_rows)
        _resolve(store)
    for row in bad:
        say(f"skipped {file}: {row}", err=True)
    say(f"imported {summary.records} records into {summary.graph}")


@command("load")
def load(
    files: Annotated[list[Path], typer.Argument(help="RDF files: .ttl .nt .nq .trig .jsonld .rdf")],
    graph: Annotated[
        str | None,
        typer.Option(help="Named graph IRI for triples files (default: file:///<absolute path>)."),
    ] = None,
    format: Annotated[
        str | None, typer.Option(help=f"Force a format: {', '.join(GRAPH_FORMATS)}")
    ] = None,
    allow_remote_context: Annotated[
        bool,
        typer.Option(
            "--allow-remote-context",
            help="Let a JSON-LD file's @context/@import name documents "
            "to fetch (http, https, file); they are read by rdflib. Default: refused, loading "
            "never touches the network or other files.",
        ),
    ] = False,
) -> None:
    """Load RDF files with Oxigraph's own parsers (strict: bad IRIs or literals are refused).

    Each triples file replaces its own named graph; N-Quads, TriG and JSON-LD files keep the
    graphs they name (their default-graph triples go to --graph). A replace is atomic: a
    failure, a full disk or a kill leaves the previous graphs as they were. RDF/XML with
    external or exploding DTD entities is refused.
    """
    from cuegraph.ingest import load_rdf_files

    with open_cli_store() as store, _progress() as bar:
        task = bar.add_task("loading", total=len(files))
        total = load_rdf_files(
            store,
            files,
            graph=graph,
            format=format,
            allow_remote_context=allow_remote_context,
            on_file=lambda f: bar.update(
                task, description=f"loading {f.name}", completed=files.index(f)
            ),
        )
        _resolve(store)
    say(f"loaded {total} triples from {len(files)} file(s)")


def _resolve(store: Store) -> None:
    """Identity resolution after an import (see `cuegraph resolve`)."""
    from cuegraph.cli.identity import resolve_after_import

    resolve_after_import(store)


def _read_query(text: str) -> str:
    if text == "-":
        return sys.stdin.read()
    if text.endswith((".rq", ".sparql")):
        path = Path(text)
        if not path.is_file():
            raise BadInput(f"no such query file: {text}")
        return path.read_text(encoding="utf-8")
    return text


@command("query")
def query(
    sparql: Annotated[str, typer.Argument(help="A SPARQL query, a .rq file, or - for stdin.")],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table, json, csv (SELECT/ASK; a cell starting "
            "= + - @ gets a leading ' so spreadsheets show "
            "it as text) or turtle, ntriples "
            "(CONSTRUCT)",
        ),
    ] = "table",
) -> None:
    """Run a read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE).

    It works while `cuegraph serve` holds the store. The default graph is the union of all
    named graphs. Cuegraph prefixes (cg:, schema:, mo:, po:, prov:, relators: ...) are
    predeclared.
    """
    from cuegraph.api.sparql.text import refuse_remote_access
    from cuegraph.namespaces import PREFIXES

    text = _read_query(sparql)
    if format not in ("table", *RESULT_FORMATS, *GRAPH_FORMATS):
        raise BadInput(f"unknown format {format!r}")
    refuse_remote_access(text)  # SERVICE: one error line, as /sparql refuses it (no fetch)
    with open_cli_store(read_only=True) as store:
        # prefixes predeclared, not prepended: error positions are the user's lines
        if format in GRAPH_FORMATS:
            out = store.query_serialized(text, graph_format=format, prefixes=PREFIXES)
            sys.stdout.write(out.body.decode("utf-8"))
            return
        res_fmt = "json" if format == "table" else format
        out = store.query_serialized(text, result_format=res_fmt, prefixes=PREFIXES)
    if out.form == "graph" and format != "table":
        raise BadInput("a CONSTRUCT/DESCRIBE query needs --format turtle or ntriples")
    if format == "csv":  # for spreadsheets: formula-like cells guarded (OWASP CSV injection)
        from cuegraph.csvguard import guard_csv

        sys.stdout.write(guard_csv(out.body.decode("utf-8")))
        return
    if format != "table" or out.form == "graph":
        sys.stdout.write(out.body.decode("utf-8"))
        return
    data = json.loads(out.body)
    if out.form == "ask":
        console.print("yes" if data.get("boolean") else "no")
        return
    names = _column_order(text, data["head"]["vars"])
    table = Table(show_lines=False)
    for name in names:  # long IRIs wrap onto more lines, never cut to "…"
        table.add_column(name, overflow="fold")
    rows = data["results"]["bindings"]
    for b in rows:
        table.add_row(*[b[n]["value"] if n in b else "" for n in names])
    console.print(table)
    console.print(f"{len(rows)} row(s)")


def _column_order(query: str, names: list[str]) -> list[str]:
    """``SELECT *`` columns in the order the query first mentions them (the engine's order
    otherwise), so a table reads like the query.

    >>> _column_order("SELECT * { ?work <p> ?title . ?title <q> ?a }", ["a", "title", "work"])
    ['work', 'title', 'a']
    """
    import re

    select = re.search(r"(?is)\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", query)
    if not select:
        return names
    first: dict[str, int] = {}
    for m in re.finditer(r"[?$]([A-Za-z0-9_\u00b7\u00c0-\uffff]+)", query[select.end() :]):
        first.setdefault(m.group(1), m.start())
    return sorted(names, key=lambda n: (first.get(n, len(query)), names.index(n)))


@command("stats")
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Count triples, people, works, cues; list the source graphs.

    Also songs and credits; per source graph its licence, when it was generated and how many
    records it holds."""
    from cuegraph.queries import load_query

    with open_cli_store(read_only=True) as store:
        summary = loaded_summary(store)
        sources = store.select(load_query("sources"))
    if as_json:
        console.print_json(json.dumps({"counts": summary, "sources": sources}))
        return
    for k, v in summary.items():
        console.print(f"{k:>8}: {v}")
    table = Table("graph", "source", "license", "generated", "records")
    for s in sources:
        table.add_row(s["graph"], s["source"], s["license"], s["generated"], str(s.get("records")))
    console.print(table)


@command("validate")
def validate() -> None:
    """Check the graph against the SHACL shapes (ontology/shapes.ttl).

    Exits 1 and lists each violation when the graph does not conform.
    """
    from cuegraph.validate import validate_store

    with open_cli_store(read_only=True) as store:
        report = validate_store(store)
    if report.conforms:
        console.print("conforms: the graph passes every SHACL shape")
        return
    for v in report.violations:
        say(f"violation: {v}", err=True)
    say(f"error: {len(report.violations)} SHACL violation(s)", err=True)
    raise typer.Exit(1)


@command("dump")
def dump(
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="nquads, trig (graphs kept) or turtle, ntriples, jsonld, rdfxml (merged)",
        ),
    ] = "nquads",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout)")
    ] = None,
    license: Annotated[
        str | None,
        typer.Option(
            "--license",
            help=f"Only graphs under this licence: {', '.join(LICENSES)} or an IRI "
            "(with their provenance)",
        ),
    ] = None,
) -> None:
    """Write the store (or the graphs under one licence) as RDF."""
    from cuegraph.graph.by_license import dump_by_license

    if format not in GRAPH_FORMATS:
        raise BadInput(f"unknown format {format!r}; choose from {', '.join(GRAPH_FORMATS)}")
    with open_cli_store(read_only=True) as store:
        if license:
            data = dump_by_license(store, minter(), license, format)
        else:
            data = store.dump(format)
    if output:
        output.write_bytes(data)
        say(f"wrote {len(data)} bytes to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)


@command("serve")
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address (default 127.0.0.1; CUEGRAPH_HOST)")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000; CUEGRAPH_PORT)")] = None,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log one line per request to stderr (off by default: it costs about a third "
            "of the server's time per small request)",
        ),
    ] = False,
) -> None:
    """Serve the web page, the API and the SPARQL endpoint over HTTP."""
    import uvicorn

    from cuegraph.api import create_app

    s = settings()
    s = s.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v})
    store = open_cli_store()
    summary = loaded_summary(store)
    url = f"http://{s.host}:{s.port}/"
    # one line each, never wrapped: the URL stays clickable in a narrow terminal
    say(f"cuegraph serving {s.store}: " + ", ".join(f"{v} {k}" for k, v in summary.items()))
    say(f"open {url}  ·  SPARQL {url}sparql  ·  API docs {url}docs")
    app_ = create_app(store, s, close_store=True)
    from cuegraph.api.security import header_deadline_protocol

    # httptools (else h11) with a deadline on request headers (slow clients cannot hold
    # connections); uvloop when installed (loop="auto")
    uvicorn.run(
        app_,
        host=s.host,
        port=s.port,
        log_level="info",
        access_log=access_log,
        http=header_deadline_protocol(s.header_timeout),
    )
