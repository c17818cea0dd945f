"""``cuegraph export``: draw a slice of the graph as GraphML, GEXF, JSON, DOT, HTML, SVG, PNG."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cuegraph.cli.common import command, err_console, minter, open_cli_store
from cuegraph.errors import BadInput

__all__ = ["export"]


@command("export")
def export(
    composer: Annotated[
        str | None,
        typer.Option(
            help="Start from this person or group: an id (yuki-kajiura), an IRI, a name or a "
            "native name."
        ),
    ] = None,
    work: Annotated[
        str | None,
        typer.Option(
            help="Start from this work: an id (madoka-magica), an IRI, a title or native title."
        ),
    ] = None,
    sparql: Annotated[
        str | None,
        typer.Option(
            help="Draw the result of this CONSTRUCT query (a .rq file); cuegraph prefixes are "
            "predeclared."
        ),
    ] = None,
    view: Annotated[
        str,
        typer.Option(
            help="credits (people, works, songs, cues; edges are roles), bipartite "
            "(composer-work), collaboration (people sharing works, weighted), or rdf "
            "(every triple)."
        ),
    ] = "credits",
    depth: Annotated[
        int | None, typer.Option(help="Steps from --composer/--work to include (0-5, default 2).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="graphml, gexf, cytoscape, nodelink, dot, html, svg or png (default: from the "
            "-o file's extension, else cytoscape).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: standard output)."),
    ] = None,
    max_nodes: Annotated[
        int, typer.Option(help="html/svg/png: above this many nodes, draw a sample and warn.")
    ] = 2000,
) -> None:
    """Export a slice of the graph for Gephi, yEd, Cytoscape, D3, Graphviz or a browser.

    Without --composer, --work or --sparql the whole graph is exported. Runs read-only, so it
    works while `cuegraph serve` holds the store.

    Examples:

      cuegraph export --composer "Yuki Kajiura" --depth 2 --format gexf -o kajiura.gexf

      cuegraph export --work madoka-magica --format html -o madoka.html

      cuegraph export --view collaboration --format graphml -o collab.graphml

      cuegraph export --sparql my-construct.rq --format cytoscape -o slice.json
    """
    from cuegraph.export import ExportRequest, run_export
    from cuegraph.export.fetch import read_sparql
    from cuegraph.export.formats import format_for_path

    if fmt is None:
        guessed = format_for_path(output.name) if output else None
        fmt = guessed.name if guessed else "cytoscape"
    req = ExportRequest(
        format=fmt, view=view, composer=composer, work=work, depth=depth, max_nodes=max_nodes
    )
    target = req.check()
    if output is None and target.name == "png" and sys.stdout.isatty():
        raise BadInput("a PNG is binary: write it to a file with -o FILE.png")
    if output is not None and output.parent and not output.parent.is_dir():
        raise BadInput(f"no such directory: {output.parent}")
    if sparql is not None:
        req.sparql = read_sparql(sparql)
    with open_cli_store(read_only=True) as store:
        result = run_export(store, minter(), req)
    for warning in result.warnings:
        err_console.print(f"warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    if output is None:
        sys.stdout.buffer.write(result.body)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(result.body)
    except OSError as e:
        raise BadInput(f"cannot write {output}: {e.strerror or e}") from None
    err_console.print(
        f"wrote {output} ({result.format.name}: {result.nodes} nodes, {result.edges} edges)",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
