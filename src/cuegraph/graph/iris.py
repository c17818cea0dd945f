"""Deterministic IRIs: the same record key always mints the same IRI.

An IRI is ``{base}{kind}/{key}`` with the key slugged and percent-encoded (so native-script
keys stay distinct and the IRI stays ASCII). Credits, episodes and cues get IRIs derived from
what they relate, so two runs over the same input write the same nodes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from decimal import Decimal
from urllib.parse import quote, unquote

from rdflib import URIRef

__all__ = ["Minter", "slug"]


def slug(text: str) -> str:
    """A stable key from free text: NFKC, lower case, runs of non-word characters -> ``-``.

    >>> slug("Puella Magi Madoka Magica")
    'puella-magi-madoka-magica'
    >>> slug("secret base ~Kimi ga Kureta Mono~ (10 years after Ver.)")
    'secret-base-kimi-ga-kureta-mono-10-years-after-ver'
    >>> slug("梶浦 由記")
    '梶浦-由記'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w/]+", "-", text, flags=re.UNICODE).strip("-")
    return re.sub(r"-{2,}", "-", text)


def _enc(key: str) -> str:
    return quote(key, safe="-._~/")


def _num(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


class Minter:
    """Mints IRIs under one base IRI."""

    def __init__(self, base: str):
        if not base.endswith(("/", "#")):
            base += "/"
        self.base = base

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(_enc(p) for p in parts))

    def of(self, kind: str, key: str) -> URIRef:
        """The IRI of the ``kind`` thing keyed ``key`` (``person``, ``work``, ``song`` …).

        >>> str(Minter("https://cuegraph.org/id/").of("person", "anilist/101"))
        'https://cuegraph.org/id/person/anilist/101'
        """
        return self._iri(kind, key)

    def key_of(self, iri: str, kind: str) -> str | None:
        """The key a ``kind`` IRI was minted from (the inverse of :meth:`of`), or None when
        ``iri`` is not exactly what this minter mints for any key — so that
        ``of(kind, key_of(iri, kind)) == iri`` whenever it is not None.

        >>> m = Minter("https://cuegraph.org/id/")
        >>> m.key_of("https://cuegraph.org/id/person/anilist/101", "person")
        'anilist/101'
        >>> m.key_of("https://cuegraph.org/id/person/anilist%2F101", "person") is None
        True
        """
        prefix = f"{self.base}{kind}/"
        if not iri.startswith(prefix) or len(iri) == len(prefix):
            return None
        key = unquote(iri[len(prefix) :])
        return key if str(self._iri(kind, key)) == iri else None

    def person(self, key: str) -> URIRef:
        return self._iri("person", key)

    def work(self, key: str) -> URIRef:
        return self._iri("work", key)

    def episode(self, work_key: str, number: int) -> URIRef:
        return self._iri("work", work_key, "episode", str(int(number)))

    def song(self, key: str) -> URIRef:
        return self._iri("song", key)

    def recording(self, key: str) -> URIRef:
        return self._iri("recording", key)

    def album(self, key: str) -> URIRef:
        return self._iri("album", key)

    def target(self, kind: str, key: str) -> URIRef:
        """The IRI of a credited thing (``work``, ``song``, ``recording``, ``album``)."""
        return {
            "work": self.work,
            "song": self.song,
            "recording": self.recording,
            "album": self.album,
        }[kind](key)

    def credit(self, agent: URIRef, role: URIRef, target: URIRef) -> URIRef:
        digest = hashlib.sha1(f"{agent} {role} {target}".encode()).hexdigest()[:16]
        return self._iri("credit", digest)

    def cue(
        self,
        work_key: str,
        episode: int,
        usage: str,
        start: Decimal | None,
        end: Decimal | None,
        what: str | None,
    ) -> URIRef:
        span = f"{_num(start)}-{_num(end)}" if start is not None and end is not None else "any"
        tail = f"{usage}-{span}"
        if what:
            tail += "-" + hashlib.sha1(what.encode()).hexdigest()[:8]
        return self._iri("work", work_key, "episode", str(int(episode)), "cue", tail)

    def scene(self, work_key: str, episode: int, name: str) -> URIRef:
        return self._iri("work", work_key, "episode", str(int(episode)), "scene", slug(name))

    def graph(self, source: str, key: str) -> URIRef:
        """The named graph of one source and key (what a re-run replaces)."""
        return self._iri("graph", source, key)

    def provenance_graph(self) -> URIRef:
        """The named graph holding PROV-O metadata about every source graph."""
        return self._iri("graph", "provenance")
