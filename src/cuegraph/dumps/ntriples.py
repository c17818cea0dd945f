"""Records -> N-Triples lines, without rdflib graphs: the dump importers' hot path.

:class:`~cuegraph.graph.build.GraphBuilder` fills an rdflib ``Graph`` and rdflib serialises
it; for a dump of millions of entities that was most of the import's time (rdflib's store
indexes, term objects and its N-Triples serialiser: about 200 entities/s). This writer makes
the same triples as strings for the record types the dump importers produce (people, works,
songs, recordings, albums, credits):

* IRIs of things come from the one :class:`~cuegraph.graph.iris.Minter` (never built here),
  vocabulary terms from :mod:`cuegraph.namespaces`, role IRIs from :mod:`cuegraph.roles`,
  and the id and shortcut tables from :mod:`cuegraph.graph.build` itself;
* the mapping mirrors ``GraphBuilder``'s for those types; ``tests/dumps/test_ntriples.py``
  checks that the graph written here is isomorphic to ``GraphBuilder``'s on the dump
  fixtures and on records with every optional field set, so the two cannot drift apart
  unnoticed;
* any other record type (episodes, cues) goes through ``GraphBuilder`` itself, with a sink
  in place of the rdflib graph.

Lines are escaped per the N-Triples grammar (W3C RDF 1.1 N-Triples, §2.3/§2.4): in IRIs, the
characters ``IRIREF`` excludes (controls, space, ``<>"{}|^`\\``) become ``\\uXXXX``; in
literals ``"`` ``\\`` LF CR become ``ECHAR`` escapes and other controls ``\\uXXXX``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef

from cuegraph.graph import build as _build
from cuegraph.graph.iris import Minter
from cuegraph.namespaces import CG, MO, PROV, RDF, RDFS, SDO, XSD
from cuegraph.records import Album, Credit, Person, Record, Recording, Song, Work
from cuegraph.roles import role_iri

__all__ = ["NTriplesWriter", "iri", "literal", "term"]

_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LIT_BAD = re.compile(r'[\x00-\x1f"\\\x7f]')
_ECHAR = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r"}


def _uchar(m: re.Match) -> str:
    return f"\\u{ord(m.group()):04X}"


def _echar(m: re.Match) -> str:
    c = m.group()
    return _ECHAR.get(c) or f"\\u{ord(c):04X}"


def iri(value: str) -> str:
    """``<value>`` with the characters N-Triples' IRIREF excludes written as UCHARs."""
    if _IRI_BAD.search(value):
        value = _IRI_BAD.sub(_uchar, value)
    return f"<{value}>"


def literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal: ``"value"``, ``"value"@lang`` or ``"value"^^<datatype>``."""
    if _LIT_BAD.search(value):
        value = _LIT_BAD.sub(_echar, value)
    if lang:
        return f'"{value}"@{lang}'
    if datatype:
        return f'"{value}"^^{iri(datatype)}'
    return f'"{value}"'


def term(t: object) -> str:
    """An rdflib term (IRI or literal) in N-Triples."""
    if isinstance(t, Literal):
        return literal(str(t), t.language, str(t.datatype) if t.datatype else None)
    if isinstance(t, URIRef):
        return iri(str(t))
    raise TypeError(f"no N-Triples form for {t!r} (blank nodes are not written)")


# vocabulary terms, written once
_A = iri(str(RDF.type))
_V = {
    name: iri(str(t))
    for name, t in {
        "Agent": CG.Agent,
        "MusicArtist": MO.MusicArtist,
        "SdoMusicGroup": SDO.MusicGroup,
        "MoMusicGroup": MO.MusicGroup,
        "SdoPerson": SDO.Person,
        "SoloMusicArtist": MO.SoloMusicArtist,
        "kind": CG.kind,
        "name": SDO.name,
        "label": RDFS.label,
        "nativeName": CG.nativeName,
        "nativeTitle": CG.nativeTitle,
        "alternateName": SDO.alternateName,
        "sameAs": SDO.sameAs,
        "derived": PROV.wasDerivedFrom,
        "Work": CG.Work,
        "datePublished": SDO.datePublished,
        "numberOfEpisodes": SDO.numberOfEpisodes,
        "Song": CG.Song,
        "MusicComposition": SDO.MusicComposition,
        "MusicalWork": MO.MusicalWork,
        "work": CG.work,
        "Recording": CG.Recording,
        "MusicRecording": SDO.MusicRecording,
        "Signal": MO.Signal,
        "recordingOf": SDO.recordingOf,
        "song": CG.song,
        "duration": SDO.duration,
        "Album": CG.Album,
        "MusicAlbum": SDO.MusicAlbum,
        "Record": MO.Record,
        "track": SDO.track,
        "Credit": CG.Credit,
        "agent": CG.agent,
        "role": CG.role,
        "credits": CG.credits,
        "hasCredit": CG.hasCredit,
        "roleText": CG.roleText,
        "note": CG.note,
    }.items()
}
_WORK_TYPES = {k: tuple(iri(str(t)) for t in v) for k, v in _build._WORK_TYPES.items()}
_ID_PROPS = {k: iri(str(v)) for k, v in _build._ID_PROPS.items()}
_ID_URLS = _build._ID_URLS
_SHORTCUTS = {k: iri(str(v)) for k, v in _build._SHORTCUTS.items()}
_GYEAR, _INTEGER, _DURATION = str(XSD.gYear), str(XSD.integer), str(XSD.duration)


def _duration(seconds: Decimal) -> str:
    return literal(f"PT{format(Decimal(seconds).normalize(), 'f')}S", datatype=_DURATION)


class _Sink:
    """Stands in for the rdflib Graph a GraphBuilder fills (record types written here
    directly are never sent to it)."""

    def __init__(self, out: dict[str, None]):
        self.out = out

    def bind(self, *args: object, **kwargs: object) -> None:
        pass

    def add(self, triple: tuple) -> None:
        s, p, o = triple
        self.out[f"{term(s)} {term(p)} {term(o)} .\n"] = None


class NTriplesWriter:
    """Turns batches of records into N-Triples (a batch's lines are distinct, in order)."""

    def __init__(self, minter: Minter):
        self.m = minter

    def encode(self, records: Iterable[Record]) -> bytes:
        """The N-Triples of a batch of records, UTF-8."""
        return "".join(self.lines(records)).encode("utf-8")

    def lines(self, records: Iterable[Record]) -> dict[str, None]:
        """The distinct N-Triples lines of a batch of records (each ends in a newline), in
        order."""
        out: dict[str, None] = {}
        other: list[Record] = []
        for r in records:
            handler = self._handlers.get(type(r))
            if handler is None:
                other.append(r)
            else:
                handler(self, r, out)
        if other:
            _build.GraphBuilder(self.m, _Sink(out)).add_all(other)  # type: ignore[arg-type]
        return out

    # -- helpers (the GraphBuilder methods of the same names) -----------------------------
    @staticmethod
    def _source(node: str, source: str | None, out: dict[str, None]) -> None:
        for url in (source or "").split():
            out[f"{node} {_V['derived']} {iri(url)} .\n"] = None

    @staticmethod
    def _ids(node: str, kind: str, ids, out: dict[str, None]) -> None:
        for scheme, value in ids:
            prop = _ID_PROPS.get(scheme)
            if prop is None:
                continue
            out[f"{node} {prop} {literal(str(value))} .\n"] = None
            url = _ID_URLS.get((kind, scheme))
            if url:
                out[f"{node} {_V['sameAs']} {iri(url.format(value))} .\n"] = None

    @staticmethod
    def _name(
        node: str, name: str, native: str | None, native_prop: str, out: dict[str, None]
    ) -> None:
        lit = literal(name)
        out[f"{node} {_V['name']} {lit} .\n"] = None
        out[f"{node} {_V['label']} {lit} .\n"] = None
        if native:
            out[f"{node} {native_prop} {literal(native, lang='ja')} .\n"] = None

    @staticmethod
    def _types(node: str, types: Iterable[str], out: dict[str, None]) -> None:
        for t in types:
            out[f"{node} {_A} {t} .\n"] = None

    # -- records -------------------------------------------------------------------------
    def _person(self, r: Person, out: dict[str, None]) -> None:
        node = iri(self.m.person(r.key))
        group = r.kind == "group"
        self._types(
            node,
            (
                _V["Agent"],
                _V["MusicArtist"],
                _V["SdoMusicGroup"] if group else _V["SdoPerson"],
                _V["MoMusicGroup"] if group else _V["SoloMusicArtist"],
            ),
            out,
        )
        out[f"{node} {_V['kind']} {literal(r.kind)} .\n"] = None
        self._name(node, r.name, r.native_name, _V["nativeName"], out)
        for alias in r.aliases:
            out[f"{node} {_V['alternateName']} {literal(alias)} .\n"] = None
        self._ids(node, "person", r.ids, out)
        self._source(node, r.source, out)

    def _work(self, r: Work, out: dict[str, None]) -> None:
        node = iri(self.m.work(r.key))
        self._types(node, (_V["Work"], *_WORK_TYPES[r.type]), out)
        self._name(node, r.title, r.native_title, _V["nativeTitle"], out)
        for alias in r.aliases:
            out[f"{node} {_V['alternateName']} {literal(alias)} .\n"] = None
        if r.year:
            out[f"{node} {_V['datePublished']} {literal(str(r.year), datatype=_GYEAR)} .\n"] = None
        if r.episodes:
            out[
                f"{node} {_V['numberOfEpisodes']} "
                f"{literal(str(int(r.episodes)), datatype=_INTEGER)} .\n"
            ] = None
        self._ids(node, "work", r.ids, out)
        self._source(node, r.source, out)

    def _song(self, r: Song, out: dict[str, None]) -> None:
        node = iri(self.m.song(r.key))
        self._types(node, (_V["Song"], _V["MusicComposition"], _V["MusicalWork"]), out)
        self._name(node, r.title, r.native_title, _V["nativeTitle"], out)
        if r.work:
            out[f"{node} {_V['work']} {iri(self.m.work(r.work))} .\n"] = None
        self._ids(node, "song", r.ids, out)
        self._source(node, r.source, out)

    def _recording(self, r: Recording, out: dict[str, None]) -> None:
        node = iri(self.m.recording(r.key))
        self._types(node, (_V["Recording"], _V["MusicRecording"], _V["Signal"]), out)
        self._name(node, r.title, None, _V["nativeTitle"], out)
        if r.song:
            song = iri(self.m.song(r.song))
            out[f"{node} {_V['recordingOf']} {song} .\n"] = None
            out[f"{node} {_V['song']} {song} .\n"] = None
        if r.length_seconds is not None:
            out[f"{node} {_V['duration']} {_duration(r.length_seconds)} .\n"] = None
        self._ids(node, "recording", r.ids, out)
        self._source(node, r.source, out)

    def _album(self, r: Album, out: dict[str, None]) -> None:
        node = iri(self.m.album(r.key))
        self._types(node, (_V["Album"], _V["MusicAlbum"], _V["Record"]), out)
        self._name(node, r.title, r.native_title, _V["nativeTitle"], out)
        if r.year:
            out[f"{node} {_V['datePublished']} {literal(str(r.year), datatype=_GYEAR)} .\n"] = None
        if r.work:
            out[f"{node} {_V['work']} {iri(self.m.work(r.work))} .\n"] = None
        for rec in r.tracks:
            out[f"{node} {_V['track']} {iri(self.m.recording(rec))} .\n"] = None
        self._ids(node, "album", r.ids, out)
        self._source(node, r.source, out)

    def _credit(self, r: Credit, out: dict[str, None]) -> None:
        agent_ref = self.m.person(r.agent)
        role_ref = role_iri(r.role)
        target_ref = self.m.target(r.target_kind, r.target)
        node = iri(self.m.credit(agent_ref, role_ref, target_ref))
        agent, role, target = iri(agent_ref), iri(role_ref), iri(target_ref)
        out[f"{node} {_A} {_V['Credit']} .\n"] = None
        out[f"{node} {_V['agent']} {agent} .\n"] = None
        out[f"{node} {_V['role']} {role} .\n"] = None
        out[f"{node} {_V['credits']} {target} .\n"] = None
        out[f"{target} {_V['hasCredit']} {node} .\n"] = None
        if r.role_text:
            out[f"{node} {_V['roleText']} {literal(r.role_text)} .\n"] = None
        if r.note:
            out[f"{node} {_V['note']} {literal(r.note)} .\n"] = None
        self._source(node, r.source, out)
        shortcut = _SHORTCUTS.get(r.role)
        if shortcut is not None:
            out[f"{target} {shortcut} {agent} .\n"] = None

    _handlers: dict[type, Callable[[NTriplesWriter, Any, dict[str, None]], None]] = {
        Person: _person,
        Work: _work,
        Song: _song,
        Recording: _recording,
        Album: _album,
        Credit: _credit,
    }
