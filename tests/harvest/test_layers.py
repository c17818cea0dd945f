"""harvest/ turns sources into records and never reaches the store: the ingest layer
(cuegraph.ingest) writes. Checked on what importing every harvest module really loads,
and on every import statement they contain (function-level ones too)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import cuegraph.harvest

HARVEST = Path(cuegraph.harvest.__file__).parent
#: what harvest/ may not import: the store, the layers above it, the writers
FORBIDDEN = (
    "cuegraph.store",
    "cuegraph.ingest",
    "cuegraph.graph.write",
    "cuegraph.dumps",
    "cuegraph.api",
    "cuegraph.cli",
    "cuegraph.engine",
)


def test_importing_every_harvest_module_loads_no_store_or_writer():
    code = (
        "import importlib, pkgutil, sys, cuegraph.harvest as h\n"
        "for m in pkgutil.iter_modules(h.__path__):\n"
        "    importlib.import_module('cuegraph.harvest.' + m.name)\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "cuegraph.harvest.wikidata" in loaded and "cuegraph.harvest.sources" in loaded
    assert [m for m in loaded if m.startswith(FORBIDDEN)] == []


def test_no_harvest_module_names_the_store_or_a_writer():
    found = []
    for path in sorted(HARVEST.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            found += [f"{path.name}: {n}" for n in names if n.startswith(FORBIDDEN)]
    assert found == []
