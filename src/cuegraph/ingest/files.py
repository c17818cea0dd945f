"""Local files -> records -> named graphs: cue sheets, seed tables, the whole ``data/``
folder (``cuegraph build``), the ontology, and RDF files (``cuegraph load``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from cuegraph.errors import BadInput, RowError
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import RunSummary, write_run
from cuegraph.harvest import cuesheet, tables
from cuegraph.ingest.resolve import name_resolver, person_resolver
from cuegraph.records import Person, Work
from cuegraph.store import Store

__all__ = [
    "import_cuesheet",
    "import_table",
    "build_from_data",
    "BuildResult",
    "TABLES",
    "load_ontology",
    "load_rdf_files",
]


def import_cuesheet(
    store: Store, minter: Minter, path: Path, *, key: str | None = None, skip_bad_rows: bool = False
) -> tuple[RunSummary, list[RowError]]:
    """Import one cue sheet into the named graph ``cuesheet/<key>`` (default: file stem)."""
    key = key or Path(path).stem
    target = str(minter.graph("cuesheet", key))
    records, bad = cuesheet.read_cuesheet(
        path,
        person_resolver(store, minter, exclude_graph=target),
        name_resolver(store, minter, "work", exclude_graph=target),
        skip_bad_rows,
    )
    summary = write_run(
        store,
        minter,
        "cuesheet",
        key,
        records,
        license="cc0",
        used=[Path(path).name],
        label=f"cue sheet {Path(path).name}",
    )
    return summary, bad


TABLES = ("people", "works", "credits")


def import_table(
    store: Store,
    minter: Minter,
    kind: str,
    path: Path,
    *,
    known_people: set[str] | None = None,
    known_works: set[str] | None = None,
    skip_bad_rows: bool = False,
) -> tuple[RunSummary, list[RowError], list]:
    """Import one seed table (people, works or credits) into the graph ``table/<kind>``."""
    if kind == "people":
        records, bad = tables.read_people(path, skip_bad_rows)
    elif kind == "works":
        records, bad = tables.read_works(path, skip_bad_rows)
    elif kind == "credits":
        records, bad = tables.read_credits(path, known_people, known_works, skip_bad_rows)
    else:
        raise BadInput(f"unknown table kind {kind!r} (one of {', '.join(TABLES)})")
    summary = write_run(
        store,
        minter,
        "table",
        kind,
        records,
        license="cc0",
        used=[Path(path).name],
        label=f"seed table {Path(path).name}",
    )
    return summary, bad, records


class BuildResult:
    """What `cuegraph build` loaded."""

    def __init__(self) -> None:
        self.runs: list[RunSummary] = []


def build_from_data(
    store: Store, minter: Minter, data_dir: Path, on_step: Callable[[str], None] = lambda s: None
) -> BuildResult:
    """Import everything in ``data_dir``: the tables, then every cue sheet in ``cuesheets/``.

    Every file is read and checked before anything is written: a bad row anywhere stops the
    build with the file, line and reason, and the store is left as it was.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BadInput(f"no data directory at {data_dir}")
    plans: list[tuple[str, str, list, str]] = []  # (source, key, records, file name)
    people: list[Person] = []
    work_records: list[Work] = []
    works: set[str] = set()
    for kind in TABLES:
        path = data_dir / f"{kind}.csv"
        if not path.exists():
            continue
        on_step(f"check {kind}.csv")
        if kind == "people":
            records, _ = tables.read_people(path)
            people = [r for r in records if isinstance(r, Person)]
        elif kind == "works":
            records, _ = tables.read_works(path)
            work_records = [r for r in records if isinstance(r, Work)]
            works = {r.key for r in work_records}
        else:
            records, _ = tables.read_credits(path, {p.key for p in people}, works)
        plans.append(("table", kind, records, path.name))
    for sheet in sorted((data_dir / "cuesheets").glob("*.csv")):
        on_step(f"check cuesheets/{sheet.name}")
        own = str(minter.graph("cuesheet", sheet.stem))
        records, _ = cuesheet.read_cuesheet(
            sheet,
            person_resolver(store, minter, people, own),
            name_resolver(store, minter, "work", work_records, own),
        )
        plans.append(("cuesheet", sheet.stem, records, sheet.name))
    result = BuildResult()
    for source, key, records, name in plans:
        on_step(f"write {name}")
        result.runs.append(
            write_run(
                store,
                minter,
                source,
                key,
                records,
                license="cc0",
                used=[name],
                label=f"{source} {name}",
            )
        )
    on_step("write the ontology")
    result.runs.append(load_ontology(store, minter))
    return result


def load_ontology(store: Store, minter: Minter) -> RunSummary:
    """Write ``ontology/cuegraph.ttl`` into its own named graph (``{base}graph/ontology/
    cuegraph``), so queries can show the labels of classes, properties, roles and usages:
    every ``skos:prefLabel`` is also given as ``rdfs:label``."""
    from rdflib import BNode, Graph, URIRef
    from rdflib.compare import to_canonical_graph
    from rdflib.namespace import RDFS, SKOS

    from cuegraph.graph.write import write_graph
    from cuegraph.validate import ontology_path

    parsed = Graph().parse(ontology_path("cuegraph.ttl"), format="turtle")
    for subject, label in list(parsed.subject_objects(SKOS.prefLabel)):
        parsed.add((subject, RDFS.label, label))
    # blank nodes (owl:oneOf lists ...) get names from their canonical labels (RDF graph
    # canonicalisation), so every build, in every process, writes the same triples
    base = str(minter.graph("ontology", "cuegraph")) + "#b"

    def stable(node):
        return URIRef(base + str(node)) if isinstance(node, BNode) else node

    data = Graph()
    for s, p, o in to_canonical_graph(parsed):
        data.add((stable(s), p, stable(o)))
    return write_graph(
        store,
        minter,
        "ontology",
        "cuegraph",
        data,
        license="cc0",
        used=["ontology/cuegraph.ttl"],
        label="the cuegraph ontology",
    )


def load_rdf_files(
    store: Store,
    files: Sequence[Path],
    *,
    graph: str | None = None,
    format: str | None = None,
    allow_remote_context: bool = False,
    on_file: Callable[[Path], None] = lambda f: None,
) -> int:
    """Load RDF files with Oxigraph's own parsers (``cuegraph load``): each triples file
    replaces its named graph (``graph``, default ``file:///<absolute path>``), quads files
    keep the graphs they name; each replace is atomic. Returns the triples loaded."""
    total = 0
    for f in files:
        on_file(f)
        target = graph or Path(f).resolve().as_uri()
        total += store.load_file(f, target, format, allow_remote_context=allow_remote_context)
    return total
