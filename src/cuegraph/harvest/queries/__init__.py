"""SPARQL sent to *remote* endpoints (Wikidata), kept as ``.rq`` files beside this module.

Same convention as :mod:`cuegraph.queries` (comment header ``# title:``, ``# description:``,
``# parameters:``; ``$name`` placeholders filled by :func:`render` with escaped terms), but
cuegraph's own PREFIX block is *not* prepended: these queries run against another service's
data and declare the prefixes they use.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from cuegraph.errors import QueryNotFound

__all__ = ["load_remote_query", "render_remote", "remote_query_names"]


@cache
def load_remote_query(name: str) -> str:
    """The text of ``<name>.rq``.

    Raises:
        QueryNotFound: no such query file.
    """
    path = resources.files(__package__) / f"{name}.rq"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.is_file():
        raise QueryNotFound(f"no remote query named {name!r}",
                            {"known": remote_query_names()})
    return path.read_text(encoding="utf-8")


def remote_query_names() -> list[str]:
    """Names of every bundled remote query."""
    return sorted(p.name[:-3] for p in resources.files(__package__).iterdir()
                  if p.name.endswith(".rq"))


def render_remote(name: str, **params: str) -> str:
    """Load a query, drop its comment header (no need to send it) and substitute ``$param``
    placeholders with already-escaped terms."""
    lines = load_remote_query(name).splitlines()
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    text = "\n".join(lines) + "\n"
    for key, value in params.items():
        text = re.sub(rf"\${key}\b", lambda _m, v=value: v, text)
    return text
