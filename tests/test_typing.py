"""The type checker's configuration (``[tool.mypy]`` in pyproject.toml) catches what it is
there to catch; ``make lint`` and ``make test`` run it over ``src/cuegraph``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from support import ROOT

MYPY = Path(sys.executable).with_name("mypy")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    """One mypy cache for the module (typeshed is analysed once, not per test)."""
    return tmp_path_factory.mktemp("mypy-cache")


def _mypy(tmp_path: Path, source: str, cache: Path) -> subprocess.CompletedProcess:
    module = tmp_path / "typing_probe.py"
    module.write_text(textwrap.dedent(source), encoding="utf-8")
    return subprocess.run(
        [
            str(MYPY),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(cache),
            str(module),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_a_clean_module_passes(tmp_path, cache_dir):
    out = _mypy(
        tmp_path,
        """
        def twice(n: int) -> int:
            return 2 * n
        """,
        cache_dir,
    )
    assert out.returncode == 0, out.stdout


def test_errors_inside_untyped_functions_are_caught(tmp_path, cache_dir):
    """``check_untyped_defs``: most of cuegraph's helpers have unannotated parameters."""
    out = _mypy(
        tmp_path,
        """
        def helper(rows):
            total: int = "none yet"
            return total
        """,
        cache_dir,
    )
    assert out.returncode == 1, out.stdout
    assert "[assignment]" in out.stdout


def test_a_stale_type_ignore_is_an_error(tmp_path, cache_dir):
    out = _mypy(
        tmp_path,
        """
        n: int = 1  # type: ignore[assignment]
        """,
        cache_dir,
    )
    assert out.returncode == 1, out.stdout
    assert "[unused-ignore]" in out.stdout


def test_the_pydantic_plugin_reads_settings(tmp_path, cache_dir):
    """Without the plugin every ``Settings()`` call is an error (its fields look required)."""
    out = _mypy(
        tmp_path,
        """
        from cuegraph.config import Settings

        settings = Settings()
        wrong: int = settings.base_iri
        """,
        cache_dir,
    )
    assert out.returncode == 1, out.stdout
    assert "Missing named argument" not in out.stdout
    assert "[assignment]" in out.stdout
