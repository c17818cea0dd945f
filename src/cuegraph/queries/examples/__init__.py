"""Example SPARQL queries: the gallery shown in the web page's SPARQL editor.

Each ``NN_name.rq`` starts with ``# title:`` and ``# description:`` and declares its own
prefixes, so it can be copied into any SPARQL client as it is.
"""

from __future__ import annotations

import re
from importlib import resources

__all__ = ["examples"]


def examples() -> list[dict[str, str]]:
    """Every example, in file order: ``{"id", "title", "description", "query"}``."""
    out = []
    for path in sorted(resources.files(__package__).iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".rq"):
            continue
        text = path.read_text(encoding="utf-8")
        head = dict(re.findall(r"(?m)^#\s*(title|description):\s*(.*)$", text))
        out.append(
            {
                "id": path.name[:-3],
                "title": head.get("title", path.name[:-3]),
                "description": head.get("description", ""),
                "query": text,
            }
        )
    return out
