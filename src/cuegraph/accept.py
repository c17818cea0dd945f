"""HTTP ``Accept`` headers: parsed in one place, for the SPARQL endpoint's content
negotiation and the export's.

>>> [(r.type, r.subtype, r.q) for r in parse_accept("text/*;q=0.5, application/json")]
[('text', '*', 0.5), ('application', 'json', 1.0)]
>>> choose("text/*;q=0.5, application/json", ["text/csv", "application/json"])
'application/json'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MediaRange", "parse_accept", "choose", "prefers_html"]


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


def prefers_html(accept: str | None) -> bool:
    """Whether an Accept header (q-values weighed) prefers ``text/html`` to JSON: a browser
    following a link. JSON wins ties, a missing header and a header accepting neither.

    >>> prefers_html("application/json;q=0.5, text/html"), prefers_html("*/*")
    (True, False)
    """
    return choose(accept, ["application/json", "text/html"]) == "text/html"
