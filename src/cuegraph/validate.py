"""SHACL validation of the graph against ``ontology/shapes.ttl`` (pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from cuegraph.errors import StoreError
from cuegraph.namespaces import SH
from cuegraph.store import Store

__all__ = ["ONTOLOGY_DIR", "ontology_path", "validate_graph", "validate_store", "Report"]

#: the ontology shipped inside the package: ``src/cuegraph/ontology`` is a symbolic link to the
#: repository's top-level ``ontology/`` (the source of truth), copied into wheels as package data
ONTOLOGY_DIR = Path(__file__).resolve().parent / "ontology"


def ontology_path(name: str) -> Path:
    """Path of an ontology file (``ontology/`` in the repository; package data when installed)."""
    path = ONTOLOGY_DIR / name
    if not path.is_file():
        raise StoreError(f"ontology file {path} not found: the cuegraph installation is incomplete")
    return path


@dataclass
class Report:
    """A validation outcome: conforms, and one readable line per violation."""

    conforms: bool
    violations: list[str] = field(default_factory=list)
    text: str = ""


def validate_graph(data: Graph) -> Report:
    """Validate one rdflib Graph (already merged) against the shapes, with the ontology."""
    from pyshacl import validate

    shapes = Graph().parse(ontology_path("shapes.ttl"))
    merged = Graph()
    merged.parse(ontology_path("cuegraph.ttl"))  # role and usage individuals live here
    for triple in data:
        merged.add(triple)
    conforms, results, text = validate(
        merged, shacl_graph=shapes, inference="none", allow_warnings=False
    )
    violations = []
    for res in results.subjects(SH.resultSeverity, None):
        focus = results.value(res, SH.focusNode)
        path = results.value(res, SH.resultPath)
        msg = results.value(res, SH.resultMessage)
        violations.append(f"{focus}: {msg}" + (f" [{path}]" if path is not None else ""))
    return Report(bool(conforms), sorted(violations), str(text))


def validate_store(store: Store, graphs: list[str] | None = None) -> Report:
    """Validate the union of the store's graphs (or the named ones)."""
    data = Graph()
    data.parse(data=store.dump("ntriples", graphs).decode("utf-8"), format="nt")
    return validate_graph(data)
