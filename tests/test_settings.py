"""Settings are read from the environment in one place, and passed down explicitly."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

import cuegraph
from cuegraph.config import Settings, from_environment

SRC = Path(cuegraph.__file__).parent


def test_settings_read_only_their_arguments(monkeypatch):
    monkeypatch.setenv("CUEGRAPH_MAX_ROWS", "7")
    monkeypatch.setenv("CUEGRAPH_QUERY_MEMORY", "2M")
    assert Settings().max_rows == 10000 and Settings(max_rows=3).max_rows == 3
    read = from_environment()
    assert type(read) is Settings
    assert (read.max_rows, read.query_memory) == (7, 2 << 20)
    assert from_environment(max_rows=3).max_rows == 3  # arguments win
    monkeypatch.setenv("CUEGRAPH_PORT", "eighty")
    with pytest.raises(ValidationError) as err:
        from_environment()
    assert err.value.errors()[0]["loc"] == ("port",)  # the CLI names CUEGRAPH_PORT from it


def _calls(name: str) -> list[str]:
    """``module:line`` of every call of ``name`` (a plain name or an attribute) in src."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                called = f.id if isinstance(f, ast.Name) else getattr(f, "attr", None)
                if called == name:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_one_place_reads_the_environment():
    """The CLI's root command is the only caller of ``from_environment``; nothing else in
    the package builds settings (``create_app`` and ``open_store`` take what the caller
    read), and no module reads ``os.environ`` for settings."""
    assert [c.split(":")[0] for c in _calls("from_environment")] == ["cli/common.py"]
    assert [c for c in _calls("Settings") if not c.startswith("config.py:")] == []
    readers = set()
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")) or (
                isinstance(node, ast.Name) and node.id in ("environ", "getenv")
            ):
                readers.add(str(path.relative_to(SRC)))
    # the query workers' environment is a copy of ours; the sandbox marks its children
    assert readers == {"engine/pool.py", "sandbox.py"}


def test_create_app_takes_its_settings():
    import inspect

    from cuegraph.api import create_app

    parameter = inspect.signature(create_app).parameters["settings"]
    assert parameter.default is inspect.Parameter.empty
