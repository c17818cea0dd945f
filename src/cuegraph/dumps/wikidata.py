"""The Wikidata JSON dump -> records.

``latest-all.json.gz`` / ``.json.bz2`` hold every entity in one JSON array, one entity per
line (``[``, then ``{…},`` lines, the last entity without the comma, then ``]``), each in
the shape of ``Special:EntityData/Q….json``: ``labels``/``aliases`` by language, ``claims``
by property, each statement with a ``mainsnak`` (``snaktype``, ``datavalue``) and a
``rank``. Wikidata's structured data is CC0.

Two passes, each one line at a time:

1. **works**: items that are an anime series, film, OVA or video game (``P31`` one of the
   classes :mod:`cuegraph.harvest.wikidata` reads) with a composer (P86), lyricist (P676)
   or performer (P175) statement: the work (English, else ``mul``, else Japanese label; the
   Japanese one as native title; aliases; P577 year; AniList P8729, AniDB P5646, MAL P4086,
   MusicBrainz release group P436) and one credit per statement. The people named are
   remembered (a set of ids: memory grows with what is kept, not with the file).
2. **people**: the items those statements name: labels (en, else mul, else ja), the
   Japanese label or P1559 (name in native language) as native name, aliases in en/ja/mul,
   group when ``P31`` is musical group (Q215380), and their ids (MusicBrainz P434, VGMdb
   P3435, AniDB P5649, AniList P11227, MAL P4084).

Deprecated statements and ``novalue``/``somevalue`` snaks are ignored. Songs and albums
with credits are not kept (this importer builds the works' graph; the harvester reads
songs). Records are the shapes :func:`cuegraph.harvest.wikidata.credits_to_records` makes,
so harvests and the dump meet in identity resolution by Wikidata id.
"""

from __future__ import annotations

import re

from cuegraph.harvest.wikidata import _WORK_CLASSES, NAME, entity_source
from cuegraph.records import Credit, Person, Record, Work
from cuegraph.roles import resolve_role

__all__ = ["CREDIT_PROPS", "work_records", "person_record", "credit_props_in", "item_id"]

#: the statements that make a work worth keeping, and whom they name
CREDIT_PROPS = ("P86", "P676", "P175")
_CREDIT_BYTES = tuple(f'"{p}"'.encode() for p in CREDIT_PROPS)
_GROUP_CLASSES = {"Q215380"}  # musical group (the harvester's isGroup test, without P279*)
_PERSON_IDS = {
    "P434": "musicbrainz",
    "P3435": "vgmdb",
    "P5649": "anidb",
    "P11227": "anilist",
    "P4084": "mal",
}
_WORK_IDS = {"P8729": "anilist", "P5646": "anidb", "P4086": "mal", "P436": "musicbrainz"}
_ORDER = ["series", "film", "ova", "game"]
_QID = re.compile(r"Q[1-9][0-9]*")
_FAST_ID = re.compile(rb'^\{"type":"item","id":"(Q[1-9][0-9]*)"')


def credit_props_in(line: bytes) -> bool:
    """Whether a raw dump line may hold a credit statement (cheap test before parsing)."""
    return any(p in line for p in _CREDIT_BYTES)


def item_id(line: bytes) -> str | None:
    """The item id at the start of a raw dump line, when written the dumps' way (``None``:
    parse the line to know)."""
    m = _FAST_ID.match(line)
    return m.group(1).decode() if m else None


def _values(entity: dict, prop: str) -> list:
    out = []
    for st in (entity.get("claims") or {}).get(prop) or []:
        if not isinstance(st, dict) or st.get("rank") == "deprecated":
            continue
        snak = st.get("mainsnak") or {}
        if snak.get("snaktype") != "value":
            continue
        dv = (snak.get("datavalue") or {}).get("value")
        if dv is not None:
            out.append(dv)
    return out


