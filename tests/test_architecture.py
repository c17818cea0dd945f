"""Import rules between the layers (docs/architecture.md), checked on a real parse of the
source with :mod:`ast` — every ``import`` and ``from … import`` anywhere in a module (inside
functions too: a lazy import is still a dependency), except under ``if TYPE_CHECKING:``.

* ``harvest/`` turns a source's answers into records: it never reaches the store, not even
  through another module (the rule follows imports transitively).
* ``dumps/`` reads a dump into records the same way: it never reaches the store or the
  writers (``graph/write``; ``ingest/dumps.py`` writes what it reads).
* the store side (``store.py``, ``engine/``, ``rdfload.py``) never reaches the API, the CLI,
  the exports or the ingest layer.
* only the store side imports pyoxigraph: everyone else goes through :class:`cuegraph.store.Store`
  (the one exception, listed in the test, uses only its IRI parser to check input values).
* no import cycles inside a package (``export/formats`` <-> ``html``/``images`` was one).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: the store side: the only modules that may import pyoxigraph
STORE_SIDE = ("cuegraph.store", "cuegraph.engine", "cuegraph.rdfload")
#: what harvest/ may not reach: the store side and everything that writes through it
STORE_USERS = (
    *STORE_SIDE,
    "cuegraph.ingest",
    "cuegraph.graph.write",
    "cuegraph.graph.identity",
    "cuegraph.graph.conflicts",
    "cuegraph.dumps",
    "cuegraph.api",
    "cuegraph.cli",
)
#: what dumps/ may not reach: what harvest/ may not (dumps/ itself aside; harvest/ is allowed)
DUMPS_MAY_NOT_REACH = tuple(m for m in STORE_USERS if m != "cuegraph.dumps")
#: what the store side may not reach
ABOVE_STORE = (
    "cuegraph.api",
    "cuegraph.cli",
    "cuegraph.export",
    "cuegraph.ingest",
    "cuegraph.harvest",
    "cuegraph.dumps",
    "cuegraph.audio",
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted((SRC / "cuegraph").rglob("*.py"))}


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@cache
def imports_of(module: str) -> frozenset[str]:
    """Every module ``module`` imports (absolute names; ``from p import m`` gives ``p.m`` when
    that is a module)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                for stmt in child.orelse:  # type: ignore[attr-defined]  # an ast.If
                    visit_one(stmt)
            else:
                visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES)
        visit(node)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return frozenset(found)


def reachable(module: str) -> dict[str, str]:
    """Every cuegraph module importing ``module`` runs (packages' ``__init__`` too), each with
    the module that imports it (to print the path of a broken rule)."""
    via = {module: ""}
    todo = [module]
    while todo:
        current = todo.pop()
        for name in imports_of(current):
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                prefix = ".".join(parts[:i])
                if prefix in MODULES and prefix not in via:
                    via[prefix] = current
                    todo.append(prefix)
    return via


def _chain(via: dict[str, str], end: str) -> str:
    chain = [end]
    while via[chain[-1]]:
        chain.append(via[chain[-1]])
    return " <- ".join(chain)


def _under(module: str, roots: tuple[str, ...]) -> bool:
    return any(module == r or module.startswith(r + ".") for r in roots)


def _broken(start: str, forbidden: tuple[str, ...]) -> list[str]:
    via = reachable(start)
    return [_chain(via, m) for m in sorted(via) if _under(m, forbidden)]


def test_the_parse_sees_imports():
    """The rules below are only as good as the parse: it must see what is there."""
    assert "cuegraph.engine.oxquery" in imports_of("cuegraph.store")  # a lazy import
    assert "pyoxigraph" in imports_of("cuegraph.store")
    assert _broken("cuegraph.api", ("cuegraph.store",))  # the API does reach the store
    assert _broken("cuegraph.cli", ("cuegraph.harvest",))


@pytest.mark.parametrize("module", [m for m in MODULES if _under(m, ("cuegraph.harvest",))])
def test_harvest_never_reaches_the_store(module):
    assert _broken(module, STORE_USERS) == []


@pytest.mark.parametrize("module", [m for m in MODULES if _under(m, ("cuegraph.dumps",))])
def test_dumps_never_reach_the_store_or_a_writer(module):
    """A dump reader hands out records; the ingest layer spools and writes them."""
    assert _broken(module, DUMPS_MAY_NOT_REACH) == []


@pytest.mark.parametrize("module", [m for m in MODULES if _under(m, STORE_SIDE)])
def test_the_store_side_never_reaches_the_layers_above(module):
    assert _broken(module, ABOVE_STORE) == []


def _pyoxigraph_names(module: str) -> set[str]:
    """The pyoxigraph names ``module`` uses (``pyoxigraph.X`` attributes, ``from pyoxigraph
    import X``)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    aliases = {
        a.asname or a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import)
        for a in n.names
        if a.name == "pyoxigraph"
    }
    names = {
        a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module == "pyoxigraph"
        for a in n.names
    }
    names |= {
        n.attr
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in aliases
    }
    return names


def test_only_the_store_side_imports_pyoxigraph():
    """Outside the store side, pyoxigraph may serve only as an IRI parser (RFC 3987 checks of
    input values, never a store or a query), and only where listed here."""
    iri_parser_only = {"cuegraph.harvest.csvfile"}
    importers = sorted(
        m
        for m in MODULES
        if any(i.split(".")[0] in ("pyoxigraph", "oxrdflib") for i in imports_of(m))
    )
    assert importers  # the store does (the parse works)
    assert [m for m in importers if not _under(m, STORE_SIDE) and m not in iri_parser_only] == []
    for module in iri_parser_only & set(importers):
        assert _pyoxigraph_names(module) <= {"NamedNode"}, module
    assert "Store" in _pyoxigraph_names("cuegraph.store")  # the name check sees names


def _cycles(package: str) -> list[list[str]]:
    """Import cycles among the modules of ``package`` (its ``__init__`` left out: it only
    re-exports)."""
    members = [m for m in MODULES if m.startswith(package + ".")]
    graph = {m: sorted(i for i in imports_of(m) if i in members) for m in members}
    found, state = [], dict.fromkeys(members, 0)

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for n in graph[m]:
            if state[n] == 1:
                found.append([*path[path.index(n) :], n])
            elif state[n] == 0:
                visit(n, [*path, n])
        state[m] = 2

    for m in members:
        if state[m] == 0:
            visit(m, [m])
    return found


@pytest.mark.parametrize(
    "package",
    ["cuegraph.export", "cuegraph.graph", "cuegraph.harvest", "cuegraph.audio", "cuegraph.ingest"],
)
def test_no_import_cycles(package):
    """e.g. export/formats imported html and images, which imported formats back."""
    assert _cycles(package) == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _under(m, ("cuegraph.audio",))))
def test_audio_never_reaches_the_edges(module):
    """audio/ matches clips; the API and CLI add the credits and ids (``api/data/identify``)."""
    assert _broken(module, ("cuegraph.api", "cuegraph.cli")) == []
