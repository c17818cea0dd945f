"""SPARQL queries kept as ``.rq`` files beside this module, loaded by name.

Each file starts with a comment header: ``# title:``, ``# description:`` and, where the
query takes parameters, ``# parameters:`` (placeholders written ``$name`` are replaced by
:func:`render` with properly escaped SPARQL terms).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from cuegraph.errors import QueryNotFound
from cuegraph.namespaces import sparql_prefixes

__all__ = [
    "load_query",
    "load_update",
    "update_names",
    "query_names",
    "render",
    "render_update",
    "header",
    "iri",
    "terms",
    "literal",
    "read_rq",
    "rq_names",
    "substitute",
]


def read_rq(package: str, name: str, ext: str = "rq") -> str:
    """The text of ``<name>.rq`` (``.ru``: an update) in ``package`` (shared by every query
    folder).

    Raises:
        QueryNotFound: a bad name or no such file.
    """
    path = resources.files(package) / f"{name}.{ext}"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.is_file():
        raise QueryNotFound(f"no query named {name!r}", {"known": rq_names(package, ext)})
    return path.read_text(encoding="utf-8")


def rq_names(package: str, ext: str = "rq") -> list[str]:
    """Names of every ``.rq`` (``.ru``) file in ``package``."""
    suffix = f".{ext}"
    return sorted(
        p.name[: -len(suffix)]
        for p in resources.files(package).iterdir()
        if p.name.endswith(suffix)
    )


def substitute(query: str, /, **params: str) -> str:
    """Replace ``$param`` placeholders with already-escaped SPARQL terms (any name, even
    ``query``, can be a parameter).

    >>> substitute("SELECT * { ?s ?p $text }", text='"x"')
    'SELECT * { ?s ?p "x" }'

    One pass over the template: text put in for one placeholder is never searched for
    another, so a ``$`` inside an IRI or a literal stays as it is.

    >>> substitute("$a $b", a="$b", b="x")
    '$b x'
    """
    return re.sub(r"\$(\w+)\b", lambda m: params.get(m[1], m[0]), query)


@cache
def load_query(name: str) -> str:
    """The text of ``<name>.rq`` with cuegraph's PREFIX block prepended.

    Raises:
        QueryNotFound: no such query file.
    """
    return sparql_prefixes() + read_rq(__package__, name)


@cache
def load_update(name: str) -> str:
    """The SPARQL Update template ``<name>.ru`` without its comment header and with no PREFIX
    block: it may be appended to other operations of one request (``swap_extra``), so it
    spells its IRIs out. Fill it with :func:`substitute`.

    Raises:
        QueryNotFound: no such update file.
    """
    text = read_rq(__package__, name, "ru")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#")).strip()


def update_names() -> list[str]:
    """Names of every bundled update template (``.ru``)."""
    return rq_names(__package__, "ru")


def query_names() -> list[str]:
    """Names of every bundled query."""
    return rq_names(__package__)


def header(name: str) -> dict[str, str]:
    """The ``# key: value`` comment header of a query file."""
    out = {}
    for line in load_query(name).splitlines():
        m = re.match(r"#\s*(\w+):\s*(.*)", line)
        if m:
            out[m.group(1)] = m.group(2).strip()
    return out


def iri(value: str) -> str:
    """An IRI as a SPARQL term (refuses characters IRIs cannot hold)."""
    if re.search(r'[\s<>"{}|^`\\]', value):
        raise ValueError(f"not an IRI: {value!r}")
    return f"<{value}>"


def terms(iris: Iterable[str]) -> str:
    """IRIs as a space-separated list of SPARQL terms for ``VALUES``, each once (an empty
    list: one IRI nothing has, so the query still parses and matches nothing).

    >>> terms(["urn:a", "urn:b", "urn:a"])
    '<urn:a> <urn:b>'
    """
    return " ".join(iri(i) for i in dict.fromkeys(iris)) or "<urn:cuegraph:none>"


def literal(value: str) -> str:
    """A string as a SPARQL literal, escaped."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def render(name: str, **params: str) -> str:
    """Load a query and substitute ``$param`` placeholders with already-escaped terms."""
    return substitute(load_query(name), **params)


def render_update(name: str, **params: str) -> str:
    """Load an update template (``.ru``) and substitute its ``$param`` placeholders with
    already-escaped terms (in one pass: no inserted text is searched for placeholders).

    >>> render_update("graph_drop", graph=iri("urn:g"))
    'DROP SILENT GRAPH <urn:g>'
    """
    return substitute(load_update(name), **params)
