"""Content negotiation for /sparql: Accept (with q-values) or a ``format=`` override."""

from __future__ import annotations

from dataclasses import dataclass

from cuegraph.errors import BadInput, NotAcceptable
from cuegraph.store import GRAPH_FORMATS, RESULT_FORMATS

__all__ = ["MediaRange", "parse_accept", "choose", "choose_format", "RESULT_OFFERS",
           "GRAPH_OFFERS", "SHORT_NAMES", "ALIASES"]


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float
    order: int

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")

    def matches(self, media_type: str) -> bool:
        typ, _, sub = media_type.partition("/")
        return self.type in ("*", typ) and self.subtype in ("*", sub)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        typ, _, sub = fields[0].lower().partition("/")
        if not typ:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(typ, sub or "*", q, order))
    return ranges


def choose(accept: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers (highest q of its most specific matching range).

    Ties keep the server's order of ``offers`` (its preference). ``None``: nothing acceptable.
    """
    ranges = parse_accept(accept)
    best: tuple[float, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        matching = [r for r in ranges if r.matches(offer)]
        if not matching:
            continue
        top = max(matching, key=lambda r: (r.specificity, -r.order))
        if top.q <= 0:
            continue
        key = (top.q, -index)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


#: media types offered for SELECT/ASK results, in order of preference -> short format name
RESULT_OFFERS: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
#: media types offered for CONSTRUCT/DESCRIBE results -> short format name
GRAPH_OFFERS: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
}
#: the short names ``format=`` takes, per query form
SHORT_NAMES = {"select": ("json", "xml", "csv", "tsv"),
               "graph": ("turtle", "ntriples", "jsonld", "rdfxml")}
#: other spellings clients send as ``format=`` (SPARQLWrapper sends e.g. ``json-ld``, ``rdf+xml``)
ALIASES = {
    "select": {"srj": "json", "srx": "xml"},
    "graph": {"ttl": "turtle", "n3": "turtle", "nt": "ntriples", "n-triples": "ntriples",
              "json-ld": "jsonld", "json": "jsonld", "xml": "rdfxml", "rdf": "rdfxml",
              "rdf+xml": "rdfxml"},
}


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
    has wins over Accept.

    Raises:
        BadInput: ``format=`` names no format this query form has.
        NotAcceptable: no offered media type matches Accept.
    """
    kind = "graph" if form == "graph" else "select"
    offers = GRAPH_OFFERS if kind == "graph" else RESULT_OFFERS
    names = SHORT_NAMES[kind]
    values = [v for v in override or [] if v.strip()]
    if values:
        chosen = _override(kind, values)
        if chosen:
            return chosen
        raise BadInput(
            f"format={values[0]!r} is not available for this query; choose from "
            f"{', '.join(names)} (or one of their media types)",
            {"formats": list(names)},
        )
    media = choose(accept, list(offers))
    if media is None:
        canonical = GRAPH_FORMATS if kind == "graph" else RESULT_FORMATS
        available = [canonical[n] for n in names]
        raise NotAcceptable(
            f"none of the media types in Accept: {accept!r} can be produced for this query; "
            f"available: {', '.join(available)}",
            {"available": available},
        )
    return offers[media]
