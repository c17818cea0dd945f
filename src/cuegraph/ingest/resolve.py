"""Names an import reads -> the keys of the people and works the store (or the import
itself) already knows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import unquote

from cuegraph.graph.iris import Minter
from cuegraph.names import fold, name_keys, title_aliases, title_keys
from cuegraph.namespaces import CG
from cuegraph.queries import iri, render
from cuegraph.records import Person, Work
from cuegraph.store import Store

__all__ = ["Resolver", "name_resolver", "resolvers"]

#: a written name (or id) -> the key of the known person or work it names (``None``: nobody)
Resolver = Callable[[str], str | None]
#: kind -> the class its nodes are found by in ``ingest_names``
_CLASSES = {"person": "cg:Agent", "work": "cg:Work"}
_CLASS_KIND = {str(CG.Agent): "person", str(CG.Work): "work"}


def _known_names(
    store: Store, kinds: Iterable[str], exclude_graph: str | None
) -> dict[str, list[tuple[str, str]]]:
    """kind -> (node IRI, name) of every name, native name and alias of the people and/or
    works in the store outside ``exclude_graph``: one query, whatever the kinds."""
    kinds = list(kinds)
    rows = store.select(
        render(
            "ingest_names",
            classes=" ".join(_CLASSES[k] for k in kinds),
            skip=iri(exclude_graph) if exclude_graph else "UNDEF",
        )
    )
    out: dict[str, list[tuple[str, str]]] = {k: [] for k in kinds}
    for r in rows:
        out[_CLASS_KIND[r["class"]]].append((r["x"], r["n"]))
    return out


def resolvers(
    store: Store,
    minter: Minter,
    *,
    people: Iterable[Person] = (),
    works: Iterable[Work] = (),
    exclude_graph: str | None = None,
) -> tuple[Resolver, Resolver]:
    """The person and the work resolver (:func:`name_resolver`) of one import, from one
    query of the store."""
    known = _known_names(store, ("person", "work"), exclude_graph)
    return (
        _resolver(minter, "person", known["person"], people),
        _resolver(minter, "work", known["work"], works),
    )


def name_resolver(
    store: Store,
    minter: Minter,
    kind: str,
    extra: Iterable[Person | Work] = (),
    exclude_graph: str | None = None,
) -> Resolver:
    """A function mapping a written name (or id) to the key of a known person or work.

    Known ones are those in the store (outside ``exclude_graph``, the graph about to be
    replaced) plus ``extra`` (records about to be written); names, native names, aliases and
    keys all match. A name equal once folded (:func:`cuegraph.names.fold`) wins; otherwise a
    name sharing a match key with exactly one known person or work (word order, macrons,
    long vowels, punctuation: :func:`cuegraph.names.name_keys` / ``title_keys``); a key
    several share resolves to nobody.
    """
    return _resolver(minter, kind, _known_names(store, (kind,), exclude_graph)[kind], extra)


def _resolver(
    minter: Minter, kind: str, rows: Iterable[tuple[str, str]], extra: Iterable[Person | Work]
) -> Resolver:
    base = str(minter.person("") if kind == "person" else minter.work(""))
    keys_of = name_keys if kind == "person" else title_keys
    exact: dict[str, str] = {}
    by_key: dict[str, set[str]] = {}

    def add(text: str, key: str) -> None:
        exact.setdefault(fold(text), key)
        for k in keys_of(text):
            by_key.setdefault(k, set()).add(key)

    for node, name in rows:
        if node.startswith(base):
            key = unquote(node[len(base) :])  # the key, not its IRI form (%E6… for 梶)
            add(name, key)
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
