"""Docs that stay true: every setting and CLI command is documented in the README."""

from __future__ import annotations

from cuegraph.cli import app
from cuegraph.config import Settings
from support import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    missing = [
        f"CUEGRAPH_{name.upper()}"
        for name in Settings.model_fields
        if f"CUEGRAPH_{name.upper()}" not in README
    ]
    assert missing == []


def test_every_setting_has_a_description():
    assert [n for n, f in Settings.model_fields.items() if not f.description] == []


def test_every_top_level_command_is_in_the_readme():
    import typer.main

    group = typer.main.get_command(app)
    missing = [name for name in group.commands if f"cuegraph {name}" not in README]
    assert missing == []


def test_readme_starts_with_the_two_commands():
    first = README.index("make run")
    assert first < README.index("make test") < README.index("## What cuegraph is")
