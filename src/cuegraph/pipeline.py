"""Imports: files -> records -> named graphs. Used by the CLI (`import`, `build`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote

from cuegraph.errors import BadInput, RowError
from cuegraph.graph.iris import Minter
from cuegraph.graph.write import RunSummary, write_run
from cuegraph.harvest import cuesheet, tables
from cuegraph.names import fold, name_keys, title_aliases, title_keys
from cuegraph.records import Person, Work
from cuegraph.store import Store

__all__ = ["person_resolver", "name_resolver", "import_cuesheet", "import_table", "build_from_data",
           "BuildResult", "dump_by_license"]


_NAME_QUERIES = {
    "person": ("cg:Agent", "cg:nativeName"),
    "work": ("cg:Work", "cg:nativeTitle"),
}


def name_resolver(store: Store, minter: Minter, kind: str,
                  extra: Iterable[Person | Work] = (),
                  exclude_graph: str | None = None) -> Callable[[str], str | None]:
    """A function mapping a written name (or id) to the key of a known person or work.

    Known ones are those in the store (outside ``exclude_graph``, the graph about to be
    replaced) plus ``extra`` (records about to be written); names, native names, aliases and
    keys all match. A name equal once folded (:func:`cuegraph.names.fold`) wins; otherwise a
    name sharing a match key with exactly one known person or work (word order, macrons,
    long vowels, punctuation: :func:`cuegraph.names.name_keys` / ``title_keys``); a key
    several share resolves to nobody.
    """
    cls, native = _NAME_QUERIES[kind]
    base = str(minter.person("") if kind == "person" else minter.work(""))
    rows = store.select(
        "PREFIX schema: <https://schema.org/> PREFIX cg: <https://cuegraph.org/ns#>\n"
        f"SELECT ?x ?n WHERE {{ GRAPH ?g {{ ?x a {cls} . {{ ?x schema:name ?n }} "
        f"UNION {{ ?x {native} ?n }} UNION {{ ?x schema:alternateName ?n }} }} "
        + (f"FILTER(?g != <{exclude_graph}>) " if exclude_graph else "") + "}"
    )
    keys_of = name_keys if kind == "person" else title_keys
    exact: dict[str, str] = {}
    by_key: dict[str, set[str]] = {}

    def add(text: str, key: str) -> None:
        exact.setdefault(fold(text), key)
        for k in keys_of(text):
            by_key.setdefault(k, set()).add(key)

    for r in rows:
        if r["x"].startswith(base):
            key = unquote(r["x"][len(base):])  # the key, not its IRI form (%E6… for 梶)
            add(r["n"], key)
            exact.setdefault(fold(key), key)
    for rec in extra:
        names = ((rec.name, rec.native_name, *rec.aliases) if isinstance(rec, Person)
                 else (rec.title, rec.native_title, *rec.aliases,
                       *title_aliases(rec.title, rec.native_title)))
        exact.setdefault(fold(rec.key), rec.key)
        for n in names:
            if n:
                add(n, rec.key)

    def resolve(name: str) -> str | None:
        hit = exact.get(fold(name))
        if hit is not None:
            return hit
        found = {key for k in keys_of(name) for key in by_key.get(k, ())}
        return found.pop() if len(found) == 1 else None

    return resolve


def person_resolver(store: Store, minter: Minter, extra: Iterable[Person] = (),
                    exclude_graph: str | None = None) -> Callable[[str], str | None]:
    """:func:`name_resolver` for people."""
    return name_resolver(store, minter, "person", extra, exclude_graph)


def import_cuesheet(store: Store, minter: Minter, path: Path, *, key: str | None = None,
                    skip_bad_rows: bool = False) -> tuple[RunSummary, list[RowError]]:
    """Import one cue sheet into the named graph ``cuesheet/<key>`` (default: file stem)."""
    key = key or Path(path).stem
    target = str(minter.graph("cuesheet", key))
    records, bad = cuesheet.read_cuesheet(
        path, person_resolver(store, minter, exclude_graph=target),
        name_resolver(store, minter, "work", exclude_graph=target), skip_bad_rows)
    summary = write_run(store, minter, "cuesheet", key, records,
                        license="cc0", used=[Path(path).name], label=f"cue sheet {Path(path).name}")
    return summary, bad


TABLES = ("people", "works", "credits")


def import_table(store: Store, minter: Minter, kind: str, path: Path, *,
                 known_people: set[str] | None = None, known_works: set[str] | None = None,
                 skip_bad_rows: bool = False) -> tuple[RunSummary, list[RowError], list]:
    """Import one seed table (people, works or credits) into the graph ``table/<kind>``."""
    if kind == "people":
        records, bad = tables.read_people(path, skip_bad_rows)
    elif kind == "works":
        records, bad = tables.read_works(path, skip_bad_rows)
    elif kind == "credits":
        records, bad = tables.read_credits(path, known_people, known_works, skip_bad_rows)
    else:
        raise BadInput(f"unknown table kind {kind!r} (one of {', '.join(TABLES)})")
    summary = write_run(store, minter, "table", kind, records, license="cc0",
                        used=[Path(path).name], label=f"seed table {Path(path).name}")
    return summary, bad, records


class BuildResult:
    """What `cuegraph build` loaded."""

    def __init__(self) -> None:
        self.runs: list[RunSummary] = []


def build_from_data(store: Store, minter: Minter, data_dir: Path,
                    on_step: Callable[[str], None] = lambda s: None) -> BuildResult:
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
            sheet, person_resolver(store, minter, people, own),
            name_resolver(store, minter, "work", work_records, own))
        plans.append(("cuesheet", sheet.stem, records, sheet.name))
    result = BuildResult()
    for source, key, records, name in plans:
        on_step(f"write {name}")
        result.runs.append(write_run(store, minter, source, key, records, license="cc0",
                                     used=[name], label=f"{source} {name}"))
    on_step("write the ontology")
    result.runs.append(load_ontology(store, minter))
    return result


def load_ontology(store: Store, minter: Minter):
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
    return write_graph(store, minter, "ontology", "cuegraph", data, license="cc0",
                       used=["ontology/cuegraph.ttl"], label="the cuegraph ontology")


def dump_by_license(store: Store, minter: Minter, license: str, fmt: str = "nquads") -> bytes:
    """The graphs under one licence (a short name of
    :data:`~cuegraph.graph.write.LICENSES` or an IRI), serialised as ``fmt``.

    The provenance graph comes along, cut down to the descriptions of the graphs kept (their
    licence, run, times and request URLs), so the dump still says where its facts came from
    and under which licence; nothing about the graphs left out is included.
    """
    from cuegraph.graph.write import LICENSES
    from cuegraph.queries import load_query
    from cuegraph.store import open_store

    if license not in LICENSES and "://" not in license:
        raise BadInput(f"unknown licence {license!r}; choose from {', '.join(LICENSES)} "
                       "or give a licence IRI")
    wanted = LICENSES.get(license, license)
    kept = [r["graph"] for r in store.select(load_query("sources")) if r["license"] == wanted]
    out = open_store("memory:")
    for g in kept:
        out.replace_graph(g, store.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> "
                                             "{ ?s ?p ?o } }"))
    if kept:
        prov = str(minter.provenance_graph())
        about = " || ".join(f'?s = <{g}> || STRSTARTS(STR(?s), "{g}#")' for g in kept)
        out.replace_graph(prov, store.construct(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{prov}> {{ ?s ?p ?o FILTER({about}) }} }}"))
    return out.dump(fmt)