def _items(entity: dict, prop: str) -> list[str]:
    out = []
    for v in _values(entity, prop):
        qid = v.get("id") if isinstance(v, dict) else None
        if isinstance(qid, str) and _QID.fullmatch(qid):
            out.append(qid)
    return list(dict.fromkeys(out))


def _strings(entity: dict, prop: str) -> list[str]:
    return list(dict.fromkeys(str(v) for v in _values(entity, prop) if isinstance(v, str)))


def _label(entity: dict, lang: str) -> str | None:
    v = (entity.get("labels") or {}).get(lang)
    return str(v["value"]) if isinstance(v, dict) and v.get("value") else None


def _aliases(entity: dict) -> set[str]:
    out = set()
    for lang in ("en", "ja", "mul"):
        for a in (entity.get("aliases") or {}).get(lang) or []:
            if isinstance(a, dict) and a.get("value"):
                out.add(str(a["value"]))
    return out


def _names(entity: dict, qid: str) -> tuple[str, str | None]:
    name = _label(entity, "en") or _label(entity, "mul") or _label(entity, "ja") or qid
    native = _label(entity, "ja")
    return name, (native if native != name else None)


def _year(entity: dict) -> int | None:
    years = []
    for v in _values(entity, "P577"):
        m = re.match(r"[+]?(\d{4})-", str(v.get("time") or "")) if isinstance(v, dict) else None
        if m:
            years.append(int(m.group(1)))
    return min(years) if years else None


def work_records(entity: dict) -> tuple[list[Record], set[str]]:
    """Pass 1: the work and its credits, and the ids of the people they name (empty when
    the item is not a kept work)."""
    qid = str(entity.get("id") or "")
    if entity.get("type") != "item" or not _QID.fullmatch(qid):
        return [], set()
    types = [_WORK_CLASSES[c] for c in _items(entity, "P31") if c in _WORK_CLASSES]
    links = [(prop, person) for prop in CREDIT_PROPS for person in _items(entity, prop)]
    if not types or not links:
        return [], set()
    title, native = _names(entity, qid)
    ids = {("wikidata", qid)}
    for prop, scheme in _WORK_IDS.items():
        ids.update((scheme, v) for v in _strings(entity, prop))
    key, source = f"{NAME}/{qid}", entity_source(qid)
    aliases = tuple(sorted(_aliases(entity) - {title, native or ""}))
    records: list[Record] = [
        Work(
            key=key,
            title=title,
            type=min(types, key=_ORDER.index),
            native_title=native,
            year=_year(entity),
            ids=tuple(sorted(ids)),
            source=source,
            aliases=aliases,
        )
    ]
    for prop, person in links:
        role = resolve_role(prop, NAME)
        if role == "composer":
            role = "score_composer"  # P86 on a series, film or game: the score
        records.append(
            Credit(
                agent=f"{NAME}/{person}",
                role=role,
                target_kind="work",
                target=key,
                role_text=prop,
                source=source,
            )
        )
    return records, {p for _prop, p in links}


def person_record(entity: dict) -> Person | None:
    """Pass 2: a person or group named by a kept work."""
    qid = str(entity.get("id") or "")
    if not _QID.fullmatch(qid):
        return None
    name, native = _names(entity, qid)
    if native is None:
        native = next(
            (
                str(v["text"])
                for v in _values(entity, "P1559")
                if isinstance(v, dict) and v.get("text") and v["text"] != name
            ),
            None,
        )
    ids = {("wikidata", qid)}
    for prop, scheme in _PERSON_IDS.items():
        ids.update((scheme, v) for v in _strings(entity, prop))
    group = bool(set(_items(entity, "P31")) & _GROUP_CLASSES)
    return Person(
        key=f"{NAME}/{qid}",
        name=name,
        native_name=native,
        kind="group" if group else "person",
        aliases=tuple(sorted(_aliases(entity) - {name, native or ""})),
        ids=tuple(sorted(ids)),
        source=entity_source(qid),
    )
