"""SPARQL sent to *remote* endpoints (Wikidata), kept as ``.rq`` files beside this module.

Same convention as :mod:`cuegraph.queries` (comment header ``# title:``, ``# description:``,
``# parameters:``; ``$name`` placeholders filled by :func:`render` with escaped terms), but
cuegraph's own PREFIX block is *not* prepended: these queries run against another service's
data and declare the prefixes they use.
"""

from __future__ import annotations

from functools import cache

from cuegraph.queries import read_rq, rq_names, substitute

__all__ = ["load_remote_query", "render_remote", "remote_query_names"]


@cache
def load_remote_query(name: str) -> str:
    """The text of ``<name>.rq``.

    Raises:
        QueryNotFound: no such query file.
    """
    return read_rq(__package__, name)


def remote_query_names() -> list[str]:
    """Names of every bundled remote query."""
    return rq_names(__package__)


def render_remote(name: str, **params: str) -> str:
    """Load a query, drop its comment header (no need to send it) and substitute ``$param``
    placeholders with already-escaped terms."""
    lines = load_remote_query(name).splitlines()
    while lines and (lines[0].startswith("#") or not lines[0].strip()):
        lines.pop(0)
    return substitute("\n".join(lines) + "\n", **params)
