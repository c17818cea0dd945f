"""Content negotiation for /sparql: Accept (with q-values) or a ``format=`` override.

A ``format=`` this query form has wins over Accept. One it does not have (SPARQLWrapper
derives ``format=`` from its return format, e.g. ``format=json`` on a CONSTRUCT or
``format=turtle`` on a SELECT) falls back to Accept, as ``oxigraph serve`` does, and then to
the form's default; only a name no form knows is a 400. ``text/plain`` asks a SELECT/ASK for
tab-separated values shown as plain text (``text``).
"""

from __future__ import annotations

from functools import lru_cache

from cuegraph.accept import MediaRange, choose, parse_accept
from cuegraph.engine.formats import (
    CONVERTED,
    GRAPH_FORMATS,
    MEDIA_ALIASES,
    RESULT_FORMATS,
    convert_graph,
)
from cuegraph.errors import BadInput, NotAcceptable

__all__ = [
    "MediaRange",
    "parse_accept",
    "choose",
    "choose_format",
    "RESULT_OFFERS",
    "GRAPH_OFFERS",
    "SHORT_NAMES",
    "ALIASES",
    "PLAIN_TEXT",
    "executed_as",
    "CONVERTED",
    "convert_graph",
]

#: the negotiated name of a SELECT/ASK answer sent as ``text/plain`` (TSV shown as text)
PLAIN_TEXT = "text"


#: media types offered for SELECT/ASK results, in order of preference -> short format name
#: (engine.formats' table, then the other spellings, then ``text/plain``)
RESULT_OFFERS: dict[str, str] = {
    **{media: name for name, media in RESULT_FORMATS.items()},
    **MEDIA_ALIASES["select"],
    "text/plain": PLAIN_TEXT,
}
#: media types offered for CONSTRUCT/DESCRIBE results -> short format name; the last ones
#: (the SPARQL editor's (YASGUI's) other CONSTRUCT choices) are converted from N-Triples
GRAPH_OFFERS: dict[str, str] = {
    **{media: name for name, media in GRAPH_FORMATS.items()},
    **MEDIA_ALIASES["graph"],
    **{media: name for name, media in CONVERTED.items()},
}
#: the short names ``format=`` takes, per query form
SHORT_NAMES = {
    "select": (*RESULT_FORMATS, PLAIN_TEXT),
    "graph": (*GRAPH_FORMATS, *CONVERTED),
}
#: other spellings clients send as ``format=`` (SPARQLWrapper sends e.g. ``json-ld``, ``rdf+xml``)
ALIASES = {
    "select": {"srj": "json", "srx": "xml", "txt": PLAIN_TEXT, "plain": PLAIN_TEXT},
    "graph": {
        "ttl": "turtle",
        "n3": "turtle",
        "nt": "ntriples",
        "n-triples": "ntriples",
        "json-ld": "jsonld",
        "json": "jsonld",
        "xml": "rdfxml",
        "rdf": "rdfxml",
        "rdf+xml": "rdfxml",
        "nq": "nquads",
        "n-quads": "nquads",
    },
}


def executed_as(fmt: str, form: str = "select") -> str:
    """The format the query runs with for a negotiated name (``text`` runs as TSV; the
    converted graph formats run as N-Triples)."""
    if form == "graph":
        return "ntriples" if fmt in CONVERTED else fmt
    return "tsv" if fmt == PLAIN_TEXT else fmt


def _override(kind: str, values: list[str]) -> str | None:
    offers = GRAPH_OFFERS if kind == "graph" else RESULT_OFFERS
    for raw in values:
        value = raw.strip().lower()
        if value in SHORT_NAMES[kind]:
            return value
        if value in ALIASES[kind]:
            return ALIASES[kind][value]
        if value in offers:
            return offers[value]
    return None


def choose_format(form: str, accept: str | None, override: list[str] | None = None) -> str:
    """The short format name for a query of ``form`` (``select``/``ask``/``graph``).

    ``override`` holds the ``format=`` values of the request; the first one this query form
    has wins over Accept. A value only the other query form has falls back to Accept, then
    to this form's default format.

    Raises:
        BadInput: ``format=`` names no format of any query form.
        NotAcceptable: no offered media type matches Accept (and no format= was given).
    """
    kind = "graph" if form == "graph" else "select"
    if len(accept or "") > 500 or override and len(override) > 4:
        return _choose_format(kind, accept, tuple(override or ()))
    # clients send the same few Accept headers again and again: decided once each
    return _choose_format_cached(kind, accept, tuple(override or ()))


def _choose_format(kind: str, accept: str | None, override: tuple[str, ...]) -> str:
    other = "select" if kind == "graph" else "graph"
    offers = GRAPH_OFFERS if kind == "graph" else RESULT_OFFERS
    names = SHORT_NAMES[kind]
    values = [v for v in override if v.strip()]
    if values:
        chosen = _override(kind, values)
        if chosen:
            return chosen
        if not _override(other, values):
            everything = dict.fromkeys([*names, *SHORT_NAMES[other]])
            raise BadInput(
                f"unknown format={values[0]!r}; formats are {', '.join(everything)} "
                "(or their media types)",
                {"formats": list(everything)},
            )
        media = choose(accept, list(offers))  # a format for the other form: negotiate
        return offers[media] if media else names[0]
    media = choose(accept, list(offers))
    if media is None:
        canonical = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
        available = [canonical.get(n) or CONVERTED.get(n) or "text/plain" for n in names]
        raise NotAcceptable(
            f"none of the media types in Accept: {accept!r} can be produced for this query; "
            f"available: {', '.join(available)}",
            {"available": available},
        )
    return offers[media]


_choose_format_cached = lru_cache(maxsize=256)(_choose_format)
