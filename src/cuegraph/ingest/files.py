"""Local files -> records -> named graphs: cue sheets, seed tables, the whole ``data/``
folder (``cuegraph build``), the ontology, and RDF files (``cuegraph load``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from cuegraph.errors import BadInput, RowError
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import RunSummary, write_run
from cuegraph.harvest import cuesheet, tables
from cuegraph.ingest.resolve import resolvers
from cuegraph.records import Person, Record, Work
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

TABLES = ("people", "works", "credits")
#: the PROV-O label of a run, by source, whichever command wrote it (``build`` or ``import``)
LABELS = {"table": "seed table", "cuesheet": "cue sheet"}


def _read_table(
    kind: str,
    path: Path,
    *,
    known_people: set[str] | None = None,
    known_works: set[str] | None = None,
    skip_bad_rows: bool = False,
) -> tuple[list[Record], list[RowError]]:
    """The records of one seed table (people, works or credits) and the bad rows skipped;
    credits are checked against ``known_people``/``known_works`` (keys)."""
    if kind == "people":
        return tables.read_people(path, skip_bad_rows)
    if kind == "works":
        return tables.read_works(path, skip_bad_rows)
    if kind == "credits":
        return tables.read_credits(path, known_people, known_works, skip_bad_rows)
    raise BadInput(f"unknown table kind {kind!r} (one of {', '.join(TABLES)})")


def _read_cuesheet(
    store: Store,
    minter: Minter,
    path: Path,
    key: str,
    *,
    people: Iterable[Person] = (),
    works: Iterable[Work] = (),
    skip_bad_rows: bool = False,
) -> tuple[list[Record], list[RowError]]:
    """The records of one cue sheet, its names resolved against the store (outside the
    sheet's own graph, about to be replaced) and the ``people``/``works`` about to be
    written."""
    person, work = resolvers(
        store,
        minter,
        people=people,
        works=works,
        exclude_graph=str(minter.graph("cuesheet", key)),
    )
    return cuesheet.read_cuesheet(path, person, work, skip_bad_rows)


def _write(
    store: Store, minter: Minter, source: str, key: str, records: list[Record], path: Path
) -> RunSummary:
    """Write one file's records as the run ``source``/``key`` (licence CC0)."""
    name = Path(path).name
    return write_run(
        store,
        minter,
        source,
        key,
        records,
        license="cc0",
        used=[name],
        label=f"{LABELS[source]} {name}",
    )


def import_cuesheet(
    store: Store, minter: Minter, path: Path, *, key: str | None = None, skip_bad_rows: bool = False
) -> tuple[RunSummary, list[RowError]]:
    """Import one cue sheet into the named graph ``cuesheet/<key>`` (default: file stem)."""
    key = key or Path(path).stem
    records, bad = _read_cuesheet(store, minter, path, key, skip_bad_rows=skip_bad_rows)
    return _write(store, minter, "cuesheet", key, records, path), bad


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
    records, bad = _read_table(
        kind,
        path,
        known_people=known_people,
        known_works=known_works,
        skip_bad_rows=skip_bad_rows,
    )
    return _write(store, minter, "table", kind, records, path), bad, records


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
    plans: list[tuple[str, str, list[Record], Path]] = []  # (source, key, records, file)
    people: list[Person] = []
    works: list[Work] = []
    for kind in TABLES:
        path = data_dir / f"{kind}.csv"
        if not path.exists():
            continue
        on_step(f"check {kind}.csv")
        records, _ = _read_table(
            kind,
            path,
            known_people={p.key for p in people},
            known_works={w.key for w in works},
        )
        people += [r for r in records if isinstance(r, Person)]
        works += [r for r in records if isinstance(r, Work)]
        plans.append(("table", kind, records, path))
    for sheet in sorted((data_dir / "cuesheets").glob("*.csv")):
        on_step(f"check cuesheets/{sheet.name}")
        records, _ = _read_cuesheet(store, minter, sheet, sheet.stem, people=people, works=works)
        plans.append(("cuesheet", sheet.stem, records, sheet))
    result = BuildResult()
    for source, key, records, path in plans:
        on_step(f"write {path.name}")
        result.runs.append(_write(store, minter, source, key, records, path))
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
