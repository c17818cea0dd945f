"""Names an import reads -> the keys of the people and works the store (or the import
itself) already knows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import unquote

from cuegraph.graph.iris import Minter
from cuegraph.names import fold, name_keys, title_aliases, title_keys
from cuegraph.queries import iri, render
from cuegraph.records import Person, Work
from cuegraph.store import Store

__all__ = ["name_resolver", "person_resolver"]

#: kind -> (class, native-name property) as the query ``ingest_names`` takes them
_NAME_QUERIES = {
    "person": ("cg:Agent", "cg:nativeName"),
    "work": ("cg:Work", "cg:nativeTitle"),
}


def name_resolver(
    store: Store,
    minter: Minter,
    kind: str,
    extra: Iterable[Person | Work] = (),
    exclude_graph: str | None = None,
) -> Callable[[str], str | None]:
    """A function mapping a written name (or id) to the key of a known person or work.

    Known ones are those in the store (outside ``exclude_graph``, the graph about to be
    replaced) plus ``extra`` (records about to be written); names, native names, aliases and
    keys all match. A name equal once folded (:func:`cuegraph.names.fold`) wins; otherwise a
    name sharing a match key with exactly one known person or work (word order, macrons,
    long vowels, punctuation: :func:`cuegraph.names.name_keys` / ``title_keys``); a key
    several share resolves to nobody.
    """
    cls, native = _NAME_QUERIES[kind]
    base = str(minter.person("") if kind == "person" else minter.work(""))
    rows = store.select(
        render(
            "ingest_names",
            **{
                "class": cls,
                "native": native,
                "skip": iri(exclude_graph) if exclude_graph else "UNDEF",
            },
        )
    )
    keys_of = name_keys if kind == "person" else title_keys
    exact: dict[str, str] = {}
    by_key: dict[str, set[str]] = {}

    def add(text: str, key: str) -> None:
        exact.setdefault(fold(text), key)
        for k in keys_of(text):
            by_key.setdefault(k, set()).add(key)

    for r in rows:
        if r["x"].startswith(base):
            key = unquote(r["x"][len(base) :])  # the key, not its IRI form (%E6… for 梶)
            add(r["n"], key)
            exact.setdefault(fold(key), key)
    for rec in extra:
        names = (
            (rec.name, rec.native_name, *rec.aliases)
            if isinstance(rec, Person)
            else (
                rec.title,
                rec.native_title,
                *rec.aliases,
                *title_aliases(rec.title, rec.native_title),
            )
        )
        exact.setdefault(fold(rec.key), rec.key)
        for n in names:
            if n:
                add(n, rec.key)

    def resolve(name: str) -> str | None:
        hit = exact.get(fold(name))
        if hit is not None:
            return hit
        found = {key for k in keys_of(name) for key in by_key.get(k, ())}
        return found.pop() if len(found) == 1 else None

    return resolve


def person_resolver(
    store: Store, minter: Minter, extra: Iterable[Person] = (), exclude_graph: str | None = None
) -> Callable[[str], str | None]:
    """:func:`name_resolver` for people."""
    return name_resolver(store, minter, "person", extra, exclude_graph)
