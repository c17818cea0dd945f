"""The one rule for what may become a link in anything cuegraph renders as HTML or SVG.

Stored IRIs are data: a ``schema:sameAs`` or ``prov:wasDerivedFrom`` loaded from a file or
harvested may be ``javascript:…``, ``data:…`` or ``vbscript:…``, which a browser runs when
the link is clicked. Only absolute ``http:``/``https:`` URLs with a host become ``href``;
everything else is shown as plain text. (The web page has the same rule in JavaScript:
``httpHref`` in ``api/static/app.js``.)
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["http_link"]


def http_link(value: object) -> str | None:
    """``value`` if it is an absolute http(s) URL with a host, else ``None``.

    >>> http_link("https://www.wikidata.org/wiki/Q7339")
    'https://www.wikidata.org/wiki/Q7339'
    >>> [http_link(v) for v in ("javascript:alert(1)", " JavaScript:x", "data:text/html,x",
    ...                         "//evil.example/", "/relative", "http:no-host", None)]
    [None, None, None, None, None, None, None]
    """
    if not isinstance(value, str) or not value:
        return None
    # a browser strips leading/trailing C0 controls and spaces and ignores tabs/newlines
    # inside a URL; refuse them rather than guess what it would make of them
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value
